"""Registration across restarts: the buttons keep working, an offer made before a restart can be
confirmed after it and its hold still lapses on time, an offer not yet sent is sent, an event deleted
while the bot was down closes its registration at startup, and a count left behind by a crash is
redrawn without waiting for another click."""

from __future__ import annotations

from tests.e2e.events_helpers import step
from tests.e2e.privacy_helpers import forget
from tests.e2e.registration_helpers import (
    add_members,
    answer_offer,
    create_with_places,
    is_registered_dm,
    offer_dm,
    offers,
    register,
    registration_message,
    shows,
    unregister,
)


async def test_the_buttons_keep_working_after_a_restart(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        await register(fake, "alice", message, event.id)
    async with agora.running():
        waiting = await register(fake, "bob", message, event.id)
        assert "number 1 on the waitlist" in waiting.content
        await unregister(fake, "alice", message, event.id)
        await offer_dm(fake, "bob", event.id)
        await shows(fake, message, "**1 / 1** places\n")


async def test_an_offer_made_before_a_restart_is_confirmed_after_it(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob"):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)
        dm = await offer_dm(fake, "bob", event.id)
    clock.advance(hours=11)
    async with agora.running() as bot:
        confirmed = await answer_offer(fake, "bob", dm, event.id)
        assert "The place is yours" in confirmed.content
        await step(bot)
        rows = await bot.database.fetch_all("SELECT status FROM event_registrations")
        assert [r[0] for r in rows] == ["registered"]


async def test_a_hold_lapses_on_time_across_a_restart(agora, fake, clock):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob", chloe):
            await register(fake, member, message, event.id)
        await unregister(fake, "alice", message, event.id)
        bob_dm = await offer_dm(fake, "bob", event.id)
    clock.advance(hours=12, seconds=1)  # the hold ended while the bot was down
    async with agora.running():
        await offer_dm(fake, chloe, event.id)  # at startup, without a step
        late = await answer_offer(fake, "bob", bob_dm, event.id)
        assert "no longer valid" in late.content
    async with agora.running() as bot:
        await step(bot)
        assert len(offers(fake, chloe, event.id)) == 1 and len(offers(fake, "bob", event.id)) == 1


async def test_a_place_freed_without_a_click_is_offered_by_the_next_pass(agora, fake, clock):
    """A member forgotten at their request leaves their place: the store offers it, and the DM goes out
    from `offers_to_send`, as an offer made just before a crash does."""
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob"):
            await register(fake, member, message, event.id)
        await forget(fake, "alice")
        await step(bot)
        await offer_dm(fake, "bob", event.id)
        await step(bot)
        assert len(offers(fake, "bob", event.id)) == 1


async def test_an_event_deleted_while_the_bot_was_down_closes_registration_at_startup(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 1)
        for member in ("alice", "bob"):
            await register(fake, member, message, event.id)
        await fake.wait_for_dm("alice", is_registered_dm, timeout=10)  # her place, with its .ics
    event.deleted = True  # Discord no longer lists it when the bot comes back
    async with agora.running():
        for member in ("alice", "bob"):
            await fake.wait_for_dm(
                member, lambda m: "a été annulé" in m.content or "was cancelled" in m.content
            )
        await shows(fake, message, "Inscriptions closes")
    async with agora.running() as bot:
        await step(bot)
        assert len(fake.dm_messages("alice")) == 2 and len(fake.dm_messages("bob")) == 1


async def test_a_count_left_behind_by_a_crash_mid_edit_is_redrawn_at_startup(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 5)
        await register(fake, "alice", message, event.id)
        await shows(fake, message, "**1 / 5** places")
        # The edit that would draw bob's registration never reaches Discord: the bot stops meanwhile.
        fake.stalled_edits.stall(message)
        await register(fake, "bob", message, event.id)
        await fake.wait_for(lambda: fake.stalled_edits.stalled > 0, what="the edit held")
    fake.stalled_edits.release()
    assert "**1 / 5** places" in fake.message(message.id).content
    async with agora.running():
        await shows(fake, message, "**2 / 5** places")
        assert registration_message(fake, event.id).id == message.id
