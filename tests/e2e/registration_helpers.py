"""Shortcuts for the registration tests: an event with places, clicks on its buttons, the DMs offering a
freed place (and the DM of a place taken with a click), and what the event's message shows."""

from __future__ import annotations

import re

from tests.e2e.events_helpers import create_event, custom_ids
from tests.fake_discord.interactions import DEFERRED_UPDATE

SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4


async def create_with_places(fake, places=None, *, deadline=None, **options):
    """/event create (by olivia, in #général) with `places` and `deadline`; returns (event, message)."""
    if places is not None:
        options["places"] = places
    if deadline is not None:
        options["deadline"] = deadline
    created = await create_event(fake, **options)
    assert created.is_ephemeral and "Événement créé" in created.content, created.content
    event = fake.scheduled_events()[-1]
    return event, registration_message(fake, event.id)


def registration_message(fake, event_id, channel="général"):
    """The message of the channel carrying the event's Register button, as it is now (None: none yet)."""
    found = [m for m in fake.messages(channel) if f"event:register:{event_id}" in custom_ids(m)]
    assert len(found) <= 1, [m.content for m in found]
    return fake.message(found[0].id) if found else None


def buttons(message) -> dict[str, dict]:
    return {c["custom_id"]: c for row in message.components for c in row["components"]}


async def shows(fake, message, text: str, within: float = 10):
    """Waits until the message's content holds `text` (its edits are coalesced: up to 2 s late)."""
    return await fake.wait_for(
        lambda: text in fake.message(message.id).content and fake.message(message.id),
        timeout=within,
        what=f"the message showing {text!r} (it shows {fake.message(message.id).content!r})",
    )


async def click(fake, member, message, custom_id, *, locale=None, forged=False, on_message=False):
    """A click answered with a message; returns the interaction (content, is_ephemeral)."""
    if forged:
        record = await fake.forge_click(member, message, custom_id, on_message=on_message, locale=locale)
    else:
        record = await fake.click(member, message, custom_id, locale=locale)
    await record.final_message(timeout=10)
    return record


async def register(fake, member, message, event_id, **kwargs):
    return await click(fake, member, message, f"event:register:{event_id}", **kwargs)


async def unregister(fake, member, message, event_id, **kwargs):
    return await click(fake, member, message, f"event:unregister:{event_id}", **kwargs)


def offer_id(fake, event_id, member, choice="confirm") -> str:
    return f"event:offer:{event_id}:{fake.member(member).id}:{choice}"


def is_offer(message, event_id) -> bool:
    return any(i and i.startswith(f"event:offer:{event_id}:") for i in custom_ids(message))


def offers(fake, member, event_id):
    return [m for m in fake.dm_messages(member) if is_offer(m, event_id)]


async def offer_dm(fake, member, event_id, within: float = 10):
    return await fake.wait_for_dm(member, lambda m: is_offer(m, event_id), timeout=within)


async def answer_offer(fake, member, dm, event_id, choice="confirm", *, locale=None):
    """Confirm / Decline on an offer's DM; returns what the member reads (see `offer_answer`)."""
    record = await fake.click(member, dm, offer_id(fake, event_id, member, choice), locale=locale)
    return await offer_answer(fake, record)


async def offer_answer(fake, record):
    """What a click on an offer's button shows: a private refusal, or else the offer's message itself,
    turned into the answer (the bot defers the click as an update of the message, then edits it)."""

    def answered():
        if record.followup_ids:  # a refusal after the deferral
            return fake.message(record.followup_ids[0])
        if record.callback is None:
            return None
        shown = record.message
        if record.callback.type == DEFERRED_UPDATE:
            # Edited through the click's own token: the message may also be edited meanwhile for other
            # reasons (a registration message's count), which is not the answer.
            return shown if record.hook_edits else None
        return shown if shown is not None and not shown.is_loading else None  # refused at once

    return await fake.wait_for(answered, timeout=10, what=f"the answer to {record!r}")


async def run(fake, member, command, options=None, *, locale=None):
    """A slash command whose answer is a message (or a refusal); returns the interaction."""
    record = await fake.run_command(member, command, options or {}, locale=locale)
    await record.final_message(timeout=10)
    return record


def places_of(text: str) -> tuple[int, int] | None:
    """(taken, places) from "32 / 40 places" in a message's text."""
    match = re.search(r"\*\*(\d+) / (\d+)\*\* places", text)
    return (int(match[1]), int(match[2])) if match else None


async def add_members(fake, *names, locale="fr"):
    return [await fake.add_member(name, locale=locale) for name in names]


def is_registered_dm(message) -> bool:
    """The DM after a click took a place: "you are registered", with the event's .ics."""
    said = message.content.startswith(("✅ Vous êtes inscrit·e", "✅ You're registered"))
    return said and any(a.filename.endswith(".ics") for a in message.attachments)


def registered_dms(fake, member):
    return [m for m in fake.dm_messages(member) if is_registered_dm(m)]
