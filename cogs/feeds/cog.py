"""`/feed add|list|remove|preview|resume` (`/flux …`) and the background poller's lifecycle; `/feed edit`
is in mode_commands.py. The feeds' part of the digest and the engagement report is in pulse.py."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from agora.channels import ChannelUse, find_channel, posting_problems
from agora.errors import UserError, send_ephemeral
from agora.ids import parse_id
from agora.permissions import Rank, ensure_rank, requires
from agora.scheduling import cancel_and_wait
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.declared import subscribe_declared
from cogs.feeds.failure import FeedFailure
from cogs.feeds.fetch import FeedFetcher, FetchError, FetchResult, check_url
from cogs.feeds.filters import parse_keywords
from cogs.feeds.groups import feed as feed_group
from cogs.feeds.mode_commands import MODE_CHOICES, ModeCommands, added_key, as_mode
from cogs.feeds.model import FeedMode
from cogs.feeds.parse import ParsedFeed
from cogs.feeds.poller import FeedPoller
from cogs.feeds.pool import FeedParserPool
from cogs.feeds.publisher import FeedSource, Publisher
from cogs.feeds.queue_commands import QueueCommands
from cogs.feeds.render import describe_error, feed_list_embed, quoted_title
from cogs.feeds.review.queue import ReviewQueue
from cogs.feeds.store import Feed, FeedAlreadyFollowed, FeedStore, NewFeed
from cogs.feeds.views import AlternateFeedsView

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

MAX_KEYWORDS_LENGTH = 300
AUTOCOMPLETE_LIMIT = 25


class FeedsCog(ModeCommands, QueueCommands, commands.Cog):
    feed = feed_group

    def __init__(self, bot: Agora, *, fetcher: FeedFetcher, parser: FeedParserPool) -> None:
        self.bot = bot
        self.store = FeedStore(bot.database)
        self.articles = ArticleStore(bot.database)
        self.fetcher = fetcher
        self.parser = parser
        self.publisher = Publisher(bot)
        self.review_queue = ReviewQueue(bot, self.store, self.publisher)
        self.interval = timedelta(seconds=bot.settings.feed_interval_seconds)
        self.poller = FeedPoller(
            store=self.store,
            fetcher=fetcher,
            parser=parser,
            publisher=self.publisher,
            clock=bot.clock,
            interval=self.interval,
            on_paused=self.tell_organisers,
            review_queue=self.review_queue,
        )
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.member_data.register(self.store)
        self._task = asyncio.create_task(self.run(), name="feed-poller")
        self.review_queue.start()  # its pass: review posts to send, publishings to finish, expiries

    async def cog_unload(self) -> None:
        self.bot.member_data.unregister(self.store)
        await cancel_and_wait(self._task)
        await self.review_queue.close()
        await self.fetcher.close()
        await self.parser.close()

    async def run(self) -> None:
        await self.bot.wait_until_ready()
        # The parser's workers are not started here: they start on the first body to parse (none
        # at all without feeds) and stop after a quiet period (pool.py).
        try:
            await subscribe_declared(self.bot, self.store)
        except Exception:
            log.exception("could not subscribe the feeds declared in AGORA_FEEDS")
        # Wake often enough that a feed is never late by more than a minute past its interval.
        self.poller.recurring.tick = min(60.0, self.interval.total_seconds())
        await self.poller.recurring.run_forever()

    # ---- what organisers are told ---------------------------------------------------------------

    async def tell_organisers(self, feed: Feed) -> None:
        """Once, when a feed is paused after a day of failures."""
        guild = self.bot.get_guild(feed.guild_id)
        if guild is None:
            return
        channel = find_channel(guild, self.bot.settings.organiser_channel) or guild.get_channel(
            feed.channel_id
        )
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("feed %s paused; no channel to tell the organisers in", feed.id)
            return
        catalogue, locale = self.bot.catalogue, self.bot.settings.locale
        text = catalogue.translate(
            "feeds.paused_notice",
            locale,
            title=quoted_title(feed.display_name),
            url=feed.url,
            error=describe_error(catalogue, locale, feed.last_error, feed.last_error_values),
            failures=feed.failures,
        )
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.exception("could not tell the organisers that feed %s is paused", feed.id)

    async def channels_in_use(self, guild: discord.Guild) -> list[ChannelUse]:
        uses = []
        for feed in await self.store.in_guild(guild.id):
            if feed.mode == "digest":
                continue  # its articles go to the weekly digest's channel (checked there), never to its own
            channel = guild.get_channel(feed.channel_id)
            postable = channel if isinstance(channel, discord.TextChannel) else None
            uses.append(
                ChannelUse(f"<#{feed.channel_id}>", "feeds.purpose", postable, needs_threads=feed.open_thread)
            )
        for declared in self.bot.settings.feeds:
            if find_channel(guild, declared.channel) is None:
                uses.append(ChannelUse(declared.channel, "feeds.purpose", None))
        return uses

    # ---- commands -------------------------------------------------------------------------------

    async def fetch_and_parse(self, url: str) -> tuple[str, ParsedFeed, FetchResult]:
        result = await self.fetcher.fetch(check_url(url))
        if result.body is None:
            raise FetchError("http_status", status=304)
        parsed = await self.parser.parse(result.body, result.url, result.content_type)
        return result.url, parsed, result

    @feed.command(name="add")
    @app_commands.describe(
        url="The feed's address (or a blog page that advertises its feed)",
        channel="Where new articles are posted (default: here)",
        role="A role to ping for each new article",
        include="Only articles mentioning one of these words (comma-separated)",
        exclude="Never articles mentioning one of these words (comma-separated)",
        thread="Open a discussion thread on each article",
        mode="Post each article at once, keep them for the weekly digest, or have organisers review them",
    )
    @app_commands.choices(mode=MODE_CHOICES)
    @requires(Rank.organiser)
    async def add(
        self,
        interaction: discord.Interaction[Agora],
        url: app_commands.Range[str, 1, 500],
        channel: discord.TextChannel | None = None,
        role: discord.Role | None = None,
        include: app_commands.Range[str, 1, MAX_KEYWORDS_LENGTH] | None = None,
        exclude: app_commands.Range[str, 1, MAX_KEYWORDS_LENGTH] | None = None,
        thread: bool = False,
        mode: app_commands.Choice[str] | None = None,
    ) -> None:
        """Follow a feed: each new article is posted once, in the channel you choose."""
        guild = interaction.guild
        target = channel or interaction.channel
        if guild is None or not isinstance(target, discord.TextChannel):
            raise UserError("feeds.error.text_channel_only")
        self.check_can_post(interaction, target, thread=thread)
        if role is not None:
            self.check_can_ping(target, role)
        await interaction.response.defer(ephemeral=True, thinking=True)
        options = AddOptions(
            target, role, include or "", exclude or "", thread, mode.value if mode else "instant"
        )
        await self.subscribe(interaction, url, options)

    async def subscribe(self, interaction: discord.Interaction[Agora], url: str, options: AddOptions) -> None:
        """Fetch, check, store and prime a feed; answers the (deferred) interaction."""
        t = self.bot.catalogue.for_interaction
        try:
            final_url, parsed, result = await self.fetch_and_parse(url)
        except FeedFailure as refused:
            alternates = refused.values.get("alternates") or []
            if refused.code == "not_a_feed" and alternates:
                view = AlternateFeedsView(self, options, [str(a) for a in alternates][:5], interaction)
                await interaction.followup.send(
                    t(interaction, "feeds.offer_alternates", url=url), view=view, ephemeral=True
                )
                return
            raise UserError(
                "feeds.error.refused",
                reason=describe_error(self.bot.catalogue, interaction.locale, refused.code, refused.values),
            ) from None
        now = self.bot.clock.now()
        new = NewFeed(
            guild_id=options.channel.guild.id,
            url=final_url,
            channel_id=options.channel.id,
            role_id=options.role.id if options.role else None,
            include_keywords=options.include,
            exclude_keywords=options.exclude,
            open_thread=options.thread,
            source="command",
            added_by=interaction.user.id,
            title=parsed.title,
            site_url=parsed.link,
            icon_url=parsed.icon_url,
            mode=options.mode,
        )
        try:
            feed = await self.store.add(new, now, next_fetch_at=now + self.interval)
        except FeedAlreadyFollowed:
            raise UserError("feeds.error.already_followed", channel=options.channel.mention) from None
        delivery = await self.poller.prime(feed, parsed, result)
        key = added_key(feed.mode, posted=delivery.posted > 0)
        added = t(interaction, key, title=quoted_title(feed.display_name), channel=options.channel.mention)
        await send_ephemeral(interaction, "\n".join([added, *self.mode_warnings(interaction, feed.mode)]))

    def check_can_post(
        self, interaction: discord.Interaction[Agora], channel: discord.TextChannel, *, thread: bool
    ) -> None:
        use = ChannelUse(channel.name, "feeds.purpose", channel, needs_threads=thread)
        problems = posting_problems(use, channel.permissions_for(channel.guild.me))
        if problems:
            problem = self.bot.catalogue.for_interaction(interaction, problems[0])
            raise UserError("feeds.error.cannot_post", channel=channel.mention, problem=problem)

    def check_can_ping(self, channel: discord.TextChannel, role: discord.Role) -> None:
        if role.is_default():
            raise UserError("feeds.error.everyone_role")
        if not role.mentionable and not channel.permissions_for(channel.guild.me).mention_everyone:
            raise UserError("feeds.error.role_not_mentionable", role=role.mention)

    @feed.command(name="list")
    @requires(Rank.organiser)
    async def list_feeds(self, interaction: discord.Interaction[Agora]) -> None:
        """The feeds this server follows, with their status."""
        assert interaction.guild_id is not None  # noqa: S101 — guild_only group
        feeds = await self.store.in_guild(interaction.guild_id)
        embed = feed_list_embed(self.bot.catalogue, interaction.locale, feeds)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @feed.command(name="remove")
    @app_commands.describe(feed="The feed to stop following")
    @requires(Rank.organiser)
    async def remove(self, interaction: discord.Interaction[Agora], feed: str) -> None:
        """Stop following a feed."""
        target = await self.resolve_feed(interaction, feed)
        await self.store.remove(target.guild_id, target.id)
        await send_ephemeral(
            interaction,
            self.bot.catalogue.for_interaction(
                interaction, "feeds.removed", title=quoted_title(target.display_name)
            ),
        )

    @feed.command(name="resume")
    @app_commands.describe(feed="The paused feed to fetch again")
    @requires(Rank.organiser)
    async def resume(self, interaction: discord.Interaction[Agora], feed: str) -> None:
        """Fetch a paused feed again."""
        target = await self.resolve_feed(interaction, feed)
        await self.store.resume(target.guild_id, target.id, self.bot.clock.now())
        await send_ephemeral(
            interaction,
            self.bot.catalogue.for_interaction(
                interaction, "feeds.resumed", title=quoted_title(target.display_name)
            ),
        )
        self.poller.wake()

    @feed.command(name="preview")
    @app_commands.describe(url="The feed's address")
    @requires(Rank.organiser)
    async def preview(
        self, interaction: discord.Interaction[Agora], url: app_commands.Range[str, 1, 500]
    ) -> None:
        """See the latest article exactly as it would be posted, without following the feed."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            _, parsed, _ = await self.fetch_and_parse(url)
        except FeedFailure as refused:
            raise UserError(
                "feeds.error.refused",
                reason=describe_error(self.bot.catalogue, interaction.locale, refused.code, refused.values),
            ) from None
        if not parsed.entries:
            raise UserError("feeds.error.empty")
        _, embed = await self.publisher.message_for(
            FeedSource(parsed.title, parsed.link, parsed.icon_url), parsed.entries[-1], None
        )
        await interaction.followup.send(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def resolve_feed(self, interaction: discord.Interaction[Agora], value: str) -> Feed:
        feed = await self.store.get(feed_id) if (feed_id := parse_id(value)) is not None else None
        if feed is None or feed.guild_id != interaction.guild_id:
            raise UserError("feeds.error.unknown_feed")
        return feed

    @remove.autocomplete("feed")
    @resume.autocomplete("feed")
    async def feed_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            ensure_rank(interaction, Rank.organiser)
        except UserError:
            return []
        needle = current.casefold()
        feeds = await self.store.in_guild(interaction.guild_id or 0)
        matching = [f for f in feeds if needle in f.display_name.casefold() or needle in f.url.casefold()]
        return [
            app_commands.Choice(name=choice_label(f), value=str(f.id)) for f in matching[:AUTOCOMPLETE_LIMIT]
        ]


def choice_label(feed: Feed) -> str:
    label = f"{'⏸ ' if feed.paused else ''}{feed.display_name} — {feed.url}"
    return label if len(label) <= 100 else label[:99] + "…"


class AddOptions:
    def __init__(
        self,
        channel: discord.TextChannel,
        role: discord.Role | None,
        include: str,
        exclude: str,
        thread: bool,
        mode: str = "instant",
    ) -> None:
        self.mode: FeedMode = as_mode(mode)
        self.channel = channel
        self.role = role
        self.include = ", ".join(parse_keywords(include))
        self.exclude = ", ".join(parse_keywords(exclude))
        self.thread = thread
