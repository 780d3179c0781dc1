"""Feed HTML to Discord markdown, with markdownify: no images, scripts or embeds; entities decoded.

Imported only when a summary is converted for posting (see summary.py): bs4 and markdownify cost
the bot memory it need not hold while no feed is followed, and a parser worker never needs them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from cogs.feeds.summary import EMOJI_CLASS, HTML_BUDGET

_DROPPED_TAGS = {
    "script", "style", "iframe", "object", "embed", "noscript", "form", "svg", "video", "audio",
    "figcaption", "button", "input", "select", "textarea", "template", "head", "title", "meta", "link",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v]+")


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
