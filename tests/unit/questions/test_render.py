import pytest

from agora.i18n import Catalogue
from cogs.questions.model import ANSWERED, HIDDEN, OPEN, Board, Question
from cogs.questions.render import board_embed, question_content, results_embed

WORDS = Catalogue.load("fr").words("fr")
BOARD = Board(1, 10, None, 20, 30, 40, "fr", 5, 0, None, None)
LONG = "_*" * 150  # 300 characters that escaping doubles


def question(number, votes=0, *, state=OPEN, text=None, anonymous=False, asked_at=None):
    return Question(
        id=number,
        board_id=1,
        session_id=None,
        author_id=1000 + number,
        anonymous=anonymous,
        text=text if text is not None else f"Question {number:02d}",
        message_id=500 + number,
        asked_at=asked_at if asked_at is not None else number,
        state=state,
        votes=votes,
    )


def embed_size(embed) -> int:
    data = embed.to_dict()
    fields = sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))
    return (
        len(data.get("title", "")) + len(data.get("description", "")) + fields + len(data["footer"]["text"])
    )


def numbers_on(text: str) -> list[str]:
    return [line.split("Question ")[1][:2] for line in text.split("\n") if "`▲" in line]


def test_the_board_shows_the_ten_open_questions_with_most_votes_oldest_first_on_ties():
    asked = [question(n, votes=v) for n, v in enumerate([0, 2, 0, 5, 2, 0, 0, 1, 0, 0, 0, 0, 9])]
    asked += [question(13, 50, state=ANSWERED), question(14, 60, state=HIDDEN)]
    embed = board_embed(BOARD, "Matinée", asked, WORDS, {})
    assert numbers_on(embed.description) == ["12", "03", "01", "04", "07", "00", "02", "05", "06", "08"]
    (answered,) = embed.fields
    assert numbers_on(answered.value) == ["13"]
    assert embed.footer.text == "15 question(s) · 129 vote(s) · 1 répondue(s) · 1 masquée(s)"


def test_ten_long_questions_full_of_markdown_fit_discords_limits_after_escaping():
    asked = [question(n, votes=n, text=LONG) for n in range(12)]
    asked += [question(20 + n, votes=n, state=ANSWERED, text=LONG) for n in range(12)]
    links = {q.id: f"https://discord.com/channels/10/30/{10**18 + q.id}" for q in asked}
    embed = board_embed(BOARD, "É" * 300, asked, WORDS, links)
    assert len(embed.description) <= 4096 and len(embed.title) <= 256
    assert all(len(f.value) <= 1024 for f in embed.fields)
    assert embed_size(embed) <= 6000
    assert embed.description.count("`▲") == 10 and embed.description.count("[↗](") == 10
    assert "\\_\\*" in embed.description


def test_a_question_shows_its_author_unless_anonymous_and_never_pings():
    named = question_content(
        question(1, text="<@42> @everyone _vite_"), WORDS, state=OPEN, session_title=None
    )
    assert "<@1001>" in named and "<@42>" not in named and "@everyone" not in named and "\\_vite\\_" in named
    anonymous = question_content(
        question(2, anonymous=True), WORDS, state=ANSWERED, session_title="Table ronde"
    )
    assert (
        "<@" not in anonymous
        and "anonyme" in anonymous
        and "Table ronde" in anonymous
        and "répondue" in anonymous
    )


def test_a_hidden_question_shows_nothing_of_its_text_or_author():
    hidden = question_content(
        question(3, text="Une attaque"), WORDS, state=HIDDEN, session_title="Table ronde"
    )
    assert "attaque" not in hidden and "<@" not in hidden and "masquée" in hidden


@pytest.mark.parametrize("event", ["Matinée", None])
def test_the_final_list_leaves_hidden_questions_out_and_marks_answered_ones(event):
    asked = [question(1, 3), question(2, 5, state=ANSWERED), question(3, 9, state=HIDDEN)]
    embed = results_embed(event, asked, WORDS)
    assert numbers_on(embed.description) == ["02", "01"]
    assert "✅" in embed.description.split("\n")[0]
    assert ("Matinée" in embed.title) is (event is not None)


def test_the_final_list_of_many_questions_stays_within_the_description():
    embed = results_embed(None, [question(n, n % 7, text=LONG) for n in range(80)], WORDS)
    assert len(embed.description) <= 4096 and embed.description.endswith("autre(s)")
