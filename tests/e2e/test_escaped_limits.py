"""Text that grows when escaped: limits hold on what Discord receives (the fake checks them as Discord
does and answers 400 past them), and a text that must be cut keeps as much as fits."""

from __future__ import annotations

import asyncio
import re

from agora.settings import DeclaredFeed
from tests.e2e.feeds_helpers import article, poller, posts
from tests.e2e.polls_helpers import counts, poll_message, vote
from tests.feed_server import rss

# 20 different options of 80 markdown characters (each doubles once escaped), and a 300-character question
MARKDOWN_OPTIONS = ["*" * n + "_" * (80 - n) for n in range(20)]
MARKDOWN_QUESTION = "*" * 300


def unescaped(shown: str) -> str:
    """What a reader sees: backslash escapes and neutralising zero-width spaces removed."""
    return re.sub(r"\\(.)", r"\1", shown.replace("\u200b", ""))


async def answer(fake, interaction, seconds: float = 10):
    """The message the member ends up reading, whether the bot answered at once or deferred first."""

    def said():
        ids = [interaction.original_message_id, *interaction.followup_ids]
        messages = [fake.message(i) for i in ids if i is not None]
        return next((m for m in messages if m.content or m.embeds), None)

    return await fake.wait_for(said, seconds, what=f"an answer to {interaction!r}")


async def test_a_poll_of_twenty_markdown_options_and_a_300_star_question_is_posted(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        created = await fake.run_command(
            "alice",
            "poll create",
            {"question": MARKDOWN_QUESTION, "options": "; ".join(MARKDOWN_OPTIONS), "choices": 20},
        )
        confirmation = await answer(fake, created)
        assert confirmation.content.startswith("📊 Sondage publié"), confirmation.content
        assert not fake.rejected_requests

        message = poll_message(fake)
        description = message.embeds[0]["description"]
        assert len(description) <= 4096
        assert unescaped(description).startswith(f"**{MARKDOWN_QUESTION}**")  # the whole question
        assert counts(message) == [0] * 20  # every option's tally is there
        assert [button["label"] for row in message.components for button in row["components"]] == (
            MARKDOWN_OPTIONS
        )

        ballot = await vote(fake, "bob", message, 19, locale="en-US")
        assert ballot.content.startswith("✅ Your vote is recorded: 🇹 **")
        await fake.wait_for(lambda: counts(poll_message(fake))[19] == 1, timeout=10, what="the new tally")
        assert not fake.rejected_requests


async def test_who_voted_what_fits_in_the_results_of_a_named_poll_with_twenty_long_options(agora, fake):
    options = [f"Option {n:02d} " + "réseaux sociaux et relation client " * 2 for n in range(20)]
    options = [option[:80].strip() for option in options]
    members = [await fake.add_member(f"votant{n}") for n in range(80)]
    async with agora.running():
        await fake.wait_for_commands()
        created = await fake.run_command(
            "olivia",
            "poll create",
            {"question": "Q" * 300, "options": "; ".join(options), "anonymous": False},
        )
        await answer(fake, created)
        message = poll_message(fake)
        clicks = await asyncio.gather(
            *(
                fake.click(member, message, f"poll:{message_id(message)}:{n % 20}")
                for n, member in enumerate(members)
            )
        )
        await asyncio.gather(*(click.response(timeout=15) for click in clicks))

        results = await fake.run_command("olivia", "poll results", {"poll": str(message_id(message))})
        shown = await answer(fake, results)
        assert not fake.rejected_requests
        fields = shown.embeds[0]["fields"]
        voters = [field for field in fields if field["value"].startswith("<@")]
        assert voters, "organisers see who voted what"
        assert sum(field["value"].count("<@") for field in voters) > 40


def message_id(message) -> int:
    return int(message.components[0]["components"][0]["custom_id"].split(":")[1])


async def test_a_feed_entry_titled_with_markdown_characters_keeps_its_title(agora, fake, feed_server):
    title = "___***~~~" * 40  # 360 characters, 720 once escaped
    feed_server.set_feed("/feed", rss([article(1, title=title)]))
    declared = (DeclaredFeed(url=feed_server.url("/feed"), channel="général"),)
    async with agora.running(feeds=declared) as bot:
        report = await poller(bot).cycle_now()
    assert report.posted == 1
    [post] = posts(fake)
    shown = post.embeds[0]["title"]
    assert len(shown) <= 256
    kept = unescaped(shown.removesuffix("…"))
    assert len(kept) >= 120 and title.startswith(kept)
    assert not fake.rejected_requests


async def test_a_feed_with_a_long_markdown_title_is_followed_and_the_organiser_told(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)], title="_" * 1500))  # 3,000 characters once escaped
    async with agora.running():
        await fake.wait_for_commands()
        added = await fake.run_command("olivia", "feed add", {"url": feed_server.url("/feed")})
        told = await answer(fake, added, seconds=20)
    assert told.content.startswith("✅ Agora suit désormais **\\_\\_")
    assert len(told.content) <= 2000
    assert len(posts(fake)) == 1
    assert not fake.rejected_requests
