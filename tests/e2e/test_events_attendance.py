"""Attendance in the feedback loop, through the real bot: the call's DMs reach members who checked in,
registered or were interested (once each); registered members get each reminder by DM (once, in their
language, never after /feedback optout, never twice across a restart); the report and /event compare
count registered, waiting and present members, no-shows and returning attendees, naming no one."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.checkin_helpers import OPENS, checkin_message, open_window
from tests.e2e.checkin_helpers import click as check_in
from tests.e2e.events_helpers import END, START, field, is_call, reminders, step
from tests.e2e.registration_helpers import (
    ACTIVE,
    COMPLETED,
    add_members,
    create_with_places,
    register,
    run,
    shows,
)

NBSP = "\u00a0"
DAY = timedelta(days=1)


def call_dms(fake, member, event_id):
    return [m for m in fake.dm_messages(member) if is_call(m, event_id)]


def reminder_dms(fake, member):
    return [m for m in fake.dm_messages(member) if m.content.startswith("⏰")]


async def opt_out(fake, member):
    answer = await run(fake, member, "feedback optout")
    assert answer.is_ephemeral and "ne recevrez plus" in answer.content
    assert "rappels et demandes d’avis" in answer.content


async def complete(fake, clock, event, end=END):
    """Discord reports the event running, then completed, at its end: Agora posts the call."""
    clock.set(end)
    await fake.update_scheduled_event(event, status=ACTIVE)
    await fake.update_scheduled_event(event, status=COMPLETED)
    return await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)


async def test_the_calls_dms_reach_members_who_checked_in_registered_or_were_interested_once_each(
    agora, fake, clock
):
    chloe, dave, erin, frank = await add_members(fake, "chloe", "dave", "erin", "frank")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 2)
        for member in ("alice", "bob", erin):  # full after bob: erin waits, and gets no call
            await register(fake, member, message, event.id)
        await shows(fake, message, "**2 / 2** places · 1 en liste d’attente")
        for member in ("bob", dave):  # bob is registered and interested: one DM all the same
            await fake.set_event_interest(event, member)
        await opt_out(fake, frank)
        checkin = await open_window(fake, bot, clock, event.id)
        for member in ("alice", chloe, frank):  # chloe and frank came without registering
            await check_in(fake, member, checkin, event.id)

        await complete(fake, clock, event)
        for member in ("alice", "bob", chloe, dave):
            await fake.wait_for_dm(member, lambda m: is_call(m, event.id), timeout=10)
        await step(bot)
        await step(bot)
        everyone = ("alice", "bob", "chloe", "dave", "erin", "frank", "olivia", "adam")
        sent = {member: len(call_dms(fake, member, event.id)) for member in everyone}
        assert sent == dict.fromkeys(everyone, 0) | {"alice": 1, "bob": 1, "chloe": 1, "dave": 1}
        (chloe_dm,) = call_dms(fake, chloe, event.id)
        assert chloe_dm.content.startswith("Bonjour !") and not chloe_dm.pings_anyone


async def test_registered_members_get_each_reminder_by_dm_once_even_across_a_restart(agora, fake, clock):
    chloe, dave, erin = await add_members(fake, "chloe", "dave", "erin")
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 4, title="Matinée @everyone **RH**")
        await opt_out(fake, erin)
        for member in ("alice", "bob", erin):
            await register(fake, member, message, event.id)
        await fake.set_event_interest(event, "adam")  # interested only: the channel's reminder is his

        clock.set(START - timedelta(hours=23))
        await step(bot)
        alice_dm = await fake.wait_for_dm("alice", lambda m: m.content.startswith("⏰"), timeout=10)
        bob_dm = await fake.wait_for_dm("bob", lambda m: m.content.startswith("⏰"), timeout=10)
        title = "**Matinée @\u200beveryone \\*\\*RH\\*\\***"  # literal, pinging no one
        assert alice_dm.content.startswith(f"⏰ Vous êtes inscrit·e : {title}")
        assert f"<t:{int(START.timestamp())}:R>" in alice_dm.content and "📍 Genève" in alice_dm.content
        assert f"https://discord.com/events/{fake.guild.id}/{event.id}" in alice_dm.content
        assert "/avis desinscrire" in alice_dm.content
        assert alice_dm.allowed_mentions == {"parse": []} and not alice_dm.pings_anyone
        assert bob_dm.content.startswith("⏰ You are registered: **Matinée")  # his Discord's language
        # chloe registers after the first reminder went out, dave after her: the last place is hers.
        clock.advance(minutes=1)
        await register(fake, chloe, message, event.id)
        await register(fake, dave, message, event.id)
        await step(bot)
        assert len(reminders(fake)) == 1

    async with agora.running() as bot:
        await step(bot)
        await step(bot)
        sent = {m: len(reminder_dms(fake, m)) for m in ("alice", "bob", "chloe", "dave", "erin", "adam")}
        assert sent == {"alice": 1, "bob": 1, "chloe": 0, "dave": 0, "erin": 0, "adam": 0}

        clock.set(START - timedelta(minutes=59))
        await step(bot)
        await fake.wait_for_dm(chloe, lambda m: m.content.startswith("⏰"), timeout=10)
        await step(bot)
        sent = {m: len(reminder_dms(fake, m)) for m in ("alice", "bob", "chloe", "dave", "erin", "adam")}
        # dave waits on the waitlist, erin opted out, adam is only interested: none by DM.
        assert sent == {"alice": 2, "bob": 2, "chloe": 1, "dave": 0, "erin": 0, "adam": 0}
        assert len(reminders(fake)) == 2


async def test_the_report_and_compare_count_no_shows_and_returning_attendees_across_two_events(
    agora, fake, clock
):
    chloe, dave, erin, frank, gina = await add_members(fake, "chloe", "dave", "erin", "frank", "gina")
    # Named reports: the turnout is counts all the same.
    async with agora.running(feedback_anonymous=False) as bot:
        first, first_message = await create_with_places(fake, 10, title="Matinée RH")
        second, second_message = await create_with_places(
            fake, 3, title="Matinée IA", start="2026-12-04 08:30"
        )
        for member in ("alice", "bob", chloe, gina):
            await register(fake, member, first_message, first.id)
        for member in ("alice", chloe, erin, frank):  # full after erin: frank waits
            await register(fake, member, second_message, second.id)

        checkin = await open_window(fake, bot, clock, first.id)
        for member in ("alice", "bob", dave):  # dave without registering
            await check_in(fake, member, checkin, first.id)
        await complete(fake, clock, first)

        clock.set(START + DAY - OPENS)
        await step(bot)
        checkin = checkin_message(fake, second.id)
        for member in ("alice", dave, erin):
            await check_in(fake, member, checkin, second.id)
        await complete(fake, clock, second, end=END + DAY)

        # The second morning: 3 registered (alice, chloe, erin), frank waiting; 3 present (alice,
        # erin, and dave without registering); chloe stayed away: 1 / 3 = 33.3 % → "33 %".
        # alice and dave came to the first one too: 2 returning, erin's first time: 1.
        report = await fake.run_command("olivia", "event report", {"event": str(second.id)})
        (shown,) = await report.followups(timeout=20)
        turnout = field(shown.embeds[0], "Participation")
        assert turnout == (
            "Inscrits : **3** · liste d’attente : 1\n"
            "Présents : **3** (accueil : 3, en vocal : 0 ; sans inscription : 1)\n"
            f"Inscrits absents : 1 / 3 (**33{NBSP}%**)\n"
            "Première fois : 1 · déjà venus : 2"
        )
        members = (chloe, dave, erin, frank, gina, *(fake.member(m) for m in ("alice", "bob")))
        assert "<@" not in turnout and not any(str(m.id) in str(shown.embeds[0]) for m in members)

        # The first morning: 4 registered, chloe and gina stayed away: 2 / 4 = 50 %; alice, bob and
        # dave came for the first time (coming again later makes no one returning here).
        report = await fake.run_command("olivia", "event report", {"event": str(first.id)})
        (shown,) = await report.followups(timeout=20)
        turnout = field(shown.embeds[0], "Participation")
        assert f"Inscrits absents : 2 / 4 (**50{NBSP}%**)" in turnout
        assert "Première fois : 3 · déjà venus : 0" in turnout

        compare = await fake.run_command("olivia", "event compare")
        (season,) = await compare.followups(timeout=20)
        lines = season.embeds[0]["description"].split("\n")
        counts = "inscrits {}, en attente {}, présents {} ({} pour la première fois, {} déjà venus), "
        counts += "absence {}"
        assert "Matinée RH" in lines[0] and counts.format(4, 0, 3, 3, 0, f"50{NBSP}%") in lines[0]
        assert "Matinée IA" in lines[1] and counts.format(3, 1, 3, 1, 2, f"33{NBSP}%") in lines[1]
