"""An event's report as organisers receive it (embeds and chart), its CSV export and the season chart;
the report and the season show each event's turnout (registered, waiting, attended, no-shows, first-time
and returning attendees) in counts. With a programme, the report adds each session's figures and words
for its speaker, and the export a second CSV of the sessions' answers; both add what other features
contribute (agora/meetings.py).

Charts are drawn by matplotlib in a worker thread: a report never stalls the bot's event loop.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from agora import charts
from agora.escaping import fit_escaped, join_within, link_text
from agora.i18n import Words
from agora.meetings import Session
from cogs.events.answer_store import AnswerStore
from cogs.events.audience_store import AudienceStore
from cogs.events.figures import (
    CATEGORIES,
    CSV_COLUMNS,
    build_report,
    export_csv,
    format_nps,
    format_rating,
    rounded,
    season,
)
from cogs.events.model import TrackedEvent
from cogs.events.programme.store import ProgrammeStore
from cogs.events.render import TOPICS, chart_labels, report_embed, season_turnout
from cogs.events.report_render import compose_report
from cogs.events.sessions.figures import SESSION_CSV_COLUMNS, session_figures, sessions_csv
from cogs.events.sessions.render import session_blocks
from cogs.events.sessions.store import SessionRatingStore
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

SEASON_EVENTS = 12
MAX_FILES = 10  # attachments per message


class Reporter:
    def __init__(self, bot: Agora, store: EventStore, answers: AnswerStore) -> None:
        self.bot = bot
        self.store = store
        self.answers = answers
        self.audience = AudienceStore(bot.database)
        self.programme = ProgrammeStore(bot.database)
        self.ratings = SessionRatingStore(bot.database)

    def words(self, language: str) -> Words:
        return self.bot.catalogue.words(language)

    def topic_names(self, words: Words) -> dict[str, str]:
        return {topic: words(f"feedback.topics.{topic}") for topic in TOPICS}

    async def report(self, event: TrackedEvent, language: str) -> tuple[list[discord.Embed], discord.File]:
        words = self.words(language)
        report = build_report(
            await self.answers.responses(event.id),
            interested=event.interested,
            topic_order=TOPICS,
            anonymous=self.bot.settings.feedback_anonymous,
            turnout=await self.audience.turnout(event.id),
        )
        nps = report.nps
        png = await asyncio.to_thread(
            charts.feedback_report_png,
            title=event.name,
            rating_counts=report.rating_counts,
            nps_counts=(nps.detractors, nps.passives, nps.promoters),
            nps_text=words("feedback.chart.nps_text", score=format_nps(nps.score)),
            **chart_labels(words),
        )
        name = f"feedback-{event.id}.png"
        decimal_mark = words("feedback.decimal_mark")

        def main(budget: int) -> discord.Embed:
            return report_embed(
                event,
                report,
                words,
                topic_names=self.topic_names(words),
                chart_name=name,
                decimal_mark=decimal_mark,
                budget=budget,
            )

        sessions = await self.programme.sessions(event.id)
        ratings = await self.ratings.of_event(event.id) if sessions else []
        blocks = session_blocks(
            sessions, [session_figures(s.id, ratings) for s in sessions], words, decimal_mark
        )
        parts = await self.bot.meetings.report_parts(event.id, words)
        extra = [field for part in parts for field in part.fields]
        embeds = compose_report(main, blocks, extra, words)
        return embeds, discord.File(io.BytesIO(png), filename=name)

    async def export(self, event: TrackedEvent, language: str) -> list[discord.File]:
        """The feedback's CSV; with a programme, the sessions' CSV; then other features' files."""
        words = self.words(language)
        labels = {key: words(f"feedback.csv.{key}") for key in (*CSV_COLUMNS, *CATEGORIES, "user_id")}
        data = export_csv(
            await self.answers.responses(event.id),
            topic_order=TOPICS,
            anonymous=self.bot.settings.feedback_anonymous,
            event_name=event.name,
            labels=labels,
            delimiter=words("feedback.csv.delimiter"),
        )
        files = [discord.File(io.BytesIO(data), filename=f"feedback-{event.id}.csv")]
        sessions = await self.programme.sessions(event.id)
        if sessions:
            keys = (*SESSION_CSV_COLUMNS, "user_id", "missed")
            rows = sessions_csv(
                sessions,
                await self.ratings.of_event(event.id),
                event_name=event.name,
                speakers={s.id: self.speaker_name(s) for s in sessions},
                anonymous=self.bot.settings.feedback_anonymous,
                labels={key: words(f"session_feedback.csv.{key}") for key in keys},
                delimiter=words("feedback.csv.delimiter"),
            )
            files.append(discord.File(io.BytesIO(rows), filename=f"sessions-{event.id}.csv"))
        for part in await self.bot.meetings.report_parts(event.id, words):
            files += [discord.File(io.BytesIO(content), filename=name) for name, content in part.files]
        return files[:MAX_FILES]

    def speaker_name(self, session: Session) -> str:
        """A guest's name, or the member's name as Discord last showed it to Agora (their id when it
        has not: reading a member list needs an intent Agora does not ask for)."""
        if session.speaker_id is None:
            return session.speaker_name or ""
        user = self.bot.get_user(session.speaker_id)
        return user.display_name if user is not None else str(session.speaker_id)

    async def season(self, guild_id: int, language: str) -> tuple[discord.Embed, discord.File] | None:
        """Rating and NPS of the latest events whose feedback was called, oldest first."""
        events = [e for e in await self.store.recent_first(guild_id, limit=200) if e.call_at is not None]
        events = list(reversed(events[:SEASON_EVENTS]))
        if not events:
            return None
        words = self.words(language)
        zone = self.bot.settings.timezone
        labelled = [
            (f"{e.name[:28]}\n{datetime.fromtimestamp(e.starts_at, UTC).astimezone(zone):%d.%m.%Y}", answers)
            for e in events
            for answers in [await self.answers.responses(e.id)]
        ]
        points = season(labelled, [await self.audience.turnout(e.id) for e in events])
        png = await asyncio.to_thread(
            charts.season_comparison_png,
            title=words("feedback.season.title"),
            event_labels=[p.label for p in points],
            ratings=[None if p.average_rating is None else rounded(p.average_rating, 1) for p in points],
            nps=[None if p.nps is None else rounded(p.nps, 0) for p in points],
            rating_label=words("feedback.season.rating"),
            nps_label=words("feedback.season.nps"),
            decimal_mark=words("feedback.decimal_mark"),
        )
        lines = [
            words(
                "feedback.season.line",
                name=fit_escaped(e.name, 80, escape=link_text),
                link=e.link,
                responses=p.responses,
                rating=format_rating(p.average_rating, words("feedback.decimal_mark")),
                nps=format_nps(p.nps),
            )
            + season_turnout(p.turnout, words)
            for e, p in zip(events, points, strict=True)
        ]
        embed = discord.Embed(
            title=words("feedback.season.title"),
            description=join_within(lines, 4000, lambda n: words("feedback.report.more", count=n)),
            colour=discord.Colour.gold(),
        )
        embed.set_image(url="attachment://season.png")
        return embed, discord.File(io.BytesIO(png), filename="season.png")
