"""What check-in looks like in Discord: the event's check-in message, the code shown to organisers, and
the member's answers. Pure: every function takes `words` (a translate function in the right language);
the event's title is shown literally, measured after escaping; times are Discord timestamps."""

from __future__ import annotations

from agora.i18n import Words
from cogs.events.attendance.store import CheckIn
from cogs.events.model import TrackedEvent
from cogs.events.registration.render import title


def checkin_text(event: TrackedEvent, words: Words, *, ends: int | None) -> str:
    """The check-in message: open until `ends`, or closed (None)."""
    if ends is None:
        return words("events.checkin.message_closed", name=title(event))
    return words("events.checkin.message", name=title(event), ends=f"<t:{ends}:t>", relative=f"<t:{ends}:R>")


def code_text(event: TrackedEvent, code: str, words: Words, *, replaced: bool) -> str:
    """The code in large type (a Markdown heading), to show on the room's screen."""
    text = words("events.checkin.code.shown", name=title(event), code=" ".join(code))
    return text + ("\n" + words("events.checkin.code.replaced") if replaced else "")


def answer_text(event: TrackedEvent, result: CheckIn, words: Words) -> str:
    """The answer to a check-in: done, or why not (before the window, closed, a wrong code...)."""
    values = {"name": title(event)}
    if result.until is not None:
        values |= {"when": f"<t:{result.until}:t>", "relative": f"<t:{result.until}:R>"}
    if result.outcome == "already":
        return words(f"events.checkin.error.already_{result.how or 'checkin'}", **values)
    if result.outcome == "checked_in":
        return words("events.checkin.done", **values)
    return words(f"events.checkin.error.{result.outcome}", **values)
