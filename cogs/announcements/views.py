"""The compose form and the preview's buttons.

Publish / Edit / Cancel are `DynamicItem`s carrying the draft's id: a preview still works after a
restart. The form is an ordinary modal (its options wait in memory while the organiser writes).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from cogs.announcements.render import BODY_MAX, FOOTER_MAX, TITLE_MAX, URL_MAX, Words
from cogs.announcements.store import Content
from ui import AgoraModal, reports_errors

if TYPE_CHECKING:
    from cogs.announcements.cog import AnnouncementsCog

ACTIONS = ("publish", "edit", "cancel")
OnContent = Callable[[discord.Interaction[Any], Content], Awaitable[None]]


class PreviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"announce:(?P<id>\d{1,19}):(?P<action>publish|edit|cancel)",
):
    def __init__(self, announcement_id: int, action: str, label: str = "…") -> None:
        style = {
            "publish": discord.ButtonStyle.success,
            "edit": discord.ButtonStyle.secondary,
            "cancel": discord.ButtonStyle.danger,
        }[action]
        super().__init__(
            discord.ui.Button(label=label[:80], style=style, custom_id=f"announce:{announcement_id}:{action}")
        )
        self.announcement_id = announcement_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PreviewButton:
        return cls(int(match["id"]), match["action"], item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog: AnnouncementsCog = interaction.client.get_cog("AnnouncementsCog")
        await cog.press(interaction, self.announcement_id, self.action)


def preview_view(announcement_id: int, words: Words) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(PreviewButton(announcement_id, action, words(f"announce.button.{action}")))
    return view


class ComposeModal(AgoraModal):
    """Title, body, image and footer; opened empty, or filled in to edit."""

    def __init__(self, words: Words, settings: Content, on_content: OnContent) -> None:
        # One id per opening: discord.py routes a submission by custom_id alone.
        super().__init__(
            title=words("announce.modal.title")[:45],
            timeout=30 * 60,
            custom_id=f"announce:modal:{secrets.token_hex(6)}",
        )
        self.settings = settings
        self.on_content = on_content
        self.heading: discord.ui.TextInput[ComposeModal] = discord.ui.TextInput(
            label=words("announce.modal.heading")[:45], default=settings.title or None, max_length=TITLE_MAX
        )
        self.body: discord.ui.TextInput[ComposeModal] = discord.ui.TextInput(
            label=words("announce.modal.body")[:45],
            placeholder=words("announce.modal.body_placeholder")[:100],
            style=discord.TextStyle.paragraph,
            default=settings.body or None,
            max_length=BODY_MAX,
        )
        self.image: discord.ui.TextInput[ComposeModal] = discord.ui.TextInput(
            label=words("announce.modal.image")[:45],
            placeholder="https://…",
            default=settings.image_url,
            required=False,
            max_length=URL_MAX,
        )
        self.footer: discord.ui.TextInput[ComposeModal] = discord.ui.TextInput(
            label=words("announce.modal.footer")[:45],
            default=settings.footer,
            required=False,
            max_length=FOOTER_MAX,
        )
        for item in (self.heading, self.body, self.image, self.footer):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        s = self.settings
        content = Content(
            channel_id=s.channel_id,
            title=self.heading.value,
            body=self.body.value,
            image_url=self.image.value or None,
            footer=self.footer.value or None,
            role_id=s.role_id,
            thread=s.thread,
            silent=s.silent,
            every=s.every,
        )
        await self.on_content(interaction, content)
