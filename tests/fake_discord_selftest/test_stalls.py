"""Stalled edits: held unanswered and never applied, then dropped when released."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.fake_discord import FakeDiscord


async def test_a_stalled_edit_is_never_applied_and_later_edits_go_through():
    async with (
        FakeDiscord() as fake,
        aiohttp.ClientSession(headers={"Authorization": "Bot fake-token"}) as http,
    ):
        messages = f"{fake.api_url}/channels/{fake.channel('général').id}/messages"
        async with http.post(messages, json={"content": "avant"}) as answer:
            message_id = (await answer.json())["id"]
        fake.stalled_edits.stall(int(message_id))

        stalled = asyncio.create_task(http.patch(f"{messages}/{message_id}", json={"content": "perdu"}))
        await fake.wait_for(lambda: fake.stalled_edits.stalled == 1, what="the edit held")
        assert not stalled.done()
        assert fake.message(int(message_id)).content == "avant"

        fake.stalled_edits.release()
        assert (await stalled).status == 418
        async with http.patch(f"{messages}/{message_id}", json={"content": "après"}) as answer:
            assert answer.status == 200
        assert fake.message(int(message_id)).content == "après"
