"""Announcements across restarts, and editing a pending one."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from tests.e2e.test_announcements import buttons, compose, modal_values, posts, press, step


async def test_a_preview_s_buttons_still_work_after_a_restart(agora, fake):
    async with agora.running():
        preview = await compose(fake)
    async with agora.running():
        published = await press(fake, "olivia", preview, "Publier")
        await published.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        (post,) = posts(fake)
        assert post.embeds[0]["title"] == "Matinée e-20"


async def test_a_publication_posted_before_a_crash_is_not_posted_again(agora, fake, clock):
    async with agora.running() as bot:
        preview = await compose(fake, when="2h")
        await press(fake, "olivia", preview, "Publier")
        clock.advance(hours=2)
        await step(bot)
        (post,) = posts(fake)
    # The crash came between Discord accepting the post and the store recording it.
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute("UPDATE announcements SET status = 'publishing', message_id = NULL, published = 0")
        await db.commit()
    async with agora.running() as bot:
        await step(bot)
        assert posts(fake) == [fake.message(post.id)]
        (done,) = await bot.get_cog("AnnouncementsCog").store.in_guild(fake.guild.id, ("done",))
        assert done.message_id == post.id


async def test_edit_changes_the_text_and_time_of_a_pending_announcement(agora, fake, clock):
    async with agora.running() as bot:
        preview = await compose(fake, when="2026-11-28 18:00")
        await press(fake, "olivia", preview, "Publier")
        (pending,) = await bot.get_cog("AnnouncementsCog").store.in_guild(fake.guild.id, ("scheduled",))
        edit = await fake.run_command(
            "olivia", "announce edit", {"announcement": str(pending.id), "when": "2026-11-28 20:00"}
        )
        modal = await edit.modal(timeout=10)
        assert next(iter(modal.inputs().values()))["value"] == "Matinée e-20"
        saved = await fake.submit_modal("olivia", modal, modal_values(modal, title="Matinée e-20 (salle 2)"))
        await saved.response(timeout=10)
        assert saved.is_ephemeral and "modifiée" in saved.content
        clock.set(datetime(2026, 11, 28, 17, 30, tzinfo=UTC))  # after the old time, before the new one
        await step(bot)
        assert posts(fake) == []
        clock.set(datetime(2026, 11, 28, 19, 0, tzinfo=UTC))  # 20:00 in Geneva
        await step(bot)
        (post,) = posts(fake)
        assert post.embeds[0]["title"] == "Matinée e-20 (salle 2)"
        assert buttons(preview.message) == {}


async def test_a_form_opened_before_a_restart_is_still_accepted_after_it(agora, fake):
    async with agora.running():
        command = await fake.run_command("olivia", "announce compose", {})
        modal = await command.modal(timeout=10)
    # The organiser took their time; the bot restarted meanwhile. What they typed is not lost.
    async with agora.running():
        preview = await fake.submit_modal(
            "olivia", modal, modal_values(modal, title="Écrite avant", body="…et envoyée après.")
        )
        await preview.response(timeout=10)
        assert preview.is_ephemeral and preview.embeds[0]["title"] == "Écrite avant"
        published = await press(fake, "olivia", preview, "Publier")
        await published.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        assert [p.embeds[0]["title"] for p in posts(fake)] == ["Écrite avant"]
