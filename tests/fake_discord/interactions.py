"""Records of the interactions the fake sent to the bot, and what the bot answered."""

# The public API deliberately takes ``timeout=`` arguments (readable tests).
# ruff: noqa: ASYNC109

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .models import FakeAttachment, FakeMember, FakeMessage, Json, walk_components
from .sync import Notifier
from .world import World

# Interaction callback types
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
CALLBACK_NAMES = {
    1: "PONG",
    4: "CHANNEL_MESSAGE_WITH_SOURCE",
    5: "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE",
    6: "DEFERRED_UPDATE_MESSAGE",
    7: "UPDATE_MESSAGE",
    8: "APPLICATION_COMMAND_AUTOCOMPLETE_RESULT",
    9: "MODAL",
    12: "LAUNCH_ACTIVITY",
}


@dataclass
class CallbackRecord:
    """The bot's answer to POST /interactions/{id}/{token}/callback."""

    type: int
    data: Json | None
    files: list[FakeAttachment] = field(default_factory=list)

    @property
    def name(self) -> str:
        return CALLBACK_NAMES.get(self.type, str(self.type))

    @property
    def flags(self) -> int:
        return int((self.data or {}).get("flags") or 0)


@dataclass
class FakeModal:
    """A modal the bot opened (callback type 9). Components carry the ids Discord assigns."""

    custom_id: str
    title: str
    components: list[Json]
    interaction: InteractionRecord

    def inputs(self) -> dict[str, Json]:
        """Interactive components by custom_id (text inputs, selects, radio/checkbox groups...)."""
        return {c["custom_id"]: c for c in walk_components(self.components) if "custom_id" in c}

    def labels(self) -> dict[str, str]:
        """custom_id -> label text (from the Label wrapper or the legacy text input label)."""
        out: dict[str, str] = {}
        for comp in self.components:
            inner = comp.get("component")
            if comp.get("type") == 18 and isinstance(inner, dict) and "custom_id" in inner:
                out[inner["custom_id"]] = comp.get("label", "")
            for child in comp.get("components") or []:
                if "custom_id" in child:
                    out[child["custom_id"]] = child.get("label", "")
        return out


class InteractionRecord:
    """One interaction the fake dispatched, and everything the bot did with its token."""

    def __init__(
        self,
        *,
        world: World,
        notifier: Notifier,
        interaction_id: int,
        token: str,
        kind: int,
        payload: Json,
        member: FakeMember,
        channel_id: int,
        source_message_id: int | None = None,
        created_at: float = 0.0,
        deadline: float | None = None,
    ) -> None:
        self._world = world
        self._notifier = notifier
        self.id = interaction_id
        self.token = token
        self.type = kind
        self.payload = payload
        self.member = member
        self.channel_id = channel_id
        self.source_message_id = source_message_id
        self.created_at = created_at  # time.monotonic() when it was sent to the bot
        self.deadline = deadline  # seconds the bot has for its first answer (None: no limit)
        self.callback: CallbackRecord | None = None
        self.original_message_id: int | None = None
        self.followup_ids: list[int] = []
        self.edits_baseline = 0
        self.hook_edits = 0  # edits the bot made through this interaction's token (not other edits)
        self.rejections: list[tuple[str, int, Json]] = []

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (self.payload.get("data") or {}).get(
            "custom_id"
        )
        return f"<InteractionRecord id={self.id} type={self.type} {name!r} by {self.member.name}>"

    # -- state read without waiting ---------------------------------------------------------------

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    @property
    def expired(self) -> bool:
        """The deadline for the first answer has passed (the token still serves follow-ups)."""
        return self.deadline is not None and time.monotonic() - self.created_at > self.deadline

    @property
    def saw_interaction_failed(self) -> bool:
        """What the member's client shows as "This interaction failed": no answer accepted in time
        (none yet past the deadline, or one refused as an unknown interaction)."""
        if self.callback is not None:
            return False
        refused = any(r[0] == "callback" and r[2].get("code") == 10062 for r in self.rejections)
        return refused or self.expired

    @property
    def message(self) -> FakeMessage | None:
        """The current state of the original response message (None if none exists)."""
        if self.original_message_id is None:
            return None
        return self._world.messages.get(self.original_message_id)

    def _require_message(self) -> FakeMessage:
        msg = self.message
        if msg is None:
            raise AssertionError(f"{self!r} has no response message yet (callback={self.callback})")
        return msg

    @property
    def is_ephemeral(self) -> bool:
        if self.callback is not None and self.callback.type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            return bool(self.callback.flags & 64)
        return self._require_message().is_ephemeral

    @property
    def content(self) -> str:
        return self._require_message().content

    @property
    def embeds(self) -> list[Json]:
        return self._require_message().embeds

    @property
    def components(self) -> list[Json]:
        return self._require_message().components

    @property
    def files(self) -> list[FakeAttachment]:
        return self._require_message().attachments

    # -- waiting -----------------------------------------------------------------------------------

    def describe(self) -> str:
        parts = [repr(self), f"callback={self.callback}"]
        if self.rejections:
            parts.append(f"rejected requests={self.rejections}")
        return " ".join(parts)

    async def response(self, timeout: float = 5) -> CallbackRecord:
        """The first (accepted) callback of the bot."""
        return await self._notifier.wait_for(
            lambda: self.callback, timeout, lambda: f"a response to {self.describe()}"
        )

    async def followups(self, count: int = 1, timeout: float = 5) -> list[FakeMessage]:
        """Waits until at least ``count`` follow-up messages were sent; returns them (current state)."""

        def ready() -> list[FakeMessage] | None:
            if len(self.followup_ids) < count:
                return None
            return [self._world.messages[i] for i in self.followup_ids]

        return await self._notifier.wait_for(
            ready, timeout, lambda: f"{count} follow-up(s) to {self.describe()}"
        )

    async def final_message(
        self, timeout: float = 5, predicate: Callable[[FakeMessage], bool] | None = None
    ) -> FakeMessage:
        """The original response once it is not "thinking" any more (and matches ``predicate``)."""

        def ready() -> FakeMessage | None:
            if self.callback is None or self.callback.type in (MODAL, AUTOCOMPLETE_RESULT):
                return None
            msg = self.message
            if msg is None or msg.is_loading:
                return None
            if (
                self.callback.type == DEFERRED_UPDATE
                and msg.edits <= self.edits_baseline
                and predicate is None
            ):
                return None
            if predicate is not None and not predicate(msg):
                return None
            return msg

        return await self._notifier.wait_for(
            ready, timeout, lambda: f"the final message of {self.describe()}"
        )

    async def modal(self, timeout: float = 5) -> FakeModal:
        """The modal the bot answered with (fails if it answered something else)."""
        callback = await self.response(timeout)
        if callback.type != MODAL or callback.data is None:
            raise AssertionError(f"expected a MODAL response, got {callback.name}: {callback.data}")
        return FakeModal(
            callback.data["custom_id"], callback.data["title"], callback.data["components"], self
        )

    async def choices(self, timeout: float = 5) -> list[Json]:
        """Autocomplete choices the bot returned."""
        callback = await self.response(timeout)
        if callback.type != AUTOCOMPLETE_RESULT:
            raise AssertionError(f"expected an autocomplete result, got {callback.name}: {callback.data}")
        return list((callback.data or {}).get("choices") or [])
