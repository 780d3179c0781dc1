"""A poll whose last votes were acknowledged but not yet drawn when `python bot.py` was killed is
redrawn at the next start, without waiting for another vote."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.clocks import FakeClock
from tests.e2e.polls_helpers import counts, create_poll, poll_message, vote
from tests.e2e.process_helpers import (
    bot_env,
    descendants,
    kill_all,
    print_log,
    start_bot,
    wait_for_log,
)
from tests.fake_discord import FakeDiscord


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeDiscord]:
    """Without Discord's 3-second deadline for a first answer: this test is about the redraw after a
    crash, and five clicks at once on a starved machine can take longer than that to be answered."""
    async with FakeDiscord(now=clock.now, interaction_deadline=None) as server:
        yield server


async def test_votes_acknowledged_just_before_a_crash_are_drawn_at_the_next_start(fake, tmp_path):
    members = ["alice", "bob", "olivia", "adam"]
    members += [(await fake.add_member(f"membre{n}")).name for n in (1, 2)]
    env = bot_env(fake, tmp_path)
    bot = await start_bot(env, tmp_path)
    try:
        await fake.wait_for_commands(timeout=30)
        await fake.wait_until_ready(timeout=30)
        await wait_for_log(tmp_path, "connected as")
        await create_poll(fake)
        message = await fake.wait_for_message(
            "général", lambda m: m.components and m.author_id == fake.bot.id, timeout=10
        )
        await vote(fake, members[0], message, 0)
        await fake.wait_for(lambda: counts(poll_message(fake)) == [1, 0, 0], timeout=10, what="first tally")

        # Five more votes are acknowledged, and the edit that would draw them (sent once its 2-second
        # window is over) is held by the fake when the process dies: it never reaches Discord.
        fake.stalled_edits.stall(message)
        pairs = zip(members[1:], _ids(message), strict=True)
        clicks = await asyncio.gather(*(fake.click(member, message, vote_id) for member, vote_id in pairs))
        answers = await asyncio.gather(*(click.response(timeout=30) for click in clicks))
        assert all(click.is_ephemeral for click in clicks), answers
        await fake.wait_for(lambda: fake.stalled_edits.stalled > 0, timeout=30, what="the edit held")
        bot.kill()
        await bot.wait()
        assert counts(poll_message(fake)) == [1, 0, 0]
        fake.stalled_edits.release()
        await fake.wait_until_disconnected(timeout=30)

        bot = await start_bot(env, tmp_path)
        await fake.wait_until_ready(timeout=30, count=2)
        # No one votes: the start-up alone brings the message up to the stored tally.
        await fake.wait_for(
            lambda: counts(poll_message(fake)) == [2, 2, 2], timeout=30, what="the stored tally drawn"
        )
        assert poll_message(fake).embeds[0]["fields"][0]["value"].startswith("6 votant·e(s)")
    finally:
        print_log(tmp_path)  # shown by pytest only when the test fails
        left = descendants(bot.pid)
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        kill_all(left)


def _ids(message) -> list[str]:
    """Options B, C, A, B, C: with the first vote on A, two votes on each."""
    ids = [c["custom_id"] for row in message.components for c in row["components"]]
    return [ids[1], ids[2], ids[0], ids[1], ids[2]]
