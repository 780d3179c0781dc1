"""The events' parts of the community's pulse on a real migrated file, filled through the events' own
stores: the digest's events of the next 14 days (window edges, called-off events, places left, full,
waitlist, escaping, events in channels @everyone cannot view) and the last event's figures once its
report is out; the engagement report's participants and figures, computed here by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database
from agora.escaping import link_text
from agora.i18n import Catalogue
from agora.pulse import DIGEST_EVENTS, DIGEST_LAST_EVENT, Span
from cogs.events.answer_store import AnswerStore
from cogs.events.attendance.store import AttendanceStore
from cogs.events.model import Answers, EventSnapshot
from cogs.events.pulse.digest_part import EventsDigest
from cogs.events.pulse.engagement_part import EventsEngagement
from cogs.events.pulse.pulse_store import PulseStore
from cogs.events.registration.store import RegistrationStore
from cogs.events.store import EventStore
from tests.clocks import FakeClock

GUILD, OTHER_GUILD = 10, 11
HOUR, DAY = 3600, 86400
# The digest's time: Monday 30 November 2026, 08:00 in Geneva.
DIGEST_AT = epoch(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
WEEK = Span(DIGEST_AT - 7 * DAY, DIGEST_AT)
NOVEMBER = Span(epoch(datetime(2026, 11, 1, tzinfo=UTC)), epoch(datetime(2026, 12, 1, tzinfo=UTC)))
ALICE, BOB, CHLOE, DAVID, EMMA = 101, 102, 103, 104, 105
ANNOUNCED = 50  # where `follow` announces events: every member may view it
ORGANISERS, BACKSTAGE = 60, 901  # a text and a voice channel @everyone cannot view
LINK = "https://discord.com/events/{guild}/{event}"

FR = Catalogue.load("fr").words("fr")
EN = Catalogue.load("fr").words("en")


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


def visible(guild_id: int, channel_id: int) -> bool:
    """The server as the digest sees it: every channel readable by all but the organisers' two."""
    return channel_id not in (ORGANISERS, BACKSTAGE)


@pytest.fixture
def stores(database):
    events, answers = EventStore(database), AnswerStore(database)
    store = PulseStore(database)
    return events, answers, EventsDigest(events, answers, store, visible), EventsEngagement(answers, store)


@pytest.fixture
def digest(stores):
    return stores[2]


@pytest.fixture
def engagement(stores):
    return stores[3]


def moment(at: int) -> datetime:
    return datetime.fromtimestamp(at, UTC)


async def follow(
    database,
    event_id,
    starts,
    *,
    name="Matinale",
    location="Genève",
    status="scheduled",
    guild=GUILD,
    channel=ANNOUNCED,
):
    """The event as the events store records it from Discord (seen a week before the digest)."""
    snapshot = EventSnapshot(event_id, guild, name, None, location, starts, starts + 3 * HOUR, status)
    await EventStore(database).record(
        snapshot, moment(WEEK.start), channel_id=channel, language="fr", reminder_offsets=()
    )


def registrations(database):
    return RegistrationStore(database, hold_seconds=12 * HOUR, clock=FakeClock(moment(WEEK.start)))


async def register(database, event_id, *members, at):
    store = registrations(database)
    for offset, member in enumerate(members):
        await store.register(event_id, member, now=at + offset)


async def check_in(database, event_id, *members, at):
    store = AttendanceStore(database, opens=30 * 60, attended_after=600)
    for member in members:
        assert (await store.check_in(event_id, member, typed=None, now=at)).outcome == "checked_in"


async def answer(database, event_id, member, rating, recommend, *, at):
    answers = Answers(rating=rating, recommend=recommend, useful="", improve="", topics=())
    await AnswerStore(database).save_response(event_id, member, answers, moment(at))


async def lines(digest, words=FR, guild=GUILD):
    sections = {s.order: s for s in await digest.digest_sections(guild, WEEK, words)}
    return sections


# ---- the digest: the next 14 days ----------------------------------------------------------------


