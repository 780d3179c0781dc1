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

from tests.e2e.events_helpers import TITLE
from tests.e2e.feeds_helpers import article, titles
from tests.e2e.polls_helpers import create_poll, custom_ids, poll_id
from tests.e2e.test_announcements import buttons, compose
from tests.fake_discord import Perm
from tests.feed_server import rss

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
        posted = {m.embeds[0]["description"].split("\n")[0]: m for m in polls_in(fake)}
        assert len(polls_in(fake)) == len(posted) == 10  # each poll posted once
        for n, (run, answer) in enumerate(zip(runs, answers, strict=True)):
            poll = posted[f"**Question {n} ?**"]
            assert run.is_ephemeral and answer.content.startswith("📊 Sondage publié")
            assert f"/{poll.id}" in answer.content  # links its own poll
            assert custom_ids(answer) == [f"poll:{poll_id(poll)}:close"]  # and can close it
            assert answer.allowed_mentions == {"parse": []}
        assert fake.find_requests("POST", POSTS, status=429)  # the limit bit


async def test_a_poll_typed_in_the_form_is_confirmed_when_the_channel_is_saturated(agora, fake):
    fake.post_limits.enable(LIMIT, WINDOW)
    async with agora.running():
        await fake.wait_for_commands()
        opened = await fake.run_command("alice", "poll create", {"question": "Quel format ?"})
        modal = await opened.modal()
        fake.post_limits.saturate(fake.channel("général").id)
        submitted = await fake.submit_modal(
            "alice",
            modal,
            {"poll:modal:question": "Quel format ?", "poll:modal:options": "Atelier\nConférence"},
        )
        await answered_or_failed(fake, [submitted])
        assert not submitted.saw_interaction_failed

        answer = await submitted.final_message(timeout=SLOW)
        assert submitted.is_ephemeral and answer.content.startswith("📊 Sondage publié")
        [poll] = polls_in(fake)
        assert str(poll.id) in answer.content
        assert fake.find_requests("POST", POSTS, status=429)


async def test_closing_a_poll_posts_its_results_in_a_saturated_channel_and_tells_the_creator(agora, fake):
    fake.post_limits.enable(LIMIT, WINDOW)
    async with agora.running():
        await fake.wait_for_commands()
        created = await create_poll(fake, member="alice")
        close_id = next(c for c in custom_ids(created.message) if c.endswith(":close"))
        fake.post_limits.saturate(fake.channel("général").id)
        closing = await fake.click("alice", created, close_id)
        await answered_or_failed(fake, [closing])
        assert not closing.saw_interaction_failed

        answer = await closing.final_message(timeout=SLOW)
        assert closing.is_ephemeral and answer.content == "Le sondage est clos ; les résultats sont publiés."
        await fake.wait_for_message("général", lambda m: bool(m.attachments), timeout=SLOW)
        assert fake.find_requests("POST", POSTS, status=429)


async def test_a_poll_discord_refuses_after_the_answer_was_deferred_is_explained_privately(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        # Discord refuses the post although the bot's copy of the channel says it may post (the
        # permission changed a moment ago and the bot has not heard of it yet).
        fake.world.set_overwrite("général", fake.bot, deny=Perm.SEND_MESSAGES)
        created = await fake.run_command(
            "alice", "poll create", {"question": "Pizza ?", "options": "Oui; Non"}
        )
        answer = await created.final_message(timeout=10)
        assert (await created.response()).name == "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE"
        channel = fake.channel("général").id
        assert (
            answer.content
            == f"Discord a refusé la publication du sondage dans <#{channel}> ; rien n’a été créé."
        )
        assert created.is_ephemeral and answer.is_ephemeral and answer.allowed_mentions == {"parse": []}
        assert polls_in(fake) == []
        assert await bot.database.fetch_all("SELECT id FROM polls") == []


async def test_an_event_created_while_its_channel_is_saturated_is_announced_and_confirmed(agora, fake):
    fake.post_limits.enable(LIMIT, WINDOW)
    async with agora.running():
        await fake.wait_for_commands()
        fake.post_limits.saturate(fake.channel("général").id)
        values = {"title": TITLE, "start": "2026-12-03 08:30", "end": "11:30", "location": "Genève"}
        created = await fake.run_command("olivia", "event create", values)
        await answered_or_failed(fake, [created])
        assert not created.saw_interaction_failed

        answer = await created.final_message(timeout=SLOW)
        assert created.is_ephemeral and answer.content.startswith("📅 Événement créé")
        [announcement] = [m for m in fake.messages("général") if m.author_id == fake.bot.id and m.embeds]
        assert str(announcement.id) in answer.content
        assert len(fake.scheduled_events()) == 1
        assert fake.find_requests("POST", POSTS, status=429)


async def test_publishing_an_announcement_in_a_saturated_channel_is_confirmed_on_its_preview(agora, fake):
    fake.post_limits.enable(LIMIT, WINDOW)
    async with agora.running():
        await fake.wait_for_commands()
        preview = await compose(fake)
        fake.post_limits.saturate(fake.channel("général").id)
        publish = await fake.click("olivia", preview.message, buttons(preview.message)["Publier"])
        await answered_or_failed(fake, [publish])
        assert not publish.saw_interaction_failed

        await publish.final_message(timeout=SLOW, predicate=lambda m: "publiée" in m.content)
        [post] = [m for m in fake.messages("général") if m.author_id == fake.bot.id and m.embeds]
        assert post.embeds[0]["title"] == "Matinée e-20"
        assert str(post.id) in preview.message.content and preview.message.components == []
        assert fake.find_requests("POST", POSTS, status=429)


async def test_a_feed_added_while_its_channel_is_saturated_shares_its_newest_article_and_confirms(
    agora, fake, feed_server
):
    feed_server.set_feed("/feed", rss([article(2), article(1)]))
    fake.post_limits.enable(LIMIT, WINDOW)
    async with agora.running():
        await fake.wait_for_commands()
        fake.post_limits.saturate(fake.channel("général").id)
        added = await fake.run_command("olivia", "feed add", {"url": feed_server.url("/feed")})
        await answered_or_failed(fake, [added])
        assert not added.saw_interaction_failed

        answer = await added.final_message(timeout=SLOW)
        assert added.is_ephemeral and answer.content.startswith("✅ Agora suit désormais")
        assert titles(fake) == ["Article 2 sur le social business"]
        assert fake.find_requests("POST", POSTS, status=429)
