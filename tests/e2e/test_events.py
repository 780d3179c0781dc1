"""Events end to end: create → reminders → completed → call and DMs → answers → report → window closes
→ late click refused → export; the real bot against the fake Discord, on the injected clock."""

from __future__ import annotations

from datetime import timedelta

from cogs.events.rules import RATING, RECOMMEND, TOPICS, USEFUL
from tests.e2e.events_helpers import (
    END,
    START,
    TITLE,
    answer,
    button,
    calls,
    click_button,
    create_event,
    field,
    is_call,
    open_form,
    read_csv,
    reminders,
    step,
)
from tests.fake_discord.permissions import Perm

PNG = b"\x89PNG\r\n\x1a\n"
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4


async def test_an_event_from_creation_to_its_report(agora, fake, clock):
    chloe = await fake.add_member("chloe", locale="fr")
    async with agora.running(organiser_channel="organisateurs") as bot:
        created = await create_event(fake)
        assert created.is_ephemeral and "Événement créé" in created.content
        (event,) = fake.scheduled_events()
        assert (event.entity_type, event.location, event.name) == (3, "Genève", TITLE)
        assert event.scheduled_start_time.startswith("2026-12-03T07:30")  # 08:30 in Geneva
        assert event.scheduled_end_time.startswith("2026-12-03T10:30")
        announcement = fake.messages("général")[-1]
        assert announcement.embeds[0]["title"] == TITLE
        assert announcement.embeds[0]["url"] == f"https://discord.com/events/{fake.guild.id}/{event.id}"
        assert f"<t:{int(START.timestamp())}:F>" in announcement.embeds[0]["fields"][0]["value"]
        assert announcement.allowed_mentions == {"parse": []}
        for member in ("alice", "bob", "adam", chloe):
            await fake.set_event_interest(event, member)

        # Reminders: 24 h and 1 h before the start, each once, none before its time.
        clock.set(START - timedelta(hours=24, seconds=1))
        await step(bot)
        assert reminders(fake) == []
        clock.advance(seconds=2)
        await step(bot)
        await step(bot)
        assert len(reminders(fake)) == 1
        assert f"<t:{int(START.timestamp())}:R>" in reminders(fake)[0].content
        clock.set(START - timedelta(minutes=59))
        await step(bot)
        assert len(reminders(fake)) == 2
        clock.set(START + timedelta(minutes=1))
        await fake.update_scheduled_event(event, status=ACTIVE)
        await step(bot)
        assert len(reminders(fake)) == 2 and calls(fake, event.id) == []

        # Discord reports it completed: one call in the channel, one DM per interested member.
        clock.set(END - timedelta(minutes=5))
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        for member in ("alice", "bob", "adam", chloe):
            dm = await fake.wait_for_dm(member, lambda m: is_call(m, event.id), timeout=10)
            assert TITLE.split(":")[0] in dm.content
        await step(bot)
        assert len(calls(fake, event.id)) == 1
        assert fake.dm_messages("olivia") == []
        assert all(len(fake.dm_messages(m)) == 1 for m in ("alice", "bob", "adam", chloe))
        assert button(call)["label"] == "Donner mon avis"

        # Answers: alice answers then changes her mind; olivia came without clicking "interested".
        await answer(
            fake, "alice", call, event.id, 5, 10, useful="Les témoignages", topics=["employer_branding"]
        )
        _, modal = await open_form(fake, "alice", call, event.id)
        assert modal.inputs()[RATING]["options"][4].get("default") is True
        assert [o["value"] for o in modal.inputs()[RECOMMEND]["options"] if o.get("default")] == ["10"]
        assert modal.inputs()[USEFUL]["value"] == "Les témoignages"
        assert [o["value"] for o in modal.inputs()[TOPICS]["options"] if o.get("default")] == [
            "employer_branding"
        ]
        resubmit = await fake.submit_modal("alice", modal, {RATING: "3", RECOMMEND: ["9"]})
        await resubmit.final_message(timeout=10)
        assert resubmit.is_ephemeral and "remplace" in resubmit.content
        bob_dm = fake.dm_messages("bob")[0]
        await answer(fake, "bob", bob_dm, event.id, 4, 8, topics=["employer_branding", "ai_at_work"])
        await answer(fake, "adam", call, event.id, 2, 3, improve="=Plus de pauses")
        first = await answer(fake, "olivia", call, event.id, 4, 9)
        assert first.is_ephemeral and "Merci" in first.content

        # The report: 4 answers; ratings 3, 4, 2, 4 → 3.25 shown 3,3; NPS (2 − 1) / 4 = +25.
        report = await fake.run_command("olivia", "event report", {"event": str(event.id)})
        (message,) = await report.followups(timeout=20)
        assert message.is_ephemeral
        embed = message.embeds[0]
        assert "Réponses : **4** pour 4 personnes intéressées (100" in embed["description"]
        assert field(embed, "Note moyenne").startswith("**3,3** / 5")
        nps = field(embed, "Net Promoter Score")
        assert nps.startswith("**+25**") and "Promoteurs (9–10) : 2" in nps and "Détracteurs (0–6) : 1" in nps
        assert "Marque employeur — **2**" in field(embed, "Thèmes souhaités")
        assert "Les témoignages" in field(embed, "Le plus utile")
        assert "Plus de pauses" in field(embed, "À améliorer")
        assert "<@" not in str(embed)  # anonymous by default
        (chart,) = message.attachments
        assert chart.filename == f"feedback-{event.id}.png" and chart.data.startswith(PNG)
        assert embed["image"]["url"] == f"attachment://{chart.filename}"

        # Halfway through the window: one reminder DM, to chloe only (the others answered).
        call_time = clock.now()
        clock.set(call_time + timedelta(days=3, hours=12, seconds=1))
        await step(bot)
        await step(bot)
        assert len(fake.dm_messages(chloe)) == 2 and "rappel" in fake.dm_messages(chloe)[1].content
        assert all(len(fake.dm_messages(m)) == 1 for m in ("alice", "bob", "adam"))

        # The window closes: the button is disabled, the report goes to the organisers once.
        clock.set(call_time + timedelta(days=7, seconds=1))
        await step(bot)
        await step(bot)
        assert button(fake.message(call.id)).get("disabled") is True
        posted = [m for m in fake.messages("organisateurs") if m.embeds]
        assert len(posted) == 1 and posted[0].attachments[0].data.startswith(PNG)
        assert field(posted[0].embeds[0], "Net Promoter Score").startswith("**+25**")
        late = await click_button(fake, "bob", bob_dm, event.id)
        assert late.is_ephemeral and "clos" in late.content

        # The export: one row per answer, oldest first, injection-safe, no member ids.
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        (csv_file,) = export.files
        rows = read_csv(csv_file.data, ";")
        assert rows[0][:4] == ["événement", "envoyé le", "note", "recommandation"]
        assert sorted((r[2], r[3], r[4]) for r in rows[1:]) == [
            ("2", "3", "détracteur"),
            ("3", "9", "promoteur"),
            ("4", "8", "passif"),
            ("4", "9", "promoteur"),
        ]
        assert "'=Plus de pauses" in [r[6] for r in rows[1:]]
        assert all(str(fake.member(m).id) not in csv_file.text for m in ("alice", "bob", "adam"))


