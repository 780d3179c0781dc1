"""Chart images as PNG bytes: poll results, an event's feedback report, a season's comparison.

Every word on a chart comes in as a parameter, because the callers localise. Each call builds its
own Figure on an Agg canvas (no pyplot, no rcParams changes, no warnings filters), so the
functions are pure and safe to run concurrently under `asyncio.to_thread`. matplotlib is imported
inside the functions: it costs about 0.3 s and most bot starts never draw a chart.
"""

from __future__ import annotations

import io
import logging
import math
import time
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

log = logging.getLogger(__name__)

WIDTH_PX, DPI, MAX_HEIGHT_PX, MARGIN_PX, ROW_PX = 1100, 100, 1800, 40, 58
CONTENT_PX = WIDTH_PX - 2 * MARGIN_PX
ACCENT, HIGHLIGHT, INK, MUTED, TRACK, GRID = "#2B6CB0", "#E07A1F", "#1A202C", "#4A5568", "#EDF2F7", "#E2E8F0"
NPS_COLOURS = ("#C53030", "#A0AEC0", "#2F855A")  # detractors, passives, promoters
FONT = "DejaVu Sans"  # ships inside matplotlib, so every host draws the same glyphs
MISSING = "\u25a1"  # □ stands for glyphs the font lacks (emoji), instead of a warning per glyph
ELLIPSIS = "…"
PERCENT_FORMAT = "{count} · {percent:.0f} %"


def poll_results_png(
    *,
    title: str,
    subtitle: str,
    labels: Sequence[str],
    counts: Sequence[int],
    percent_format: str = PERCENT_FORMAT,
) -> bytes:
    """One bar per option with its count and share of the votes; the leading option(s) stand out."""
    _check_counts(labels, counts)
    winners = [count == max(counts) > 0 for count in counts]
    fig, renderer = _figure()
    header = _header(fig, renderer, title, subtitle, max_lines=5)
    body_px = min(ROW_PX, (MAX_HEIGHT_PX - 200) / len(counts)) * len(counts)
    _set_height(fig, header, body_px + 24)
    ax = _add_axes(fig, MARGIN_PX, 24, CONTENT_PX, body_px)
    colours = [HIGHLIGHT if won else ACCENT for won in winners]
    _draw_rows(ax, renderer, labels, counts, colours, winners, percent_format, CONTENT_PX)
    return _png(fig, "poll", len(counts))


def feedback_report_png(
    *,
    title: str,
    rating_title: str,
    rating_counts: Sequence[int],
    nps_title: str,
    nps_labels: tuple[str, str, str],
    nps_counts: tuple[int, int, int],
    nps_text: str,
    percent_format: str = PERCENT_FORMAT,
) -> bytes:
    """Left: how many gave each rating 1–5. Right: detractors, passives, promoters and the NPS."""
    if len(rating_counts) != 5 or min(rating_counts) < 0:
        raise ValueError("rating_counts needs five counts, for ratings 1 to 5, none negative")
    _check_counts(nps_labels, nps_counts)
    fig, renderer = _figure()
    _set_height(fig, _header(fig, renderer, title, None, max_lines=2), 410)
    panel_px, panel_h = (CONTENT_PX - 80) / 2, 340

    ratings = _add_axes(fig, MARGIN_PX, 40, panel_px, panel_h)
    _panel_title(ratings, renderer, rating_title, panel_px)
    bars = ratings.bar(range(1, 6), rating_counts, width=0.62, color=ACCENT)
    ratings.bar_label(bars, padding=4, fontsize=12, fontweight="bold", color=INK)
    ratings.set_xticks(range(1, 6), labels=[f"{star} ★" for star in range(1, 6)], fontsize=12, color=INK)
    ratings.set_ylim(0, max(max(rating_counts), 1) * 1.15)
    ratings.set_yticks([])
    ratings.tick_params(axis="x", length=0, pad=8)
    ratings.spines[["top", "right", "left"]].set_visible(False)
    ratings.spines["bottom"].set_color(MUTED)

    nps = _add_axes(fig, WIDTH_PX - MARGIN_PX - panel_px, 40, panel_px, panel_h)
    score = nps.text(1, 1 + 10 / panel_h, _tex(_clean(nps_text)), transform=nps.transAxes, ha="right")
    score.set(fontsize=24, fontweight="bold", color=ACCENT, fontfamily=FONT, va="bottom")
    _panel_title(nps, renderer, nps_title, panel_px - score.get_window_extent(renderer).width - 16)
    _draw_rows(
        nps, renderer, nps_labels, nps_counts, list(NPS_COLOURS), [False] * 3, percent_format, panel_px
    )
    nps.set_ylim(panel_h / 80, 0)  # rows of 80 px from the top, not stretched over the panel
    return _png(fig, "feedback", sum(nps_counts))


