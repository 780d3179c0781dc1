"""The whole report message: the main embed (render.report_embed), one field per session of the
programme, and the fields other features add (agora/meetings.py), within Discord's limits for one
message: 10 embeds, 25 fields each, 6000 characters across all of them.

What must be shown is shown first: the main figures, and each session's speaker, average and
distribution. What is left is shared fairly between the three that can shrink (the main comments, the
other features' fields and the words for the speakers): each gets what it needs, up to an equal share
of what the others leave. Comments leave out whole lines, with "and N more"; nothing is cut mid-word.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import discord

from agora.escaping import fit_escaped, join_within
from agora.i18n import Words
from cogs.events.sessions.render import FIELD_VALUE, SessionBlock

log = logging.getLogger(__name__)

# Discord's limit is 6000 characters across a message's embeds; a margin, should it count an emoji as
# two (as JavaScript's length does).
REPORT_TOTAL = 5900
MAX_EMBEDS = 10
MAX_FIELDS = 25
FIELD_NAME = 256
COLOUR = discord.Colour.gold()

Field = tuple[str, str]


def fair_shares(wants: Sequence[int], budget: int) -> list[int]:
    """Each want, capped so that together they fit in `budget`: small wants whole, the largest ones
    cut to the same size (water-filling)."""
    budget = max(0, budget)
    if sum(wants) <= budget:
        return list(wants)
    left, remaining = budget, len(wants)
    cap = 0
    for want in sorted(wants):
        if want * remaining > left:
            cap = left // remaining
            break
        left -= want
        remaining -= 1
    return [min(want, cap) for want in wants]


def _size(field: Field) -> int:
    return len(field[0]) + len(field[1])


def fit_fields(fields: Sequence[Field], budget: int) -> list[Field]:
    """As many of `fields` as fit in `budget` characters, in order; the first one that does not fit
    whole keeps its first lines and "…" when they are worth it. Names and values are kept within
    Discord's limits (a feature's part should be already)."""
    kept: list[Field] = []
    left = budget
    for name, value in fields:
        name = fit_escaped(" ".join(name.split()), FIELD_NAME, escape=_as_is) or "…"
        value = value.strip() or "—"
        if len(value) > FIELD_VALUE:
            value = _first_lines(value, FIELD_VALUE)
        if len(name) + len(value) <= left:
            kept.append((name, value))
            left -= len(name) + len(value)
            continue
        room = min(FIELD_VALUE, left - len(name))
        if room >= 60:
            kept.append((name, _first_lines(value, room)))
        break
    return kept


def _as_is(text: str) -> str:
    return text


def _first_lines(value: str, room: int) -> str:
    """The lines of `value` that fit in `room` with "…" after them; the first line cut at a word when
    even it does not fit (never after a lone backslash, which would escape the ellipsis)."""
    lines = value.split("\n")
    shown = join_within(lines, room, lambda _: "…")
    if shown and shown != "…" and len(shown) <= room:
        return shown
    cut = fit_escaped(lines[0], room, escape=_as_is)
    while cut.endswith("\\…"):
        cut = cut[:-2] + "…"
    return cut


def session_fields(blocks: Sequence[SessionBlock], budget: int, words: Words) -> list[Field]:
    """Every session's field: its core whole, its comments sharing `budget` fairly (a session's
    field never past 1024)."""
    wants = [min(b.natural(), FIELD_VALUE) - len(b.core) for b in blocks]
    shares = fair_shares(wants, budget)
    return [(b.name, b.value(len(b.core) + share, words)) for b, share in zip(blocks, shares, strict=True)]


def compose_report(
    main: Callable[[int], discord.Embed],
    blocks: Sequence[SessionBlock],
    extra: Sequence[Field],
    words: Words,
    *,
    total: int = REPORT_TOTAL,
) -> list[discord.Embed]:
    """The report's embeds. `main(budget)` builds the main embed with its comments within `budget`
    characters for the whole embed; `blocks` are the sessions; `extra`, other features' fields."""
    sessions_title = words("session_feedback.report.title") if blocks else ""
    core = len(sessions_title) + sum(len(b.name) + len(b.core) for b in blocks)
    essential = len(main(0))
    main_wants = len(main(total)) - essential
    extra_wants = sum(_size(f) for f in fit_fields(extra, total))
    comment_wants = sum(min(b.natural(), FIELD_VALUE) - len(b.core) for b in blocks)
    free = total - essential - core
    _, extra_share, comment_share = fair_shares([main_wants, extra_wants, comment_wants], free)
    # The main embed gets all the others leave (at least its share): its comment fields need some
    # room to spare before they are shown at all.
    first = main(total - core - extra_share - comment_share)
    # What one part leaves unused goes to the next: the sessions' words, then other features' fields.
    fields = session_fields(blocks, total - len(first) - core - extra_share, words)
    used = len(first) + len(sessions_title) + sum(_size(f) for f in fields)
    extras = fit_fields(extra, total - used)
    embeds = [first]
    if blocks:
        embeds += _embeds(fields, sessions_title)
    embeds += _embeds(extras, None)
    return _within(embeds[:MAX_EMBEDS], total)


def _embeds(fields: Sequence[Field], title: str | None) -> list[discord.Embed]:
    embeds = []
    for start in range(0, len(fields), MAX_FIELDS):
        embed = discord.Embed(title=title if start == 0 and title else None, colour=COLOUR)
        for name, value in fields[start : start + MAX_FIELDS]:
            embed.add_field(name=name, value=value, inline=False)
        embeds.append(embed)
    return embeds


def _within(embeds: list[discord.Embed], total: int) -> list[discord.Embed]:
    """The last guard: should the shares above ever overshoot, the last fields go, never the limit."""
    while sum(len(e) for e in embeds) > total and len(embeds) > 1:
        last = embeds[-1]
        if len(last.fields) > 1:
            last.remove_field(len(last.fields) - 1)
        else:
            embeds.pop()
        log.warning("a report's embeds overshot %s characters: a field was left out", total)
    return embeds
