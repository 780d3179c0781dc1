"""Events: follow the server's scheduled events, remind before them, and after each one collect
feedback (rating, would-recommend score, comments) into a report for organisers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.events.attendance.checkin_views import CHECKIN_FORM_ID, CheckinButton
from cogs.events.calendar.views import CalendarButton
from cogs.events.cog import EventsCog
from cogs.events.programme.views import SESSION_FORM_ID, ProgrammeButton, RemoveButton, SessionMenu
from cogs.events.pulse.cog import EventsPulseCog
from cogs.events.registration.views import OfferButton, RegisterButton, UnregisterButton
from cogs.events.rules import FORM_ID
from cogs.events.sessions.rules import WORDS_FORM_ID
from cogs.events.sessions.views import PageButton, RatingSelect, WordsButton
from cogs.events.speakers.views import SpeakerReviewButton
from cogs.events.views import FeedbackButton

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.add_dynamic_items(FeedbackButton, RegisterButton, UnregisterButton, OfferButton, CalendarButton)
    bot.add_dynamic_items(CheckinButton)
    bot.add_dynamic_items(ProgrammeButton, RemoveButton, SessionMenu)
    bot.add_dynamic_items(SpeakerReviewButton)  # the organisers' review before a speaker hears back
    bot.add_dynamic_items(RatingSelect, PageButton, WordsButton)
    cog = EventsCog(bot)
    # Forms read from their submission alone, so that one opened before a restart still counts.
    bot.forms.answer(FORM_ID, cog.answer_feedback_form)
    bot.forms.answer(CHECKIN_FORM_ID, cog.checkin_desk.submit)
    bot.forms.answer(SESSION_FORM_ID, cog.programme_desk.submit)
    bot.forms.answer(WORDS_FORM_ID, cog.desk.sessions.save_words)  # the session step's words
    await bot.add_cog(cog)
    # Its digest sections and engagement figures, on bot.pulse until the feature unloads.
    await bot.add_cog(EventsPulseCog(bot, cog.store, cog.answers))


async def teardown(bot: Agora) -> None:
    for form in (FORM_ID, CHECKIN_FORM_ID, SESSION_FORM_ID, WORDS_FORM_ID):
        bot.forms.withdraw(form)
