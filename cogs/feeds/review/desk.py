"""The organisers' clicks on a review post: *Publish*, *Publish with a comment* (its form), *Skip*.

Only organisers decide (a member's click, forged or not, changes nothing). Every answer is private and
in the organiser's language; publishing is deferred first, since the post (and waiting behind another
organiser's click on the same review) may take longer than Discord's 3 seconds. The first click wins
in the store (review/store.py); a later one is told what became of the article. A click past the
review's time is told it expired, and closes the review then rather than at the next pass.

The same buttons come on the review post and on the private copy `/feed queue`'s menu shows (`pick`).
A click or a form from that private card updates the card itself (a deferred update, then the card
edited): it shows what became of the article, without buttons once decided, as the review post does;
the answer comes as a private follow-up. The review post's own clicks keep their private answers, the
post redrawn by the queue.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.i18n import Words
from agora.ids import StaleComponent
from agora.permissions import Rank, ensure_rank
from cogs.feeds.review.render import answer_key, failure_words
from cogs.feeds.review.store import EXPIRED, PENDING, PUBLISHED, PUBLISHING, Review
from cogs.feeds.review.views import COMMENT, SKIP, CommentForm, read_form

if TYPE_CHECKING:
    from agora.client import Agora
    from cogs.feeds.review.queue import Outcome, ReviewQueue

log = logging.getLogger(__name__)
NO_PINGS = discord.AllowedMentions.none()


def on_card(interaction: discord.Interaction[Agora]) -> bool:
    """Whether a click or a form came from the private card `/feed queue` showed (a review post is
    never ephemeral)."""
    message = interaction.message
    return message is not None and message.flags.ephemeral


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
        click came from its own post (a forged or mangled one names nothing: the stale answer) or from
        the private copy `/feed queue` showed them (only they see it; it decides nothing they could not
        decide from the queue)."""
        ensure_rank(interaction, Rank.organiser)
        review = await self.store.get(review_id)
        message = interaction.message
        shown_on = message.id if message is not None and not message.flags.ephemeral else None
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
        card = on_card(interaction)
        if not await self.waiting(interaction, review, words, card=card):
            return
        if action == COMMENT:
            await interaction.response.send_modal(CommentForm(review.id, words, review.comment))
        elif action == SKIP:
            await self.skip(interaction, review, words, card=card)
        else:
            await self.publish(interaction, review.id, None, words, card=card)

    async def submit_comment(self, interaction: discord.Interaction[Agora]) -> None:
        """A comment form sent (handed over by bot.forms): published with the comment, or told why not."""
        review_id, comment = read_form(interaction.data or {})
        review = await self.review_of(interaction, review_id, form=True)
        words = self.words(interaction)
        card = on_card(interaction)  # the form opened from the card's button answers on the card
        if await self.waiting(interaction, review, words, card=card):
            await self.publish(interaction, review.id, comment, words, card=card)

    async def pick(self, interaction: discord.Interaction[Agora], review_id: int) -> None:
        """An article chosen in `/feed queue`'s menu: shown privately as its review post shows it, with
        the same buttons, in the organiser's language; or what became of it."""
        review = await self.review_of(interaction, review_id)
        words = self.words(interaction)
        if await self.waiting(interaction, review, words):
            parts = await self.queue.parts(review, words=words)
            await interaction.response.send_message(
                **parts, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )

    async def waiting(
        self, interaction: discord.Interaction[Agora], review: Review, words: Words, *, card: bool = False
    ) -> bool:
        """Whether the review still waits for a decision; if not, the organiser is told what became of
        it (and it is closed if its feed was removed or its time is past), and a card clicked shows it."""
        if review.feed_id is not None and review.state == PENDING and not self.overdue(review):
            return True
        if card:
            await self.acknowledge(interaction, card=True)
        if review.feed_id is None:
            await self.feed_removed(interaction, review, words)
        else:
            await self.decided(interaction, review, words)
        if card:
            await self.show_card(interaction, review.id, words)
        return False

    @staticmethod
    async def acknowledge(interaction: discord.Interaction[Agora], *, card: bool) -> None:
        """Discord's 3 seconds met before anything slow. A card is updated in place: a deferred update,
        the card edited once the decision is known, the answer a follow-up. The review post's clicks get
        a private answer, "thinking" meanwhile (the post is the queue's to redraw)."""
        if card:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)

    async def show_card(
        self,
        interaction: discord.Interaction[Agora],
        review_id: int,
        words: Words,
        *,
        link: str | None = None,
    ) -> None:
        """The private card shows what became of the article, as the review post does: without buttons
        once decided, with them and the reason after a failed publishing. Left as it is while another
        click publishes (that may fail and put the article back); shown as being published once Discord
        left the post unconfirmed. Best effort: the decision stands whether or not the card says it."""
        review = await self.store.get(review_id)
        if review is None or (review.state == PUBLISHING and review.last_error is None):
            return
        if review.state == PUBLISHED and link is None:
            link = await self.queue.published_link(review)
        parts = await self.queue.parts(review, published=link, words=words)
        try:
            await interaction.edit_original_response(allowed_mentions=NO_PINGS, **parts)
        except discord.HTTPException as error:
            log.warning("review %s: the private card could not be updated (%s)", review_id, error.status)

    def overdue(self, review: Review) -> bool:
        """Past its time on the injected clock, whether or not the pass has marked it expired yet."""
        return review.state == PENDING and review.expires_at <= epoch(self.bot.clock.now())

    async def decided(self, interaction: discord.Interaction[Agora], review: Review, words: Words) -> None:
        """A click on a review no longer waiting: told what became of it. One past its time is closed
        now (its post says so) rather than at the next pass, minutes away."""
        if not self.overdue(review):
            await send_ephemeral(interaction, words(answer_key(review)))
            return
        await send_ephemeral(interaction, words(answer_key(replace(review, state=EXPIRED))))
        await self.queue.expire_due()

    async def skip(
        self, interaction: discord.Interaction[Agora], review: Review, words: Words, *, card: bool
    ) -> None:
        # Acknowledged first: the write may wait behind others (counting activity, a publishing).
        await self.acknowledge(interaction, card=card)
        if not await self.store.skip(review.id, self.bot.clock.now()):
            await self.decided(interaction, await self.store.get(review.id) or review, words)
        else:
            await send_ephemeral(interaction, words("feeds.review.answer.skipped"))
            skipped = await self.store.get(review.id)
            if skipped is not None:
                await self.queue.redraw(skipped)
        if card:
            await self.show_card(interaction, review.id, words)

    async def publish(
        self,
        interaction: discord.Interaction[Agora],
        review_id: int,
        comment: str | None,
        words: Words,
        *,
        card: bool,
    ) -> None:
        # Acknowledged first: the post, and another organiser's click on the same review, take time.
        await self.acknowledge(interaction, card=card)
        async with self.queue.lock(review_id):
            claimed = await self.store.claim(review_id, comment, self.bot.clock.now())
            if claimed is None:
                current = await self.store.get(review_id)
                if current is None:
                    raise StaleComponent
                if current.feed_id is None:
                    await self.feed_removed(interaction, current, words)
                else:
                    await self.decided(interaction, current, words)
                outcome = None
            else:
                # A review waiting in the queue was never posted: a failure that may have posted it
                # leaves it publishing, for the pass to look for (review/queue.py).
                outcome = await self.queue.publish(claimed, look_first=False)
                await self.queue.shown(review_id, outcome)
        if outcome is not None:
            log.info("review %s: %s by an organiser's click", review_id, outcome.kind)
            await send_ephemeral(interaction, self.outcome_words(outcome, words))
        if card:
            await self.show_card(interaction, review_id, words, link=outcome.link if outcome else None)

    @staticmethod
    def outcome_words(outcome: Outcome, words: Words) -> str:
        if outcome.kind == "published":
            return words("feeds.review.answer.published", link=outcome.link or "")
        if outcome.kind == "feed_removed":
            return words("feeds.review.answer.feed_removed")
        if outcome.kind == "unconfirmed":
            return words("feeds.review.answer.unconfirmed")
        key = "feeds.review.answer.refused" if outcome.kind == "refused" else "feeds.review.answer.failed"
        return words(key, reason=failure_words(outcome.code, words))

    async def feed_removed(
        self, interaction: discord.Interaction[Agora], review: Review, words: Words
    ) -> None:
        """The article's feed is no longer followed: nothing to publish. Told first, then the review is
        closed and its post says so."""
        await send_ephemeral(interaction, words("feeds.review.answer.feed_removed"))
        await self.queue.close_removed(review.id)
