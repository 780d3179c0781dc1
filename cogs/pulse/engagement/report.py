"""One engagement report, from the stores to what is sent: the period and the one before measured,
the figures compared, the embeds, the charts (drawn in a worker thread, so a report never stalls the
bot) and the CSV. A period with nothing in it gives one embed that says so, and no file."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from agora.pulse import Words
from cogs.pulse.activity.activity_store import ActivityStore
from cogs.pulse.engagement import charts
from cogs.pulse.engagement.export import report_csv
from cogs.pulse.engagement.figures import Report, build_report, funnel_counts
from cogs.pulse.engagement.hiding import SMALLEST_SHOWN
from cogs.pulse.engagement.history_store import HistoryStore
from cogs.pulse.engagement.measuring import Measurer
from cogs.pulse.engagement.periods import Period
from cogs.pulse.engagement.render import FUNNEL_FILE, TREND_FILE, number, report_embeds

if TYPE_CHECKING:
    from agora.client import Agora


@dataclass(frozen=True, slots=True)
class Composed:
    """A report ready to send. Files are kept as bytes: a `discord.File` can be sent only once."""

    title: str
    embeds: list[discord.Embed]
    attachments: list[tuple[str, bytes]]
    has_data: bool

    def files(self) -> list[discord.File]:
        return [discord.File(io.BytesIO(data), filename=name) for name, data in self.attachments]


class Reporter:
    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.measurer = Measurer(
            bot.pulse, ActivityStore(bot.database), HistoryStore(bot.database), bot.settings.timezone
        )

    async def compose(
        self, guild: discord.Guild, period: Period, language: str | discord.Locale | None
    ) -> Composed:
        words = self.bot.catalogue.words(language)

        def name_of(channel_id: int) -> str | None:
            channel = guild.get_channel_or_thread(channel_id)
            return f"#{channel.name}" if channel is not None else None

        now, before = await self.measurer.measure(guild.id, period, words, name_of)
        report = build_report(now, before, words)
        label, previous = period.label(words), period.previous().label(words)
        heading = period.label(words, title=True)  # where it stands as a title or opens a sentence
        attachments: list[tuple[str, bytes]] = []
        if report.has_data:
            trend = await self._trend(report, period, words, heading)
            funnel = await self._funnel(report, words, heading)
            attachments += [
                (name, data) for name, data in ((TREND_FILE, trend), (FUNNEL_FILE, funnel)) if data
            ]
            csv_name = f"engagement-{period.kind}-{period.month_key}.csv"
            attachments.append((csv_name, report_csv(report, words, period=label, previous=previous)))
        names = {name for name, _ in attachments}
        embeds = report_embeds(
            report,
            words,
            period=label,
            heading=heading,
            previous=previous,
            trend=TREND_FILE in names,
            funnel=FUNNEL_FILE in names,
        )
        title = words("pulse.engagement.title", period=heading)
        return Composed(title, embeds, attachments, report.has_data)

    async def _trend(self, report: Report, period: Period, words: Words, label: str) -> bytes | None:
        """Messages and active members over the period; none when there is nothing to draw."""
        points = report.trend
        # A day's active members, when 1 or 2, would be recognisable: that point is left out.
        active = [
            p.active if p.active is None or p.active == 0 or p.active >= SMALLEST_SHOWN else None
            for p in points
        ]
        # The bars add up to the period's messages: none drawn when that figure is not shown.
        total = report.row("chat.messages")
        shown = total is not None and total.figure.value is not None and total.hidden_now is None
        messages = [p.messages for p in points] if shown else None
        if not points or not (any(messages or ()) or any(active)):
            return None
        unit = "day" if period.kind == "month" else "week"
        return await asyncio.to_thread(
            charts.trend_png,
            title=words("pulse.engagement.chart.trend_title", period=label),
            subtitle=words(f"pulse.engagement.chart.per_{unit}"),
            labels=[p.label for p in points],
            messages=messages,
            active=active,
            messages_label=words("pulse.engagement.chart.messages"),
            active_label=words("pulse.engagement.chart.active"),
        )

    async def _funnel(self, report: Report, words: Words, label: str) -> bytes | None:
        """The events funnel, each step against the largest; none without a step shown above zero."""
        block = next((block for block in report.blocks if block.funnel), None)
        if block is None:
            return None
        steps = block.funnel
        # A step not shown in the embed (1 or 2 people) gets "< 3" and no bar.
        counts = funnel_counts(block)
        top = max((count for count in counts if count is not None), default=0)
        if not top:
            return None
        notes = [
            words("pulse.engagement.fewer_than_three")
            if count is None
            else words(
                "pulse.engagement.chart.step",
                count=number(count, words),
                percent=number(100 * count / top, words),
            )
            for count in counts
        ]
        return await asyncio.to_thread(
            charts.funnel_png,
            title=words("pulse.engagement.chart.funnel_title", period=label),
            subtitle=words("pulse.engagement.chart.funnel_subtitle"),
            labels=[step.label for step in steps],
            counts=counts,
            notes=notes,
        )
