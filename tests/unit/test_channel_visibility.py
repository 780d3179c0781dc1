"""The one check of what every member may see (agora.channels.readable_by_everyone): what @everyone may
view is readable; a hidden channel, a private thread, or a channel or server the bot does not know is
not. Discord's own permission arithmetic is discord.py's (and the end-to-end tests' fake's): here the
check is given its answers through objects specced on discord.py's classes."""

from __future__ import annotations

from unittest.mock import Mock

import discord

from agora.channels import readable_by_everyone

GUILD, PUBLIC, HIDDEN, PRIVATE_THREAD, ORPHAN_THREAD, GONE = 1, 10, 11, 12, 13, 99


def channel(kind: type, *, everyone_views: bool = True, private: bool = False, orphan: bool = False) -> Mock:
    found = Mock(spec_set=kind)
    found.permissions_for.return_value = discord.Permissions(view_channel=everyone_views)
    if orphan:
        found.permissions_for.side_effect = discord.ClientException("Parent channel not found")
    if kind is discord.Thread:
        found.is_private.return_value = private
    return found


def client() -> Mock:
    channels = {
        PUBLIC: channel(discord.TextChannel),
        HIDDEN: channel(discord.VoiceChannel, everyone_views=False),
        PRIVATE_THREAD: channel(discord.Thread, private=True),
        ORPHAN_THREAD: channel(discord.Thread, orphan=True),
    }
    guild = Mock(spec_set=discord.Guild)
    guild.get_channel_or_thread.side_effect = channels.get
    bot = Mock(spec_set=discord.Client)
    bot.get_guild.side_effect = {GUILD: guild}.get
    return bot


def test_a_channel_everyone_may_view_is_readable_by_everyone():
    bot = client()
    assert readable_by_everyone(bot)(GUILD, PUBLIC) is True
    guild = bot.get_guild(GUILD)
    # Asked for @everyone, not for the bot (which sees the organisers' channels too).
    guild.get_channel_or_thread(PUBLIC).permissions_for.assert_called_once_with(guild.default_role)


def test_a_channel_hidden_from_everyone_is_not():
    assert readable_by_everyone(client())(GUILD, HIDDEN) is False


def test_a_private_thread_is_not_whatever_its_parent_allows():
    assert readable_by_everyone(client())(GUILD, PRIVATE_THREAD) is False


def test_a_thread_whose_parent_is_not_known_is_not():
    assert readable_by_everyone(client())(GUILD, ORPHAN_THREAD) is False


def test_a_channel_the_bot_cannot_find_is_not():
    assert readable_by_everyone(client())(GUILD, GONE) is False


def test_a_channel_of_a_server_the_bot_is_not_in_is_not():
    assert readable_by_everyone(client())(GUILD + 1, PUBLIC) is False
