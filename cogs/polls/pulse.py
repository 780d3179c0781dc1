"""The polls' part of the community's pulse (agora/pulse.py): the weekly digest's open polls and the
polls closed during the week with their winning answer, and the engagement report's "polls" section.

Registered on `bot.pulse` while the feature is loaded, by a cog of its own (`PollsPulseCog`): unloading
the feature withdraws it too.

The digest is read by every member, so it lists only the polls of channels every member can read: a
poll in the organisers' own channel is not announced to the whole server. Results hidden until the
close (`hide_results`) are shown once the poll closed, as its results post shows them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from discord.ext import commands

from agora.channels import Visible, readable_by_everyone
from agora.escaping import fit_escaped, fit_together, link_text
from agora.pulse import (
    DIGEST_CLOSED_POLLS,
    DIGEST_OPEN_POLLS,
    DigestSection,
    EngagementPart,
    Figure,
    Span,
    Words,
)
from cogs.polls.pulse_store import PollPulseStore
from cogs.polls.render import LIST_QUESTION_MAX, list_line, poll_link, winners
from cogs.polls.store import Poll, PollStore, Tally

if TYPE_CHECKING:
    from agora.client import Agora

CAP = 10  # polls per digest section; the others are counted in "and N more"
LINE_MAX = 1000  # a digest line, at most (agora/pulse.py)
# The winning answers' names together, escaped: a tie of twenty long answers still leaves the digest
# room for other lines (each answer is cut to an equal share, every one named).
ANSWERS_MAX = 300
# The engagement report's section; each figure's key is `<section>.<figure>` (polls.count…).
SECTION = "polls"


def deadline_text(poll: Poll, words: Words) -> str:
    if poll.closes_at is None:
        return words("polls.list.no_deadline")
    return f"<t:{poll.closes_at}:R> · <t:{poll.closes_at}:f>"


def closed_line(poll: Poll, tally: Tally, words: Words) -> str:
    """The question linked to its poll, and its winning answer (every answer tied for the most votes),
    or "no votes"; within LINE_MAX characters however long and many the tied answers are."""
    question = fit_escaped(poll.question, LIST_QUESTION_MAX, escape=link_text)

    def line(result: str) -> str:
        return words("polls.pulse.closed_line", question=question, link=poll_link(poll), result=result)

    top = sorted(winners(tally))
    if not top:
        return line(words("polls.pulse.no_votes"))
    key = "polls.pulse.winner" if len(top) == 1 else "polls.pulse.tie"

    def result(names: Sequence[str]) -> str:
        answers = ", ".join(f"**{name}**" for name in names)
        return words(key, answers=answers, votes=tally.counts[top[0]])

    room = min(ANSWERS_MAX, LINE_MAX - len(line(result([""] * len(top)))))
    return line(result(fit_together([poll.options[position] for position in top], room)))


class PollsPulse:
    """The polls' `DigestContributor` and `EngagementSource`."""

    name = "polls"

    def __init__(self, store: PollStore, pulse_store: PollPulseStore, visible: Visible) -> None:
        self.store = store
        self.pulse_store = pulse_store
        self.visible = visible

    async def digest_sections(self, guild_id: int, week: Span, words: Words) -> Sequence[DigestSection]:
        sections = []
        opened = self._shown(guild_id, await self.pulse_store.open_at(guild_id, week.end))
        if opened:
            polls = [await self.store.get(poll_id) for poll_id in opened[:CAP]]
            sections.append(
                DigestSection(
                    DIGEST_OPEN_POLLS,
                    words("polls.pulse.open_title"),
                    tuple(list_line(poll, words, deadline_text(poll, words)) for poll in polls),
                    more=len(opened) - len(polls),
                )
            )
        closed = self._shown(guild_id, await self.pulse_store.closed_during(guild_id, week))
        if closed:
            lines = []
            for poll_id in closed[:CAP]:
                poll = await self.store.get(poll_id)
                lines.append(closed_line(poll, await self.store.tally(poll), words))
            sections.append(
                DigestSection(
                    DIGEST_CLOSED_POLLS,
                    words("polls.pulse.closed_title"),
                    tuple(lines),
                    more=len(closed) - len(lines),
                )
            )
        return sections

    def _shown(self, guild_id: int, polls: list[tuple[int, int]]) -> list[int]:
        return [poll_id for poll_id, channel_id in polls if self.visible(guild_id, channel_id)]

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        return await self.pulse_store.voters(guild_id, span)

    async def engagement(self, guild_id: int, span: Span, words: Words) -> EngagementPart | None:
        counts = await self.pulse_store.counts(guild_id, span)
        nothing = not (counts.created or counts.turnouts or counts.votes)
        if nothing and not await self.pulse_store.any_posted(guild_id, span.end):
            return None  # no poll in this server yet: no section of zeros
        # Polls that closed with no voter count as a turnout of 0: a poll nobody answered is a fact.
        median = float(statistics.median(counts.turnouts)) if counts.turnouts else None
        return EngagementPart(
            section=SECTION,
            title=words("polls.pulse.section"),
            figures=(
                Figure(f"{SECTION}.count", words("polls.pulse.count"), counts.created),
                Figure(f"{SECTION}.median_turnout", words("polls.pulse.median_turnout"), median, people=True),
                Figure(f"{SECTION}.voters", words("polls.pulse.voters"), counts.voters, people=True),
                # The votes rest on their voters: 2 votes of "< 3" voters would tell them.
                Figure(f"{SECTION}.votes", words("polls.pulse.votes"), counts.votes, base=counts.voters),
            ),
        )


class PollsPulseCog(commands.Cog):
    """Holds the polls' part on `bot.pulse` while the feature is loaded."""

    def __init__(self, bot: Agora, store: PollStore) -> None:
        self.bot = bot
        self.part = PollsPulse(store, PollPulseStore(bot.database), readable_by_everyone(bot))

    async def cog_load(self) -> None:
        self.bot.pulse.join(self.part)

    async def cog_unload(self) -> None:
        self.bot.pulse.leave(self.part)
