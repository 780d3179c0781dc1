"""parse_feed on real-world-shaped feeds: text intact, links absolute, stable keys, oldest first."""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime, timedelta

import pytest

from cogs.feeds.markdown import html_to_markdown
from cogs.feeds.parse import ParseError, body_hash, entry_key, parse_feed, with_markdown_summary
from tests.feed_server import Item, fixture, rss

WP = "https://blog.socialbusiness.example.ch/feed/"
BLOGGER = "https://intelligence-collective.example.org/feeds/posts/default"
MONDAY = datetime(2025, 10, 6, 8, 0, tzinfo=UTC)


def _titles(parsed):
    return [entry.title for entry in parsed.entries]


# WordPress, RSS 2.0


def test_wordpress_titles_keep_accents_and_the_text_after_rsquo():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP, "application/rss+xml; charset=UTF-8")

    assert parsed.title == "Social Business Romandie – Le blog"
    assert "L’expérience client à l’ère des réseaux sociaux : retour sur la matinée du 9 octobre" in _titles(
        parsed
    )


def test_wordpress_entries_come_oldest_first():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)

    assert [entry.published for entry in parsed.entries] == sorted(
        entry.published for entry in parsed.entries
    )
    assert parsed.entries[-1].title.startswith("L’expérience client")


def test_wordpress_keys_are_the_guids():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)

    assert [entry.key for entry in parsed.entries] == [
        "https://blog.socialbusiness.example.ch/?p=1811",
        "https://blog.socialbusiness.example.ch/?p=1830",
        "https://blog.socialbusiness.example.ch/?p=1842",
    ]


def test_wordpress_entry_details():
    latest = parse_feed(fixture("wordpress_fr.xml"), WP).entries[-1]

    assert latest.author == "Claire Dubois"
    assert latest.published == datetime(2025, 10, 14, 7, 12, 31, tzinfo=UTC)
    assert latest.tags == ("Relation client", "Événements")
    assert (
        latest.link == "https://blog.socialbusiness.example.ch/2025/10/14/experience-client-reseaux-sociaux/"
    )
    summary = with_markdown_summary(latest).summary
    assert "d’expérience client" in summary
    assert "&#8217;" not in summary and "&rsquo;" not in summary


def test_wordpress_feed_icon_comes_from_its_image():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)

    assert parsed.icon_url == (
        "https://blog.socialbusiness.example.ch/wp-content/uploads/2024/02/cropped-agora-icone-32x32.png"
    )


def test_image_is_the_first_real_picture_not_an_emoji_or_a_pixel():
    latest = parse_feed(fixture("wordpress_fr.xml"), WP).entries[-1]

    assert latest.image_url == (
        "https://blog.socialbusiness.example.ch/wp-content/uploads/2025/10/matinee-geneve-1024x576.jpg"
    )


def test_relative_image_in_content_is_made_absolute():
    oldest = parse_feed(fixture("wordpress_fr.xml"), WP).entries[0]

    assert (
        oldest.image_url
        == "https://blog.socialbusiness.example.ch/wp-content/uploads/2025/09/roi-graphique.png"
    )


def test_summary_keeps_the_mention_text_for_render_to_neutralise():
    entry = parse_feed(fixture("wordpress_fr.xml"), WP).entries[1]

    assert entry.title.startswith("@everyone")


# Blogger, Atom with xml:base


def test_atom_relative_links_are_resolved_against_xml_base():
    parsed = parse_feed(fixture("blogger_atom.xml"), BLOGGER, "application/atom+xml; charset=UTF-8")
    by_key = {entry.key: entry for entry in parsed.entries}
    post = by_key["tag:blogger.com,1999:blog-4815162342.post-777"]

    assert post.link == "https://intelligence-collective.example.org/blog/2025/10/rse-vide.html"
    assert (
        "(https://intelligence-collective.example.org/blog/2025/10/animer-rse-checklist.html)"
        in with_markdown_summary(post).summary
    )
    assert post.image_url == "https://intelligence-collective.example.org/blog/images/rse-vide.jpg"
    assert parsed.link == "https://intelligence-collective.example.org/blog/"
    assert parsed.icon_url == "https://intelligence-collective.example.org/favicon.ico"


def test_atom_entry_level_xml_base_wins():
    parsed = parse_feed(fixture("blogger_atom.xml"), BLOGGER)
    codev = next(entry for entry in parsed.entries if entry.key.endswith("post-776"))

    assert codev.link == "https://intelligence-collective.example.org/archives/codev-retour.html"


def test_atom_html_title_becomes_plain_text_and_author_loses_the_email():
    parsed = parse_feed(fixture("blogger_atom.xml"), BLOGGER)
    codev = next(entry for entry in parsed.entries if entry.key.endswith("post-776"))

    assert codev.title == "Le co-développement entre pairs : retour d'expérience"
    assert (
        with_markdown_summary(codev).summary
        == "Quatre séances, six managers, une méthode : ce que le co-développement a changé."
    )
    assert parsed.entries[-1].author == "Sophie Keller"
    assert parsed.title == "Intelligence collective & entreprise 2.0"


