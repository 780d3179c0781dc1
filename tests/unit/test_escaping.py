import re

import discord
import pytest

from agora.escaping import fit_escaped, fit_together, largest_cap, link_target, literal, markdown_link

MARKDOWN_HEAVY = [
    "*" * 300,
    "_" * 300,
    "___***~~~" * 40,
    "`|\\" * 120,
    "a_b *c* ~~d~~ " * 40,
    "@everyone <@123456789012345678> " * 20,
    "- " + "x_" * 200,
    "# titre " + "**gras** " * 60,
]


def unescaped(shown: str) -> str:
    """The text a reader sees: backslash escapes and neutralising spaces removed."""
    return re.sub(r"\\(.)", r"\1", shown.replace("\u200b", ""))


@pytest.mark.parametrize("text", MARKDOWN_HEAVY)
@pytest.mark.parametrize("limit", [5, 20, 100, 256, 1024])
def test_fitted_text_is_within_the_limit_once_escaped_and_never_empty(text, limit):
    shown = fit_escaped(text, limit)
    assert 0 < len(shown) <= limit
    assert shown.rstrip("…"), "more than an ellipsis"


@pytest.mark.parametrize("text", MARKDOWN_HEAVY)
def test_a_cut_never_splits_an_escape(text):
    shown = fit_escaped(text, 101)
    body = shown.removesuffix("…")
    # an even number of backslashes before the cut: none is left escaping the ellipsis
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0
    # what the reader sees is the beginning of the original text
    assert text.startswith(unescaped(body).rstrip())


def test_the_result_is_the_escaped_form_of_a_beginning_of_the_text():
    text = "___***~~~" * 40
    shown = fit_escaped(text, 256)
    kept = unescaped(shown.removesuffix("…"))
    assert shown == literal(kept) + "…"
    assert len(kept) >= 120  # a 256-character title holds at least half of it


def test_text_that_fits_once_escaped_is_only_escaped():
    assert fit_escaped("Relation *client*", 256) == "Relation \\*client\\*"
    assert fit_escaped("_" * 128, 256) == "\\_" * 128


def test_a_title_of_256_stars_keeps_127_of_them():
    assert fit_escaped("*" * 256, 256) == "\\*" * 127 + "…"


def test_long_text_is_cut_at_a_word_when_one_is_near():
    assert fit_escaped("relation_client et marque_employeur", 30) == "relation\\_client et…"


def test_mentions_are_neutralised_and_never_cut_into_a_live_mention():
    shown = fit_escaped("@everyone " * 50, 60)
    assert "@everyone" not in shown
    assert "@\u200beveryone" in shown


def test_another_escape_function_is_measured_too():
    shown = fit_escaped("_" * 100, 50, escape=discord.utils.escape_markdown)
    assert shown == "\\_" * 24 + "…"


def test_a_limit_too_small_for_one_character_gives_the_ellipsis():
    assert fit_escaped("*" * 10, 2) == "…"
    assert fit_escaped("*" * 10, 1) == "…"


def test_texts_fitted_together_share_the_budget_and_short_ones_stay_whole():
    texts = ["_" * 80, "*" * 80, "court", "~" * 80]
    shown = fit_together(texts, 300)
    assert sum(len(text) for text in shown) <= 300
    assert shown[2] == "court"
    lengths = [len(text) for position, text in enumerate(shown) if position != 2]
    assert max(lengths) - min(lengths) <= 2  # the long ones are cut alike
    assert all(len(text) > 50 for text in shown if text != "court")


def test_texts_that_fit_together_are_only_escaped():
    assert fit_together(["a_b", "c"], 10) == ["a\\_b", "c"]


def test_a_linked_title_is_escaped_and_its_address_made_safe():
    link = markdown_link("Agora [v2] *enfin*", "https://fr.wikipedia.org/wiki/Agora_(Athènes) x", 200)
    assert link == "[Agora \\[v2\\] \\*enfin\\*](https://fr.wikipedia.org/wiki/Agora_%28Athènes%29%20x)"


def test_an_address_that_cannot_be_a_link_leaves_the_title_alone():
    assert markdown_link("Titre_", "javascript:alert(1)", 100) == "Titre\\_"
    assert markdown_link("Titre", "https://x.org/" + "a" * 600, 100) == "Titre"
    assert markdown_link("Titre", None, 100) == "Titre"
    assert link_target("ftp://x.org/a") is None and link_target("https:///a") is None


def test_a_linked_title_fits_its_limits_with_its_address():
    url = "https://blog.example/" + "a" * 50
    shown = markdown_link("mot " * 100, url, 1000, title_limit=40)
    assert shown.startswith("[") and shown.endswith(f"]({url})")
    assert (
        len(shown) == len(url) + 4 + len(shown[1 : shown.index("]")])
        and len(shown[1 : shown.index("]")]) <= 40
    )
    tight = markdown_link("mot " * 100, url, len(url) + 4 + 20)
    assert len(tight) <= len(url) + 24 and tight.endswith(f"]({url})")
    assert markdown_link("mot " * 100, url, len(url) + 6) == fit_escaped(("mot " * 100).strip(), len(url) + 6)


def test_the_largest_cap_keeps_short_lengths_whole_and_cuts_long_ones_alike():
    assert largest_cap([10, 100, 100], 110) == 50
    assert largest_cap([10, 20], 100) == 20
    assert largest_cap([], 100) == 0
