"""Events: follow the server's scheduled events, remind before them, and after each one collect
feedback (rating, would-recommend score, comments) into a report for organisers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.events.calendar_views import CalendarButton
from cogs.events.checkin_views import CHECKIN_FORM_ID, CheckinButton
from cogs.events.cog import EventsCog
from cogs.events.programme_views import SESSION_FORM_ID, ProgrammeButton, RemoveButton, SessionMenu
from cogs.events.registration_views import OfferButton, RegisterButton, UnregisterButton
from cogs.events.rules import FORM_ID
from cogs.events.session_feedback_views import PageButton, RatingSelect, WordsButton
from cogs.events.session_rules import WORDS_FORM_ID
from cogs.events.speaker_review_views import SpeakerReviewButton
from cogs.events.views import FeedbackButton

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.add_dynamic_items(FeedbackButton, RegisterButton, UnregisterButton, OfferButton, CalendarButton)
    bot.add_dynamic_items(CheckinButton)
    bot.add_dynamic_items(ProgrammeButton, RemoveButton, SessionMenu)
    bot.add_dynamic_items(SpeakerReviewButton)  # the organisers' review before a speaker hears back
    bot.add_dynamic_items(RatingSelect, PageButton, WordsButton)
    bot.stale_components.claim_form(FORM_ID)  # answered by EventsCog.on_interaction
    bot.stale_components.claim_form(CHECKIN_FORM_ID)  # answered by EventsCog.answer_checkin_form
    bot.stale_components.claim_form(SESSION_FORM_ID)  # answered by EventsCog.answer_session_form
    bot.stale_components.claim_form(WORDS_FORM_ID)  # answered by EventsCog.on_interaction
    await bot.add_cog(EventsCog(bot))
