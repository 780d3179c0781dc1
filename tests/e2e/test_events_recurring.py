"""A recurring conference morning through the real bot and the fake Discord: when Discord moves the event
on to its next occurrence, the morning that ended keeps who registered and who came (its feedback DMs
go to them), and the next one starts afresh on the same announcement and with a check-in of its own."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.checkin_helpers import OPENS, checkin_id, open_window
from tests.e2e.checkin_helpers import click as check_in
from tests.e2e.events_helpers import END, START, button, custom_ids, is_call, step
from tests.e2e.registration_helpers import (
    ACTIVE,
    SCHEDULED,
    buttons,
    create_with_places,
    register,
    shows,
)

WEEK = timedelta(days=7)


async def one_morning(fake, bot, clock, event, *, came=()):
    """The event runs (members in `came` check in), its check-in closes at the end, then Discord moves
    it on to next week, as it does with an occurrence of a recurring event. Returns the id of the
    occurrence that ended, from its feedback call."""
    door = await open_window(fake, bot, clock, event.id)
    for member in came:
        await check_in(fake, member, door, event.id)
    clock.set(START)
    await fake.update_scheduled_event(event, status=ACTIVE)
    await fake.wait_for(
        lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id).status.value == ACTIVE,
        what="the start",
    )
    clock.set(END)
    await step(bot)  # the window closes: last week's button is disabled
    await fake.update_scheduled_event(
        event,
        status=SCHEDULED,
        scheduled_start_time=(START + WEEK).isoformat(),
        scheduled_end_time=(END + WEEK).isoformat(),
    )
    call = await fake.wait_for_message(
        "général", lambda m: any(i and i.startswith("feedback:open:") for i in custom_ids(m))
    )
    occurrence = int(button(call)["custom_id"].split(":")[2])
    assert occurrence != event.id
    return occurrence


async def test_the_next_occurrence_starts_with_its_places_free_and_the_last_one_keeps_who_came(
    agora, fake, clock
):
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 2)
        for member in ("alice", "bob"):
            await register(fake, member, message, event.id)
        occurrence = await one_morning(fake, bot, clock, event, came=("bob",))

        # Neither clicked "Interested": the morning that ended knows them as registered and present.
        for member in ("alice", "bob"):
            await fake.wait_for_dm(member, lambda m: is_call(m, occurrence), timeout=10)
        # The announcement shows next week's places, free again, with its buttons open.
        shown = await shows(fake, message, "**0 / 2** places")
        assert not buttons(shown)[f"event:register:{event.id}"].get("disabled")
        again = await register(fake, "alice", message, event.id)
        assert again.content.startswith("✅ Vous êtes inscrit·e"), again.content
        await shows(fake, message, "**1 / 2** places")


async def test_the_next_occurrence_gets_a_check_in_button_of_its_own(agora, fake, clock):
    async with agora.running() as bot:
        event, _ = await create_with_places(fake, 2)
        await one_morning(fake, bot, clock, event, came=("alice",))
        (last_week,) = [m for m in fake.messages("général") if checkin_id(event.id) in custom_ids(m)]

        clock.set(START + WEEK - OPENS)
        await step(bot)
        (door,) = [
            m
            for m in fake.messages("général")
            if checkin_id(event.id) in custom_ids(m) and m.id != last_week.id
        ]
        assert not buttons(door)[checkin_id(event.id)].get("disabled")
        answer = await check_in(fake, "alice", door, event.id)
        assert answer.content.startswith("✅ Bienvenue !"), answer.content
