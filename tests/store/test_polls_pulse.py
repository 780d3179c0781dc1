"""The polls' part of the community's pulse on a real SQLite file: the digest's open polls and the polls
closed during the week (winner, ties, no votes, a poll closed just outside the week, escaping and
limits), and the engagement report's figures, computed here by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agora.clock import epoch
from agora.i18n import Catalogue
from agora.pulse import DIGEST_CLOSED_POLLS, DIGEST_OPEN_POLLS, Span
from cogs.polls.pulse import LINE_MAX, PollsPulse
from cogs.polls.pulse_store import PollPulseStore
from cogs.polls.store import NewPoll, Poll, PollStore

GUILD = 1
SHOWN, HIDDEN_CHANNEL = 2, 3  # a channel every member reads; the organisers' own
DIGEST_AT = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Geneva
WEEK_START = DIGEST_AT - timedelta(days=7)
WEEK = Span(epoch(WEEK_START), epoch(DIGEST_AT))
DAY, HOUR, MINUTE, SECOND = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)


@pytest.fixture(scope="module")
def words():
    return Catalogue.load("fr").words("fr")


@pytest.fixture
def pulse(poll_store: PollStore) -> PollsPulse:
    return PollsPulse(
        poll_store, PollPulseStore(poll_store.database), lambda guild, channel: channel != HIDDEN_CHANNEL
    )


async def posted(store: PollStore, at: datetime, question: str = "Q ?", **changes: object) -> Poll:
    values: dict[str, object] = dict(
        guild_id=GUILD, channel_id=SHOWN, author_id=3, question=question, options=("A", "B", "C")
    )
    values.update(changes)
    poll = await store.create(NewPoll(**values), at)  # type: ignore[arg-type]
    await store.set_message(poll.id, 9000 + poll.id)
    return await store.get(poll.id)


def link(poll: Poll, channel: int = SHOWN) -> str:
    return f"https://discord.com/channels/{GUILD}/{channel}/{9000 + poll.id}"


async def votes(store: PollStore, poll: Poll, at: datetime, *ballots: tuple[int, int]) -> None:
    for user_id, position in ballots:
        await store.vote(poll.id, user_id, position, at)


def section(sections, order):
    found = [s for s in sections if s.order == order]
    return found[0] if found else None


# ---- the digest -------------------------------------------------------------------------------------


async def test_open_polls_are_those_open_at_the_digest_time_nearest_deadline_first(poll_store, pulse, words):
    soon = await posted(poll_store, DIGEST_AT - 2 * DAY, "Bientôt ?", closes_at=DIGEST_AT + DAY)
    forever = await posted(poll_store, DIGEST_AT - 30 * DAY, "Toujours ?")
    later = await posted(poll_store, DIGEST_AT - DAY, "Plus tard ?", closes_at=DIGEST_AT + 5 * DAY)
    closed_by_hand = await posted(poll_store, DIGEST_AT - 3 * DAY, "Clos ?")
    await poll_store.close(closed_by_hand.id, DIGEST_AT - DAY, closed_by=3)
    # Its deadline passed before the digest, though the deadline pass has not recorded it yet.
    await posted(poll_store, DIGEST_AT - 3 * DAY, "Échu ?", closes_at=DIGEST_AT - HOUR)
    # Closed by hand only after the digest's time (a digest posted late): it was open then.
    closed_after = await posted(poll_store, DIGEST_AT - 3 * DAY, "Clos après ?")
    await poll_store.close(closed_after.id, DIGEST_AT + MINUTE, closed_by=3)
    await posted(poll_store, DIGEST_AT, "Créé à l’heure du digest ?")  # the next week's
    await posted(poll_store, DIGEST_AT - DAY, "Chez les organisateurs ?", channel_id=HIDDEN_CHANNEL)
    await poll_store.create(  # never posted (its message was refused or is on its way)
        NewPoll(guild_id=GUILD, channel_id=SHOWN, author_id=3, question="Pas publié ?", options=("A", "B")),
        DIGEST_AT - DAY,
    )
    await posted(poll_store, DIGEST_AT - DAY, "Autre serveur ?", guild_id=GUILD + 1)

    opened = section(await pulse.digest_sections(GUILD, WEEK, words), DIGEST_OPEN_POLLS)

    assert opened.title == "📊 Sondages ouverts"
    at, later_at = epoch(DIGEST_AT + DAY), epoch(DIGEST_AT + 5 * DAY)
    assert opened.lines == (
        f"• [Bientôt ?]({link(soon)}) — clôture : <t:{at}:R> · <t:{at}:f>",
        f"• [Plus tard ?]({link(later)}) — clôture : <t:{later_at}:R> · <t:{later_at}:f>",
        f"• [Clos après ?]({link(closed_after)}) — clôture : sans échéance",
        f"• [Toujours ?]({link(forever)}) — clôture : sans échéance",
    )
    assert opened.more == 0


async def test_past_ten_open_polls_the_rest_are_counted(poll_store, pulse, words):
    for n in range(12):
        await posted(poll_store, DIGEST_AT - timedelta(hours=n + 1), f"Sondage {n} ?")

    opened = section(await pulse.digest_sections(GUILD, WEEK, words), DIGEST_OPEN_POLLS)

    assert len(opened.lines) == 10
    assert opened.more == 2
    assert opened.lines[0].startswith("• [Sondage 0 ?]")  # the newest first, without deadlines


async def test_closed_polls_show_the_winner_all_tied_answers_or_no_votes(poll_store, pulse, words):
    won = await posted(poll_store, WEEK_START - DAY, "Quel réseau ?", options=("LinkedIn", "Slack", "Teams"))
    await votes(poll_store, won, WEEK_START - DAY, (10, 0), (11, 0), (12, 2))
    await poll_store.close(won.id, WEEK_START, closed_by=3)  # its first second
    tied = await posted(poll_store, DIGEST_AT - 4 * DAY, "Quel jour ?", options=("Lundi", "Mardi", "Jeudi"))
    await votes(poll_store, tied, DIGEST_AT - 4 * DAY, (10, 0), (11, 2), (12, 0), (13, 2), (14, 1))
    await poll_store.close(tied.id, DIGEST_AT - 3 * DAY, closed_by=None)
    empty = await posted(poll_store, DIGEST_AT - 5 * DAY, "Personne ?")
    await poll_store.close(empty.id, DIGEST_AT - 2 * DAY, closed_by=3)
    # Results hidden until the close: shown, since it closed.
    hidden = await posted(poll_store, DIGEST_AT - 5 * DAY, "Secret ?", hide_results=True)
    await votes(poll_store, hidden, DIGEST_AT - 5 * DAY, (10, 1))
    await poll_store.close(hidden.id, DIGEST_AT - DAY, closed_by=3)
    # Its deadline fell in the week; the pass recorded the close only after the digest's time.
    late = await posted(poll_store, DIGEST_AT - 6 * DAY, "Échéance ?", closes_at=DIGEST_AT - MINUTE)
    await votes(poll_store, late, DIGEST_AT - 6 * DAY, (10, 2))
    await poll_store.close(late.id, DIGEST_AT + 30 * SECOND, closed_by=None)
    # Just outside the week, on either side.
    before = await posted(poll_store, WEEK_START - 2 * DAY, "Avant ?")
    await poll_store.close(before.id, WEEK_START - SECOND, closed_by=3)
    after = await posted(poll_store, WEEK_START - 2 * DAY, "Après ?")
    await poll_store.close(after.id, DIGEST_AT, closed_by=3)
    private = await posted(poll_store, DIGEST_AT - 2 * DAY, "Privé ?", channel_id=HIDDEN_CHANNEL)
    await poll_store.close(private.id, DIGEST_AT - DAY, closed_by=3)

    closed = section(await pulse.digest_sections(GUILD, WEEK, words), DIGEST_CLOSED_POLLS)

    assert closed.title == "🗳️ Sondages clos dans la semaine"
    assert closed.lines == (  # the latest close first
        f"• [Échéance ?]({link(late)}) — 🏆 **C** (1 voix)",
        f"• [Secret ?]({link(hidden)}) — 🏆 **B** (1 voix)",
        f"• [Personne ?]({link(empty)}) — aucun vote",
        f"• [Quel jour ?]({link(tied)}) — 🏆 ex aequo : **Lundi**, **Jeudi** (2 voix chacune)",
        f"• [Quel réseau ?]({link(won)}) — 🏆 **LinkedIn** (2 voix)",
    )
    assert closed.more == 0
    # Open at the digest's time, all of them: none of these is listed as open.
    assert section(await pulse.digest_sections(GUILD, WEEK, words), DIGEST_OPEN_POLLS) is None


async def test_a_question_with_markdown_is_shown_as_typed_and_a_long_one_within_limits(
    poll_store, pulse, words
):
    marked = await posted(poll_store, DIGEST_AT - DAY, "**Gras** _et_ [lien](http://x) @everyone ?")
    long_question = ("*_mot_* " * 40)[:300]
    assert len(long_question) == 300
    tied = tuple(f"{n:02d}" + "*" * 78 for n in range(20))  # 20 answers of 80 characters, escaped: 158
    long_poll = await posted(poll_store, DIGEST_AT - 2 * DAY, long_question, options=tied)
    await votes(poll_store, long_poll, DIGEST_AT - 2 * DAY, *((100 + n, n) for n in range(20)))
    await poll_store.close(long_poll.id, DIGEST_AT - DAY, closed_by=3)
    long_open = await posted(poll_store, DIGEST_AT - 3 * DAY, long_question)

    sections = await pulse.digest_sections(GUILD, WEEK, words)
    opened = section(sections, DIGEST_OPEN_POLLS)
    closed = section(sections, DIGEST_CLOSED_POLLS)

    assert opened.lines[0] == (
        "• [\\*\\*Gras\\*\\* \\_et\\_ \\[lien\\](http://x) @\u200beveryone ?]"
        f"({link(marked)}) — clôture : sans échéance"
    )
    # The long question: cut after a whole word (escaped whole, no backslash left alone) with "…".
    long_line = opened.lines[1]
    assert long_line.startswith("• [\\*\\_mot\\_\\* \\*\\_mot\\_\\* ")
    assert long_line.endswith(f"\\*\\_mot\\_\\*…]({link(long_open)}) — clôture : sans échéance")
    shown = long_line[len("• [") : long_line.index("…]")]
    assert len(shown) <= 100
    # Twenty answers tied at one vote each: every one named, each cut, the line within its limit.
    (line,) = closed.lines
    assert len(line) <= LINE_MAX
    assert line.endswith(" (1 voix chacune)")
    assert [f"**{n:02d}\\*" in line for n in range(20)] == [True] * 20  # escaped: never bold


# ---- the engagement report --------------------------------------------------------------------------

NOVEMBER = Span(epoch(datetime(2026, 11, 1, tzinfo=UTC)), epoch(datetime(2026, 12, 1, tzinfo=UTC)))


def nov(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


async def test_the_polls_figures_of_a_month_computed_by_hand(poll_store, pulse, words):
    # P1: created in October; two votes then, one in November; closed in November → turnout 3.
    p1 = await posted(poll_store, datetime(2026, 10, 25, tzinfo=UTC))
    await votes(poll_store, p1, datetime(2026, 10, 26, tzinfo=UTC), (1, 0), (2, 1))
    await votes(poll_store, p1, nov(2), (3, 0))
    await poll_store.close(p1.id, nov(3), closed_by=3)
    # P2: two choices; member 1 holds two answers (one voter, two votes), member 4 one → turnout 2.
    p2 = await posted(poll_store, nov(5), choices=2)
    await votes(poll_store, p2, nov(6), (1, 0), (1, 1), (4, 0))
    await poll_store.close(p2.id, nov(10), closed_by=3)
    # P3: nobody voted; its deadline closed it (never recorded by the pass) → turnout 0.
    await posted(poll_store, nov(12), closes_at=nov(14))
    # P4: seven voters, and one who voted then withdrew (gone) → turnout 7.
    p4 = await posted(poll_store, nov(20))
    await votes(poll_store, p4, nov(21), *((n, n % 3) for n in range(5, 12)), (14, 0), (14, 0))
    await poll_store.close(p4.id, nov(22), closed_by=None)
    # P5: still open on December 1st; one vote.
    p5 = await posted(poll_store, nov(25))
    await votes(poll_store, p5, nov(26), (12, 1))
    # P6: closed at the first second of December, just outside; one vote.
    p6 = await posted(poll_store, nov(28))
    await votes(poll_store, p6, nov(29), (13, 2))
    await poll_store.close(p6.id, datetime(2026, 12, 1, tzinfo=UTC), closed_by=3)
    # Another server's poll counts for nothing here.
    other = await posted(poll_store, nov(5), guild_id=GUILD + 1)
    await votes(poll_store, other, nov(6), (99, 0))
    await poll_store.close(other.id, nov(7), closed_by=3)
    # Never posted: not a poll anyone saw.
    await poll_store.create(
        NewPoll(guild_id=GUILD, channel_id=SHOWN, author_id=3, question="?", options=("A", "B")), nov(8)
    )

    part = await pulse.engagement(GUILD, NOVEMBER, words)

    figures = {figure.key: figure for figure in part.figures}
    assert (part.section, part.title) == ("polls", "Sondages")
    assert figures["polls.count"].value == 5  # P2, P3, P4, P5, P6
    # Turnouts of the polls closed in November: P3 0, P2 2, P1 3, P4 7 → (2 + 3) / 2.
    assert figures["polls.median_turnout"].value == 2.5
    assert figures["polls.median_turnout"].people
    assert figures["polls.voters"].value == 12  # 3; 1, 4; 5…11; 12; 13
    assert figures["polls.voters"].people
    assert figures["polls.votes"].value == 13  # 1 + 3 + 7 + 1 + 1
    assert not figures["polls.votes"].people and not figures["polls.count"].people
    # The votes rest on their 12 voters: the report withholds them when those are 1 or 2.
    assert figures["polls.votes"].base == 12
    assert [figure.label for figure in part.figures] == [
        "Sondages lancés",
        "Participation médiane (votant·e·s par sondage clos)",
        "Votant·e·s",
        "Votes exprimés",
    ]
    # Member 2 voted only in October; member 1 in October and November.
    assert await pulse.participants(GUILD, NOVEMBER) == frozenset({1, 3, 4, *range(5, 12), 12, 13})
    assert await pulse.participants(GUILD + 1, NOVEMBER) == frozenset({99})


async def test_a_month_without_polls_has_zeros_and_no_median(poll_store, pulse, words):
    await posted(poll_store, datetime(2026, 10, 2, tzinfo=UTC))

    part = await pulse.engagement(GUILD, NOVEMBER, words)

    assert [(figure.key, figure.value, figure.base) for figure in part.figures] == [
        ("polls.count", 0, None),
        ("polls.median_turnout", None, None),
        ("polls.voters", 0, None),
        ("polls.votes", 0, 0),
    ]
    assert await pulse.participants(GUILD, NOVEMBER) == frozenset()
    # Still open, so in the digest; nothing closed.
    assert [s.order for s in await pulse.digest_sections(GUILD, NOVEMBER, words)] == [DIGEST_OPEN_POLLS]


async def test_a_server_that_never_posted_a_poll_has_no_polls_section(poll_store, pulse, words):
    """No section of zeros: a poll never posted, one of another server or one posted after the month
    is no poll of this server's by then."""
    await poll_store.create(
        NewPoll(guild_id=GUILD, channel_id=SHOWN, author_id=3, question="?", options=("A", "B")), nov(8)
    )
    await posted(poll_store, nov(5), guild_id=GUILD + 1)
    await posted(poll_store, datetime(2026, 12, 1, tzinfo=UTC))
    assert await pulse.engagement(GUILD, NOVEMBER, words) is None
    await posted(poll_store, datetime(2026, 9, 20, tzinfo=UTC))
    assert (await pulse.engagement(GUILD, NOVEMBER, words)).title == "Sondages"
