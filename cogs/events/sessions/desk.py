"""The session step, from the feedback form's answer to the stored ratings: offered when the event has a
programme, each menu answered by editing the step message (showing what is saved), pages turned, the
words for the speakers saved from their form. Only the member's own step is edited: a click forged on a
message everyone sees gets the step sent apart. Until the feedback window closes, and only for the
event's own sessions (the store checks both, in the write's transaction)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord

from agora import errors
from agora.errors import UserError, send_ephemeral
from agora.meetings import Session
from cogs.events.model import TrackedEvent
from cogs.events.programme.store import ProgrammeStore
from cogs.events.sessions.rules import PAGE_SIZE, InvalidSessionAnswer, clamp_page, read_choice, read_words
from cogs.events.sessions.store import RatingRefused, SessionRatingStore
from cogs.events.sessions.views import WordsForm, step_view
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
_REFUSALS = {
    "unknown_session": "session_feedback.error.unknown_session",
    "not_answered": "session_feedback.error.not_answered",
}


class SessionFeedbackDesk:
    def __init__(
        self, bot: Agora, store: EventStore, programme: ProgrammeStore, ratings: SessionRatingStore
    ) -> None:
        self.bot = bot
        self.store = store
        self.programme = programme
        self.ratings = ratings

    async def offer(self, interaction: discord.Interaction[Agora], event: TrackedEvent) -> None:
        """After the feedback form's answer: the step's first page, when the event has a programme. The
        form is saved already, so a step Discord refuses is only logged."""
        sessions = await self.programme.sessions(event.id)
        if not sessions:
            return
        view = await self._page(interaction, event, sessions, 0)
        try:
            await interaction.followup.send(view=view, ephemeral=True, allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            log.warning(
                "event %s: could not offer the session step (%s) %s",
                event.id,
                error.status,
                errors.locate(interaction),
            )

    async def rate(
        self, interaction: discord.Interaction[Agora], event_id: int, page: int, session_id: int, values: Any
    ) -> None:
        try:
            rating, missed = read_choice(values)
        except InvalidSessionAnswer:
            log.warning(
                "refused a forged session rating for event %s %s", event_id, errors.locate(interaction)
            )
            raise
        event = await self._event(event_id)
        await self._saved(
            event,
            self.ratings.save_rating(
                event.id,
                session_id,
                interaction.user.id,
                rating=rating,
                missed=missed,
                now=self.bot.clock.now(),
            ),
        )
        await self._redraw(interaction, event, page)

    async def turn(self, interaction: discord.Interaction[Agora], event_id: int, page: int) -> None:
        event = await self._open_event(event_id)
        await self._redraw(interaction, event, page)

    async def open_words(self, interaction: discord.Interaction[Agora], event_id: int, page: int) -> None:
        event = await self._open_event(event_id)
        sessions = await self.programme.sessions(event.id)
        if not sessions:
            raise UserError("session_feedback.error.no_programme")
        page = clamp_page(page, len(sessions))
        answers = await self.ratings.answers_of(event.id, interaction.user.id)
        form = WordsForm(
            event_id=event.id,
            page=page,
            sessions=sessions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE],
            answers=answers,
            words=self.bot.catalogue.words(interaction.locale),
        )
        await interaction.response.send_modal(form)

    async def save_words(self, interaction: discord.Interaction[Agora]) -> None:
        """A submitted form of words (see EventsCog.on_interaction): saved, then the step message shows
        it; a form answered without its message (Discord sends one) gets a line instead."""
        event_id, page, texts = read_words(interaction)
        event = await self._event(event_id)
        await self._saved(
            event, self.ratings.save_comments(event.id, interaction.user.id, texts, now=self.bot.clock.now())
        )
        if interaction.message is None:
            await send_ephemeral(interaction, self.t(interaction, "session_feedback.words.saved"))
            return
        await self._redraw(interaction, event, page)

    # ---- helpers ----------------------------------------------------------------------------------

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    async def _event(self, event_id: int) -> TrackedEvent:
        event = await self.store.get(event_id)
        if event is None:
            raise UserError("session_feedback.error.unknown_session")
        return event

    async def _open_event(self, event_id: int) -> TrackedEvent:
        event = await self._event(event_id)
        if not event.feedback_open_at(self.bot.clock.now()):
            raise UserError("feedback.error.closed", name=discord.utils.escape_markdown(event.name))
        return event

    async def _saved(self, event: TrackedEvent, write: Awaitable[None]) -> None:
        try:
            await write
        except RatingRefused as refused:
            if refused.reason == "closed":
                raise UserError(
                    "feedback.error.closed", name=discord.utils.escape_markdown(event.name)
                ) from None
            raise UserError(_REFUSALS[refused.reason]) from None

    async def _page(
        self, interaction: discord.Interaction[Agora], event: TrackedEvent, sessions: list[Session], page: int
    ) -> discord.ui.LayoutView:
        return step_view(
            event_id=event.id,
            event_name=event.name,
            closes_at=event.closes_at,
            sessions=sessions,
            answers=await self.ratings.answers_of(event.id, interaction.user.id),
            page=clamp_page(page, len(sessions)),
            words=self.bot.catalogue.words(interaction.locale),
        )

    async def _redraw(self, interaction: discord.Interaction[Agora], event: TrackedEvent, page: int) -> None:
        """The step in place of the one clicked; a click forged on a message everyone sees (the call, an
        announcement) gets the step apart, that message left as it is."""
        sessions = await self.programme.sessions(event.id)
        if not sessions:
            raise UserError("session_feedback.error.no_programme")
        view = await self._page(interaction, event, sessions, page)
        if on_own_step(interaction):
            await interaction.response.edit_message(view=view, allowed_mentions=NO_PINGS)
        elif not interaction.response.is_done():
            await interaction.response.send_message(view=view, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.followup.send(view=view, ephemeral=True, allowed_mentions=NO_PINGS)


def on_own_step(interaction: discord.Interaction[Any]) -> bool:
    """Whether the click or form came from the member's own step: ephemeral, and a Components V2 message
    (another of their private answers, with content or embeds, cannot become one)."""
    message = interaction.message
    return message is not None and message.flags.ephemeral and message.flags.components_v2
