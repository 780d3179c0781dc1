"""Feed summaries as kept until posting, and made Discord markdown or plain words when needed.

Light on purpose (no bs4, no markdownify): the bot and the parser's workers import it; the HTML
conversion, in markdown.py, is imported only when a summary is converted for a post.
"""

from __future__ import annotations

import html
import re

HTML_BUDGET = 16_000  # HTML read for a summary: far more text than an embed (4096) can show
EMOJI_CLASS = re.compile(r"\b(wp-smiley|emoji)\b")
_PLAIN_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
_HIDDEN = re.compile(
    r"<(script|style|iframe|object|noscript|svg|template|head|title)\b.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def bounded(summary: str) -> str:
    """A summary as kept until it is posted: one character past what is read shows that it was cut."""
    return summary[: HTML_BUDGET + 1]


def summary_to_markdown(summary: str, kind: str, base: str | None = None) -> str:
    """A summary as Discord markdown; `kind` is "html", "text" or "markdown" (already converted)."""
    if kind == "markdown":
        return summary
    if kind == "text":
        return text_to_markdown(summary)
    from cogs.feeds.markdown import html_to_markdown  # bs4 and markdownify: imported on first need

    return html_to_markdown(summary, base)


def summary_words(summary: str, kind: str) -> str:
    """The words a reader sees in a summary, for keyword filters: no tags, link targets or escapes.

    Cheaper than the markdown (no HTML tree), so every new entry of a filtered feed can be checked.
    """
    if kind == "html":
        return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", summary[:HTML_BUDGET])))
    if kind == "text":
        return html.unescape(summary[:HTML_BUDGET])
    return re.sub(r"\\(.)", r"\1", _LINK_TARGET.sub("]", summary))


def text_to_markdown(text: str) -> str:
    """A plain-text summary shown as written: markup characters escaped, entities decoded."""
    text = _PLAIN_MARKDOWN.sub(r"\\\1", " ".join(html.unescape(text[:HTML_BUDGET]).split()))
    # One line, so only its start could be read as a heading, a quote or a list.
    return re.sub(r"^([#>-])", r"\\\1", text)