async def test_the_digest_lists_the_events_starting_in_the_14_days_after_its_time(database, digest):
    await follow(database, 1, DIGEST_AT - 1, name="Already started")
    await follow(database, 2, DIGEST_AT, name="At the digest's time")
    await follow(database, 3, DIGEST_AT + 14 * DAY - 1, name="Last second")
    await follow(database, 4, DIGEST_AT + 14 * DAY, name="Too far")
    await follow(database, 5, DIGEST_AT + 2 * DAY, name="Midway")
    await follow(database, 6, DIGEST_AT + DAY, name="Elsewhere", guild=OTHER_GUILD)

    section = (await lines(digest))[DIGEST_EVENTS]

    assert section.title == "📅 Les prochains événements" and section.more == 0
    names = [line.split("](")[0].removeprefix("**[") for line in section.lines]
    assert names == ["At the digest's time", "Midway", "Last second"]
    assert section.lines[0] == (
        f"**[At the digest's time]({LINK.format(guild=GUILD, event=2)})** — <t:{DIGEST_AT}:f> · 📍 Genève"
    )


async def test_events_called_off_are_left_out(database, digest, stores):
    events = stores[0]
    await follow(database, 1, DIGEST_AT + DAY, name="Cancelled", status="cancelled")
    await follow(database, 2, DIGEST_AT + DAY, name="Deleted")
    await events.mark_deleted(2, moment(WEEK.start))  # before its start: called off
    assert await digest.digest_sections(GUILD, WEEK, FR) == []
    await follow(database, 3, DIGEST_AT + DAY, name="Kept")
    assert len((await lines(digest))[DIGEST_EVENTS].lines) == 1


async def test_places_left_full_and_the_waitlist(database, digest):
    await follow(database, 1, DIGEST_AT + 1 * DAY, name="Open")
    await follow(database, 2, DIGEST_AT + 2 * DAY, name="Full waiting")
    await follow(database, 3, DIGEST_AT + 3 * DAY, name="Full")
    await follow(database, 4, DIGEST_AT + 4 * DAY, name="Unlimited")
    await follow(database, 5, DIGEST_AT + 5 * DAY, name="Deadline passed")
    places = registrations(database)
    await places.configure(1, places=3, deadline=None, now=WEEK.start)
    await places.configure(2, places=2, deadline=None, now=WEEK.start)
    await places.configure(3, places=1, deadline=None, now=WEEK.start)
    await places.configure(4, places=None, deadline=None, now=WEEK.start)
    await places.configure(5, places=10, deadline=DIGEST_AT - HOUR, now=WEEK.start)
    await register(database, 1, ALICE, at=WEEK.start + HOUR)
    await register(database, 2, ALICE, BOB, CHLOE, at=WEEK.start + HOUR)
    await register(database, 3, ALICE, at=WEEK.start + HOUR)
    await register(database, 4, ALICE, BOB, at=WEEK.start + HOUR)

    french = [line.split(" · ")[2:] for line in (await lines(digest))[DIGEST_EVENTS].lines]
    english = [line.split(" · ")[2:] for line in (await lines(digest, EN))[DIGEST_EVENTS].lines]

    assert french == [
        ["🎟️ places restantes : 2 sur 3"],
        ["🎟️ complet, 1 en liste d’attente"],
        ["🎟️ complet"],
        [],  # no limit: nothing about places
        ["🎟️ inscriptions closes"],
    ]
    assert english[:3] == [["🎟️ places left: 2 of 3"], ["🎟️ full, 1 on the waitlist"], ["🎟️ full"]]


async def test_a_name_with_markdown_shows_as_typed_and_keeps_its_link(database, digest):
    name = "**Gras** _penché_ [piège](https://example.com) @everyone"
    await follow(database, 1, DIGEST_AT + DAY, name=name, location="Salle *A*")
    (line,) = (await lines(digest))[DIGEST_EVENTS].lines
    assert line.startswith(f"**[{link_text(name)}]({LINK.format(guild=GUILD, event=1)})**")
    assert "\\*\\*Gras\\*\\*" in line and "\\[piège\\]" in line and "@everyone" not in line
    assert line.endswith("📍 Salle \\*A\\*")


