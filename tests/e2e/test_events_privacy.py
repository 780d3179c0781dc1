"""Feedback and members' choices: opting out of DMs, closed DMs, forgetting, anonymity, quiet logs."""

from __future__ import annotations

import logging
from datetime import timedelta

from tests.e2e import speaker_review_helpers as review
from tests.e2e.events_helpers import (
    END,
    answer,
    calls,
    create_event,
    field,
    is_call,
    read_csv,
    step,
)
from tests.e2e.polls_helpers import create_poll, poll_message, vote
from tests.e2e.privacy_helpers import forget

COMPLETED = 3


async def complete(fake, clock, event):
    clock.set(END)
    await fake.update_scheduled_event(event, status=2)
    await fake.update_scheduled_event(event, status=COMPLETED)
    return await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)


async def reply(fake, member, command, locale=None):
    interaction = await fake.run_command(member, command, locale=locale)
    await interaction.response(timeout=10)
    assert interaction.is_ephemeral
    return interaction.content


async def test_members_who_opted_out_or_closed_their_dms_get_none_and_the_call_is_still_posted(
    agora, fake, clock
):
    async with agora.running() as bot:
        assert "ne recevrez plus" in await reply(fake, "alice", "feedback optout")
        assert "déjà" in await reply(fake, "alice", "feedback optout")
        fake.set_dms_open("bob", False)
        await create_event(fake)
        (event,) = fake.scheduled_events()
        for member in ("alice", "bob", "adam"):
            await fake.set_event_interest(event, member)
        await complete(fake, clock, event)
        await fake.wait_for_dm("adam", lambda m: is_call(m, event.id), timeout=10)
        await step(bot)
        assert len(calls(fake, event.id)) == 1
        assert fake.dm_messages("alice") == [] and fake.dm_messages("bob") == []
        assert "You already get" in await reply(fake, "bob", "feedback optin")
        assert "de nouveau" in await reply(fake, "alice", "feedback optin")


async def test_forget_deletes_the_members_answers_and_votes_at_once(agora, fake, clock):
    async with agora.running() as bot:
        await create_poll(fake)
        await vote(fake, "alice", poll_message(fake), 0)
        await create_event(fake)
        (event,) = fake.scheduled_events()
        call = await complete(fake, clock, event)
        await answer(fake, "alice", call, event.id, 2, 4, improve="Trop long")
        await answer(fake, "bob", call, event.id, 5, 10)
        answer_text = await forget(fake, "alice", "feedback forget")
        # Her answer and her remembered language; her one vote.
        assert "• Événements et avis : 2\n" in answer_text
        assert "• Sondages : 1\n" in answer_text
        responses = await bot.get_cog("EventsCog").answers.responses(event.id)
        assert [r.user_id for r in responses] == [fake.member("bob").id]
        polls = bot.get_cog("PollsCog").store
        (poll,) = await polls.in_guild(fake.guild.id, open_only=True)
        assert (await polls.tally(poll)).voters == 0
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        assert "Trop long" not in export.files[0].text


async def test_reports_name_members_only_when_feedback_is_not_anonymous(agora, fake, clock):
    async with agora.running(feedback_anonymous=False):
        await create_event(fake)
        (event,) = fake.scheduled_events()
        call = await complete(fake, clock, event)
        await answer(fake, "alice", call, event.id, 4, 9, useful="Le panel RH")
        report = await fake.run_command("olivia", "event report", {"event": str(event.id)})
        (message,) = await report.followups(timeout=20)
        alice = fake.member("alice").id
        assert f"<@{alice}>" in field(message.embeds[0], "Le plus utile")
        assert message.allowed_mentions == {"parse": []}
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        rows = read_csv(export.files[0].data, ";")
        assert rows[0][-1] == "id du membre" and rows[1][-1] == str(alice)


async def test_logs_never_hold_feedback_text(agora, fake, clock, caplog):
    caplog.set_level(logging.DEBUG)
    async with agora.running() as bot:
        await create_event(fake)
        (event,) = fake.scheduled_events()
        call = await complete(fake, clock, event)
        await answer(
            fake, "alice", call, event.id, 3, 7, useful="Secret-utile-42", improve="Secret-ameliorer-42"
        )
        await bot.get_cog("EventsCog").answers.responses(event.id)
    assert "Secret-" not in caplog.text


