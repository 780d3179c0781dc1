"""Shortcuts for the review queue's tests: a feed followed in review mode, its review posts in the
organisers' channel, the organisers' clicks and the queue's pass."""

from __future__ import annotations

import re

from tests.e2e.component_helpers import answered as answered
from tests.e2e.component_helpers import buttons as buttons
from tests.e2e.component_helpers import clicked
from tests.e2e.component_helpers import showing as showing
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


async def click(fake, member, message, action: str, *, locale=None):
    return await clicked(fake, member, message, f"feed:{action}:{review_id(message)}", locale=locale)


async def listing(fake, member="olivia", *, locale=None):
    """`/feed queue`, answered."""
    listed = await fake.run_command(member, "feed queue", locale=locale)
    await listed.response(timeout=10)
    return listed


def menu(listed) -> dict | None:
    """`/feed queue`'s menu of the articles waiting for a decision, if it has one."""
    return next((c for c in buttons(listed) if c.get("custom_id") == "feed:queue-pick"), None)


def menu_labels(listed) -> list[str]:
    return [option["label"] for option in menu(listed)["options"]]


async def pick(fake, member, listed, label: str, *, locale=None):
    """The article labelled `label` chosen in `/feed queue`'s menu: the private copy of its review post."""
    [value] = [o["value"] for o in menu(listed)["options"] if o["label"] == label]
    picked = await fake.select(member, listed, "feed:queue-pick", [value], locale=locale)
    await picked.response(timeout=10)
    return picked


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
