"""Posting a weekly digest: built from the features' sections (bot.pulse), posted once per period, and
the organisers told once when its channel refuses it.

A digest is claimed in pulse_posts before it is built, then marked posted (with the end of the span it
covered, where the next one starts), skipped with a reason, or released to be tried again. A channel
the bot cannot post in (missing, or without the permissions to post an embed there) is seen before
anything is sent: nothing is claimed, the organisers are told once, and the scheduled pass tries again
each minute (no request reaches Discord meanwhile) until the digest is posted or its week is over, when
it is recorded skipped for that reason. Discord's own refusal of the post (403, 404) is not retried —
Discord counts refusals against the bot — and is recorded skipped 'refused', the organisers told.
Discord's trouble (5xx, 429, a broken connection) or the bot stopping mid-post leaves the claim: the next
attempt, in this process or after a restart, looks for the post in the channel before sending it. A
/digest now has no next attempt of its own (its key is its second): the next digest settles it first
(`settle_interrupted`), so that it starts where that post ended if it went out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import discord

from agora.channels import ChannelUse, PostableChannel, find_channel, find_own_post, posting_problems
from agora.clock import epoch
from agora.i18n import Words
from agora.pulse import Span
from cogs.pulse.digest import render, schedule
from cogs.pulse.post_store import PostStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

KIND: Literal["digest"] = "digest"
NOTICE = "digest_channel"  # the problem, in pulse_notices
PURPOSE = "pulse.digest.purpose"

Outcome = Literal["posted", "empty", "covered", "taken", "busy", "channel", "refused"]


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    message: discord.Message | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Where:
    """The digest channel as configured, found, and what stops Agora from posting there (catalogue keys
    of config.problem.*, already in words)."""

    reference: str
    channel: PostableChannel | None
    problems: list[str]

    @property
    def usable(self) -> bool:
        return self.channel is not None and not self.problems

    @property
    def shown(self) -> str:
        return self.channel.mention if self.channel is not None else f"`{self.reference.replace('`', '')}`"


class Publisher:
    def __init__(self, bot: Agora, store: PostStore) -> None:
        self.bot = bot
        self.store = store
        self._told: set[int] = set()  # guilds whose organisers were told, to spare a write per pass

    @property
    def words(self) -> Words:
        """The digest speaks the server's language (AGORA_LOCALE), whoever asks for it."""
        return self.bot.catalogue.words(self.bot.settings.locale)

    def use(self, guild: discord.Guild) -> ChannelUse | None:
        reference = self.bot.settings.digest_channel
        if not reference:
            return None
        # needs_history: after a crash mid-post, the post is looked for before it is sent again.
        return ChannelUse(reference, PURPOSE, find_channel(guild, reference), needs_history=True)

    def where(self, guild: discord.Guild, words: Words) -> Where | None:
        """The digest channel and its problems; None when no digest channel is configured."""
        use = self.use(guild)
        if use is None:
            return None
        if use.channel is None:
            return Where(use.reference, None, [words("config.problem.not_found", ref=use.reference)])
        keys = posting_problems(use, use.channel.permissions_for(guild.me))
        return Where(use.reference, use.channel, [words(key) for key in keys])

    async def build(self, guild_id: int, span: Span) -> list[discord.Embed]:
        """The digest of `span` as it would be posted; empty when no section has a line."""
        words = self.words
        sections = await self.bot.pulse.digest_sections(guild_id, span, words)
        zone = self.bot.settings.timezone
        first = datetime.fromtimestamp(span.start, UTC).astimezone(zone).date()
        last = datetime.fromtimestamp(span.end - 1, UTC).astimezone(zone).date()
        pages = render.fit(render.title(first, last, words), sections, words)
        return render.embeds(pages, datetime.fromtimestamp(span.end, UTC))

    async def start_of(self, guild_id: int, earliest: int) -> int:
        """Where a digest starts: `earliest` (a week before its time), or later if a digest posted since
        covered up to a later moment."""
        last = await self.store.last_posted(guild_id, KIND)
        return max(earliest, last.until if last and last.until is not None else 0)

    async def post(self, guild: discord.Guild, where: Where, period: str, span: Span) -> Result:
        """Post the digest of `span` as `period`, once; `where` must be usable (see `where`)."""
        now = epoch(self.bot.clock.now())
        claim = await self.store.claim(guild.id, KIND, period, now, until=span.end)
        if not claim.owned:
            return Result("busy" if claim.state == "posting" else "taken")
        channel = where.channel
        assert channel is not None  # noqa: S101 — checked by the caller, as `where.usable`
        sending = False  # from here on, the post may have reached the channel
        try:
            if span.start >= span.end:
                await self.store.mark_skipped(guild.id, KIND, period, "covered", now)
                return Result("covered")
            found = await self._find(channel, span.end) if claim.interrupted else None
            if found is not None:
                await self._posted(guild, period, found, span.end)
                return Result("posted", found)
            embeds = await self.build(guild.id, span)
            if not embeds:
                await self.store.mark_skipped(guild.id, KIND, period, "empty", now)
                return Result("empty")
            sending = True
            message = await channel.send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:
                # Discord's trouble, not a refusal: the next pass looks for the post, then sends it.
                self.store.leave(guild.id, KIND, period)
                raise
            status = error.status
            log.warning("digest %s refused in channel %s (%s)", period, channel.id, status)
            await self.store.mark_skipped(guild.id, KIND, period, "refused", now)
            await self._tell(
                guild,
                lambda words: words("pulse.digest.notice_refused", channel=where.shown, status=status),
            )
            return Result("refused")
        except asyncio.CancelledError:
            self.store.leave(guild.id, KIND, period)  # the bot is stopping: the next start looks first
            raise
        except Exception:
            if sending:
                self.store.leave(guild.id, KIND, period)
            else:
                await self.store.release(guild.id, KIND, period)
            raise
        await self._posted(guild, period, message, span.end)
        return Result("posted", message)

    async def settle_interrupted(self, guild: discord.Guild, where: Where) -> None:
        """Each /digest now an attempt left unrecorded (the bot stopped mid-post, Discord failed): found
        in the channel, it is recorded posted, with the end of its span, so the next digest starts
        there; not found, it never went out and is recorded skipped ('interrupted'). A scheduled
        digest's own next claim settles it (`post`). Done before a digest reads where the last ended."""
        channel = where.channel
        if channel is None or not where.usable:
            return  # looked at again once the channel can be read
        for left in await self.store.interrupted(guild.id, KIND):
            if not schedule.is_manual(left.period) or left.until is None:
                continue
            now = epoch(self.bot.clock.now())
            claim = await self.store.claim(guild.id, KIND, left.period, now)
            if not claim.owned:
                continue
            try:
                found = await self._find(channel, left.until)
            except BaseException:
                self.store.leave(guild.id, KIND, left.period)  # still unknown: looked for again next time
                raise
            if found is not None:
                await self._posted(guild, left.period, found, left.until)
            else:
                await self.store.mark_skipped(guild.id, KIND, left.period, "interrupted", now)
                log.info("digest %s (guild %s) never reached its channel", left.period, guild.id)

    async def _posted(self, guild: discord.Guild, period: str, message: discord.Message, until: int) -> None:
        await self.store.mark_posted(
            guild.id,
            KIND,
            period,
            message.channel.id,
            message.id,
            epoch(self.bot.clock.now()),
            until=until,
        )
        log.info("digest %s posted in channel %s (message %s)", period, message.channel.id, message.id)
        # Posting works again: if the channel breaks later, the organisers are told again.
        await self.store.clear_notice(guild.id, NOTICE)
        self._told.discard(guild.id)

    async def _find(self, channel: PostableChannel, until: int) -> discord.Message | None:
        """The post of an attempt interrupted before it was recorded: the digest's last embed carries
        the end of its span."""

        def is_it(message: discord.Message) -> bool:
            stamp = message.embeds[-1].timestamp if message.embeds else None
            return stamp is not None and epoch(stamp) == until

        return await find_own_post(channel, self.bot.user, is_it)

    async def tell_organisers(
        self, guild: discord.Guild, where: Where, due: datetime, deadline: datetime
    ) -> None:
        """The digest due at `due` waits for its channel (until `deadline`): said once."""
        await self._tell(
            guild,
            lambda words: words(
                "pulse.digest.notice",
                when=f"<t:{epoch(due)}:F>",
                channel=where.shown,
                problems="; ".join(where.problems),
                deadline=f"<t:{epoch(deadline)}:F>",
            ),
        )

    async def _tell(self, guild: discord.Guild, say: Callable[[Words], str]) -> None:
        """Once until posting works again, in the organisers' channel (AGORA_ORGANISER_CHANNEL)."""
        if guild.id in self._told:
            return
        self._told.add(guild.id)
        channel = find_channel(guild, self.bot.settings.organiser_channel)
        if channel is None:
            # Not claimed: organisers given a channel later (a restart with AGORA_ORGANISER_CHANNEL set)
            # are told then.
            log.warning(
                "the digest channel refuses posts; no organisers' channel to say so (guild %s)", guild.id
            )
            return
        if not await self.store.claim_notice(guild.id, NOTICE, epoch(self.bot.clock.now())):
            return
        text = say(self.words)
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            # Told once means tried once: never a refused request again at every pass.
            log.warning(
                "could not tell the organisers of guild %s about the digest (%s)", guild.id, error.status
            )
