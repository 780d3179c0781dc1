"""Summaries stay as the feed wrote them until an entry is posted; only then do they become markdown."""

from __future__ import annotations

import json

import pytest

from cogs.feeds import markdown, summary
from cogs.feeds.parse import parse_feed, with_markdown_summary
from cogs.feeds.render import entry_embed
from cogs.feeds.store import entry_from_json, entry_to_json
from cogs.feeds.summary import HTML_BUDGET
from tests.feed_server import Item, fixture, rss

WP = "https://blog.socialbusiness.example.ch/feed/"


def _atom(summary: str, kind: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Blog</title><entry><id>tag:b.ch,2025:1</id><title>Atelier</title>"
        f'<link href="https://b.ch/1"/><summary type="{kind}">{summary}</summary></entry></feed>'
    ).encode()


def test_parsing_converts_no_summary(monkeypatch):
    def refuse(*args: object) -> str:
        raise AssertionError("a summary was converted while parsing")

    monkeypatch.setattr(markdown, "html_to_markdown", refuse)
    monkeypatch.setattr(summary, "text_to_markdown", refuse)

    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)

    assert all(entry.summary_format == "html" for entry in parsed.entries)


def test_summary_is_kept_as_written_then_converted_for_posting():
    latest = parse_feed(fixture("wordpress_fr.xml"), WP).entries[-1]

    converted = with_markdown_summary(latest)

    assert "<p>" in latest.summary
    assert (converted.summary_format, converted.summary_base) == ("markdown", None)
    assert "<" not in converted.summary and "d’expérience client" in converted.summary
    assert with_markdown_summary(converted) is converted


def test_a_long_summary_is_bounded_and_still_shows_it_was_cut():
    words = "<p>" + "réseaux sociaux " * 2000 + "</p>"
    entry = parse_feed(rss([Item("Long", link="https://b.ch/1", description=words)]), WP).entries[0]

    assert len(entry.summary) == HTML_BUDGET + 1
    assert with_markdown_summary(entry).summary.endswith(" …")


def test_relative_links_of_a_summary_are_resolved_when_converted():
    body = rss(
        [Item("Agenda", link="https://b.ch/1", description='<p>Voir <a href="/agenda/">l’agenda</a></p>')]
    )
    entry = parse_feed(body, "https://blog.example.ch/feed/").entries[0]

    assert with_markdown_summary(entry).summary == "Voir [l’agenda](https://blog.example.ch/agenda/)"


def test_plain_text_summary_is_shown_as_written():
    entry = parse_feed(_atom("5 * 3 = 15 &amp; plus", "text"), "https://b.ch/feed").entries[0]

    assert entry.summary_format == "text"
    assert with_markdown_summary(entry).summary == "5 \\* 3 = 15 & plus"


def test_render_converts_an_entry_given_raw():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)

    description = entry_embed(parsed, parsed.entries[-1]).description or ""

    assert "<p>" not in description and "d’expérience client" in description


@pytest.mark.parametrize("index", [0, -1])
def test_a_stored_raw_entry_reads_back_the_same(index):
    entry = parse_feed(
        fixture("blogger_atom.xml"), "https://intelligence-collective.example.org/feed"
    ).entries[index]

    assert entry_from_json(entry_to_json(entry)) == entry


def test_an_entry_stored_before_summaries_were_kept_raw_reads_as_markdown():
    stored = json.loads(
        entry_to_json(with_markdown_summary(parse_feed(fixture("wordpress_fr.xml"), WP).entries[-1]))
    )
    del stored["summary_format"], stored["summary_base"]

    entry = entry_from_json(json.dumps(stored))

    assert entry.summary_format == "markdown"
    assert with_markdown_summary(entry).summary == stored["summary"]


def _words(html: str) -> str:
    return " ".join(summary.summary_words(html, "html").split())


def test_summary_words_skip_hidden_elements_comments_and_tags():
    html = (
        "<p>Atelier <b>réseaux</b> &amp; <SCRIPT type='x'>var caché = '<b>';</script >client</p>"
        "<!-- note <b>cachée</b> --><style>p{}</STYLE><svg viewBox='0 0 1 1'/>Genève<svg><g/></svg>"
    )

    assert _words(html) == "Atelier réseaux & client Genève"


def test_an_unclosed_hidden_element_hides_the_rest():
    assert _words("<p>Visible</p><script>var a = '<b>caché</b>';") == "Visible"
    assert _words("Visible <!-- commentaire <b>caché</b>") == "Visible"


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("<script>" * 2000, ""),
        ("<!--" * 4000, ""),
        ("<" * 16_000, "<" * 16_000),
        ("<" * 15_000 + ">après", "après"),
        ("<script>" + "</script " * 1700 + "</script>après", "après"),
        ("<style " + "a" * 15_000, ""),
        ("<b" * 4000 + "<!--" * 1500 + "-->mot", "<b" * 4000 + " mot"),
    ],
)
def test_summary_words_of_hostile_html_are_right(html, words):
    # Each of these once took a tenth of a second or more of the event loop, per entry.
    assert _words(html) == words
