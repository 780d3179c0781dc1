"""`agora.components.custom_ids`: every custom id of a message read back from Discord, wherever its
component sits (a row of a classic message; a Components V2 message's containers, rows and sections)."""

from __future__ import annotations

from typing import Any

import discord
from discord.components import _component_factory

from agora.components import custom_ids


def button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 2, "label": "…", "custom_id": custom_id}


def read_back(*payloads: dict[str, Any]) -> list[discord.Component]:
    """Components as discord.py builds them from a message Discord sends."""
    return [c for c in (_component_factory(p, None) for p in payloads) if c is not None]  # type: ignore[arg-type]


def test_a_classic_messages_rows_give_their_buttons_and_menus():
    components = read_back(
        {
            "type": 1,
            "components": [
                button("feedback:open:1"),
                {"type": 2, "style": 5, "label": "↗", "url": "https://x.y"},
            ],
        },
        {
            "type": 1,
            "components": [{"type": 3, "custom_id": "menu:1", "options": [{"label": "a", "value": "a"}]}],
        },
    )
    assert list(custom_ids(components)) == ["feedback:open:1", "menu:1"]


def test_a_components_v2_message_gives_the_ids_inside_containers_rows_and_sections():
    components = read_back(
        {"type": 10, "content": "Texte"},
        {
            "type": 17,
            "components": [
                {
                    "type": 9,
                    "components": [{"type": 10, "content": "Section"}],
                    "accessory": button("speaker:send:7"),
                },
                {"type": 1, "components": [button("speaker:withhold:7")]},
            ],
        },
        {"type": 1, "components": [button("feedback:page:1:1")]},
    )
    assert list(custom_ids(components)) == ["speaker:send:7", "speaker:withhold:7", "feedback:page:1:1"]


def test_a_message_without_components_gives_none():
    assert list(custom_ids([])) == []
