"""The fake's per-channel post limit (5 per 5 s, like Discord's) and its 3-second rule, seen by a real
discord.py bot and by raw HTTP."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import FakeDiscord
from tests.fake_discord.rate_limits import BUCKET, ChannelPostLimit, RateLimitedError

POSTS = r"^/channels/\d+/messages$"


class Ticking:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ---- the limit on its own ------------------------------------------------------------------------


def test_five_posts_per_window_then_429_until_it_resets():
    clock = Ticking()
    limit = ChannelPostLimit(5, 5.0, monotonic=clock, wall=lambda: 1_000.0)
    seen = [limit.take(1) for _ in range(5)]
    assert [h["X-RateLimit-Remaining"] for h in seen] == ["4", "3", "2", "1", "0"]
    assert seen[0]["X-RateLimit-Limit"] == "5" and seen[0]["X-RateLimit-Bucket"] == BUCKET
    assert seen[0]["X-RateLimit-Reset-After"] == "5.000" and seen[0]["X-RateLimit-Reset"] == "1005.000"
    clock.now += 1.25
    with pytest.raises(RateLimitedError) as refused:
        limit.take(1)
    assert refused.value.status == 429 and refused.value.retry_after == 3.75
    assert refused.value.body() == {
        "message": "You are being rate limited.",
        "retry_after": 3.75,
        "global": False,
    }
    headers = refused.value.headers
    assert headers["Retry-After"] == "4" and headers["X-RateLimit-Scope"] == "user"
    assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Reset-After"] == "3.750"
    assert limit.take(2)["X-RateLimit-Remaining"] == "4"  # another channel has its own window
    clock.now += 3.75
    assert limit.take(1)["X-RateLimit-Remaining"] == "4"  # a new window
    assert limit.refused == [1] and limit.accepted.count(1) == 6


def test_off_by_default_and_saturating_a_channel():
    limit = ChannelPostLimit()
    assert not limit.enabled and limit.take(1) == {} and limit.remaining(1) is None
    with pytest.raises(RuntimeError):
        limit.saturate(1)
    limit.enable(2, 1.0)
    assert limit.remaining(1) == 2
    limit.saturate(1)
    assert limit.remaining(1) == 0
    with pytest.raises(RateLimitedError):
        limit.take(1)
    assert FakeDiscord().post_limits.enabled is False
    assert FakeDiscord(channel_post_limit=5).post_limits.limit == 5


async def test_raw_http_headers_on_success_and_the_429():
    async with (
        FakeDiscord(channel_post_limit=2, channel_post_window=30.0) as fake,
        aiohttp.ClientSession(headers={"Authorization": "Bot fake-token"}) as http,
    ):
        url = f"{fake.api_url}/channels/{fake.channel('général').id}/messages"
        remaining = []
        for text in ("un", "deux"):
            async with http.post(url, json={"content": text}) as resp:
                assert resp.status == 200
                remaining.append(resp.headers["X-RateLimit-Remaining"])
                assert resp.headers["X-RateLimit-Limit"] == "2"
                assert resp.headers["X-RateLimit-Bucket"] == BUCKET
                assert 0 < float(resp.headers["X-RateLimit-Reset-After"]) <= 30
        assert remaining == ["1", "0"]
        async with http.post(url, json={"content": "trois"}) as resp:
            assert resp.status == 429 and resp.content_type == "application/json"
            body = await resp.json()
            assert set(body) == {"message", "retry_after", "global"} and body["global"] is False
            assert body["message"] == "You are being rate limited." and 0 < body["retry_after"] <= 30
            assert resp.headers["X-RateLimit-Scope"] == "user" and "Via" in resp.headers
            assert int(resp.headers["Retry-After"]) >= body["retry_after"]
        # a refused post still counts against the window, with its headers on the error
        fake.post_limits.enable(2, 30.0)
        async with http.post(url, json={}) as resp:
            assert resp.status == 400 and resp.headers["X-RateLimit-Remaining"] == "1"
        assert [m.content for m in fake.messages("général")] == ["un", "deux"]
        assert len(fake.find_requests("POST", POSTS, status=429)) == 1


# ---- a real discord.py bot -----------------------------------------------------------------------


def make_bot(fake: FakeDiscord, release: asyncio.Event) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    guild = discord.Object(fake.guild.id)

    @app_commands.command(name="burst", description="Posts several messages at once")
    async def burst(interaction: discord.Interaction, count: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.gather(*(interaction.channel.send(f"message {n}") for n in range(count)))
        await interaction.followup.send("fait", ephemeral=True)

    @app_commands.command(name="late", description="Posts, then answers")
    async def late(interaction: discord.Interaction) -> None:
        await interaction.channel.send("posté d'abord")
        await interaction.response.send_message("réponse", ephemeral=True)

    @app_commands.command(name="early", description="Defers, posts, then answers")
    async def early(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.channel.send("posté après le report")
        await interaction.followup.send("réponse", ephemeral=True)

    @app_commands.command(name="public", description="Answers in the channel, then follows up")
    async def public(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("réponse publique")
        await interaction.followup.send("suite publique")

    @app_commands.command(name="wait", description="Answers once the test says so")
    async def wait(interaction: discord.Interaction) -> None:
        await release.wait()
        with contextlib.suppress(discord.NotFound):  # what a bot sees when it answers after 3 s
            await interaction.response.send_message("trop tard", ephemeral=True)

    for command in (burst, late, early, public, wait):
        bot.tree.add_command(command, guild=guild)

    async def setup_hook() -> None:
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook
    return bot


@pytest.fixture
def release():
    return asyncio.Event()


@pytest.fixture
async def bot(fake, release):
    async with fake.run_bot(make_bot(fake, release)) as running:
        await fake.wait_for_commands()
        yield running


async def test_discord_py_paces_itself_on_the_headers(fake, bot):
    fake.post_limits.enable(3, 0.5)
    inter = await fake.run_command("alice", "burst", {"count": 7})
    final = await inter.final_message(timeout=10)
    assert final.content == "fait" and inter.is_ephemeral
    posted = sorted(m.content for m in fake.messages("général"))
    assert posted == [f"message {n}" for n in range(7)]  # each once
    assert not fake.find_requests("POST", POSTS, status=429)  # the headers were enough


async def test_a_saturated_channel_answers_429_and_discord_py_retries(fake, bot):
    fake.post_limits.enable(5, 0.5)
    fake.post_limits.saturate(fake.channel("général").id)  # before discord.py has seen the bucket
    inter = await fake.run_command("alice", "early")
    assert (await inter.final_message(timeout=10)).content == "réponse"
    assert [m.content for m in fake.messages("général")] == ["posté après le report"]
    assert len(fake.find_requests("POST", POSTS, status=429)) >= 1
    assert not inter.saw_interaction_failed


async def test_interaction_answers_are_not_under_the_channel_limit(fake, bot):
    fake.post_limits.enable(5, 30.0)
    fake.post_limits.saturate(fake.channel("général").id)
    inter = await fake.run_command("alice", "public")
    [followup] = await inter.followups(timeout=5)
    assert inter.content == "réponse publique" and followup.content == "suite publique"
    assert not fake.find_requests(status=429)


async def test_posting_before_answering_a_saturated_channel_misses_the_3_seconds(fake, bot):
    fake.interaction_deadline = 0.3  # Discord's 3 s, scaled down with the window
    fake.post_limits.enable(5, 1.0)
    fake.post_limits.saturate(fake.channel("général").id)
    inter = await fake.run_command("alice", "late")
    await fake.wait_for_message("général", lambda m: m.content == "posté d'abord", timeout=10)
    await fake.wait_for(lambda: inter.rejections, what="the late answer")
    assert inter.saw_interaction_failed and inter.callback is None
    assert inter.rejections[0][1:] == (404, {"message": "Unknown interaction", "code": 10062})


async def test_deferring_first_keeps_the_3_seconds_on_a_saturated_channel(fake, bot):
    fake.interaction_deadline = 0.3
    fake.post_limits.enable(5, 1.0)
    fake.post_limits.saturate(fake.channel("général").id)
    inter = await fake.run_command("alice", "early")
    assert (await inter.final_message(timeout=10)).content == "réponse"
    assert not inter.saw_interaction_failed and inter.rejections == []
    assert fake.find_requests("POST", POSTS, status=429)


async def test_no_answer_at_all_is_seen_as_failed_once_the_deadline_passed(fake, bot, release):
    fake.interaction_deadline = 0.2
    inter = await fake.run_command("alice", "wait")
    assert not inter.saw_interaction_failed  # still within the deadline
    await fake.wait_for(lambda: inter.expired, timeout=2, what="the deadline")
    assert inter.saw_interaction_failed
    release.set()
    await fake.wait_for(lambda: inter.rejections, what="the late answer")
    assert inter.callback is None and inter.saw_interaction_failed
