import csv
import io

from agora.i18n import Catalogue
from cogs.questions.model import ANSWERED, HIDDEN, OPEN, Question
from cogs.questions.report import questions_csv, report_fields

FR = Catalogue.load("fr").words("fr")
EN = Catalogue.load("en").words("en")


def question(number, votes, *, state=OPEN, text="Une question", anonymous=False, session=None):
    return Question(
        number, 1, session, 4000 + number, anonymous, text, 900 + number, 1_764_930_600 + number, state, votes
    )


def rows(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_csv_lists_questions_by_votes_with_the_author_only_when_named():
    asked = [
        question(1, 2, anonymous=True, session=7),
        question(2, 5, state=ANSWERED, text="Sous mon nom"),
        question(3, 1, state=HIDDEN),
    ]
    header, *lines = rows(questions_csv(asked, {7: "Table ronde"}, FR), ";")
    assert header == [
        "question",
        "intervention",
        "votes",
        "état",
        "posée le",
        "id de l’auteur·e (questions nominatives)",
    ]
    assert lines == [
        ["Sous mon nom", "", "5", "répondue", "2025-12-05T10:30:02Z", "4002"],
        ["Une question", "Table ronde", "2", "ouverte", "2025-12-05T10:30:01Z", ""],
        ["Une question", "", "1", "masquée", "2025-12-05T10:30:03Z", "4003"],
    ]


def test_a_question_written_as_a_formula_stays_text_in_a_spreadsheet():
    asked = [question(n, 0, text=text) for n, text in enumerate(['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)"])]
    _, *lines = rows(questions_csv(asked, {}, EN), ",")
    assert [line[0] for line in lines] == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)"]


def test_the_report_fields_name_no_author_and_stay_within_a_field():
    asked = [question(n, n, text="_*" * 150, state=HIDDEN if n == 3 else OPEN) for n in range(40)]
    asked.append(question(99, 100, state=ANSWERED, text="<@123> merci"))
    (counts, top) = report_fields(asked, FR)
    assert counts[1] == "41 question(s) · 880 vote(s) · 1 répondue(s) · 1 masquée(s)"
    assert len(top[1]) <= 1024 and top[1].startswith("**1.** `▲ 100` <@\u200b123> merci ✅")
    assert "🙈" not in top[1].split("\n")[0] and "autre(s)" in top[1]
    assert all(str(4000 + n) not in top[1] for n in range(100))
