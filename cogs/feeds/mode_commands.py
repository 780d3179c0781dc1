"""`/feed edit` (`/flux modifier`): change how a feed delivers its new articles, and the modes' choices
that `/feed add` offers too.

A mixin of `FeedsCog` (see cogs/feeds/groups.py): the commands bind to the cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from agora.channels import find_channel
from agora.errors import send_ephemeral
from agora.permissions import Rank, requires
from cogs.feeds.groups import feed as feed_group
from cogs.feeds.model import FEED_MODES, FeedMode
from cogs.feeds.render import quoted_title
from cogs.feeds.store import Feed, FeedStore

if TYPE_CHECKING:
    from agora.client import Agora

# Each choice's name in the member's language comes from the catalogue (agora/i18n.py: an explicit key).
MODE_CHOICES = [
    app_commands.Choice(name=app_commands.locale_str(english, key=f"feeds.modes.name.{mode}"), value=mode)
    for mode, english in zip(FEED_MODES, ("Instant", "Weekly digest", "Review"), strict=True)
]


def as_mode(value: str) -> FeedMode:
    """A choice's value as a mode (the choices are the modes; anything else is taken as instant)."""
    return next((mode for mode in FEED_MODES if mode == value), "instant")


def added_key(mode: FeedMode, *, posted: bool) -> str:
    """What `/feed add` answers for a feed in `mode`."""
    if mode == "instant":
        return "feeds.added_posted" if posted else "feeds.added_nothing"
    return f"feeds.modes.added.{mode}"


class ModeCommands:
    if TYPE_CHECKING:
        bot: Agora
        store: FeedStore

        async def resolve_feed(self, interaction: discord.Interaction[Agora], value: str) -> Feed: ...

        async def feed_autocomplete(
            self, interaction: discord.Interaction[Agora], current: str
        ) -> list[app_commands.Choice[str]]: ...

    @feed_group.command(name="edit")
    @app_commands.describe(feed="The feed to change", mode="How its new articles reach members")
    @app_commands.choices(mode=MODE_CHOICES)
    @requires(Rank.organiser)
    async def edit(
        self, interaction: discord.Interaction[Agora], feed: str, mode: app_commands.Choice[str]
    ) -> None:
        """Change how a feed shares its new articles: at once, in the weekly digest, or after review."""
        target = await self.resolve_feed(interaction, feed)
        new = as_mode(mode.value)
        t = self.bot.catalogue.for_interaction
        values: dict[str, Any] = {
            "title": quoted_title(target.display_name),
            "channel": f"<#{target.channel_id}>",
            "mode": t(interaction, f"feeds.modes.name.{new}"),
        }
        if new == target.mode:
            lines = [t(interaction, "feeds.modes.unchanged", **values), *self.mode_warnings(interaction, new)]
            await send_ephemeral(interaction, "\n".join(lines))
            return
        await self.store.set_mode(target.guild_id, target.id, new)
        lines = [
            t(
                interaction,
                "feeds.modes.changed",
                before=t(interaction, f"feeds.modes.name.{target.mode}"),
                **values,
            ),
            t(interaction, f"feeds.modes.effect.{new}", **values),
        ]
        if target.mode == "review":
            lines.append(t(interaction, "feeds.modes.review_left"))
        lines += self.mode_warnings(interaction, new)
        await send_ephemeral(interaction, "\n".join(lines))

    def mode_warnings(self, interaction: discord.Interaction[Agora], mode: FeedMode) -> list[str]:
        """What a feed in `mode` lacks on this server, told when it is set (`/feed add` and `/feed edit`):
        review without an organisers' channel (the articles wait in `/feed queue` alone), the digest
        with no channel or no time to be posted."""
        settings = self.bot.settings
        guild = interaction.guild
        if mode == "review" and (guild is None or find_channel(guild, settings.organiser_channel) is None):
            return [self.bot.catalogue.for_interaction(interaction, "feeds.modes.no_organisers")]
        if mode == "digest" and not (settings.digest_channel and settings.digest_at):
            return [self.bot.catalogue.for_interaction(interaction, "feeds.modes.no_digest")]
        return []

    @edit.autocomplete("feed")
    async def edit_feed_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.feed_autocomplete(interaction, current)