async def test_the_call_comes_after_the_end_and_delay_when_discord_never_completes(agora, fake, clock):
    async with agora.running() as bot:
        event = await fake.create_scheduled_event("olivia", "Apéro réseau", START, END, location="Lausanne")
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id), what="the event"
        )
        await fake.set_event_interest(event, "alice")
        clock.set(END + timedelta(minutes=14))
        await step(bot)
        assert calls(fake, event.id) == []
        clock.set(END + timedelta(minutes=15))
        await step(bot)
        await step(bot)
        # Created in Discord's own UI: the call goes to the server's system channel.
        assert len(calls(fake, event.id)) == 1
        assert len([m for m in fake.dm_messages("alice") if is_call(m, event.id)]) == 1


async def test_a_cancelled_or_deleted_event_gets_no_reminder_and_no_call(agora, fake, clock):
    async with agora.running() as bot:
        await create_event(fake)
        await create_event(fake, title="Atelier annulé")
        cancelled, deleted = fake.scheduled_events()
        for event in (cancelled, deleted):
            await fake.set_event_interest(event, "alice")
        await fake.update_scheduled_event(cancelled, status=CANCELED)
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(cancelled.id).status.value == CANCELED,
            what="the cancellation",
        )
        await fake.delete_scheduled_event(deleted)
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(deleted.id) is None, what="the delete"
        )
        before = len(fake.messages("général"))
        for moment in (START - timedelta(hours=23), START - timedelta(minutes=30), END + timedelta(hours=1)):
            clock.set(moment)
            await step(bot)
        assert len(fake.messages("général")) == before
        assert fake.dm_messages("alice") == []
        listing = await fake.run_command("olivia", "event list")
        await listing.response(timeout=10)
        assert "annulé" in listing.embeds[0]["description"]


async def test_an_ended_event_discord_dropped_while_the_bot_was_down_still_gets_its_call(agora, fake, clock):
    async with agora.running() as bot:
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "alice")
        clock.set(START - timedelta(minutes=30))
        await step(bot)  # the reminder; Agora keeps a copy of who is interested
    # Discord drops the ended event (never reported completed) while the bot is down: its list is gone too.
    event.deleted = True
    clock.set(END + timedelta(minutes=1))
    async with agora.running():
        await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
        assert fake.find_requests("GET", rf"scheduled-events/{event.id}$", status=404)


async def test_an_event_cancelled_after_its_start_time_gets_no_call(agora, fake, clock):
    async with agora.running() as bot:
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "alice")
        clock.set(START + timedelta(minutes=10))
        # Discord's "Cancel event" is a delete; nobody had started the event.
        await fake.delete_scheduled_event(event)
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id) is None, what="the delete"
        )
        clock.set(END + timedelta(hours=1))
        await step(bot)
        assert calls(fake, event.id) == [] and fake.dm_messages("alice") == []


