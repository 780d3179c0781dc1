"""Turning message bodies (JSON or multipart) into stored messages, edits and mention resolution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from .models import (
    FLAG_COMPONENTS_V2,
    FLAG_SUPPRESS_EMBEDS,
    FakeAttachment,
    FakeMessage,
    Json,
    iso,
    walk_components,
)
from .permissions import Perm
from .validation import FormErrors, validate_message
from .world import World

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
# Flags a sender may set; others are ignored by Discord.
SETTABLE_FLAGS = FLAG_SUPPRESS_EMBEDS | (1 << 12) | FLAG_COMPONENTS_V2 | (1 << 6)


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart body."""

    index: int
    filename: str
    data: bytes
    content_type: str | None


class MessageFactory:
    def __init__(self, world: World, cdn_base: str) -> None:
        self.world = world
        self.cdn_base = cdn_base
        self.files: dict[int, FakeAttachment] = {}

    def _attachments(
        self, channel_id: int, payload: Json, files: list[UploadedFile], existing: list[FakeAttachment]
    ) -> list[FakeAttachment]:
        by_index = {f.index: f for f in files}
        kept = {a.id: a for a in existing}
        result: list[FakeAttachment] = []
        declared = payload.get("attachments")
        if declared is None:
            result.extend(existing)
            declared = [{"id": f.index, "filename": f.filename} for f in files]
        for item in declared:
            raw_id = int(item["id"])
            if raw_id in kept:
                result.append(kept[raw_id])
                continue
            upload = by_index.pop(raw_id, None)
            if upload is None:
                continue
            result.append(self.store_file(channel_id, upload, item.get("filename"), item.get("description")))
        # files[n] parts not referenced from "attachments" are still attached by Discord
        result.extend(self.store_file(channel_id, f, None, None) for f in by_index.values())
        return result

    def store_file(
        self, channel_id: int, upload: UploadedFile, filename: str | None, description: str | None
    ) -> FakeAttachment:
        att_id = self.world.new_id()
        name = filename or upload.filename
        url = f"{self.cdn_base}/attachments/{channel_id}/{att_id}/{quote(name)}"
        att = FakeAttachment(att_id, name, upload.data, url, upload.content_type, description)
        self.files[att_id] = att
        return att

    def create(
        self,
        *,
        channel_id: int,
        author_id: int,
        payload: Json,
        files: list[UploadedFile],
        guild_id: int | None,
        extra_flags: int = 0,
        msg_type: int = 0,
        message_id: int | None = None,
    ) -> FakeMessage:
        msg = FakeMessage(
            id=message_id or self.world.new_id(),
            channel_id=channel_id,
            author_id=author_id,
            guild_id=guild_id,
            content=str(payload.get("content") or ""),
            embeds=[_normalise_embed(e) for e in payload.get("embeds") or []],
            components=list(payload.get("components") or []),
            allowed_mentions=payload.get("allowed_mentions"),
            flags=(int(payload.get("flags") or 0) & SETTABLE_FLAGS) | extra_flags,
            tts=bool(payload.get("tts", False)),
            type=msg_type,
            message_reference=payload.get("message_reference"),
            poll=payload.get("poll"),
        )
        if msg.message_reference and msg_type == 0:
            msg.type = 19
        msg.attachments = self._attachments(channel_id, payload, files, [])
        self.resolve_mentions(msg)
        self.world.messages[msg.id] = msg
        chan = self.world.channels.get(channel_id)
        if chan is not None:
            chan.last_message_id = msg.id
            chan.message_count += 1
        return msg

    def edit(self, msg: FakeMessage, payload: Json, files: list[UploadedFile]) -> FakeMessage:
        if "content" in payload:
            msg.content = str(payload["content"] or "")
        if "embeds" in payload:
            msg.embeds = [_normalise_embed(e) for e in payload["embeds"] or []]
        if "components" in payload:
            msg.components = list(payload["components"] or [])
        if "allowed_mentions" in payload:
            msg.allowed_mentions = payload["allowed_mentions"]
        if payload.get("flags") is not None:
            # Components V2 cannot be removed once set (edit_errors refuses what it would leave invalid).
            keep = msg.flags & ~FLAG_SUPPRESS_EMBEDS
            msg.flags = keep | (int(payload["flags"]) & (FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2))
        if "attachments" in payload or files:
            msg.attachments = self._attachments(msg.channel_id, payload, files, msg.attachments)
        msg.edits += 1
        msg.edited_timestamp = iso()
        self.resolve_mentions(msg)
        return msg

    def resolve_mentions(self, msg: FakeMessage) -> None:
        """Who Discord would ping, honouring ``allowed_mentions`` (absent = parse everything)."""
        allowed = msg.allowed_mentions
        parse = set(allowed.get("parse") or []) if allowed is not None else {"users", "roles", "everyone"}
        users_ok = set(map(int, allowed.get("users") or [])) if allowed is not None else set()
        roles_ok = set(map(int, allowed.get("roles") or [])) if allowed is not None else set()
        world = self.world
        can_everyone = msg.guild_id is None or bool(
            msg.author_id in world.members
            and world.permissions(msg.author_id, msg.channel_id) & Perm.MENTION_EVERYONE
        )

        # A Components V2 message has no content: its text displays are what Discord parses instead.
        text = msg.content
        if msg.flags & FLAG_COMPONENTS_V2:
            text = "\n".join(
                c.get("content") or "" for c in walk_components(msg.components) if c.get("type") == 10
            )

        mentions: list[int] = []
        for raw in _USER_MENTION.findall(text):
            uid = int(raw)
            if uid in world.members and uid not in mentions and ("users" in parse or uid in users_ok):
                mentions.append(uid)
        if msg.message_reference and (allowed is None or allowed.get("replied_user")):
            ref = world.messages.get(int(msg.message_reference.get("message_id") or 0))
            if ref is not None and ref.author_id not in mentions:
                mentions.append(ref.author_id)
        roles: list[int] = []
        for raw in _ROLE_MENTION.findall(text):
            rid = int(raw)
            role = world.roles.get(rid)
            if role is None or rid in roles or not ("roles" in parse or rid in roles_ok):
                continue
            if role.mentionable or can_everyone:
                roles.append(rid)
        msg.mentions = mentions
        msg.mention_roles = roles
        msg.mention_everyone = (
            ("@everyone" in text or "@here" in text) and "everyone" in parse and can_everyone
        )


