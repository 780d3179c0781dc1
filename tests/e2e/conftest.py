"""The real Agora (bot.py's composition, every cog) against the fake Discord in tests/fake_discord."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from agora.client import Agora
from agora.settings import Settings
from bot import discover_extensions, open_agora
from cogs.pulse.activity.key_file import key_path
from tests.clocks import FakeClock
from tests.fake_discord import FakeDiscord
from tests.feed_server import FeedServer

TEST_ACTIVITY_KEY = bytes(range(32))


class AgoraHarness:
    """Starts and restarts the real bot on one database file, against one fake Discord."""

    def __init__(self, fake: FakeDiscord, database_path: Path, clock: FakeClock) -> None:
        self.fake = fake
        self.clock = clock
        self.base_settings = Settings(
            discord_token=fake.token,
            guild_id=fake.guild.id,
            database_path=database_path,
            # Beside the test's database, never in the checkout's data/ (the default is relative).
            backup_dir=database_path.parent / "backups",
            organiser_role="Organisateurs",
            discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url,
            # The tests' feed server is on 127.0.0.1, which production refuses.
            feed_allow_private=True,
        )
        # The activity key the bot would make at random (cogs/pulse/activity/key_file.py), fixed: the
        # test members then fall in the same registers on every run, so the small counts of distinct
        # authors the tests check never lose one, now and then, to two members sharing a register.
        key = key_path(database_path)
        key.write_bytes(TEST_ACTIVITY_KEY)
        key.chmod(0o600)

    def settings(self, **overrides: object) -> Settings:
        return replace(self.base_settings, **overrides)

    @asynccontextmanager
    async def running(
        self, *, extra_extensions: Sequence[str] = (), **overrides: object
    ) -> AsyncIterator[Agora]:
        extensions = [*discover_extensions(), *extra_extensions]
        # Unloading an extension deletes its modules from sys.modules; the tests hold the originals
        # (and pickling for the parser's worker processes needs them to be the registered ones).
        modules = {name: module for name, module in sys.modules.items() if name.startswith("cogs")}
        try:
            async with (
                open_agora(
                    self.settings(**overrides),
                    clock=self.clock,
                    extensions=extensions,
                    guild_ready_timeout=0.05,
                ) as bot,
                self.fake.run_bot(bot) as running,
            ):
                yield running
        finally:
            sys.modules.update(modules)


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(now=clock.now) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def agora(
    fake: FakeDiscord, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AgoraHarness:
    # bot.py points discord.py at the fake by changing class attributes; put them back afterwards.
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    return AgoraHarness(fake, tmp_path / "agora.db", clock)


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server
