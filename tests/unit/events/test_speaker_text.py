"""Who speaks is written one way wherever a session is shown: the announcement, the programme's panel,
the session step, the report, the speakers' review and a guest's file; a session without a speaker (its
member forgotten) has the same words in each, in French and in English."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from agora.i18n import Catalogue
from agora.meetings import Session
from cogs.events.programme.render import session_fields, speaker_text
from cogs.events.sessions.figures import session_figures
from cogs.events.sessions.render import session_block, step_session_text
from cogs.events.speakers.render import Summary, guest_name, review_content, speaker_label
from cogs.events.speakers.store import SpeakerReview

CATALOGUE = Catalogue.load("fr")
STARTS = 1_796_284_800
ZONE = ZoneInfo("Europe/Zurich")
MISSING = {"fr": "intervenant·e non indiqué·e", "en": "speaker not given"}


def session(speaker_id: int | None = None, name: str | None = None) -> Session:
    return Session(7, 3, "La marque employeur", speaker_id, name, STARTS, None)


def shown_everywhere(subject: Session, language: str) -> list[str]:
    words = CATALOGUE.words(language)
    review = SpeakerReview(7, 3, 0, 5, 6, None, None, None, None, None)
    summary = Summary(subject, "Matinée", "https://discord.com/events/1/2", session_figures(7, []), 3)
    return [
        session_fields([subject], STARTS + 3600, words)[0][1],
        step_session_text(subject, None, words),
        session_block(subject, session_figures(7, []), words, ",").core,
        review_content(summary, review, words),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_session_without_a_speaker_has_the_same_words_everywhere(language):
    subject = session()
    words = CATALOGUE.words(language)
    assert speaker_text(subject, words) == MISSING[language]
    assert all(MISSING[language] in text for text in shown_everywhere(subject, language))
    assert speaker_label(subject, words) == guest_name(subject, words) == MISSING[language]


def test_a_member_is_a_mention_and_a_guest_is_their_name_escaped_everywhere():
    for subject, shown in (
        (session(speaker_id=42), "<@42>"),
        (session(name="Ada *Lovelace*"), "Ada \\*Lovelace\\*"),
    ):
        assert speaker_text(subject, CATALOGUE.words("fr")) == shown
        assert all(shown in text for text in shown_everywhere(subject, "fr"))
    # To organisers, a guest is marked as one: their summary is a file to forward.
    guest = speaker_label(session(name="Ada"), CATALOGUE.words("fr"))
    assert guest == "Ada (invité·e, pas sur Discord)"
