"""What Discord shows of a weekly digest: embeds within Discord's limits, whatever the volume. Pure.

The digest's title heads the first embed; each section is a field named after it (continued in more
fields, then more embeds, when its lines need the room). Lines are kept or left out whole, never cut:
each section shows its first lines and "and N more" for the rest, N counting both what its contributor
left out and what the digest left out for room. When everything does not fit, every section keeps its
first line before any keeps its second (and so on), so a busy week loses items, not sections; a section
is left out only when even its title and "and N more" no longer fit.

Lengths are measured on the text Discord receives: contributors hand lines already escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import discord

from agora.pulse import DigestSection, Words

MAX_EMBEDS = 10
MAX_TOTAL = 6000  # characters summed over a message's embeds
MAX_TITLE = 256
MAX_FIELDS = 25  # per embed
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
COLOUR = discord.Colour(0x2B6CB0)
# A field's name cannot be empty: a section continued in another field is named by this invisible one.
CONTINUED = "\u200b"
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Page:
    """One embed of the digest: the first carries the title."""

    title: str | None
    fields: tuple[Field, ...]

    def __len__(self) -> int:
        return len(self.title or "") + sum(len(f.name) + len(f.value) for f in self.fields)


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word with an ellipsis when it is longer (never
    leaving a lone backslash, which would escape the ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else cut[:-1]
    return cut.rstrip(" ,;:").rstrip("\\") + ELLIPSIS


def more_text(words: Words, count: int) -> str:
    return words("pulse.digest.more", n=count)


class _Section:
    """A section being fitted: how many of its lines are kept, and what that costs."""

    def __init__(self, section: DigestSection, words: Words) -> None:
        self.name = shorten(section.title, MAX_FIELD_NAME) or CONTINUED
        # A line too long for a field on its own (longer than a contributor may give) can only be left out.
        room = MAX_FIELD_VALUE - len(more_text(words, 999_999)) - 1
        self.lines = [line for line in section.lines if 0 < len(line) <= room]
        self.dropped = section.more + len(section.lines) - len(self.lines)
        self.words = words
        self.kept = 0
        self.fields = self.layout(0)

    def layout(self, kept: int) -> tuple[Field, ...]:
        """The section's fields with its first `kept` lines, whole lines only, "and N more" last."""
        values: list[list[str]] = [[]]
        sizes = [0]
        left = len(self.lines) - kept + self.dropped
        tail = [more_text(self.words, left)] if left else []
        for line in [*self.lines[:kept], *tail]:
            grown = sizes[-1] + (1 if values[-1] else 0) + len(line)
            if values[-1] and grown > MAX_FIELD_VALUE:
                values.append([])
                sizes.append(0)
                grown = len(line)
            values[-1].append(line)
            sizes[-1] = grown
        return tuple(
            Field(self.name if i == 0 else CONTINUED, "\n".join(lines)) for i, lines in enumerate(values)
        )

    @property
    def size(self) -> int:
        return sum(len(f.name) + len(f.value) for f in self.fields)


def fit(title: str, sections: Sequence[DigestSection], words: Words) -> list[Page]:
    """The digest's pages (embeds): see the module's docstring. Empty when no section has a line."""
    title = shorten(title, MAX_TITLE)
    fitting = [_Section(s, words) for s in sections if s.lines]
    # Even at their smallest (title and "and N more") the sections must fit: the last ones go first.
    while fitting and (
        len(title) + sum(s.size for s in fitting) > MAX_TOTAL
        or sum(len(s.fields) for s in fitting) > MAX_EMBEDS * MAX_FIELDS
    ):
        fitting.pop()
    if not fitting:
        return []
    used = len(title) + sum(s.size for s in fitting)
    fields = sum(len(s.fields) for s in fitting)
    growing = list(fitting)
    # One more line for each section in turn, until none can take its next line.
    while growing:
        for section in list(growing):
            if section.kept == len(section.lines):
                growing.remove(section)
                continue
            candidate = section.layout(section.kept + 1)
            size = sum(len(f.name) + len(f.value) for f in candidate)
            count = len(candidate)
            if used - section.size + size > MAX_TOTAL or fields - len(section.fields) + count > (
                MAX_EMBEDS * MAX_FIELDS
            ):
                growing.remove(section)  # its lines are kept in order: never a later one for an earlier
                continue
            used += size - section.size
            fields += count - len(section.fields)
            section.kept += 1
            section.fields = candidate
    every = [field for section in fitting for field in section.fields]
    return [
        Page(title if start == 0 else None, tuple(every[start : start + MAX_FIELDS]))
        for start in range(0, len(every), MAX_FIELDS)
    ]


def embeds(pages: Sequence[Page], at: datetime) -> list[discord.Embed]:
    """The pages as Discord embeds; the last one carries the digest's time (how its post is found
    again after a restart, and shown to each reader in their own time zone)."""
    built = []
    for page in pages:
        embed = discord.Embed(title=page.title, colour=COLOUR)
        for field in page.fields:
            embed.add_field(name=field.name, value=field.value, inline=False)
        built.append(embed)
    if built:
        built[-1].timestamp = at
    return built


def day_of_month(day: date, words: Words) -> str:
    """ "1er" in French, "1" in English; other days as numbers."""
    return words("pulse.digest.first_day") if day.day == 1 else str(day.day)


def local_date(day: date, words: Words, *, month: bool = True, year: bool = True) -> str:
    if not month:
        return day_of_month(day, words)
    key = "pulse.digest.date" if year else "pulse.digest.date_no_year"
    name = words(f"pulse.digest.month.{day.month}")
    return words(key, day=day_of_month(day, words), month=name, year=day.year)


def title(first: date, last: date, words: Words) -> str:
    """ "The week in review, 23 to 30 November 2026": the local days the digest covers."""
    if first >= last:
        return words("pulse.digest.title_day", day=local_date(last, words))
    same_year = first.year == last.year
    start = local_date(first, words, month=not same_year or first.month != last.month, year=not same_year)
    return words("pulse.digest.title", start=start, end=local_date(last, words))
