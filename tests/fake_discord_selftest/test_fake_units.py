"""Fast checks of the fake's own rules (no bot): permissions, limits, mentions, raw HTTP and gateway."""

from __future__ import annotations

import json
import zlib

import aiohttp
import pytest

from tests.fake_discord import FakeDiscord, Perm
from tests.fake_discord.validation import validate_commands, validate_message, validate_modal
from tests.fake_discord.world import World


def codes(errors: dict) -> list[str]:
    found: list[str] = []
    for key, value in errors.items():
        if key == "_errors":
            found += [e["code"] for e in value]
        elif isinstance(value, dict):
            found += codes(value)
    return found


def test_default_world_permissions():
    world = World()
    assert not world.permissions("alice", "organisateurs") & Perm.VIEW_CHANNEL
    assert world.permissions("olivia", "organisateurs") & Perm.VIEW_CHANNEL
    assert world.permissions("agora", "organisateurs") & Perm.SEND_MESSAGES
    lecture = world.permissions("agora", "lecture-seule")
    assert lecture & Perm.VIEW_CHANNEL and not lecture & Perm.SEND_MESSAGES
    assert not lecture & Perm.EMBED_LINKS  # implicitly lost with SEND_MESSAGES
    assert world.permissions("adam", "organisateurs") & Perm.ADMINISTRATOR
    assert not world.permissions("alice", "annonces") & Perm.SEND_MESSAGES
    assert world.permissions("agora", "annonces") & Perm.SEND_MESSAGES
    thread = world.add_channel("fil", 11, parent="lecture-seule")
    assert world.permissions("alice", thread) & Perm.SEND_MESSAGES_IN_THREADS
    world.set_overwrite("général", "bob", deny=["view_channel"])
    assert world.permissions("bob", "général") == 0


def test_message_limits():
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "x", "custom_id": f"b{i}"} for i in range(6)],
    }
    assert "BASE_TYPE_BAD_LENGTH" in codes(validate_message({"components": [row]}).errors)
    rows = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": f"r{i}"}]}
        for i in range(6)
    ]
    assert "BASE_TYPE_MAX_LENGTH" in codes(validate_message({"components": rows}).errors)
    select = {"type": 3, "custom_id": "s", "options": [{"label": str(i), "value": str(i)} for i in range(26)]}
    assert validate_message({"components": [{"type": 1, "components": [select]}]})
    long_button = {"type": 2, "style": 1, "label": "l" * 81, "custom_id": "c" * 101}
    errs = validate_message({"components": [{"type": 1, "components": [long_button]}]}).errors
    assert set(errs["components"]["0"]["components"]["0"]) == {"label", "custom_id"}
    assert validate_message({"embeds": [{"title": "t"}] * 11})
    assert validate_message({"embeds": [{"description": "d" * 4097}]})
    assert validate_message({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]})
    big = [{"description": "d" * 3000}, {"description": "d" * 3001}]
    assert "MAX_EMBED_SIZE_EXCEEDED" in codes(validate_message({"embeds": big}).errors)
    assert not validate_message({"content": "x" * 2000, "embeds": [{"title": "t" * 256}]})
    modal = {
        "title": "t" * 46,
        "custom_id": "m",
        "components": [{"type": 1, "components": [{"type": 4, "custom_id": "a", "style": 1, "label": "A"}]}],
    }
    assert list(validate_modal(modal).errors["data"]) == ["title"]


def test_components_v2_text_displays_share_4000_characters():
    v2 = 1 << 15

    def texts(*sizes: int) -> dict:
        return {"flags": v2, "components": [{"type": 10, "content": "t" * size} for size in sizes]}

    assert not validate_message(texts(2000, 2000))
    assert "COMPONENTS_TEXT_TOO_LONG" in codes(validate_message(texts(2000, 2001)).errors)
    inside = {"flags": v2, "components": [{"type": 17, "components": texts(3000, 1001)["components"]}]}
    assert "COMPONENTS_TEXT_TOO_LONG" in codes(validate_message(inside).errors)


