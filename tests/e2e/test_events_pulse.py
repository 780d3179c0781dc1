"""The events feature hands the community's pulse its parts once the bot starts: an event created and
registered for through Discord shows in the digest's next 14 days, its member among the participants
and in the engagement figures; unloading the feature withdraws them. An event held in a voice channel
@everyone cannot view, or announced in the organisers' own channel, is never in the digest."""

from __future__ import annotations

from datetime import timedelta

from agora.clock import epoch
from agora.pulse import DIGEST_EVENTS, Span
from tests.e2e.checkin_helpers import followed, voice_event
from tests.e2e.events_helpers import START, TITLE, create_event
from tests.e2e.registration_helpers import create_with_places, register
from tests.fake_discord.permissions import Perm


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


async def test_events_the_organisers_keep_to_themselves_are_not_in_the_digest(agora, fake, clock):
    # The voice channel is the organisers' (and the bot's), as their text channel is.
    fake.world.set_overwrite("vocal", "@everyone", deny=Perm.VIEW_CHANNEL)
    for role in ("Organisateurs", "Agora"):
        fake.world.set_overwrite("vocal", role, allow=Perm.VIEW_CHANNEL)
    async with agora.running() as bot:
        await fake.wait_for_commands()
        backstage, vocal = await voice_event(fake, "vocal", name="Réunion des organisateurs")
        await followed(bot, backstage.id, vocal)
        await create_event(fake, title="Bilan entre organisateurs", channel="organisateurs")
        public, _ = await create_with_places(fake, 3)
        now, guild = epoch(clock.now()), fake.guild.id

        sections = await bot.pulse.digest_sections(
            guild, Span(now - 7 * 86400, now), bot.catalogue.words("fr")
        )

        [events] = [s for s in sections if s.order == DIGEST_EVENTS]
        [line] = events.lines
        assert line.startswith(f"**[{TITLE}](https://discord.com/events/{guild}/{public.id})**")
        assert events.more == 0  # the other two are not even counted
