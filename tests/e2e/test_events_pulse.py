"""The events feature hands the community's pulse its parts once the bot starts: an event created and
registered for through Discord shows in the digest's next 14 days, its member among the participants
and in the engagement figures; unloading the feature withdraws them."""

from __future__ import annotations

from datetime import timedelta

from agora.clock import epoch
from agora.pulse import DIGEST_EVENTS, Span
from tests.e2e.events_helpers import START, TITLE
from tests.e2e.registration_helpers import create_with_places, register


async def test_an_event_created_in_discord_reaches_the_digest_and_the_engagement_report(agora, fake, clock):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 3)
        await register(fake, "alice", message, event.id)
        now, guild = epoch(clock.now()), fake.guild.id
        words = bot.catalogue.words("fr")

        sections = await bot.pulse.digest_sections(guild, Span(now - 7 * 86400, now), words)
        (line,) = next(s for s in sections if s.order == DIGEST_EVENTS).lines
        assert line.startswith(f"**[{TITLE}](https://discord.com/events/{guild}/{event.id})**")
        assert f"<t:{epoch(START)}:f> · 📍 Genève · 🎟️ places restantes : 2 sur 3" in line

        today = Span(now - 3600, now + 3600)
        assert fake.member("alice").id in await bot.pulse.participants(guild, today)
        december = Span(epoch(START - timedelta(days=2)), epoch(START + timedelta(days=2)))
        (part,) = [
            p for p in await bot.pulse.engagement_parts(guild, december, words) if p.section == "events"
        ]
        shown = {figure.key: figure.value for figure in part.figures}
        assert (shown["events.count"], shown["events.registered"]) == (1, 1)

        await bot.unload_extension("cogs.events")
        assert await bot.pulse.digest_sections(guild, Span(now - 7 * 86400, now), words) == []
        assert await bot.pulse.participants(guild, today) == frozenset()
