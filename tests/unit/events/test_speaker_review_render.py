"""What a speaker receives, and the review around it: figures as computed by hand, nothing below the
minimum of answers, and Discord's limits held whatever the comments."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from agora.i18n import Catalogue
from agora.meetings import Session
from cogs.events.sessions.figures import SessionRating, session_figures
from cogs.events.speakers.render import (
    Summary,
    dm_text,
    review_content,
    status_line,
    summary_embed,
    summary_file,
)
from cogs.events.speakers.store import SpeakerReview

CATALOGUE = Catalogue.load("fr")
FRENCH = CATALOGUE.words("fr")
ENGLISH = CATALOGUE.words("en")
ZONE = ZoneInfo("Europe/Zurich")
STARTS = 1_796_284_800  # 2026-12-03 09:00 in Geneva
LINK = "https://discord.com/events/1/2"


def session(
    title: str = "La marque employeur", speaker_id: int | None = 42, name: str | None = None
) -> Session:
    return Session(7, 3, title, speaker_id, name, STARTS, None)


def rating(
    user: int, value: int | None, comment: str = "", *, missed: bool = False, at: int = 0
) -> SessionRating:
    return SessionRating(7, user, value, missed, comment, STARTS + at)


def summary(ratings: list[SessionRating], minimum: int = 3, **changes: object) -> Summary:
    return Summary(session(**changes), "Matinée e-20", LINK, session_figures(7, ratings), minimum)  # type: ignore[arg-type]


def review(**changes: object) -> SpeakerReview:
    values: dict[str, object] = dict(
        session_id=7, event_id=3, claimed_at=0, channel_id=5, message_id=6, decision=None,
        decided_by=None, decided_at=None, delivered_at=None, delivery=None,
    )  # fmt: skip
    values.update(changes)
    return SpeakerReview(**values)  # type: ignore[arg-type]


def test_the_summary_shows_answers_average_distribution_and_comments_as_computed_by_hand():
    ratings = [
        rating(1, 5, "Passionnant", at=1),
        rating(2, 4, at=2),
        rating(3, 4, "Trop court", at=3),
        rating(4, 2, at=4),
        rating(5, None, missed=True, at=5),
    ]
    description = summary_embed(summary(ratings), ENGLISH).description or ""
    # 4 ratings: (5 + 4 + 4 + 2) / 4 = 3.75, shown 3.8; one missed it.
    assert "Answers: **4** · “I missed it”: 1" in description
    assert "Average rating: **3.8** / 5" in description
    assert "`5 ★` █████░░░░░ 1" in description
    assert "`4 ★` ██████████ 2" in description
    assert "`3 ★` ░░░░░░░░░░ 0" in description
    assert "`2 ★` █████░░░░░ 1" in description
    # Newest first.
    assert description.index("> Trop court") < description.index("> Passionnant")


def test_french_shows_the_decimal_comma():
    ratings = [rating(1, 5), rating(2, 4), rating(3, 4), rating(4, 2)]
    assert "Note moyenne : **3,8** / 5" in (summary_embed(summary(ratings), FRENCH).description or "")


def test_below_the_minimum_the_summary_says_only_not_enough_answers():
    ratings = [rating(1, 5, "Bravo Jeanne"), rating(2, 1, "Ennuyeux"), rating(3, None, missed=True)]
    embed = summary_embed(summary(ratings, minimum=3), ENGLISH)
    description = embed.description or ""
    _event, blank, said = description.split("\n")
    assert (blank, said) == ("", ENGLISH("speakers.summary.not_enough", minimum=3))
    assert said.startswith("Not enough answers")
    for hidden in ("Bravo", "Ennuyeux", "Average", "Answers", "★"):
        assert hidden not in description, hidden
    assert not embed.fields


def test_the_minimum_is_reached_at_exactly_that_many_ratings():
    ratings = [rating(1, 5), rating(2, 4), rating(3, 3), rating(4, None, missed=True)]
    assert "Not enough" not in (summary_embed(summary(ratings, minimum=3), ENGLISH).description or "")


def test_a_long_list_of_comments_stays_within_discords_limits_and_says_how_many_more():
    comment = "Très *bien* __vraiment__ " * 40  # ~1,000 characters, doubled by escaping
    ratings = [rating(n, n % 5 + 1, f"{n} {comment}", at=n) for n in range(1, 201)]
    embed = summary_embed(summary(ratings), ENGLISH)
    description = embed.description or ""
    assert len(description) <= 4096
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256
    shown = description.count("\n> ")
    assert 0 < shown < 200
    assert description.endswith(f"… and {200 - shown} more")


def test_comments_and_titles_never_ping_and_keep_their_markdown_literal():
    ratings = [rating(n, 4, "@everyone <@123> **gras**") for n in range(1, 4)]
    embed = summary_embed(summary(ratings, title="@here *Le* <@&9> titre"), ENGLISH)
    text = f"{embed.title}\n{embed.description}"
    assert "@everyone" not in text and "@here" not in text
    assert "<@123>" not in text and "<@&9>" not in text
    assert r"\*\*gras\*\*" in text


def test_a_very_long_title_keeps_the_review_message_within_2000_characters():
    long = summary([], title="_*" * 900)
    assert len(review_content(long, review(), ENGLISH)) <= 2000
    assert len(summary_embed(long, ENGLISH).title or "") <= 256
    assert len(dm_text(long, ENGLISH)) <= 2000


def test_the_review_names_a_member_speaker_by_mention_and_a_guest_by_name():
    member = review_content(summary([]), review(), ENGLISH)
    assert "<@42>" in member
    guest = review_content(summary([], speaker_id=None, name="Jeanne *Dupont*"), review(), ENGLISH)
    assert r"Jeanne \*Dupont\* (guest, not on Discord)" in guest


def test_the_review_tells_organisers_why_the_speaker_would_see_no_figures():
    few = review_content(summary([rating(1, 5), rating(2, 4)], minimum=3), review(), ENGLISH)
    assert "Fewer than 3 ratings (2)" in few


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "Send it to the speaker?"),
        ({"decision": "withhold", "decided_by": 8, "decided_at": 100}, "🚫 Not sent, decided by <@8>"),
        ({"decision": "send", "decided_by": 8, "decided_at": 100}, "under way"),
        ({"decision": "send", "decided_by": 8, "decided_at": 100, "delivery": "dm"}, "received by direct"),
        ({"decision": "send", "decided_by": 8, "decided_at": 100, "delivery": "unreachable"}, "are closed"),
        ({"decision": "send", "decided_by": 8, "decided_at": 100, "delivery": "file"}, "speaker-7.txt"),
        ({"decision": "send", "decided_by": None, "decided_at": 100, "delivery": "dm"}, "by an organiser"),
    ],
)
def test_the_status_says_what_was_decided_by_whom_and_what_became_of_it(changes, expected):
    assert expected in status_line(review(**changes), ENGLISH)


def test_a_guests_file_holds_every_comment_whole_in_plain_text():
    comments = [f"Commentaire {n} : « super » *vraiment*" for n in range(60)]
    ratings = [rating(n, 4, text, at=n) for n, text in enumerate(comments)]
    data = summary_file(summary(ratings, speaker_id=None, name="Jeanne"), FRENCH, ZONE, "Jeanne")
    text = data.decode("utf-8")
    assert text.startswith("Retour du public sur « La marque employeur », par Jeanne")
    assert "Matinée e-20 — 03.12.2026 09:00" in text
    assert "Note moyenne : 4,0 / 5" in text
    assert all(f"- {comment}" in text for comment in comments)
    assert "\\" not in text


def test_a_guests_file_below_the_minimum_holds_no_figure_and_no_comment():
    ratings = [rating(1, 5, "Bravo"), rating(2, 3)]
    text = summary_file(summary(ratings, speaker_id=None, name="Jeanne"), FRENCH, ZONE, "Jeanne").decode()
    assert "Pas assez de réponses" in text
    assert "Bravo" not in text and "★" not in text
