"""The topic library: the shipped polls respect a real poll's limits, and `pick` rotates through them."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from cogs.polls.topics import (
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    MIN_OPTIONS,
    Topic,
    TopicLibrary,
    TopicLibraryError,
)

THEMES = {
    "relation_client",
    "marque_employeur",
    "valeur_roi",
    "crise",
    "reseaux_entreprise",
    "intelligence_collective",
    "confiance",
}


@pytest.fixture(scope="module")
def library() -> TopicLibrary:
    return TopicLibrary.load()


def all_texts(topic: Topic) -> list[str]:
    return [*topic.question.values(), *(label for labels in topic.options.values() for label in labels)]


# ── The shipped library ──────────────────────────────────────────────────────────────────────────


def test_shipped_library_holds_at_least_thirty_topics(library):
    assert len(library.topics) >= 30


def test_shipped_library_covers_all_seven_themes_with_four_topics_each(library):
    assert {theme.id for theme in library.themes} == THEMES
    per_theme = Counter(topic.theme for topic in library.topics)
    assert all(per_theme[theme] >= 4 for theme in THEMES), per_theme


def test_every_theme_has_a_french_and_an_english_name(library):
    for theme in library.themes:
        assert theme.names["fr"] and theme.names["en"], theme.id
        assert theme.names["fr"] != theme.names["en"], theme.id


def test_topic_ids_are_unique_and_prefixed_by_their_theme(library):
    ids = [topic.id for topic in library.topics]
    assert len(ids) == len(set(ids))
    assert all(topic.id.startswith(f"{topic.theme}.") for topic in library.topics)


def test_every_shipped_topic_fits_a_real_poll(library):
    for topic in library.topics:
        assert set(topic.question) == set(topic.options) == {"fr", "en"}, topic.id
        for language, labels in topic.options.items():
            assert 0 < len(topic.question[language]) <= MAX_QUESTION, topic.id
            assert MIN_OPTIONS <= len(labels) <= MAX_OPTIONS, topic.id
            assert all(0 < len(label) <= MAX_OPTION for label in labels), topic.id
            assert len({label.casefold() for label in labels}) == len(labels), topic.id
        assert len(topic.options["fr"]) == len(topic.options["en"]), topic.id
        assert 1 <= topic.choices <= len(topic.options["fr"]), topic.id


def test_shipped_topics_offer_a_handful_of_options_and_some_multiple_choice(library):
    assert all(3 <= len(topic.options["fr"]) <= 6 for topic in library.topics)
    assert any(topic.choices > 1 for topic in library.topics)


def test_shipped_texts_use_typographic_apostrophes_only(library):
    for topic in library.topics:
        assert not any("'" in text for text in all_texts(topic)), topic.id
    assert not any("'" in name for theme in library.themes for name in theme.names.values())


def test_french_and_english_texts_differ(library):
    for topic in library.topics:
        assert topic.question["fr"] != topic.question["en"], topic.id


def test_in_language_returns_that_language(library):
    topic = library.topic("relation_client.reponse_publique")
    assert topic is not None
    assert topic.in_language("en") == (topic.question["en"], topic.options["en"])
    assert topic.in_language("fr") == (topic.question["fr"], topic.options["fr"])


def test_in_language_falls_back_to_french_for_an_unknown_language(library):
    topic = library.topics[0]
    assert topic.in_language("de") == (topic.question["fr"], topic.options["fr"])


def test_in_language_accepts_a_regional_discord_locale(library):
    topic = library.topics[0]
    assert topic.in_language("en-GB") == (topic.question["en"], topic.options["en"])


# ── Autocomplete ─────────────────────────────────────────────────────────────────────────────────


def test_matching_themes_ignores_accents(library):
    assert "reseaux_entreprise" in [theme.id for theme in library.matching_themes("reseaux", "fr")]


def test_matching_themes_lists_themes_starting_with_the_text_first(library):
    # The crisis theme speaks of "réseaux sociaux" too, but the person is most likely after this one.
    found = [theme.id for theme in library.matching_themes("Réseaux", "fr")]
    assert found == ["reseaux_entreprise", "crise"]


def test_matching_themes_ignores_case_and_reads_the_english_names(library):
    assert [theme.id for theme in library.matching_themes("CRISIS", "en")] == ["crise"]


def test_matching_themes_finds_a_theme_by_its_id(library):
    assert [theme.id for theme in library.matching_themes("valeur_roi", "en")] == ["valeur_roi"]


def test_matching_themes_accepts_a_straight_apostrophe(library):
    assert [theme.id for theme in library.matching_themes("d'entreprise", "fr")] == ["reseaux_entreprise"]


def test_matching_themes_offers_every_theme_for_empty_text(library):
    assert library.matching_themes("", "fr") == list(library.themes)


def test_matching_themes_returns_nothing_for_unrelated_text(library):
    assert library.matching_themes("football", "fr") == []


# ── pick ─────────────────────────────────────────────────────────────────────────────────────────


def test_pick_respects_the_theme(library):
    rng = random.Random(1)
    assert all(library.pick(theme="crise", recently_used=[], rng=rng).theme == "crise" for _ in range(50))


def test_pick_avoids_recently_used_topics(library):
    crisis = [topic.id for topic in library.topics if topic.theme == "crise"]
    recent, left = crisis[:-1], crisis[-1]
    for seed in range(30):
        assert library.pick(theme="crise", recently_used=recent, rng=random.Random(seed)).id == left


def test_pick_falls_back_to_the_least_recently_used_topic(library):
    crisis = [topic.id for topic in library.topics if topic.theme == "crise"]
    # Oldest → newest; the first one was used again last, so the second is now the oldest use.
    recent = [*crisis, crisis[0]]
    assert library.pick(theme="crise", recently_used=recent, rng=random.Random(0)).id == crisis[1]


def test_pick_ignores_recently_used_topics_of_other_themes(library):
    others = [topic.id for topic in library.topics if topic.theme != "confiance"]
    picked = library.pick(theme="confiance", recently_used=others, rng=random.Random(0))
    assert picked is not None and picked.theme == "confiance"


def test_pick_draws_from_every_theme_when_none_is_given(library):
    rng = random.Random(7)
    themes = {library.pick(theme=None, recently_used=[], rng=rng).theme for _ in range(300)}
    assert themes == THEMES


def test_pick_is_deterministic_with_a_seeded_random(library):
    def draws(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [library.pick(theme=None, recently_used=[], rng=rng).id for _ in range(20)]

    assert draws(42) == draws(42)
    assert len(set(draws(42))) > 1


def test_pick_returns_none_for_a_theme_without_topics(library):
    assert library.pick(theme="inconnu", recently_used=[], rng=random.Random(0)) is None


def test_theme_lookup(library):
    theme = library.theme("confiance")
    assert theme is not None and theme.name("fr") == "Confiance et légitimité"
    assert library.theme("inconnu") is None


# ── Broken libraries ─────────────────────────────────────────────────────────────────────────────

HEADER = """
[themes.crise]
fr = "Crise"
en = "Crisis"
"""


def write_topic(
    tmp_path: Path,
    *,
    fr_options: str = '["Oui", "Non", "Peut-être"]',
    en_options: str = '["Yes", "No", "Maybe"]',
    theme: str = "crise",
    choices: int = 1,
    extra: str = "",
) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(
        f"""{HEADER}