def season_comparison_png(
    *,
    title: str,
    event_labels: Sequence[str],
    ratings: Sequence[float | None],
    nps: Sequence[float | None],
    rating_label: str,
    nps_label: str,
    decimal_mark: str = ".",
) -> bytes:
    """Average rating (bars, 0–5, left axis) and NPS (line, −100..100, right axis) per event.

    None leaves a gap: an event without ratings gets no bar, without NPS answers no point."""
    n = len(event_labels)
    if n == 0 or len(ratings) != n or len(nps) != n:
        raise ValueError("event_labels, ratings and nps must be non-empty and the same length")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, renderer = _figure()
    header = _header(fig, renderer, title, None, max_lines=2)
    left, plot_w, plot_h = MARGIN_PX + 55, CONTENT_PX - 110, 380
    spacing = plot_w / n
    rotate = spacing < 130
    below = 150 if rotate else 70
    _set_height(fig, header, plot_h + below + 40)
    ax = _add_axes(fig, left, below, plot_w, plot_h)
    xs = range(n)
    size = 9 if n > 12 else 11
    ax.bar(xs, [math.nan if r is None else r for r in ratings], width=0.6, color=ACCENT, zorder=2)
    for x, rating in zip(xs, ratings, strict=True):
        if rating is not None and rating >= 0.5:  # at the foot of the bar, clear of the NPS line
            text = f"{rating:.1f}".replace(".", decimal_mark)
            ax.text(x, 0.08, text, ha="center", va="bottom", fontsize=size, color="white", zorder=3)
    ax.set(ylim=(0, 5), xlim=(-0.6, n - 0.4))
    ax.set_ylabel(_tex(_clean(rating_label)), color=ACCENT, fontsize=12, fontfamily=FONT)
    ax.yaxis.grid(True, color=GRID, linewidth=0.8, zorder=0)
    # Rotated labels run down-left from their tick: the first one must not leave the image.
    fit_px = min(170, (left + 0.6 * spacing) / math.cos(math.radians(35)) - 8) if rotate else spacing - 8
    fitted = [
        "\n".join(_wrap(renderer, _clean(label), _font(10), fit_px, 1 if rotate else 2))
        for label in event_labels
    ]
    ax.set_xticks(xs, labels=[_tex(label) for label in fitted], fontsize=10, fontfamily=FONT, color=INK)
    if rotate:
        ax.tick_params(axis="x", labelrotation=35)
        for tick in ax.get_xticklabels():
            tick.set(ha="right", rotation_mode="anchor")

    right = ax.twinx()
    right.axhline(0, color=MUTED, linewidth=0.8, linestyle=(0, (4, 4)), zorder=1)
    nps_values = [math.nan if value is None else value for value in nps]
    right.plot(xs, nps_values, color=HIGHLIGHT, linewidth=2.5, marker="o", markersize=7, zorder=4)
    for x, value in zip(xs, nps, strict=True):
        if value is not None:
            box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
            text = f"{value:+.0f}".replace("-", "−")
            right.annotate(
                text,
                (x, value),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                bbox=box,
                fontsize=size,
                color=HIGHLIGHT,
                fontweight="bold",
                zorder=5,
            )
    right.set(ylim=(-110, 110), yticks=range(-100, 101, 50))
    right.set_ylabel(_tex(_clean(nps_label)), color=HIGHLIGHT, fontsize=12, fontfamily=FONT)
    for axes in (ax, right):
        axes.spines["top"].set_visible(False)
        axes.tick_params(length=0, colors=MUTED)
    handles = [Patch(color=ACCENT), Line2D([], [], color=HIGHLIGHT, linewidth=2.5, marker="o")]
    names = [_tex(_fit(renderer, name, _font(11), 300)) for name in (rating_label, nps_label)]
    ax.legend(
        handles, names, loc="lower right", bbox_to_anchor=(1, 1.01), ncols=2, frameon=False, prop=_font(11)
    )
    return _png(fig, "season", n)


