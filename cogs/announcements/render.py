"""What an announcement looks like: the same in the preview and in the channel. Pure: no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from agora.escaping import fit_escaped
from agora.i18n import Words
from cogs.announcements.store import Announcement, Content

LIST_TITLE_MAX = 80  # a line of /announce list, once escaped


def announcement_embed(content: Content, scheduled_at: int) -> discord.Embed:
    # The embed's time is the publication asked for: it also lets a restart recognise a post it made.
    embed = discord.Embed(
        title=content.title,
        description=content.body,
        colour=discord.Colour.blurple(),
        timestamp=datetime.fromtimestamp(scheduled_at, UTC),
    )
    if content.image_url:
        embed.set_image(url=content.image_url)
    if content.footer:
        embed.set_footer(text=content.footer)
    return embed


def ping(content: Content, guild_id: int) -> str | None:
    if content.role_id is None:
        return None
    return "@everyone" if content.role_id == guild_id else f"<@&{content.role_id}>"


def allowed_mentions(content: Content, guild_id: int) -> discord.AllowedMentions:
    """Only the chosen role, whatever the body says."""
    everyone = content.role_id == guild_id
    roles = [discord.Object(content.role_id)] if content.role_id is not None and not everyone else []
    return discord.AllowedMentions(everyone=everyone, roles=roles, users=False, replied_user=False)


def when_text(announcement: Announcement, words: Words) -> str:
    text = f"<t:{announcement.next_at}:F> (<t:{announcement.next_at}:R>)"
    if announcement.every:
        text += " · " + words(f"announce.every.{announcement.every}")
    return text


def preview_text(announcement: Announcement, words: Words, *, now: int) -> str:
    lines = [words("announce.preview.header", channel=f"<#{announcement.channel_id}>")]
    if announcement.next_at <= now:
        lines.append(words("announce.preview.now"))
    else:
        lines.append(words("announce.preview.when", when=when_text(announcement, words)))
    details = []
    mention = ping(announcement.content, announcement.guild_id)
    if mention:
        details.append(words("announce.preview.ping", role=mention))
    if announcement.thread:
        details.append(words("announce.preview.thread"))
    if announcement.silent:
        details.append(words("announce.preview.silent"))
    if announcement.every and announcement.next_at <= now:  # otherwise `when` already says it
        details.append(words(f"announce.every.{announcement.every}"))
    if details:
        lines.append(" · ".join(details))
    return "\n".join(lines)


def list_line(announcement: Announcement, words: Words) -> str:
    title = fit_escaped(announcement.title, LIST_TITLE_MAX)
    author = f"<@{announcement.author_id}>" if announcement.author_id else "—"
    if announcement.status == "failed":
        return words(
            "announce.list.failed",
            title=title,
            channel=f"<#{announcement.channel_id}>",
            reason=words(announcement.failure or "announce.failure.unknown"),
            author=author,
        )
    return words(
        "announce.list.line",
        title=title,
        when=when_text(announcement, words),
        channel=f"<#{announcement.channel_id}>",
        author=author,
    )