def edit_errors(msg: FakeMessage, payload: Json, *, prefix: tuple[str | int, ...] = ()) -> FormErrors:
    """An edit is checked as Discord checks it: on the message it would leave, the fields it does not
    send kept as they are. So an edit that sets Components V2 on a message that has content or embeds
    (without clearing them), or that gives a Components V2 message content or embeds, is refused; and
    components sent without the flag are read as Components V2 on a message that has it."""
    merged: Json = {
        "content": msg.content,
        "embeds": msg.embeds,
        "components": msg.components,
        **payload,
        "flags": (msg.flags & FLAG_COMPONENTS_V2) | int(payload.get("flags") or 0),
    }
    return validate_message(merged, prefix=prefix)


def content_visible(msg: FakeMessage, bot_id: int, *, has_intent: bool) -> bool:
    """Discord hides other users' guild message content from apps without the message_content
    intent, unless the app is mentioned (gateway and REST alike)."""
    return has_intent or msg.author_id == bot_id or msg.guild_id is None or bot_id in msg.mentions


def hide_content(payload: Json) -> Json:
    hidden = {**payload, "content": "", "embeds": [], "attachments": [], "components": []}
    hidden.pop("poll", None)
    return hidden


def _normalise_embed(embed: Json) -> Json:
    data = dict(embed)
    data.setdefault("type", "rich")
    return data
