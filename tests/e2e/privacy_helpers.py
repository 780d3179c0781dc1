"""Shortcuts for the privacy tests: export one's data, ask to be forgotten and answer the confirmation,
read the database file the way an auditor would (every table, every column), and take part in a
conference morning the way members do (a place or the waitlist, a move, check-in, voice)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.checkin_helpers import (
    followed,
    joined,
    left,
    open_window,
    other_code,
    set_code,
    type_code,
    voice_event,
)
from tests.e2e.events_helpers import START
from tests.e2e.registration_helpers import create_with_places, is_registered_dm, register


def button_ids(message) -> dict[str, str]:
    """The confirmation's buttons by what they do ("confirm", "cancel")."""
    ids = [c["custom_id"] for row in message.components for c in row["components"]]
    return {custom_id.rsplit(":", 1)[1]: custom_id for custom_id in ids}


async def ask_to_forget(fake, member, command="privacy forget", locale=None):
    asking = await fake.run_command(member, command, locale=locale)
    await asking.response(timeout=10)
    assert asking.is_ephemeral
    return asking


async def press(fake, member, asking, name):
    """Presses "confirm" or "cancel"; returns the confirmation message once it shows the outcome."""
    click = await fake.click(member, asking, button_ids(asking.message)[name])
    return await click.final_message(timeout=10)


async def forget(fake, member, command="privacy forget", locale=None) -> str:
    """Asks to be forgotten and confirms; returns the answer."""
    asking = await ask_to_forget(fake, member, command, locale)
    return (await press(fake, member, asking, "confirm")).content


async def export(fake, member, locale=None):
    """Runs /privacy export; returns the JSON document and the message that carried it."""
    run = await fake.run_command(member, "privacy export", locale=locale)
    message = await run.final_message(timeout=20)
    assert message.is_ephemeral
    (attachment,) = message.attachments
    return json.loads(attachment.data.decode("utf-8")), message


def rows_naming(path: Path, user_id: int) -> dict[str, list[tuple]]:
    """Every row of every table with a value that is, or contains, the member's id."""
    found: dict[str, list[tuple]] = {}

    def names(value) -> bool:
        return value == user_id or (isinstance(value, str) and str(user_id) in value)

    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 — the schema's own names
                if any(names(value) for value in row):
                    found.setdefault(table, []).append(tuple(row))
    return found


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


# ---- a conference morning, as members live it (places, a move, check-in, voice) -----------------

PLACES_TITLE = "Matinée à places comptées"
PLACES_START = datetime(2026, 12, 10, 7, 30, tzinfo=UTC)  # 08:30 in Geneva, a week after START
MOVED_START = PLACES_START + timedelta(days=1)


def calendar_dms(fake, member) -> list:
    """The DMs telling that an event moved, with its updated .ics."""
    return [
        m
        for m in fake.dm_messages(member)
        if any(a.filename.endswith(".ics") for a in m.attachments)
        and ("a changé" in m.content or "has changed" in m.content)
    ]


async def register_then_see_it_move(fake, members: Sequence[str]):
    """An event with a place for each of `members` but the last, who waits (those with a place get the DM
    confirming it); it then moves in Discord and each of them gets one DM with the updated calendar
    file. Returns Discord's event."""
    event, message = await create_with_places(
        fake, len(members) - 1, title=PLACES_TITLE, start="2026-12-10 08:30", end="11:30"
    )
    for member in members:
        await register(fake, member, message, event.id)
    for member in members[:-1]:
        await fake.wait_for_dm(member, is_registered_dm, timeout=10)
    await fake.update_scheduled_event(
        event,
        scheduled_start_time=MOVED_START.isoformat(),
        scheduled_end_time=(MOVED_START + timedelta(hours=3)).isoformat(),
    )
    for member in members:
        await fake.wait_for_dm(member, lambda m, who=member: m in calendar_dms(fake, who), timeout=10)
    return event


async def check_in_after_a_wrong_code(fake, bot, clock, event, members: Sequence[str]) -> None:
    """The organisers set a code; when the window opens each member types a wrong one, then the right one."""
    _, code = await set_code(fake, event.id)
    door = await open_window(fake, bot, clock, event.id)
    for member in members:
        wrong = await type_code(fake, member, door, event.id, other_code(code))
        assert wrong.is_ephemeral and not wrong.content.startswith("✅"), wrong.content
        welcome = await type_code(fake, member, door, event.id, code)
        assert welcome.content.startswith("✅"), welcome.content


async def attend_in_voice(fake, bot, clock, members: Sequence[str], channel="vocal"):
    """A voice event created in Discord's UI from START; each member spends ten minutes in its channel
    once it starts. Returns Discord's event."""
    event, channel_id = await voice_event(fake, channel)
    await followed(bot, event.id, channel_id)
    clock.set(START)
    for member in members:
        await joined(fake, bot, member, channel, event.id)
    clock.advance(minutes=10)
    for member in members:
        await left(fake, bot, member, event.id)
    return event
