"""The results post when a poll closes: the final counts and a bar chart, sent once."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from agora import charts
from agora.escaping import fit_escaped
from agora.i18n import Words
from cogs.polls.render import letter, poll_embed
from cogs.polls.store import Poll, PollStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

VOTERS_SHOWN = 30
EMBED_MAX = 6000
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024


class ResultsPoster:
    def __init__(self, bot: Agora, store: PollStore) -> None:
        self.bot = bot
        self.store = store
        # Polls whose results are being drawn and sent: the deadline pass must not post them again.
        self._in_flight: set[int] = set()

    async def post(self, poll: Poll) -> None:
        """Post the results of a closed poll once; recorded, so a restart never posts them twice."""
        if poll.id in self._in_flight or poll.results_message_id is not None:
            return
        self._in_flight.add(poll.id)
        try:
            await self._post(poll)
        finally:
            self._in_flight.discard(poll.id)

    async def _post(self, poll: Poll) -> None:
        channel = self.bot.get_channel(poll.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("poll %s closed but its channel %s is gone", poll.id, poll.channel_id)
            return
        words = self.words(poll)
        tally = await self.store.tally(poll)
        guild = self.bot.get_guild(poll.guild_id)
        embed = poll_embed(poll, tally, words, member_count=guild.member_count if guild else None, final=True)
        closed = datetime.fromtimestamp(poll.closed_at or 0, UTC).astimezone(self.bot.settings.timezone)
        png = await asyncio.to_thread(
            charts.poll_results_png,
            title=poll.question,
            subtitle=words(
                "polls.results.subtitle", votes=tally.voters, date=closed.strftime("%d.%m.%Y %H:%M")
            ),
            labels=list(poll.options),
            counts=list(tally.counts),
        )
        embed.set_image(url="attachment://results.png")
        reference = None
        if poll.message_id:
            reference = discord.MessageReference(
                message_id=poll.message_id, channel_id=poll.channel_id, fail_if_not_exists=False
            )
        try:
            message = await channel.send(
                words("polls.results.announce"),
                embed=embed,
                file=discord.File(io.BytesIO(png), filename="results.png"),
                reference=reference,  # type: ignore[arg-type]
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException:
            log.exception("could not post the results of poll %s in channel %s", poll.id, poll.channel_id)
            return
        await self.store.set_results_message(poll.id, message.id)

    def words(self, poll: Poll) -> Words:
        return self.bot.catalogue.words(poll.language)

    async def add_voters(self, embed: discord.Embed, poll: Poll, words: Any) -> None:
        """Who voted what, for organisers, on polls that are not anonymous, within the embed's limits
        (the export has every vote)."""
        by_option: dict[int, list[int]] = {}
        for position, user_id, _ in await self.store.votes(poll.id):
            by_option.setdefault(position, []).append(user_id)
        listed = [(p, label) for p, label in enumerate(poll.options) if by_option.get(p)]
        for index, (position, label) in enumerate(listed):
            if len(embed.fields) >= FIELDS_MAX:
                break
            name = f"{letter(position)} {fit_escaped(label, FIELD_NAME_MAX - 3)}"
            # What is left of the 6,000 characters is shared by the fields still to come.
            share = (EMBED_MAX - len(embed)) // (len(listed) - index) - len(name)
            value = voters_within(
                by_option[position],
                min(FIELD_VALUE_MAX, share),
                lambda count: words("polls.results.more_voters", count=count),
            )
            if not value:
                break
            embed.add_field(name=name, value=value, inline=False)


def voters_within(user_ids: list[int], limit: int, more: Callable[[int], str]) -> str:
    """Mentions of the first voters (at most `VOTERS_SHOWN`), then `more(how many left)`, within
    `limit` characters; "" when not even the count fits."""
    for shown in range(min(len(user_ids), VOTERS_SHOWN), -1, -1):
        parts = [f"<@{user_id}>" for user_id in user_ids[:shown]]
        if shown < len(user_ids):
            parts.append(more(len(user_ids) - shown))
        text = " ".join(parts)
        if len(text) <= limit:
            return text
    return ""
