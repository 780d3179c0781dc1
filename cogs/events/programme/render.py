"""What an event's programme looks like in Discord: its fields in the announcement, the organisers'
panel, the question before a session is removed, and the sessions as choices in the panel's menus.

Pure: every function takes `words` (the catalogue in the right language). Titles and guests' names are
shown literally (markdown escaped, mentions neutralised) and fitted after escaping; a member speaker is
`<@id>`, which an embed shows as their name without pinging them. Times are Discord timestamps, except
in a menu's labels (Discord shows those as plain text), written in the community's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from agora.escaping import fit_escaped, join_within
from agora.i18n import Words
from agora.meetings import Session
from cogs.events.model import TrackedEvent
from cogs.events.programme.rules import MAX_SESSIONS, shown_end

FIELD_NAME = 256
SPEAKER_MAX = 200  # a guest's name (80 characters) once escaped, with room
NO_SPEAKER = "events.programme.no_speaker"
PANEL_TITLE = 256
PANEL_LINE_TITLE = 120
PANEL_DESCRIPTION = 4000
OPTION_LABEL = 100
OPTION_DESCRIPTION = 100


def times(sessions: Sequence[Session], index: int, event_end: int) -> str:
    """`<t:start:t>–<t:end:t>`: the session's end is its own, the next one's start, or the event's end."""
    return f"<t:{sessions[index].starts_at}:t>–<t:{shown_end(sessions, index, event_end)}:t>"


def speaker_text(session: Session, words: Words) -> str:
    """Who speaks, wherever a session is shown (announcement, panel, session step, report, review): a
    member as a mention (their name, never a ping: no message allows mentions), a guest's name literally,
    or the one words for a speaker not given (a forgotten member's session keeps no name)."""
    if session.speaker_id is not None:
        return f"<@{session.speaker_id}>"
    if session.speaker_name:
        return fit_escaped(session.speaker_name, SPEAKER_MAX)
    return words(NO_SPEAKER)


def session_fields(sessions: Sequence[Session], event_end: int, words: Words) -> list[tuple[str, str]]:
    """One (name, value) per session for the announcement: the title, then the times and the speaker."""
    return [
        (
            fit_escaped(session.title, FIELD_NAME),
            f"{times(sessions, index, event_end)} · {speaker_text(session, words)}",
        )
        for index, session in enumerate(sessions)
    ]


def _line(sessions: Sequence[Session], index: int, event_end: int, words: Words) -> str:
    session = sessions[index]
    title = fit_escaped(session.title, PANEL_LINE_TITLE)
    speaker = speaker_text(session, words)
    return f"`{index + 1}.` {times(sessions, index, event_end)} · **{title}** · {speaker}"


def panel_embed(event: TrackedEvent, sessions: Sequence[Session], words: Words) -> discord.Embed:
    """The organisers' view of the programme, one line per session."""
    lines = [_line(sessions, index, event.assumed_end, words) for index in range(len(sessions))]
    when = f"<t:{event.starts_at}:f> → <t:{event.assumed_end}:t>"
    body = join_within(lines, PANEL_DESCRIPTION - len(when) - 2) if lines else words("events.programme.empty")
    embed = discord.Embed(
        title=words("events.programme.title", name=event.name)[:PANEL_TITLE],
        url=event.link,
        description=f"{when}\n\n{body}",
        colour=discord.Colour.light_grey() if event.is_called_off else discord.Colour.blurple(),
    )
    footer = "events.programme.footer_full" if len(sessions) >= MAX_SESSIONS else "events.programme.footer"
    embed.set_footer(text=words(footer, count=len(sessions), limit=MAX_SESSIONS))
    return embed


def removal_embed(
    event: TrackedEvent, sessions: Sequence[Session], session_id: int, words: Words
) -> discord.Embed:
    """The question asked in the panel before a session is removed."""
    index = next(i for i, s in enumerate(sessions) if s.id == session_id)
    session = sessions[index]
    return discord.Embed(
        title=words("events.programme.title", name=event.name)[:PANEL_TITLE],
        url=event.link,
        description=words(
            "events.programme.remove_ask",
            title=fit_escaped(session.title, PANEL_LINE_TITLE),
            times=times(sessions, index, event.assumed_end),
            speaker=speaker_text(session, words),
        ),
        colour=discord.Colour.red(),
    )


def option_label(session: Session, zone: ZoneInfo) -> str:
    """`09:15 · Title` (a menu's label is plain text: no timestamp, no markdown)."""
    start = datetime.fromtimestamp(session.starts_at, zone).strftime("%H:%M")
    return f"{start} · {session.title}"[:OPTION_LABEL]


def option_description(session: Session, words: Words) -> str | None:
    if session.speaker_name:
        return session.speaker_name[:OPTION_DESCRIPTION]
    if session.speaker_id is not None:
        return None
    return words(NO_SPEAKER)[:OPTION_DESCRIPTION]


def typed_time(seconds: int, event_start: int, zone: ZoneInfo) -> str:
    """A session's time as the form takes it back: `09:15` on the event's first day, else with the date."""
    moment = datetime.fromtimestamp(seconds, zone)
    if moment.date() == datetime.fromtimestamp(event_start, zone).date():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")