async def test_a_voice_event_shows_its_channel_and_one_without_a_place_shows_none(database, digest):
    await follow(database, 1, DIGEST_AT + DAY, location=None)
    await AttendanceStore(database, opens=1800, attended_after=600).set_voice_channel(1, 900)
    await follow(database, 2, DIGEST_AT + 2 * DAY, location=None)
    first, second = (await lines(digest))[DIGEST_EVENTS].lines
    assert first.endswith(" · 📍 <#900>") and " · " not in second


async def test_events_in_channels_everyone_cannot_view_are_left_out(database, digest):
    await follow(database, 1, DIGEST_AT + 1 * DAY, name="Announced to the organisers", channel=ORGANISERS)
    await follow(database, 2, DIGEST_AT + 2 * DAY, name="Backstage", location=None)
    await AttendanceStore(database, opens=1800, attended_after=600).set_voice_channel(2, BACKSTAGE)
    await follow(database, 3, DIGEST_AT + 3 * DAY, name="Open voice", location=None)
    await AttendanceStore(database, opens=1800, attended_after=600).set_voice_channel(3, 900)
    await follow(database, 4, DIGEST_AT + 4 * DAY, name="Public")

    section = (await lines(digest))[DIGEST_EVENTS]

    assert [line.split("](")[0].removeprefix("**[") for line in section.lines] == ["Open voice", "Public"]
    assert section.more == 0  # the hidden ones are not even counted in "and N more"
    assert not any("organisers" in line or "Backstage" in line for line in section.lines)


async def test_only_hidden_events_leave_no_section(database, digest):
    await follow(database, 1, DIGEST_AT + DAY, channel=ORGANISERS)
    assert await digest.digest_sections(GUILD, WEEK, FR) == []


async def test_ten_events_at_most_then_and_n_more(database, digest):
    for event_id in range(1, 13):
        await follow(database, event_id, DIGEST_AT + event_id * HOUR, name=f"Event {event_id:02}")
    section = (await lines(digest))[DIGEST_EVENTS]
    assert len(section.lines) == 10 and section.more == 2
    assert section.lines[-1].startswith("**[Event 10]")


# ---- the digest: the last event -------------------------------------------------------------------


async def last_event(database, stores, *, report_at, answers, channel=ANNOUNCED):
    """An event held in the week: 3 present, `answers` feedback answers (ratings 4, 5, 4…)."""
    events = stores[0]
    starts = WEEK.start - 2 * DAY
    await follow(database, 1, starts, name="Matinée *RH*", channel=channel)
    await events.set_announcement(1, 7000)
    await check_in(database, 1, ALICE, BOB, CHLOE, at=starts)
    for member, rating in list(zip((ALICE, BOB, CHLOE, DAVID), (4, 5, 4, 5), strict=True))[:answers]:
        await answer(database, 1, member, rating, 9, at=starts + DAY)
    if report_at is not None:
        await events.set_report_done(1, 8000, moment(report_at))
    return starts


async def test_the_last_event_shows_only_once_its_report_is_out_in_the_week(database, digest, stores):
    await last_event(database, stores, report_at=None, answers=2)
    assert DIGEST_LAST_EVENT not in await lines(digest)
    await stores[0].set_report_done(1, 8000, moment(WEEK.start - 1))  # out the week before
    assert DIGEST_LAST_EVENT not in await lines(digest)
    await stores[0].set_report_done(1, 8000, moment(WEEK.start))
    assert DIGEST_LAST_EVENT in await lines(digest)
    await stores[0].set_report_done(1, 8000, moment(WEEK.end))  # out at the digest's time: next week's
    assert DIGEST_LAST_EVENT not in await lines(digest)


async def test_the_last_event_with_two_answers_shows_less_than_3_and_no_average(database, digest, stores):
    starts = await last_event(database, stores, report_at=WEEK.start + DAY, answers=2)
    section = (await lines(digest))[DIGEST_LAST_EVENT]
    announcement = f"https://discord.com/channels/{GUILD}/50/7000"
    assert section.title == "📋 Le dernier événement"
    assert section.lines == (
        f"**[Matinée \\*RH\\*]({announcement})** (<t:{starts}:D>) · 👥 présent·e·s : 3 · 💬 avis : < 3",
    )


