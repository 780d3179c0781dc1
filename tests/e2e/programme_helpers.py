"""Shortcuts for building an event's programme the way organisers do: open `/event programme`, click
*Add a session*, fill in the form; edit or remove a session through the panel's menus; read what the
panel and the event's announcement show.

    event, announcement = await create_with_places(fake)          # registration_helpers
    await add_session(fake, "olivia", event, "Ouverture", "08:30", guest="Anne Dupont")
    await add_session(fake, "olivia", event, "La marque employeur", "9h15", "10:00", speaker="alice")
    assert [f["name"] for f in session_fields(fake.message(announcement.id))] == [...]

`event` is the fake's scheduled event (or its id). Times are typed as an organiser would, in the
community's time zone: a time alone on the event's day, or a full date and time.
"""

from __future__ import annotations

import re

from tests.fake_discord.interactions import DEFERRED_UPDATE, UPDATE_MESSAGE

TIMES = re.compile(r"^<t:(\d+):t>–<t:(\d+):t>")


def event_id_of(event) -> int:
    return event if isinstance(event, int) else event.id


def add_id(event) -> str:
    return f"event:programme:add:{event_id_of(event)}"


def edit_id(event) -> str:
    return f"event:programme:edit:{event_id_of(event)}"


def remove_id(event) -> str:
    return f"event:programme:remove:{event_id_of(event)}"


def drop_id(event, session_id: int) -> str:
    return f"event:programme:drop:{event_id_of(event)}:{session_id}"


def back_id(event) -> str:
    return f"event:programme:back:{event_id_of(event)}"


def form_id(event, session_id: int = 0) -> str:
    return f"event:session-form:{event_id_of(event)}:{session_id}"


async def open_panel(fake, organiser, event, *, locale=None):
    """`/event programme` by `organiser`; returns its interaction (the panel is its message)."""
    record = await fake.run_command(
        organiser, "event programme", {"event": str(event_id_of(event))}, locale=locale
    )
    await record.final_message(timeout=10)
    return record


def form_values(title=None, start=None, end=None, speaker=None, guest=None) -> dict:
    """The form's inputs to send: only those given (the others keep what the form shows)."""
    values: dict = {}
    for key, value in (("title", title), ("start", start), ("end", end), ("guest", guest)):
        if value is not None:
            values[key] = value
    if speaker is not None:
        values["speaker"] = [] if speaker == [] else [speaker]
    return values


async def answer(fake, record):
    """What the organiser reads after a click or a form: the panel redrawn in place, or a refusal."""

    def answered():
        if record.followup_ids:
            return fake.message(record.followup_ids[-1])
        callback = record.callback
        if callback is None:
            return None
        if callback.type == DEFERRED_UPDATE:
            return record.message if record.hook_edits else None
        if callback.type == UPDATE_MESSAGE:
            return record.message
        shown = record.message
        return shown if shown is not None and not shown.is_loading else None

    return await fake.wait_for(answered, timeout=10, what=f"the answer to {record!r}")


async def open_form(fake, organiser, panel, custom_id, values=None):
    """Clicks *Add a session* (or chooses a session in *Edit a session…*: `values`); returns the form."""
    if values is None:
        click = await fake.click(organiser, panel, custom_id)
    else:
        click = await fake.select(organiser, panel, custom_id, values)
    return await click.modal(timeout=10)


async def submit(fake, organiser, form, values, *, force=False):
    """Sends the form; returns (the submission's interaction, what the organiser reads)."""
    record = await fake.submit_modal(organiser, form, values, force=force)
    return record, await answer(fake, record)


async def add_session(
    fake, organiser, event, title, start, end=None, speaker=None, guest=None, *, panel=None, force=False
):
    """Adds a session through the panel (opened for it unless `panel` is given); returns what the
    organiser reads: the panel redrawn, or the refusal. `speaker` is a member (name, id or FakeMember);
    `guest` a name."""
    panel = panel or await open_panel(fake, organiser, event)
    form = await open_form(fake, organiser, panel, add_id(event))
    values = form_values(title=title, start=start, end=end or "", speaker=speaker, guest=guest or "")
    _, shown = await submit(fake, organiser, form, values, force=force)
    return shown


async def edit_session(fake, organiser, event, session_id, *, panel=None, **changes):
    """Edits a session through *Edit a session…*: the form comes filled in; `changes` are the inputs
    typed again (title, start, end, speaker, guest). Returns what the organiser reads."""
    panel = panel or await open_panel(fake, organiser, event)
    form = await open_form(fake, organiser, panel, edit_id(event), [str(session_id)])
    _, shown = await submit(fake, organiser, form, form_values(**changes))
    return shown


async def remove_session(fake, organiser, event, session_id, *, panel=None):
    """*Remove a session…* then the confirmation; returns the panel as it is redrawn."""
    panel = panel or await open_panel(fake, organiser, event)
    asked = await fake.select(organiser, panel, remove_id(event), [str(session_id)])
    question = await answer(fake, asked)
    confirmed = await fake.click(organiser, question, drop_id(event, session_id))
    return await answer(fake, confirmed)


async def stored_sessions(bot, event):
    return await bot.get_cog("EventsCog").programme.sessions(event_id_of(event))


def session_fields(message) -> list[dict]:
    """The announcement's programme: its embed fields whose value starts with a session's times."""
    return [f for f in message.embeds[0]["fields"] if TIMES.match(f["value"])]


def field_times(field) -> tuple[int, int]:
    match = TIMES.match(field["value"])
    assert match, field
    return int(match[1]), int(match[2])


async def shows_sessions(fake, message, count, within: float = 10):
    """Waits until the message (an announcement) shows `count` sessions; returns it as it is then."""
    return await fake.wait_for(
        lambda: len(session_fields(fake.message(message.id))) == count and fake.message(message.id),
        timeout=within,
        what=f"the announcement showing {count} sessions ({session_fields(fake.message(message.id))})",
    )
