"""Shortcuts for the privacy tests: export one's data, ask to be forgotten and answer the confirmation,
and read the database file the way an auditor would (every table, every column)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


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
