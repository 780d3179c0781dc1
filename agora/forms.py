"""Forms answered from their submission alone, routed by their custom_id.

Agora's forms are stopped before they are sent, so discord.py keeps no copy of them waiting: a form
filled in across a restart still counts, and its submission carries everything (the ids are in the
custom_id, the answers in the components). discord.py would drop such a submission; each feature
instead says here which forms it answers (`answer`), and the bot hands every submission over as it
routes interactions (`Agora.dispatch`), in the same call, so no feature needs an `on_interaction`
listener woken by every click of every other feature just to look at a custom_id.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from agora import errors
from agora.i18n import Catalogue

log = logging.getLogger(__name__)

FormHandler = Callable[[discord.Interaction[Any]], Awaitable[None]]


class Forms:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._handlers: dict[re.Pattern[str], FormHandler] = {}
        self._running: set[asyncio.Task[None]] = set()  # kept referenced until they end

    def answer(self, pattern: re.Pattern[str], handler: FormHandler) -> None:
        """Submissions whose custom_id `pattern.match`es go to `handler`; its errors are answered."""
        self._handlers[pattern] = handler

    def withdraw(self, pattern: re.Pattern[str]) -> None:
        self._handlers.pop(pattern, None)

    def handler_for(self, custom_id: str) -> FormHandler | None:
        return next((h for pattern, h in self._handlers.items() if pattern.match(custom_id)), None)

    def route(self, interaction: discord.Interaction[Any]) -> None:
        """Starts the handler of a submitted form, if a feature answers it; anything else is left alone."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        handler = self.handler_for(str((interaction.data or {}).get("custom_id", "")))
        if handler is None:
            return
        task = asyncio.create_task(self._run(handler, interaction), name=f"agora-form-{interaction.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, handler: FormHandler, interaction: discord.Interaction[Any]) -> None:
        try:
            await handler(interaction)
        except Exception as error:  # a task's error would otherwise only be logged: answer the member
            await errors.report(error, self.catalogue, interaction)
