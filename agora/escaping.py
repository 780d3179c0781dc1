"""Members' and the web's text shown literally in Discord, within limits measured on what Discord receives.

Escaping can double a text (`_*~|` each become two characters), so a limit checked before escaping
does not hold after it. Here the text is escaped first and fitted after: when it is too long, the
longest beginning of the original text whose escaped form fits is kept, escaped whole, so a cut never
falls between a backslash and the character it escapes (nor inside a neutralised mention).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import discord

from agora.mentions import neutralise_mentions

Escape = Callable[[str], str]

ELLIPSIS = "…"
_BARE_BRACKET = re.compile(r"(?<!\\)([\[\]])")
_TRAILING = " \n\u00a0,;:-–—"
LINK_MAX = 500  # a longer address is left out: the title alone says what it was
_LINKED_TITLE_MIN = 8  # a title cut shorter than this is no link worth showing: the title alone is
# In a markdown link's address these end it or break it; percent-encoded, the address still works.
_UNSAFE_IN_LINK = re.compile(r"[()<>\s\\]")


def literal(text: str) -> str:
    """`text` shown as typed: markdown escaped, mentions neutralised."""
    return neutralise_mentions(discord.utils.escape_markdown(text))


def link_text(text: str) -> str:
    """`text` shown as typed inside a markdown link's brackets: `literal`, and no bracket left bare
    (a `]` would end the link's text there and show the rest, address included, as plain text)."""
    return _BARE_BRACKET.sub(r"\\\1", literal(text))


def link_target(url: str | None) -> str | None:
    """`url` as a markdown link's address, or None when it cannot be one: not http(s), no host, or
    longer than LINK_MAX. What would end the link or break it (brackets, spaces, a backslash) is
    percent-encoded, so the address still leads where it did."""
    if not url or len(url) > LINK_MAX:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return _UNSAFE_IN_LINK.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode()), url)


def markdown_link(title: str, url: str | None, limit: int, *, title_limit: int | None = None) -> str:
    """`title` (from the web: shown literally, on one line) linked to `url`, in at most `limit`
    characters, the title's escaped text in at most `title_limit`. The title alone, escaped, when `url`
    cannot be a link's address (see `link_target`) or leaves the title too little room."""
    text = " ".join(title.split()) or " ".join((url or "").split())
    shown_limit = limit if title_limit is None else min(limit, title_limit)
    target = link_target(url)
    if target is None:
        return fit_escaped(text, shown_limit)
    room = min(shown_limit, limit - len(target) - len("[]()"))
    if room < _LINKED_TITLE_MIN:
        return fit_escaped(text, shown_limit)
    return f"[{fit_escaped(text, room, escape=link_text)}]({target})"


def fit_escaped(text: str, limit: int, *, escape: Escape = literal, ellipsis: str = ELLIPSIS) -> str:
    """`escape(text)` when it fits in `limit` characters; otherwise the escaped form of the longest
    beginning of `text` (cut at a word when one is near) that fits with `ellipsis` after it.

    Never empty when `text` is not and `limit` leaves room for one escaped character and the ellipsis.
    """
    whole = escape(text)
    if len(whole) <= limit:
        return whole
    room = limit - len(ellipsis)
    if room <= 0:
        return ellipsis[: max(0, limit)]

    def fits(size: int) -> bool:
        return len(escape(text[:size])) <= room

    # Escaping never shortens a text, so no more than `room` original characters can fit.
    low, high = 0, min(len(text), room)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return ellipsis
    for candidate in _cuts(text, low):
        shown = escape(candidate)
        if len(shown) <= room:
            return shown + ellipsis
    return escape(text[:low]) + ellipsis


def _cuts(text: str, size: int) -> list[str]:
    """Where to cut `text` within `size` characters, best first: at a word, then anywhere; without
    trailing punctuation unless that leaves nothing."""
    cut = text[:size]
    candidates = []
    if not text[size : size + 1].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\u00a0"))
        if space > size // 2:
            candidates.append(cut[:space])
    candidates.append(cut)
    return [c.rstrip(_TRAILING) or c for c in candidates]


def fit_together(
    texts: Sequence[str], budget: int, *, escape: Escape = literal, ellipsis: str = ELLIPSIS
) -> list[str]:
    """Each text escaped, all of them within `budget` characters together.

    Short texts are kept whole; the longest ones share what is left equally (each cut to the same
    length), so one long text never squeezes the others to nothing.
    """
    shown = [escape(text) for text in texts]
    if sum(len(text) for text in shown) <= budget:
        return shown
    cap = largest_cap([len(text) for text in shown], max(0, budget))
    return [
        text if len(text) <= cap else fit_escaped(original, cap, escape=escape, ellipsis=ellipsis)
        for original, text in zip(texts, shown, strict=True)
    ]


def largest_cap(lengths: Sequence[int], budget: int) -> int:
    """The largest `cap` with sum(min(length, cap)) <= budget: how long the longest of several texts
    sharing `budget` may be, so that the short ones are kept whole and the long ones cut alike."""
    left, remaining = budget, len(lengths)
    for length in sorted(lengths):
        if length * remaining > left:
            return left // remaining
        left -= length
        remaining -= 1
    return max(lengths, default=0)


def join_within(lines: Sequence[str], limit: int, more: Callable[[int], str] | None = None) -> str:
    """As many whole lines as fit in `limit` characters, then `more(count left out)` if given."""
    kept: list[str] = []
    used = 0
    for position, line in enumerate(lines):
        tail = len(more(len(lines) - position)) + 1 if more else 0
        if used + len(line) + 1 + tail > limit:
            if more:
                kept.append(more(len(lines) - position))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def truncate(text: str, limit: int) -> str:
    """Cut to Discord's limit with an ellipsis, at a line break when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    newline = cut.rfind("\n")
    if newline > limit // 2:
        cut = cut[:newline]
    return cut + "…"
