"""Keyword filters: forgiving of case and accents, on title, summary and tags."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cogs.feeds.filters import is_wanted, normalise, parse_keywords


@dataclass(frozen=True)
class Entry:
    title: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    summary_format: str = "markdown"


SOCIAL = Entry(
    "Les Réseaux sociaux au service client", "Retour sur la matinée de Genève.", ("Relation client",)
)


def test_normalise_drops_case_accents_and_extra_spaces():
    assert normalise("  Réseaux   SOCIAUX  ") == "reseaux sociaux"
    assert normalise("Œuvre d’équipe") == "oeuvre d'equipe"


def test_parse_keywords_splits_trims_and_deduplicates():
    assert parse_keywords("réseaux, ROI ;  marque  employeur;; reseaux, ,Réseaux") == (
        "réseaux",
        "ROI",
        "marque employeur",
    )


def test_parse_keywords_of_nothing_is_empty():
    assert parse_keywords(" ; , ") == ()


@pytest.mark.parametrize("keyword", ["réseaux", "reseaux", "Réseaux", "RÉSEAUX", "réseau"])
def test_include_ignores_case_and_accents(keyword):
    assert is_wanted(SOCIAL, [keyword], [])


def test_no_include_keyword_means_every_entry():
    assert is_wanted(SOCIAL, [], [])


def test_include_wants_any_one_keyword():
    assert is_wanted(SOCIAL, ["blockchain", "geneve"], [])
    assert not is_wanted(SOCIAL, ["blockchain", "métavers"], [])


def test_exclude_wins_over_include():
    assert not is_wanted(SOCIAL, ["réseaux"], ["Genève"])


def test_tags_are_matched_too():
    assert is_wanted(SOCIAL, ["relation client"], [])


def test_short_keywords_match_whole_words_only():
    rhone = Entry("Une PME du Rhône mise sur LinkedIn")

    assert not is_wanted(rhone, ["RH"], [])
    assert is_wanted(Entry("Les RH face aux réseaux"), ["rh"], [])


def test_keyword_matches_at_the_start_of_words_only():
    assert not is_wanted(Entry("Le marketing de contenu"), ["keting"], [])


def test_link_targets_in_the_summary_are_not_searched():
    entry = Entry("Matinée", "Voir [le programme](https://b.ch/blockchain-rh)")

    assert not is_wanted(entry, ["blockchain"], [])
    assert is_wanted(entry, ["programme"], [])


def test_raw_html_summary_is_matched_on_its_words_not_its_markup_or_scripts():
    entry = Entry(
        "Matinée",
        '<p>Les <a href="https://b.ch/blockchain-rh">r&eacute;seaux</a> <em>sociaux</em></p>'
        "<script>var emploi = 1;</script><style>.emploi{}</style><!-- emploi -->",
        summary_format="html",
    )

    assert is_wanted(entry, ["réseaux sociaux"], ["emploi"])
    assert not is_wanted(entry, ["blockchain"], [])


def test_plain_text_summary_is_matched_with_its_entities_decoded():
    entry = Entry("Matinée", "Marque employeur &amp; r&eacute;seaux", summary_format="text")

    assert is_wanted(entry, ["réseaux"], [])
