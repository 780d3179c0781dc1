"""Check-in at a conference morning, through the real bot: the *Je suis là* button posted when the window
opens (AGORA_CHECKIN_OPENS before the start) and closed at the end, with or without the organisers'
code, the wrong-code lockout, every polite refusal, and restarts with the button and a form open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.checkin_helpers import (
    OPENS,
    attendance_of,
    attendance_store,
    checkin_button,
    checkin_message,
    click,
    fr,
    open_form,
    open_window,
    other_code,
    set_code,
    submit_code,
    type_code,
)
from tests.e2e.events_helpers import END, START, TITLE, create_event, step


async def announced(fake):
    """/event create by olivia in #général; returns Discord's event."""
    created = await create_event(fake)
    assert "Événement créé" in created.content, created.content
    return fake.scheduled_events()[-1]


async def checked_in(bot, event, member) -> str | None:
    found = await attendance_of(bot, event.id, member.id)
    return found.how if found else None


# ---- the message --------------------------------------------------------------------------------


async def test_the_button_is_posted_once_when_the_window_opens(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        clock.set(START - OPENS - timedelta(seconds=1))
        await step(bot)
        assert checkin_message(fake, event.id) is None
        message = await open_window(fake, bot, clock, event.id)
        assert "Matinée" in message.content and not message.pings_anyone
        button = checkin_button(message)
        assert button["label"] == "Je suis là" and not button.get("disabled")
        clock.advance(minutes=5)
        await step(bot)
        assert len([m for m in fake.messages("général") if m.id == message.id]) == 1
        assert checkin_message(fake, event.id).id == message.id


async def test_checking_in_without_a_code_takes_one_click(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        message = await open_window(fake, bot, clock, event.id)
        answer = await click(fake, "alice", message, event.id)
        assert answer.is_ephemeral and answer.content.startswith("✅ Bienvenue !")
        assert not answer.saw_interaction_failed
        assert await checked_in(bot, event, fake.member("alice")) == "checkin"
        english = await click(fake, "bob", message, event.id)
        assert english.content.startswith("✅ Welcome!")


async def test_clicking_again_says_already_checked_in(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        message = await open_window(fake, bot, clock, event.id)
        await click(fake, "alice", message, event.id)
        again = await click(fake, "alice", message, event.id)
        assert again.is_ephemeral
        assert again.content == fr(bot, "events.checkin.error.already_checkin", name=TITLE)
        assert len(await attendance_store(bot).attendees(event.id)) == 1


async def test_the_window_closes_at_the_end_and_the_button_with_it(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        message = await open_window(fake, bot, clock, event.id)
        clock.set(END)
        await step(bot)
        closed = await fake.wait_for(
            lambda: checkin_button(fake.message(message.id)).get("disabled") and fake.message(message.id),
            what="the check-in button disabled",
        )
        assert closed.content == fr(bot, "events.checkin.message_closed", name=TITLE)
        late = await click(fake, "alice", message, event.id, forged=True)
        assert late.is_ephemeral and late.content == fr(bot, "events.checkin.error.closed", name=TITLE)
        assert await checked_in(bot, event, fake.member("alice")) is None


async def test_a_click_before_the_window_says_when_it_opens(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        announcement = fake.messages("général")[-1]
        clock.set(START - timedelta(hours=2))
        early = await click(fake, "alice", announcement, event.id, forged=True)
        opens = int((START - OPENS).timestamp())
        assert early.is_ephemeral
        assert early.content == fr(
            bot, "events.checkin.error.before", name=TITLE, when=f"<t:{opens}:t>", relative=f"<t:{opens}:R>"
        )
        assert await checked_in(bot, event, fake.member("alice")) is None


async def test_a_member_who_left_the_server_cannot_check_in(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        message = await open_window(fake, bot, clock, event.id)
        alice = fake.member("alice")
        await fake.remove_member(alice)
        refused = await click(fake, alice, message, event.id)
        assert refused.is_ephemeral and refused.content == fr(bot, "events.checkin.error.not_a_member")
        assert await checked_in(bot, event, alice) is None


# ---- the code -----------------------------------------------------------------------------------


async def test_the_code_is_shown_to_the_organiser_only_in_large_type(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        event = await announced(fake)
        answer, code = await set_code(fake, event.id)
        assert answer.is_ephemeral and code is not None and len(code) == 4
        assert f"# {' '.join(code)}" in answer.content
        refused = await fake.run_command("alice", "event checkin-code", {"event": str(event.id)})
        await refused.final_message(timeout=10)
        assert refused.is_ephemeral and code not in refused.content


async def test_with_a_code_the_button_asks_for_it(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, code = await set_code(fake, event.id)
        message = await open_window(fake, bot, clock, event.id)
        _, modal = await open_form(fake, "alice", message, event.id)
        assert list(modal.inputs()) == ["code"] and modal.inputs()["code"]["max_length"] == 4
        answer = await submit_code(fake, "alice", modal, code)
        assert answer.is_ephemeral and answer.content.startswith("✅ Bienvenue !")
        assert await checked_in(bot, event, fake.member("alice")) == "checkin"


async def test_running_the_command_again_replaces_the_code(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, first = await set_code(fake, event.id)
        second_answer, second = await set_code(fake, event.id)
        assert fr(bot, "events.checkin.code.replaced") in second_answer.content
        message = await open_window(fake, bot, clock, event.id)
        if first != second:
            old = await type_code(fake, "alice", message, event.id, first)
            assert old.content == fr(bot, "events.checkin.error.wrong", name=TITLE)
        assert (await type_code(fake, "alice", message, event.id, second)).content.startswith("✅")


async def test_removing_the_code_lets_the_button_check_in_at_once(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        await set_code(fake, event.id)
        removed, _ = await set_code(fake, event.id, remove=True)
        assert removed.content == fr(bot, "events.checkin.code.removed", name=TITLE)
        message = await open_window(fake, bot, clock, event.id)
        assert (await click(fake, "alice", message, event.id)).content.startswith("✅")


@pytest.mark.parametrize("typed", ["12ab", "١٢٣٤", "12 4"])
async def test_a_malformed_code_is_refused_politely(agora, fake, clock, typed):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        await set_code(fake, event.id)
        message = await open_window(fake, bot, clock, event.id)
        answer = await type_code(fake, "alice", message, event.id, typed)
        assert answer.is_ephemeral and answer.content == fr(bot, "events.checkin.error.malformed")
        assert await checked_in(bot, event, fake.member("alice")) is None
        now = int(clock.now().timestamp())
        assert await attendance_store(bot).blocked_until(event.id, fake.member("alice").id, now) is None


async def test_a_forged_code_longer_than_the_form_allows_is_malformed(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, code = await set_code(fake, event.id)
        message = await open_window(fake, bot, clock, event.id)
        _, modal = await open_form(fake, "alice", message, event.id)
        forged = await submit_code(fake, "alice", modal, code + "0" * 500, force=True)
        assert forged.content == fr(bot, "events.checkin.error.malformed")


async def test_five_wrong_codes_in_ten_minutes_block_the_member_for_ten_minutes(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, code = await set_code(fake, event.id)
        wrong = other_code(code)
        message = await open_window(fake, bot, clock, event.id)
        for _ in range(4):
            answer = await type_code(fake, "alice", message, event.id, wrong)
            assert answer.content == fr(bot, "events.checkin.error.wrong", name=TITLE)
            clock.advance(minutes=2)
        blocked = await type_code(fake, "alice", message, event.id, wrong)
        until = int(clock.now().timestamp()) + 600
        times = {"when": f"<t:{until}:t>", "relative": f"<t:{until}:R>"}
        assert blocked.content == fr(bot, "events.checkin.error.blocked", name=TITLE, **times)
        # Blocked: the button answers at once, without the form; others are not blocked.
        clock.advance(minutes=9, seconds=59)
        still = await click(fake, "alice", message, event.id)
        assert still.content == fr(bot, "events.checkin.error.blocked", name=TITLE, **times)
        assert (await type_code(fake, "bob", message, event.id, code)).content.startswith("✅")
        clock.advance(seconds=1)
        assert (await type_code(fake, "alice", message, event.id, code)).content.startswith("✅")
        assert await checked_in(bot, event, fake.member("alice")) == "checkin"


async def test_a_member_who_left_cannot_send_the_form_opened_before(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, code = await set_code(fake, event.id)
        message = await open_window(fake, bot, clock, event.id)
        alice = fake.member("alice")
        _, modal = await open_form(fake, alice, message, event.id)
        await fake.remove_member(alice)
        refused = await submit_code(fake, alice, modal, code)
        assert refused.is_ephemeral and refused.content == fr(bot, "events.checkin.error.not_a_member")
        assert await checked_in(bot, event, alice) is None


async def test_a_form_sent_after_the_end_is_refused(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, code = await set_code(fake, event.id)
        message = await open_window(fake, bot, clock, event.id)
        _, modal = await open_form(fake, "alice", message, event.id)
        clock.set(END)
        late = await submit_code(fake, "alice", modal, code)
        assert late.content == fr(bot, "events.checkin.error.closed", name=TITLE)


async def test_no_code_for_an_event_that_is_over(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        clock.set(END)
        answer, code = await set_code(fake, event.id)
        assert code is None and answer.content == fr(bot, "events.checkin.code.error.over", name=TITLE)


# ---- restarts -----------------------------------------------------------------------------------


async def test_the_button_posted_before_a_restart_still_works_and_is_not_posted_again(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        message = await open_window(fake, bot, clock, event.id)
    clock.advance(minutes=10)
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        await step(bot)
        assert checkin_message(fake, event.id).id == message.id
        answer = await click(fake, "alice", message, event.id)
        assert answer.content.startswith("✅ Bienvenue !")
        assert await checked_in(bot, event, fake.member("alice")) == "checkin"


async def test_a_form_opened_before_a_restart_still_counts(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        _, code = await set_code(fake, event.id)
        message = await open_window(fake, bot, clock, event.id)
        _, modal = await open_form(fake, "alice", message, event.id)
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        answer = await submit_code(fake, "alice", modal, code)
        assert answer.is_ephemeral and answer.content.startswith("✅ Bienvenue !")
        assert await checked_in(bot, event, fake.member("alice")) == "checkin"


async def test_the_window_that_closed_while_the_bot_was_down_is_closed_at_startup(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await announced(fake)
        message = await open_window(fake, bot, clock, event.id)
    clock.set(END + timedelta(minutes=5))
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        await step(bot)
        await fake.wait_for(
            lambda: checkin_button(fake.message(message.id)).get("disabled"), what="the button disabled"
        )
