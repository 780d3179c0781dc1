"""The polls and the live Q&A hand the community's pulse their parts once the bot runs: a poll created,
voted on and closed through the bot shows in the digest's sections and the engagement report's
figures; one posted in the organisers' own channel is never announced to the server; unloading a
feature withdraws its parts."""

from __future__ import annotations

from datetime import timedelta

from agora.clock import epoch
from agora.pulse import DIGEST_CLOSED_POLLS, DIGEST_OPEN_POLLS, Span
from tests.e2e.polls_helpers import create_poll, poll_id, poll_message, vote


def polls_sections(sections):
    """The polls' sections (other features may add theirs)."""
    return [s for s in sections if s.order in (DIGEST_OPEN_POLLS, DIGEST_CLOSED_POLLS)]


def figures(parts, section):
    [part] = [part for part in parts if part.section == section]
    return {figure.key: figure.value for figure in part.figures}


async def test_a_poll_made_through_the_bot_is_in_the_digest_and_the_report_until_its_feature_leaves(
    agora, fake, clock
):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_poll(fake, question="Quel **réseau** ?", duration="2d")
        public = poll_message(fake)
        await vote(fake, "alice", public, 0)
        await vote(fake, "bob", public, 1)
        await create_poll(fake, "olivia", question="Entre nous ?", channel="organisateurs")
        await vote(fake, "olivia", poll_message(fake, "organisateurs"), 0)
        guild = fake.guild.id
        week = Span(epoch(clock.now() - timedelta(days=7)), epoch(clock.now()) + 60)
        words = bot.catalogue.words("fr")
        link = f"https://discord.com/channels/{guild}/{public.channel_id}/{public.id}"
        deadline = epoch(clock.now() + timedelta(days=2))

        [opened] = polls_sections(await bot.pulse.digest_sections(guild, week, words))
        assert (opened.order, opened.title, opened.more) == (DIGEST_OPEN_POLLS, "📊 Sondages ouverts", 0)
        # The organisers' poll is not announced to every member.
        assert opened.lines == (
            f"• [Quel \\*\\*réseau\\*\\* ?]({link}) — clôture : <t:{deadline}:R> · <t:{deadline}:f>",
        )
        members = {fake.member(name).id for name in ("alice", "bob", "olivia")}
        assert await bot.pulse.participants(guild, week) == frozenset(members)
        parts = await bot.pulse.engagement_parts(guild, week, words)
        assert figures(parts, "polls") == {
            "polls.count": 2,
            "polls.median_turnout": None,  # none closed yet
            "polls.voters": 3,
            "polls.votes": 3,
        }
        # No live Q&A ever started here: no section of zeros.
        assert "questions" not in {part.section for part in parts}

        clock.advance(hours=1)
        closing = await fake.run_command("olivia", "poll close", {"poll": str(poll_id(public))})
        await closing.followups(count=1, timeout=10)
        week = Span(week.start, epoch(clock.now()) + 60)

        [closed] = polls_sections(await bot.pulse.digest_sections(guild, week, words))
        assert (closed.order, closed.title) == (DIGEST_CLOSED_POLLS, "🗳️ Sondages clos dans la semaine")
        assert closed.lines == (
            f"• [Quel \\*\\*réseau\\*\\* ?]({link}) — 🏆 ex aequo : **LinkedIn**, **Slack** (1 voix chacune)",
        )
        report = figures(await bot.pulse.engagement_parts(guild, week, words), "polls")
        assert report["polls.median_turnout"] == 2

        await bot.unload_extension("cogs.polls")
        await bot.unload_extension("cogs.questions")
        assert polls_sections(await bot.pulse.digest_sections(guild, week, words)) == []
        assert await bot.pulse.participants(guild, week) == frozenset()
        sections = {part.section for part in await bot.pulse.engagement_parts(guild, week, words)}
        assert not sections & {"polls", "questions"}
