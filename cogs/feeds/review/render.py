"""What the review queue shows: the review post's words above the article's embed (the embed itself is
the publisher's, exactly as it would be posted), and `/feed queue`. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from agora.escaping import fit_escaped, join_within, markdown_link
from agora.i18n import Words
from cogs.feeds.parse import FeedEntry
from cogs.feeds.render import quoted_title
from cogs.feeds.review.store import EXPIRED, PENDING, PUBLISHED, PUBLISHING, SKIPPED, Review

TITLE_SHOWN = 100  # an article's title in a line of /feed queue, once escaped
BLOG_SHOWN = 80  # its blog's, the same
LINK_MAX = 300  # a longer article address is not linked: one line must not eat the embed
OPTION_MAX = 100  # a menu option's label and description (Discord's limit)
PICK_MAX = 25  # options in a menu (Discord's limit): the soonest to expire
QUEUE_BUDGET = 3800  # the pending reviews, under the description's 4096 characters
EXPIRED_BUDGET = 1000  # the expired ones, in one field (1024)
# The published post's content (Discord's limit: 2000) is the role's ping and a line break (at most 24
# characters), then the comment escaped, which at most doubles it (each character gains at most one
# backslash or zero-width space): 900 typed characters always fit whole.
COMMENT_MAX = 900


@dataclass(frozen=True, slots=True)
class Target:
    """Where a review's article would be posted, as the review post says it."""

    channel_id: int
    role_id: int | None
    open_thread: bool


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def review_link(review: Review) -> str | None:
    if review.review_channel_id is None or review.review_message_id is None:
        return None
    return message_link(review.guild_id, review.review_channel_id, review.review_message_id)


def failure_words(code: str | None, words: Words) -> str:
    """A short error code stored on the review, in words (an unknown one says so)."""
    known = {"channel_missing", "discord_forbidden", "discord_error"}
    return words(f"feeds.review.failure.{code if code in known else 'unknown'}")


def review_content(
    review: Review, target: Target | None, words: Words, *, published: str | None = None
) -> str:
    """The review post's words: which blog, where it would go, and what became of it. `target` is None
    once the feed was removed; `published` is the link to the post once published."""
    lines = [words("feeds.review.heading", blog=quoted_title(review.blog))]
    if target is not None:
        where = [words("feeds.review.target", channel=f"<#{target.channel_id}>")]
        if target.role_id:
            where.append(words("feeds.review.target_role", role=f"<@&{target.role_id}>"))
        if target.open_thread:
            where.append(words("feeds.review.target_thread"))
        lines.append(" · ".join(where))
    lines.append(status_line(review, words, published=published))
    return "\n".join(lines)


def status_line(review: Review, words: Words, *, published: str | None = None) -> str:
    if review.feed_removed and review.state in (PENDING, PUBLISHING, SKIPPED):
        return words("feeds.review.status.feed_removed")
    if review.state == PUBLISHED:
        key = "feeds.review.status.published" if published else "feeds.review.status.published_unlinked"
        return words(key, link=published or "")
    if review.state == SKIPPED:
        return words("feeds.review.status.skipped")
    if review.state == EXPIRED:
        return words("feeds.review.status.expired", when=f"<t:{review.decided_at or review.expires_at}:f>")
    if review.state == PUBLISHING:
        # A reason while publishing: Discord left the post unconfirmed, and the pass looks for it.
        key = "feeds.review.status.unconfirmed" if review.last_error else "feeds.review.status.publishing"
        return words(key)
    line = words("feeds.review.status.pending", expires=f"<t:{review.expires_at}:R>")
    if review.last_error:
        line += "\n" + words("feeds.review.status.failed", reason=failure_words(review.last_error, words))
    return line


def answer_key(review: Review) -> str:
    """What a click on a review already decided is told."""
    if review.feed_removed:
        return "feeds.review.answer.feed_removed"
    return {
        PUBLISHED: "feeds.review.answer.already_published",
        SKIPPED: "feeds.review.answer.already_skipped",
        EXPIRED: "feeds.review.answer.already_expired",
    }.get(review.state, "feeds.review.answer.in_progress")


# ---- /feed queue --------------------------------------------------------------------------------------


def queue_line(review: Review, entry: FeedEntry, words: Words, *, expired: bool) -> str:
    link = entry.link if entry.link and len(entry.link) <= LINK_MAX else None
    limit = TITLE_SHOWN + len("[]()") + 3 * LINK_MAX  # an address percent-encoded whole, at worst
    shown = markdown_link(
        entry.title.strip() or entry.link or entry.key, link, limit, title_limit=TITLE_SHOWN
    )
    parts = [f"**{fit_escaped(' '.join(review.blog.split()), BLOG_SHOWN)}** — {shown}"]
    if expired:
        # A review past its time that the pass has not marked yet expired at its time.
        when = review.decided_at or review.expires_at
        parts.append(words("feeds.review.queue.expired_at", when=f"<t:{when}:R>"))
    else:
        parts.append(words("feeds.review.queue.expires", when=f"<t:{review.expires_at}:R>"))
    link = review_link(review)
    if link:
        parts.append(words("feeds.review.queue.post", link=link))
    line = "• " + " · ".join(parts)
    if not expired and review.state == PUBLISHING:
        line += "\n  ⏳ " + words("feeds.review.queue.publishing")
    elif not expired and review.last_error:
        line += "\n  ⚠️ " + failure_words(review.last_error, words)
    return line


def queue_embed(
    pending: Sequence[tuple[Review, FeedEntry]], expired: Sequence[tuple[Review, FeedEntry]], words: Words
) -> discord.Embed:
    embed = discord.Embed(title=words("feeds.review.queue.title", count=len(pending)))
    if pending:
        lines = [queue_line(review, entry, words, expired=False) for review, entry in pending]
        embed.description = join_within(
            lines, QUEUE_BUDGET, lambda left: words("feeds.review.queue.more", count=left)
        )
    else:
        embed.description = words("feeds.review.queue.empty")
    if expired:
        lines = [queue_line(review, entry, words, expired=True) for review, entry in expired]
        embed.add_field(
            name=words("feeds.review.queue.expired_title", count=len(expired)),
            value=join_within(
                lines, EXPIRED_BUDGET, lambda left: words("feeds.review.queue.more", count=left)
            ),
            inline=False,
        )
    return embed


def pick_options(pending: Sequence[tuple[Review, FeedEntry]]) -> list[discord.SelectOption]:
    """`/feed queue`'s menu: the articles waiting for a decision (not one being published), soonest to
    expire first; each title as it reads (a menu shows no markdown), its blog below."""
    options = []
    for review, entry in pending:
        if review.state != PENDING or review.feed_removed:
            continue
        title = " ".join(entry.title.split()) or entry.link or entry.key
        options.append(
            discord.SelectOption(
                label=fit_escaped(title, OPTION_MAX, escape=_as_typed),
                value=str(review.id),
                description=fit_escaped(" ".join(review.blog.split()), OPTION_MAX, escape=_as_typed) or None,
            )
        )
    return options[:PICK_MAX]


def _as_typed(text: str) -> str:
    return text
