"""What registration looks like in Discord: the count on the event's message, the member's answers and
DMs, the organisers' list (with who checked in) and its CSV for the door.

Pure: every function takes `words` (a translate function in the right language). Names and titles come
from members and organisers, so they are shown literally (`literal` / `fit_escaped`) and measured after
escaping; times are Discord timestamps, shown in each reader's own time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import discord

from agora.escaping import fit_escaped, join_within, link_text
from agora.i18n import Words
from agora.spreadsheets import Cell, csv_bytes
from cogs.events.attendance.store import Attendance
from cogs.events.model import TrackedEvent
from cogs.events.registration.store import Counts, Place

NAME_MAX = 100  # an event's title in a sentence, once escaped
MEMBER_NAME_MAX = 64
FIELD_VALUE = 1024
CSV_STATUS = ("registered", "offered", "waiting")
_CSV_COLUMNS = ("name", "user_id", "status", "position", "clicked_at", "checked_in_at", "checked_in_how")
# How a member's presence was recorded: the *Je suis là* button, or time in a voice event's channel.
ATTENDED_MARK = {"checkin": "✅", "voice": "🔊"}


@dataclass(frozen=True, slots=True)
class Board:
    """What an event's registration message shows; `shown` is kept in the store to tell, after a
    crash or once the deadline passed, whether the message lags behind."""

    counts: Counts
    deadline: int  # epoch seconds: registration closes then
    closed: bool  # deadline passed, or closed by the store
    over: bool  # the event started, was cancelled or deleted: nothing left to do on the message

    @property
    def shown(self) -> str:
        c = self.counts
        state = "over" if self.over else "closed" if self.closed else "open"
        return f"{c.registered}/{c.offered}/{c.waiting}/{c.places or '-'}/{self.deadline}/{state}"


def title(event: TrackedEvent) -> str:
    return fit_escaped(event.name, NAME_MAX)


def board_text(board: Board, words: Words) -> str:
    counts = board.counts
    if counts.places is None:
        line = words("events.registration.count_open", registered=counts.registered)
    else:
        line = words("events.registration.count_limited", taken=counts.taken, places=counts.places)
    if counts.waiting:
        line += words("events.registration.waiting", waiting=counts.waiting)
    if board.closed or board.over:
        return line + "\n" + words("events.registration.closed")
    return line + "\n" + words("events.registration.until", deadline=f"<t:{board.deadline}:f>")


def state_text(board: Board, words: Words) -> str:
    """The answer to an organiser who set places: the count and the deadline, as the message shows."""
    return words("events.places.done") + "\n" + board_text(board, words)


# ---- a member's answers and direct messages ------------------------------------------------------


def registered_text(event: TrackedEvent, words: Words) -> str:
    return words("events.register.done", name=title(event), when=f"<t:{event.starts_at}:F>")


def registered_dm_text(event: TrackedEvent, words: Words, *, with_file: bool) -> str:
    """The DM after a click took a place: the same words as the click's answer, the file's line when
    the `.ics` rides along, and the event's link (a DM stands on its own)."""
    lines = [registered_text(event, words)]
    if with_file:
        lines.append(words("events.calendar.confirmed_note"))
    lines.append(event.link)
    return "\n".join(lines)[:2000]


def waiting_text(event: TrackedEvent, position: int | None, words: Words) -> str:
    return words("events.register.waiting", name=title(event), position=position or "?")


def cancelled_text(event: TrackedEvent, words: Words) -> str:
    return words("events.register.cancelled", name=title(event))


def offer_text(event: TrackedEvent, expires_at: int, words: Words) -> str:
    return words(
        "events.offer.dm",
        name=title(event),
        when=f"<t:{event.starts_at}:F>",
        expires=f"<t:{expires_at}:f>",
        relative=f"<t:{expires_at}:R>",
        link=event.link,
    )[:2000]


def offer_answered_text(event: TrackedEvent, choice: str, words: Words) -> str:
    key = "events.offer.confirmed" if choice == "confirm" else "events.offer.declined"
    return words(key, name=title(event), when=f"<t:{event.starts_at}:F>")


def closed_dm_text(event: TrackedEvent, words: Words) -> str:
    return words("events.registration.closed_dm", name=title(event), when=f"<t:{event.starts_at}:F>")[:2000]


# ---- /event mine ---------------------------------------------------------------------------------


def mine_line(event: TrackedEvent, place: Place, words: Words) -> str:
    if place.status == "registered":
        status = words("events.mine.registered")
    elif place.status == "offered":
        status = words("events.mine.offered", expires=f"<t:{place.offer_expires_at or 0}:R>")
    else:
        status = words("events.mine.waiting", position=place.position or "?")
    name = fit_escaped(event.name, 80, escape=link_text)  # inside a link's brackets
    return words(
        "events.mine.line", name=name, link=event.link, when=f"<t:{event.starts_at}:f>", status=status
    )


