"""Attendance without a click at voice and stage events, through the real bot: members' voice states
(VOICE_STATE_UPDATE, and GUILD_CREATE's voice states at startup) add up their time in the event's
channel on the injected clock, only while the event runs, across leaving and rejoining and restarts."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.checkin_helpers import (
    attendance_of,
    checkin_message,
    click,
    followed,
    fr,
    joined,
    left,
    presence_of,
    until,
    voice_event,
)
from tests.e2e.events_helpers import END, START, step

MINUTE = 60


async def how(bot, event, member) -> str | None:
    found = await attendance_of(bot, event.id, member.id)
    return found.how if found else None


async def closed(bot, event, member) -> bool:
    found = await presence_of(bot, event.id, member.id)
    return found is not None and found[1] is None


async def following(fake, bot, channel="vocal"):
    """A voice (or stage) event created in Discord's UI, once Agora follows it in its channel."""
    await fake.wait_for_commands()
    event, channel_id = await voice_event(fake, channel)
    await followed(bot, event.id, channel_id)
    return event


async def test_nine_minutes_in_the_channel_are_not_enough(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(START)
        await joined(fake, bot, alice, "vocal", event.id)
        clock.advance(minutes=9)
        await left(fake, bot, alice, event.id)
        assert await presence_of(bot, event.id, alice.id) == (9 * MINUTE, None)
        clock.set(END + timedelta(minutes=1))
        await step(bot)
        assert await how(bot, event, alice) is None


async def test_ten_minutes_across_a_leave_and_a_rejoin_count_as_attended(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(START)
        await joined(fake, bot, alice, "vocal", event.id)
        clock.advance(minutes=6)
        await left(fake, bot, alice, event.id)
        clock.advance(minutes=20)
        await joined(fake, bot, alice, "vocal", event.id)
        clock.advance(minutes=4)
        await fake.move_voice(alice, "scène")  # another channel: she left the event's
        await until(lambda: closed(bot, event, alice), what="her time added up after the move")
        assert await how(bot, event, alice) == "voice"
        assert (await attendance_of(bot, event.id, alice.id)).at == int(clock.now().timestamp())


async def test_ten_minutes_without_leaving_count_at_the_next_pass(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(START)
        await joined(fake, bot, alice, "vocal", event.id)
        clock.advance(minutes=9, seconds=59)
        await step(bot)
        assert await how(bot, event, alice) is None
        clock.advance(seconds=1)
        await step(bot)
        assert await how(bot, event, alice) == "voice"


async def test_time_in_the_channel_before_the_start_is_not_counted(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(START - timedelta(minutes=20))
        await joined(fake, bot, alice, "vocal", event.id)
        clock.set(START + timedelta(minutes=9))
        await step(bot)
        await left(fake, bot, alice, event.id)
        assert await presence_of(bot, event.id, alice.id) == (9 * MINUTE, None)
        assert await how(bot, event, alice) is None


async def test_a_member_in_voice_across_a_restart_is_still_counted(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(START)
        await joined(fake, bot, alice, "vocal", event.id)
        clock.advance(minutes=6)
        await step(bot)
    clock.advance(minutes=4)
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        await step(bot)
        assert await how(bot, event, alice) == "voice"


async def test_members_already_in_voice_when_agora_starts_are_counted_from_then(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
    alice = fake.member("alice")
    clock.set(START)
    await fake.join_voice(alice, "vocal")  # while Agora is away
    clock.advance(minutes=5)
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        await step(bot)
        assert await presence_of(bot, event.id, alice.id) == (0, int(clock.now().timestamp()))
        clock.advance(minutes=10)
        await step(bot)
        assert await how(bot, event, alice) == "voice"


async def test_a_stage_event_counts_its_audience(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot, "scène")
        bob = fake.member("bob")
        clock.set(START)
        await joined(fake, bot, bob, "scène", event.id)
        clock.advance(minutes=10)
        await left(fake, bot, bob, event.id)
        assert await how(bot, event, bob) == "voice"


async def test_a_member_counted_in_voice_is_told_so_by_the_button(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(START)
        await step(bot)
        message = checkin_message(fake, event.id)
        await joined(fake, bot, alice, "vocal", event.id)
        clock.advance(minutes=10)
        await left(fake, bot, alice, event.id)
        answer = await click(fake, alice, message, event.id)
        assert answer.content == fr(bot, "events.checkin.error.already_voice", name="Matinée en ligne")


async def test_time_after_the_end_is_not_counted(agora, fake, clock):
    async with agora.running() as bot:
        event = await following(fake, bot)
        alice = fake.member("alice")
        clock.set(END - timedelta(minutes=5))
        await joined(fake, bot, alice, "vocal", event.id)
        clock.set(END + timedelta(hours=1))
        await step(bot)
        assert await presence_of(bot, event.id, alice.id) == (5 * MINUTE, None)
        assert await how(bot, event, alice) is None
