"""Feed encodings: the body's own BOM or declaration, when valid, beats a contradicting HTTP charset."""

from __future__ import annotations

import pytest

from cogs.feeds.encoding import choose_encoding, to_utf8
from cogs.feeds.parse import parse_feed, with_markdown_summary
from tests.feed_server import fixture

URL = "https://geneve-reseaux.example.ch/feed/"
LATIN1_HEADERS = ["text/html; charset=ISO-8859-1", "application/rss+xml; charset=iso-8859-1", "text/xml"]


@pytest.mark.parametrize("content_type", [*LATIN1_HEADERS, None])
def test_utf8_feed_served_as_latin1_keeps_its_accents(content_type):
    parsed = parse_feed(fixture("utf8_served_as_latin1.xml"), URL, content_type)

    assert parsed.title == "Genève Réseaux – le blog de l’économie sociale"
    assert [entry.title for entry in parsed.entries] == [
        "Atelier réseaux sociaux : l’été des coopératives",
        "Conférence « Marque employeur » – ce qu’on a retenu",
    ]
    latest = parsed.entries[-1]
    assert latest.author == "Noémie Perret"
    assert latest.tags == ("Événements",)
    assert with_markdown_summary(latest).summary.startswith(
        "Près de 120 participants à la Conférence de l’Hôtel de Ville"
    )


@pytest.mark.parametrize(
    "content_type",
    ["text/xml", None, "application/rss+xml; charset=UTF-8", "text/html; charset=utf-8", "text/html"],
)
def test_latin1_feed_reads_as_latin1_whatever_it_is_served_as(content_type):
    parsed = parse_feed(fixture("latin1.xml"), "http://www.coop-romandie.example.ch/rss", content_type)

    assert parsed.title == "Coopératives de Romandie"
    latest = parsed.entries[-1]
    assert latest.title == "Conférence : financer une coopérative à Genève"
    assert latest.author == "Secrétariat"
    assert with_markdown_summary(latest).summary == (
        "Rendez-vous le 4 décembre à l’Université ouvrière : témoignages de coopérateurs, prêts "
        "solidaires et « crowdfunding » à la française."
    )


@pytest.mark.parametrize("content_type", [*LATIN1_HEADERS, None])
def test_utf8_bom_without_declaration_wins_over_a_latin1_header(content_type):
    parsed = parse_feed(fixture("utf8_bom_no_declaration.xml"), URL, content_type)

    assert parsed.title == "Matinées du réseau"
    assert parsed.entries[0].title == "Conférence – réseaux sociaux et relation client"


def test_utf16_with_bom_is_read():
    body = fixture("utf8_served_as_latin1.xml").decode().replace("UTF-8", "UTF-16").encode("utf-16")

    parsed = parse_feed(body, URL, "text/html; charset=ISO-8859-1")

    assert parsed.entries[-1].title == "Conférence « Marque employeur » – ce qu’on a retenu"


def _feed(declaration: str, title: str, encoding: str) -> bytes:
    head = f'<?xml version="1.0" encoding="{declaration}"?>' if declaration else ""
    body = f'{head}<rss version="2.0"><channel><title>t</title><item><title>{title}</title>'
    return (body + "<link>https://b.ch/1</link></item></channel></rss>").encode(encoding)


def test_body_invalid_in_its_declaration_falls_back_to_the_http_charset():
    body = _feed("UTF-8", "Tarif : 20 € la matinée", "iso-8859-15")

    served_as = "text/xml; charset=ISO-8859-15"

    assert choose_encoding(body, served_as) == ("iso8859-15", 0)
    assert parse_feed(body, URL, served_as).entries[0].title == "Tarif : 20 € la matinée"


def test_body_invalid_everywhere_declared_falls_back_to_windows_1252():
    body = _feed("UTF-8", "L’été « solidaire »", "cp1252")

    served_as = "application/rss+xml; charset=UTF-8"

    assert choose_encoding(body, served_as) == ("cp1252", 0)
    assert parse_feed(body, URL, served_as).entries[0].title == "L’été « solidaire »"


def test_bytes_undefined_in_windows_1252_are_read_as_latin1():
    body = _feed("UTF-8", "Caf\x81 é", "latin-1")

    assert choose_encoding(body, None) == ("iso8859-1", 0)


def test_unknown_declared_encoding_is_passed_over():
    body = _feed("x-klingon", "Conférence", "utf-8")

    assert choose_encoding(body, "text/html; charset=ISO-8859-1") == ("utf-8", 0)


def test_declared_single_byte_encoding_wins_over_the_header_when_the_body_is_not_utf8():
    body = _feed("ISO-8859-15", "Tarif : 20 € la matinée", "iso-8859-15")

    assert choose_encoding(body, "text/html; charset=windows-1252") == ("iso8859-15", 0)


def test_ascii_body_keeps_its_bytes_and_only_says_utf8():
    body = _feed("ISO-8859-1", "Atelier", "ascii")

    converted, content_type = to_utf8(body, "text/html; charset=ISO-8859-1")

    assert converted == body.replace(b"ISO-8859-1", b"utf-8")
    assert content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "declaration", ["punycode", "idna", "utf-7", "unicode_escape", "raw_unicode_escape", "hz"]
)
def test_a_declaration_naming_no_web_encoding_is_ignored_as_if_undeclared(declaration):
    utf8 = _feed(declaration, "Conférence « réseaux »", "utf-8")
    cp1252 = _feed(declaration, "L’été « solidaire »", "cp1252")

    assert choose_encoding(utf8, None) == ("utf-8", 0)
    assert choose_encoding(cp1252, None) == ("cp1252", 0)
    assert parse_feed(utf8, URL, None).entries[0].title == "Conférence « réseaux »"
    assert parse_feed(cp1252, URL, "text/xml").entries[0].title == "L’été « solidaire »"


@pytest.mark.parametrize("declaration", ["idna", "punycode", "hz"])
def test_an_ascii_body_declaring_no_web_encoding_reads_as_written(declaration):
    title = "Atelier " + "x" * 80 + " ~{ section }~"  # a label too long for IDNA; HZ's shift sequences

    body = _feed(declaration, title, "ascii")

    assert choose_encoding(body, None) == ("utf-8", 0)
    assert parse_feed(body, URL, None).entries[0].title == title


@pytest.mark.parametrize("charset", ["punycode", "idna", "utf-7", "nul\x00"])
def test_a_header_charset_naming_no_web_encoding_is_ignored(charset):
    body = _feed("", "L’été « solidaire »", "cp1252")

    assert choose_encoding(body, f"text/xml; charset={charset}") == ("cp1252", 0)


def test_utf7_declaration_cannot_turn_text_into_markup():
    body = _feed("utf-7", "a +ADw-b+AD4-gras+ADw-/b+AD4-", "ascii")

    assert choose_encoding(body, None) == ("utf-8", 0)
    assert parse_feed(body, URL, None).entries[0].title == "a +ADw-b+AD4-gras+ADw-/b+AD4-"


@pytest.mark.parametrize(
    ("label", "name", "title"),
    [
        ("Shift_JIS", "shift_jis", "日本語の記事"),
        ("windows-874", "cp874", "ภาษาไทย"),
        ("x-mac-cyrillic", "mac-cyrillic", "Привет"),
        ("KOI8-R", "koi8-r", "Привет"),
    ],
)
def test_web_encodings_are_read_by_their_web_labels(label, name, title):
    body = _feed(label, title, name)

    assert choose_encoding(body, None) == (name, 0)
    assert parse_feed(body, URL, None).entries[0].title == title
