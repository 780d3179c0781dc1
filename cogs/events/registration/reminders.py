"""Reminders by DM to the members registered for an event, beside the reminder posted in its channel:
at each `AGORA_EVENT_REMINDERS` offset, once per member, in the language Agora remembers for them,
never to a member who ran `/feedback optout` (it stops Agora's DMs about events).

Run by the timeline's pass after it claims the channel's reminders. Each DM is claimed first in
`event_member_notices` (kind 'reminder', version: the offset in seconds), so a restart never sends it
twice and resumes with the members not reminded yet; a member who registers after a reminder went out
waits for the next one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agora.clock import epoch
from cogs.events.answer_store import AnswerStore
from cogs.events.audience_store import AudienceStore
from cogs.events.direct_messages import tell
from cogs.events.model import TrackedEvent
from cogs.events.render import registered_reminder_text
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora


class RegisteredReminders:
    def __init__(self, bot: Agora, store: EventStore, answers: AnswerStore, audience: AudienceStore) -> None:
        self.bot = bot
        self.store = store
        self.answers = answers
        self.audience = audience

    async def run_pass(self) -> int:
        """DMs the registered members due a reminder; returns how many were sent."""
        sent, now = 0, epoch(self.bot.clock.now())
        events: dict[int, TrackedEvent | None] = {}  # one read per event, however many members
        for due in await self.audience.reminders_due(now):
            if due.event_id not in events:
                events[due.event_id] = await self.store.get(due.event_id)
            event = events[due.event_id]
            if event is None:
                continue
            if not await self.audience.claim_reminder(due, now):
                continue  # cancelled or opted out meanwhile
            sent += await self._send(due.user_id, event)
        return sent

    async def _send(self, user_id: int, event: TrackedEvent) -> int:
        words = self.bot.catalogue.words(await self.answers.language_of(user_id) or event.language)
        sent = await tell(
            self.bot, user_id, registered_reminder_text(event, words), event_id=event.id, what="reminder DM"
        )
        return int(sent)
