"""`/event create|list|report|export|compare` (`/evenement …`), the tracking of the server's scheduled
events, and the feedback form. The cog is made of mixins holding the rest of its commands:
`/event places|attendees|mine` (registration/commands.py), `/event checkin-code` with the check-in and voice
listeners (attendance/commands.py) and `/feedback …` (feedback_commands.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from agora.channels import ChannelUse, find_channel, posting_problems
from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.escaping import join_within
from agora.ids import parse_id
from agora.permissions import Rank, requires
from agora.privacy import quiet
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.events import groups
from cogs.events.answer_store import AnswerStore
from cogs.events.attendance.commands import AttendanceCommands
from cogs.events.calendar.commands import CalendarCommands
from cogs.events.desk import FeedbackDesk
from cogs.events.directory import EventsDirectory
from cogs.events.feedback_commands import FeedbackCommands
from cogs.events.model import EventSnapshot, TrackedEvent
from cogs.events.programme.commands import ProgrammeCommands
from cogs.events.programme.store import ProgrammeStore
from cogs.events.publisher import Reporter
from cogs.events.registration.commands import RegistrationCommands
from cogs.events.registration.rules import check_places, read_deadline
from cogs.events.render import TOPICS, announcement_embed, list_line
from cogs.events.rules import check_event, read_submission
from cogs.events.store import EventStore
from cogs.events.timeline import Timeline

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

TIMELINE_TICK = 30.0
AUTOCOMPLETE_LIMIT = 25
RECENT_DAYS = 30
_STATUSES = {
    discord.EventStatus.scheduled: "scheduled",
    discord.EventStatus.active: "active",
    discord.EventStatus.completed: "completed",
    discord.EventStatus.cancelled: "cancelled",
}


def snapshot_of(event: discord.ScheduledEvent) -> EventSnapshot:
    return EventSnapshot(
        id=event.id,
        guild_id=event.guild_id,
        name=event.name,
        description=event.description or None,
        location=event.location or None,
        starts_at=epoch(event.start_time),
        ends_at=epoch(event.end_time) if event.end_time else None,
        status=_STATUSES.get(event.status, "scheduled"),
    )


class EventsCog(
    RegistrationCommands,
    CalendarCommands,
    AttendanceCommands,
    FeedbackCommands,
    ProgrammeCommands,  # /event programme, and the announcement kept in step (refresh_announcement)
    commands.Cog,
):
    event = groups.event
    feedback = groups.feedback

    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.store = EventStore(bot.database, bot.meetings)
        self.answers = AnswerStore(bot.database)
        self.programme = ProgrammeStore(bot.database)
        self.directory = EventsDirectory(self.store, self.programme, bot.settings.timezone)
        self.open_programme()
        self.reporter = Reporter(bot, self.store, self.answers)
        self.open_registrations(self.answers)
        self.open_calendar()
        self.open_attendance()
        self.timeline = Timeline(
            bot, self.store, self.answers, self.reporter, self.waitlist, attendance=self.attendance_pass
        )
        self.desk = FeedbackDesk(bot, self.store, self.answers)
        self.passes: Recurring[int] = Recurring("event timeline", self.timeline.run_pass, tick=TIMELINE_TICK)
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.member_data.register(self.answers)
        self.bot.member_data.register(self.registrations)
        self.bot.member_data.register(self.programme)
        self.bot.member_data.register(self.timeline.speaker_reviews.store)
        self.bot.member_data.register(self.desk.sessions.ratings)
        self.bot.meetings.offer_directory(self.directory)
        self._task = start_when_ready(self.bot, self.passes, first=self.sync_guilds)

    async def cog_unload(self) -> None:
        self.bot.member_data.unregister(self.answers)
        self.bot.member_data.unregister(self.registrations)
        self.bot.member_data.unregister(self.programme)
        self.bot.member_data.unregister(self.timeline.speaker_reviews.store)
        self.bot.member_data.unregister(self.desk.sessions.ratings)
        self.bot.meetings.offer_directory(None)
        await cancel_and_wait(self._task)
        await self.registration_desk.notices.stop()
        await self.registration_board.flush()
        await self.close_programme()

    async def sync_guilds(self) -> None:
        for guild in self.bot.guilds:
            await self.sync_guild(guild)

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    # ---- tracking Discord's scheduled events ------------------------------------------------------

    def default_channel(self, guild: discord.Guild) -> int | None:
        channel = find_channel(guild, self.bot.settings.event_channel) or guild.system_channel
        return channel.id if channel else None

    async def track(self, event: discord.ScheduledEvent, *, channel_id: int | None = None) -> TrackedEvent:
        guild = event.guild
        tracked = await self.store.record(
            snapshot_of(event),
            self.bot.clock.now(),
            channel_id=channel_id
            if channel_id is not None
            else (self.default_channel(guild) if guild else None),
            language=self.bot.settings.locale,
            reminder_offsets=self.bot.settings.event_reminders,
            created_by_agora=channel_id is not None,
        )
        await self.follow_voice_channel(event, tracked.id)
        return tracked

    async def sync_guild(self, guild: discord.Guild) -> None:
        """Catch up on what changed while the bot was away (at startup, and when a guild comes back).
        Never raises: the timeline must start whatever happens here."""
        if guild.unavailable:  # its events are unknown, not gone: wait for on_guild_available
            return
        try:
            for event in guild.scheduled_events:
                await self.track(event)
            listed = lambda: {e.id for e in guild.scheduled_events}  # noqa: E731 — asked by the store
            await self.store.mark_missing(guild.id, listed, self.bot.clock.now())
        except Exception:
            log.exception("could not catch up on the scheduled events of guild %s", guild.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        if self.bot.is_ready():
            await self.sync_guild(guild)

    @commands.Cog.listener()
    async def on_scheduled_event_create(self, event: discord.ScheduledEvent) -> None:
        await self.track(event)
        self.passes.wake()

    @commands.Cog.listener()
    async def on_scheduled_event_update(
        self, before: discord.ScheduledEvent, after: discord.ScheduledEvent
    ) -> None:
        tracked = await self.track(after)
        self.passes.wake()
        started = (discord.EventStatus.active, discord.EventStatus.completed)
        if after.status != before.status and after.status in started:
            await self.timeline.interested(tracked)  # keep a copy: Discord may drop the event once ended
        shown = ("name", "start_time", "end_time", "location", "description", "status")
        if any(getattr(before, attribute) != getattr(after, attribute) for attribute in shown):
            await self.refresh_announcement(tracked)

    @commands.Cog.listener()
    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        await self.store.mark_deleted(event.id, self.bot.clock.now())
        self.passes.wake()
        tracked = await self.store.get(event.id)
        if tracked is not None and tracked.status == "deleted":
            await self.refresh_announcement(tracked)

    async def answer_feedback_form(self, interaction: discord.Interaction[Agora]) -> None:
        """The feedback form, read from its submission alone (bot.forms): see cogs/events/rules.py."""
        await self.desk.save(interaction, *read_submission(interaction, TOPICS))

    @commands.Cog.listener("on_interaction")
    async def remember_language(self, interaction: discord.Interaction[Agora]) -> None:
        """Every interaction tells which language the member reads, for the DMs Agora sends."""
        if quiet(interaction):  # asking about one's data, or to be forgotten: not the moment to record
            return
        try:
            await self.answers.remember_language(
                interaction.user.id, self.bot.catalogue.resolve(interaction.locale)
            )
        except Exception:
            log.exception("could not remember the language of member %s", interaction.user.id)

    async def channels_in_use(self, guild: discord.Guild) -> list[ChannelUse]:
        channel = find_channel(guild, self.bot.settings.event_channel) or guild.system_channel
        reference = self.bot.settings.event_channel or (f"#{channel.name}" if channel else "—")
        return [ChannelUse(reference, "events.purpose", channel, needs_history=True)]

    # ---- /event create ----------------------------------------------------------------------------

    @event.command(name="create")
    @app_commands.describe(
        title="The event's title (up to 100 characters)",
        start="Start, in the community's time zone: 2026-12-05 08:30 or 5.12.2026 8h30",
        end="End: a date and time, or a time alone on the same day (12:00)",
        location="Where it happens, e.g. Genève (default: to be announced)",
        channel="Where to announce it, remind and call for feedback (default: here)",
        description="What it is about (up to 1000 characters)",
        places="Places (1 to 10,000; default: no limit); then a waitlist",
        deadline="Registration deadline: 2026-12-01 18:00 (default: the start)",
    )
    @requires(Rank.organiser)
    async def create(
        self,
        interaction: discord.Interaction[Agora],
        title: app_commands.Range[str, 1, 100],
        start: app_commands.Range[str, 1, 40],
        end: app_commands.Range[str, 1, 40],
        location: app_commands.Range[str, 1, 100] | None = None,
        channel: discord.TextChannel | None = None,
        description: app_commands.Range[str, 1, 1000] | None = None,
        places: int | None = None,
        deadline: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Create a Discord event, announce it, remind before it and call for feedback after it."""
        guild, now, zone = interaction.guild, self.bot.clock.now(), self.bot.settings.timezone
        draft = check_event(
            title=title, start=start, end=end, location=location, description=description, now=now, zone=zone
        )
        check_places(places)
        closes = read_deadline(deadline, epoch(draft.starts_at), now, zone)
        target = channel or interaction.channel
        if guild is None or not isinstance(target, discord.TextChannel):
            raise UserError("events.error.text_channel_only")
        problems = posting_problems(
            ChannelUse(target.name, "events.purpose", target, needs_history=True),
            target.permissions_for(guild.me),
        )
        if problems:
            raise UserError(
                "events.error.cannot_post", channel=target.mention, problem=self.t(interaction, problems[0])
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            created = await guild.create_scheduled_event(
                name=draft.title,
                start_time=draft.starts_at,
                end_time=draft.ends_at,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=draft.location or self.t(interaction, "events.default_location")[:100],
                description=draft.description or discord.utils.MISSING,
                reason=f"/event create by {interaction.user.id}",
            )
        except discord.Forbidden:
            raise UserError("events.error.cannot_create") from None
        except discord.HTTPException as error:
            log.warning("Discord refused a scheduled event (%s %s)", error.status, error.code)
            raise UserError("events.error.refused") from None
        tracked = await self.track(created, channel_id=target.id)
        words = self.bot.catalogue.words(tracked.language)
        board = await self.registration_board.open(tracked, places=places, deadline=closes)
        try:
            message = await target.send(
                embed=announcement_embed(tracked, words, sessions=await self.programme.sessions(tracked.id)),
                **self.registration_board.parts(tracked, board),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            # Nothing half-made: without its announcement, the event is undone.
            log.warning("could not announce event %s in %s (%s)", tracked.id, target.id, error.status)
            await self.store.forget_event(tracked.id)
            key = "events.error.announcement_refused"
            try:
                await created.delete(reason="announcement refused")
            except discord.HTTPException:
                log.warning("could not delete event %s after a refused announcement", tracked.id)
                key = "events.error.announcement_refused_event_left"
            raise UserError(key, channel=target.mention) from None
        await self.store.set_announcement(tracked.id, message.id)
        await self.registration_board.attach(tracked.id, target.id, message.id, board)
        self.passes.wake()
        await send_ephemeral(
            interaction,
            self.t(interaction, "events.created", link=tracked.link, announcement=message.jump_url),
        )

    # ---- /event list, report, export, compare -----------------------------------------------------

    @event.command(name="list")
    async def list_events(self, interaction: discord.Interaction[Agora]) -> None:
        """Upcoming and recent events, with their feedback status."""
        since = epoch(self.bot.clock.now()) - RECENT_DAYS * 86400
        events = await self.store.in_guild(interaction.guild_id or 0, since=since, limit=30)
        if not events:
            await send_ephemeral(interaction, self.t(interaction, "events.list.empty"))
            return
        counts = await self.answers.response_counts([e.id for e in events])
        words = self.bot.catalogue.words(interaction.locale)
        lines = [list_line(e, counts.get(e.id, 0), words) for e in events]
        embed = discord.Embed(
            title=self.t(interaction, "events.list.title"), description=join_within(lines, 4000)
        )
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def event_in_guild(self, interaction: discord.Interaction[Agora], value: str) -> TrackedEvent:
        event = await self.store.get(event_id) if (event_id := parse_id(value)) is not None else None
        if event is None and event_id is not None and interaction.guild is not None:
            # Made in Discord a moment ago: the gateway told discord.py, whose listener has not recorded
            # it yet (it may be busy). Recording it now is what the listener would do.
            scheduled = interaction.guild.get_scheduled_event(event_id)
            event = await self.track(scheduled) if scheduled is not None else None
        if event is None or event.guild_id != interaction.guild_id:
            raise UserError("events.error.unknown_event")
        return event

    @event.command(name="report")
    @app_commands.describe(event="The event")
    @requires(Rank.organiser)
    async def report(self, interaction: discord.Interaction[Agora], event: str) -> None:
        """The feedback report of an event, with its chart (only to you)."""
        target = await self.event_in_guild(interaction, event)
        await interaction.response.defer(ephemeral=True, thinking=True)
        embeds, chart = await self.reporter.report(target, self.bot.catalogue.resolve(interaction.locale))
        await interaction.followup.send(
            embeds=embeds, file=chart, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @event.command(name="export")
    @app_commands.describe(event="The event")
    @requires(Rank.organiser)
    async def export(self, interaction: discord.Interaction[Agora], event: str) -> None:
        """A CSV of an event's feedback (member ids only when feedback is not anonymous)."""
        target = await self.event_in_guild(interaction, event)
        await interaction.response.defer(ephemeral=True, thinking=True)  # every feature's part is built
        files = await self.reporter.export(target, self.bot.catalogue.resolve(interaction.locale))
        await interaction.followup.send(
            self.t(interaction, "feedback.exported", name=discord.utils.escape_markdown(target.name)),
            files=files,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @event.command(name="compare")
    @requires(Rank.organiser)
    async def compare(self, interaction: discord.Interaction[Agora]) -> None:
        """Rating and Net Promoter Score across the season's events, as a chart."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        season = await self.reporter.season(
            interaction.guild_id or 0, self.bot.catalogue.resolve(interaction.locale)
        )
        if season is None:
            await send_ephemeral(interaction, self.t(interaction, "feedback.season.empty"))
            return
        embed, chart = season
        await interaction.followup.send(embed=embed, file=chart, ephemeral=True)

    @report.autocomplete("event")
    @export.autocomplete("event")
    async def event_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        zone = self.bot.settings.timezone
        choices = []
        for event in await self.store.recent_first(interaction.guild_id or 0, limit=100):
            if needle in event.name.casefold():
                day = datetime.fromtimestamp(event.starts_at, zone).strftime("%d.%m.%Y")
                label = f"{event.name[:85]} · {day}"
                choices.append(app_commands.Choice(name=label, value=str(event.id)))
        return choices[:AUTOCOMPLETE_LIMIT]
