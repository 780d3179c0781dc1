"""Shortcuts for the feed tests: items, the feeds cog's poller, posts in a channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.feed_server import Item

BASE = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def article(n: int, title: str | None = None, **extra: object) -> Item:
    return Item(
        title=title or f"Article {n} sur le social business",
        link=f"https://blog.example.ch/{n}",
        guid=f"https://blog.example.ch/?p={n}",
        published=BASE + timedelta(hours=n),
        description=f"<p>Résumé de l’article {n}.</p>",
        **extra,  # type: ignore[arg-type]
    )


def poller(bot):
    return bot.get_cog("FeedsCog").poller


def posts(fake, channel="général"):
    """The bot's non-ephemeral posts with an embed in a channel, oldest first."""
    return [m for m in fake.messages(channel) if m.author_id == fake.bot.id and m.embeds]


def titles(fake, channel="général"):
    return [m.embeds[0].get("title") for m in posts(fake, channel)]
