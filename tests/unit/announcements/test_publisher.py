"""How the publisher treats Discord's answers (mocked): a refusal is recorded once, trouble is retried."""

from datetime import UTC, datetime
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from cogs.announcements.publisher import Publisher
from cogs.announcements.store import Announcement

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def announcement() -> Announcement:
    return Announcement(
        id=1, guild_id=2, channel_id=3, author_id=None, title="T", body="B", image_url=None, footer=None,
        role_id=None, thread=False, silent=False, every=None, first_at=0, next_at=int(NOW.timestamp()),
        published=0, status="publishing", message_id=None, failure=None, language="fr", author_language=None,
        created_at=0, updated_at=0,
    )  # fmt: skip


def http_error(status: int) -> discord.HTTPException:
    return discord.HTTPException(
        SimpleNamespace(status=status, reason="x"), {"code": 50035, "message": "bad"}
    )


def publisher_with(error: Exception) -> tuple[Publisher, MagicMock]:
    channel = MagicMock(spec=discord.TextChannel)
    channel.name = "général"
    channel.permissions_for.return_value = discord.Permissions.all()
    channel.send = AsyncMock(side_effect=error)
    bot = MagicMock()
    bot.get_guild.return_value.unavailable = False
    bot.get_guild.return_value.get_channel.return_value = channel
    bot.clock.now.return_value = NOW
    store = MagicMock()
    store.record_failed = AsyncMock()
    store.record_published = AsyncMock()
    return Publisher(bot, store), store


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_a_refusal_is_recorded_once_as_failed(status):
    publisher, store = publisher_with(http_error(status))
    assert await publisher.publish(announcement()) is None
    store.record_failed.assert_awaited_once()
    store.record_published.assert_not_awaited()


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_discord_s_trouble_is_raised_for_the_next_pass(status):
    publisher, store = publisher_with(http_error(status))
    with pytest.raises(discord.HTTPException):
        await publisher.publish(announcement())
    store.record_failed.assert_not_awaited()
