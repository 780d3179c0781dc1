"""The engagement report's charts as PNG bytes: the events funnel and the activity trend.

Drawn on the house's canvas (agora/charts.py): the same fonts, colours and text fitting as the polls'
and the events' charts. Every word comes in as a parameter (the caller localises), and a value the
report does not show ("< 3") comes in as None and is drawn as nothing: no bar, no point. Pure and
safe under `asyncio.to_thread`; matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from agora.charts import (
    ACCENT,
    CONTENT_PX,
    GRID,
    HIGHLIGHT,
    INK,
    MARGIN_PX,
    MUTED,
    ROW_PX,
    TRACK,
    Canvas,
    font,
    style,
)

MAX_TICKS = 16  # labels under the trend's bars; past this, every other one (or fewer) is labelled


def funnel_png(
    *, title: str, subtitle: str, labels: Sequence[str], counts: Sequence[int | None], notes: Sequence[str]
) -> bytes:
    """One bar per step, as long as its share of the largest step; `notes` are written after each bar
    ("30 · 75 %", "< 3"). A step whose count is not shown (None) gets its note and no bar."""
    if not labels or not len(labels) == len(counts) == len(notes):
        raise ValueError("labels, counts and notes must be non-empty and the same length")
    canvas = Canvas(title, subtitle, max_title_lines=2)
    body_px = ROW_PX * len(labels)
    canvas.size_to(body_px + 24)
    ax = canvas.axes(MARGIN_PX, 24, CONTENT_PX, body_px)
    width_px = ax.get_window_extent(canvas.renderer).width
    top = max((count or 0 for count in counts), default=0) or 1
    rows = [row + 0.68 for row in range(len(labels))]
    widths = [100 * (count or 0) / top for count in counts]
    ax.set(xlim=(0, 100), ylim=(len(labels), 0))
    ax.set_axis_off()
    ax.barh(rows, 100, height=0.4, color=TRACK)
    ax.barh(rows, widths, height=0.4, color=ACCENT)
    for row, label, width, note in zip(rows, labels, widths, notes, strict=True):
        ax.text(0, row - 0.26, canvas.fit(label, 12.5, width_px), va="bottom", **style(12.5))
        text = canvas.fit(note, 11.5, width_px / 2, bold=True)
        # Past half the track the note may not fit after the bar: measure it and go inside if need be.
        inside = width > 50 and width + 100 * (canvas.width(text, 11.5, True) + 12) / width_px > 100
        x, ha, colour = (width - 1, "right", "white") if inside else (width + 1, "left", INK)
        ax.text(x, row, text, ha=ha, va="center", **style(11.5, True, colour))
    return canvas.png("funnel", len(labels))


def trend_png(
    *,
    title: str,
    subtitle: str,
    labels: Sequence[str],
    messages: Sequence[int] | None,
    active: Sequence[int | None],
    messages_label: str,
    active_label: str,
) -> bytes:
    """Messages per day or week (bars, left axis) and members active in Agora's features (line, right
    axis; a None leaves a gap). `messages` None: the report does not show them, and no bar is drawn.
    The line is drawn only when a point of it is shown above zero: a flat line of zeros (or of
    nothing but gaps) says nothing the bars do not, and the bars alone then make the chart."""
    n = len(labels)
    if n == 0 or (messages is not None and len(messages) != n) or len(active) != n:
        raise ValueError("labels, messages and active must be non-empty and the same length")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    canvas = Canvas(title, subtitle, max_title_lines=2)
    left, plot_w, plot_h, below = MARGIN_PX + 55, CONTENT_PX - 110, 340, 60
    canvas.size_to(plot_h + below + 40)
    ax = canvas.axes(left, below, plot_w, plot_h)
    xs = range(n)
    ax.set(xlim=(-0.6, n - 0.4))
    step = max(1, math.ceil(n / MAX_TICKS))
    ticks = list(range(0, n, step))
    room = step * plot_w / n - 6
    ax.set_xticks(ticks, labels=[canvas.fit(labels[x], 10, room) for x in ticks], **style(10))
    handles: list[Patch | Line2D] = []
    names: list[str] = []
    axes = [ax]
    if messages is not None:
        ax.bar(xs, messages, width=0.7, color=ACCENT, zorder=2)
        ax.set_ylim(0, max(max(messages), 1) * 1.15)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.grid(True, color=GRID, linewidth=0.8, zorder=0)
        ax.set_ylabel(canvas.fit(messages_label, 12, plot_h), **style(12, False, ACCENT))
        handles.append(Patch(color=ACCENT))
        names.append(canvas.fit(messages_label, 11, 300))
    else:
        ax.set_yticks([])
    shown = [value for value in active if value is not None]
    if any(shown):
        right = ax.twinx()
        values = [math.nan if value is None else value for value in active]
        size = 4 if n > 20 else 6
        right.plot(xs, values, color=HIGHLIGHT, linewidth=2.5, marker="o", markersize=size, zorder=4)
        right.set_ylim(0, max(shown) * 1.15)
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        right.set_ylabel(canvas.fit(active_label, 12, plot_h), **style(12, False, HIGHLIGHT))
        handles.append(Line2D([], [], color=HIGHLIGHT, linewidth=2.5, marker="o"))
        names.append(canvas.fit(active_label, 11, 300))
        axes.append(right)
    for each in axes:
        each.spines["top"].set_visible(False)
        each.tick_params(length=0, colors=MUTED)
        each.spines[["left", "right", "bottom"]].set_color(MUTED)
    ax.legend(
        handles, names, loc="lower right", bbox_to_anchor=(1, 1.01), ncols=2, frameon=False, prop=font(11)
    )
    return canvas.png("trend", n)
