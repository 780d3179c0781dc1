"""The engagement report's "< 3" rule: which figures are not shown, and why. Pure: no discord, no I/O.

A figure is not shown when it would let someone be recognised:
- a count of people of 1 or 2 shows as "< 3" (0 shows as 0: it identifies no one);
- a rate, an average or a score resting on fewer than 3 people's answers (its `base`) shows as
  "< 3 answers";
- a count of things resting on 1 or 2 people (its `base`: the votes of 2 voters, the questions of 1
  asker, the messages of a channel's 2 authors) is "withheld": 2 votes on a single-choice poll tell
  the 2 voters the report shows as "< 3";
- a figure that would give a hidden one away is "withheld" too: by a subtraction (the active members
  are the first-time ones plus the returning ones, so when one of those two is hidden the other is
  withheld), by resting on it (the share of active members is the active members over the members),
  or by a sum (the server's messages are its channels' messages and the articles' replies, so when one
  channel's messages are hidden, another channel's are withheld with them, or the total if no other);
- a change involving a value not shown is not shown either, since it would give that value away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from agora.pulse import Figure

SMALLEST_SHOWN = 3  # people: fewer than this (but some) could be recognised

Hidden = Literal["people", "answers", "withheld"]

# Figures that add up to a figure shown: when one of them is hidden, the others are withheld with it.
COMPLEMENTS: tuple[frozenset[str], ...] = (frozenset({"active.first_time", "active.returning"}),)

# A figure computed from another of the same period, withheld when that one is hidden: the share of
# active members is the active members over the members, so "50 %" of 4 members would tell the 2.
RESTS_ON: dict[str, str] = {"active.share": "active"}

# A total shown with the figures it is the sum of (and of others, all shown): the key of the total,
# and the start and end of its addends' keys. One addend hidden alone would be the total minus the
# others.
SUMS: tuple[tuple[str, str, str], ...] = (("chat.messages", "chat.channel.", ".messages"),)


def hidden(figure: Figure, *, withheld: bool = False) -> Hidden | None:
    """Why `figure` is not shown, or None when it is; `withheld`: it would give a hidden one away."""
    if figure.value is None:
        return None
    if figure.people and 0 < figure.value < SMALLEST_SHOWN:
        return "people"
    if figure.base is not None:
        if figure.kind != "count" and figure.base < SMALLEST_SHOWN:
            return "answers"
        if figure.kind == "count" and 0 < figure.base < SMALLEST_SHOWN:
            return "withheld"
    return "withheld" if withheld else None


def withheld(figures: Sequence[Figure]) -> frozenset[str]:
    """The keys among one period's `figures` that are withheld: shown by their own rule, but giving a
    hidden one away (COMPLEMENTS, RESTS_ON, SUMS)."""
    by_key = {figure.key: figure for figure in figures}
    keys: set[str] = set()
    for group in COMPLEMENTS:
        present = [by_key[key] for key in group if key in by_key]
        if any(hidden(figure) for figure in present):
            keys.update(figure.key for figure in present if not hidden(figure))
    for key, source in RESTS_ON.items():
        if key in by_key and source in by_key and hidden(by_key[source]) and not hidden(by_key[key]):
            keys.add(key)
    for total, start, end in SUMS:
        addends = [f for f in figures if f.key.startswith(start) and f.key.endswith(end)]
        keys.update(_with_the_hidden_one(by_key.get(total), addends))
    return frozenset(keys)


def _with_the_hidden_one(total: Figure | None, addends: list[Figure]) -> set[str]:
    """When exactly one addend is hidden and the total is shown, the key to withhold with it: the
    smallest other addend above zero (their sum is all a reader can tell), or else the total. An addend
    of 0 would not do: its people count shows 0, which tells its value."""
    if total is None or hidden(total) or sum(1 for f in addends if hidden(f)) != 1:
        return set()
    others = [f for f in addends if not hidden(f) and f.value]
    if not others:
        return {total.key}
    smallest = min(others, key=lambda f: (f.value, f.key))
    return {smallest.key}
