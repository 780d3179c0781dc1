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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

log = logging.getLogger(__name__)

WIDTH_PX, DPI, MAX_HEIGHT_PX, MARGIN_PX, ROW_PX = 1100, 100, 1800, 40, 58
CONTENT_PX = WIDTH_PX - 2 * MARGIN_PX
ACCENT, HIGHLIGHT, INK, MUTED, TRACK, GRID = "#2B6CB0", "#E07A1F", "#1A202C", "#4A5568", "#EDF2F7", "#E2E8F0"
NPS_COLOURS = ("#C53030", "#A0AEC0", "#2F855A")  # detractors, passives, promoters
FONT = "DejaVu Sans"  # ships inside matplotlib, so every host draws the same glyphs
MISSING = "\u25a1"  # □ stands for glyphs the font lacks (emoji), instead of a warning per glyph
EMOJI_PARTS = frozenset([*range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400)])  # variation selectors, skin tones
ANGLE = 40  # of rotated event labels, in degrees
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
    canvas = Canvas(title, subtitle, max_title_lines=5)
    body_px = min(ROW_PX, (MAX_HEIGHT_PX - 200) / len(counts)) * len(counts)
    canvas.size_to(body_px + 24)
    colours = [HIGHLIGHT if count == max(counts) > 0 else ACCENT for count in counts]
    canvas.rows(canvas.axes(MARGIN_PX, 24, CONTENT_PX, body_px), labels, counts, colours, percent_format)
    return canvas.png("poll", len(counts))


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
    canvas = Canvas(title, None, max_title_lines=2)
    canvas.size_to(410)
    panel_px, panel_h = (CONTENT_PX - 80) / 2, 340

    ratings = canvas.axes(MARGIN_PX, 40, panel_px, panel_h)
    heading = canvas.fit(rating_title, 14, panel_px, bold=True)
    ratings.set_title(heading, loc="left", pad=14, **style(14, True))
    bars = ratings.bar(range(1, 6), rating_counts, width=0.62, color=ACCENT)
    ratings.bar_label(bars, padding=4, **style(12, True))
    ratings.set_xticks(range(1, 6), labels=[f"{star} ★" for star in range(1, 6)], **style(12))
    ratings.set(ylim=(0, max(max(rating_counts), 1) * 1.15), yticks=[])
    ratings.tick_params(axis="x", length=0, pad=8)
    ratings.spines[["top", "right", "left"]].set_visible(False)
    ratings.spines["bottom"].set_color(MUTED)

    nps = canvas.axes(WIDTH_PX - MARGIN_PX - panel_px, 40, panel_px, panel_h)
    score = canvas.fit(nps_text, 24, panel_px / 2, bold=True)
    nps.text(1, 1 + 10 / panel_h, score, transform=nps.transAxes, ha="right", **style(24, True, ACCENT))
    heading = canvas.fit(nps_title, 14, panel_px - canvas.width(score, 24, bold=True) - 16, bold=True)
    nps.set_title(heading, loc="left", pad=14, **style(14, True))
    canvas.rows(nps, nps_labels, nps_counts, list(NPS_COLOURS), percent_format)
    nps.set_ylim(panel_h / 80, 0)  # rows of 80 px from the top, not stretched over the panel
    return canvas.png("feedback", sum(nps_counts))


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

    None leaves a gap: an event without ratings gets no bar, one without NPS answers no point."""
    n = len(event_labels)
    if n == 0 or len(ratings) != n or len(nps) != n:
        raise ValueError("event_labels, ratings and nps must be non-empty and the same length")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.patheffects import withStroke

    canvas = Canvas(title, None, max_title_lines=2)
    left, plot_w, plot_h = MARGIN_PX + 55, CONTENT_PX - 110, 380
    spacing = plot_w / n
    rotate = spacing < 130
    below = 150 if rotate else 70
    canvas.size_to(plot_h + below + 40)
    ax, xs, size = canvas.axes(left, below, plot_w, plot_h), range(n), 9 if n > 12 else 11
    ax.bar(xs, [math.nan if r is None else r for r in ratings], width=0.6, color=ACCENT, zorder=2)
    for x, rating in zip(xs, ratings, strict=True):
        if rating is not None and rating >= 0.5:  # at the foot of the bar, clear of the NPS line
            text = f"{rating:.1f}".replace(".", decimal_mark)
            ax.text(x, 0.08, text, ha="center", va="bottom", zorder=3, **style(size, False, "white"))
    ax.set(ylim=(0, 5), xlim=(-0.6, n - 0.4))
    ax.set_ylabel(canvas.fit(rating_label, 12, plot_h), **style(12, False, ACCENT))
    ax.yaxis.grid(True, color=GRID, linewidth=0.8, zorder=0)
    # A rotated label runs down-left from its tick: the first ones have the least room in the image.
    room = [min(170, (left + (x + 0.6) * spacing) / math.cos(math.radians(ANGLE)) - 8) for x in xs]
    fit = [(room[x], 1) if rotate else (spacing - 8, 2) for x in xs]
    ticks = [
        canvas.fit(label, 10, px, max_lines=lines)
        for label, (px, lines) in zip(event_labels, fit, strict=True)
    ]
    ax.set_xticks(xs, labels=ticks, **style(10))
    if rotate:
        ax.tick_params(axis="x", labelrotation=ANGLE)
        for tick in ax.get_xticklabels():
            tick.set(ha="right", rotation_mode="anchor")

    right = ax.twinx()
    right.axhline(0, color=MUTED, linewidth=0.8, linestyle=(0, (4, 4)), zorder=1)
    nps_values = [math.nan if value is None else value for value in nps]
    right.plot(xs, nps_values, color=HIGHLIGHT, linewidth=2.5, marker="o", markersize=7, zorder=4)
    note = {"ha": "center", "textcoords": "offset points", "zorder": 5, **style(size, True, HIGHLIGHT)}
    note["path_effects"] = [withStroke(linewidth=3, foreground="white")]  # readable over bars and grid
    for x, value in enumerate(nps):
        neighbours = [v for i in (x - 1, x + 1) if 0 <= i < n and (v := nps[i]) is not None]
        if value is not None:  # a dip is labelled below its point, so the label stays off the line
            dip = bool(neighbours) and value < sum(neighbours) / len(neighbours)
            text = f"{value:+.0f}".replace("-", "−")
            right.annotate(
                text, (x, value), xytext=(0, -9 if dip else 8), va="top" if dip else "bottom", **note
            )
    right.set(ylim=(-110, 110), yticks=range(-100, 101, 50))
    right.set_ylabel(canvas.fit(nps_label, 12, plot_h), **style(12, False, HIGHLIGHT))
    for axes in (ax, right):
        axes.spines["top"].set_visible(False)
        axes.tick_params(length=0, colors=MUTED)
        axes.spines[["left", "right", "bottom"]].set_color(MUTED)
    handles = [Patch(color=ACCENT), Line2D([], [], color=HIGHLIGHT, linewidth=2.5, marker="o")]
    names = [canvas.fit(name, 11, 300) for name in (rating_label, nps_label)]
    ax.legend(
        handles, names, loc="lower right", bbox_to_anchor=(1, 1.01), ncols=2, frameon=False, prop=font(11)
    )
    return canvas.png("season", n)


class Canvas:
    """One figure with its title block, and a renderer that measures text to fit it before drawing.

    Features drawing charts of their own (the engagement report's funnel and trend) build on it and on
    `style` and `font`, so every chart of the house looks alike."""

    def __init__(self, title: str, subtitle: str | None, max_title_lines: int) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=(WIDTH_PX / DPI, 6), dpi=DPI, facecolor="white")
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        size = 17
        text = self.fit(title, size, CONTENT_PX, bold=True, max_lines=max_title_lines)
        if text.count("\n") >= 3:  # a long question reads better smaller than as a wall of lines
            size = 14
            text = self.fit(title, size, CONTENT_PX, bold=True, max_lines=max_title_lines)
        self.header: list[Text] = [self.fig.text(0, 0, text, **style(size, True))]
        if subtitle:
            subtitle = self.fit(subtitle, 12, CONTENT_PX)
            self.header.append(self.fig.text(0, 0, subtitle, **style(12, False, MUTED)))
        for line in self.header:
            line.set(va="top", linespacing=1.3)

    def size_to(self, body_px: float) -> None:
        """Make the figure as tall as the title block plus body_px, and pin the title block on top."""
        heights = [text.get_window_extent(self.renderer).height for text in self.header]
        height = min(MAX_HEIGHT_PX, 26 + sum(heights) + 8 * len(heights) + 22 + body_px)
        self.fig.set_size_inches(WIDTH_PX / DPI, height / DPI)
        y = 26.0
        for text, text_height in zip(self.header, heights, strict=True):
            text.set_position((MARGIN_PX / WIDTH_PX, 1 - y / height))
            y += text_height + 8

    def axes(self, left: float, bottom: float, width: float, height: float) -> Axes:
        """Axes placed in pixels from the bottom left, so layouts stay exact whatever the height."""
        w, h = self.fig.get_size_inches() * DPI
        return self.fig.add_axes((left / w, bottom / h, width / w, height / h))

    def rows(
        self, ax: Axes, labels: Sequence[str], counts: Sequence[int], colours: list[str], fmt: str
    ) -> None:
        """A label line above each bar; a bar is its share of the total, on a light 0–100 % track.

        Rows in the highlight colour get bold labels: they are the leading options."""
        width_px = ax.get_window_extent(self.renderer).width
        total = sum(counts)
        ax.set(xlim=(0, 100), ylim=(len(counts), 0))
        ax.set_axis_off()
        ax.barh([row + 0.68 for row in range(len(counts))], 100, height=0.4, color=TRACK)
        percents = [100 * count / total if total else 0.0 for count in counts]
        ax.barh([row + 0.68 for row in range(len(counts))], percents, height=0.4, color=colours)
        for row, (label, count, percent, colour) in enumerate(
            zip(labels, counts, percents, colours, strict=True)
        ):
            strong = colour == HIGHLIGHT
            text = self.fit(label, 12.5, width_px, bold=strong)
            ax.text(0, row + 0.42, text, va="bottom", **style(12.5, strong))
            note = self.fit(fmt.format(count=count, percent=percent), 11.5, width_px / 2, bold=True)
            # Past half the track the note may not fit after the bar: measure it and go inside if need be.
            inside = percent > 50 and percent + 100 * (self.width(note, 11.5, True) + 12) / width_px > 100
            x, ha, colour = (percent - 1, "right", "white") if inside else (percent + 1, "left", INK)
            ax.text(x, row + 0.68, note, ha=ha, va="center", **style(11.5, True, colour))

    def png(self, kind: str, items: int) -> bytes:
        from PIL import Image  # a dependency of matplotlib's

        started = time.perf_counter()
        self.fig.canvas.draw()
        size, pixels = self.fig.canvas.get_width_height(), self.fig.canvas.buffer_rgba()
        image = Image.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1).convert("RGB")
        buffer = io.BytesIO()
        # A palette keeps these flat charts crisp in about a third of the bytes of true colour.
        image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
        ms = 1000 * (time.perf_counter() - started)
        log.debug(
            "drew a %s chart of %d items: %d bytes, %.0f ms to draw and encode",
            kind,
            items,
            buffer.tell(),
            ms,
        )
        return buffer.getvalue()

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in pixels of text as drawn (with `\\$` escapes read as `$`, as matplotlib does)."""
        plain = text.replace(r"\$", "$")
        return self.renderer.get_text_width_height_descent(plain, font(size, bold), ismath=False)[0]

    def fit(self, text: str, size: float, width_px: float, *, bold: bool = False, max_lines: int = 1) -> str:
        """text ready to draw: cleaned, wrapped on words to width_px, the last line cut with "…",
        and `$` escaped so matplotlib draws it instead of reading mathtext ("ROI en $")."""
        lines: list[str] = []
        rest = _clean(text)
        while rest and len(lines) < max_lines:
            if self.width(rest, size, bold) <= width_px:
                lines.append(rest)
                break
            if len(lines) == max_lines - 1:
                cuts = [rest[:k].rstrip() + "…" for k in range(1, max(2, len(rest)))]
                lines.append(self._longest(cuts, size, bold, width_px))
                break
            words = rest.split(" ")
            line = self._longest(
                [" ".join(words[:k]) for k in range(1, len(words) + 1)], size, bold, width_px
            )
            if self.width(line, size, bold) > width_px:  # one word wider than the line: split it
                line = self._longest([line[:k] for k in range(1, max(2, len(line)))], size, bold, width_px)
            lines.append(line)
            rest = rest[len(line) :].lstrip()
        return "\n".join(lines).replace("$", r"\$")

    def _longest(self, candidates: list[str], size: float, bold: bool, width_px: float) -> str:
        """The longest candidate (they grow) that fits, by bisection since measuring is slow."""
        low, high = 0, len(candidates) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(candidates[middle], size, bold) <= width_px:
                low = middle
            else:
                high = middle - 1
        return candidates[low]


def _check_counts(labels: Sequence[str], counts: Sequence[int]) -> None:
    if not labels or len(labels) != len(counts) or min(counts) < 0:
        raise ValueError("labels and counts must be non-empty, the same length, and counts not negative")


def font(size: float, bold: bool = False) -> FontProperties:
    """The house's font at `size`, as text is measured and drawn."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")


def style(size: float, bold: bool = False, colour: str = INK) -> dict[str, Any]:
    """Keywords for matplotlib's text: the house's font at `size`, bold or not, in `colour`."""
    return {"fontsize": size, "fontweight": "bold" if bold else "normal", "color": colour, "fontfamily": FONT}


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Code points both the regular and the bold face can draw."""
    from matplotlib.font_manager import findfont, get_font

    regular, bold = (get_font(findfont(font(12, heavy))).get_charmap() for heavy in (False, True))
    return frozenset(regular.keys() & bold.keys())


def _clean(text: str) -> str:
    """One line of drawable text: NFC, whitespace collapsed, each run of undrawable glyphs one □."""
    covered, out = _covered(), []
    for char in unicodedata.normalize("NFC", " ".join(text.split())):
        code = ord(char)
        if code in EMOJI_PARTS or unicodedata.category(char) in ("Cf", "Me"):
            continue  # joiners, variation selectors, keycaps, skin tones: parts of an emoji
        if code in covered:
            out.append(char)
        elif not out or out[-1] != MISSING:
            out.append(MISSING)
    return "".join(out)