async def test_the_last_event_in_a_hidden_channel_is_not_shown(database, digest, stores):
    await last_event(database, stores, report_at=WEEK.start + DAY, answers=3, channel=ORGANISERS)
    assert DIGEST_LAST_EVENT not in await lines(digest)


async def test_the_last_event_held_in_a_hidden_voice_channel_is_not_shown(database, digest, stores):
    await last_event(database, stores, report_at=WEEK.start + DAY, answers=3)
    await AttendanceStore(database, opens=1800, attended_after=600).set_voice_channel(1, BACKSTAGE)
    assert DIGEST_LAST_EVENT not in await lines(digest)


async def test_a_hidden_last_event_gives_way_to_the_latest_one_everyone_may_see(database, digest, stores):
    starts = await last_event(database, stores, report_at=WEEK.start + DAY, answers=3)
    await follow(database, 2, starts + HOUR, name="Entre organisateurs", channel=ORGANISERS)
    await stores[0].set_report_done(2, 8001, moment(WEEK.start + 2 * DAY))
    (line,) = (await lines(digest))[DIGEST_LAST_EVENT].lines
    assert line.startswith("**[Matinée \\*RH\\*]") and "organisateurs" not in line


async def test_the_last_event_with_three_answers_shows_the_average(database, digest, stores):
    await last_event(database, stores, report_at=WEEK.start + DAY, answers=3)
    (line,) = (await lines(digest))[DIGEST_LAST_EVENT].lines
    # (4 + 5 + 4) / 3 = 4.33…
    assert line.endswith(" · 💬 avis : 3 · ★ 4,3 / 5")
    (english,) = (await lines(digest, EN))[DIGEST_LAST_EVENT].lines
    assert english.endswith(" · 💬 answers: 3 · ★ 4.3 / 5")


# ---- the engagement report ------------------------------------------------------------------------


async def november_event(database, stores):
    """Held on 20 November: 5 interested, 4 registered (one more waiting), 3 present, 2 answers
    (ratings 4 and 5, recommending 10 and 6)."""
    events = stores[0]
    starts = NOVEMBER.start + 19 * DAY + 9 * HOUR
    await follow(database, 1, starts)
    await registrations(database).configure(1, places=4, deadline=None, now=NOVEMBER.start)
    await register(database, 1, ALICE, BOB, CHLOE, DAVID, EMMA, at=NOVEMBER.start + 5 * DAY)
    await events.set_interested(1, [ALICE, BOB, CHLOE, DAVID, EMMA])
    await check_in(database, 1, ALICE, BOB, CHLOE, at=starts)
    await answer(database, 1, ALICE, 4, 10, at=starts + DAY)
    await answer(database, 1, BOB, 5, 6, at=starts + DAY)
    return starts


def figures(part):
    return {figure.key: figure for figure in part.figures}


async def test_the_events_figures_of_a_period_computed_by_hand(database, engagement, stores):
    await november_event(database, stores)
    # Neither a cancelled event nor one of another month counts.
    await follow(database, 2, NOVEMBER.start + 25 * DAY)
    await register(database, 2, EMMA, at=NOVEMBER.start + DAY)
    await follow(database, 2, NOVEMBER.start + 25 * DAY, status="cancelled")
    await follow(database, 3, NOVEMBER.end)
    await register(database, 3, EMMA, at=NOVEMBER.start + DAY)

    part = await engagement.engagement(GUILD, NOVEMBER, FR)

    assert part.section == "events" and part.title == "Événements"
    assert [(step.key, step.label, step.count) for step in part.funnel] == [
        ("interested", "Intéressé·e·s", 5),
        ("registered", "Inscrit·e·s", 4),
        ("checked_in", "Présent·e·s", 3),
        ("feedback", "Avis donnés", 2),
    ]
    shown = figures(part)
    assert shown["events.count"].value == 1 and not shown["events.count"].people
    for key, count in (("interested", 5), ("registered", 4), ("checked_in", 3), ("feedback", 2)):
        assert (shown[f"events.{key}"].value, shown[f"events.{key}"].people) == (count, True)
    rate = shown["events.response_rate"]
    # 2 answers of 3 present: the rate rests on the 2 answers, so the report hides it too.
    assert (rate.value, rate.kind, rate.base) == (2 / 3, "rate", 2)
    # Resting on 2 answers, the report hides these two: the part says so with their base.
    rating, nps = shown["events.rating"], shown["events.nps"]
    assert (rating.value, rating.kind, rating.base) == (4.5, "average", 2)
    # One promoter (10), one detractor (6): 100 × (1 − 1) / 2 = 0.
    assert (nps.value, nps.kind, nps.base) == (0.0, "score", 2)