[[topics]]
id = "crise.test"
theme = "{theme}"
choices = {choices}
{extra}
[topics.fr]
question = "Question ?"
options = {fr_options}
[topics.en]
question = "Question?"
options = {en_options}
""",
        encoding="utf-8",
    )
    return path


def test_a_valid_small_library_loads(tmp_path):
    library = TopicLibrary.load(write_topic(tmp_path))
    assert [topic.id for topic in library.topics] == ["crise.test"]
    assert library.topics[0].options["en"] == ("Yes", "No", "Maybe")


def test_an_option_too_long_is_refused(tmp_path):
    long = "x" * (MAX_OPTION + 1)
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*81 characters"):
        TopicLibrary.load(write_topic(tmp_path, en_options=f'["Yes", "No", "{long}"]'))


def test_a_question_too_long_is_refused(tmp_path):
    path = write_topic(tmp_path)
    path.write_text(path.read_text().replace('"Question?"', f'"{"q" * (MAX_QUESTION + 1)}"'))
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*question is 301 characters"):
        TopicLibrary.load(path)


def test_a_duplicate_option_ignoring_case_is_refused(tmp_path):
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*duplicate option 'non'"):
        TopicLibrary.load(write_topic(tmp_path, fr_options='["Oui", "Non", "non"]'))


def test_too_few_options_are_refused(tmp_path):
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*1 options"):
        TopicLibrary.load(write_topic(tmp_path, fr_options='["Oui"]', en_options='["Yes"]'))


def test_mismatched_option_counts_are_refused(tmp_path):
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*different numbers of options"):
        TopicLibrary.load(write_topic(tmp_path, en_options='["Yes", "No"]'))


def test_an_unknown_theme_is_refused(tmp_path):
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*unknown theme 'meteo'"):
        TopicLibrary.load(write_topic(tmp_path, theme="meteo"))


@pytest.mark.parametrize("choices", [0, 4])
def test_choices_out_of_range_are_refused(tmp_path, choices):
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*choices is"):
        TopicLibrary.load(write_topic(tmp_path, choices=choices))


def test_a_missing_language_is_refused(tmp_path):
    path = write_topic(tmp_path)
    text = path.read_text()
    path.write_text(text[: text.index("[topics.en]")])
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*no \[topics\.en\]"):
        TopicLibrary.load(path)


def test_a_misspelt_key_is_refused(tmp_path):
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*unknown keys \['choice'\]"):
        TopicLibrary.load(write_topic(tmp_path, extra="choice = 2"))


def test_a_duplicate_id_is_refused(tmp_path):
    path = write_topic(tmp_path)
    text = path.read_text()
    path.write_text(text + text[text.index("[[topics]]") :])
    with pytest.raises(TopicLibraryError, match=r"crise\.test.*used twice"):
        TopicLibrary.load(path)


def test_an_unreadable_file_is_reported(tmp_path):
    with pytest.raises(TopicLibraryError, match="cannot read"):
        TopicLibrary.load(tmp_path / "missing.toml")
