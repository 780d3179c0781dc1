"""Feed summaries to Discord markdown (markdownify: no images, scripts or embeds) and to plain words.

The markdown is made only for entries that are posted; filters read the words, which are cheap.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

HTML_BUDGET = 16_000  # HTML read for a summary: far more text than an embed (4096) can show
_DROPPED_TAGS = {
    "script", "style", "iframe", "object", "embed", "noscript", "form", "svg", "video", "audio",
    "figcaption", "button", "input", "select", "textarea", "template", "head", "title", "meta", "link",
}  # fmt: skip
EMOJI_CLASS = re.compile(r"\b(wp-smiley|emoji)\b")
_SPACES = re.compile(r"[ \t\r\f\v]+")
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
    return text_to_markdown(summary) if kind == "text" else html_to_markdown(summary, base)


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


class _DiscordMarkdown(MarkdownConverter):
    """markdownify tuned for Discord, which has no link titles and shows `#` headings very large."""

    def convert_hN(self, n: int, el: Any, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        return f"\n\n**{text}**\n\n" if text else ""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = super().escape(text, parent_tags)
        # Discord-only syntax markdownify does not know: inline code, strike-through, spoilers.
        return re.sub(r"([`~|])", r"\\\1", text) if text else text


_TO_MARKDOWN = _DiscordMarkdown(bullets="-", heading_style="atx", autolinks=True)


def html_to_markdown(source: str, base: str | None = None) -> str:
    """Feed HTML to Discord markdown: no images, scripts, embeds; entities decoded; tidy.

    It sanitises too (only text, emphasis, lists and http(s)/mailto links survive); relative links
    are resolved against `base`, the summary's own (xml:base, else the feed's address).
    """
    cut = len(source) > HTML_BUDGET
    # Markup-free text in a <p>: bs4 would warn that a bare URL or path "looks like a file name".
    soup = BeautifulSoup(source[:HTML_BUDGET] if "<" in source else f"<p>{source}</p>", "html.parser")
    # One walk over the tags: bs4's find_all costs as much as the conversion itself.
    for tag in [node for node in soup.descendants if isinstance(node, Tag)]:
        if tag.decomposed:
            continue
        if tag.name in _DROPPED_TAGS:
            tag.decompose()
        elif tag.name == "img":
            # WordPress turns emoji into <img class="wp-smiley" alt="🎉">: keep the emoji itself.
            emoji = EMOJI_CLASS.search(" ".join(tag.get_attribute_list("class", [])))
            tag.replace_with(str(tag["alt"])) if emoji and tag.get("alt") else tag.decompose()
        elif tag.name == "a":
            href = str(tag.get("href") or "").strip()
            href = urljoin(base, href) if base and href and not href.startswith("mailto:") else href
            if href.startswith(("http://", "https://", "mailto:")):
                tag.attrs = {"href": href}
            else:
                tag.unwrap()
    text = _TO_MARKDOWN.convert_soup(soup)
    lines = [_SPACES.sub(" ", line).rstrip() for line in text.replace("\u00a0\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    # Only the start of a long HTML is read: say so, without the word the cut may have split.
    return text.rsplit(maxsplit=1)[0] + " …" if cut and " " in text else text
