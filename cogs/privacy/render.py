"""What a member gets from `/privacy`: the export's JSON document and file name, and the short texts
that say what it holds and what forgetting deleted. Pure: no discord, no I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from agora.i18n import Words
from agora.privacy import Exported, snowflake

FORMAT = 1  # the export's layout, for whoever reads it later


def file_name(user_id: int, now: datetime) -> str:
    return f"agora-{user_id}-{now.astimezone(UTC):%Y-%m-%d}.json"


def export_document(user_id: int, now: datetime, sections: Mapping[str, Exported]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "member_id": snowflake(user_id),
        "exported_at": now.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        **sections,
    }


def export_bytes(document: Mapping[str, Any]) -> bytes:
    # Indented and with accents as they are: the member reads it in a text editor.
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def items(section: Exported) -> int:
    """What a section holds, counted as a person would: each entry of a list, each value set."""
    count = 0
    for value in section.values():
        if isinstance(value, list):
            count += len(value)
        elif value not in (None, "", {}):
            count += 1
    return count


def section_name(section: str, words: Words) -> str:
    return words(f"privacy.section.{section}")


def export_summary(sections: Mapping[str, Exported], words: Words) -> str:
    counts = {section: items(data) for section, data in sections.items()}
    if not any(counts.values()):
        return words("privacy.export.empty")
    return "\n".join([words("privacy.export.summary"), *count_lines(counts, words)])


def count_lines(counts: Mapping[str, int], words: Words) -> list[str]:
    return [f"• {words('privacy.line', section=section_name(s, words), count=n)}" for s, n in counts.items()]


def kept_lines(kept: Iterable[str], words: Words) -> list[str]:
    return [words(key) for key in kept]


def confirmation_text(kept: Iterable[str], words: Words) -> str:
    return "\n\n".join([words("privacy.forget.ask"), *kept_lines(kept, words)])


def forgotten_text(changed: Mapping[str, int], kept: Iterable[str], words: Words) -> str:
    done = "\n".join([words("privacy.forget.done"), *count_lines(changed, words)])
    return "\n\n".join([done, *kept_lines(kept, words)])
