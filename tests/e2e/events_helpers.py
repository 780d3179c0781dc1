"""Shortcuts for the event tests: create an event, find the call, answer the form, read the report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from cogs.events.rules import IMPROVE, RATING, RECOMMEND, TOPICS, USEFUL

# 2026-12-03 08:30 to 11:30 in Geneva (UTC+1 in December).
START = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
END = datetime(2026, 12, 3, 10, 30, tzinfo=UTC)
TITLE = "Matinée e-20 : la marque employeur"


async def create_event(fake, member="olivia", locale="fr", **options):
    values = {"title": TITLE, "start": "2026-12-03 08:30", "end": "11:30", "location": "Genève", **options}
    interaction = await fake.run_command(member, "event create", values, locale=locale)
    await interaction.final_message(timeout=10)
    return interaction


def events_cog(bot):
    return bot.get_cog("EventsCog")


async def step(bot) -> None:
    """One pass of the event timeline at the clock's current time."""
    await events_cog(bot).passes.run_now()


def custom_ids(message) -> list[str]:
    return [c.get("custom_id") for row in message.components for c in row["components"]]


def is_call(message, event_id: int) -> bool:
    return f"feedback:open:{event_id}" in custom_ids(message)


def calls(fake, event_id: int, channel="général"):
    return [m for m in fake.messages(channel) if is_call(m, event_id)]


def reminders(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.content.startswith("⏰")]


def button(message) -> dict:
    return message.components[0]["components"][0]


async def open_form(fake, member, message, event_id, locale=None):
    click = await fake.click(member, message, f"feedback:open:{event_id}", locale=locale)
    return click, await click.modal(timeout=10)


async def click_button(fake, member, message, event_id, locale=None):
    """A click the bot answers with a message (a refusal), not with the form."""
    click = await fake.click(member, message, f"feedback:open:{event_id}", locale=locale)
    await click.response(timeout=10)
    return click


async def answer(fake, member, message, event_id, rating, recommend, *, useful="", improve="", topics=()):
    _, modal = await open_form(fake, member, message, event_id)
    values = {RATING: str(rating), RECOMMEND: [str(recommend)], USEFUL: useful, IMPROVE: improve}
    values[TOPICS] = list(topics)
    submit = await fake.submit_modal(member, modal, values)
    await submit.final_message(timeout=10)
    return submit


def read_csv(data: bytes, delimiter: str) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def field(embed, name_start: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"].startswith(name_start))


async def forged_command(fake, member, name, options, forged, *, locale=None, channel="général"):
    """``/name`` with the ``forged`` option values sent as they are, past the limits Discord's client
    enforces (a modified client). ``fake.run_command(force=True)`` only skips the visibility checks:
    it still refuses an option longer than its max_length, so the payload is built with a placeholder
    and the forged values are put in afterwards."""
    from tests.fake_discord.actions import APPLICATION_COMMAND

    who, chan = fake.world.member(member), fake.world.channel(channel)
    placeholders = {key: "x" for key in forged}
    data = fake._command_payload(who, name, {**options, **placeholders}, chan, None, True)
    pending = [data]
    while pending:
        for option in pending.pop().get("options") or []:
            if option["name"] in forged and "value" in option:
                option["value"] = forged[option["name"]]
            pending.append(option)
    return await fake._send_interaction(APPLICATION_COMMAND, who, chan, locale, data)
