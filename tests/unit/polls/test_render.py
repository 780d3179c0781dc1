import csv
import io
import re

import pytest

from cogs.polls.publisher import voters_within
from cogs.polls.render import (
    ballot_text,
    bar,
    export_csv,
    letter,
    list_line,
    option_lines,
    percent,
    poll_embed,
)
from cogs.polls.store import Poll, Tally


def poll(**changes: object) -> Poll:
    values = dict(
        id=1,
        guild_id=1,
        channel_id=2,
        message_id=3,
        author_id=4,
        question="@everyone Quel réseau ?",
        choices=1,
        anonymous=True,
        hide_results=False,
        role_id=None,
        topic_id=None,
        language="fr",
        created_at=0,
        closes_at=1_800_000_000,
        closed_at=None,
        closed_by=None,
        results_message_id=None,
        options=("LinkedIn", "=cmd()", "Slack"),
    )
    values.update(changes)
    return Poll(**values)


def words(key: str, **values: object) -> str:
    return key + (str(sorted(values.items())) if values else "")


def test_percentages_and_bars():
    assert percent(1, 3) == 100 / 3
    assert percent(0, 0) == 0
    assert bar(0, 0) == "░" * 12
    assert bar(3, 3) == "█" * 12
    assert bar(1, 2) == "█" * 6 + "░" * 6


def test_letters_run_from_a_to_t():
    assert letter(0) == "🇦"
    assert letter(19) == "🇹"


def test_live_tally_shows_counts_and_percentages():
    text = option_lines(poll(), Tally((2, 1, 1), 4), show_counts=True, final=False)
    assert "2 · 50 %" in text
    assert "🏆" not in text


def test_hidden_results_show_no_counts_until_closed():
    embed = poll_embed(poll(hide_results=True), Tally((2, 1, 1), 4), words, member_count=10, final=False)
    assert "·" not in embed.description.split("**", 2)[2].split("polls.embed.hidden")[0]
    assert "polls.embed.hidden" in embed.description
    final = poll_embed(
        poll(hide_results=True, closed_at=5), Tally((2, 1, 1), 4), words, member_count=10, final=True
    )
    assert "2 · 50 %" in final.description
    assert "🏆" in final.description


def test_mentions_in_the_question_are_neutralised():
    embed = poll_embed(poll(), Tally((0, 0, 0), 0), words, member_count=None, final=False)
    assert "@everyone" not in embed.description
    assert "@\u200beveryone" in embed.description


def test_embed_stays_within_limits_with_20_long_options():
    many = poll(question="Q" * 300, options=tuple(f"{n:02d}" + "x" * 78 for n in range(20)))
    embed = poll_embed(many, Tally(tuple(range(20)), 190), words, member_count=500, final=True)
    assert len(embed.description) <= 4096
    assert len(embed) <= 6000


def test_anonymous_export_has_counts_only():
    rows = list(csv.reader(io.StringIO(export_csv(poll(), Tally((2, 0, 1), 3), []).decode("utf-8-sig"))))
    assert rows[0] == ["option", "label", "votes", "percent"]
    assert rows[1] == ["1", "LinkedIn", "2", "66.7"]
    assert rows[2][1] == "'=cmd()"  # never a spreadsheet formula
    assert len(rows) == 4


def test_named_export_lists_each_vote():
    data = export_csv(
        poll(anonymous=False), Tally((1, 0, 1), 2), [(0, 42, 1_800_000_000), (2, 43, 1_800_000_060)]
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[5] == ["option", "label", "user_id", "voted_at_utc"]
    assert rows[6] == ["1", "LinkedIn", "42", "2027-01-15 08:00:00"]
    assert rows[7][2] == "43"


MARKDOWN_OPTIONS = tuple("*" * n + "_" * (80 - n) for n in range(20))  # 20 different options, all markup


def markdown_poll(**changes: object) -> Poll:
    return poll(question="*" * 300, options=MARKDOWN_OPTIONS, choices=20, **changes)


@pytest.mark.parametrize("final", [False, True])
@pytest.mark.parametrize("hide_results", [False, True])
def test_markdown_poll_fits_discords_limits_once_escaped(final, hide_results):
    tally = Tally(tuple(range(1_000_000, 1_000_020)), 20_000_190)
    embed = poll_embed(
        markdown_poll(hide_results=hide_results, closed_at=5), tally, words, member_count=10**6, final=final
    )
    assert len(embed.description) <= 4096
    assert len(embed) <= 6000


def test_markdown_poll_keeps_the_whole_question_and_every_count():
    tally = Tally(tuple(range(20)), 190)
    description = poll_embed(markdown_poll(), tally, words, member_count=None, final=False).description
    assert description.startswith("**" + "\\*" * 300 + "**")  # 600 characters once escaped, whole
    assert re.findall(r"` (\d+) · \d+ %", description) == [str(n) for n in range(20)]
    for position in range(20):
        line = next(ln for ln in description.splitlines() if ln.startswith(letter(position)))
        name = line.removeprefix(f"{letter(position)} **").removesuffix("**")
        assert len(name) > 100  # each option keeps most of its 160 escaped characters
        assert not re.search(r"(?<!\\)(\\\\)*\\…", name), "no backslash left escaping the ellipsis"


def test_options_that_fit_are_shown_whole():
    description = poll_embed(poll(), Tally((0, 0, 0), 0), words, member_count=None, final=False).description
    assert "🇦 **LinkedIn**" in description
    assert "🇧 **=cmd()**" in description


def test_ballot_of_twenty_markdown_options_fits_in_a_reply():
    text = ballot_text(markdown_poll(), tuple(range(20)))
    assert len(text) <= 1500
    assert text.count("**") == 40
    assert ballot_text(poll(), (0, 2)) == "🇦 **LinkedIn**, 🇨 **Slack**"


def test_ballot_never_pings():
    assert "@everyone" not in ballot_text(poll(options=("@everyone", "b")), (0,))


def test_list_line_question_is_escaped_then_limited():
    line = list_line(markdown_poll(), lambda key, **v: v["question"], "")
    assert line == "\\*" * 49 + "…"


def test_list_line_brackets_in_the_question_do_not_end_the_link():
    as_link = lambda key, **v: f"[{v['question']}]({v['link']})"  # noqa: E731 — the catalogue's line
    line = list_line(poll(question="Outils [RH] ou [IA] ?"), as_link, "")
    assert line.startswith("[Outils \\[RH\\] ou \\[IA\\] ?](https://discord.com/channels/")


def test_voters_are_listed_within_the_room_left_then_counted():
    more = lambda count: f"+{count}"  # noqa: E731
    ids = [10**18 + n for n in range(40)]
    assert voters_within(ids[:2], 1024, more) == f"<@{ids[0]}> <@{ids[1]}>"
    text = voters_within(ids, 1024, more)
    assert text.endswith(" +10") and text.count("<@") == 30
    short = voters_within(ids, 100, more)
    assert len(short) <= 100 and short.endswith(f" +{40 - short.count('<@')}")
    assert voters_within(ids, 3, more) == "+40"
    assert voters_within(ids, 2, more) == ""
