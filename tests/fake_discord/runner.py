"""Pointing discord.py at the fake and running a real bot in the background."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

if TYPE_CHECKING:
    from .server import FakeDiscord


@contextlib.contextmanager
def patch_discord(fake: FakeDiscord) -> Iterator[None]:
    """Points discord.py's ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` at ``fake``; restores."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


class BotRunner:
    """Runs ``bot.start(fake.token)`` as a task; ``async with`` waits for ``on_ready`` and closes the bot.

    discord.py fires ``on_ready`` only ``guild_ready_timeout`` seconds (default 2 s) after the last
    GUILD_CREATE, whatever the server sends; the runner lowers it on the bot's connection state
    (``guild_ready_timeout=None`` keeps the bot's own value).
    """

    def __init__(
        self,
        fake: FakeDiscord,
        bot: Any,
        *,
        guild_ready_timeout: float | None = 0.05,
        ready_timeout: float = 10,
    ) -> None:
        self.fake = fake
        self.bot = bot
        self.guild_ready_timeout = guild_ready_timeout
        self.ready_timeout = ready_timeout
        self.task: asyncio.Task[None] | None = None
        self._patch: contextlib.ExitStack | None = None

    async def start(self) -> Any:
        self._patch = contextlib.ExitStack()
        self._patch.enter_context(patch_discord(self.fake))
        if self.guild_ready_timeout is not None:
            self.bot._connection.guild_ready_timeout = self.guild_ready_timeout
        self.task = asyncio.create_task(self.bot.start(self.fake.token), name="fake-discord-bot")
        ready = asyncio.create_task(self.bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {self.task, ready}, timeout=self.ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            crashed = self.task in done
            await self.stop()  # re-raises the bot's own exception if it crashed
            if crashed:
                raise RuntimeError("the bot stopped before becoming ready")
            raise TimeoutError(f"the bot was not ready after {self.ready_timeout}s")
        return self.bot

    async def stop(self) -> None:
        """Closes the bot (clean websocket close: the fake ends its session) and re-raises its crash."""
        try:
            if not self.bot.is_closed():
                await self.bot.close()
            if self.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(self.task, 10)
        finally:
            if self._patch is not None:
                self._patch.close()
                self._patch = None

    async def __aenter__(self) -> Any:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
