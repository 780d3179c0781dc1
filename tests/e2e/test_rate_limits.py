"""Commands that post in a channel under Discord's limit of 5 messages per 5 s per channel: the member
is answered within Discord's 3 seconds (deferred first), and gets the outcome once the post is made.

The fake's limit runs in real time (discord.py sleeps in real time), so these tests take a few
seconds each; the posts are spaced by Discord's window, not by the machine. Each starts with the
channel's window used up, as by Agora's own posts of a moment ago (before a restart, say): Discord
still counts them while discord.py's buckets start empty, so the first post is answered 429 and
waits about 5 s — longer than the 3 s a member's interaction allows. (With no earlier posts,
discord.py reads the X-RateLimit-* headers and waits before the sixth post without any 429.)
"""

from __future__ import annotations

import asyncio

from tests.e2e.polls_helpers import custom_ids, poll_id

POSTS = r"^/channels/\d+/messages$"
LIMIT, WINDOW = 5, 5.0  # Discord's, for a bot's messages in one channel
SLOW = 30  # seconds: ten posts at five per five seconds, and the follow-ups after them


async def answered_or_failed(fake, runs):
    """Waits until each member has an answer or, past Discord's 3 s, "This interaction failed"."""
    await fake.wait_for(
        lambda: all(run.callback is not None or run.saw_interaction_failed for run in runs),
        timeout=10,
        what="an answer (or the failure) for every member",
    )


def polls_in(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.components and m.author_id == fake.bot.id]


async def test_ten_polls_created_at_once_in_one_channel_all_confirm_their_creators(agora, fake):
    members = [await fake.add_member(f"membre{n}") for n in range(10)]
    fake.post_limits.enable(LIMIT, WINDOW)
    async with agora.running():
        await fake.wait_for_commands()
        fake.post_limits.saturate(fake.channel("général").id)  # Agora's posts of a moment ago
        options = [{"question": f"Question {n} ?", "options": "Oui; Non"} for n in range(10)]
        runs = await asyncio.gather(
            *(fake.run_command(m, "poll create", o) for m, o in zip(members, options, strict=True))
        )
        await answered_or_failed(fake, runs)
        assert [run.saw_interaction_failed for run in runs] == [False] * 10

        answers = await asyncio.gather(*(run.final_message(timeout=SLOW) for run in runs))
        posted = polls_in(fake)
        questions = sorted(m.embeds[0]["description"].split("\n")[0] for m in posted)
        assert questions == sorted(f"**Question {n} ?**" for n in range(10))  # each poll posted once
        for run, answer in zip(runs, answers, strict=True):
            assert run.is_ephemeral and answer.content.startswith("📊 Sondage publié")
            [close] = custom_ids(answer)
            assert close.endswith(":close") and int(close.split(":")[1]) in {poll_id(m) for m in posted}
            assert answer.allowed_mentions == {"parse": []}
        assert fake.find_requests("POST", POSTS, status=429)  # the limit bit
