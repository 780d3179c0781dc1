"""Shortcuts for the speakers' review tests: a programme and its ratings written straight into the
database (the programme's commands and the session step are tested on their own), a morning taken to
the close of its feedback window, and the review messages found in the organisers' channel."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.checkin_helpers import until
from tests.e2e.component_helpers import answered as answered
from tests.e2e.component_helpers import buttons as buttons
from tests.e2e.component_helpers import clicked
from tests.e2e.component_helpers import showing as showing
from tests.e2e.events_helpers import END, START, create_event, custom_ids, is_call, step

ACTIVE, COMPLETED = 2, 3
ORGANISERS = "organisateurs"
WINDOW = timedelta(days=7)


async def add_session(
    bot, event_id: int, title: str, *, speaker: int | None = None, guest: str | None = None, hour: int = 0
) -> int:
    starts = int((START + timedelta(hours=hour)).timestamp())
    async with bot.database.transaction() as db:
        cursor = await db.execute(
            "INSERT INTO event_sessions (event_id, title, speaker_id, speaker_name, starts_at, ends_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
            (event_id, title, speaker, guest, starts, starts, starts),
        )
        return int(cursor.lastrowid)


async def rate(
    bot, session_id: int, ratings: list[int | None], comments: dict[int, str] | None = None
) -> None:
    """One answer per entry, each from a member of its own (ids 9001, 9002…): a rating 1–5, or None for
    "I missed it"; `comments` gives some of them a word for the speaker, by position."""
    comments = comments or {}
    at = int(END.timestamp()) + 60
    async with bot.database.transaction() as db:
        for position, rating in enumerate(ratings):
            await db.execute(
                "INSERT INTO session_ratings (session_id, user_id, rating, missed, comment, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    9001 + position,
                    rating,
                    int(rating is None),
                    comments.get(position, ""),
                    at + position,
                ),
            )


async def programme_event(fake, clock):
    """An event created by olivia, over: its feedback call posted. Returns the fake's scheduled event."""
    await create_event(fake)
    (event,) = fake.scheduled_events()
    clock.set(END)
    await fake.update_scheduled_event(event, status=ACTIVE)
    await fake.update_scheduled_event(event, status=COMPLETED)
    await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
    return event


async def close_feedback(bot, clock) -> None:
    """Past the feedback window: the pass closes it, posts the report, then the reviews."""
    clock.advance(days=8)
    await step(bot)


def review_of(message, session_id: int) -> bool:
    return f"speaker:send:{session_id}" in custom_ids(message)


def reviews(fake) -> list:
    return [m for m in fake.messages(ORGANISERS) if any(c.startswith("speaker:send:") for c in custom_ids(m))]


def review(fake, session_id: int):
    (message,) = [m for m in reviews(fake) if review_of(m, session_id)]
    return message


async def click(fake, member, message, choice: str, session_id: int, locale=None):
    return await clicked(fake, member, message, f"speaker:{choice}:{session_id}", locale=locale)


def summaries_in_dms(fake, member) -> list:
    return [
        m
        for m in fake.dm_messages(member)
        if m.embeds and "#" in m.embeds[0].get("footer", {}).get("text", "")
    ]


async def speaks_english(bot, fake, member: str = "bob") -> None:
    """The member used Agora from an English client: Agora remembers their language."""
    listing = await fake.run_command(member, "event list", locale="en-US")
    await listing.response(timeout=10)
    answers = bot.get_cog("EventsCog").answers
    await until(lambda: _language_is(answers, fake.member(member).id, "en"), what=f"{member}'s language")


async def _language_is(answers, user_id: int, language: str) -> bool:
    return await answers.language_of(user_id) == language


async def stored_review(bot, session_id: int):
    return await bot.get_cog("EventsCog").timeline.speaker_reviews.store.get(session_id)