def _check_counts(labels: Sequence[str], counts: Sequence[int]) -> None:
    if not labels or len(labels) != len(counts) or min(counts) < 0:
        raise ValueError("labels and counts must be non-empty, the same length, and counts not negative")


def _figure() -> tuple[Figure, RendererAgg]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, 6), dpi=DPI, facecolor="white")
    return fig, FigureCanvasAgg(fig).get_renderer()


def _add_axes(fig: Figure, left: float, bottom: float, width: float, height: float) -> Axes:
    """Axes placed in pixels from the bottom left, so layouts stay exact whatever the height."""
    w, h = fig.get_size_inches() * DPI
    return fig.add_axes((left / w, bottom / h, width / w, height / h))


def _header(
    fig: Figure, renderer: RendererAgg, title: str, subtitle: str | None, max_lines: int
) -> list[Text]:
    size, lines = 17.0, _wrap(renderer, _clean(title), _font(17, bold=True), CONTENT_PX, max_lines)
    if len(lines) > 3:  # a long question reads better smaller than as a wall of five lines
        size, lines = 14.0, _wrap(renderer, _clean(title), _font(14, bold=True), CONTENT_PX, max_lines)
    texts = [fig.text(0, 0, _tex("\n".join(lines)), fontsize=size, fontweight="bold", color=INK)]
    if subtitle:
        texts.append(
            fig.text(0, 0, _tex(_fit(renderer, subtitle, _font(12), CONTENT_PX)), fontsize=12, color=MUTED)
        )
    for text in texts:
        text.set(fontfamily=FONT, va="top", ha="left", linespacing=1.3)
    return texts


def _set_height(fig: Figure, header: list[Text], body_px: float) -> None:
    """Size the figure to the header's measured height plus the body, then pin the header on top."""
    heights = [text.get_window_extent(fig.canvas.get_renderer()).height for text in header]
    height = min(MAX_HEIGHT_PX, 26 + sum(heights) + 8 * len(header) + 22 + body_px)
    fig.set_size_inches(WIDTH_PX / DPI, height / DPI)
    y = 26.0
    for text, text_height in zip(header, heights, strict=True):
        text.set_position((MARGIN_PX / WIDTH_PX, 1 - y / height))
        y += text_height + 8


def _panel_title(ax: Axes, renderer: RendererAgg, title: str, width_px: float) -> None:
    fitted = _tex(_fit(renderer, title, _font(14, bold=True), width_px))
    ax.set_title(fitted, loc="left", fontsize=14, fontweight="bold", color=INK, fontfamily=FONT, pad=14)


def _draw_rows(
    ax: Axes,
    renderer: RendererAgg,
    labels: Sequence[str],
    counts: Sequence[int],
    colours: list[str],
    bold: list[bool],
    percent_format: str,
    width_px: float,
) -> None:
    """A label line above each bar; a bar is its share of the total on a light 0–100 % track."""
    total = sum(counts)
    ax.set(xlim=(0, 100), ylim=(len(counts), 0))
    ax.set_axis_off()
    for row, (label, count, colour, strong) in enumerate(zip(labels, counts, colours, bold, strict=True)):
        percent = 100 * count / total if total else 0.0
        fitted = _tex(_fit(renderer, label, _font(12.5, bold=strong), width_px))
        ax.text(
            0,
            row + 0.42,
            fitted,
            fontsize=12.5,
            fontweight="bold" if strong else "normal",
            color=INK,
            fontfamily=FONT,
            va="bottom",
        )
        ax.barh(row + 0.68, 100, height=0.4, color=TRACK)
        ax.barh(row + 0.68, percent, height=0.4, color=colour)
        note = _clean(percent_format.format(count=count, percent=percent))
        inside = percent + 1 + 100 * (_width(renderer, note, _font(11.5, bold=True)) + 8) / width_px > 100
        ax.text(
            percent - 1 if inside else percent + 1,
            row + 0.68,
            _tex(note),
            fontsize=11.5,
            fontweight="bold",
            fontfamily=FONT,
            color="white" if inside else INK,
            va="center",
            ha="right" if inside else "left",
        )


