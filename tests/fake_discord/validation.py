"""Discord's documented limits, answered the way Discord does: 400 / code 50035 "Invalid Form Body"."""

from __future__ import annotations

import re
from typing import Any

from .models import FLAG_COMPONENTS_V2, Json

# fmt: off
LOCALES = frozenset([
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl",
    "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja",
    "zh-TW", "ko",
])
# fmt: on
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_URL_SCHEMES = ("http://", "https://")


class FormErrors:
    """Collects errors under Discord's nested ``{"a": {"0": {"b": {"_errors": [...]}}}}`` layout."""

    def __init__(self) -> None:
        self.errors: Json = {}

    def __bool__(self) -> bool:
        return bool(self.errors)

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.errors
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_len(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length(self, path: tuple[str | int, ...], value: Any, low: int, high: int) -> None:
        if value is None or not isinstance(value, str | list) or not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def body(self) -> Json:
        return {"code": 50035, "message": "Invalid Form Body", "errors": self.errors}


def _url(errs: FormErrors, path: tuple[str | int, ...], value: Any, *, attachment_ok: bool = False) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not (
        value.startswith(_URL_SCHEMES) or (attachment_ok and value.startswith("attachment://"))
    ):
        errs.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


def validate_embeds(errs: FormErrors, prefix: tuple[str | int, ...], embeds: Any) -> None:
    if not isinstance(embeds, list):
        return
    errs.max_len((*prefix, "embeds"), embeds, 10)
    total = 0
    for i, embed in enumerate(embeds):
        p = (*prefix, "embeds", i)
        errs.max_len((*p, "title"), embed.get("title"), 256)
        errs.max_len((*p, "description"), embed.get("description"), 4096)
        fields = embed.get("fields") or []
        errs.max_len((*p, "fields"), fields, 25)
        for j, fld in enumerate(fields):
            errs.length((*p, "fields", j, "name"), fld.get("name"), 1, 256)
            errs.length((*p, "fields", j, "value"), fld.get("value"), 1, 1024)
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
        footer, author = embed.get("footer") or {}, embed.get("author") or {}
        errs.max_len((*p, "footer", "text"), footer.get("text"), 2048)
        errs.max_len((*p, "author", "name"), author.get("name"), 256)
        color = embed.get("color")
        if color is not None and not 0 <= int(color) <= 0xFFFFFF:
            errs.add((*p, "color"), "NUMBER_TYPE_MAX", "int value should be <= 16777215.")
        _url(errs, (*p, "url"), embed.get("url"))
        _url(errs, (*p, "author", "url"), author.get("url"))
        for key in ("image", "thumbnail"):
            _url(errs, (*p, key, "url"), (embed.get(key) or {}).get("url"), attachment_ok=True)
        _url(errs, (*p, "footer", "icon_url"), footer.get("icon_url"), attachment_ok=True)
        _url(errs, (*p, "author", "icon_url"), author.get("icon_url"), attachment_ok=True)
        for text in (embed.get("title"), embed.get("description"), footer.get("text"), author.get("name")):
            total += len(text or "")
    if total > 6000:
        errs.add((*prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _validate_select(errs: FormErrors, p: tuple[str | int, ...], comp: Json) -> None:
    errs.length((*p, "custom_id"), comp.get("custom_id"), 1, 100)
    errs.max_len((*p, "placeholder"), comp.get("placeholder"), 150)
    for key in ("min_values", "max_values"):
        value = comp.get(key)
        if value is not None and not 0 <= value <= 25:
            errs.add((*p, key), "NUMBER_TYPE_MAX", "int value should be <= 25.")
    if comp["type"] == 3:
        options = comp.get("options") or []
        errs.length((*p, "options"), options, 1, 25)
        for k, opt in enumerate(options):
            errs.length((*p, "options", k, "label"), opt.get("label"), 1, 100)
            errs.length((*p, "options", k, "value"), opt.get("value"), 1, 100)
            errs.max_len((*p, "options", k, "description"), opt.get("description"), 100)


def _validate_button(errs: FormErrors, p: tuple[str | int, ...], comp: Json) -> None:
    style = comp.get("style")
    errs.max_len((*p, "label"), comp.get("label"), 80)
    if style == 5:
        _url(errs, (*p, "url"), comp.get("url"))
        if comp.get("url") is None:
            errs.add((*p, "url"), "BASE_TYPE_REQUIRED", "This field is required")
    elif style in (1, 2, 3, 4):
        errs.length((*p, "custom_id"), comp.get("custom_id"), 1, 100)
    elif style != 6:
        errs.add(
            (*p, "style"), "BASE_TYPE_CHOICES", f"Value must be one of {{1, 2, 3, 4, 5, 6}}. Got {style}"
        )
    if not comp.get("label") and not comp.get("emoji") and style != 6:
        errs.add((*p,), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A button requires a label or an emoji")


def _validate_row(errs: FormErrors, p: tuple[str | int, ...], row: Json) -> None:
    children = row.get("components") or []
    errs.length((*p, "components"), children, 1, 5)
    selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
    if selects and len(children) > 1:
        errs.add(
            (*p, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for j, comp in enumerate(children):
        cp = (*p, "components", j)
        if comp.get("type") == 2:
            _validate_button(errs, cp, comp)
        elif comp.get("type") in (3, 5, 6, 7, 8):
            _validate_select(errs, cp, comp)
        else:
            errs.add(
                (*cp, "type"), "COMPONENT_TYPE_INVALID", f"Component type {comp.get('type')} is invalid here"
            )


def _validate_v2(
    errs: FormErrors, prefix: tuple[str | int, ...], comps: list[Json], counter: list[int]
) -> None:
    for i, comp in enumerate(comps):
        counter[0] += 1
        p = (*prefix, i)
        kind = comp.get("type")
        if kind == 1:
            _validate_row(errs, p, comp)
            counter[0] += len(comp.get("components") or [])
        elif kind in (9, 17):
            _validate_v2(errs, (*p, "components"), comp.get("components") or [], counter)
            if isinstance(comp.get("accessory"), dict):
                counter[0] += 1
                if comp["accessory"].get("type") == 2:
                    _validate_button(errs, (*p, "accessory"), comp["accessory"])
        elif kind == 10:
            errs.length((*p, "content"), comp.get("content"), 1, 4000)


def validate_message(payload: Json, *, prefix: tuple[str | int, ...] = ()) -> FormErrors:
    """Checks a message create/edit body (channel message, interaction response data or webhook)."""
    errs = FormErrors()
    content = payload.get("content")
    if content is not None:
        errs.max_len((*prefix, "content"), str(content), 2000)
    validate_embeds(errs, prefix, payload.get("embeds"))
    components = payload.get("components")
    flags = int(payload.get("flags") or 0)
    if isinstance(components, list):
        if flags & FLAG_COMPONENTS_V2:
            if content or payload.get("embeds"):
                errs.add(
                    (*prefix, "content" if content else "embeds"),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' and 'embeds' fields cannot be used with MessageFlags.IS_COMPONENTS_V2",
                )
            counter = [0]
            _validate_v2(errs, (*prefix, "components"), components, counter)
            if counter[0] > 40:
                errs.add((*prefix, "components"), "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")
            # Discord also limits the text of a message's text displays together, not only each one.
            text = sum(len(c.get("content") or "") for c in _walk(components) if c.get("type") == 10)
            if text > 4000:
                errs.add(
                    (*prefix, "components"),
                    "COMPONENTS_TEXT_TOO_LONG",
                    "The total length of text displays must be 4000 or fewer.",
                )
        else:
            errs.max_len((*prefix, "components"), components, 5)
            for i, row in enumerate(components):
                if row.get("type") != 1:
                    errs.add(
                        (*prefix, "components", i, "type"), "COMPONENT_TYPE_INVALID", "Expected an action row"
                    )
                else:
                    _validate_row(errs, (*prefix, "components", i), row)
        ids = [c["custom_id"] for c in _walk(components) if c.get("custom_id")]
        if len(ids) != len(set(ids)):
            errs.add(
                (*prefix, "components"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
    mentions = payload.get("allowed_mentions")
    if isinstance(mentions, dict):
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                errs.add(
                    (*prefix, "allowed_mentions"),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
    return errs


def is_empty_message(payload: Json, has_files: bool) -> bool:
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or has_files
    )


def _walk(components: list[Json]) -> list[Json]:
    out: list[Json] = []
    for comp in components:
        out.append(comp)
        out.extend(_walk(comp.get("components") or []))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(_walk([comp[key]]))
    return out


def validate_modal(data: Json) -> FormErrors:
    errs = FormErrors()
    p: tuple[str | int, ...] = ("data",)
    errs.length((*p, "title"), data.get("title"), 1, 45)
    errs.length((*p, "custom_id"), data.get("custom_id"), 1, 100)
    comps = data.get("components") or []
    errs.length((*p, "components"), comps, 1, 5)
    for i, comp in enumerate(comps):
        cp = (*p, "components", i)
        kind = comp.get("type")
        if kind == 1:
            inner = comp.get("components") or []
            errs.length((*cp, "components"), inner, 1, 1)
            for j, item in enumerate(inner):
                _validate_modal_item(errs, (*cp, "components", j), item, in_label=False)
        elif kind == 18:
            errs.length((*cp, "label"), comp.get("label"), 1, 45)
            errs.max_len((*cp, "description"), comp.get("description"), 100)
            _validate_modal_item(errs, (*cp, "component"), comp.get("component") or {}, in_label=True)
        elif kind == 10:
            errs.length((*cp, "content"), comp.get("content"), 1, 4000)
        else:
            errs.add((*cp, "type"), "COMPONENT_TYPE_INVALID", f"Component type {kind} is invalid in a modal")
    return errs


def _validate_modal_item(errs: FormErrors, p: tuple[str | int, ...], item: Json, *, in_label: bool) -> None:
    kind = item.get("type")
    errs.length((*p, "custom_id"), item.get("custom_id"), 1, 100)
    if kind == 4:
        if not in_label:
            errs.length((*p, "label"), item.get("label"), 1, 45)
        errs.max_len((*p, "placeholder"), item.get("placeholder"), 100)
        errs.max_len((*p, "value"), item.get("value"), 4000)
        for key, low in (("min_length", 0), ("max_length", 1)):
            value = item.get(key)
            if value is not None and not low <= value <= 4000:
                errs.add((*p, key), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
        if item.get("style") not in (1, 2):
            errs.add((*p, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    elif kind in (3, 5, 6, 7, 8):
        if not in_label:
            errs.add((*p, "type"), "COMPONENT_TYPE_INVALID", "Selects in modals must be inside a Label")
        _validate_select(errs, p, item)
    elif kind in (19, 21, 22, 23):
        if not in_label:
            errs.add((*p, "type"), "COMPONENT_TYPE_INVALID", "This component must be inside a Label")
        if kind in (21, 22):
            _validate_group(errs, p, item)
    else:
        errs.add((*p, "type"), "COMPONENT_TYPE_INVALID", f"Component type {kind} is invalid in a modal")


def _validate_group(errs: FormErrors, p: tuple[str | int, ...], item: Json) -> None:
    """Radio group (21): 2-10 options, one default at most; checkbox group (22): 1-10 options."""
    radio, options = item.get("type") == 21, item.get("options") or []
    errs.length((*p, "options"), options, 2 if radio else 1, 10)
    for k, opt in enumerate(options):
        errs.length((*p, "options", k, "label"), opt.get("label"), 1, 100)
        errs.length((*p, "options", k, "value"), opt.get("value"), 1, 100)
        errs.max_len((*p, "options", k, "description"), opt.get("description"), 100)
    defaults = sum(1 for opt in options if opt.get("default"))
    low, high = (None, 1) if radio else (item.get("min_values"), item.get("max_values"))
    if low is not None and not (0 <= low <= 10 and (low or not item.get("required", True))):
        errs.add((*p, "min_values"), "BASE_TYPE_BAD_VALUE", "0-10, and 0 only when not required")
    if high is not None and not (max(1, low or 0, defaults) <= high <= 10):
        where = "options" if radio else "max_values"
        errs.add((*p, where), "BASE_TYPE_BAD_VALUE", "More defaults or min_values than max_values (1-10)")


def validate_autocomplete(data: Json) -> FormErrors:
    errs = FormErrors()
    choices = data.get("choices") or []
    errs.max_len(("data", "choices"), choices, 25)
    for i, choice in enumerate(choices):
        errs.length(("data", "choices", i, "name"), choice.get("name"), 1, 100)
        if isinstance(choice.get("value"), str):
            errs.max_len(("data", "choices", i, "value"), choice["value"], 100)
    return errs


def _validate_localizations(
    errs: FormErrors, p: tuple[str | int, ...], value: Any, low: int, high: int, *, name: bool
) -> None:
    if not value:
        return
    for locale, text in value.items():
        if locale not in LOCALES:
            errs.add((*p, locale), "LOCALE_INVALID", f"Invalid locale {locale!r}")
            continue
        errs.length((*p, locale), text, low, high)
        if name and isinstance(text, str) and (not _COMMAND_NAME.match(text) or text != text.lower()):
            errs.add((*p, locale), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _validate_named(errs: FormErrors, p: tuple[str | int, ...], obj: Json, *, chat_input: bool) -> None:
    name = obj.get("name")
    if chat_input:
        if not isinstance(name, str) or not _COMMAND_NAME.match(name) or name != name.lower():
            errs.add((*p, "name"), "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
        errs.length((*p, "description"), obj.get("description"), 1, 100)
    else:
        errs.length((*p, "name"), name, 1, 32)
    _validate_localizations(
        errs, (*p, "name_localizations"), obj.get("name_localizations"), 1, 32, name=chat_input
    )
    _validate_localizations(
        errs, (*p, "description_localizations"), obj.get("description_localizations"), 1, 100, name=False
    )


def _validate_options(errs: FormErrors, p: tuple[str | int, ...], options: list[Json], depth: int) -> None:
    errs.max_len(p, options, 25)
    names = [o.get("name") for o in options]
    if len(names) != len(set(names)):
        errs.add(p, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
    seen_optional = False
    for i, opt in enumerate(options):
        op = (*p, i)
        _validate_named(errs, op, opt, chat_input=True)
        kind = opt.get("type")
        if kind in (1, 2):
            if depth >= 2 or (kind == 2 and depth >= 1):
                errs.add(
                    (*op, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command nesting too deep"
                )
            _validate_options(errs, (*op, "options"), opt.get("options") or [], depth + 1)
            continue
        if opt.get("required"):
            if seen_optional:
                errs.add(
                    (*op, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        errs.max_len((*op, "choices"), choices, 25)
        if choices and opt.get("autocomplete"):
            errs.add(
                (*op, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES",
                "Cannot have choices and autocomplete",
            )
        for j, choice in enumerate(choices):
            errs.length((*op, "choices", j, "name"), choice.get("name"), 1, 100)
            if isinstance(choice.get("value"), str):
                errs.length((*op, "choices", j, "value"), choice["value"], 1, 100)
            _validate_localizations(
                errs,
                (*op, "choices", j, "name_localizations"),
                choice.get("name_localizations"),
                1,
                100,
                name=False,
            )


def validate_commands(commands: list[Json]) -> FormErrors:
    errs = FormErrors()
    if len([c for c in commands if c.get("type", 1) == 1]) > 100:
        errs.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    keys = [(c.get("type", 1), c.get("name")) for c in commands]
    if len(keys) != len(set(keys)):
        errs.add((), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
    for i, cmd in enumerate(commands):
        validate_command(errs, (i,), cmd)
    return errs


def validate_command(errs: FormErrors, p: tuple[str | int, ...], cmd: Json) -> None:
    chat_input = cmd.get("type", 1) == 1
    _validate_named(errs, p, cmd, chat_input=chat_input)
    if chat_input:
        _validate_options(errs, (*p, "options"), cmd.get("options") or [], 0)