# ---- the organisers' list ------------------------------------------------------------------------


def _numbered(names: Sequence[str], words: Words) -> str:
    lines = [f"{n}. {name}" for n, name in enumerate(names, start=1)]
    return join_within(lines, FIELD_VALUE, lambda left: words("events.attendees.more", count=left)) or "—"


def attended_text(attended: Sequence[Attendance], words: Words) -> str:
    """How many checked in, and how many of them by their time in the voice channel (when any)."""
    line = words("events.attendees.checked_in", count=len(attended))
    if attended:
        line += words("events.attendees.checked_in_marked")
    voice = sum(1 for a in attended if a.how == "voice")
    return line + (words("events.attendees.checked_in_voice", voice=voice) if voice else "")


def attendees_embed(
    event: TrackedEvent,
    board: Board,
    places: Sequence[Place],
    attended: Sequence[Attendance],
    names: Mapping[int, str],
    words: Words,
) -> discord.Embed:
    """Counts, then the registered in order (marked when they checked in), the places offered, the
    waitlist, and who checked in without holding a place; names escaped."""
    how = {a.user_id: a.how for a in attended}

    def name(user_id: int) -> str:
        known = names.get(user_id)
        if known is None:
            return words("events.attendees.unknown_member", user_id=user_id)
        return fit_escaped(known, MEMBER_NAME_MAX)

    def marked(user_id: int) -> str:
        mark = ATTENDED_MARK.get(how.get(user_id, ""))
        return f"{name(user_id)} {mark}" if mark else name(user_id)

    by_status = {status: [p for p in places if p.status == status] for status in CSV_STATUS}
    holding = {p.user_id for p in by_status["registered"]}
    without_place = [a.user_id for a in attended if a.user_id not in holding]
    embed = discord.Embed(
        title=words("events.attendees.title", name=event.name)[:256],
        url=event.link,
        description=f"<t:{event.starts_at}:F>\n{board_text(board, words)}\n{attended_text(attended, words)}",
        colour=discord.Colour.blurple(),
    )
    embed.add_field(
        name=words("events.attendees.registered", count=len(by_status["registered"])),
        value=_numbered([marked(p.user_id) for p in by_status["registered"]], words),
        inline=False,
    )
    if by_status["offered"]:
        offered = [
            words(
                "events.attendees.offered_line",
                name=name(p.user_id),
                expires=f"<t:{p.offer_expires_at or 0}:R>",
            )
            for p in by_status["offered"]
        ]
        embed.add_field(
            name=words("events.attendees.offered", count=len(offered)),
            value=join_within(offered, FIELD_VALUE, lambda n: words("events.attendees.more", count=n)),
            inline=False,
        )
    embed.add_field(
        name=words("events.attendees.waiting", count=len(by_status["waiting"])),
        value=_numbered([name(p.user_id) for p in by_status["waiting"]], words),
        inline=False,
    )
    if without_place:  # at the door without a place: waiting, offered, or never signed up
        embed.add_field(
            name=words("events.attendees.without_place", count=len(without_place)),
            value=_numbered([marked(user_id) for user_id in without_place], words),
            inline=False,
        )
    embed.set_footer(text=words("events.attendees.csv_hint"))
    return embed


def _iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


def attendees_csv(
    places: Sequence[Place], attended: Sequence[Attendance], names: Mapping[int, str], words: Words
) -> bytes:
    """One row per member: name, user id, status, position (in the registered order, or on the
    waitlist), when they signed up (clicked Register, waitlist included), when and how they checked in
    (empty: not yet); then those who checked in without signing up. UTF-8 with a BOM and the
    language's delimiter, for Excel; names safe from spreadsheet formulas."""
    presence = {a.user_id: a for a in attended}

    def checked_in(user_id: int) -> list[Cell]:
        found = presence.get(user_id)
        if found is None:
            return ["", ""]
        return [_iso(found.at), words(f"events.attendees.how.{found.how}")]

    rows: list[list[Cell]] = []
    registered = 0
    for place in places:
        position: int | str = ""
        if place.status == "registered":
            registered += 1
            position = registered
        elif place.status == "waiting":
            position = place.position or ""
        rows.append(
            [
                names.get(place.user_id, ""),
                str(place.user_id),  # as text: spreadsheets round numbers past 15 digits
                words(f"events.attendees.status.{place.status}"),
                position,
                _iso(place.clicked_at),
                *checked_in(place.user_id),
            ]
        )
    signed_up = {place.user_id for place in places}
    for attendance in attended:
        if attendance.user_id not in signed_up:
            rows.append(
                [
                    names.get(attendance.user_id, ""),
                    str(attendance.user_id),
                    words("events.attendees.status.none"),
                    "",
                    "",
                    *checked_in(attendance.user_id),
                ]
            )
    header = [words(f"events.attendees.csv.{column}") for column in _CSV_COLUMNS]
    return csv_bytes(header, rows, words("feedback.csv.delimiter"))
