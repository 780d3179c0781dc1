"""The waitlist's offers when things go wrong, and the DMs that keep a member's answer: an offer DM that
Discord fails to deliver (tried again, then passed on), one left unsent when the event is cancelled
while Agora is down, a member who left the server, a confirmation that stays in the DM with its `.ics`,
the DM of a place taken with a click, holds that follow a start moved earlier, and removing the limit;
the real bot against the fake Discord, on the injected clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.events_helpers import step
from tests.e2e.registration_helpers import (
    CANCELED,
    add_members,
    answer_offer,
    create_with_places,
    is_registered_dm,
    offer_dm,
    offers,
    register,
    registered_dms,
    run,
    shows,
    unregister,
)

HOLD = timedelta(hours=12)


def failed_dms(fake) -> list:
    return fake.find_requests("POST", r"/messages$", status=503)


async def dm_failures(bot, member_id: int, count: int, timeout: float = 10) -> None:  # noqa: ASYNC109
    """Waits until the store recorded `count` failed tries of the member's offer DM (it releases the
    offer after Discord's answer reached the bot: the 503 alone does not say it is done)."""

    sql = (
        "SELECT 1 FROM event_registrations WHERE user_id = ? AND offer_dm_failures = ? "
        "AND offer_sent_at IS NULL"
    )

    async def recorded() -> None:
        # Re-read every 10 ms, as fake.wait_for re-checks its predicates: the store signals nothing.
        while await bot.database.fetch_one(sql, (member_id, count)) is None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    await asyncio.wait_for(recorded(), timeout)


async def rows(bot) -> list[tuple[int, str]]:
    found = await bot.database.fetch_all("SELECT user_id, status FROM event_registrations ORDER BY queue")
    return [(int(r[0]), str(r[1])) for r in found]


# ---- an offer's DM Discord fails to deliver ------------------------------------------------------


