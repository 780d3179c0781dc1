"""Speakers hear back, after review: when an event's feedback window closes, one review message per
session in the organisers' channel; an organiser decides; a member speaker gets their figures by DM in
their language, a guest's summary goes to the organiser as a file; too few answers show nothing but
"not enough answers"; only organisers decide, once; and restarts neither lose nor repeat a step."""

from __future__ import annotations

import asyncio
import logging

import aiosqlite
import pytest

from tests.e2e.events_helpers import step
from tests.e2e.speaker_review_helpers import (
    ORGANISERS,
    add_session,
    answered,
    buttons,
    click,
    close_feedback,
    programme_event,
    rate,
    review,
    reviews,
    showing,
    speaks_english,
    stored_review,
    summaries_in_dms,
)

ONLY_ORGANISERS_FR = "Cette action est réservée aux organisateurs."
ONLY_ORGANISERS_EN = "Only organisers can do this."


@pytest.fixture(autouse=True)
def no_unexpected_errors(caplog):
    """Refusals, closed DMs and Discord's passing failures are all expected: none is an error of Agora's."""
    caplog.set_level(logging.INFO)
    yield
    for record in caplog.records:
        message = record.getMessage()
        assert "unexpected error" not in message, message
        assert not message.startswith("Ignoring exception"), message
        assert "failed" not in message or "DM to the speaker" in message, message


async def morning(bot, fake, clock, *, member_ratings=(5, 4, 4, 2, 1, None)):
    """bob (English) speaks first, alice second, then a guest; each session rated; the window closed."""
    event = await programme_event(fake, clock)
    bob, alice = fake.member("bob").id, fake.member("alice").id
    sessions = {
        "bob": await add_session(bot, event.id, "Employer branding that *works*", speaker=bob),
        "alice": await add_session(bot, event.id, "L’intelligence collective", speaker=alice, hour=1),
        "guest": await add_session(bot, event.id, "Le ROI des réseaux", guest="Jeanne Dupont", hour=2),
    }
    await rate(bot, sessions["bob"], list(member_ratings), {0: "Clear and *useful*", 3: "Too fast @everyone"})
    await rate(bot, sessions["alice"], [4, 4, 5], {1: "Bravo"})
    await rate(bot, sessions["guest"], [3, 5, 4, 4], {2: "Merci Jeanne !", 0: "Plus d’exemples"})
    await close_feedback(bot, clock)
    return event, sessions


