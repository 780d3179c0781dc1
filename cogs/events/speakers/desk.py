"""Speakers hear back, after review: once an event's feedback window closed and its report is done, one
review message per session in the organisers' channel; an organiser's *Send* or *Don't send*; the
speaker's DM (a member), or a file for the organiser to forward (a guest).

Every step is claimed in the store before it is done (speakers/store.py):

- the review's post is claimed, then looked for in the channel before it is posted (a post Discord
  accepted just before a crash is found again), then recorded;
- the first organiser's decision wins in one write; a later click is told who decided and when;
- a decision 'send' claims the delivery; done, it is recorded. One left undone by a restart is finished
  at the next pass: a member's DMs are searched first for the summary (its footer ends with the
  session's marker), so a DM Discord accepted just before the crash is not sent twice; a guest's file,
  whose click answer may be lost, is attached to the review message instead.

Within the running bot, a session's decision and delivery go one at a time (a lock per session): two
organisers clicking at once, or a click and the pass, never both deliver.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord

from agora.channels import PostableChannel, find_own_post
from agora.clock import epoch
from agora.components import carrying
from agora.errors import send_ephemeral
from agora.escaping import literal
from agora.i18n import Words
from agora.ids import StaleComponent
from agora.meetings import Session
from agora.permissions import Rank, ensure_rank
from cogs.events.answer_store import AnswerStore
from cogs.events.direct_messages import Unreachable, send_dm
from cogs.events.model import TrackedEvent
from cogs.events.programme.store import ProgrammeStore
from cogs.events.sessions.figures import session_figures
from cogs.events.sessions.store import SessionRatingStore
from cogs.events.speakers.render import (
    Summary,
    decision_words,
    dm_text,
    file_name,
    guest_name,
    is_summary_of,
    review_content,
    speaker_label,
    summary_embed,
    summary_file,
)
from cogs.events.speakers.store import SEND, SpeakerReview, SpeakerReviewStore
from cogs.events.speakers.views import custom_id, review_view
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


class SpeakerReviews:
    def __init__(
        self,
        bot: Agora,
        events: EventStore,
        answers: AnswerStore,
        organisers_channel: Callable[[TrackedEvent], PostableChannel | None],
    ) -> None:
        self.bot = bot
        self.events = events
        self.answers = answers
        self.organisers_channel = organisers_channel  # found as the report finds it (timeline.py)
        self.store = SpeakerReviewStore(bot.database)
        self.programme = ProgrammeStore(bot.database)
        self.ratings = SessionRatingStore(bot.database)
        self._locks: dict[int, asyncio.Lock] = {}  # per session: its decision and delivery
        self._redraws: set[asyncio.Task[None]] = set()  # reviews redrawn without a forgotten member
        self.store.on_unlinked = self.redraw_soon  # the member who decided

    def words(self, language: str | None) -> Words:
        return self.bot.catalogue.words(language)

    def _lock(self, session_id: int) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())

    # ---- the pass -----------------------------------------------------------------------------------

    async def run_pass(self) -> int:
        """Reviews to claim and post, deliveries to finish; returns how many steps it took."""
        now = self.bot.clock.now()
        steps = 0
        for event_id, session_ids in (await self.store.sessions_due()).items():
            event = await self.events.get(event_id)
            # Without an organisers' channel there is no one to review: nothing is claimed, and a
            # channel configured later brings the reviews.
            if event is not None and self.organisers_channel(event) is not None:
                await self.store.claim(event_id, session_ids, now)
        for review in await self.store.to_post():
            steps += await self._guarded("review", review, self.post(review))
        for review in await self.store.to_deliver():
            steps += await self._guarded("delivery", review, self.finish(review))
        return steps

    async def _guarded(self, step: str, review: SpeakerReview, work: Awaitable[bool]) -> int:
        # One session's trouble must not hold up the others'.
        try:
            return int(await work)
        except Exception:
            log.exception(
                "event %s, session %s: the speaker's %s failed", review.event_id, review.session_id, step
            )
            return 0

    async def _subject(self, review: SpeakerReview) -> tuple[Session, TrackedEvent] | None:
        session = await self.programme.session(review.session_id)
        event = await self.events.get(review.event_id)
        return (session, event) if session is not None and event is not None else None

    async def summary(self, session: Session, event: TrackedEvent) -> Summary:
        figures = session_figures(session.id, await self.ratings.of_event(event.id))
        return Summary(session, event.name, event.link, figures, self.bot.settings.speaker_min_answers)

    async def speaker_words(self, session: Session) -> Words:
        """The speaker's language: the one Agora remembers for a member, else the community's."""
        known = await self.answers.language_of(session.speaker_id) if session.speaker_id is not None else None
        return self.words(known or self.bot.settings.locale)

    async def parts(self, review: SpeakerReview, session: Session, event: TrackedEvent) -> dict[str, Any]:
        """The review message: the summary as the speaker would receive it, who they are, the decision."""
        summary = await self.summary(session, event)
        words = self.words(event.language)
        return {
            "content": review_content(summary, review, words),
            "embed": summary_embed(summary, await self.speaker_words(session)),
            "view": review_view(session.id, words, decided=review.decision is not None),
        }

    async def post(self, review: SpeakerReview) -> bool:
        subject = await self._subject(review)
        if subject is None:  # deleted meanwhile (its row goes with it)
            return False
        session, event = subject
        channel = self.organisers_channel(event)
        if channel is None:
            log.info("event %s: no organisers' channel for the review of session %s", event.id, session.id)
            return False
        button = custom_id(SEND, session.id)
        try:
            message = await find_own_post(channel, self.bot.user, carrying(button))
            if message is None:
                parts = await self.parts(review, session, event)
                message = await channel.send(**parts, allowed_mentions=NO_PINGS)
        except (discord.Forbidden, discord.NotFound) as error:
            # Not retried (a 403 in a loop gets the bot banned); /config names the channel's problem.
            log.warning(
                "event %s: review of session %s refused in %s (%s)",
                event.id,
                session.id,
                channel.id,
                error.code,
            )
            await self.store.set_refused(session.id, channel.id, self.bot.clock.now())
            return False
        await self.store.set_posted(session.id, channel.id, message.id)
        return True

    async def finish(self, review: SpeakerReview) -> bool:
        """A decision 'send' left undelivered (a restart, a passing failure): delivered now, once."""
        async with self._lock(review.session_id):
            review = await self.store.get(review.session_id) or review
            subject = await self._subject(review)
            if not review.to_deliver or subject is None:
                return False
            session, event = subject
            if session.speaker_id is None:
                # The file on the review message first, recorded after: if the edit fails, the next
                # pass tries again (a second copy of a file is harmless, a lost one is not).
                now = self.bot.clock.now()
                given = replace(review, delivered_at=epoch(now), delivery="file")
                data = await self.guest_file(session, event)
                if not await self.redraw(given, session, event, attachments=[_file(session.id, data)]):
                    return False
                await self.store.set_delivered(session.id, "file", now)
                return True
            if await self._summary_in_dms(session.speaker_id, session.id):
                delivery: str | None = "dm"
            else:
                delivery = await self.send_to_speaker(session, event)
            if delivery is None:
                return False
            review = await self.store.set_delivered(session.id, delivery, self.bot.clock.now()) or review
            await self.redraw(review, session, event)
            return True

    # ---- the organisers' click ----------------------------------------------------------------------

    async def click(self, interaction: discord.Interaction[Agora], session_id: int, choice: str) -> None:
        ensure_rank(interaction, Rank.organiser)  # a member's click, forged or not, changes nothing
        review = await self.store.get(session_id)
        shown_on = interaction.message.id if interaction.message is not None else None
        if review is None or review.message_id is None or shown_on not in (None, review.message_id):
            raise StaleComponent
        subject = await self._subject(review)
        if subject is None or subject[1].guild_id != interaction.guild_id:
            raise StaleComponent
        session, event = subject
        mine = self.words(self.bot.catalogue.resolve(interaction.locale))  # the organiser's language
        if review.decision is not None:
            await send_ephemeral(interaction, decision_words(review, mine))
            return
        # Deferred first: the DM below, and waiting for another organiser's click, take time.
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self._lock(session_id):
            won, decided = await self.store.decide(
                session_id, choice, interaction.user.id, self.bot.clock.now()
            )
            if decided is None:
                raise StaleComponent
            if not won:
                await send_ephemeral(interaction, decision_words(decided, mine))
                return
            if choice != SEND:
                await self.redraw(decided, session, event)
                await send_ephemeral(interaction, mine("speakers.answer.withheld"))
                return
            if session.speaker_id is None:
                await self.give_file(interaction, decided, session, event, mine)
                return
            delivery = await self.send_to_speaker(session, event)
            if delivery is not None:
                decided = (
                    await self.store.set_delivered(session_id, delivery, self.bot.clock.now()) or decided
                )
            await self.redraw(decided, session, event)
        key = {"dm": "sent_dm", "unreachable": "unreachable", None: "retry"}[delivery]
        await send_ephemeral(
            interaction, mine(f"speakers.answer.{key}", speaker=speaker_label(session, mine))
        )

    async def give_file(
        self,
        interaction: discord.Interaction[Agora],
        review: SpeakerReview,
        session: Session,
        event: TrackedEvent,
        mine: Words,
    ) -> None:
        """A guest's summary, to the organiser who clicked; if that answer is lost, the pass attaches the
        file to the review message instead."""
        data = await self.guest_file(session, event)
        await interaction.followup.send(
            mine("speakers.answer.file", name=literal(guest_name(session, mine))),
            file=_file(session.id, data),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
        review = await self.store.set_delivered(session.id, "file", self.bot.clock.now()) or review
        await self.redraw(review, session, event)

    # ---- delivering ---------------------------------------------------------------------------------

    async def send_to_speaker(self, session: Session, event: TrackedEvent) -> str | None:
        """The member's DM: 'dm', 'unreachable' (DMs closed, account gone), or None to try again later."""
        if session.speaker_id is None:
            raise ValueError("a guest is not sent a DM")
        words = await self.speaker_words(session)
        summary = await self.summary(session, event)
        try:
            await send_dm(
                self.bot, session.speaker_id, dm_text(summary, words), embed=summary_embed(summary, words)
            )
        except Unreachable as why:
            log.info("event %s: speaker of session %s not reachable by DM (%s)", event.id, session.id, why)
            return "unreachable"
        except discord.HTTPException as error:
            log.warning(
                "event %s: DM to the speaker of session %s failed (%s)", event.id, session.id, error.status
            )
            return None
        return "dm"

    async def guest_file(self, session: Session, event: TrackedEvent) -> bytes:
        """In the community's language: the organiser forwards it as it is."""
        words = self.words(self.bot.settings.locale)
        summary = await self.summary(session, event)
        return summary_file(summary, words, self.bot.settings.timezone, guest_name(session, words))

    async def _summary_in_dms(self, user_id: int, session_id: int) -> bool:
        """Whether the summary already reached the member: sent just before a crash, not recorded."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            channel = user.dm_channel or await user.create_dm()
            found = await find_own_post(channel, self.bot.user, lambda m: is_summary_of(m, session_id))
        except discord.HTTPException as error:
            log.info("session %s: the speaker's DMs could not be read (%s)", session_id, error.status)
            return False
        return found is not None

    async def redraw(
        self,
        review: SpeakerReview,
        session: Session,
        event: TrackedEvent,
        *,
        attachments: list[discord.File] | None = None,
    ) -> bool:
        """The review message shows the decision, its author and the delivery; buttons disabled.
        Whether the edit went through."""
        channel = self.bot.get_channel(review.channel_id or 0)
        if review.message_id is None or not isinstance(channel, discord.abc.Messageable):
            return False
        parts = await self.parts(review, session, event)
        if attachments is not None:
            parts["attachments"] = attachments
        try:
            await channel.get_partial_message(review.message_id).edit(**parts)  # type: ignore[attr-defined]
        except discord.HTTPException as error:
            log.warning(
                "event %s: could not show the decision on session %s (%s)", event.id, session.id, error.status
            )
            return False
        return True

    # ---- a member forgotten --------------------------------------------------------------------------

    def redraw_soon(self, session_ids: Iterable[int]) -> None:
        """Once a member's forgetting is committed: the reviews that named them (as the speaker, or as
        the organiser who decided) are redrawn without them, in the background (best effort)."""
        for session_id in session_ids:
            task = asyncio.create_task(self._redraw_forgotten(session_id), name=f"agora-review-{session_id}")
            self._redraws.add(task)
            task.add_done_callback(self._redraws.discard)

    async def _redraw_forgotten(self, session_id: int) -> None:
        try:
            # Under the session's lock: an organiser's click meanwhile is shown, never drawn over.
            async with self._lock(session_id):
                review = await self.store.get(session_id)
                subject = await self._subject(review) if review is not None else None
                if review is None or review.message_id is None or subject is None:
                    return
                await self.redraw(review, *subject)
        except Exception:  # a task's error would otherwise only reach asyncio's default handler
            log.exception("session %s: could not redraw its review without a forgotten member", session_id)

    async def close(self) -> None:
        """Redraws still under way are cancelled and waited for."""
        redraws = list(self._redraws)
        for task in redraws:
            task.cancel()
        await asyncio.gather(*redraws, return_exceptions=True)


def _file(session_id: int, data: bytes) -> discord.File:
    return discord.File(io.BytesIO(data), filename=file_name(session_id))