def _png(fig: Figure, kind: str, items: int) -> bytes:
    from PIL import Image

    started = time.perf_counter()
    fig.canvas.draw()
    rgba = Image.frombuffer(
        "RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    )
    buffer = io.BytesIO()
    # A palette keeps these flat charts crisp in about a third of the bytes of true colour.
    rgba.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    data = buffer.getvalue()
    log.debug(
        "drew %s chart of %d items: %d bytes, %.0f ms to encode",
        kind,
        items,
        len(data),
        1000 * (time.perf_counter() - started),
    )
    return data


def _font(size: float, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Code points both the regular and the bold face can draw."""
    from matplotlib.font_manager import findfont, get_font

    regular, bold = (get_font(findfont(_font(12, bold=b))).get_charmap() for b in (False, True))
    return frozenset(regular.keys() & bold.keys())


def _clean(text: str) -> str:
    """One line of drawable text: NFC, whitespace collapsed, each run of undrawable glyphs one □."""
    covered, out = _covered(), []
    for char in unicodedata.normalize("NFC", " ".join(text.split())):
        code = ord(char)
        if (
            unicodedata.category(char) in ("Cf", "Me")
            or 0xFE00 <= code <= 0xFE0F
            or 0x1F3FB <= code <= 0x1F3FF
        ):
            continue  # joiners, variation selectors, keycaps, skin tones: parts of an emoji
        if code in covered:
            out.append(char)
        elif not out or out[-1] != MISSING:
            out.append(MISSING)
    return "".join(out)


def _tex(text: str) -> str:
    """Escape `$` so matplotlib draws it instead of reading mathtext ("ROI en $")."""
    return text.replace("$", r"\$")


def _width(renderer: RendererAgg, text: str, font: FontProperties) -> float:
    return renderer.get_text_width_height_descent(text, font, ismath=False)[0] if text else 0.0


def _fit(renderer: RendererAgg, text: str, font: FontProperties, width_px: float) -> str:
    """The text on one line no wider than width_px, cut with "…" if it must be."""
    return _wrap(renderer, _clean(text), font, width_px, max_lines=1)[0]


def _wrap(
    renderer: RendererAgg, text: str, font: FontProperties, width_px: float, max_lines: int
) -> list[str]:
    """Word wrap measured with the real font; a word wider than a line is split, the last line cut."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if _width(renderer, rest, font) <= width_px:
            lines.append(rest)
            break
        if len(lines) == max_lines - 1:
            cuts = [rest[:k].rstrip() + ELLIPSIS for k in range(1, max(2, len(rest)))]
            lines.append(_longest(renderer, cuts, font, width_px))
            break
        words = rest.split(" ")
        line = _longest(renderer, [" ".join(words[:k]) for k in range(1, len(words) + 1)], font, width_px)
        if _width(renderer, line, font) > width_px:
            line = _longest(renderer, [line[:k] for k in range(1, max(2, len(line)))], font, width_px)
        lines.append(line)
        rest = rest[len(line) :].lstrip()
    return lines or [""]


def _longest(renderer: RendererAgg, candidates: list[str], font: FontProperties, width_px: float) -> str:
    """The longest candidate (they grow) that fits, found by bisection since measuring is slow."""
    low, high = 0, len(candidates) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if _width(renderer, candidates[middle], font) <= width_px:
            low = middle
        else:
            high = middle - 1
    return candidates[low]
