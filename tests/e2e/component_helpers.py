"""Shortcuts shared by the tests of messages with buttons that organisers decide on (the feeds' review
queue, the speakers' review): a click answered, its private answer, a message once it shows a text."""

from __future__ import annotations


def buttons(message) -> list[dict]:
    return [c for row in message.components for c in row["components"]]


async def clicked(fake, member, message, custom_id: str, *, locale=None):
    """A click on `message`'s component `custom_id`, once Discord has its first response."""
    record = await fake.click(member, message, custom_id, locale=locale)
    await record.response(timeout=10)
    return record


async def answered(record):
    """The click's private answer, once it is not "thinking" any more."""
    message = await record.final_message(timeout=10)
    assert message.is_ephemeral
    return message


async def showing(fake, message, text: str):
    """The message once it shows `text` (a click's answer comes first, the message is edited after)."""
    await fake.wait_for(lambda: text in fake.message(message.id).content, timeout=10, what=repr(text))
    return fake.message(message.id)
