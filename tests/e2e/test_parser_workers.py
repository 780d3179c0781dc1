"""The feed parser's worker processes, seen from outside `python bot.py`: they start only when a feed
needs parsing, and nothing of them outlives a bot killed with SIGKILL."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from tests.e2e.process_helpers import (
    bot_env,
    command_line,
    descendants,
    kill_all,
    print_log,
    start_bot,
    wait_for_log,
    wait_until_gone,
)
from tests.feed_server import Item, rss

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")


async def test_parser_workers_end_with_the_bot_when_it_is_killed(fake, tmp_path, feed_server):
    feed_server.set_feed(
        "/feed",
        rss([Item("Conférence à Genève", link="https://blog.example.ch/1", published=datetime.now(UTC))]),
    )
    env = bot_env(
        fake,
        tmp_path,
        AGORA_FEEDS=f"{feed_server.url('/feed')} #général",
        AGORA_FEED_ALLOW_PRIVATE="1",
    )
    bot = await start_bot(env, tmp_path)
    recorded: set[tuple[int, int]] = set()
    try:
        await fake.wait_until_ready(timeout=30)
        # The declared feed's first fetch posts its newest article: it was parsed by a worker.
        await fake.wait_for_message("général", lambda m: m.embeds and m.author_id == fake.bot.id, timeout=30)
        recorded = descendants(bot.pid)
        assert recorded, "no parser worker ran"
        names = {pid: command_line(pid) for pid, _ in recorded}

        bot.kill()  # SIGKILL: no cleanup code of the bot runs
        await bot.wait()

        left = await wait_until_gone(recorded, timeout=15)
        assert not left, f"still running after the bot was killed: {[names[pid] for pid, _ in left]}"
    finally:
        print_log(tmp_path)  # shown by pytest only when the test fails
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        kill_all(recorded | descendants(bot.pid))


async def test_no_parser_worker_starts_when_no_feed_is_followed(fake, tmp_path):
    bot = await start_bot(bot_env(fake, tmp_path), tmp_path)
    try:
        await fake.wait_for_commands(timeout=30)
        await fake.wait_until_ready(timeout=30)
        # discord.py calls on_ready after its background tasks' wait_until_ready() returned, and
        # the old start-up warm-up launched its processes synchronously, in its first step.
        await wait_for_log(tmp_path, "connected as")
        for command in ("about", "feed list"):
            interaction = await fake.run_command("olivia", command)
            await interaction.response(timeout=10)

        running = {pid: command_line(pid) for pid, _ in descendants(bot.pid)}
        assert running == {}
    finally:
        print_log(tmp_path)  # shown by pytest only when the test fails
        left = descendants(bot.pid)
        bot.kill()
        await bot.wait()
        kill_all(left)
