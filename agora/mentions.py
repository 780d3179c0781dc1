"""Text from members or from the web, shown but never pinging anyone."""

from __future__ import annotations

import re

_ZWSP = "\u200b"
_MENTION = re.compile(r"@(?=(?:everyone|here)\b)|(?<=<)@(?=[!&]?\d)", re.IGNORECASE)


def neutralise_mentions(text: str) -> str:
    """`@everyone`, `@here`, `<@123>`, `<@&123>` get a zero-width space after the @: shown, never mentions."""
    return _MENTION.sub("@" + _ZWSP, text)
