"""The engagement report's figures: what was measured over a period and the period before it, turned
into sections of figures, each against the previous period, with the "< 3" rule applied (hiding.py
says which figures are not shown, and why). Pure: no discord, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from agora.pulse import Discussion, EngagementPart, Figure, FunnelStep, Words
from cogs.pulse.engagement.hiding import SMALLEST_SHOWN, Hidden, hidden, withheld

TOP_DISCUSSIONS = 5

# Counts that are changes themselves, shown with their sign ("+10 members").
SIGNED = frozenset({"members.growth"})


@dataclass(frozen=True, slots=True)
class ChannelCount:
    """Messages and distinct authors in one channel over a period (its threads folded in, the articles'
    threads left out), and its name; `found`: the server still has it (the embed links to it)."""

    channel_id: int
    name: str
    messages: int
    authors: int
    found: bool = True


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A day (or a week) of the period: messages in the server, and members active in Agora's features
    (None when not measured)."""

    label: str
    messages: int
    active: int | None


@dataclass(frozen=True, slots=True)
class Measured:
    """Everything read for one period.

    `counted`: Agora was counting messages from the period's start. When it was not (installed during
    it, or after it), its chat is shown as "—", with no change: zero messages before Agora was there
    are not zero messages. The features' figures have their own timestamps and are compared anyway.
    `history`: Agora had counted something, or someone had taken part, before the period: a period
    with nothing in it is then "nothing happened", not "nothing yet"."""

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
    counted: bool = True
    history: bool = False


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
    channel_id: int
    name: str
    messages: Row
    authors: Row
    found: bool = True  # the server still has it: the embed links to it


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
    history: bool = False  # see Measured.history

    def row(self, key: str) -> Row | None:
        rows = (row for block in self.blocks for row in block.every_row())
        return next((row for row in rows if row.figure.key == key), None)


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
    return Report(tuple(blocks), now.trend, _has_data(now), now.history)


def _has_data(measured: Measured) -> bool:
    """Anything happened: a message, a member taking part, members joining or leaving, a figure of a
    feature's that is not zero."""
    if measured.messages or measured.active:
        return True
    members, before = measured.members, measured.members_before
    if members is not None and before is not None and members != before:
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
        # It rests on the active members (hiding.RESTS_ON): withheld when their count is hidden.
        share = m.active / m.members if m.members else None
        return [
            Figure("members", words("pulse.engagement.figure.members"), m.members, people=True),
            Figure("members.growth", words("pulse.engagement.figure.growth"), growth),
            Figure("active", words("pulse.engagement.figure.active"), m.active, people=True),
            Figure("active.share", words("pulse.engagement.figure.share"), share, "rate"),
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
    articles were left out of the channels when measured: the articles' section counts their replies.
    Messages rest on their authors: a channel's (or the server's) written by 1 or 2 people are withheld,
    as is what would give them away by a subtraction from the total (hiding.SUMS)."""
    current = {c.channel_id: c for c in now.channels}
    previous = {c.channel_id: c for c in before.channels}
    order = sorted(
        current.keys() | previous.keys(),
        key=lambda cid: (-_messages(current.get(cid)), -_messages(previous.get(cid)), cid),
    )
    names = {cid: (current.get(cid) or previous[cid]).name for cid in order}
    rows = _pair(_chat_figures(now, order, names, words), _chat_figures(before, order, names, words))
    channels = tuple(
        ChannelRow(
            channel_id,
            names[channel_id],
            rows[2 + 2 * n],
            rows[3 + 2 * n],
            found=(current.get(channel_id) or previous[channel_id]).found,
        )
        for n, channel_id in enumerate(order)
    )
    return Block("chat", words("pulse.engagement.section.chat"), rows[:2], channels)


def _chat_figures(m: Measured, order: list[int], names: Mapping[int, str], words: Words) -> list[Figure]:
    """One period's chat figures: the server's messages and authors, then each channel's of `order`
    (0 for one without messages in the period), all None when Agora was not counting yet."""

    def counted(value: int) -> int | None:
        return value if m.counted else None

    figures = [
        Figure(
            "chat.messages", words("pulse.engagement.figure.messages"), counted(m.messages), base=m.authors
        ),
        Figure("chat.authors", words("pulse.engagement.figure.authors"), counted(m.authors), people=True),
    ]
    channels = {c.channel_id: c for c in m.channels}
    for channel_id in order:
        channel = channels.get(channel_id)
        messages, authors = (channel.messages, channel.authors) if channel else (0, 0)
        figures += [
            Figure(
                f"chat.channel.{channel_id}.messages",
                words("pulse.engagement.figure.channel_messages", channel=names[channel_id]),
                counted(messages),
                base=authors,
            ),
            Figure(
                f"chat.channel.{channel_id}.authors",
                words("pulse.engagement.figure.channel_authors", channel=names[channel_id]),
                counted(authors),
                people=True,
            ),
        ]
    return figures


def _messages(channel: ChannelCount | None) -> int:
    return channel.messages if channel else 0


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
