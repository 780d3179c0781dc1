"""Shortcuts for the live Q&A tests: a morning with a programme, a board, questions, votes, moderation."""

from __future__ import annotations

import re
from datetime import timedelta

from cogs.questions.rules import ANONYMOUS, QUESTION, SESSION
from tests.e2e.events_helpers import START, create_event

VOTE = re.compile(r"^qa:vote:(\d+)$")


async def morning(fake, clock, *, channel="général"):
    """The morning's event (announced in `channel`), and the clock half an hour into it."""
    await create_event(fake, channel=channel)
    (event,) = [e for e in fake.scheduled_events() if not e.deleted]
    clock.set(START + timedelta(minutes=30))
    return event


async def store_session(bot, event_id, title, *, speaker=None, guest=None, starts=START, ends=None):
    """A session of the event's programme, written as the programme's store holds it."""
    at = int(starts.timestamp())
    async with bot.database.transaction() as connection:
        cursor = await connection.execute(
            "INSERT INTO event_sessions (event_id, title, speaker_id, speaker_name, starts_at, ends_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                event_id,
                title,
                speaker.id if speaker is not None else None,
                guest,
                at,
                int(ends.timestamp()) if ends else None,
                at,
                at,
            ),
        )
        (session_id,) = await cursor.fetchone()
    return session_id


def ids(message) -> list[str]:
    return [c.get("custom_id") for row in message.components for c in row["components"]]


def is_board(message) -> bool:
    return any(str(i).startswith("qa:ask:") for i in ids(message))


def is_question(message) -> bool:
    return any(VOTE.match(str(i)) for i in ids(message)) or message.content.startswith("🙈")


async def start_qa(fake, member="olivia", *, where="général", locale=None, **options):
    """`/qa start` run in `where`, with its `options` (event, channel)."""
    command = await fake.run_command(member, "qa start", options, channel=where, locale=locale)
    await command.final_message(timeout=10)
    return command


def board_message(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.author_id == fake.bot.id and is_board(m)][-1]


def board_id(message) -> int:
    return int(next(i for i in ids(message) if i.startswith("qa:ask:")).split(":")[2])


def thread_of(fake, board):
    return fake.world.channels[board.thread_id]


async def ask(fake, member, board, text, *, anonymous=False, session=None, locale=None):
    """Opens the form from the board's button and sends it; returns the submission's interaction."""
    click = await fake.click(member, board, f"qa:ask:{board_id(board)}", locale=locale)
    form = await click.modal(timeout=10)
    values = {QUESTION: text, ANONYMOUS: anonymous}
    if session is not None:
        values[SESSION] = [str(session)]
    submit = await fake.submit_modal(member, form, values, locale=locale)
    await submit.final_message(timeout=10)
    return submit


def questions(fake, thread):
    return [m for m in fake.messages(thread) if m.author_id == fake.bot.id and is_question(m)]


def question_id(message) -> int:
    return int(next(VOTE.match(i)[1] for i in ids(message) if VOTE.match(str(i))))


def button(message, prefix):
    for row in message.components:
        for component in row["components"]:
            if str(component.get("custom_id", "")).startswith(prefix):
                return component
    return None


def votes_shown(message) -> int:
    return int(button(message, "qa:vote:")["label"].split()[-1])


async def vote(fake, member, message, *, locale=None):
    click = await fake.click(member, message, f"qa:vote:{question_id(message)}", locale=locale)
    await click.response(timeout=10)
    return click


async def moderate(fake, member, message, action, *, locale=None):
    """`action`: "answered" or "hide"."""
    click = await fake.click(member, message, f"qa:{action}:{question_id(message)}", locale=locale)
    await click.response(timeout=10)
    return click


async def stop_qa(fake, member="olivia", *, where="général", locale=None, **options):
    """`/qa stop` run in `where`, with its `options` (board)."""
    command = await fake.run_command(member, "qa stop", options, channel=where, locale=locale)
    await command.final_message(timeout=10)
    return command


def stored(bot_or_path, sql, parameters=()):
    """Rows read straight from the database file."""
    import sqlite3

    path = bot_or_path if not hasattr(bot_or_path, "database") else bot_or_path.database.path
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, parameters).fetchall()