async def test_mentions_in_components_v2_text_displays_follow_allowed_mentions():
    async with FakeDiscord() as fake:
        general, alice = fake.channel("général"), fake.member("alice")
        components = [{"type": 10, "content": f"Merci <@{alice.id}>"}]

        def post(**payload: object) -> object:
            return fake.factory.create(
                channel_id=general.id,
                author_id=fake.bot.id,
                payload={"flags": 1 << 15, "components": components, **payload},
                files=[],
                guild_id=fake.guild.id,
            )

        assert post().mentions == [alice.id]
        assert not post(allowed_mentions={"parse": []}).pings_anyone


def test_command_limits():
    good = {"name": "sondage", "description": "Créer", "name_localizations": {"fr": "sondage"}}
    assert not validate_commands([good])
    assert validate_commands([{**good, "name": "Sondage"}])
    assert validate_commands([{**good, "description": "d" * 101}])
    assert validate_commands([{**good, "name_localizations": {"fr-FR": "x"}}])
    assert validate_commands([good, good])
    options = [
        {"type": 3, "name": "a", "description": "a"},
        {"type": 3, "name": "b", "description": "b", "required": True},
    ]
    assert "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID" in codes(
        validate_commands([{**good, "options": options}]).errors
    )


async def test_mentions_follow_allowed_mentions():
    async with FakeDiscord() as fake:
        general = fake.channel("général")
        alice, admin = fake.member("alice"), fake.role("Admin")
        text = f"<@{alice.id}> <@&{admin.id}> @everyone"
        default = fake.factory.create(
            channel_id=general.id,
            author_id=fake.bot.id,
            payload={"content": text},
            files=[],
            guild_id=fake.guild.id,
        )
        assert default.mentions == [alice.id] and default.mention_roles == [] and not default.mention_everyone
        none = fake.factory.create(
            channel_id=general.id,
            author_id=fake.bot.id,
            payload={"content": text, "allowed_mentions": {"parse": []}},
            files=[],
            guild_id=fake.guild.id,
        )
        assert not none.pings_anyone


async def test_raw_http_errors_are_discord_shaped():
    async with (
        FakeDiscord() as fake,
        aiohttp.ClientSession(headers={"Authorization": "Bot fake-token"}) as http,
    ):
        async with http.get(f"{fake.api_url}/nothing/here") as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 0
        async with http.get(f"{fake.api_url}/channels/1") as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10003
        async with http.get(f"{fake.api_url}/guilds/{fake.guild.id}/members") as resp:
            assert resp.status == 403 and (await resp.json())["code"] == 50001  # privileged intent off
        url = f"{fake.api_url}/channels/{fake.channel('général').id}/messages"
        async with http.post(url, json={"content": ""}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 50006
        async with http.post(url, data="{oops", headers={"Content-Type": "application/json"}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 50109
        assert [r.status for r in fake.requests] == [404, 404, 403, 400, 400]
        assert fake.internal_errors == []


async def _receive(ws: aiohttp.ClientWebSocketResponse, inflator: zlib._Decompress) -> dict:
    msg = await ws.receive(timeout=5)
    assert msg.type is aiohttp.WSMsgType.BINARY, msg
    assert msg.data.endswith(b"\x00\x00\xff\xff")
    return json.loads(inflator.decompress(msg.data))


@pytest.mark.parametrize(
    ("token", "intents", "close_code"), [("bad", 513, 4004), ("fake-token", 1 << 1, 4014)]
)
async def test_gateway_rejects_bad_identify(token, intents, close_code):
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        url = fake.gateway_url + "?v=10&encoding=json&compress=zlib-stream"
        ws = await http.ws_connect(url)
        inflator = zlib.decompressobj()
        hello = await _receive(ws, inflator)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250
        await ws.send_json({"op": 1, "d": None})
        assert (await _receive(ws, inflator))["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": token, "intents": intents, "properties": {}}})
        msg = await ws.receive(timeout=5)
        assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == close_code
        await ws.close()
        assert fake.identify_count == 0
