"""The `Agora` bot: loads every extension in `cogs/`, translates and syncs commands, answers errors."""

from __future__ import annotations

import gc
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from agora import errors
from agora.backup import Backups
from agora.clock import Clock
from agora.command_sync import CommandSyncStore, sync_if_changed
from agora.database import Database
from agora.forms import Forms
from agora.i18n import Catalogue, CatalogueTranslator
from agora.meetings import Meetings
from agora.privacy import MemberDataRegistry
from agora.pulse import Pulse
from agora.resources import version
from agora.settings import Settings
from agora.stale_components import StaleComponents

log = logging.getLogger(__name__)


# Gateway events the guild messages intent brings and Agora never reads: nothing in it listens to a
# message's edit or deletion (no on_[raw_]message_edit, on_[raw_]message_delete, on_[raw_]bulk_message_delete
# listener and no wait_for on them; tests/e2e/test_activity.py checks the listeners), and every edit
# Agora makes itself (a vote's count, a board) comes back as MESSAGE_UPDATE, which discord.py would
# turn into a whole Message, components and all. Before Agora counted messages it received none of
# these events, so dropping them unparsed changes nothing it did. discord.py reads its parsers from
# this dict by event name (ConnectionState.parsers, shared with the websocket), so replacing the
# entries at construction drops the events for every connection of the bot.
_UNREAD_MESSAGE_EVENTS = ("MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK")


def _unread(_data: Any) -> None:
    """The parser of an event Agora does not read."""


class AgoraTree(app_commands.CommandTree["Agora"]):
    async def on_error(
        self, interaction: discord.Interaction[Agora], error: app_commands.AppCommandError
    ) -> None:
        await errors.report(error, self.client.catalogue, interaction)


class Agora(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        extensions: Sequence[str],
        guild_ready_timeout: float = 2.0,
        backups: Backups | None = None,
    ) -> None:
        # Unprivileged intents only. The server's messages, to count them per channel and day
        # (cogs/pulse/activity): each event's server, channel, author and id, never its text (without
        # message_content, Discord does not send it). Not DMs, reactions or typing: nothing needs them.
        # The edits and deletions this brings are not parsed (`_UNREAD_MESSAGE_EVENTS` below).
        intents = discord.Intents.default()
        intents.message_content = False
        intents.dm_messages = intents.reactions = intents.typing = False
        intents.guild_messages = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=AgoraTree,
            allowed_mentions=discord.AllowedMentions.none(),
            # No message cache: Agora reads messages by id when it needs them, and every edit it makes
            # (a vote's count, a board) comes back as MESSAGE_UPDATE, which a cached copy would have
            # discord.py parse again, components and all.
            max_messages=None,
            # How long discord.py waits after the last GUILD_CREATE before on_ready.
            guild_ready_timeout=guild_ready_timeout,
        )
        for event in _UNREAD_MESSAGE_EVENTS:
            self._connection.parsers[event] = _unread
        self.settings = settings
        self.database = database
        self.catalogue = catalogue
        self.clock = clock
        self.started_at: datetime = clock.now()
        self.feature_extensions = list(extensions)  # chosen by the composition root (bot.py)
        self.version = version()
        self.forms = Forms(catalogue)  # forms each feature answers from their submission alone
        self.stale_components = StaleComponents(self, catalogue, self.forms)
        # Each feature registers the stores that hold member data here (agora/privacy.py).
        self.member_data = MemberDataRegistry(database)
        # The events feature offers its directory here; others add their parts to events' reports.
        self.meetings = Meetings()
        self.pulse = Pulse()
        # Run by the composition root beside the bot; here for /config to read `backups.status()`.
        self.backups = backups

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "interaction":
            # discord.py has just routed it to its views, modals and dynamic items, and none has run
            # yet: the forms features answer from their submission start beside them, and it is the
            # one moment to know, without racing them, that nothing will answer it.
            self.forms.route(args[0])
            self.stale_components.notice(args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def on_message(self, message: discord.Message, /) -> None:
        """Agora has no prefix commands: a message is counted (cogs/pulse/activity), never read as a
        command. discord.py's default would look for a prefix in each one, and log a mention of the bot
        as a command not found."""

    def served_guilds(self) -> list[discord.Guild]:
        """The servers Agora serves: AGORA_GUILD_ID's alone when it is set (and joined), else every one."""
        guild_id = self.settings.guild_id
        if guild_id is None:
            return list(self.guilds)
        guild = self.get_guild(guild_id)
        return [guild] if guild else []

    async def close(self) -> None:
        await self.stale_components.close()  # before the HTTP session its answers go through closes
        await super().close()

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator(self.catalogue))
        for name in self.feature_extensions:
            await self.load_extension(name)
            log.info("loaded extension %s", name)
        guild = discord.Object(self.settings.guild_id) if self.settings.guild_id else None
        if guild is not None:
            # Guild commands appear at once; global ones can take a while to reach every client.
            self.tree.copy_global_to(guild=guild)
        store = CommandSyncStore(self.database, self.clock)
        await sync_if_changed(self.tree, guild=guild, store=store, application_id=self.application_id or 0)

    async def on_ready(self) -> None:
        # What exists once connected (modules, caches) lives as long as the bot: keep it out of the
        # collector's full passes, which otherwise pause every interaction for a quarter second.
        gc.freeze()
        log.info(
            "connected as %s (%s) to %d server(s)", self.user, self.user and self.user.id, len(self.guilds)
        )
