"""Calendar invitations end to end: the *Add to calendar* button's `.ics` read back with icalendar (times
in Europe/Zurich on both sides of a change to summer time), SEQUENCE raised when the event moves in
Discord, STATUS:CANCELLED once it is called off, one DM per member with the updated file (never again
after a restart), the confirmed place's file, and `/event calendar`; the real bot against the fake
Discord, on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.e2e.events_helpers import create_event, step
from tests.e2e.registration_helpers import (
    CANCELED,
    add_members,
    answer_offer,
    buttons,
    click,
    create_with_places,
    is_registered_dm,
    offer_dm,
    register,
    registration_message,
    run,
    unregister,
)

ZURICH = ZoneInfo("Europe/Zurich")
# Summer time starts in 2027 on the last Sunday of March, the 28th (2:00 → 3:00). 08:30 in Geneva is
# 07:30 UTC on Thursday the 25th (UTC+1) and 06:30 UTC on Monday the 29th (UTC+2).
WINTER_START, WINTER_END = datetime(2027, 3, 25, 7, 30, tzinfo=UTC), datetime(2027, 3, 25, 10, 30, tzinfo=UTC)
SUMMER_START, SUMMER_END = datetime(2027, 3, 29, 6, 30, tzinfo=UTC), datetime(2027, 3, 29, 9, 30, tzinfo=UTC)
TITLE = "Matinée *RH* @everyone"


def calendar_id(event) -> str:
    return f"event:calendar:{event.id}"


def read_ics(attachment) -> Calendar:
    assert attachment.filename.endswith(".ics"), attachment.filename
    return Calendar.from_ical(attachment.data)


def wall(moment: datetime) -> str:
    """The wall-clock time a datetime carries (in its own zone)."""
    return moment.strftime("%Y-%m-%d %H:%M")


def only_event(calendar: Calendar):
    [vevent] = calendar.events
    return vevent


async def button_file(fake, member, message, event, **kwargs):
    """Clicks Add to calendar; returns (the private answer, its one .ics read back)."""
    answer = await click(fake, member, message, calendar_id(event), **kwargs)
    assert answer.is_ephemeral and answer.message.allowed_mentions == {"parse": []}
    [attachment] = answer.files
    return answer, read_ics(attachment)


def has_ics(message) -> bool:
    return any(a.filename.endswith(".ics") for a in message.attachments)


def is_moved(message) -> bool:
    return has_ics(message) and ("a changé" in message.content or "has changed" in message.content)


def is_cancelled(message) -> bool:
    return has_ics(message) and ("a été annulé" in message.content or "was cancelled" in message.content)


def moved_dms(fake, member):
    return [m for m in fake.dm_messages(member) if is_moved(m)]


def cancelled_dms(fake, member):
    return [m for m in fake.dm_messages(member) if is_cancelled(m)]


async def test_the_button_gives_the_events_file_in_zurich_time_on_both_sides_of_summer_time(agora, fake):
    async with agora.running():
        await create_event(fake, title="Avant l’heure d’été", start="2027-03-25 08:30", end="11:30")
        await create_event(fake, title=TITLE, start="2027-03-29 08:30", end="11:30")
        winter, summer = fake.scheduled_events()[-2:]
        message = registration_message(fake, summer.id)
        labels = {i: b["label"] for i, b in buttons(message).items()}
        assert labels[calendar_id(summer)] == "Ajouter à mon agenda"

        answer, calendar = await button_file(fake, "alice", message, summer)
        vevent = only_event(calendar)
        start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
        assert (wall(start), wall(end)) == ("2027-03-29 08:30", "2027-03-29 11:30")  # as written
        assert vevent["DTSTART"].params["TZID"] == "Europe/Zurich"
        assert (start.astimezone(UTC), end.astimezone(UTC)) == (SUMMER_START, SUMMER_END)
        assert [str(zone["TZID"]) for zone in calendar.timezones] == ["Europe/Zurich"]
        assert str(vevent["SUMMARY"]) == TITLE and str(vevent["LOCATION"]) == "Genève"
        assert str(vevent["UID"]) == f"event-{summer.id}@{fake.guild.id}.agora"
        assert str(vevent["URL"]) == f"https://discord.com/events/{fake.guild.id}/{summer.id}"
        assert int(vevent["SEQUENCE"]) == 0 and str(vevent["STATUS"]) == "CONFIRMED"
        assert answer.files[0].filename == "matinee-rh-everyone-2027-03-29.ics"
        assert answer.content.startswith("📅 **Matinée \\*RH\\* @") and not answer.message.pings_anyone
        assert f"<t:{int(SUMMER_START.timestamp())}:F>" in answer.content

        # The day before the change, 08:30 in Geneva is an hour later in UTC; in English for bob.
        before = registration_message(fake, winter.id)
        answer, calendar = await button_file(fake, "bob", before, winter)
        vevent = only_event(calendar)
        assert wall(vevent.decoded("DTSTART")) == "2027-03-25 08:30"
        assert vevent.decoded("DTSTART").astimezone(UTC) == WINTER_START
        assert vevent.decoded("DTEND").astimezone(UTC) == WINTER_END
        assert "Open the attached file to add it to your calendar" in answer.content


async def test_a_move_in_discord_raises_the_sequence_and_tells_each_member_once(agora, fake, clock):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1, title=TITLE)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)  # waiting, his Discord in English
        registered = await fake.wait_for_dm("alice", is_registered_dm, timeout=10)
        assert int(only_event(read_ics(registered.attachments[0]))["SEQUENCE"]) == 0
        # A new title is not a move: no new version, nobody told.
        await fake.update_scheduled_event(event, name="Matinée RH")
        await step(bot)
        _, calendar = await button_file(fake, chloe, message, event)
        assert int(only_event(calendar)["SEQUENCE"]) == 0 and moved_dms(fake, "alice") == []

        start, end = datetime(2026, 12, 10, 8, 0, tzinfo=UTC), datetime(2026, 12, 10, 11, 0, tzinfo=UTC)
        await fake.update_scheduled_event(
            event,
            name=TITLE,
            scheduled_start_time=start.isoformat(),
            scheduled_end_time=end.isoformat(),
            location="Lausanne",
        )
        alice_dm = await fake.wait_for_dm("alice", is_moved, timeout=10)
        bob_dm = await fake.wait_for_dm("bob", is_moved, timeout=10)
        assert alice_dm.content.startswith("📅 L’événement **Matinée \\*RH\\* @")
        assert f"<t:{int(start.timestamp())}:F>" in alice_dm.content and "📍 Lausanne" in alice_dm.content
        assert alice_dm.allowed_mentions == {"parse": []} and not alice_dm.pings_anyone
        assert "has changed" in bob_dm.content
        for dm in (alice_dm, bob_dm):
            vevent = only_event(read_ics(dm.attachments[0]))
            assert int(vevent["SEQUENCE"]) == 1 and str(vevent["LOCATION"]) == "Lausanne"
            assert vevent.decoded("DTSTART").astimezone(UTC) == start
        _, calendar = await button_file(fake, chloe, message, event)
        assert int(only_event(calendar)["SEQUENCE"]) == 1
        await step(bot)
        await step(bot)
        assert fake.dm_messages(chloe) == []  # not registered: only the button's file

    # After a restart the same move is not told again, and the button still answers.
    async with agora.running() as bot:
        await step(bot)
        assert {m: len(moved_dms(fake, m)) for m in ("alice", "bob")} == {"alice": 1, "bob": 1}
        assert len(fake.dm_messages("alice")) == 2  # her registration's, then the move's
        _, calendar = await button_file(fake, "alice", registration_message(fake, event.id), event)
        assert int(only_event(calendar)["SEQUENCE"]) == 1


async def test_a_cancelled_event_gives_each_member_one_dm_carrying_the_cancelled_file(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        # Moved and cancelled at once: the closing DM says it all.
        await fake.update_scheduled_event(event, location="Lausanne", status=CANCELED)
        for member in ("alice", "bob"):
            await fake.wait_for_dm(member, is_cancelled, timeout=10)
        await step(bot)
        await step(bot)
        for member in ("alice", "bob"):
            [dm] = cancelled_dms(fake, member)
            vevent = only_event(read_ics(dm.attachments[0]))
            assert str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 2
        [alice_dm] = cancelled_dms(fake, "alice")
        assert moved_dms(fake, "alice") == []  # the closing DM says it all
        assert "annulé" in alice_dm.content and "le retire de votre agenda" in alice_dm.content

        # The button (never disabled) gives the cancelled file to anyone who added the event.
        answer, calendar = await button_file(fake, "olivia", fake.message(message.id), event)
        assert str(only_event(calendar)["STATUS"]) == "CANCELLED"
        assert "a été annulé" in answer.content


async def test_a_deleted_event_gives_the_cancelled_file_too(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake)
        await register(fake, "alice", message, event.id)
        await fake.delete_scheduled_event(event)
        dm = await fake.wait_for_dm("alice", is_cancelled, timeout=10)
        assert str(only_event(read_ics(dm.attachments[0]))["STATUS"]) == "CANCELLED"


async def test_registering_points_to_the_button_and_a_confirmed_place_carries_the_file(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        registered = await register(fake, "alice", message, event.id)
        assert "le bouton *Ajouter à mon agenda* sous l’annonce" in registered.content
        assert registered.files == []  # one click away, on the same message
        await register(fake, "bob", message, event.id)
        await unregister(fake, "alice", message, event.id)
        offer = await offer_dm(fake, "bob", event.id)
        confirmed = await answer_offer(fake, "bob", offer, event.id)
        assert "The place is yours" in confirmed.content and "attached file adds it" in confirmed.content
        [attachment] = confirmed.files
        vevent = only_event(read_ics(attachment))
        assert str(vevent["UID"]) == f"event-{event.id}@{fake.guild.id}.agora"


async def test_event_calendar_gives_every_upcoming_event_in_one_file(agora, fake, clock):
    async with agora.running() as bot:
        await create_event(fake, title="Troisième", start="2027-01-20 08:30", end="11:30")
        await create_event(fake, title="Première", start="2026-12-03 08:30", end="11:30")
        await create_event(fake, title="Annulée", start="2026-12-10 08:30", end="11:30")
        cancelled = fake.scheduled_events()[-1]
        announcement = registration_message(fake, cancelled.id)
        await fake.update_scheduled_event(cancelled, status=CANCELED)
        await fake.wait_for(
            lambda: fake.message(announcement.id).embeds[0]["title"].startswith("[Annulé]"),
            what="the announcement shown cancelled",
        )
        # One made in Discord's own UI is followed too.
        ui_start = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
        ui = await fake.create_scheduled_event(
            "olivia", "Apéro", ui_start, ui_start + timedelta(hours=2), location="Carouge"
        )
        await fake.wait_for(lambda: bot.get_guild(fake.guild.id).get_scheduled_event(ui.id), what="the event")
        await step(bot)

        answer = await run(fake, "alice", "event calendar")
        assert answer.is_ephemeral and answer.content.startswith("📅 Événements à venir : 3.")
        [attachment] = answer.files
        assert attachment.filename == "e-20-suisse-romande-agenda.ics"
        calendar = read_ics(attachment)
        assert [str(e["SUMMARY"]) for e in calendar.events] == ["Première", "Apéro", "Troisième"]
        assert str(calendar["X-WR-CALNAME"]) == fake.guild.name
        apero = calendar.events[1]
        assert wall(apero.decoded("DTSTART").astimezone(ZURICH)) == "2026-12-15 18:00"


async def test_event_calendar_without_upcoming_events_says_so(agora, fake, clock):
    async with agora.running():
        await create_event(fake, title="Passée", start="2026-11-29 08:30", end="11:30")
        clock.advance(days=2)  # it is over now
        answer = await run(fake, "alice", "event calendar")
        assert answer.is_ephemeral and answer.files == []
        assert answer.content == "Aucun événement à venir pour l’instant : rien à ajouter à votre agenda."
        english = await run(fake, "bob", "event calendar")
        assert english.content == "No upcoming events for now: nothing to add to your calendar."
