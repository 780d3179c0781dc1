"""The weekly digest's headings tell its sections apart at a glance: each opens with an emoji of its
own, in both languages (the last event's once shared the open polls' 📊)."""

from __future__ import annotations

import pytest

from agora.i18n import Catalogue

# The headings features give their digest sections (the articles' are the blogs' own names).
HEADINGS = (
    "events.pulse.digest.upcoming_title",
    "events.pulse.digest.last_title",
    "polls.pulse.open_title",
    "polls.pulse.closed_title",
)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_each_digest_heading_opens_with_an_emoji_of_its_own(locale):
    words = Catalogue.load("fr").words(locale)
    emojis = [words(key).split()[0] for key in HEADINGS]
    assert all(not emoji.isalpha() for emoji in emojis), emojis
    assert len(set(emojis)) == len(HEADINGS), dict(zip(HEADINGS, emojis, strict=True))
