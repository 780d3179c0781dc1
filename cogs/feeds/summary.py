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
_HIDDEN_NAMES = ("script", "style", "iframe", "object", "noscript", "svg", "template", "head", "title")
_HIDDEN_OPENING = re.compile(rf"<(?:({'|'.join(_HIDDEN_NAMES)})\b|!--)", re.IGNORECASE)
_HIDDEN_CLOSING = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _HIDDEN_NAMES}
_COMMENT_CLOSING = re.compile("-->")
_SELF_CLOSED = re.compile(r"[^<>]*/>")  # the rest of `<svg .../>`, closed by itself as foreign markup
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
        return html.unescape(_without_tags(_without_hidden(summary[:HTML_BUDGET])))
    if kind == "text":
        return html.unescape(summary[:HTML_BUDGET])
    return re.sub(r"\\(.)", r"\1", _LINK_TARGET.sub("]", summary))


def _without_hidden(text: str) -> str:
    """The HTML without the elements and comments a reader never sees, each replaced by a space.

    Each opening is followed by a search for its own closing, from there on, so every character is
    read about once: a single regex with `.*?` reads to the end again from every opening left
    unclosed (`"<script>" * 2000`). An unclosed one hides the rest, as in a browser.
    """
    kept: list[str] = []
    start = 0
    while (opening := _HIDDEN_OPENING.search(text, start)) is not None:
        kept.append(text[start : opening.start()])
        closing = _closing(text, opening)
        if closing is None:
            start = len(text)
            break
        start = closing.end()
    kept.append(text[start:])
    return " ".join(kept)


def _closing(text: str, opening: re.Match[str]) -> re.Match[str] | None:
    """Where a hidden element or comment ends, searched from its opening on; None if it never does."""
    name = (opening.group(1) or "").lower()
    if not name:
        return _COMMENT_CLOSING.search(text, opening.end())
    if name == "svg" and (self_closed := _SELF_CLOSED.match(text, opening.end())):
        return self_closed
    return _HIDDEN_CLOSING[name].search(text, opening.end())


def _without_tags(text: str) -> str:
    """The HTML with every tag replaced by a space.

    No tag can start after the last `>`: leaving that tail out of the search keeps the regex from
    reading it to the end again from every `<` in it (`"<" * 16000`).
    """
    end = text.rfind(">") + 1
    return _TAG.sub(" ", text[:end]) + text[end:]


def text_to_markdown(text: str) -> str:
    """A plain-text summary shown as written: markup characters escaped, entities decoded."""
    text = _PLAIN_MARKDOWN.sub(r"\\\1", " ".join(html.unescape(text[:HTML_BUDGET]).split()))
    # One line, so only its start could be read as a heading, a quote or a list.
    return re.sub(r"^([#>-])", r"\\\1", text)
