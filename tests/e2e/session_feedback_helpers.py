"""Shortcuts for the session step's tests: an event whose feedback is open, its programme, the step
message that follows the form, its menus and texts, the report's session fields."""

from __future__ import annotations

from datetime import timedelta

from cogs.events.programme.rules import SessionDraft
from cogs.events.programme.store import ProgrammeStore
from cogs.events.sessions.rules import page_id, rate_id, words_id
from cogs.events.sessions.store import SessionRatingStore
from tests.e2e.events_helpers import END, START, answer, create_event, is_call, step
from tests.fake_discord.models import FLAG_COMPONENTS_V2, walk_components

GUEST = "Ada *Lovelace*"
SESSION_MINUTES = 20


async def event_with_open_feedback(fake, clock, bot):
    """An event created with /event create whose feedback call is out (its window open 7 days)."""
    await create_event(fake)
    (event,) = fake.scheduled_events()
    clock.set(END + timedelta(minutes=16))
    await step(bot)
    call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
    return event, call


async def add_programme(bot, event_id: int, count: int, *, speaker_id: int | None = None) -> list:
    """`count` sessions of 20 minutes from the event's start, inserted as the programme's store does
    (the programme's own rules are its tests' business). The first has a member as its speaker when
    `speaker_id` is given; the others have a guest."""
    store = ProgrammeStore(bot.database)
    sessions = []
    for n in range(count):
        member = speaker_id if n == 0 else None
        draft = SessionDraft(
            title=f"Session {n + 1} : l’intelligence_collective",
            speaker_id=member,
            speaker_name=None if member else f"{GUEST} {n + 1}",
            starts_at=int((START + timedelta(minutes=SESSION_MINUTES * n)).timestamp()),
            ends_at=None,
        )
        sessions.append(await store.add(event_id, draft, int(START.timestamp()), lambda *_: None))
    return sessions


async def give_feedback(fake, member, call, event_id, rating=4, recommend=9):
    """The feedback form answered; returns the step message that follows it (the second follow-up)."""
    submit = await answer(fake, member, call, event_id, rating, recommend)
    _, step_message = await submit.followups(count=2, timeout=10)
    return submit, step_message


def texts(message) -> list[str]:
    """The text displays of a Components V2 message, in order."""
    return [c["content"] for c in walk_components(message.components) if c.get("type") == 10]


def selects(message) -> dict[str, dict]:
    return {c["custom_id"]: c for c in walk_components(message.components) if c.get("type") == 3}


def buttons(message) -> dict[str, dict]:
    return {c["custom_id"]: c for c in walk_components(message.components) if c.get("type") == 2}


def chosen(message, event_id: int, page: int, session_id: int) -> str | None:
    menu = selects(message)[rate_id(event_id, page, session_id)]
    values = [o["value"] for o in menu["options"] if o.get("default")]
    return values[0] if values else None


def is_step(message) -> bool:
    return bool(message.flags & FLAG_COMPONENTS_V2) and message.is_ephemeral


async def rate(fake, member, message, event_id: int, page: int, session_id: int, value: str):
    """Chooses `value` in a session's menu; returns the click, answered by the step message's edit."""
    click = await fake.select(member, message, rate_id(event_id, page, session_id), [value])
    await click.response(timeout=10)
    return click


async def turn(fake, member, message, event_id: int, page: int):
    click = await fake.click(member, message, page_id(event_id, page))
    await click.response(timeout=10)
    return click


async def open_words(fake, member, message, event_id: int, page: int):
    click = await fake.click(member, message, words_id(event_id, page))
    return await click.modal(timeout=10)


async def stored(bot, event_id: int) -> list:
    return await SessionRatingStore(bot.database).of_event(event_id)


def is_report(message, event_id: int) -> bool:
    """The report posted when the window closes: it carries the event's chart."""
    return any(a.filename == f"feedback-{event_id}.png" for a in message.attachments)


def session_field(embeds, title_start: str) -> str:
    return next(
        f["value"] for embed in embeds for f in embed.get("fields") or [] if f["name"].startswith(title_start)
    )


def total_characters(embeds) -> int:
    total = 0
    for embed in embeds:
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        total += len((embed.get("footer") or {}).get("text") or "")
        total += len((embed.get("author") or {}).get("name") or "")
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
    return total
