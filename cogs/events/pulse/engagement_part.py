"""The events' part of the engagement report (agora/pulse.py): who took part in the server's events, and
the events held in a period in figures — how many, the funnel (interested → registered → checked in →
feedback), the response rate, the average rating and the NPS.

The funnel counts people once per event, summed over the period's events. Figures resting on answers
carry their `base` (how many people's answers), so that the report hides those resting on fewer than 3;
the rating and the NPS are computed as the events' own reports compute them (cogs/events/figures.py).
"""

from __future__ import annotations

from agora.pulse import EngagementPart, Figure, FunnelStep, Span, Words
from cogs.events.answer_store import AnswerStore
from cogs.events.figures import Response, season
from cogs.events.pulse.pulse_store import PulseStore

SECTION = "events"
FUNNEL = ("interested", "registered", "checked_in", "feedback")


def _label(words: Words, key: str) -> str:
    return words(f"events.pulse.engagement.{key}")


def events_part(
    counts: dict[str, int], events: int, responses: list[Response], words: Words
) -> EngagementPart:
    """The part for a period of `events` events, from the funnel's `counts` (people, by FUNNEL key) and
    every feedback answer given about them."""
    (point,) = season([("", responses)])
    answers, present = point.responses, counts["checked_in"]
    funnel = tuple(FunnelStep(key, _label(words, key), counts[key]) for key in FUNNEL) if events else ()
    figures = (
        Figure(f"{SECTION}.count", _label(words, "count"), events),
        *(Figure(f"{SECTION}.{key}", _label(words, key), counts[key], people=True) for key in FUNNEL),
        # Members who came without a place or without checking in may answer too (the call's DMs go to
        # the interested): capped at 100 %, as the events' own reports cap theirs. It rests on the
        # answers: with 1 answer among 10 present, "10 %" would tell the count the report hides.
        Figure(
            f"{SECTION}.response_rate",
            _label(words, "response_rate"),
            min(1.0, counts["feedback"] / present) if present else None,
            kind="rate",
            base=counts["feedback"],
        ),
        Figure(
            f"{SECTION}.rating", _label(words, "rating"), point.average_rating, kind="average", base=answers
        ),
        Figure(f"{SECTION}.nps", _label(words, "nps"), point.nps, kind="score", base=answers),
    )
    return EngagementPart(SECTION, _label(words, "title"), figures=figures, funnel=funnel)


class EventsEngagement:
    """The events feature's `EngagementSource`."""

    name = "events"

    def __init__(self, answers: AnswerStore, store: PulseStore) -> None:
        self.answers = answers
        self.store = store

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        return await self.store.participants(guild_id, span)

    async def engagement(self, guild_id: int, span: Span, words: Words) -> EngagementPart | None:
        held = await self.store.held(guild_id, span)
        if not held and not await self.store.any_held(guild_id, span.end):
            return None  # no event held in this server yet: no section of zeros
        counts = {key: sum(getattr(event, key) for event in held) for key in FUNNEL}
        responses = [
            response
            for event in held
            if event.feedback  # most events of a period have none: no query for them
            for response in await self.answers.responses(event.event_id)
        ]
        return events_part(counts, len(held), responses, words)