async def test_the_announcement_follows_what_organisers_change_in_discord(agora, fake, clock):
    async with agora.running() as bot:
        await create_event(fake)
        (event,) = fake.scheduled_events()
        announcement = fake.messages("général")[-1]
        later = START + timedelta(days=1)
        await fake.update_scheduled_event(
            event, name="Matinée e-20 : reportée", scheduled_start_time=later.isoformat(),
            scheduled_end_time=(later + timedelta(hours=3)).isoformat(),
        )  # fmt: skip
        edited = await fake.wait_for(
            lambda: (
                fake.message(announcement.id).embeds[0]["title"] == "Matinée e-20 : reportée"
                and fake.message(announcement.id)
            ),
            what="the announcement renamed",
        )
        assert f"<t:{int(later.timestamp())}:F>" in edited.embeds[0]["fields"][0]["value"]
        # Moved a day later: the 24 h reminder comes at the new time, not the old one.
        clock.set(START - timedelta(hours=23))
        await step(bot)
        assert reminders(fake) == []
        clock.set(later - timedelta(hours=23))
        await step(bot)
        assert len(reminders(fake)) == 1
        await fake.update_scheduled_event(event, status=CANCELED)
        cancelled = await fake.wait_for(
            lambda: (
                fake.message(announcement.id).embeds[0]["title"].startswith("[Annulé]")
                and fake.message(announcement.id)
            ),
            what="the announcement cancelled",
        )
        assert len(cancelled.embeds[0]["fields"]) == 2  # no "I'm interested" any more


async def test_without_reminders_the_copy_of_interested_members_is_taken_when_the_event_starts(
    agora, fake, clock
):
    async with agora.running(event_reminders=()):
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "bob")
        clock.set(START)
        await fake.update_scheduled_event(event, status=ACTIVE)
        await fake.wait_for(
            lambda: fake.find_requests("GET", rf"scheduled-events/{event.id}/users"), what="the copy"
        )
        clock.set(END)
        await fake.delete_scheduled_event(event)
        await fake.wait_for_dm("bob", lambda m: is_call(m, event.id), timeout=10)
        assert fake.find_requests("GET", rf"scheduled-events/{event.id}$", status=404)


async def test_a_call_discord_refuses_in_the_channel_goes_by_dm_only_and_is_not_retried(agora, fake, clock):
    async with agora.running(organiser_channel="organisateurs") as bot:
        await create_event(fake)
        (event,) = fake.scheduled_events()
        await fake.set_event_interest(event, "alice")
        # The bot lost access to the channel after the event was created.
        fake.world.set_overwrite("général", fake.role("Agora"), deny=Perm.VIEW_CHANNEL)
        clock.set(END + timedelta(hours=1))
        await step(bot)
        await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
        to_channel = rf"channels/{fake.channel('général').id}/messages"
        assert len(fake.find_requests(path=rf"{to_channel}$", status=403)) == 1
        # Registration closed at the start: the announcement's buttons are disabled, an edit refused once.
        await fake.wait_for(lambda: fake.find_requests("PATCH", to_channel), what="the announcement's edit")
        tried = len(fake.find_requests(path=to_channel))
        await step(bot)
        await step(bot)
        assert len(fake.find_requests(path=to_channel)) == tried
        assert calls(fake, event.id) == []
        (notice,) = [m for m in fake.messages("organisateurs") if "n’a pas pu être publié" in m.content]
        assert TITLE.split(":")[0] in notice.content and notice.allowed_mentions == {"parse": []}


async def test_each_occurrence_of_a_recurring_event_gets_its_own_call(agora, fake, clock):
    async with agora.running() as bot:
        event = await fake.create_scheduled_event("olivia", "Café virtuel", START, END, location="Zoom")
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id), what="the event"
        )
        await fake.set_event_interest(event, "alice")
        clock.set(START)
        await fake.update_scheduled_event(event, status=ACTIVE)
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id).status.value == ACTIVE,
            what="the start",
        )
        clock.set(END)
        # Discord's update when an occurrence of a recurring event ends: scheduled again, a week later.
        await fake.update_scheduled_event(
            event,
            status=SCHEDULED,
            scheduled_start_time=(START + timedelta(days=7)).isoformat(),
            scheduled_end_time=(END + timedelta(days=7)).isoformat(),
        )
        call = await fake.wait_for_message(
            "général", lambda m: m.embeds and "Café virtuel" in m.embeds[0]["title"]
        )
        occurrence = int(button(call)["custom_id"].split(":")[2])
        assert occurrence != event.id and call.embeds[0]["url"].endswith(f"/{event.id}")
        await fake.wait_for_dm("alice", lambda m: is_call(m, occurrence), timeout=10)
        await answer(fake, "alice", call, occurrence, 5, 10)
        # The next occurrence is reminded, then called in its turn.
        clock.set(START + timedelta(days=6, hours=1))
        await step(bot)
        assert len(reminders(fake)) == 1
        clock.set(END + timedelta(days=7, minutes=15))
        await step(bot)
        await step(bot)
        assert len(calls(fake, event.id)) == 1 and len(calls(fake, occurrence)) == 1