# RSS 1.0


def test_rss1_rdf_feed_parses():
    parsed = parse_feed(fixture("rss1_rdf.xml"), "https://observatoire-rse.example.ch/rss")

    assert parsed.version == "rss10"
    assert _titles(parsed) == [
        "LinkedIn pour les PME : mode d’emploi",
        "Baromètre 2025 : 62 % des PME romandes présentes sur LinkedIn",
    ]


# Keys


def test_key_is_stable_when_the_date_or_the_comment_count_changes():
    before = rss(
        [Item("ROI des médias sociaux", link="https://b.ch/roi", guid="p-7", published=MONDAY, comments=0)]
    )
    after = rss(
        [
            Item(
                "ROI des médias sociaux",
                link="https://b.ch/roi",
                guid="p-7",
                published=MONDAY + timedelta(hours=5),
                comments=12,
            )
        ]
    )

    assert parse_feed(before, WP).entries[0].key == parse_feed(after, WP).entries[0].key == "p-7"


def test_key_without_guid_is_the_link():
    parsed = parse_feed(rss([Item("Atelier", link="https://agenda.example.ch/atelier")]), WP)

    assert parsed.entries[0].key == "https://agenda.example.ch/atelier"


def test_entries_without_guid_link_or_date_get_distinct_keys_that_do_not_change():
    first = parse_feed(fixture("no_guid_no_date.xml"), "https://agenda.example.ch/rss")
    again = parse_feed(fixture("no_guid_no_date.xml"), "https://agenda.example.ch/rss")
    keys = [entry.key for entry in first.entries]

    assert keys == [entry.key for entry in again.entries]
    assert len(set(keys)) == 3
    assert keys[-1] == "https://agenda.example.ch/matinees/client-roi"
    assert all(key.startswith("hash:") for key in keys[:2])


def test_undated_entries_keep_document_order_reversed():
    parsed = parse_feed(fixture("no_guid_no_date.xml"), "https://agenda.example.ch/rss")

    assert _titles(parsed) == [
        "Apéro réseautage de fin d’année",
        "Atelier ROI des médias sociaux",
        "Matinée « Client roi, collaborateur heureux » – 6 novembre",
    ]


def test_hash_key_ignores_an_update_date():
    common = {"guid": None, "link": None, "title": "Atelier", "summary": "s"}

    assert entry_key(**common, published=MONDAY) != entry_key(**common, published=MONDAY + timedelta(days=1))
    assert entry_key(**common, published=None) == entry_key(**common, published=None)


def test_very_long_ids_are_hashed_to_a_bounded_key():
    key = entry_key(guid="x" * 5000, link=None, title="", published=None, summary="")

    assert key.startswith("sha256:") and len(key) < 100


def test_guid_shared_by_every_entry_is_ignored_for_the_links():
    items = [
        Item(f"Article {i}", link=f"https://b.ch/{i}", guid="https://b.ch/", published=MONDAY)
        for i in range(3)
    ]

    keys = {entry.key for entry in parse_feed(rss(items), WP).entries}

    assert keys == {"https://b.ch/0", "https://b.ch/1", "https://b.ch/2"}


def test_repeated_entry_is_returned_once():
    item = Item("Sticky", link="https://b.ch/sticky", guid="p-1", published=MONDAY)
    other = Item("Autre", link="https://b.ch/autre", guid="p-2", published=MONDAY - timedelta(days=1))

    parsed = parse_feed(rss([item, other, item]), WP)

    assert _titles(parsed) == ["Autre", "Sticky"]


# Order and size


def test_long_feed_keeps_the_newest_fifty_oldest_first_and_counts_all():
    items = [
        Item(f"Article {i}", link=f"https://b.ch/{i}", guid=f"p-{i}", published=MONDAY + timedelta(hours=i))
        for i in range(300)
    ]
    random.Random(4).shuffle(items)  # dates decide, not the document order

    parsed = parse_feed(rss(items), WP)

    assert parsed.total_entries == 300
    assert _titles(parsed) == [f"Article {i}" for i in range(250, 300)]


def test_dates_that_tie_keep_document_order_newest_first():
    items = [Item(f"Article {i}", link=f"https://b.ch/{i}", published=MONDAY) for i in range(3)]

    assert _titles(parse_feed(rss(items), WP)) == ["Article 2", "Article 1", "Article 0"]


# Encodings and content types


def test_utf8_bytes_declared_as_latin1_keep_their_accents():
    parsed = parse_feed(
        fixture("latin1_declared_utf8_bytes.xml"), WP, "application/rss+xml; charset=ISO-8859-1"
    )

    assert parsed.title == "Réseaux & Clientèle – l’actualité"
    assert parsed.entries[0].title == "Élan collectif : la stratégie « social first » d’une PME genevoise 🚀"


