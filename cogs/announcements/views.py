"""The compose form and the preview's buttons.

Publish / Edit / Cancel are `DynamicItem`s carrying the draft's id: a preview still works after a
restart. The form is stateless too: the announcement is stored before it opens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, record_id
from cogs.announcements.rules import BODY_MAX, FOOTER_MAX, TITLE_MAX, URL_MAX
from cogs.announcements.store import Content

if TYPE_CHECKING:
    from cogs.announcements.cog import AnnouncementsCog

ACTIONS = ("publish", "edit", "cancel")


class PreviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"announce:(?P<id>{ID_TEMPLATE}):(?P<action>publish|edit|cancel)",
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
        await cog.press(interaction, record_id(self.announcement_id), self.action)


def preview_view(announcement_id: int, words: Words) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(PreviewButton(announcement_id, action, words(f"announce.button.{action}")))
    return view


FORM_ID = re.compile(rf"^announce:form:(?P<id>{ID_TEMPLATE})(?::(?P<at>[0-9]{{1,12}}))?\Z")
TITLE, BODY, IMAGE, FOOTER = "title", "body", "image", "footer"


class ComposeModal(discord.ui.Modal):
    """Title, body, image and footer of a stored announcement; opened empty, or filled in to edit.

    Stateless: stopped before it is sent, so discord.py keeps nothing; the submission is read from
    the interaction (see AnnouncementsCog.on_interaction), and a restart while the organiser writes
    loses nothing. `at` carries a new time chosen in /announce edit.
    """

    def __init__(
        self, words: Words, announcement_id: int, content: Content, *, at: int | None = None
    ) -> None:
        suffix = f":{at}" if at is not None else ""
        super().__init__(
            title=words("announce.modal.title")[:45], custom_id=f"announce:form:{announcement_id}{suffix}"
        )
        inputs = (
            discord.ui.TextInput(
                custom_id=TITLE,
                label=words("announce.modal.heading")[:45],
                default=content.title or None,
                max_length=TITLE_MAX,
            ),
            discord.ui.TextInput(
                custom_id=BODY,
                label=words("announce.modal.body")[:45],
                placeholder=words("announce.modal.body_placeholder")[:100],
                style=discord.TextStyle.paragraph,
                default=content.body or None,
                max_length=BODY_MAX,
            ),
            discord.ui.TextInput(
                custom_id=IMAGE,
                label=words("announce.modal.image")[:45],
                placeholder="https://…",
                default=content.image_url,
                required=False,
                max_length=URL_MAX,
            ),
            discord.ui.TextInput(
                custom_id=FOOTER,
                label=words("announce.modal.footer")[:45],
                default=content.footer,
                required=False,
                max_length=FOOTER_MAX,
            ),
        )
        for item in inputs:
            self.add_item(item)
        self.stop()


def submitted_content(values: Mapping[str, Any], base: Content) -> Content:
    """The texts of a submitted form on top of `base`; anything but text counts as empty (and is refused)."""

    def text(key: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) else ""

    return replace(
        base, title=text(TITLE), body=text(BODY), image_url=text(IMAGE) or None, footer=text(FOOTER) or None
    )