async def test_the_response_rate_rests_on_the_answers_not_on_who_came(database, engagement, stores):
    """10 present and 1 answer: "feedback" shows "< 3", and a rate of 10 % would give the 1 away."""
    starts = NOVEMBER.start + 19 * DAY + 9 * HOUR
    await follow(database, 1, starts)
    present = list(range(201, 211))
    await check_in(database, 1, *present, at=starts)
    await answer(database, 1, present[0], 5, 10, at=starts + DAY)

    shown = figures(await engagement.engagement(GUILD, NOVEMBER, FR))

    assert (shown["events.checked_in"].value, shown["events.feedback"].value) == (10, 1)
    rate = shown["events.response_rate"]
    assert (rate.value, rate.base) == (1 / 10, 1)  # 1 answer among 10 present, resting on 1 answer


async def test_a_period_without_events_has_no_funnel_and_nothing_to_rate(database, engagement):
    await follow(database, 1, NOVEMBER.start - 10 * DAY)  # held in October
    part = await engagement.engagement(GUILD, NOVEMBER, EN)
    shown = figures(part)
    assert part.funnel == () and shown["events.count"].value == 0
    assert shown["events.response_rate"].value is None and shown["events.response_rate"].base == 0
    assert shown["events.rating"].value is None and shown["events.nps"].value is None


async def test_a_server_that_never_held_an_event_has_no_events_section(database, engagement):
    """No section of zeros: an event called off, one held after the period or in another server is
    no event held here by then."""
    await follow(database, 1, NOVEMBER.start + 5 * DAY, status="cancelled")
    await follow(database, 2, NOVEMBER.end)
    await follow(database, 3, NOVEMBER.start + 5 * DAY, guild=OTHER_GUILD)
    assert await engagement.engagement(GUILD, NOVEMBER, FR) is None
    await follow(database, 4, NOVEMBER.start - 40 * DAY)  # September's
    assert (await engagement.engagement(GUILD, NOVEMBER, FR)).title == "Événements"


async def test_participants_are_who_registered_came_or_answered_during_the_span(database, engagement, stores):
    starts = await november_event(database, stores)
    await follow(database, 9, starts, guild=OTHER_GUILD)
    await register(database, 9, 999, at=NOVEMBER.start + DAY)
    async with database.transaction() as db:  # a session of the programme, rated by EMMA
        await db.execute(
            "INSERT INTO event_sessions (id, event_id, title, starts_at, created_at, updated_at) "
            "VALUES (1, 1, 'Ouverture', ?, ?, ?)",
            (starts, starts, starts),
        )
        await db.execute(
            "INSERT INTO session_ratings (session_id, user_id, rating, updated_at) VALUES (1, ?, 4, ?)",
            (EMMA, starts + 2 * DAY),
        )

    # The four places were taken on 6 November (EMMA only waits); three came; two answered.
    assert await engagement.participants(GUILD, NOVEMBER) == {ALICE, BOB, CHLOE, DAVID, EMMA}
    registering = Span(NOVEMBER.start + 5 * DAY, NOVEMBER.start + 5 * DAY + 1)
    assert await engagement.participants(GUILD, registering) == {ALICE}  # DAVID registered 3 s later
    assert await engagement.participants(GUILD, Span(starts, starts + 1)) == {ALICE, BOB, CHLOE}
    assert await engagement.participants(GUILD, Span(starts + 2 * DAY, NOVEMBER.end)) == {EMMA}
    assert await engagement.participants(GUILD, Span(0, NOVEMBER.start)) == frozenset()
    assert await engagement.participants(OTHER_GUILD, NOVEMBER) == {999}
