"""Feeds' delivery modes as the admin declares them, and the feeds' lines in the weekly digest."""

from __future__ import annotations

import pytest

from agora.escaping import link_target
from agora.i18n import Catalogue
from agora.pulse import DIGEST_ARTICLES
from agora.settings import Settings, SettingsError
from cogs.feeds.model import FEED_MODES, SharedArticle
from cogs.feeds.pulse import LINE_MAX, article_line, blog_sections

TOKEN = "abc.def.ghi"


def declared(raw: str):
    return Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_FEEDS": raw}).feeds


def shared(n: int, blog: str = "Blog", title: str | None = None, link: str | None = "auto") -> SharedArticle:
    return SharedArticle(
        guild_id=1,
        feed_id=1,
        entry_key=f"k{n}",
        blog=blog,
        title=title or f"Article {n}",
        link=f"https://blog.example.ch/{n}" if link == "auto" else link,
        mode="digest",
        shared_at=1_000 + n,
    )


def test_a_declared_feed_is_instant_unless_told_otherwise():
    [feed] = declared("https://x.org/feed #blog")
    assert feed.mode == "instant"


@pytest.mark.parametrize(("token", "mode"), [("mode=digest", "digest"), ("mode=Review", "review")])
def test_a_declared_feed_takes_its_mode(token, mode):
    [feed] = declared(f"https://x.org/feed #blog thread {token} include=rh")
    assert (feed.mode, feed.thread, feed.include) == (mode, True, "rh")


@pytest.mark.parametrize("token", ["mode=weekly", "mode=", "mode"])
def test_a_declared_feed_with_an_unknown_mode_is_refused(token):
    with pytest.raises(SettingsError) as caught:
        declared(f"https://x.org/feed #blog {token}")
    assert caught.value.variable == "AGORA_FEEDS"


def test_every_mode_has_its_words_in_both_languages():
    catalogue = Catalogue.load("fr")
    keys = [f"feeds.modes.name.{mode}" for mode in FEED_MODES]
    keys += [f"feeds.modes.effect.{mode}" for mode in FEED_MODES]
    keys += [f"feeds.modes.added.{mode}" for mode in FEED_MODES if mode != "instant"]
    for language in ("fr", "en"):
        assert [key for key in keys if key not in catalogue.messages[language]] == []


def test_a_blog_shows_ten_articles_and_counts_the_rest():
    [section] = blog_sections([shared(n) for n in range(1, 13)])
    assert section.order == DIGEST_ARTICLES
    assert section.title == "Blog"
    assert section.lines[0] == "[Article 1](https://blog.example.ch/1)"
    assert (len(section.lines), section.more) == (10, 2)


def test_each_blog_has_its_section_in_the_order_given():
    sections = blog_sections([shared(1, "Alpha"), shared(2, "Alpha"), shared(3, "Zèbre")])
    assert [(s.title, len(s.lines), s.more) for s in sections] == [("Alpha", 2, 0), ("Zèbre", 1, 0)]


def test_markdown_in_a_title_and_a_blog_name_is_shown_as_typed():
    [section] = blog_sections([shared(1, "__Le__ *blog*", "**Gras** ~~barré~~ [x](y) @everyone")])
    assert section.title == "\\_\\_Le\\_\\_ \\*blog\\*"
    [line] = section.lines
    assert line.startswith("[\\*\\*Gras\\*\\* \\~\\~barré\\~\\~ \\[x\\](y) @\u200beveryone](")


def test_a_long_title_is_cut_at_a_word_within_the_line_limit():
    title = " ".join(["_mot_"] * 400)
    line = article_line(shared(1, title=title))
    assert len(line) <= LINE_MAX
    assert line.startswith("[\\_mot\\_ ")
    assert "\\_mot\\_…](https://blog.example.ch/1)" in line  # whole words, then the ellipsis


def test_an_address_that_would_break_the_link_is_encoded_or_left_out():
    assert link_target("https://fr.wikipedia.org/wiki/Agora_(Athènes)") == (
        "https://fr.wikipedia.org/wiki/Agora_%28Athènes%29"
    )
    assert link_target("javascript:alert(1)") is None
    assert link_target("https://x.org/" + "a" * 600) is None
    assert article_line(shared(1, link=None)) == "Article 1"
