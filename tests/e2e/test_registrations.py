"""Places and their waitlist end to end: register until full → waitlist → a cancellation → the place
offered by DM → confirmed; holds that lapse, declines, raised places, the deadline, the organisers' list
and a member's own; the real bot against the fake Discord, on the injected clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.events_helpers import START, TITLE, read_csv, step
from tests.e2e.registration_helpers import (
    add_members,
    answer_offer,
    buttons,
    create_with_places,
    offer_dm,
    offers,
    register,
    registration_message,
    run,
    shows,
    unregister,
)

HOLD = timedelta(hours=12)


async def test_register_until_full_then_the_waitlist_then_a_cancellation_offers_the_place_by_dm(
    agora, fake, clock
):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 2)
        assert message.content.startswith("🎟️ **0 / 2** places")
        assert f"<t:{int(START.timestamp())}:f>" in message.content  # the deadline: the start
        assert message.embeds[0]["title"] == TITLE and message.allowed_mentions == {"parse": []}
        labels = {i: b["label"] for i, b in buttons(message).items()}
        assert labels == {
            f"event:register:{event.id}": "Je m’inscris",
            f"event:unregister:{event.id}": "Me désinscrire",
            f"event:calendar:{event.id}": "Ajouter à mon agenda",
        }

        first = await register(fake, "alice", message, event.id)
        assert first.is_ephemeral and "Vous êtes inscrit·e à **Matinée e-20" in first.content
        await register(fake, "olivia", message, event.id)
        # Full: bob (whose Discord is in English) and chloe wait, in click order.
        bob = await register(fake, "bob", message, event.id)
        assert bob.is_ephemeral and "full: you are number 1 on the waitlist" in bob.content
        waiting = await register(fake, chloe, message, event.id)
        assert "complet : vous êtes n° 2 sur la liste d’attente" in waiting.content
        await shows(fake, message, "**2 / 2** places · 2 en liste d’attente")

        # alice cancels: the place goes to bob, by DM, in English, with Confirm / Decline.
        cancelled = await unregister(fake, "alice", message, event.id)
        assert cancelled.is_ephemeral and "plus inscrit·e" in cancelled.content
        dm = await offer_dm(fake, "bob", event.id)
        assert "A place is free at **Matinée e-20" in dm.content
        expires = int((clock.now() + HOLD).timestamp())
        assert f"<t:{expires}:f>" in dm.content and dm.allowed_mentions == {"parse": []}
        assert [b["label"] for b in buttons(dm).values()] == ["Confirm", "Decline"]
        await shows(fake, message, "**2 / 2** places · 1 en liste d’attente")
        assert offers(fake, chloe, event.id) == []

        # The offer's message becomes the confirmation, without its buttons (kept in the DM).
        confirmed = await answer_offer(fake, "bob", dm, event.id)
        assert confirmed.id == dm.id and "The place is yours" in confirmed.content
        assert confirmed.components == [] and not confirmed.is_ephemeral
        mine = await run(fake, "bob", "event mine")
        assert "registered" in mine.embeds[0]["description"]
        await step(bot)
        assert len(fake.dm_messages("bob")) == 1 and fake.dm_messages(chloe) == []


async def test_a_hold_that_lapses_or_is_declined_goes_to_the_next_member(agora, fake, clock):
    chloe, dan = await add_members(fake, "chloe", "dan")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", chloe, dan):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)
        bob_dm = await offer_dm(fake, "bob", event.id)

        # bob lets the hold lapse: not a second earlier, chloe is offered the place.
        clock.advance(hours=12, seconds=-1)
        await step(bot)
        assert offers(fake, chloe, event.id) == []
        clock.advance(seconds=1)
        await step(bot)
        chloe_dm = await offer_dm(fake, chloe, event.id)
        late = await answer_offer(fake, "bob", bob_dm, event.id)
        assert late.is_ephemeral and "no longer valid" in late.content

        # chloe declines: dan is offered it at once.
        declined = await answer_offer(fake, chloe, chloe_dm, event.id, "decline")
        assert "va à la personne suivante" in declined.content
        dan_dm = await offer_dm(fake, dan, event.id)
        await answer_offer(fake, dan, dan_dm, event.id)
        await shows(fake, message, "**1 / 1** places\n")
        listing = await run(fake, "olivia", "event attendees", {"event": str(event.id)})
        registered = listing.embeds[0]["fields"][0]
        assert registered["name"] == "Inscrit·e·s (1)" and registered["value"] == "1. Dan"


async def test_a_hold_never_runs_past_the_start(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        clock.set(START - timedelta(hours=2))
        await unregister(fake, "alice", message, event.id)
        dm = await offer_dm(fake, "bob", event.id)
        assert f"<t:{int(START.timestamp())}:f>" in dm.content
        clock.set(START)
        await step(bot)
        late = await answer_offer(fake, "bob", dm, event.id)
        assert late.is_ephemeral and late.content == "Registration for this event is closed."


async def test_raising_the_places_offers_them_to_the_first_members_waiting(agora, fake, clock):
    chloe, dan = await add_members(fake, "chloe", "dan")
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", chloe, dan):
            await register(fake, member, message, event.id)
        answer = await run(fake, "olivia", "event places", {"event": str(event.id), "places": 3})
        assert answer.is_ephemeral and "**3 / 3** places · 1 en liste d’attente" in answer.content
        await offer_dm(fake, "bob", event.id)
        await offer_dm(fake, chloe, event.id)
        await shows(fake, message, "**3 / 3** places · 1 en liste d’attente")
        assert offers(fake, dan, event.id) == []


async def test_the_deadline_closes_registration_and_promotes_no_one(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1, deadline="2026-12-01 18:00")
        deadline = int(START.replace(day=1, hour=17, minute=0).timestamp())  # 18:00 in Geneva
        assert f"Inscriptions jusqu’au <t:{deadline}:f>" in message.content
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        clock.set(START.replace(day=1, hour=17, minute=0))
        # Before the message is redrawn, a click still reaches Agora: refused politely.
        late = await register(fake, "olivia", message, event.id)
        assert late.is_ephemeral and late.content == "Les inscriptions à cet événement sont closes."
        await unregister(fake, "alice", message, event.id)
        await step(bot)
        shown = await shows(fake, message, "Inscriptions closes")
        assert buttons(shown)[f"event:register:{event.id}"].get("disabled") is True
        assert not buttons(shown)[f"event:unregister:{event.id}"].get("disabled")
        assert offers(fake, "bob", event.id) == []


async def test_an_event_created_in_discords_ui_gets_its_registration_message_from_event_places(
    agora, fake, clock
):
    async with agora.running() as bot:
        event = await fake.create_scheduled_event(
            "olivia", "Apéro @everyone", START, START + timedelta(hours=2)
        )
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id), what="the event"
        )
        answer = await run(
            fake,
            "olivia",
            "event places",
            {"event": str(event.id), "places": 40, "deadline": "2.12.2026 12h"},
        )
        assert "**0 / 40** places" in answer.content
        message = await fake.wait_for(
            lambda: registration_message(fake, event.id), what="the registration message"
        )
        assert message.embeds[0]["title"] == "Apéro @everyone" and not message.pings_anyone
        assert "**0 / 40** places" in message.content
        await register(fake, "alice", message, event.id)
        await shows(fake, message, "**1 / 40** places")


async def test_without_places_registration_is_open_and_counted(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake)
        assert message.content.startswith("🎟️ **0** inscrit·e·s")
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        await shows(fake, message, "🎟️ **2** inscrit·e·s")


async def test_a_burst_of_clicks_is_drawn_in_few_edits_and_the_last_count_always_shows(agora, fake, clock):
    names = [m.name for m in await add_members(fake, *(f"membre{n}" for n in range(12)))]
    async with agora.running():
        event, message = await create_with_places(fake, 10)
        edits_before = fake.message(message.id).edits
        # One after the other (each answered before the next), then the last four at once.
        answers = [await register(fake, name, message, event.id) for name in names[:8]]
        clicks = await asyncio.gather(
            *(fake.click(n, message, f"event:register:{event.id}") for n in names[8:])
        )
        await asyncio.gather(*(c.final_message(timeout=10) for c in clicks))
        assert all("inscrit·e à" in a.content for a in answers)
        assert sum("n° " in c.content for c in clicks) == 2  # two on the waitlist
        await shows(fake, message, "**10 / 10** places · 2 en liste d’attente")
        # One edit at once, then at most one per 2 seconds: a dozen clicks, a few edits.
        assert fake.message(message.id).edits - edits_before <= 3


async def test_the_organisers_list_and_its_csv_for_the_door(agora, fake, clock):
    (eve,) = await add_members(fake, "eve")
    eve.nick = "=SUM(1+1)*_vip_"  # a formula for a spreadsheet, markdown for Discord
    async with agora.running():
        event, message = await create_with_places(fake, 2)
        for member in ("alice", eve, "bob", "adam"):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)  # bob is offered the place
        await offer_dm(fake, "bob", event.id)
        listing = await run(fake, "olivia", "event attendees", {"event": str(event.id)})
        assert listing.is_ephemeral
        fields = {f["name"]: f["value"] for f in listing.embeds[0]["fields"]}
        assert fields["Inscrit·e·s (1)"] == r"1. =SUM(1+1)\*\_vip\_"
        assert fields["Places proposées (1)"].startswith("Bob — à confirmer <t:")
        assert fields["Liste d’attente (1)"] == "1. Adam"
        (csv_file,) = listing.files
        rows = read_csv(csv_file.data, ";")
        assert rows[0] == [
            "nom",
            "identifiant",
            "statut",
            "rang",
            "inscription demandée le",
            "présence enregistrée le",
            "présence enregistrée via",
        ]
        assert [r[:4] for r in rows[1:]] == [
            ["'=SUM(1+1)*_vip_", str(eve.id), "inscrit·e", "1"],
            ["Bob", str(fake.member("bob").id), "place proposée", ""],
            ["Adam", str(fake.member("adam").id), "liste d’attente", "1"],
        ]
        refused = await run(fake, "alice", "event attendees", {"event": str(event.id)})
        assert refused.content == "Cette action est réservée aux organisateurs." and refused.files == []


async def test_my_registrations_with_a_button_to_cancel_each(agora, fake, clock):
    async with agora.running():
        first, first_message = await create_with_places(fake, 1)
        second, second_message = await create_with_places(fake, 5, title="Atelier [IA] *live*")
        await register(fake, "olivia", first_message, first.id)
        await register(fake, "alice", first_message, first.id)
        await register(fake, "alice", second_message, second.id)
        mine = await run(fake, "alice", "event mine")
        lines = mine.embeds[0]["description"].splitlines()
        assert len(lines) == 2 and "liste d’attente, n° 1" in lines[0] and lines[1].endswith("· inscrit·e")
        assert lines[1].startswith(
            r"**[Atelier \[IA\] \*live\*](https://discord.com/events/"
        )  # the link holds
        cancel = buttons(mine.message)
        assert [b["label"] for b in cancel.values()] == [
            f"Me désinscrire : {TITLE}",
            "Me désinscrire : Atelier [IA] *live*",
        ]
        done = await unregister(fake, "alice", mine.message, second.id)
        assert r"plus inscrit·e à **Atelier [IA] \*live\***" in done.content
        await shows(fake, second_message, "**0 / 5** places")
        empty = await run(fake, "adam", "event mine")
        assert empty.content == "Vous n’êtes inscrit·e à aucun événement à venir, ni sur une liste d’attente."
