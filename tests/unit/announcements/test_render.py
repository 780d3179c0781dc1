"""What the organiser wrote, measured on what Discord receives."""

from dataclasses import replace

import pytest

from agora.errors import UserError
from cogs.announcements.render import announcement_embed, list_line
from cogs.announcements.rules import check_content
from cogs.announcements.store import Announcement, Content


def announcement(**changes: object) -> Announcement:
    values = dict(
        id=1, guild_id=2, channel_id=3, author_id=4, title="T", body="B", image_url=None, footer=None,
        role_id=None, thread=False, silent=False, every=None, first_at=0, next_at=1_800_000_000,
        published=0, status="pending", message_id=None, failure=None, language="fr", author_language=None,
        created_at=0, updated_at=0,
    )  # fmt: skip
    values.update(changes)
    return Announcement(**values)  # type: ignore[arg-type]


def test_list_line_limits_the_title_once_escaped_and_never_splits_an_escape():
    line = list_line(announcement(title="a" + "*" * 200), lambda key, **v: v.get("title", ""))
    assert len(line) <= 80
    assert line.startswith("a\\*") and line.endswith("\\*…")


def test_content_at_every_limit_is_accepted_and_the_embed_fits_as_sent():
    # Announcements are markdown the organiser wrote: shown as written, so measured as written.
    content = check_content(Content(channel_id=1, title="*" * 256, body="_" * 4000, footer="~" * 1744))
    embed = announcement_embed(content, 0)
    assert (len(embed.title), len(embed.description), len(embed.footer.text)) == (256, 4000, 1744)
    assert len(embed) == 6000
    with pytest.raises(UserError) as refused:
        check_content(replace(content, footer="~" * 1745))
    assert refused.value.key == "announce.error.embed_too_long"
