"""One DM with the updated `.ics` to each member registered, offered a place or waiting when their
event moves (its start, end or place changed in Discord), in the language Agora remembers for them.

Run by the timeline's pass (woken when Discord reports the change). Each DM is claimed first in
`event_member_notices` (kind 'changed', version: the event's new SEQUENCE), so a restart never sends it
twice and resumes with those not told yet; several moves before a pass give one DM, of the last one.
A cancelled or deleted event is told by the waitlist's closing DM instead, which carries the cancelled
file: one DM per member either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agora.clock import epoch
from cogs.events.answer_store import AnswerStore
from cogs.events.calendar.files import CalendarFile, CalendarFiles
from cogs.events.calendar.render import moved_text
from cogs.events.calendar.store import CalendarStore
from cogs.events.direct_messages import tell
from cogs.events.model import TrackedEvent
from cogs.events.notice_store import NoticeStore
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora


MOVED_NOTICE = "changed"


class MoveNotices:
    def __init__(self, bot: Agora, store: EventStore, answers: AnswerStore) -> None:
        self.bot = bot
        self.store = store
        self.answers = answers
        self.calendars = CalendarStore(bot.database)
        self.files = CalendarFiles(bot.database, bot.settings.timezone.key)
        self.notices = NoticeStore(bot.database)

    async def run_pass(self) -> int:
        """DMs the members due one; returns how many were sent."""
        sent = 0
        made: dict[int, tuple[TrackedEvent, CalendarFile] | None] = {}
        for move in await self.calendars.moves_due():
            if move.event_id not in made:  # one file per event, however many members
                event = await self.store.get(move.event_id)
                made[move.event_id] = (event, await self.files.of_event(event)) if event else None
            found = made[move.event_id]
            if found is None:
                continue
            now = epoch(self.bot.clock.now())
            if not await self.notices.claim(move.event_id, move.user_id, MOVED_NOTICE, move.version, now):
                continue
            sent += await self._send(move.user_id, *found)
        return sent

    async def _send(self, user_id: int, event: TrackedEvent, calendar: CalendarFile) -> int:
        words = self.bot.catalogue.words(await self.answers.language_of(user_id) or event.language)
        sent = await tell(
            self.bot,
            user_id,
            moved_text(event, words),
            event_id=event.id,
            what="move DM",
            file=calendar.attachment(),
        )
        return int(sent)
