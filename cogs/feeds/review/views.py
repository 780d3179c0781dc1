"""The review post's buttons — *Publish*, *Publish with a comment*, *Skip* — and the comment's form.

One `DynamicItem` (`feed:<action>:<review id>`): a review posted before a restart keeps working after it
without registering a view per review. `/feed queue`'s menu (`feed:queue-pick`) shows a chosen review
privately with the same buttons. The form (`feed:comment-form:<review id>`) is stopped before it
is sent, so discord.py keeps no copy of it: its submission is read from the interaction alone, handed
over by `bot.forms` (agora/forms.py), and a form filled in across a restart still counts. Who may click,
and what a click does, is the desk's (review/desk.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors, submitted_values
from agora.errors import UserError
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, MAX_ID, StaleComponent, record_id
from cogs.feeds.review.render import COMMENT_MAX

if TYPE_CHECKING:
    from cogs.feeds.review.desk import ReviewDesk

PUBLISH, COMMENT, SKIP = "publish", "comment", "skip"
ACTIONS = (PUBLISH, COMMENT, SKIP)
PICK_ID = "feed:queue-pick"  # /feed queue's menu of the articles waiting
MAX_OPTIONS = 25
MAX_PLACEHOLDER = 150
FORM_PREFIX = "feed:comment-form:"
FORM_ID = re.compile(rf"^feed:comment-form:({ID_TEMPLATE})\Z")
COMMENT_INPUT = "comment"
MAX_LABEL = 80
MAX_TITLE = 45
MAX_HINT = 100
_STYLES = {
    PUBLISH: discord.ButtonStyle.success,
    COMMENT: discord.ButtonStyle.primary,
    SKIP: discord.ButtonStyle.secondary,
}
_EMOJIS = {PUBLISH: "📣", COMMENT: "💬", SKIP: "⏭️"}


def custom_id(action: str, review_id: int) -> str:
    return f"feed:{action}:{review_id}"


def _desk(interaction: discord.Interaction[Any]) -> ReviewDesk:
    return interaction.client.get_cog("FeedsCog").review_queue.desk


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"feed:(?P<action>{PUBLISH}|{COMMENT}|{SKIP}):(?P<review>{ID_TEMPLATE})",
):
    def __init__(self, action: str, review_id: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji=_EMOJIS[action],
                style=_STYLES[action],
                custom_id=custom_id(action, review_id),
            )
        )
        self.action = action
        self.review_id = review_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ReviewButton:
        return cls(match["action"], int(match["review"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).click(interaction, record_id(self.review_id), self.action)


def review_view(review_id: int, words: Words) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(ReviewButton(action, review_id, words(f"feeds.review.button.{action}")))
    # Stopped before it is sent: its buttons are dynamic items, found by their custom_id.
    view.stop()
    return view


class QueuePick(discord.ui.DynamicItem[discord.ui.Select[Any]], template=PICK_ID):
    """`/feed queue`'s menu: the article chosen is shown privately with the review post's buttons, so
    the queue can be reviewed without an organisers' channel (and after a restart)."""

    def __init__(
        self, options: list[discord.SelectOption] | None = None, placeholder: str | None = None
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=PICK_ID,
                placeholder=placeholder[:MAX_PLACEHOLDER] if placeholder else None,
                options=(options or [discord.SelectOption(label="…", value="0")])[:MAX_OPTIONS],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Select[Any], match: re.Match[str]
    ) -> QueuePick:
        return cls(item.options, item.placeholder)

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).pick(interaction, chosen(interaction))


def chosen(interaction: discord.Interaction[Any]) -> int:
    """The review the menu's choice names, read from what Discord sent (a modified client can send any
    value): one id of ASCII digits within 64 bits."""
    values = (interaction.data or {}).get("values")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        raise StaleComponent
    value = values[0]
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        raise StaleComponent
    return record_id(int(value))


def pick_view(options: list[discord.SelectOption], words: Words) -> discord.ui.View | None:
    """The menu under `/feed queue`'s list, or None when no article waits for a decision."""
    if not options:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(QueuePick(options, words("feeds.review.queue.pick")))
    view.stop()  # a dynamic item, found by its custom_id: no view kept
    return view


class CommentForm(discord.ui.Modal):
    """The comment shown above the article's embed; `earlier` is a comment whose publishing failed."""

    def __init__(self, review_id: int, words: Words, earlier: str | None) -> None:
        super().__init__(
            title=words("feeds.review.form.title")[:MAX_TITLE], custom_id=f"{FORM_PREFIX}{review_id}"
        )
        self.add_item(
            discord.ui.Label(
                text=words("feeds.review.form.comment")[:MAX_TITLE],
                description=words("feeds.review.form.hint", limit=COMMENT_MAX)[:MAX_HINT],
                component=discord.ui.TextInput(
                    custom_id=COMMENT_INPUT,
                    style=discord.TextStyle.paragraph,
                    min_length=1,
                    max_length=COMMENT_MAX,
                    required=True,
                    default=(earlier or "")[:COMMENT_MAX] or None,
                ),
            )
        )
        # Stopped before it is sent: its submission is answered from the interaction alone.
        self.stop()


def read_form(data: Mapping[str, Any]) -> tuple[int, str]:
    """A submitted comment form: (review id, comment). One that names no review Agora can have made, or
    brings no comment, is a forged one: the stale answer. A comment past the limit is refused."""
    match = FORM_ID.match(str(data.get("custom_id", "")))
    if match is None or int(match[1]) > MAX_ID:
        raise UserError("errors.stale_form")
    typed = submitted_values(data.get("components") or ()).get(COMMENT_INPUT)
    if not isinstance(typed, str):
        raise UserError("errors.stale_form")
    comment = typed.strip()
    if not comment:
        raise UserError("feeds.review.error.empty_comment")
    if len(comment) > COMMENT_MAX:
        raise UserError("feeds.review.error.long_comment", limit=COMMENT_MAX)
    return int(match[1]), comment
