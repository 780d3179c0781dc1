"""Checking what an organiser wrote against Discord's limits, before anything is stored. Pure: no I/O."""

from __future__ import annotations

from urllib.parse import urlsplit

from agora.errors import UserError
from cogs.announcements.store import Content

TITLE_MAX, BODY_MAX, FOOTER_MAX, URL_MAX = 256, 4000, 2048, 512  # the body: a modal field's limit
EMBED_TOTAL = 6000


def check_content(content: Content) -> Content:
    """The content cleaned, or a `UserError` naming what to change."""
    title, body = content.title.strip(), content.body.strip()
    footer = (content.footer or "").strip() or None
    image = (content.image_url or "").strip() or None
    if not title or not body:
        raise UserError("announce.error.empty")
    if len(title) > TITLE_MAX:
        raise UserError("announce.error.title_too_long", limit=TITLE_MAX, length=len(title))
    if len(body) > BODY_MAX:
        raise UserError("announce.error.body_too_long", limit=BODY_MAX, length=len(body))
    if footer and len(footer) > FOOTER_MAX:
        raise UserError("announce.error.footer_too_long", limit=FOOTER_MAX, length=len(footer))
    if len(title) + len(body) + len(footer or "") > EMBED_TOTAL:
        raise UserError("announce.error.embed_too_long", limit=EMBED_TOTAL)
    if image is not None:
        parts = urlsplit(image)
        prefixed = image.startswith(("http://", "https://"))  # as Discord wants it: lower case
        if not prefixed or not parts.netloc or len(image) > URL_MAX or " " in image:
            raise UserError("announce.error.image_url")
    return Content(
        channel_id=content.channel_id,
        title=title,
        body=body,
        image_url=image,
        footer=footer,
        role_id=content.role_id,
        thread=content.thread,
        silent=content.silent,
        every=content.every,
    )
