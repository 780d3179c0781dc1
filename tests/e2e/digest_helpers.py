"""The weekly digest's tests: a fake feature handing the digest its sections, and stepping the digest's
loop on the injected clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from agora.pulse import DigestSection, Span, Words

# tests.e2e.digest_contributor registers CONTRIBUTOR on bot.pulse; it lives here, not in the extension,
# because unloading an extension (at every stop of the bot) drops its module.
CONTRIBUTOR_EXTENSION = "tests.e2e.digest_contributor"

GENEVA_MONDAY_8 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 CET: the default AGORA_DIGEST_AT
WEEK_BEFORE = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
NEXT_MONDAY_8 = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


class FakeContributor:
    """A feature with something to say: `lines`, in one section, for whatever week it is asked."""

    name = "tests"

    def __init__(self) -> None:
        self.lines: tuple[str, ...] = ()
        self.asked: list[Span] = []

    async def digest_sections(self, guild_id: int, week: Span, words: Words) -> Sequence[DigestSection]:
        self.asked.append(week)
        if not self.lines:
            return []
        return [DigestSection(10, "Nouvelles", self.lines)]


CONTRIBUTOR = FakeContributor()


def digest_posts(fake, channel="général"):
    """The digests Agora posted in `channel`."""
    return [
        m
        for m in fake.messages(channel)
        if m.author_id == fake.bot.id and m.embeds and "revue de la semaine" in m.embeds[0].get("title", "")
    ]


async def step(bot) -> None:
    """One pass of the digest's loop, started after this call."""
    await bot.get_cog("DigestCog").passes.run_now()


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())
