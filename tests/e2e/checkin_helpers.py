"""Shortcuts for the check-in tests: the check-in message, clicks on *Je suis là*, the code's form, the
organisers' code, voice and stage events in Discord's UI, and what the store recorded."""

# `until` takes a `timeout=` argument, as the fake's waits do (readable tests).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from cogs.events.attendance.checkin_views import CODE
from tests.e2e.events_helpers import END, START, custom_ids, events_cog, step

OPENS = timedelta(minutes=30)
CODE_SHOWN = re.compile(r"^# ([0-9]) ([0-9]) ([0-9]) ([0-9])$", re.MULTILINE)


def fr(bot, key, **values):
    return bot.catalogue.translate(key, "fr", **values)


def checkin_id(event_id: int) -> str:
    return f"event:checkin:{event_id}"


def checkin_message(fake, event_id, channel="général"):
    """The message carrying the event's check-in button, as it is now (None: none yet)."""
    found = [m for m in fake.messages(channel) if checkin_id(event_id) in custom_ids(m)]
    assert len(found) <= 1, [m.content for m in found]
    return fake.message(found[0].id) if found else None


def checkin_button(message) -> dict:
    buttons = [c for row in message.components for c in row["components"]]
    return next(c for c in buttons if c.get("custom_id", "").startswith("event:checkin:"))


async def open_window(fake, bot, clock, event_id, *, at=None, channel="général"):
    """Moves the clock to when check-in opens (30 minutes before the start) and runs the timeline's
    pass; returns the check-in message it posted."""
    clock.set(at or START - OPENS)
    await step(bot)
    message = checkin_message(fake, event_id, channel)
    assert message is not None, "no check-in message was posted"
    return message


async def click(fake, member, message, event_id, *, forged=False, locale=None):
    """A click on *Je suis là* answered with a message (not the form); returns the interaction."""
    if forged:
        record = await fake.forge_click(member, message, checkin_id(event_id), on_message=True, locale=locale)
    else:
        record = await fake.click(member, message, checkin_id(event_id), locale=locale)
    await record.final_message(timeout=10)
    return record


async def open_form(fake, member, message, event_id):
    record = await fake.click(member, message, checkin_id(event_id))
    return record, await record.modal(timeout=10)


async def submit_code(fake, member, modal, code, *, force=False):
    record = await fake.submit_modal(member, modal, {CODE: code}, force=force)
    await record.final_message(timeout=10)
    return record


async def type_code(fake, member, message, event_id, code):
    """Clicks, then types `code` in the form; returns the form's answer."""
    _, modal = await open_form(fake, member, message, event_id)
    return await submit_code(fake, member, modal, code)


async def set_code(fake, event_id, *, member="olivia", remove=False, locale=None):
    """/event checkin-code; returns the answer and the code it shows (None when removed)."""
    options = {"event": str(event_id), **({"remove": True} if remove else {})}
    record = await fake.run_command(member, "event checkin-code", options, locale=locale)
    await record.final_message(timeout=10)
    shown = CODE_SHOWN.search(record.content)
    return record, "".join(shown.groups()) if shown else None


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10000:04d}"


async def until(check, *, timeout: float = 10, what: str = "the condition"):
    """Waits until the async `check()` gives something truthy (what the bot stored), re-checked every
    10 ms, as `fake.wait_for` re-checks the fake's own state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


def attendance_store(bot):
    return events_cog(bot).attendance


async def attendance_of(bot, event_id, member_id):
    return await attendance_store(bot).attendance(event_id, member_id)


async def presence_of(bot, event_id, member_id):
    return await attendance_store(bot).presence(event_id, member_id)


async def voice_event(fake, channel="vocal", *, start=START, end=END, name="Matinée en ligne"):
    """A voice (or stage) event created in Discord's UI, once Agora follows it in that channel."""
    scheduled = await fake.create_scheduled_event("olivia", name, start, end, channel=channel)
    channel_id = fake.channel(channel).id
    return scheduled, channel_id


async def followed(bot, event_id, channel_id):
    """Waits until Agora knows the event is held in that voice channel."""

    async def check():
        rows = await attendance_store(bot).database.fetch_all(
            "SELECT 1 FROM events WHERE id = ? AND voice_channel_id = ?", (event_id, channel_id)
        )
        return bool(rows)

    await until(check, what=f"event {event_id} followed in voice channel {channel_id}")


async def joined(fake, bot, member, channel, event_id):
    """`member` joins the voice channel while the event's window is open; waits until Agora follows them."""
    who = fake.member(member)
    await fake.join_voice(who, channel)

    async def following():
        found = await presence_of(bot, event_id, who.id)
        return found is not None and found[1] is not None

    await until(following, what=f"{who.name}'s presence followed")


async def left(fake, bot, member, event_id):
    """`member` leaves voice; waits until Agora added up their time."""
    who = fake.member(member)
    await fake.leave_voice(who)

    async def closed():
        found = await presence_of(bot, event_id, who.id)
        return found is not None and found[1] is None

    await until(closed, what=f"{who.name}'s time added up")
