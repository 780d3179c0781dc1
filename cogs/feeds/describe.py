"""Feeds in words: a fetch or post error, a feed's status, the `/feed list` embed (within limits)."""

from __future__ import annotations

from typing import Any

import discord

from agora.escaping import truncate
from agora.i18n import Catalogue
from cogs.feeds.store import Feed

FIELDS_PER_EMBED = 25
EMBED_BUDGET = 5500  # under Discord's 6000 characters per message, with room for title and footer
KNOWN_ERRORS = frozenset(
    {
        "bad_url", "bad_scheme", "forbidden_address", "dns", "connection", "tls", "timeout", "http_status",
        "redirect_loop", "too_many_redirects", "too_large", "truncated", "bad_response", "not_a_feed",
        "malformed", "parser_crashed", "channel_missing", "discord_forbidden", "discord_error",
    }
)  # fmt: skip


def describe_error(
    catalogue: Catalogue, locale: discord.Locale | str | None, code: str | None, values: dict[str, Any]
) -> str:
    key = f"feeds.failure.{code if code in KNOWN_ERRORS else 'unknown'}"
    safe = {name: str(value)[:200] for name, value in values.items() if name != "alternates"}
    return catalogue.translate(key, locale, **safe)


def feed_status(catalogue: Catalogue, locale: discord.Locale | str | None, feed: Feed) -> str:
    error = describe_error(catalogue, locale, feed.last_error, feed.last_error_values)
    if feed.paused:
        return catalogue.translate("feeds.status.paused", locale, error=error)
    if feed.failures:
        return catalogue.translate("feeds.status.failing", locale, failures=feed.failures, error=error)
    if feed.last_success_at is None:
        return catalogue.translate("feeds.status.waiting", locale, next=feed.next_fetch_at)
    return catalogue.translate("feeds.status.ok", locale, last=feed.last_success_at)


def feed_field(catalogue: Catalogue, locale: discord.Locale | str | None, feed: Feed) -> tuple[str, str]:
    t = catalogue.translate
    lines = [feed.url, t("feeds.list.channel", locale, channel=f"<#{feed.channel_id}>")]
    if feed.role_id:
        lines.append(t("feeds.list.role", locale, role=f"<@&{feed.role_id}>"))
    if feed.include_keywords:
        lines.append(t("feeds.list.include", locale, keywords=feed.include_keywords))
    if feed.exclude_keywords:
        lines.append(t("feeds.list.exclude", locale, keywords=feed.exclude_keywords))
    if feed.open_thread:
        lines.append(t("feeds.list.thread", locale))
    if feed.source == "environment":
        lines.append(t("feeds.list.declared", locale))
    lines.append(feed_status(catalogue, locale, feed))
    return truncate(feed.display_name, 256), truncate("\n".join(lines), 1024)


def feed_list_embed(
    catalogue: Catalogue, locale: discord.Locale | str | None, feeds: list[Feed]
) -> discord.Embed:
    embed = discord.Embed(title=catalogue.translate("feeds.list.title", locale, count=len(feeds)))
    if not feeds:
        embed.description = catalogue.translate("feeds.list.empty", locale)
        return embed
    shown = 0
    for feed in feeds:
        name, value = feed_field(catalogue, locale, feed)
        if shown == FIELDS_PER_EMBED or len(embed) + len(name) + len(value) > EMBED_BUDGET:
            break
        embed.add_field(name=name, value=value, inline=False)
        shown += 1
    if shown < len(feeds):
        embed.set_footer(text=catalogue.translate("feeds.list.more", locale, count=len(feeds) - shown))
    return embed
