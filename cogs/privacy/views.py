"""The confirmation `/privacy forget` asks for: Delete everything, or Cancel, for a couple of minutes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from agora.components import AgoraView
from agora.errors import NotAllowed
from agora.i18n import Words
from agora.privacy import QUIET_PREFIX

log = logging.getLogger(__name__)

Pressed = Callable[[discord.Interaction[Any]], Awaitable[None]]


class ForgetConfirmation(AgoraView):
    """On the member's own ephemeral message. Its custom ids start with QUIET_PREFIX, so pressing a
    button records nothing about the member (their language included) while they are being forgotten."""

    def __init__(
        self,
        words: Words,
        origin: discord.Interaction[Any],
        *,
        confirm: Pressed,
        cancel: Pressed,
        timeout: float,
    ) -> None:
        super().__init__(timeout=timeout)
        self.words = words
        self.origin = origin
        buttons = (
            ("confirm", "privacy.forget.confirm", discord.ButtonStyle.danger, confirm),
            ("cancel", "privacy.forget.cancel", discord.ButtonStyle.secondary, cancel),
        )
        for name, key, style, pressed in buttons:
            button: discord.ui.Button[ForgetConfirmation] = discord.ui.Button(
                label=words(key)[:80], style=style, custom_id=f"{QUIET_PREFIX}forget:{origin.id}:{name}"
            )
            button.callback = self._once(pressed)  # type: ignore[method-assign]
            self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.origin.user.id:  # ephemeral, so only a forged click
            raise NotAllowed("errors.not_allowed")
        return True

    def _once(self, pressed: Pressed) -> Pressed:
        async def callback(interaction: discord.Interaction[Any]) -> None:
            self.stop()  # a second click finds no view, and is answered as no longer valid
            await pressed(interaction)

        return callback

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            await self.origin.edit_original_response(content=self.words("privacy.forget.expired"), view=self)
        except discord.HTTPException as error:
            log.info("could not expire the confirmation of member %s (%s)", self.origin.user.id, error.status)
