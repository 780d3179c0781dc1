"""entry_embed and thread_name: Discord's limits, no pings, clean text, the right picture and time."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cogs.feeds.parse import FeedEntry, ParsedFeed, parse_feed
from cogs.feeds.render import (
    entry_embed,
    neutralise_mentions,
    quoted_title,
    shorten,
    shorten_markdown,
    thread_name,
)
from tests.feed_server import fixture

WP = "https://blog.socialbusiness.example.ch/feed/"
FEED = ParsedFeed(
    title="Social Business Romandie – Le blog",
    link="https://blog.socialbusiness.example.ch",
    icon_url="https://blog.socialbusiness.example.ch/icon.png",
    entries=(),
    total_entries=0,
    version="rss20",
)
ENTRY = FeedEntry(
    key="p-1",
    title="Mesurer le ROI des médias sociaux",
    link="https://blog.socialbusiness.example.ch/roi/",
    summary="Combien rapporte un abonné ? Voici cinq indicateurs.",
    author="Claire Dubois",
    published=datetime(2025, 9, 30, 6, 30, tzinfo=UTC),
    image_url="https://blog.socialbusiness.example.ch/roi.png",
    tags=("ROI",),
)
WORDS = "Le service client sur les réseaux sociaux demande une organisation claire et des réponses rapides. "


def test_embed_links_the_title_and_shows_summary_image_time_and_feed():
    embed = entry_embed(FEED, ENTRY)

    assert embed.title == "Mesurer le ROI des médias sociaux"
    assert embed.url == "https://blog.socialbusiness.example.ch/roi/"
    assert embed.description == "Combien rapporte un abonné ? Voici cinq indicateurs."
    assert embed.image.url == "https://blog.socialbusiness.example.ch/roi.png"
    assert embed.timestamp == datetime(2025, 9, 30, 6, 30, tzinfo=UTC)
    assert embed.author.name == "Social Business Romandie – Le blog"
    assert embed.author.url == "https://blog.socialbusiness.example.ch"
    assert embed.author.icon_url == "https://blog.socialbusiness.example.ch/icon.png"


def test_author_is_shown_through_the_callers_template():
    assert entry_embed(FEED, ENTRY).footer.text == "Claire Dubois"
    assert entry_embed(FEED, ENTRY, author_template="par {author}").footer.text == "par Claire Dubois"


def test_entry_without_image_author_or_date_leaves_them_out():
    embed = entry_embed(FEED, replace(ENTRY, image_url=None, author=None, published=None))

    assert embed.image.url is None
    assert embed.footer.text is None
    assert embed.timestamp is None


def test_long_title_is_cut_at_a_word_with_an_ellipsis():
    embed = entry_embed(FEED, replace(ENTRY, title=WORDS * 5))

    assert len(embed.title) <= 256
    assert embed.title.endswith("…")
    assert embed.title[:-1].split()[-1] in WORDS.split()  # the last word is whole


def test_long_summary_is_cut_at_a_word_near_the_default_length():
    embed = entry_embed(FEED, replace(ENTRY, summary=WORDS * 20))

    assert 500 < len(embed.description) <= 600
    assert embed.description.endswith("…")
    assert embed.description[:-1].split()[-1] in WORDS.split()


def test_summary_never_exceeds_discords_description_limit():
    embed = entry_embed(FEED, replace(ENTRY, summary=WORDS * 100), summary_length=10_000)

    assert len(embed.description) <= 4096


def test_whole_embed_stays_within_6000_characters():
    huge = replace(ENTRY, title="T" * 400, summary=WORDS * 100, author="A" * 3000)
    feed = replace(FEED, title="F" * 400)

    embed = entry_embed(feed, huge, summary_length=4096)

    assert len(embed) <= 6000
    assert len(embed.author.name) <= 256
    assert len(embed.footer.text) <= 2048


def test_mentions_in_title_summary_and_thread_name_never_ping():
    loud = replace(ENTRY, title="@everyone : la marque employeur", summary="Salut @here, <@123> et <@&456> !")

    embed = entry_embed(FEED, loud)

    for text in (embed.title, embed.description, thread_name(loud)):
        assert "@everyone" not in text and "@here" not in text
        assert "<@1" not in text and "<@&" not in text
    assert embed.title.startswith("@\u200beveryone")


def test_markdown_in_a_title_is_escaped():
    embed = entry_embed(FEED, replace(ENTRY, title="Le *vrai* ROI du social_business"))

    assert embed.title == "Le \\*vrai\\* ROI du social\\_business"


def unescaped(shown: str) -> str:
    return re.sub(r"\\(.)", r"\1", shown.replace("\u200b", ""))


@pytest.mark.parametrize("title", ["*" * 256, "*" * 300, "___***~~~" * 40, "_" * 1000, "- " + "~" * 400])
def test_a_title_of_markdown_characters_keeps_as_much_as_fits_once_escaped(title):
    embed = entry_embed(FEED, replace(ENTRY, title=title))

    assert len(embed.title) <= 256
    kept = unescaped(embed.title.removesuffix("…"))
    assert len(kept) >= 120 and " ".join(title.split()).startswith(kept)


def test_a_short_title_of_markdown_characters_is_shown_whole():
    embed = entry_embed(FEED, replace(ENTRY, title="___***~~~"))

    assert embed.title == "\\_\\_\\_\\*\\*\\*\\~\\~\\~"


@pytest.mark.parametrize(
    "text", ["-" * 5000, "— " * 3000, "[" * 5000, "[" + "mot " * 2000 + "](https://e.ch)"]
)
def test_a_summary_made_of_punctuation_or_one_long_link_is_not_reduced_to_an_ellipsis(text):
    embed = entry_embed(FEED, replace(ENTRY, summary=text))

    assert len(embed.description) > 500
    assert len(embed.description) <= 600


def test_a_cut_summary_leaves_no_backslash_escaping_the_ellipsis():
    text = shorten_markdown("ab\\*" * 400, 603)  # the cut falls right after a backslash
    head = text.removesuffix("…")
    assert (len(head) - len(head.rstrip("\\"))) % 2 == 0


def test_author_name_and_footer_of_punctuation_keep_their_text():
    feed = replace(FEED, title="—" * 400)
    embed = entry_embed(feed, replace(ENTRY, author="-" * 3000))

    assert embed.author.name.startswith("——") and len(embed.author.name) <= 256
    assert embed.footer.text.startswith("--") and len(embed.footer.text) <= 2048


def test_summary_repeating_the_title_is_left_out():
    embed = entry_embed(FEED, replace(ENTRY, summary="Mesurer le ROI des  médias sociaux"))

    assert embed.description is None


def test_wordpress_post_text_has_no_script_or_image_markup():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)

    for entry in parsed.entries:
        text = entry_embed(parsed, entry).description or ""
        assert "<script" not in text and "trackPageview" not in text
        assert "![" not in text and "<img" not in text and "<iframe" not in text


def test_cut_inside_a_link_drops_the_half_written_link():
    summary = "Lire " + "très " * 100 + "[le programme complet de la matinée](https://b.ch/programme)"

    text = shorten_markdown(summary, 520)

    assert "[le programme" not in text
    assert text.endswith("…")


def test_cut_inside_bold_closes_it():
    text = shorten_markdown("**" + WORDS * 10 + "**", 100)

    assert text.endswith("…**")
    assert text.count("**") == 2
    assert len(text) <= 100


def test_shorten_keeps_short_text_and_cuts_long_text_at_a_word():
    assert shorten("court", 10) == "court"
    assert shorten("relation client et marque employeur", 20) == "relation client et…"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@everyone", "@\u200beveryone"),
        ("@here", "@\u200bhere"),
        ("<@123456789012345678>", "<@\u200b123456789012345678>"),
        ("<@!123>", "<@\u200b!123>"),
        ("<@&123>", "<@\u200b&123>"),
        ("contact@e-20.ch", "contact@e-20.ch"),
    ],
)
def test_neutralise_mentions(text, expected):
    assert neutralise_mentions(text) == expected


def test_thread_name_is_the_title_within_100_characters():
    assert thread_name(ENTRY) == "Mesurer le ROI des médias sociaux"
    long_name = thread_name(replace(ENTRY, title=WORDS * 3))
    assert len(long_name) <= 100 and long_name.endswith("…")


def test_thread_name_without_title_uses_the_summary_words():
    name = thread_name(replace(ENTRY, title="", summary="**Inscriptions** ouvertes [ici](https://b.ch/)"))

    assert name == "Inscriptions ouvertes ici"


def test_entry_without_title_has_no_linked_title():
    embed = entry_embed(FEED, replace(ENTRY, title="  "))

    assert embed.title is None and embed.url is None
    assert embed.description


def test_a_feed_title_quoted_in_a_message_is_escaped_then_limited():
    assert quoted_title("Le  blog *social*") == "Le blog \\*social\\*"
    quoted = quoted_title("_" * 1500)
    assert len(quoted) <= 200 and quoted == "\\_" * 99 + "…"
