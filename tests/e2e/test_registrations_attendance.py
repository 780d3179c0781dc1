"""The organisers' list at the door: `/event attendees` shows who checked in (a mark beside the registered
names, those present without a place) and its CSV says when and how each member did; the real bot
against the fake Discord, on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.checkin_helpers import click as check_in
from tests.e2e.checkin_helpers import followed, joined, open_window, voice_event
from tests.e2e.events_helpers import START, read_csv, step
from tests.e2e.registration_helpers import add_members, create_with_places, register, run


def fields(listing) -> dict[str, str]:
    return {f["name"]: f["value"] for f in listing.embeds[0]["fields"]}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


async def test_the_list_marks_who_checked_in_and_adds_those_present_without_a_place(agora, fake, clock):
    await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 2)
        for member in ("alice", "bob", "adam"):  # adam waits
            await register(fake, member, message, event.id)
        door = await open_window(fake, bot, clock, event.id)
        arrivals = {}
        for member in ("alice", "adam", "chloe"):  # bob does not come; chloe never signed up
            clock.advance(minutes=1)
            await check_in(fake, member, door, event.id)
            arrivals[member] = clock.now()

        listing = await run(fake, "olivia", "event attendees", {"event": str(event.id)})
        assert listing.is_ephemeral and not listing.message.pings_anyone
        assert "✅ Présent·e·s : **3**, marqué·e·s ✅ ci-dessous" in listing.embeds[0]["description"]
        shown = fields(listing)
        assert shown["Inscrit·e·s (2)"] == "1. Alice ✅\n2. Bob"
        assert shown["Liste d’attente (1)"] == "1. Adam"
        assert shown["Présent·e·s sans place (2)"] == "1. Adam ✅\n2. Chloe ✅"

        (csv_file,) = listing.files
        rows = read_csv(csv_file.data, ";")
        assert rows[0][5:] == ["présence enregistrée le", "présence enregistrée via"]
        ids = {name: str(fake.member(name).id) for name in ("alice", "bob", "adam", "chloe")}
        assert [[r[0], r[1], r[2], r[5], r[6]] for r in rows[1:]] == [
            ["Alice", ids["alice"], "inscrit·e", iso(arrivals["alice"]), "check-in"],
            ["Bob", ids["bob"], "inscrit·e", "", ""],
            ["Adam", ids["adam"], "liste d’attente", iso(arrivals["adam"]), "check-in"],
            ["Chloe", ids["chloe"], "sans inscription", iso(arrivals["chloe"]), "check-in"],
        ]
        assert rows[4][3:5] == ["", ""]  # no position, never clicked Register


async def test_time_in_a_voice_events_channel_shows_as_present_through_the_voice_channel(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event, channel_id = await voice_event(fake, "vocal")
        await followed(bot, event.id, channel_id)
        clock.set(START)
        await joined(fake, bot, "alice", "vocal", event.id)
        clock.advance(minutes=10)
        await step(bot)

        listing = await run(fake, "olivia", "event attendees", {"event": str(event.id)}, locale="en-US")
        counts = listing.embeds[0]["description"].splitlines()[-1]
        assert counts == "✅ Checked in: **1**, marked ✅ below · 1 of them through the voice channel (🔊)"
        shown = fields(listing)
        assert shown["Registered (0)"] == "—"
        assert shown["Checked in without a place (1)"] == "1. Alice 🔊"
        rows = read_csv(listing.files[0].data, ",")
        assert rows[0][5:] == ["checked in at", "checked in through"]
        alice = str(fake.member("alice").id)
        assert rows[1:] == [["Alice", alice, "not signed up", "", "", iso(clock.now()), "voice channel"]]
