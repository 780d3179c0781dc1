"""Events across restarts: pending reminders and calls still fire, a call whose time passed while the
bot was down goes out at startup, old buttons keep working, and nothing is done twice."""

from __future__ import annotations

from datetime import timedelta

import aiosqlite

from tests.e2e.events_helpers import (
    END,
    START,
    answer,
    calls,
    create_event,
    is_call,
    open_form,
    reminders,
    step,
)

COMPLETED = 3


async def test_a_reminder_due_while_the_bot_was_down_is_sent_once_after_it(agora, fake, clock):
    async with agora.running():
        await create_event(fake)
    clock.set(START - timedelta(hours=23))
    async with agora.running() as bot:
        await step(bot)
        assert len(reminders(fake)) == 1
    async with agora.running() as bot:
        await step(bot)
        assert len(reminders(fake)) == 1
        clock.set(START - timedelta(minutes=30))
        await step(bot)
        assert len(reminders(fake)) == 2


async def test_when_both_reminders_fell_due_while_down_only_the_nearest_is_sent(agora, fake, clock):
    async with agora.running():
        await create_event(fake)
    clock.set(START - timedelta(minutes=20))
    async with agora.running() as bot:
        await step(bot)
        (reminder,) = reminders(fake)
        assert f"<t:{int(START.timestamp())}:R>" in reminder.content
    clock.set(START + timedelta(minutes=5))
    async with agora.running() as bot:
        await step(bot)
        assert len(reminders(fake)) == 1  # none after the start


async def test_a_call_whose_time_passed_while_down_goes_out_at_startup(agora, fake, clock):
    async with agora.running():
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "alice")
    clock.set(END + timedelta(hours=2))
    async with agora.running():
        await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
    async with agora.running() as bot:
        await step(bot)
        assert len(calls(fake, event.id)) == 1
        assert len(fake.dm_messages("alice")) == 1


async def test_buttons_of_a_call_keep_working_after_a_restart(agora, fake, clock):
    async with agora.running() as bot:
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "alice")
        clock.set(END)
        await fake.update_scheduled_event(event, status=2)
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        dm = await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
    async with agora.running() as bot:
        await answer(fake, "alice", dm, event.id, 4, 9, useful="Les ateliers")
        await answer(fake, "bob", call, event.id, 5, 10)
        responses = await bot.get_cog("EventsCog").answers.responses(event.id)
        assert sorted((r.rating, r.recommend) for r in responses) == [(4, 9), (5, 10)]
    async with agora.running():
        _, modal = await open_form(fake, "alice", call, event.id)
        assert modal.inputs()["useful"]["value"] == "Les ateliers"


async def test_the_window_closing_while_down_posts_the_report_once_and_no_late_reminder(agora, fake, clock):
    async with agora.running(organiser_channel="organisateurs"):
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "alice")
        clock.set(END)
        await fake.update_scheduled_event(event, status=2)
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
    clock.advance(days=8)
    async with agora.running(organiser_channel="organisateurs"):
        report = await fake.wait_for_message("organisateurs", lambda m: bool(m.embeds), timeout=20)
        assert report.attachments
        await fake.wait_for(
            lambda: fake.message(call.id).components[0]["components"][0].get("disabled"), what="closed call"
        )
    async with agora.running(organiser_channel="organisateurs") as bot:
        await step(bot)
        assert len([m for m in fake.messages("organisateurs") if m.embeds]) == 1
        assert len(fake.dm_messages("alice")) == 1  # the halfway reminder is not sent after the close
    # The crash came between Discord accepting the report and the store recording it.
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute("UPDATE events SET report_done_at = NULL, report_message_id = NULL")
        await db.commit()
    async with agora.running(organiser_channel="organisateurs") as bot:
        await step(bot)
        (posted,) = [m for m in fake.messages("organisateurs") if m.embeds]
        assert (await bot.get_cog("EventsCog").store.get(event.id)).report_message_id == posted.id


async def test_a_call_posted_before_a_crash_is_found_again_not_posted_twice(agora, fake, clock, tmp_path):
    async with agora.running():
        await create_event(fake)
        (event,) = fake.scheduled_events()
        clock.set(END)
        await fake.update_scheduled_event(event, status=2)
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
    # The crash came between Discord accepting the post and the store recording it.
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute("UPDATE events SET call_message_id = NULL WHERE id = ?", (event.id,))
        await db.commit()
    async with agora.running() as bot:
        await step(bot)
        assert calls(fake, event.id) == [fake.message(call.id)]
        stored = await bot.get_cog("EventsCog").store.get(event.id)
        assert stored.call_message_id == call.id


async def test_a_form_opened_before_a_restart_is_still_accepted_after_it(agora, fake, clock):
    async with agora.running():
        await create_event(fake)
        (event,) = fake.scheduled_events()
        clock.set(END)
        await fake.update_scheduled_event(event, status=2)
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        _, modal = await open_form(fake, "alice", call, event.id)
    # The member took their time; the bot restarted meanwhile. What they typed is not lost.
    clock.advance(hours=2)
    async with agora.running() as bot:
        submit = await fake.submit_modal(
            "alice", modal, {"rating": "4", "recommend": ["8"], "useful": "Le débat"}
        )
        await submit.final_message(timeout=10)
        assert submit.is_ephemeral and "Merci" in submit.content
        (response,) = await bot.get_cog("EventsCog").answers.responses(event.id)
        assert (response.rating, response.recommend, response.useful) == (4, 8, "Le débat")
