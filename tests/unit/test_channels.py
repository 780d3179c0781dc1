import discord

from agora.channels import ChannelUse, posting_problems

USE = ChannelUse("général", "config.purpose.organisers", None, needs_threads=True, needs_files=True)


def test_a_channel_with_every_permission_has_no_problem():
    permissions = discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        attach_files=True,
        create_public_threads=True,
        send_messages_in_threads=True,
    )
    assert posting_problems(USE, permissions) == []


def test_an_invisible_channel_reports_only_that():
    assert posting_problems(USE, discord.Permissions.none()) == ["config.problem.cannot_view"]


def test_each_missing_permission_is_named():
    permissions = discord.Permissions(view_channel=True)
    assert posting_problems(USE, permissions) == [
        "config.problem.cannot_send",
        "config.problem.cannot_embed",
        "config.problem.cannot_attach",
        "config.problem.cannot_thread",
    ]


def test_threads_and_files_are_checked_only_when_needed():
    use = ChannelUse("x", "config.purpose.organisers", None)
    permissions = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
    assert posting_problems(use, permissions) == []