async def test_one_review_per_session_is_posted_after_the_report_without_pinging_anyone(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await speaks_english(bot, fake)
        _, sessions = await morning(bot, fake, clock)
        posted = fake.messages(ORGANISERS)
        report = next(
            i for i, m in enumerate(posted) if any(a.filename.endswith(".png") for a in m.attachments)
        )
        assert len(reviews(fake)) == 3
        assert all(posted.index(m) > report for m in reviews(fake))
        bobs = review(fake, sessions["bob"])
        assert f"<@{fake.member('bob').id}>" in bobs.content and not bobs.pings_anyone
        assert (
            bobs.embeds[0]["title"] == r"Your session: “Employer branding that \*works\*”"
        )  # bob's language
        assert review(fake, sessions["alice"]).embeds[0]["title"].startswith("Votre intervention")
        assert "Jeanne Dupont (invité·e, pas sur Discord)" in review(fake, sessions["guest"]).content
        assert [b["label"] for b in buttons(bobs)] == ["Envoyer à l’intervenant·e", "Ne pas envoyer"]
        assert not any(b.get("disabled") for b in buttons(bobs))
        await step(bot)
        assert len(reviews(fake)) == 3


async def test_send_gives_the_speaker_their_figures_by_dm_in_their_language(agora, fake, clock):
    ratings = [5, 4, 4, 2, 1]  # and one "I missed it"
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await speaks_english(bot, fake)
        _, sessions = await morning(bot, fake, clock, member_ratings=(*ratings, None))
        answer = await answered(
            await click(fake, "olivia", review(fake, sessions["bob"]), "send", sessions["bob"])
        )
        assert answer.content == f"Envoyé : <@{fake.member('bob').id}> a reçu son résumé en message privé."

        (dm,) = summaries_in_dms(fake, "bob")
        assert dm.content.startswith("Hello! Here is what the audience said about your session")
        assert not dm.pings_anyone
        summary = dm.embeds[0]["description"]
        average = sum(ratings) / len(ratings)  # 16 / 5 = 3.2
        assert f"Answers: **{len(ratings)}** · “I missed it”: 1" in summary
        assert f"Average rating: **{average:.1f}** / 5" in summary
        # Each line: stars, a bar scaled on the most frequent rating (4, twice), the count.
        for stars, bar, count in [(5, 5, 1), (4, 10, 2), (3, 0, 0), (2, 5, 1), (1, 5, 1)]:
            assert f"`{stars} ★` {'█' * bar}{'░' * (10 - bar)} {count}" in summary
        assert "> Clear and \\*useful\\*" in summary and "> Too fast" in summary
        assert "@everyone" not in summary
        # Exactly what the organisers reviewed.
        shown = review(fake, sessions["bob"])
        assert shown.embeds[0] == dm.embeds[0]
        assert "Envoyé par <@" in shown.content and "reçu en message privé" in shown.content
        assert f"<@{fake.member('olivia').id}>" in shown.content
        assert all(b.get("disabled") for b in buttons(shown))
        await step(bot)
        assert len(summaries_in_dms(fake, "bob")) == 1


async def test_dont_send_sends_nothing_and_says_who_decided(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        record = await click(fake, "adam", review(fake, sessions["alice"]), "withhold", sessions["alice"])
        assert (await answered(record)).content.startswith("C’est noté : le résumé ne sera pas envoyé")
        shown = review(fake, sessions["alice"])
        assert f"🚫 Pas envoyé, décidé par <@{fake.member('adam').id}>" in shown.content
        assert all(b.get("disabled") for b in buttons(shown))
        await step(bot)
        assert summaries_in_dms(fake, "alice") == []
        assert (await stored_review(bot, sessions["alice"])).decision == "withhold"


@pytest.mark.parametrize(("minimum", "figures"), [(3, False), (2, True)])
async def test_below_the_minimum_of_answers_the_speaker_learns_only_that(
    agora, fake, clock, minimum, figures
):
    async with agora.running(organiser_channel=ORGANISERS, speaker_min_answers=minimum) as bot:
        event = await programme_event(fake, clock)
        session = await add_session(bot, event.id, "Atelier", speaker=fake.member("alice").id)
        await rate(bot, session, [5, 1, None], {0: "Bravo Alice", 1: "Pas convaincu"})
        await close_feedback(bot, clock)
        assert ("Moins de 3 notes (2)" in review(fake, session).content) is not figures
        await answered(await click(fake, "olivia", review(fake, session), "send", session))
        (dm,) = summaries_in_dms(fake, "alice")
        summary = dm.embeds[0]["description"]
        if figures:
            assert "Note moyenne : **3,0** / 5" in summary and "> Bravo Alice" in summary
        else:
            assert "Pas assez de réponses" in summary
            for hidden in ("Bravo", "convaincu", "Note moyenne", "Réponses", "★"):
                assert hidden not in summary, hidden


async def test_a_guests_summary_is_given_to_the_organiser_as_a_file(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        guest = sessions["guest"]
        answer = await answered(await click(fake, "olivia", review(fake, guest), "send", guest))
        assert answer.content == "Voici le résumé de Jeanne Dupont en fichier, à lui transmettre."
        (file,) = answer.attachments
        assert file.filename == f"speaker-{guest}.txt"
        text = file.data.decode("utf-8")
        assert text.startswith("Retour du public sur « Le ROI des réseaux », par Jeanne Dupont")
        # 3, 5, 4, 4: 16 / 4 = 4.0, in French.
        assert "Réponses : 4 · « je l’ai manquée » : 0" in text
        assert "Note moyenne : 4,0 / 5" in text
        assert "- Merci Jeanne !" in text and "- Plus d’exemples" in text
        shown = await showing(fake, review(fake, guest), f"remis en fichier (speaker-{guest}.txt)")
        assert all(b.get("disabled") for b in buttons(shown))
        assert (await stored_review(bot, guest)).delivery == "file"
        assert all(summaries_in_dms(fake, m) == [] for m in ("alice", "bob", "olivia"))


async def test_closed_dms_are_shown_on_the_review_and_told_to_the_organiser(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        fake.set_dms_open("bob", False)
        answer = await answered(
            await click(fake, "olivia", review(fake, sessions["bob"]), "send", sessions["bob"])
        )
        assert answer.content.startswith(f"Les messages privés de <@{fake.member('bob').id}> sont fermés")
        assert "messages privés de l’intervenant·e sont fermés" in review(fake, sessions["bob"]).content
        stored = await stored_review(bot, sessions["bob"])
        assert (stored.delivery, stored.delivered_at is not None) == ("unreachable", True)


async def test_a_members_click_is_refused_and_changes_nothing(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        message = review(fake, sessions["bob"])
        refused = await click(fake, "alice", message, "send", sessions["bob"])
        assert refused.is_ephemeral and refused.content == ONLY_ORGANISERS_FR
        forged = await fake.forge_click("bob", message, f"speaker:send:{sessions['alice']}", on_message=True)
        await forged.response(timeout=10)
        assert forged.is_ephemeral and forged.content == ONLY_ORGANISERS_EN
        for session in sessions.values():
            assert (await stored_review(bot, session)).decision is None
        assert summaries_in_dms(fake, "bob") == [] and summaries_in_dms(fake, "alice") == []
        assert not any(b.get("disabled") for b in buttons(review(fake, sessions["bob"])))


async def test_two_organisers_clicking_at_once_make_one_decision_and_one_dm(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        message = review(fake, sessions["bob"])
        clicks = await asyncio.gather(
            fake.click("olivia", message, f"speaker:send:{sessions['bob']}"),
            fake.click("adam", message, f"speaker:send:{sessions['bob']}"),
        )
        answers = [(await answered(record)).content for record in clicks]
        stored = await stored_review(bot, sessions["bob"])
        winner = next(r for r in clicks if r.member.id == stored.decided_by)
        loser = next(r for r in clicks if r is not winner)
        assert answers[clicks.index(winner)].startswith("Envoyé")
        assert answers[clicks.index(loser)].startswith(f"Déjà décidé par <@{stored.decided_by}>")
        assert len(summaries_in_dms(fake, "bob")) == 1
        # A click that arrives afterwards (a client that had not redrawn) is told the same.
        late = await fake.forge_click("olivia", message, f"speaker:withhold:{sessions['bob']}")
        await late.response(timeout=10)
        assert late.content.startswith(f"Déjà décidé par <@{stored.decided_by}>")
        assert "envoyé à l’intervenant·e" in late.content
        assert (await stored_review(bot, sessions["bob"])).decision == "send"


async def test_reviews_posted_before_a_restart_still_work_after_it(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await speaks_english(bot, fake)
        _, sessions = await morning(bot, fake, clock)
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        assert len(reviews(fake)) == 3
        await answered(await click(fake, "olivia", review(fake, sessions["bob"]), "send", sessions["bob"]))
        (dm,) = summaries_in_dms(fake, "bob")
        assert dm.embeds[0]["title"].startswith("Your session")


async def test_a_restart_between_send_and_the_dm_sends_it_once_after_it(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        fake.fail_dms("bob", times=1)  # Discord has a passing outage: the DM is not sent
        answer = await answered(
            await click(fake, "olivia", review(fake, sessions["bob"]), "send", sessions["bob"])
        )
        assert answer.content.startswith("Discord n’a pas accepté le message privé")
        assert "en cours" in review(fake, sessions["bob"]).content
        assert summaries_in_dms(fake, "bob") == []
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_dm("bob", lambda m: bool(m.embeds), timeout=10)  # the pass at startup
        await step(bot)
        assert len(summaries_in_dms(fake, "bob")) == 1
        assert (await stored_review(bot, sessions["bob"])).delivery == "dm"
        assert "reçu en message privé" in review(fake, sessions["bob"]).content


async def test_a_dm_sent_just_before_a_crash_is_found_not_sent_twice(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        await answered(await click(fake, "olivia", review(fake, sessions["bob"]), "send", sessions["bob"]))
        assert len(summaries_in_dms(fake, "bob")) == 1
    # The crash came between Discord accepting the DM and the store recording it.
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute("UPDATE speaker_reviews SET delivered_at = NULL, delivery = NULL")
        await db.commit()
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        assert len(summaries_in_dms(fake, "bob")) == 1
        assert (await stored_review(bot, sessions["bob"])).delivery == "dm"


async def test_a_review_claimed_before_a_crash_is_posted_once_after_it(agora, fake, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        _, sessions = await morning(bot, fake, clock)
        kept = review(fake, sessions["bob"])
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        # bob's review was posted but not recorded; alice's was claimed and never posted.
        await db.execute("UPDATE speaker_reviews SET channel_id = NULL, message_id = NULL")
        await db.commit()
    fake.world.messages[review(fake, sessions["alice"]).id].deleted = True
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        assert len(reviews(fake)) == 3
        assert review(fake, sessions["bob"]).id == kept.id
        assert (await stored_review(bot, sessions["bob"])).message_id == kept.id
        assert (await stored_review(bot, sessions["alice"])).message_id == review(fake, sessions["alice"]).id
