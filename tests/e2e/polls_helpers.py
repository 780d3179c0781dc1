"""Shortcuts for the poll tests: create a poll, find its message, read its tally."""

from __future__ import annotations

import re


async def create_poll(fake, member="olivia", locale="fr", **options):
    values = {"question": "Quel réseau pour la communauté ?", "options": "LinkedIn; Slack; Teams", **options}
    interaction = await fake.run_command(member, "poll create", values, locale=locale)
    # The member's final answer, however it came: at once (a refusal), or after the poll is posted
    # (the command defers first, then fills in its "thinking" answer).
    await interaction.final_message(timeout=10)
    return interaction


def poll_message(fake, channel="général"):
    """The latest poll message (the one with vote buttons) in a channel."""
    polls = [m for m in fake.messages(channel) if m.components and m.author_id == fake.bot.id]
    return polls[-1]


def custom_ids(message):
    return [c["custom_id"] for row in message.components for c in row["components"]]


def vote_id(message, position):
    return custom_ids(message)[position]


def counts(message):
    """Votes per option as the live tally shows them."""
    return [int(n) for n in re.findall(r"` (\d+) · \d+ %", message.embeds[0]["description"])]


async def vote(fake, member, message, position, locale="fr"):
    click = await fake.click(member, message, vote_id(message, position), locale=locale)
    await click.response(timeout=10)
    return click


def poll_id(message) -> int:
    return int(vote_id(message, 0).split(":")[1])