def test_cp1252_bytes_declared_as_utf8_keep_their_accents():
    parsed = parse_feed(fixture("utf8_declared_cp1252_bytes.xml"), WP, "application/xml")

    assert parsed.entries[0].title == "Élan collectif : la stratégie « social first » d’une PME genevoise"
    assert "équipe" in with_markdown_summary(parsed.entries[0]).summary


@pytest.mark.parametrize("content_type", ["text/html", "application/octet-stream", None])
def test_wrong_or_missing_content_type_does_not_matter(content_type):
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP, content_type)

    assert len(parsed.entries) == 3


# Not feeds


def test_html_page_is_not_a_feed_and_offers_the_feeds_it_advertises():
    with pytest.raises(ParseError) as caught:
        parse_feed(fixture("page_with_feed.html"), "https://blog.socialbusiness.example.ch/", "text/html")

    assert caught.value.code == "not_a_feed"
    assert caught.value.values == {
        "kind": "html",
        "alternates": [
            "https://blog.socialbusiness.example.ch/feed/",
            "https://blog.socialbusiness.example.ch/comments/feed/",
            "https://blog.socialbusiness.example.ch/feed/atom/",
        ],
    }


def test_html_page_without_feed_links_offers_none():
    with pytest.raises(ParseError) as caught:
        parse_feed(fixture("error_page.html"), "https://b.ch/", "text/html")

    assert caught.value.values == {"kind": "html", "alternates": []}


def test_image_is_not_a_feed():
    with pytest.raises(ParseError) as caught:
        parse_feed(fixture("logo.png"), "https://b.ch/logo.png", "application/octet-stream")

    assert (caught.value.code, caught.value.values["kind"]) == ("not_a_feed", "image")


@pytest.mark.parametrize("body", [b"", b"  \n ", b'{"version": "json"}', b"Bonjour tout le monde"])
def test_empty_or_garbage_is_not_a_feed(body):
    with pytest.raises(ParseError) as caught:
        parse_feed(body, "https://b.ch/")

    assert caught.value.code == "not_a_feed"


def test_malformed_xml_is_refused():
    with pytest.raises(ParseError) as caught:
        parse_feed(fixture("malformed.xml"), "https://b.ch/feed")

    assert caught.value.code == "malformed"


def test_truncated_feed_is_refused_even_though_feedparser_finds_entries():
    body = fixture("wordpress_fr.xml")
    cut = body[: body.index(b"<title>Mesurer") + 20]

    with pytest.raises(ParseError) as caught:
        parse_feed(cut, WP)

    assert caught.value.values == {"truncated": True}


def test_undefined_entity_in_a_complete_feed_is_accepted():
    body = rss([Item("L&rsquo;ROI", link="https://b.ch/1")]).replace(
        b"L&amp;rsquo;ROI", b"L&rsquo;ROI du social"
    )

    assert _titles(parse_feed(body, WP)) == ["L’ROI du social"]


def test_body_naming_a_local_file_is_parsed_as_data_not_opened(tmp_path):
    secret = tmp_path / "feed.xml"
    secret.write_bytes(rss([Item("Secret", link="https://b.ch/secret")]))

    with pytest.raises(ParseError):
        parse_feed(str(secret).encode(), "https://b.ch/")


def test_results_and_errors_pickle_for_the_worker_pool():
    parsed = parse_feed(fixture("wordpress_fr.xml"), WP)
    error = ParseError("not_a_feed", kind="html", alternates=["https://b.ch/feed/"])

    # Our own objects, round-tripped: what ProcessPoolExecutor does with them.
    assert pickle.loads(pickle.dumps(parsed)) == parsed  # noqa: S301
    assert pickle.loads(pickle.dumps(error)).values == error.values  # noqa: S301


# Hashing and HTML


def test_body_hash_ignores_a_new_build_date_but_not_a_new_entry():
    body = fixture("wordpress_fr.xml")
    rebuilt = body.replace(
        b"<lastBuildDate>Tue, 14 Oct 2025 07:12:31", b"<lastBuildDate>Wed, 15 Oct 2025 09:00:00"
    )
    edited = body.replace(b"80 participants", b"90 participants")

    assert body_hash(body) == body_hash(rebuilt)
    assert body_hash(body) != body_hash(edited)


def test_html_becomes_discord_markdown_without_scripts_or_images():
    text = html_to_markdown(
        "<h2>Ce que nous avons appris</h2><p>Plus de <strong>80</strong> participants "
        '<img class="wp-smiley" src="https://s.w.org/e.svg" alt="🎉"/></p>'
        '<script>track()</script><style>p{}</style><iframe src="https://yt.example/x"></iframe>'
        '<p><img src="https://b.ch/photo.jpg" alt="photo"/><a href="javascript:alert(1)">lien</a> '
        '<a href="https://b.ch/x" title="t">programme</a> a*b `code` ~~x~~</p>'
    )

    assert text == (
        "**Ce que nous avons appris**\n\nPlus de **80** participants 🎉\n\n"
        "lien [programme](https://b.ch/x) a\\*b \\`code\\` \\~\\~x\\~\\~"
    )
