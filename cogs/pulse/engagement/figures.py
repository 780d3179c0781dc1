"""The engagement report's figures: what was measured over a period and the period before it, turned
into sections of figures, each against the previous period, with the "< 3" rule applied.

The rule, everywhere a figure is shown (embed, charts and CSV): a count of people of 1 or 2 shows as
"< 3" (0 shows as 0, it identifies no one); a rate, an average or a score resting on fewer than 3
people's answers is not shown; a change involving a value not shown is not shown either, since it
would give that value away; and neither is a figure that would give one away by a subtraction (it is
"withheld"): the active members are the first-time ones plus the returning ones, so when one of those
two is hidden the other is withheld, or "active − first-time" would tell the hidden one. Pure: no
discord, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from agora.pulse import Discussion, EngagementPart, Figure, FunnelStep, Words

SMALLEST_SHOWN = 3  # people: fewer than this (but some) could be recognised
TOP_DISCUSSIONS = 5

Hidden = Literal["people", "answers", "withheld"]

# Counts that are changes themselves, shown with their sign ("+10 members").
SIGNED = frozenset({"members.growth"})

# Figures that add up to a figure shown: when one of them is hidden, the others are withheld with it.
# (The events' response rate rests on the feedback answers, its `base`, so it is hidden with their
# count; the share of active members rests on the active members.)
COMPLEMENTS: tuple[frozenset[str], ...] = (frozenset({"active.first_time", "active.returning"}),)


@dataclass(frozen=True, slots=True)
class ChannelCount:
    """Messages and distinct authors in one channel over a period (its threads folded in, the articles'
    threads left out), and its name."""

    channel_id: int
    name: str
    messages: int
    authors: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A day (or a week) of the period: messages in the server, and members active in Agora's features
    (None when not measured)."""

    label: str
    messages: int
    active: int | None


