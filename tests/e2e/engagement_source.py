"""A test-only extension: an events-like feature with a funnel, registered on bot.pulse as an
engagement source, so the report's funnel chart has something to draw before the whole-loop test
brings every real feature in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agora.pulse import EngagementPart, Figure, FunnelStep, Span

if TYPE_CHECKING:
    from agora.client import Agora

# In November 2026 (Europe/Zurich): 12 interested, 8 registered, 5 came, 2 gave feedback.
FUNNEL = (
    ("interested", "Intéressés", 12),
    ("registered", "Inscrits", 8),
    ("came", "Présents", 5),
    ("feedback", "Avis", 2),
)
NOVEMBER_START = 1_793_487_600  # 2026-11-01 00:00 in Zurich


class WorkshopsSource:
    name = "workshops (tests)"

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        return frozenset()

    async def engagement(self, guild_id: int, span: Span, words: object) -> EngagementPart | None:
        if span.start != NOVEMBER_START:
            return None
        steps = tuple(FunnelStep(key, label, count) for key, label, count in FUNNEL)
        return EngagementPart(
            "workshops",
            "Ateliers",
            figures=(Figure("workshops.count", "Ateliers", 2),),
            funnel=steps,
        )


SOURCE = WorkshopsSource()


async def setup(bot: Agora) -> None:
    bot.pulse.measure(SOURCE)


async def teardown(bot: Agora) -> None:
    bot.pulse.stop_measuring(SOURCE)
