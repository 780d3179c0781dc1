"""Registration's bad input, each refused with a clear, ephemeral message and nothing changed: places out
of range or below those taken, a deadline past or after the start, registering twice, cancelling
without a registration, someone else's or a lapsed offer (forged custom_ids), a member who left the
server or closed their DMs, and an event cancelled or deleted in Discord (registration closes, one DM
to each member registered or waiting)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.events_helpers import START, step
from tests.e2e.registration_helpers import (
    CANCELED,
    add_members,
    answer_offer,
    buttons,
    create_with_places,
    offer_answer,
    offer_dm,
    offer_id,
    offers,
    register,
    registration_message,
    run,
    shows,
    unregister,
)

STALE = "Ce bouton n’est plus valide : relancez la commande qui l’a affiché si besoin."


def closing_dms(fake, member):
    return [
        m for m in fake.dm_messages(member) if "a été annulé" in m.content or "was cancelled" in m.content
    ]


async def places_rows(bot):
    return [
        tuple(r)
        for r in await bot.database.fetch_all("SELECT event_id, places, deadline FROM event_registration")
    ]


# ---- /event places and /event create ------------------------------------------------------------


@pytest.mark.parametrize("places", [0, -3, 10_001])
async def test_places_out_of_range_are_refused_and_nothing_changes(agora, fake, clock, places):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 5)
        before = await places_rows(bot)
        answer = await run(fake, "olivia", "event places", {"event": str(event.id), "places": places})
        assert answer.is_ephemeral
        assert (
            answer.content
            == f"{places} places, ce n’est pas possible : indiquez entre 1 et 10 000 places. Rien n’a changé."
        )
        assert await places_rows(bot) == before
        assert fake.message(message.id).content.startswith("🎟️ **0 / 5** places")


@pytest.mark.parametrize("places", [0, 10_001])
async def test_event_create_with_places_out_of_range_creates_nothing(agora, fake, clock, places):
    async with agora.running():
        answer = await fake.run_command(
            "olivia",
            "event create",
            {"title": "Matinée", "start": "2026-12-03 08:30", "end": "11:30", "places": places},
        )
        await answer.final_message(timeout=10)
        assert answer.is_ephemeral and "entre 1 et 10 000 places" in answer.content
        assert fake.scheduled_events(include_deleted=True) == []


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("2026-12-04 08:00", "tombe après le début de l’événement"),
        ("2026-12-03 08:31", "tombe après le début de l’événement"),
        ("2026-11-27 18:00", "est déjà passée"),
        ("2026-11-28 10:00", "est déjà passée"),  # the clock's 09:00 UTC is 10:00 in Geneva
    ],
)
async def test_a_deadline_after_the_start_or_in_the_past_is_refused(agora, fake, clock, deadline, expected):
    async with agora.running() as bot:
        event, _ = await create_with_places(fake, 5)
        before = await places_rows(bot)
        answer = await run(
            fake, "olivia", "event places", {"event": str(event.id), "places": 10, "deadline": deadline}
        )
        assert answer.is_ephemeral and expected in answer.content and "Rien n’a changé." in answer.content
        assert await places_rows(bot) == before
        created = await fake.run_command(
            "olivia",
            "event create",
            {"title": "Autre", "start": "2026-12-03 08:30", "end": "11:30", "deadline": deadline},
        )
        await created.final_message(timeout=10)
        assert expected in created.content and len(fake.scheduled_events()) == 1


async def test_places_below_those_taken_are_refused(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 3)
        for member in ("alice", "bob", "adam"):
            await register(fake, member, message, event.id)
        before = await places_rows(bot)
        answer = await run(fake, "olivia", "event places", {"event": str(event.id), "places": 2})
        assert (
            answer.content
            == "3 places sont déjà prises ou proposées : indiquez au moins 3 places. Rien n’a changé."
        )
        assert await places_rows(bot) == before


async def test_only_organisers_set_places_and_never_once_the_event_started(agora, fake, clock):
    async with agora.running():
        event, _ = await create_with_places(fake, 3)
        member = await run(fake, "alice", "event places", {"event": str(event.id), "places": 10})
        assert member.is_ephemeral and member.content == "Cette action est réservée aux organisateurs."
        clock.set(START + timedelta(minutes=1))
        started = await run(fake, "olivia", "event places", {"event": str(event.id), "places": 10})
        assert "a commencé, est terminé ou a été annulé" in started.content


# ---- clicks --------------------------------------------------------------------------------------


async def test_registering_twice_and_cancelling_without_a_registration_are_refused(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        again = await register(fake, "alice", message, event.id)
        assert again.is_ephemeral and again.content == "Vous êtes déjà inscrit·e à cet événement."
        waiting = await register(fake, "bob", message, event.id)
        assert "already on this event's waitlist (number 1)" in waiting.content
        nothing = await unregister(fake, "adam", message, event.id)
        assert nothing.content == "Vous n’êtes pas inscrit·e à cet événement : il n’y a rien à annuler."
        counts = await bot.database.fetch_all(
            "SELECT status, COUNT(*) FROM event_registrations GROUP BY status"
        )
        assert sorted(tuple(r) for r in counts) == [("registered", 1), ("waiting", 1)]


@pytest.mark.parametrize("on_message", [False, True], ids=["as-stored", "shown-on-message"])
async def test_someone_elses_offer_cannot_be_confirmed(agora, fake, clock, on_message):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", "adam"):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)
        await offer_dm(fake, "bob", event.id)
        click = await fake.forge_click(
            "adam", message, offer_id(fake, event.id, "bob"), on_message=on_message
        )
        await click.final_message(timeout=10)
        expected = "Cette place a été proposée à quelqu’un d’autre : seul·e cette personne peut répondre."
        assert click.is_ephemeral and click.content == (expected if on_message else STALE)
        rows = await bot.database.fetch_all("SELECT user_id, status FROM event_registrations ORDER BY queue")
        assert [r[1] for r in rows] == ["offered", "waiting"]


async def test_an_offer_for_an_unknown_event_or_out_of_range_ids_is_refused(agora, fake, clock):
    async with agora.running():
        _, message = await create_with_places(fake, 1)
        alice = fake.member("alice").id
        for custom_id, expected in (
            (f"event:offer:424242:{alice}:confirm", "Cette proposition n’est plus valable"),
            (f"event:offer:{2**63}:{alice}:confirm", STALE),
            (f"event:register:{2**63}", STALE),
            ("event:register:424242", STALE),
        ):
            click = await fake.forge_click("alice", message, custom_id, on_message=True)
            answer = await offer_answer(fake, click)
            assert answer.is_ephemeral and answer.content.startswith(expected), custom_id


async def test_a_member_who_left_the_server_cannot_confirm_and_the_place_goes_to_the_next(agora, fake, clock):
    chloe, dan = await add_members(fake, "chloe", "dan")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 2)
        for member in ("alice", "adam", chloe, "bob", dan):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)
        chloe_dm = await offer_dm(fake, chloe, event.id)
        await fake.remove_member(chloe)
        # bob left too, before his turn came: when chloe's refusal frees the place, it goes to dan.
        bob = fake.member("bob")
        await fake.remove_member(bob)
        late = await answer_offer(fake, chloe, chloe_dm, event.id)
        assert late.is_ephemeral and late.content == (
            "Vous n’êtes plus membre du serveur de cet événement : "
            "la place proposée va à la personne suivante sur la liste d’attente."
        )
        await offer_dm(fake, dan, event.id)  # at once, not when chloe's hold lapses
        await fake.wait_for(lambda: fake.message(chloe_dm.id).components == [], what="chloe's buttons gone")
        assert offers(fake, bob, event.id) == []
        rows = await bot.database.fetch_all("SELECT user_id, status FROM event_registrations ORDER BY queue")
        assert [(r[0], r[1]) for r in rows] == [(fake.member("adam").id, "registered"), (dan.id, "offered")]


async def test_a_member_with_closed_dms_is_passed_over(agora, fake, clock):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", chloe):
            await register(fake, member, message, event.id)
        fake.set_dms_open("bob", False)
        await unregister(fake, "alice", message, event.id)
        await offer_dm(fake, chloe, event.id)
        assert fake.find_requests("POST", r"/messages$", status=403)
        assert offers(fake, "bob", event.id) == []


# ---- the event called off in Discord ------------------------------------------------------------


@pytest.mark.parametrize("how", ["cancelled", "deleted"])
async def test_an_event_called_off_in_discord_closes_registration_with_one_dm_each(agora, fake, clock, how):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 2, title="Matinée @everyone")
        for member in ("alice", "adam", "bob", chloe):
            await register(fake, member, message, event.id)
        await unregister(fake, "adam", message, event.id)
        await offer_dm(fake, "bob", event.id)  # bob holds an offer, chloe waits
        if how == "cancelled":
            await fake.update_scheduled_event(event, status=CANCELED)
        else:
            await fake.delete_scheduled_event(event)
        for member in ("alice", "bob", chloe):
            await fake.wait_for(
                lambda m=member: closing_dms(fake, m), what="the DM telling registration closed"
            )
        await step(bot)
        await step(bot)
        told = {m: closing_dms(fake, m) for m in ("alice", "bob", "chloe")}
        assert {m: len(d) for m, d in told.items()} == {"alice": 1, "bob": 1, "chloe": 1}
        assert closing_dms(fake, "adam") == []  # he had cancelled
        (alice_dm,) = told["alice"]
        assert "**Matinée @" in alice_dm.content and not alice_dm.pings_anyone
        assert told["bob"][0].content.startswith("**Matinée @")  # in English, his Discord's language
        shown = await shows(fake, message, "Inscriptions closes")
        # Add to calendar stays: its file of the cancelled event removes it from a member's calendar.
        kept = f"event:calendar:{event.id}"
        assert all(b.get("disabled") for i, b in buttons(shown).items() if i != kept)
        refused = await register(fake, "olivia", shown, event.id, forged=True)
        assert refused.content == "Les inscriptions à cet événement sont closes."
        confirm = await answer_offer(fake, "bob", offers(fake, "bob", event.id)[0], event.id)
        assert confirm.is_ephemeral and "closed" in confirm.content
        assert registration_message(fake, event.id) is not None
