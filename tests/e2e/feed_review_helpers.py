"""Shortcuts for the review queue's tests: a feed followed in review mode, its review posts in the
organisers' channel, the organisers' clicks and the queue's pass."""

from __future__ import annotations

import re

from tests.e2e.feeds_helpers import poller
from tests.feed_server import rss

ORGANISERS = "organisateurs"
BUTTONS = ("publish", "comment", "skip")
_REVIEW = re.compile(r"^feed:publish:(\d+)$")


def queue(bot):
    return bot.get_cog("FeedsCog").review_queue


async def step(bot) -> int:
    """One pass of the review queue at the clock's current time."""
    return await queue(bot).recurring.run_now()


async def follow_for_review(fake, feed_server, items, *, member="olivia", **options):
    """`/feed add … mode:review` in #général; its first fetch sends the newest article to review."""
    feed_server.set_feed("/feed", rss(items))
    options = {"url": feed_server.url("/feed"), "mode": "review", **options}
    interaction = await fake.run_command(member, "feed add", options, locale="fr")
    [answer] = await interaction.followups(count=1, timeout=20)
    return answer


async def new_articles(bot, feed_server, clock, items) -> None:
    """The blog publishes `items` (newest first) and the poller fetches them."""
    feed_server.set_feed("/feed", rss(items))
    clock.advance(minutes=16)
    await poller(bot).cycle_now()


def custom_ids(message) -> list[str]:
    return [c.get("custom_id") for row in message.components for c in row["components"]]


def buttons(message) -> list[dict]:
    return [c for row in message.components for c in row["components"]]


def review_id(message) -> int:
    return next(int(m[1]) for c in custom_ids(message) if (m := _REVIEW.match(c or "")))


def reviews(fake) -> list:
    """The review posts in the organisers' channel, oldest first (as they are now)."""
    return [
        m for m in fake.messages(ORGANISERS) if m.author_id == fake.bot.id and "À relire" in (m.content or "")
    ]


def only_review(fake):
    (message,) = reviews(fake)
    return fake.message(message.id)


async def showing(fake, message, text: str):
    """The review post once it shows `text` (the answer comes first, the post is edited after)."""
    await fake.wait_for(lambda: text in fake.message(message.id).content, timeout=10, what=repr(text))
    return fake.message(message.id)


async def click(fake, member, message, action: str, *, locale=None):
    record = await fake.click(member, message, f"feed:{action}:{review_id(message)}", locale=locale)
    await record.response(timeout=10)
    return record


async def answered(record):
    """The click's private answer, once it is not "thinking" any more."""
    message = await record.final_message(timeout=10)
    assert message.is_ephemeral
    return message


async def publish_with_comment(fake, member, message, comment: str, *, locale=None):
    opened = await click(fake, member, message, "comment", locale=locale)
    modal = await opened.modal(timeout=10)
    submitted = await fake.submit_modal(member, modal, {"comment": comment}, locale=locale)
    await submitted.response(timeout=10)
    return submitted


async def stored(bot, review: int):
    return await queue(bot).store.get(review)


async def recorded(bot, feed_id: int, entry_key: str):
    return await bot.get_cog("FeedsCog").articles.find(feed_id, entry_key)
