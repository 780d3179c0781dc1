"""Every button, select and form gets an answer, even one Agora no longer knows.

discord.py hands a click to the view stored for its message (or a persistent view), or to a
`DynamicItem` whose template matches a component of the message clicked, and a form to the modal
stored under its custom_id. Anything else it drops without a word, and the member sees "This
interaction failed": an ephemeral offer's button after a restart or its timeout, a form opened before
a restart, a forged or mangled custom_id. Those get a polite, localised "no longer valid" instead.

Whether something will handle an interaction is decided where discord.py routes it: `notice` runs
synchronously in the same call as the routing (`Agora.dispatch("interaction")`, see
`ConnectionState.parse_interaction_create`), before any handler has run. Looking later, or waiting for
handlers and checking whether they answered, would race with them: a view that stops itself leaves the
store before its answer is sent, and a slow handler is not a missing one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from agora import errors
from agora.components import walk_components

if TYPE_CHECKING:
    from discord.ui.view import ViewStore

    from agora.forms import Forms
    from agora.i18n import Catalogue

log = logging.getLogger(__name__)

STALE_COMPONENT = "errors.stale_component"
STALE_FORM = "errors.stale_form"


class StaleComponents:
    def __init__(self, client: discord.Client, catalogue: Catalogue, forms: Forms) -> None:
        self.client = client
        self.catalogue = catalogue
        self.forms = forms  # the forms features answer from their submission (agora/forms.py)
        self._answers: set[asyncio.Task[None]] = set()  # kept referenced until they end
        self._closed = False

    def notice(self, interaction: discord.Interaction[Any]) -> None:
        """Answers `interaction` at once if nothing will; called right after discord.py routed it."""
        try:
            key = self.stale_key(interaction)
        except Exception:  # raised here, it would reach discord.py's gateway reader, not a handler
            log.exception(
                "could not tell whether anything handles interaction %s", errors.locate(interaction)
            )
            return
        if key is None or self._closed:  # closed: the HTTP session the answer needs is closing too
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        log.info(
            "nothing handles %s %.100r %s: answered as no longer valid",
            key,
            custom_id,
            errors.locate(interaction),
        )
        task = asyncio.create_task(self._answer(interaction, key), name=f"agora-stale-{interaction.id}")
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    def stale_key(self, interaction: discord.Interaction[Any]) -> str | None:
        """The answer's catalogue key when nothing will handle `interaction`; None when something will
        (or when it is not a click or a form: commands have their own error path)."""
        data: Any = interaction.data or {}
        custom_id = data.get("custom_id")
        if interaction.type is discord.InteractionType.component:
            kind = data.get("component_type")
            if (
                isinstance(custom_id, str)
                and isinstance(kind, int)
                and self._routed(interaction, kind, custom_id)
            ):
                return None
            return STALE_COMPONENT
        if interaction.type is discord.InteractionType.modal_submit:
            if isinstance(custom_id, str) and (
                custom_id in self._store()._modals or self.forms.handler_for(custom_id) is not None
            ):
                return None
            return STALE_FORM
        return None

    def _store(self) -> ViewStore:
        # discord.py 2.7 keeps its routing tables private; they are only read here, with the lookups
        # ViewStore.dispatch_view, dispatch_dynamic_items and dispatch_modal make.
        return self.client._connection._view_store

    def _routed(self, interaction: discord.Interaction[Any], kind: int, custom_id: str) -> bool:
        store = self._store()
        message = interaction.message
        key = (kind, custom_id)
        # As ViewStore.dispatch_view: the message's own entry, and the None entry (persistent views) only
        # when the message has none for that key. An entry found ends the search, even one whose view is
        # gone or finished, which discord.py then drops.
        item = store._views.get(message.id, {}).get(key) if message is not None else None
        if item is None:
            item = store._views.get(None, {}).get(key)
        if item is not None and item.view is not None:
            # What View._dispatch_item checks: a view made outside the event loop has no future, and is
            # dropped like a finished one (is_finished() would call it unfinished).
            stopped = item.view._BaseView__stopped  # type: ignore[attr-defined]
            if stopped is not None and not stopped.done():
                return True
        # A DynamicItem is only built from a component of the message clicked (schedule_dynamic_item_call);
        # Agora's never refuse in from_custom_id or interaction_check, which would also drop the click.
        return (
            message is not None
            and any(template.fullmatch(custom_id) for template in store._dynamic_items)
            and any(
                component.type.value == kind and getattr(component, "custom_id", None) == custom_id
                for component in walk_components(message.components)
            )
        )

    async def close(self) -> None:
        """The bot is closing: no more answers; those still being sent are cancelled and waited for."""
        self._closed = True
        answers = list(self._answers)
        for task in answers:
            task.cancel()
        await asyncio.gather(*answers, return_exceptions=True)

    async def _answer(self, interaction: discord.Interaction[Any], key: str) -> None:
        try:
            await errors.send_ephemeral(interaction, self.catalogue.for_interaction(interaction, key))
        except Exception:  # a task's error would otherwise only reach asyncio's default handler
            log.exception("could not answer a stale interaction %s", errors.locate(interaction))
