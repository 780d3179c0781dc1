"""What members already have in their channels outlives a reorganisation of the code.

Buttons posted before the core became the `agora` package carry custom ids written by the old
layout's code; the strings below are those ids as that release wrote them, not computed by today's
code. Each message is posted, the bot is stopped and started again (as after deploying the new
layout), and the old ids are clicked.
"""

from __future__ import annotations

from bot import discover_extensions
from tests.e2e.events_helpers import END, create_event, is_call
from tests.e2e.polls_helpers import create_poll, poll_message
from tests.e2e.test_announcements import compose, posts

# The extension names of the release before the move: command sync and operators' notes name them.
EXTENSIONS_BEFORE = ["cogs.admin", "cogs.announcements", "cogs.events", "cogs.feeds", "cogs.polls"]
COMPLETED = 3


def ids_of(message) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row["components"]]


def test_every_extension_of_the_old_layout_keeps_its_name():
    assert set(EXTENSIONS_BEFORE) <= set(discover_extensions())


async def test_a_poll_posted_by_the_old_layout_takes_votes_and_closes_after_the_move(agora, fake):
    async with agora.running():
        await create_poll(fake)
        message = poll_message(fake)
        (poll_id,) = {int(custom_id.split(":")[1]) for custom_id in ids_of(message)}
        assert ids_of(message) == [f"poll:{poll_id}:0", f"poll:{poll_id}:1", f"poll:{poll_id}:2"]
    async with agora.running() as bot:
        click = await fake.click("alice", message, f"poll:{poll_id}:1")
        await click.response(timeout=10)
        assert click.is_ephemeral
        rows = await bot.database.fetch_all("SELECT user_id, position FROM poll_votes")
        assert [tuple(row) for row in rows] == [(fake.member("alice").id, 1)]


async def test_a_feedback_call_posted_by_the_old_layout_opens_the_form_after_the_move(agora, fake, clock):
    async with agora.running():
        await create_event(fake)
        (event,) = fake.scheduled_events()
        clock.set(END)
        await fake.update_scheduled_event(event, status=2)
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        assert ids_of(call) == [f"feedback:open:{event.id}"]
    async with agora.running():
        click = await fake.click("alice", call, f"feedback:open:{event.id}")
        modal = await click.modal(timeout=10)
        assert modal.custom_id == f"feedback:form:{event.id}"


async def test_an_announcement_preview_of_the_old_layout_publishes_after_the_move(agora, fake):
    async with agora.running():
        preview = await compose(fake)
        (announcement_id,) = {int(custom_id.split(":")[1]) for custom_id in ids_of(preview.message)}
        assert f"announce:{announcement_id}:publish" in ids_of(preview.message)
    async with agora.running():
        click = await fake.click("olivia", preview.message, f"announce:{announcement_id}:publish")
        await click.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        assert [post.embeds[0]["title"] for post in posts(fake)] == ["Matinée e-20"]