@dataclass(frozen=True, slots=True)
class Measured:
    """Everything read for one period."""

    members: int | None  # the server's last member count within the period
    members_before: int | None  # the last one before it
    active: int  # took part in anything Agora runs
    first_time: int  # of those, in nothing before the period
    messages: int
    authors: int  # distinct, over the whole server and period
    channels: tuple[ChannelCount, ...] = ()
    parts: tuple[EngagementPart, ...] = ()
    replies: Mapping[int, int] = field(default_factory=dict)  # messages in each article thread
    trend: tuple[TrendPoint, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """A figure of the period and the same one (same key) of the period before, if it had it, and
    whether each is withheld (see the module's docstring)."""

    figure: Figure
    previous: Figure | None = None
    withheld: bool = False
    previous_withheld: bool = False

    @property
    def hidden_now(self) -> Hidden | None:
        return hidden(self.figure, withheld=self.withheld)

    @property
    def hidden_before(self) -> Hidden | None:
        return None if self.previous is None else hidden(self.previous, withheld=self.previous_withheld)


@dataclass(frozen=True, slots=True)
class ChannelRow:
    name: str
    messages: Row
    authors: Row


@dataclass(frozen=True, slots=True)
class Ranked:
    """An article among the most discussed of the period."""

    title: str
    link: str | None
    replies: int


@dataclass(frozen=True, slots=True)
class Block:
    """One section of the report. `rows` are its figures; a chat section also has its channels, an
    events section its funnel, an articles section its most discussed articles (the CSV has them all)."""

    key: str
    title: str
    rows: tuple[Row, ...] = ()
    channels: tuple[ChannelRow, ...] = ()
    funnel: tuple[FunnelStep, ...] = ()
    top: tuple[Ranked, ...] = ()
    extra: tuple[Row, ...] = ()  # figures for the CSV only (every article's replies)

    def every_row(self) -> list[Row]:
        channel_rows = [row for channel in self.channels for row in (channel.messages, channel.authors)]
        return [*self.rows, *channel_rows, *self.extra]


@dataclass(frozen=True, slots=True)
class Report:
    blocks: tuple[Block, ...]
    trend: tuple[TrendPoint, ...]
    has_data: bool


def hidden(figure: Figure, *, withheld: bool = False) -> Hidden | None:
    """Why `figure` is not shown, or None when it is; `withheld`: it would give a hidden one away."""
    if figure.value is None:
        return None
    if figure.people and 0 < figure.value < SMALLEST_SHOWN:
        return "people"
    if figure.kind != "count" and figure.base is not None and figure.base < SMALLEST_SHOWN:
        return "answers"
    return "withheld" if withheld else None


def withheld(figures: list[Figure]) -> frozenset[str]:
    """The keys among one period's `figures` that are withheld: shown by their own rule, but one of
    their complements (COMPLEMENTS) is hidden."""
    by_key = {figure.key: figure for figure in figures}
    keys: set[str] = set()
    for group in COMPLEMENTS:
        present = [by_key[key] for key in group if key in by_key]
        if any(hidden(figure) for figure in present):
            keys.update(figure.key for figure in present if not hidden(figure))
    return frozenset(keys)


def delta(row: Row) -> float | None:
    """The change since the previous period, or None when either value is missing or not shown."""
    now, before = row.figure, row.previous
    if before is None or now.value is None or before.value is None:
        return None
    if row.hidden_now or row.hidden_before:
        return None
    return now.value - before.value


def funnel_counts(block: Block) -> list[int | None]:
    """The block's funnel steps' counts as the charts may draw them: None for a step not shown (under
    the same rule as its figure, whether the part gives it as a figure or the step became one)."""
    rows = {row.figure.key.rsplit(".", 1)[-1]: row for row in block.rows}  # as _funnel_figures matches
    counts: list[int | None] = []
    for step in block.funnel:
        row = rows.get(step.key)
        shown = row.hidden_now is None if row is not None else not 0 < step.count < SMALLEST_SHOWN
        counts.append(step.count if shown else None)
    return counts


def build_report(now: Measured, before: Measured, words: Words) -> Report:
    blocks = [_members(now, before, words), _chat(now, before, words)]
    previous_parts = {part.section: part for part in before.parts}
    for part in now.parts:
        blocks.append(_part(part, previous_parts.get(part.section), now, before, words))
    return Report(tuple(blocks), now.trend, _has_data(now))


def _has_data(measured: Measured) -> bool:
    """Anything happened: a message, a member taking part, a figure of a feature's that is not zero."""
    if measured.messages or measured.active:
        return True
    for part in measured.parts:
        if part.discussions or any(step.count for step in part.funnel):
            return True
        if any(figure.value for figure in part.figures):
            return True
    return False


def _members(now: Measured, before: Measured, words: Words) -> Block:
    def figures(m: Measured) -> list[Figure]:
        growth = None if m.members is None or m.members_before is None else m.members - m.members_before
        # A share of a count that is not shown would give it away: it rests on the active members.
        share = m.active / m.members if m.members else None
        return [
            Figure("members", words("pulse.engagement.figure.members"), m.members, people=True),
            Figure("members.growth", words("pulse.engagement.figure.growth"), growth),
            Figure("active", words("pulse.engagement.figure.active"), m.active, people=True),
            Figure(
                "active.share", words("pulse.engagement.figure.share"), share, "rate", base=m.active or None
            ),
            Figure(
                "active.first_time", words("pulse.engagement.figure.first_time"), m.first_time, people=True
            ),
            Figure(
                "active.returning",
                words("pulse.engagement.figure.returning"),
                m.active - m.first_time,
                people=True,
            ),
        ]

    return Block("members", words("pulse.engagement.section.members"), _pair(figures(now), figures(before)))


def _chat(now: Measured, before: Measured, words: Words) -> Block:
    """The server's messages and authors, then each channel's, busiest first. The threads opened on
    articles were left out of the channels when measured: the articles' section counts their replies."""
    totals = [
        Row(
            Figure("chat.messages", words("pulse.engagement.figure.messages"), now.messages),
            Figure("chat.messages", words("pulse.engagement.figure.messages"), before.messages),
        ),
        Row(
            Figure("chat.authors", words("pulse.engagement.figure.authors"), now.authors, people=True),
            Figure("chat.authors", words("pulse.engagement.figure.authors"), before.authors, people=True),
        ),
    ]
    current = {c.channel_id: c for c in now.channels}
    previous = {c.channel_id: c for c in before.channels}
    order = sorted(
        current.keys() | previous.keys(),
        key=lambda cid: (-_messages(current.get(cid)), -_messages(previous.get(cid)), cid),
    )
    channels = []
    for channel_id in order:
        here, there = current.get(channel_id), previous.get(channel_id)
        name = (here or there).name  # type: ignore[union-attr]  # one of them is there
        channels.append(
            ChannelRow(
                name,
                _channel_row(channel_id, name, "messages", here, there, words),
                _channel_row(channel_id, name, "authors", here, there, words),
            )
        )
    return Block("chat", words("pulse.engagement.section.chat"), tuple(totals), tuple(channels))


def _messages(channel: ChannelCount | None) -> int:
    return channel.messages if channel else 0


def _channel_row(
    channel_id: int,
    name: str,
    what: Literal["messages", "authors"],
    here: ChannelCount | None,
    there: ChannelCount | None,
    words: Words,
) -> Row:
    people = what == "authors"
    label = words(f"pulse.engagement.figure.channel_{what}", channel=name)
    key = f"chat.channel.{channel_id}.{what}"
    now = Figure(key, label, getattr(here, what) if here else 0, people=people)
    before = Figure(key, label, getattr(there, what) if there else 0, people=people)
    return Row(now, before)


def _part(
    part: EngagementPart, previous: EngagementPart | None, now: Measured, before: Measured, words: Words
) -> Block:
    rows = _pair(
        [*_funnel_figures(part), *part.figures],
        [*_funnel_figures(previous), *previous.figures] if previous else [],
    )
    top: tuple[Ranked, ...] = ()
    extra: tuple[Row, ...] = ()
    if part.discussions or (previous and previous.discussions):
        key, label = f"{part.section}.replies", words("pulse.engagement.figure.replies")
        replies_now = _replies(part.discussions, now.replies)
        # A previous period without this section (no article shared yet) has no replies to compare
        # with, as it has no articles shared to compare with: both are shown without a change.
        replies_before = (
            Figure(key, label, _replies(previous.discussions, before.replies)) if previous else None
        )
        rows = (*rows, Row(Figure(key, label, replies_now), replies_before))
        ranked = rank(part.discussions, now.replies)
        top = tuple(ranked[:TOP_DISCUSSIONS])
        extra = tuple(
            Row(Figure(f"{part.section}.discussion.{n}", article.title, article.replies))
            for n, article in enumerate(ranked, start=1)
        )
    return Block(part.section, part.title, rows, (), part.funnel, top, extra)


def _funnel_figures(part: EngagementPart) -> list[Figure]:
    """The funnel's steps as figures, unless the part gives them among its figures already (the events
    part gives `events.registered` beside its `registered` step)."""
    given = {figure.key.rsplit(".", 1)[-1] for figure in part.figures}
    return [
        Figure(f"{part.section}.funnel.{step.key}", step.label, step.count, people=True)
        for step in part.funnel
        if step.key not in given
    ]


def _replies(discussions: tuple[Discussion, ...], replies: Mapping[int, int]) -> int:
    return sum(replies.get(d.thread_id, 0) for d in discussions if d.thread_id is not None)


def rank(discussions: tuple[Discussion, ...], replies: Mapping[int, int]) -> list[Ranked]:
    """Every article shared in the period, the most replied to first (the earliest shared first among
    equals)."""
    scored = [
        (replies.get(d.thread_id, 0) if d.thread_id is not None else 0, d.shared_at, d) for d in discussions
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [Ranked(d.title, d.link, count) for count, _, d in scored]


def _pair(now: list[Figure], before: list[Figure]) -> tuple[Row, ...]:
    """Each figure of the period with the previous period's of the same key, and whether each is
    withheld (a figure's complements are among the same period's figures given here)."""
    previous = {figure.key: figure for figure in before}
    withheld_now, withheld_before = withheld(now), withheld(before)
    return tuple(
        Row(
            figure,
            previous.get(figure.key),
            withheld=figure.key in withheld_now,
            previous_withheld=figure.key in withheld_before,
        )
        for figure in now
    )
