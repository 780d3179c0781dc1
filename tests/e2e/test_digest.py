"""The weekly digest end to end, with a fake feature handing it its sections: posted at its time on the
injected clock, once across restarts; caught up at startup within its week and not after; skipped when
empty; /digest preview and /digest now; a digest channel Agora cannot post in."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

import pytest

from agora.pulse import Span
from cogs.pulse.digest import schedule
from tests.e2e.digest_helpers import (
    CONTRIBUTOR,
    CONTRIBUTOR_EXTENSION,
    GENEVA_MONDAY_8,
    NEXT_MONDAY_8,
    WEEK_BEFORE,
    digest_posts,
    epoch,
    step,
)
from tests.e2e.test_startup_refusals import run_bot
from tests.fake_discord.permissions import Perm

LINES = ("• [Premier article](https://blog.example.ch/1)", "• [Second article](https://blog.example.ch/2)")


@pytest.fixture(autouse=True)
def contributor():
    CONTRIBUTOR.lines = LINES
    CONTRIBUTOR.asked.clear()
    yield CONTRIBUTOR
    CONTRIBUTOR.lines = ()


def running(agora, **overrides):
    settings = {"digest_channel": "général", "organiser_channel": "organisateurs", **overrides}
    return agora.running(extra_extensions=[CONTRIBUTOR_EXTENSION], **settings)


async def state(bot, period):
    return await bot.get_cog("DigestCog").store.state(bot.settings.guild_id, "digest", period)


async def test_posted_at_its_time_once_and_not_again_after_a_restart(agora, fake, clock, contributor):
    async with running(agora) as bot:
        await step(bot)
        assert digest_posts(fake) == []  # installed on a Saturday: no digest of a week it did not follow
        clock.set(GENEVA_MONDAY_8 - timedelta(minutes=1))
        await step(bot)
        assert digest_posts(fake) == []
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        (post,) = digest_posts(fake)
        assert post.embeds[0]["title"] == "La revue de la semaine, du 23 au 30 novembre 2026"
        assert post.embeds[0]["fields"] == [{"name": "Nouvelles", "value": "\n".join(LINES), "inline": False}]
        assert contributor.asked[-1] == Span(epoch(WEEK_BEFORE), epoch(GENEVA_MONDAY_8))
        assert post.allowed_mentions["parse"] == []
        clock.advance(minutes=1)
        await step(bot)
        assert len(digest_posts(fake)) == 1
    clock.advance(hours=2)
    async with running(agora) as bot:
        await step(bot)
        assert len(digest_posts(fake)) == 1


async def test_a_restart_before_its_time_still_posts_it_at_its_time(agora, fake, clock):
    async with running(agora) as bot:
        await step(bot)
    clock.set(GENEVA_MONDAY_8 - timedelta(hours=1))
    async with running(agora) as bot:
        await step(bot)
        assert digest_posts(fake) == []
        clock.set(GENEVA_MONDAY_8 + timedelta(seconds=30))
        await step(bot)
        assert len(digest_posts(fake)) == 1


async def test_down_over_its_time_and_back_within_the_week_it_is_posted_at_startup(
    agora, fake, clock, contributor
):
    async with running(agora) as bot:
        await step(bot)
    clock.set(GENEVA_MONDAY_8 + timedelta(days=2))
    async with running(agora):
        post = await fake.wait_for_message("général", lambda m: bool(m.embeds), timeout=10)
        assert post.embeds[0]["title"] == "La revue de la semaine, du 23 au 30 novembre 2026"
        assert contributor.asked[-1] == Span(epoch(WEEK_BEFORE), epoch(GENEVA_MONDAY_8))


async def test_the_week_before_the_install_is_neither_recorded_nor_logged_as_late(agora, fake, clock, caplog):
    with caplog.at_level(logging.INFO, logger="cogs.pulse.digest"):
        async with running(agora) as bot:
            # Installed on a Saturday: the first pass records the week due on Monday 23rd as not the
            # digest's; the passes after it must not take the week before that for one it missed.
            await step(bot)
            await step(bot)
            assert await state(bot, "2026-11-23") == ("skipped", "not_running")
            assert await state(bot, "2026-11-16") is None
    assert "was not posted in its week" not in caplog.text
    assert digest_posts(fake) == []


async def test_back_after_its_week_it_is_not_posted_but_recorded_skipped(agora, fake, clock, contributor):
    async with running(agora) as bot:
        await step(bot)
    clock.set(NEXT_MONDAY_8 + timedelta(hours=1))  # the 30 November digest's week is over
    async with running(agora) as bot:
        await step(bot)
        assert await state(bot, "2026-11-30") == ("skipped", "late")
        # The digest of 7 December fell due while the bot was down too, and is still in its week.
        (post,) = digest_posts(fake)
        assert post.embeds[0]["title"] == "La revue de la semaine, du 30 novembre au 7 décembre 2026"
        assert all(span.start >= epoch(GENEVA_MONDAY_8) for span in contributor.asked)


async def test_a_post_discord_failed_is_made_by_the_next_pass_once(agora, fake, clock):
    channel = fake.channel("général")
    async with running(agora) as bot:
        await step(bot)
        clock.set(GENEVA_MONDAY_8)
        fake.outages.fail("POST", rf"/channels/{channel.id}/messages$", times=1)
        await step(bot)
        assert digest_posts(fake) == []
        clock.advance(minutes=1)
        await step(bot)
        await step(bot)
        assert len(digest_posts(fake)) == 1


async def test_a_bot_stopped_mid_post_finds_its_post_after_the_restart_and_does_not_post_again(
    agora, fake, clock
):
    channel = fake.channel("général")
    async with running(agora) as bot:
        await step(bot)
        clock.set(GENEVA_MONDAY_8)
        # Discord applies the post, but its answer never reaches the bot before it stops.
        held = fake.outages.hold("POST", rf"/channels/{channel.id}/messages$", applied=True)
        passing = asyncio.create_task(step(bot))
        await fake.wait_for(lambda: held.waiting >= 1, what="the digest's post")
        assert len(digest_posts(fake)) == 1
    passing.cancel()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await passing
    held.release()
    clock.advance(minutes=5)
    async with running(agora) as bot:
        await step(bot)
        assert len(digest_posts(fake)) == 1
        assert await state(bot, "2026-11-30") == ("posted", None)
        assert fake.find_requests("GET", rf"/channels/{channel.id}/messages")  # it looked before posting


async def test_a_week_with_nothing_to_say_is_skipped(agora, fake, clock, contributor):
    contributor.lines = ()
    async with running(agora) as bot:
        await step(bot)
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        assert await state(bot, "2026-11-30") == ("skipped", "empty")
        contributor.lines = LINES  # news after its time waits for the next digest
        clock.advance(minutes=1)
        await step(bot)
        assert digest_posts(fake) == []


async def test_an_organiser_previews_the_next_digest_exactly_as_it_is_then_posted(agora, fake, clock):
    async with running(agora) as bot:
        await step(bot)
        preview = await fake.run_command("olivia", "digest preview", locale="fr")
        shown = await preview.final_message(timeout=10)
        assert shown.is_ephemeral
        assert (
            "Aperçu de la prochaine revue" in shown.content
            and f"<t:{epoch(GENEVA_MONDAY_8)}:F>" in shown.content
        )
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        (post,) = digest_posts(fake)
        assert shown.embeds == post.embeds


async def test_the_preview_says_when_there_is_nothing_to_say_yet(agora, fake, contributor):
    contributor.lines = ()
    async with running(agora):
        preview = await fake.run_command("bob", "digest preview", locale="en-US", force=True)
        refused = await preview.final_message(timeout=10)
        assert refused.is_ephemeral and "organisers" in refused.content
        preview = await fake.run_command("olivia", "digest preview", locale="en-US")
        shown = await preview.final_message(timeout=10)
        assert shown.is_ephemeral and shown.content.startswith("Nothing to say yet") and shown.embeds == []


async def test_a_member_cannot_preview_the_digest(agora, fake):
    async with running(agora):
        preview = await fake.run_command("alice", "digest preview", locale="fr", force=True)
        refused = await preview.final_message(timeout=10)
        assert refused.is_ephemeral and "réservée aux organisateurs" in refused.content
        assert refused.embeds == []


async def test_digest_now_posts_at_once_and_the_next_digest_starts_after_it(agora, fake, clock, contributor):
    async with running(agora) as bot:
        await step(bot)
        now = fake.run_command("olivia", "digest now", locale="fr")
        answer = await (await now).final_message(timeout=10)
        (post,) = digest_posts(fake)
        assert answer.is_ephemeral and "publiée" in answer.content
        assert f"/channels/{fake.guild.id}/{post.channel_id}/{post.id}" in answer.content
        posted_at = clock.now()
        assert contributor.asked[-1] == Span(epoch(posted_at - timedelta(days=7)), epoch(posted_at))
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        assert len(digest_posts(fake)) == 2  # the scheduled one still comes…
        assert contributor.asked[-1] == Span(epoch(posted_at), epoch(GENEVA_MONDAY_8))  # …from then on


async def test_digest_now_without_a_digest_channel_says_so(agora, fake):
    async with running(agora, digest_channel=None) as bot:
        now = await fake.run_command("olivia", "digest now", locale="en-US")
        answer = await now.final_message(timeout=10)
        assert answer.is_ephemeral and "AGORA_DIGEST_CHANNEL" in answer.content
        preview = await fake.run_command("olivia", "digest preview", locale="en-US")
        shown = await preview.final_message(timeout=10)
        assert "in no channel" in shown.content and "AGORA_DIGEST_CHANNEL" in shown.content
        await step(bot)
    assert digest_posts(fake) == []


async def test_a_digest_channel_agora_cannot_post_in_is_named_by_config_and_organisers_are_told_once(
    agora, fake, clock
):
    read_only = fake.channel("lecture-seule")
    async with running(agora, digest_channel="lecture-seule") as bot:
        await step(bot)
        config = await fake.run_command("adam", "config", locale="fr")
        report = (await config.final_message(timeout=10)).embeds[0]
        channels = next(f["value"] for f in report["fields"] if f["name"] == "Salons utilisés")
        assert f"⚠️ <#{read_only.id}> (revue de la semaine): Agora ne peut pas y écrire" in channels
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        notice = await fake.wait_for_message("organisateurs", lambda m: "revue" in m.content)
        assert f"<#{read_only.id}>" in notice.content and "ne peut pas y écrire" in notice.content
        clock.advance(minutes=1)
        await step(bot)
    clock.advance(minutes=1)
    async with running(agora, digest_channel="lecture-seule") as bot:
        await step(bot)
        assert len([m for m in fake.messages("organisateurs") if "revue" in m.content]) == 1
        assert digest_posts(fake, "lecture-seule") == []
        # Fixed within the week: the digest is not lost.
        await fake.set_overwrite("lecture-seule", fake.role("Agora"), allow=Perm.SEND_MESSAGES)
        seen = bot.get_channel(read_only.id)
        await fake.wait_for(lambda: seen.permissions_for(seen.guild.me).send_messages, what="the bot sees it")
        clock.advance(minutes=1)
        await step(bot)
        assert len(digest_posts(fake, "lecture-seule")) == 1
        assert await state(bot, "2026-11-30") == ("posted", None)


async def test_organisers_given_a_channel_later_are_told_of_a_digest_channel_still_refused(
    agora, fake, clock
):
    async with running(agora, digest_channel="lecture-seule", organiser_channel=None) as bot:
        await step(bot)
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
    clock.advance(hours=1)
    # The admin sets AGORA_ORGANISER_CHANNEL and restarts; the digest channel still refuses posts.
    async with running(agora, digest_channel="lecture-seule") as bot:
        await step(bot)
        notice = await fake.wait_for_message("organisateurs", lambda m: "revue" in m.content)
        assert "ne peut pas y écrire" in notice.content


async def test_a_digest_channel_still_refused_when_its_week_ends_is_recorded_skipped(agora, fake, clock):
    async with running(agora, digest_channel="lecture-seule") as bot:
        await step(bot)
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        clock.set(NEXT_MONDAY_8)
        await step(bot)
        assert await state(bot, "2026-11-30") == ("skipped", "channel")
        assert len([m for m in fake.messages("organisateurs") if "revue" in m.content]) == 1


@pytest.mark.parametrize("value", ["lundi 25:00", "someday", "monday"])
def test_a_malformed_digest_time_stops_the_bot_naming_the_variable(tmp_path, value):
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DIGEST_AT=value)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "AGORA_DIGEST_AT" in lines[0]


async def test_a_digest_now_the_bot_stopped_posting_is_found_and_the_next_digest_starts_after_it(
    agora, fake, clock, contributor
):
    channel = fake.channel("général")
    async with running(agora) as bot:
        await step(bot)
        # Discord applies the post, but its answer never reaches the bot before it stops.
        held = fake.outages.hold("POST", rf"/channels/{channel.id}/messages$", applied=True)
        await fake.run_command("olivia", "digest now", locale="fr")
        await fake.wait_for(lambda: held.waiting >= 1, what="the digest's post")
        posted_at = clock.now()
    held.release()
    clock.set(GENEVA_MONDAY_8)
    async with running(agora) as bot:
        await step(bot)
        assert len(digest_posts(fake)) == 2
        # The scheduled digest starts where the one posted by hand ended: nothing in it twice.
        assert contributor.asked[-1] == Span(epoch(posted_at), epoch(GENEVA_MONDAY_8))
        assert await state(bot, schedule.manual_period(posted_at, bot.settings.timezone)) == ("posted", None)


async def test_a_digest_now_that_never_reached_discord_leaves_the_next_digest_its_whole_week(
    agora, fake, clock, contributor
):
    channel = fake.channel("général")
    async with running(agora) as bot:
        await step(bot)
        fake.outages.fail("POST", rf"/channels/{channel.id}/messages$", times=1)  # a 503, never applied
        now = await fake.run_command("olivia", "digest now", locale="fr")
        assert "Désolé" in (await now.final_message(timeout=15)).content
        posted_at = clock.now()
        clock.set(GENEVA_MONDAY_8)
        await step(bot)
        assert len(digest_posts(fake)) == 1
        assert contributor.asked[-1] == Span(epoch(WEEK_BEFORE), epoch(GENEVA_MONDAY_8))
        manual = schedule.manual_period(posted_at, bot.settings.timezone)
        assert await state(bot, manual) == ("skipped", "interrupted")
