"""Which entries a feed subscription wants: include and exclude keywords, forgiving of case and accents.

A keyword matches at the start of a word, so "réseau" finds "Réseaux sociaux" and "client" finds
"clientèle"; a keyword of three characters or fewer must match a whole word, so the acronyms French
posts are full of (RH, IA, ROI) do not match inside "Rhône", "iaido" or "Roissy".
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from cogs.feeds.summary import summary_words

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[,;\n]")
# Letters NFKD does not take apart, and apostrophes people type either way.
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "’": "'", "ʼ": "'", "‘": "'"})
_WHOLE_WORD_MAX = 3


class Filterable(Protocol):
    """What a filter reads of an entry; `FeedEntry` fits."""

    @property
    def title(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def summary_format(self) -> str: ...  # "html", "text" or "markdown"

    @property
    def tags(self) -> tuple[str, ...]: ...


def normalise(text: str) -> str:
    """Lower case, without accents, whitespace collapsed: "Réseaux  Sociaux" → "reseaux sociaux"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords as typed, from "a, b; c": split on commas, semicolons or lines, trimmed, deduplicated."""
    keywords: dict[str, str] = {}
    for part in _SEPARATORS.split(text):
        keyword = " ".join(part.split())
        if normalise(keyword):
            keywords.setdefault(normalise(keyword), keyword)
    return tuple(keywords.values())


@functools.lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern[str] | None:
    folded = normalise(keyword)
    if not folded:
        return None
    end = r"(?!\w)" if len(folded) <= _WHOLE_WORD_MAX else ""
    return re.compile(r"(?<!\w)" + re.escape(folded) + end)


def _matches(text: str, keywords: Iterable[str]) -> bool:
    return any(pattern.search(text) for keyword in keywords if (pattern := _pattern(keyword)))


def entry_text(entry: Filterable) -> str:
    """The normalised text keywords are looked for in: title, the summary's words (not its links'
    addresses: a URL's words are not the post's), tags."""
    summary = summary_words(entry.summary, entry.summary_format)
    return normalise("\n".join([entry.title, summary, *entry.tags]))


def is_wanted(entry: Filterable, include: Iterable[str], exclude: Iterable[str]) -> bool:
    """True when some `include` keyword matches (or there are none) and no `exclude` keyword does."""
    include, exclude = tuple(include), tuple(exclude)
    if not include and not exclude:
        return True
    text = entry_text(entry)
    return (not include or _matches(text, include)) and not _matches(text, exclude)
