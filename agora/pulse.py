"""What the features hand the community's pulse without importing each other: their sections of the
weekly digest and their figures for the engagement report.

A feature with something to say in the digest registers a `DigestContributor` on the bot's `Pulse`
(`bot.pulse`); one with figures for the engagement report registers an `EngagementSource`. The pulse
feature asks every registered one when it builds a digest or a report, and knows nothing else of them.

Light on purpose: importing this module imports neither discord nor aiosqlite.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

log = logging.getLogger(__name__)

# The catalogue's words in one language (agora.i18n.Words), without importing the catalogue.
Words = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open span of time [start, end), in epoch seconds (UTC)."""

    start: int
    end: int

    def __contains__(self, at: int) -> bool:
        return self.start <= at < self.end


# Where a digest section goes, top to bottom.
DIGEST_ARTICLES = 10
DIGEST_EVENTS = 20
DIGEST_OPEN_POLLS = 30
DIGEST_CLOSED_POLLS = 40
DIGEST_LAST_EVENT = 50


@dataclass(frozen=True, slots=True)
class DigestSection:
    """One heading of the digest and its items, already in the digest's language.

    `title` is plain text up to 256 characters (escaped if it holds a name someone typed). Each line is
    one whole item in markdown, escaped, at most 1,000 characters: the digest keeps or leaves out whole
    lines, never cuts one. `more` counts the items the contributor left out itself (past its own cap),
    which the digest adds to what it leaves out for room when it says "and N more"."""

    order: int
    title: str
    lines: tuple[str, ...]
    more: int = 0


@runtime_checkable
class DigestContributor(Protocol):
    name: str  # for the logs

    async def digest_sections(self, guild_id: int, week: Span, words: Words) -> Sequence[DigestSection]:
        """What this feature says in the digest of `week` (the seven days before the digest's time):
        sections with at least one line each, or none when it has nothing to say."""
        ...


FigureKind = Literal["count", "rate", "average", "score"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of the engagement report.

    `key` is stable and machine-readable (`polls.count`): the CSV's first column, and how a figure is
    matched with the same one of the previous period. `kind` says how it is shown: a count (of people
    or things), a rate (0..1, shown as a percentage), an average, or a score (such as an NPS, -100..100).
    `people` is True for a count of people, which the report shows as "< 3" when it is 1 or 2; a rate,
    an average or a score resting on fewer than 3 people's answers (`base`) is not shown either.

    `base` is also set on a count of things made by people (votes, questions asked, messages): how many
    people it rests on (the voters, the askers). The report withholds such a count when they are 1 or
    2, as it would tell their number: 2 votes on a single-choice poll are 2 voters. A count of things
    no one in particular makes (polls started, events held) has no base."""

    key: str
    label: str  # in the report's language
    value: float | None  # None: nothing to measure in this period
    kind: FigureKind = "count"
    people: bool = False
    # How many people it rests on: their answers, for a rate, an average or a score; the people who
    # made them, for a count of things.
    base: int | None = None


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """One step of the events funnel (interested → registered → checked in → feedback): people, summed
    over the events of the period."""

    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Discussion:
    """An article shared in the period and where it was discussed: `thread_id` is the thread opened on
    its post, whose messages the report counts as replies; None when no thread was opened."""

    title: str
    link: str | None
    thread_id: int | None
    shared_at: int


@dataclass(frozen=True, slots=True)
class EngagementPart:
    """A feature's part of the engagement report for one period, in the report's language."""

    section: str  # stable: "events", "polls", "articles", "questions"…
    title: str  # the section's heading
    figures: tuple[Figure, ...] = ()
    funnel: tuple[FunnelStep, ...] = ()
    discussions: tuple[Discussion, ...] = ()


@runtime_checkable
class EngagementSource(Protocol):
    name: str  # for the logs

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        """The members who took part in what this feature runs during `span` (voted, registered, checked
        in, answered feedback, asked or voted on a question). Held in memory to count active and
        first-time members; the report never stores or shows them."""
        ...

    async def engagement(self, guild_id: int, span: Span, words: Words) -> EngagementPart | None:
        """This feature's figures for `span`, or None when it has no section in the report: one never
        used in the server by the span's end has none, rather than a section of zeros."""
        ...


class Pulse:
    """Where the features meet for the digest and the engagement report."""

    def __init__(self) -> None:
        self._contributors: list[DigestContributor] = []
        self._sources: list[EngagementSource] = []

    def contribute(self, contributor: DigestContributor) -> None:
        if not isinstance(contributor, DigestContributor):
            raise TypeError(f"{type(contributor).__name__} does not implement DigestContributor")
        if contributor not in self._contributors:
            self._contributors.append(contributor)

    def stop_contributing(self, contributor: DigestContributor) -> None:
        if contributor in self._contributors:
            self._contributors.remove(contributor)

    def measure(self, source: EngagementSource) -> None:
        if not isinstance(source, EngagementSource):
            raise TypeError(f"{type(source).__name__} does not implement EngagementSource")
        if source not in self._sources:
            self._sources.append(source)

    def stop_measuring(self, source: EngagementSource) -> None:
        if source in self._sources:
            self._sources.remove(source)

    def join(self, *parts: object) -> None:
        """Register each of a feature's parts as what it is: a digest contributor, an engagement source,
        or both."""
        for part in parts:
            contributes, measures = isinstance(part, DigestContributor), isinstance(part, EngagementSource)
            if not (contributes or measures):
                raise TypeError(f"{type(part).__name__} is no DigestContributor nor EngagementSource")
            if contributes:
                self.contribute(part)
            if measures:
                self.measure(part)

    def leave(self, *parts: object) -> None:
        """Withdraw each of a feature's parts (when it unloads)."""
        for part in parts:
            if isinstance(part, DigestContributor):
                self.stop_contributing(part)
            if isinstance(part, EngagementSource):
                self.stop_measuring(part)

    async def digest_sections(self, guild_id: int, week: Span, words: Words) -> list[DigestSection]:
        """Every contributor's sections, by `order`. One that fails is logged and left out: the digest is
        never lost to one feature's fault."""
        sections: list[DigestSection] = []
        for contributor in list(self._contributors):
            try:
                sections.extend(await contributor.digest_sections(guild_id, week, words))
            except Exception:
                log.exception("%s: could not add its part to the digest", contributor.name)
        return sorted((s for s in sections if s.lines), key=lambda section: section.order)

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        """Everyone who took part in anything Agora runs during `span`, across the features."""
        everyone: set[int] = set()
        for source in list(self._sources):
            try:
                everyone |= await source.participants(guild_id, span)
            except Exception:
                log.exception("%s: could not tell who took part", source.name)
        return frozenset(everyone)

    async def engagement_parts(self, guild_id: int, span: Span, words: Words) -> list[EngagementPart]:
        """Every source's part for `span`, in registration order; a failing one is logged and left out."""
        parts: list[EngagementPart] = []
        for source in list(self._sources):
            try:
                part = await source.engagement(guild_id, span, words)
            except Exception:
                log.exception("%s: could not add its part to the engagement report", source.name)
                continue
            if part is not None:
                parts.append(part)
        return parts
