import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from agora import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HIGHLIGHT_RGB = (0xE0, 0x7A, 0x1F)
NPS_LABELS = ("Détracteurs (0–6)", "Passifs (7–8)", "Promoteurs (9–10)")
LONG_LABELS = [
    f"Option {i:02d} — l’atelier « Économie sociale » du jeudi soir, à la Maison des assos"[:80]
    for i in range(20)
]


def decode(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def poll(labels=("Oui", "Non"), counts=(3, 1), title="Quelle date ?", **kwargs) -> bytes:
    return charts.poll_results_png(
        title=title, subtitle="4 votes · clos le 5 déc. 2026", labels=labels, counts=counts, **kwargs
    )


def feedback(rating_counts=(1, 2, 5, 14, 9), nps_counts=(4, 8, 19)) -> bytes:
    return charts.feedback_report_png(
        title="Retours — rencontre de décembre",
        rating_title="Notes (1 à 5)",
        rating_counts=rating_counts,
        nps_title="Recommandation",
        nps_labels=NPS_LABELS,
        nps_counts=nps_counts,
        nps_text="NPS +48",
    )


def season(events: int = 25) -> bytes:
    return charts.season_comparison_png(
        title="Saison 2026",
        event_labels=[f"Rencontre n°{i} — Maison des associations" for i in range(events)],
        ratings=[None if i == 3 else 2.5 + (i % 5) / 2 for i in range(events)],
        nps=[None if i == 7 else -60 + 7 * i for i in range(events)],
        rating_label="Note moyenne (sur 5)",
        nps_label="NPS",
        decimal_mark=",",
    )


def right_margin_is_blank(pixels: np.ndarray, margin: int = charts.MARGIN_PX - 2) -> bool:
    """Nothing is drawn in the right margin: a label or title that overflowed would be."""
    return bool(pixels[:, -margin:].min() >= 250)


def has_colour(pixels: np.ndarray, rgb: tuple[int, int, int]) -> bool:
    return bool((np.abs(pixels.astype(int) - rgb).sum(axis=2) < 12).any())


@pytest.fixture(scope="module")
def twenty_options() -> bytes:
    return poll(labels=LONG_LABELS, counts=list(range(20)), title="É" * 300)


@pytest.fixture(scope="module")
def full_season() -> bytes:
    return season(25)


def test_poll_chart_is_a_png_of_the_chart_width():
    pixels = decode(poll())
    height, width, _ = pixels.shape
    assert width == charts.WIDTH_PX
    assert 200 < height < 600


def test_poll_with_no_votes_renders_without_a_winner():
    pixels = decode(poll(counts=(0, 0)))
    assert not has_colour(pixels, HIGHLIGHT_RGB)


def test_the_leading_options_are_highlighted():
    assert has_colour(decode(poll(counts=(2, 2, 1), labels=("a", "b", "c"))), HIGHLIGHT_RGB)


def test_twenty_long_options_and_a_long_title_stay_inside_the_image(twenty_options):
    pixels = decode(twenty_options)
    assert pixels.shape[1] == charts.WIDTH_PX
    assert pixels.shape[0] <= charts.MAX_HEIGHT_PX
    assert right_margin_is_blank(pixels)


def test_twenty_options_stay_well_under_the_upload_limit(twenty_options):
    assert len(twenty_options) < 500_000


def test_a_300_character_title_is_wrapped_onto_several_lines():
    short, long = decode(poll(title="Quelle date ?")), decode(poll(title="Quelle date préférez-vous ? " * 11))
    assert long.shape[0] > short.shape[0] + 40
    assert right_margin_is_blank(long)


def test_height_grows_with_the_number_of_options():
    heights = [
        decode(poll(labels=[f"option {i}" for i in range(n)], counts=[1] * n)).shape[0] for n in (2, 5, 10)
    ]
    assert heights == sorted(heights)
    assert heights[0] < heights[1] < heights[2]


def test_dollar_signs_are_drawn_literally_not_as_mathtext():
    # Read as mathtext, "$\frac{$" is a syntax error and matplotlib raises ValueError while drawing.
    decode(poll(labels=(r"ROI en $", r"Coût en $\frac{$"), title="Budget en $ ou en € ?"))


@pytest.mark.filterwarnings("error")
def test_accents_apostrophes_and_emoji_render_without_glyph_warnings():
    labels = ("Ça m’intéresse 👍🏽", "🍕🍔 Pizza ou burger ?", "👨‍👩‍👧 En famille", "Œuvre « collective »")
    decode(poll(labels=labels, counts=(1, 2, 3, 0), title="Vos préférences ✨ ?"))


def test_percent_format_is_the_callers():
    decode(poll(percent_format="{count} votes · {percent:.1f}\u202f%"))


def test_mismatched_labels_and_counts_are_refused():
    with pytest.raises(ValueError):
        poll(labels=("a", "b"), counts=(1,))


def test_feedback_report_is_a_png_with_both_panels():
    pixels = decode(feedback())
    assert pixels.shape[1] == charts.WIDTH_PX
    assert right_margin_is_blank(pixels)


def test_feedback_report_without_answers_renders():
    decode(feedback(rating_counts=(0, 0, 0, 0, 0), nps_counts=(0, 0, 0)))


def test_feedback_report_needs_five_rating_counts():
    with pytest.raises(ValueError):
        feedback(rating_counts=(1, 2, 3))


def test_season_comparison_with_25_events_and_gaps_renders(full_season):
    pixels = decode(full_season)
    assert pixels.shape[1] == charts.WIDTH_PX
    assert right_margin_is_blank(pixels, margin=16)  # the NPS axis lives in the right margin


def test_season_comparison_of_a_single_event_renders():
    decode(season(1))


def test_every_chart_stays_under_500_kb(twenty_options, full_season):
    assert all(len(png) < 500_000 for png in (twenty_options, feedback(), full_season))


def test_charts_drawn_concurrently_match_charts_drawn_one_by_one():
    jobs = [
        lambda: poll(counts=(5, 2)),
        lambda: poll(labels=LONG_LABELS[:6], counts=[1] * 6),
        feedback,
        season,
    ]
    alone = [job() for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: job(), jobs))
    assert together == alone
    assert all(decode(png).shape[1] == charts.WIDTH_PX for png in together)


def test_importing_charts_does_not_import_matplotlib():
    check = "import sys, agora.charts; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0  # noqa: S603