async def test_compare_charts_the_season_s_events_with_their_figures(agora, fake, clock):
    async with agora.running():
        empty = await fake.run_command("olivia", "event compare")
        await empty.final_message(timeout=10)
        assert "Aucun événement" in empty.content
        await create_event(fake, title="Matinée RH")
        await create_event(fake, title="Matinée IA", start="2026-12-04 08:30")
        first, second = fake.scheduled_events()
        call = await complete(fake, clock, first)
        await answer(fake, "alice", call, first.id, 5, 10)
        await answer(fake, "bob", call, first.id, 4, 6)
        clock.set(END + timedelta(days=1))
        await fake.update_scheduled_event(second, status=2)
        await fake.update_scheduled_event(second, status=COMPLETED)
        await fake.wait_for_message("général", lambda m: is_call(m, second.id), timeout=10)
        compare = await fake.run_command("olivia", "event compare")
        (message,) = await compare.followups(timeout=20)
        assert message.is_ephemeral and message.attachments[0].data.startswith(b"\x89PNG")
        lines = message.embeds[0]["description"].split("\n")
        # Oldest first; 4.5 and NPS (1 − 1) / 2 = 0 for the first, nothing yet for the second.
        assert "Matinée RH" in lines[0] and "réponses : 2, note 4,5, NPS 0" in lines[0]
        assert "Matinée IA" in lines[1] and "réponses : 0, note —, NPS —" in lines[1]


async def test_dms_are_written_in_the_language_the_member_uses_and_forget_drops_it(agora, fake, clock):
    async with agora.running() as bot:
        listing = await fake.run_command("bob", "event list")  # bob's client is in English
        await listing.response(timeout=10)
        await create_event(fake)
        (event,) = fake.scheduled_events()
        for member in ("alice", "bob"):
            await fake.set_event_interest(event, member)
        await complete(fake, clock, event)
        bob_dm = await fake.wait_for_dm("bob", lambda m: is_call(m, event.id), timeout=10)
        alice_dm = await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
        assert bob_dm.content.startswith("Hello!") and alice_dm.content.startswith("Bonjour !")
        answers = bot.get_cog("EventsCog").answers
        assert await answers.language_of(fake.member("bob").id) == "en"
        await forget(fake, "bob", "feedback forget")
        assert await answers.language_of(fake.member("bob").id) is None


async def test_forgetting_redraws_the_speakers_reviews_that_named_the_member(agora, fake, clock):
    """bob speaks and olivia decided his review: each, forgotten, leaves the review message in the
    organisers' channel, redrawn without their name; alice's review, which names neither, is not touched."""
    async with agora.running(organiser_channel=review.ORGANISERS) as bot:
        event = await review.programme_event(fake, clock)
        bob, alice, olivia = (fake.member(m).id for m in ("bob", "alice", "olivia"))
        bobs = await review.add_session(bot, event.id, "La marque employeur", speaker=bob)
        alices = await review.add_session(bot, event.id, "L’intelligence collective", speaker=alice, hour=1)
        await review.rate(bot, bobs, [4, 5, 3])
        await review.close_feedback(bot, clock)
        await fake.wait_for(lambda: len(review.reviews(fake)) == 2, timeout=10, what="the two reviews")
        bobs_review, alices_review = review.review(fake, bobs), review.review(fake, alices)
        await review.answered(await review.click(fake, "olivia", bobs_review, "withhold", bobs))
        shown = await review.showing(fake, bobs_review, f"décidé par <@{olivia}>")
        assert f"par <@{bob}>" in shown.content
        alices_before = fake.message(alices_review.id).edits

        await forget(fake, "bob")
        redrawn = await review.showing(fake, bobs_review, "par intervenant·e non indiqué·e")
        assert f"<@{bob}>" not in redrawn.content and f"décidé par <@{olivia}>" in redrawn.content
        assert all(b.get("disabled") for b in review.buttons(redrawn))  # still decided, buttons off

        await forget(fake, "olivia")
        redrawn = await review.showing(fake, bobs_review, "décidé par un·e organisateur·rice")
        assert f"<@{olivia}>" not in redrawn.content and not redrawn.pings_anyone
        assert fake.message(alices_review.id).edits == alices_before
        assert f"par <@{alice}>" in fake.message(alices_review.id).content
