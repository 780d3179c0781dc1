"""The weekly digest within Discord's limits whatever the volume: whole lines only, "and N more" counting
what the contributor and the digest left out, never over 10 embeds or 6,000 characters in total."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from agora.escaping import link_text
from agora.i18n import Catalogue
from agora.pulse import DigestSection
from cogs.pulse.digest.render import (
    CONTINUED,
    MAX_EMBEDS,
    MAX_FIELD_NAME,
    MAX_FIELD_VALUE,
    MAX_FIELDS,
    MAX_TITLE,
    MAX_TOTAL,
    embeds,
    fit,
    more_text,
    title,
)

CATALOGUE = Catalogue.load("fr")
FR = CATALOGUE.words("fr")
EN = CATALOGUE.words("en")
AT = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
TITLE = "La revue de la semaine, du 23 au 29 novembre 2026"


def article(blog: int, number: int) -> str:
    # A long, markdown-heavy title someone typed, escaped, as a linked line.
    name = f"Le_social_business *en* pratique — épisode {number} : ~~mythes~~ | réalités, n°{blog}"
    return (
        f"• [{link_text(name * 2)}](https://blog-{blog}.example.ch/2026/11/{number}/un-titre-long-{number})"
    )


def event(number: int) -> str:
    return (
        f"• [Matinée e-20 n°{number} : intelligence collective](https://discord.com/events/1/{number}) — "
        f"<t:{1_800_000_000 + number * 3600}:F>, Genève, {number % 30} places"
    )


def discord_total(built: list) -> int:
    """What Discord counts against 6,000, from the payload sent."""
    total = 0
    for embed in built:
        data = embed.to_dict()
        total += len(data.get("title", "")) + len(data.get("description", ""))
        total += len(data.get("footer", {}).get("text", "")) + len(data.get("author", {}).get("name", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))
    return total


def shown_lines(pages, name: str) -> list[str]:
    """The lines a section shows, across its fields (continued ones included)."""
    lines: list[str] = []
    current = None
    for page in pages:
        for field in page.fields:
            if field.name != CONTINUED:
                current = field.name
            if current == name:
                lines.extend(field.value.split("\n"))
    return lines


def check_limits(pages) -> None:
    built = embeds(pages, AT)
    assert 1 <= len(built) <= MAX_EMBEDS
    assert discord_total(built) <= MAX_TOTAL
    assert sum(len(embed) for embed in built) <= MAX_TOTAL
    for embed in built:
        assert len(embed.fields) <= MAX_FIELDS
        assert embed.title is None or len(embed.title) <= MAX_TITLE
        for field in embed.fields:
            assert field.name and len(field.name) <= MAX_FIELD_NAME
            assert field.value and len(field.value) <= MAX_FIELD_VALUE


def test_a_quiet_week_is_one_embed_titled_with_one_field_per_section():
    sections = [
        DigestSection(10, "Nouveaux articles", ("• a", "• b")),
        DigestSection(20, "Événements à venir", ("• c",)),
    ]
    pages = fit(TITLE, sections, FR)
    assert len(pages) == 1
    assert pages[0].title == TITLE
    assert [(f.name, f.value) for f in pages[0].fields] == [
        ("Nouveaux articles", "• a\n• b"),
        ("Événements à venir", "• c"),
    ]
    (built,) = embeds(pages, AT)
    assert built.timestamp == AT


def test_what_the_contributor_left_out_is_said_as_and_n_more():
    pages = fit(TITLE, [DigestSection(10, "Blog", ("• a", "• b"), more=5)], FR)
    assert pages[0].fields[0].value == "• a\n• b\n*… et 5 de plus*"
    assert (
        fit(TITLE, [DigestSection(10, "Blog", ("• a",), more=2)], EN)[0]
        .fields[0]
        .value.endswith("*… and 2 more*")
    )


def test_no_line_means_no_digest():
    assert fit(TITLE, [], FR) == []
    assert fit(TITLE, [DigestSection(10, "Vide", ())], FR) == []


def test_a_huge_week_fits_every_limit_and_keeps_every_section():
    blogs = [
        DigestSection(
            10, f"Blog n°{b} — {'Réseaux sociaux ' * 3}", tuple(article(b, n) for n in range(10)), more=3
        )
        for b in range(40)
    ]
    events = DigestSection(20, "Événements des 14 prochains jours", tuple(event(n) for n in range(50)))
    polls = DigestSection(30, "Sondages ouverts", tuple(f"• Sondage {n}" for n in range(30)))
    sections = [*blogs, events, polls]
    pages = fit(TITLE, sections, FR)
    check_limits(pages)
    for section in sections:
        lines = shown_lines(pages, section.title.strip())
        assert lines, f"{section.title} was lost"
        items = [line for line in lines if not line.startswith("*…")]
        (tail,) = [line for line in lines if line.startswith("*…")]
        assert items == list(section.lines[: len(items)])  # whole lines, in order, none cut
        left_out = len(section.lines) - len(items) + section.more
        assert tail == more_text(FR, left_out)


def test_every_section_shows_its_first_line_before_any_shows_its_second():
    sections = [
        DigestSection(10 + b, f"Blog {b}", tuple(article(b, n) for n in range(10))) for b in range(12)
    ]
    pages = fit(TITLE, sections, FR)
    check_limits(pages)
    kept = [len([x for x in shown_lines(pages, s.title) if not x.startswith("*…")]) for s in sections]
    assert min(kept) >= 1
    assert max(kept) - min(kept) <= 1


def test_everything_is_kept_when_it_fits():
    sections = [DigestSection(10, "Événements", tuple(event(n) for n in range(12)))]
    pages = fit(TITLE, sections, FR)
    lines = shown_lines(pages, "Événements")
    assert lines == list(sections[0].lines)  # continued over fields, no "and N more"
    assert all(len(f.value) <= MAX_FIELD_VALUE for p in pages for f in p.fields)
    assert len(pages[0].fields) == 2 and pages[0].fields[1].name == CONTINUED


def test_a_section_past_25_fields_goes_on_in_the_next_embed():
    sections = [DigestSection(10 + n, f"Rubrique {n}", ("• x",)) for n in range(30)]
    pages = fit(TITLE, sections, FR)
    check_limits(pages)
    assert [len(p.fields) for p in pages] == [25, 5]
    assert pages[0].title == TITLE and pages[1].title is None
    built = embeds(pages, AT)
    assert built[0].timestamp is None and built[1].timestamp == AT


def test_markdown_escapes_are_counted_as_sent():
    heavy = "\\_" * 400  # 800 characters sent: escaped underscores
    sections = [DigestSection(10 + n, f"Rubrique {n}", (f"• {heavy}",) * 3) for n in range(12)]
    pages = fit(TITLE, sections, FR)
    check_limits(pages)
    for page in pages:
        for field in page.fields:
            for line in field.value.split("\n"):
                assert line.startswith("*…") or line == f"• {heavy}"


def test_a_line_too_long_for_any_field_is_left_out_whole_and_counted():
    sections = [DigestSection(10, "Blog", ("• " + "mot " * 400, "• court"))]
    pages = fit(TITLE, sections, FR)
    assert pages[0].fields[0].value == "• court\n*… et 1 de plus*"


def cut_at_a_word(shown: str, original: str, limit: int) -> bool:
    kept = shown.removesuffix("…")
    return len(shown) <= limit and shown.endswith("…") and original.startswith(kept + " ")


def test_long_titles_are_cut_at_a_word_with_an_ellipsis():
    long_title, long_name = "La revue " * 40, "Intelligence collective " * 20
    pages = fit(long_title, [DigestSection(10, long_name, ("• a",))], FR)
    assert cut_at_a_word(pages[0].title, long_title, MAX_TITLE)
    assert cut_at_a_word(pages[0].fields[0].name, long_name, MAX_FIELD_NAME)


def test_a_title_cut_never_leaves_a_backslash_before_the_ellipsis():
    pages = fit(TITLE, [DigestSection(10, "\\_" * 200, ("• a",))], FR)
    assert not pages[0].fields[0].name.endswith("\\…")


def test_when_even_titles_do_not_fit_the_last_sections_go_and_the_rest_fits():
    sections = [DigestSection(10 + n, f"Rubrique {n} " + "x" * 200, ("• a",)) for n in range(40)]
    pages = fit(TITLE, sections, FR)
    check_limits(pages)
    names = [f.name for p in pages for f in p.fields if f.name != CONTINUED]
    assert names == [s.title for s in sections[: len(names)]]
    assert 0 < len(names) < 40


@pytest.mark.parametrize(
    ("first", "last", "words", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 30), FR, "La revue de la semaine, du 23 au 30 novembre 2026"),
        (date(2026, 12, 1), date(2026, 12, 7), FR, "La revue de la semaine, du 1er au 7 décembre 2026"),
        (
            date(2026, 11, 30),
            date(2026, 12, 7),
            FR,
            "La revue de la semaine, du 30 novembre au 7 décembre 2026",
        ),
        (
            date(2026, 12, 28),
            date(2027, 1, 4),
            FR,
            "La revue de la semaine, du 28 décembre 2026 au 4 janvier 2027",
        ),
        (date(2026, 11, 23), date(2026, 11, 30), EN, "The week in review, 23 to 30 November 2026"),
        (date(2026, 11, 30), date(2026, 12, 7), EN, "The week in review, 30 November to 7 December 2026"),
        (date(2026, 12, 1), date(2026, 12, 1), FR, "La revue de la semaine, 1er décembre 2026"),
    ],
)
def test_the_title_says_which_days_the_digest_covers(first, last, words, expected):
    assert title(first, last, words) == expected
