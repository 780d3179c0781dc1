"""Edits and Components V2, as Discord checks them: on the message the edit would leave. The flag cannot
be set on a message that keeps content or embeds, a V2 message cannot be given content or embeds, and
the flag, once set, stays (through the REST edit and a click answered by editing the clicked message)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest

from tests.fake_discord import FakeDiscord
from tests.fake_discord.models import FLAG_COMPONENTS_V2

TEXT = {"type": 10, "content": "Une étape en Components V2"}
BUTTON_ROW = {"type": 1, "components": [{"type": 2, "style": 2, "label": "Suite", "custom_id": "v2:next"}]}
LEGACY = {"content": "L’appel à donner son avis", "embeds": [{"title": "Matinée"}]}


@pytest.fixture
async def http(fake: FakeDiscord) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as session:
        yield session


async def post(fake: FakeDiscord, http: aiohttp.ClientSession, body: dict[str, Any]) -> int:
    url = f"{fake.api_url}/channels/{fake.channel('général').id}/messages"
    async with http.post(url, json=body) as resp:
        assert resp.status == 200, await resp.text()
        return int((await resp.json())["id"])


async def edit(fake: FakeDiscord, http: aiohttp.ClientSession, message_id: int, body: dict[str, Any]) -> Any:
    url = f"{fake.api_url}/channels/{fake.channel('général').id}/messages/{message_id}"
    async with http.patch(url, json=body) as resp:
        return resp.status, await resp.json()


def shown(fake: FakeDiscord, message_id: int) -> tuple[Any, ...]:
    message = fake.message(message_id)
    return (message.content, message.embeds, message.components, message.flags, message.edits)


async def test_setting_the_flag_on_a_message_with_content_or_embeds_is_refused(fake, http):
    message_id = await post(fake, http, LEGACY)
    before = shown(fake, message_id)
    status, body = await edit(fake, http, message_id, {"flags": FLAG_COMPONENTS_V2, "components": [TEXT]})
    assert (status, body["code"]) == (400, 50035)
    assert "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2" in str(body["errors"])
    # Clearing only one of the two is not enough either.
    status, _ = await edit(
        fake, http, message_id, {"flags": FLAG_COMPONENTS_V2, "content": "", "components": [TEXT]}
    )
    assert status == 400
    assert shown(fake, message_id) == before


async def test_clearing_content_and_embeds_lets_the_flag_be_set(fake, http):
    message_id = await post(fake, http, LEGACY)
    status, _ = await edit(
        fake,
        http,
        message_id,
        {"flags": FLAG_COMPONENTS_V2, "content": "", "embeds": [], "components": [TEXT, BUTTON_ROW]},
    )
    assert status == 200
    message = fake.message(message_id)
    assert message.flags & FLAG_COMPONENTS_V2 and message.content == "" and message.embeds == []


async def test_a_components_v2_message_takes_no_content_or_embeds_and_keeps_its_flag(fake, http):
    message_id = await post(fake, http, {"flags": FLAG_COMPONENTS_V2, "components": [TEXT]})
    before = shown(fake, message_id)
    for body in ({"content": "Du texte"}, {"embeds": [{"title": "Un embed"}]}, {"flags": 0, **LEGACY}):
        status, answer = await edit(fake, http, message_id, body)
        assert (status, answer["code"]) == (400, 50035), body
    assert shown(fake, message_id) == before
    # Components sent without the flag are read as Components V2: the flag cannot be removed.
    status, _ = await edit(fake, http, message_id, {"flags": 0, "components": [TEXT, BUTTON_ROW]})
    assert status == 200 and fake.message(message_id).flags & FLAG_COMPONENTS_V2


class TurnIntoStep(discord.ui.View):
    """A button whose answer edits the clicked message into a Components V2 one, as a careless bot might."""

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.refused: list[int] = []

    @discord.ui.button(label="Étape", custom_id="v2:step")
    async def step(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        layout = discord.ui.LayoutView()
        layout.add_item(discord.ui.TextDisplay("Votre étape, à vous seul·e"))
        try:
            await interaction.response.edit_message(view=layout)
        except discord.HTTPException as error:
            self.refused.append(error.code)
            await interaction.response.send_message("Refusé", ephemeral=True)


async def test_a_click_answered_by_turning_a_message_with_embeds_into_components_v2_is_refused(fake):
    client = discord.Client(intents=discord.Intents.default())
    view = TurnIntoStep()
    async with fake.run_bot(client) as running:
        running.add_view(view)
        channel = running.get_channel(fake.channel("général").id)
        assert isinstance(channel, discord.TextChannel)
        posted = await channel.send(LEGACY["content"], embed=discord.Embed(title="Matinée"), view=view)
        before = shown(fake, posted.id)
        click = await fake.click("alice", fake.message(posted.id), "v2:step")
        assert (await click.response(timeout=5)).name == "CHANNEL_MESSAGE_WITH_SOURCE"
        assert view.refused == [50035]
        assert [(where, status) for where, status, _ in click.rejections] == [("callback", 400)]
        assert shown(fake, posted.id) == before
