"""The feedback form, from the button's click to the stored answers: only members of the event's
server, only while its window is open, one answer per member (a new one replaces it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from agora.errors import UserError, send_ephemeral
from agora.ids import MAX_ID
from agora.permissions import still_member
from cogs.events.answer_store import AnswerStore
from cogs.events.model import Answers, TrackedEvent
from cogs.events.programme.store import ProgrammeStore
from cogs.events.render import TOPICS
from cogs.events.sessions.desk import SessionFeedbackDesk
from cogs.events.sessions.store import SessionRatingStore
from cogs.events.store import EventStore
from cogs.events.views import FeedbackForm, FormWords

if TYPE_CHECKING:
    from agora.client import Agora


class FeedbackDesk:
    def __init__(self, bot: Agora, store: EventStore, answers: AnswerStore) -> None:
        self.bot = bot
        self.store = store
        self.answers = answers
        # The session step follows the form when the event has a programme.
        self.sessions = SessionFeedbackDesk(
            bot, store, ProgrammeStore(bot.database), SessionRatingStore(bot.database)
        )

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    def form_words(self, interaction: discord.Interaction[Any]) -> FormWords:
        def t(key: str) -> str:
            return self.t(interaction, f"feedback.form.{key}")

        return FormWords(
            title=t("title"),
            rating_label=t("rating"),
            rating_option_labels=tuple(t(f"rating_{n}") for n in range(1, 6)),
            recommend_label=t("recommend"),
            recommend_placeholder=t("recommend_placeholder"),
            recommend_low_hint=t("recommend_low"),
            recommend_high_hint=t("recommend_high"),
            useful_label=t("useful"),
            useful_placeholder=t("useful_placeholder"),
            improve_label=t("improve"),
            improve_placeholder=t("improve_placeholder"),
            topics_label=t("topics"),
            topics_description=t("topics_description"),
        )

    async def open_form(self, interaction: discord.Interaction[Agora], event_id: int) -> None:
        # A member DMed for this event is not looked up again: the form must open within Discord's
        # 3 seconds while everyone clicks at once. Whoever submits is checked (see `save`).
        event = await self.open_event(interaction, event_id)
        if not await self.answers.was_invited(event.id, interaction.user.id):
            await self.ensure_member(interaction, event.guild_id)
        previous = await self.answers.response(event.id, interaction.user.id)
        before = (
            Answers(previous.rating, previous.recommend, previous.useful, previous.improve, previous.topics)
            if previous
            else None
        )
        topics = [(topic, self.t(interaction, f"feedback.topics.{topic}")) for topic in TOPICS]
        form = FeedbackForm(
            event_id=event.id,
            words=self.form_words(interaction),
            topics=topics,
            previous=before,
        )
        await interaction.response.send_modal(form)

    async def open_event(self, interaction: discord.Interaction[Agora], event_id: int) -> TrackedEvent:
        """The event whose feedback is open; otherwise a polite refusal."""
        event = await self.store.get(event_id) if event_id <= MAX_ID else None
        if event is None or event.call_at is None:
            raise UserError("feedback.error.not_open")
        if not event.feedback_open_at(self.bot.clock.now()):
            raise UserError("feedback.error.closed", name=discord.utils.escape_markdown(event.name))
        return event

    async def ensure_member(self, interaction: discord.Interaction[Agora], guild_id: int) -> None:
        if not await still_member(interaction, guild_id, trust_interaction=True):
            raise UserError("feedback.error.not_a_member")

    async def save(self, interaction: discord.Interaction[Agora], event_id: int, answers: Answers) -> None:
        # Deferred first: checking a member who answers from a DM asks Discord, which may be slow.
        await interaction.response.defer(ephemeral=True, thinking=True)
        event = await self.open_event(interaction, event_id)
        await self.ensure_member(interaction, event.guild_id)
        replaced = await self.answers.save_response(
            event.id,
            interaction.user.id,
            answers,
            self.bot.clock.now(),
        )
        key = "feedback.saved.replaced" if replaced else "feedback.saved.new"
        await send_ephemeral(
            interaction, self.t(interaction, key, name=discord.utils.escape_markdown(event.name))
        )
        await self.sessions.offer(interaction, event)