async def test_an_offer_dm_that_discord_fails_to_deliver_is_sent_again_by_a_later_pass(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        offered_at = clock.now()
        fake.fail_dms("bob")  # Discord answers 503 once
        await unregister(fake, "alice", message, event.id)
        await dm_failures(bot, fake.member("bob").id, 1)
        assert len(failed_dms(fake)) == 1
        await step(bot)
        assert offers(fake, "bob", event.id) == []  # not at once: Discord is given a minute
        clock.advance(minutes=1)
        await step(bot)
        dm = await offer_dm(fake, "bob", event.id)
        assert f"<t:{int((offered_at + HOLD).timestamp())}:f>" in dm.content  # held from the offer
        confirmed = await answer_offer(fake, "bob", dm, event.id)
        assert "The place is yours" in confirmed.content


async def test_an_offer_dm_failing_three_times_passes_the_place_to_the_next(agora, fake, clock):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", chloe):
            await register(fake, member, message, event.id)
        fake.fail_dms("bob", times=3)
        await unregister(fake, "alice", message, event.id)
        await dm_failures(bot, fake.member("bob").id, 1)
        for wait in (1, 2):  # minutes: each retry waits twice as long as the one before
            clock.advance(minutes=wait)
            await step(bot)
        # Three failures: bob is passed over rather than held a place he does not know of for 12 h.
        await offer_dm(fake, chloe, event.id)
        assert len(failed_dms(fake)) == 3 and offers(fake, "bob", event.id) == []
        assert await rows(bot) == [(chloe.id, "offered")]


async def test_an_offer_left_unsent_is_not_sent_once_the_event_was_cancelled_while_agora_was_down(
    agora, fake, clock
):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        fake.fail_dms("bob")
        await unregister(fake, "alice", message, event.id)  # bob's offer, its DM to try again
        await dm_failures(bot, fake.member("bob").id, 1)
    event.status = CANCELED  # while Agora is down
    clock.advance(minutes=5)
    async with agora.running() as bot:
        closing = await fake.wait_for_dm("bob", lambda m: "was cancelled" in m.content, timeout=10)
        await step(bot)
        assert offers(fake, "bob", event.id) == [] and fake.dm_messages("bob") == [closing]


# ---- answering an offer --------------------------------------------------------------------------


async def test_the_offer_itself_becomes_the_confirmation_with_the_calendar_file(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        await unregister(fake, "alice", message, event.id)
        dm = await offer_dm(fake, "bob", event.id)
        await answer_offer(fake, "bob", dm, event.id)
        # What stays in the DM (a reload of Discord drops private answers): the confirmation and its file.
        kept = fake.message(dm.id)
        assert kept.content.startswith("✅ The place is yours") and "attached file adds it" in kept.content
        assert kept.components == [] and not kept.is_ephemeral and kept.allowed_mentions == {"parse": []}
        [attachment] = kept.attachments
        assert attachment.filename.endswith(".ics") and b"BEGIN:VEVENT" in attachment.data
        assert fake.dm_messages("bob") == [kept]


async def test_a_declined_offer_says_so_in_place_of_its_buttons(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", "adam"):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)
        dm = await offer_dm(fake, "bob", event.id)
        await answer_offer(fake, "bob", dm, event.id, "decline")
        kept = fake.message(dm.id)
        assert "goes to the next person" in kept.content and kept.components == []
        await offer_dm(fake, "adam", event.id)


# ---- the DM of a place taken with a click --------------------------------------------------------


async def test_a_place_taken_with_a_click_is_confirmed_by_one_dm_carrying_the_file(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        answer = await register(fake, "bob", message, event.id)
        assert answer.is_ephemeral and "registered for" in answer.content
        dm = await fake.wait_for_dm("bob", is_registered_dm, timeout=10)  # in his language, English
        assert dm.content.startswith("✅ You're registered for **Matinée e-20")
        assert dm.content.endswith(f"https://discord.com/events/{fake.guild.id}/{event.id}")
        assert dm.allowed_mentions == {"parse": []} and b"BEGIN:VEVENT" in dm.attachments[0].data
        waiting = await register(fake, "alice", message, event.id)
        assert "liste d’attente" in waiting.content
        # Cancelling and registering again gives no second DM: the file has not changed.
        await unregister(fake, "bob", message, event.id)
        await offer_dm(fake, "alice", event.id)
        await answer_offer(fake, "alice", offers(fake, "alice", event.id)[0], event.id, "decline")
        await register(fake, "bob", message, event.id)
        await step(bot)
        assert len(registered_dms(fake, "bob")) == 1 and registered_dms(fake, "alice") == []


async def test_a_member_with_closed_dms_registers_all_the_same(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 5)
        fake.set_dms_open("alice", False)
        answer = await register(fake, "alice", message, event.id)
        assert answer.is_ephemeral and answer.content.startswith("✅ Vous êtes inscrit·e")
        await fake.wait_for(
            lambda: fake.find_requests("POST", r"/messages$", status=403), what="the DM refused"
        )
        await shows(fake, message, "**1 / 5** places")
        assert fake.dm_messages("alice") == []


# ---- holds and the start, and removing the limit -------------------------------------------------


async def test_an_offer_held_past_a_start_moved_earlier_ends_at_the_new_start(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
        await register(fake, "bob", message, event.id)
        await unregister(fake, "alice", message, event.id)
        dm = await offer_dm(fake, "bob", event.id)  # held 12 hours
        start = clock.now() + timedelta(hours=2)
        await fake.update_scheduled_event(
            event,
            scheduled_start_time=start.isoformat(),
            scheduled_end_time=(start + timedelta(hours=3)).isoformat(),
        )
        await step(bot)
        held = await bot.database.fetch_one("SELECT offer_expires_at FROM event_registrations")
        assert held[0] == int(start.timestamp())
        clock.set(start)
        late = await answer_offer(fake, "bob", dm, event.id)
        assert late.is_ephemeral and late.content == "Registration for this event is closed."
        await step(bot)
        assert await rows(bot) == []  # the hold ended with the start, and no one is offered it after


async def test_removing_the_limit_offers_a_place_to_everyone_waiting(agora, fake, clock):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", chloe):
            await register(fake, member, message, event.id)
        answer = await run(fake, "olivia", "event places", {"event": str(event.id), "unlimited": True})
        assert answer.is_ephemeral and "🎟️ **1** inscrit·e·s" in answer.content
        await offer_dm(fake, "bob", event.id)
        chloe_dm = await offer_dm(fake, chloe, event.id)
        await answer_offer(fake, chloe, chloe_dm, event.id)
        await shows(fake, message, "🎟️ **2** inscrit·e·s")
        await register(fake, "adam", message, event.id)
        await shows(fake, message, "🎟️ **3** inscrit·e·s")


async def test_places_and_unlimited_together_or_neither_are_refused(agora, fake, clock):
    async with agora.running() as bot:
        event, _ = await create_with_places(fake, 3)
        for options in ({}, {"places": 5, "unlimited": True}, {"unlimited": False}):
            answer = await run(fake, "olivia", "event places", {"event": str(event.id), **options})
            assert answer.is_ephemeral and "Rien n’a changé." in answer.content, options
            assert "`illimite: True`" in answer.content
        settings = await bot.database.fetch_all("SELECT places FROM event_registration")
        assert [r[0] for r in settings] == [3]
