"""The organisers' clicks on a review post: *Publish*, *Publish with a comment* (its form), *Skip*.

Only organisers decide (a member's click, forged or not, changes nothing). Every answer is private and
in the organiser's language; publishing is deferred first, since the post (and waiting behind another
organiser's click on the same review) may take longer than Discord's 3 seconds. The first click wins
in the store (review/store.py); a later one is told what became of the article.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from agora.errors import UserError, send_ephemeral
from agora.i18n import Words
from agora.ids import StaleComponent
from agora.permissions import Rank, ensure_rank
from cogs.feeds.review.render import answer_key, failure_words
from cogs.feeds.review.store import PENDING, Review
from cogs.feeds.review.views import COMMENT, SKIP, CommentForm, read_form

if TYPE_CHECKING:
    from agora.client import Agora
    from cogs.feeds.review.queue import Outcome, ReviewQueue

log = logging.getLogger(__name__)


class ReviewDesk:
    def __init__(self, bot: Agora, queue: ReviewQueue) -> None:
        self.bot = bot
        self.queue = queue
        self.store = queue.store

    def words(self, interaction: discord.Interaction[Agora]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

    async def review_of(
        self, interaction: discord.Interaction[Agora], review_id: int, *, form: bool = False
    ) -> Review:
        """The review a click or a form names, once the clicker is an organiser of its server and the
        click came from its own post (a forged or mangled one names nothing: the stale answer)."""
        ensure_rank(interaction, Rank.organiser)
        review = await self.store.get(review_id)
        shown_on = interaction.message.id if interaction.message is not None else None
        if (
            review is None
            or review.guild_id != interaction.guild_id
            or (shown_on is not None and review.review_message_id not in (None, shown_on))
        ):
            raise UserError("errors.stale_form") if form else StaleComponent
        return review

    async def click(self, interaction: discord.Interaction[Agora], review_id: int, action: str) -> None:
        review = await self.review_of(interaction, review_id)
        words = self.words(interaction)
        if review.feed_id is None:
            await self.feed_removed(interaction, review, words)
            return
        if review.state != PENDING:
            await send_ephemeral(interaction, words(answer_key(review)))
            return
        if action == COMMENT:
            await interaction.response.send_modal(CommentForm(review.id, words, review.comment))
        elif action == SKIP:
            await self.skip(interaction, review, words)
        else:
            await self.publish(interaction, review.id, None, words)

    async def submit_comment(self, interaction: discord.Interaction[Agora]) -> None:
        """A comment form sent (handed over by bot.forms): published with the comment, or told why not."""
        review_id, comment = read_form(interaction.data or {})
        review = await self.review_of(interaction, review_id, form=True)
        words = self.words(interaction)
        if review.feed_id is None:
            await self.feed_removed(interaction, review, words)
        elif review.state != PENDING:
            await send_ephemeral(interaction, words(answer_key(review)))
        else:
            await self.publish(interaction, review.id, comment, words)

    async def skip(self, interaction: discord.Interaction[Agora], review: Review, words: Words) -> None:
        # Deferred first: the write may wait behind others (counting activity, a publishing).
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self.store.skip(review.id, self.bot.clock.now()):
            current = await self.store.get(review.id) or review
            await send_ephemeral(interaction, words(answer_key(current)))
            return
        await send_ephemeral(interaction, words("feeds.review.answer.skipped"))
        skipped = await self.store.get(review.id)
        if skipped is not None:
            await self.queue.redraw(skipped)

    async def publish(
        self, interaction: discord.Interaction[Agora], review_id: int, comment: str | None, words: Words
    ) -> None:
        # Deferred first: the post, and another organiser's click on the same review, take time.
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.queue.lock(review_id):
            claimed = await self.store.claim(review_id, comment)
            if claimed is None:
                current = await self.store.get(review_id)
                if current is None:
                    raise StaleComponent
                if current.feed_id is None:
                    await self.feed_removed(interaction, current, words)
                else:
                    await send_ephemeral(interaction, words(answer_key(current)))
                return
            # A failure Discord may have applied anyway (a 5xx): the post is looked for first.
            outcome = await self.queue.publish(claimed, look_first=claimed.last_error == "discord_error")
            await self.queue.shown(review_id, outcome)
        log.info("review %s: %s by an organiser's click", review_id, outcome.kind)
        await send_ephemeral(interaction, self.outcome_words(outcome, words))

    @staticmethod
    def outcome_words(outcome: Outcome, words: Words) -> str:
        if outcome.kind == "published":
            return words("feeds.review.answer.published", link=outcome.link or "")
        if outcome.kind == "feed_removed":
            return words("feeds.review.answer.feed_removed")
        key = "feeds.review.answer.refused" if outcome.kind == "refused" else "feeds.review.answer.failed"
        return words(key, reason=failure_words(outcome.code, words))

    async def feed_removed(
        self, interaction: discord.Interaction[Agora], review: Review, words: Words
    ) -> None:
        """The article's feed is no longer followed: nothing to publish. Told first, then the review is
        closed and its post says so."""
        await send_ephemeral(interaction, words("feeds.review.answer.feed_removed"))
        await self.queue.close_removed(review.id)
