"""Feedback per session end to end: the feedback form → the session step (Components V2, five sessions
a page, *Next* for more) → ratings, "I missed it", words for the speakers, changed answers → the window
closes → the report's figures per session, computed here by hand; forged ratings refused; the step after
a restart; the sessions' CSV; another feature's part of the report and export."""

from __future__ import annotations

from datetime import timedelta

from cogs.events.session_rules import page_id, rate_id, word_input_id, words_id
from tests.e2e.events_helpers import field, step
from tests.e2e.session_feedback_helpers import (
    add_programme,
    buttons,
    chosen,
    event_with_open_feedback,
    give_feedback,
    is_report,
    is_step,
    open_words,
    rate,
    selects,
    session_field,
    texts,
    total_characters,
    turn,
)

WINDOW = timedelta(days=7)


async def test_sessions_are_rated_after_the_form_and_the_report_shows_each_one(agora, fake, clock):
    chloe = await fake.add_member("chloe", locale="fr")
    async with agora.running(organiser_channel="organisateurs") as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        called_at = clock.now()
        sessions = await add_programme(bot, event.id, 7, speaker_id=fake.member("bob").id)
        s1, s2, s3, _, _, s6, s7 = (s.id for s in sessions)

        # The form's answer, then the step: five sessions, a menu each, Next and the words' button.
        submit, message = await give_feedback(fake, "alice", call, event.id)
        assert "Merci" in submit.content
        assert is_step(message) and message.content == "" and message.embeds == []
        assert [rate_id(event.id, 0, s.id) for s in sessions[:5]] == list(selects(message))
        assert set(buttons(message)) == {page_id(event.id, 1), words_id(event.id, 0)}
        assert "Session 1 : l’intelligence\\_collective" in texts(message)[1]
        assert f"<@{fake.member('bob').id}>" in texts(message)[1]
        assert "Ada \\*Lovelace\\* 2" in texts(message)[2]
        options = [o["label"] for o in selects(message)[rate_id(event.id, 0, s1)]["options"]]
        ratings = ["1 — Décevant", "2 — Moyen", "3 — Bien", "4 — Très bien", "5 — Excellent"]
        assert options == [*ratings, "Je l’ai manquée", "Pas de réponse"]

        # Each menu answers by editing the step message, which shows what is saved.
        click = await rate(fake, "alice", message, event.id, 0, s1, "5")
        assert click.callback.name == "UPDATE_MESSAGE" and click.message.id == message.id
        message = fake.message(message.id)
        assert chosen(message, event.id, 0, s1) == "5" and "★★★★★ 5/5" in texts(message)[1]
        await rate(fake, "alice", message, event.id, 0, s2, "4")
        await rate(fake, "alice", message, event.id, 0, s3, "missed")
        assert "manquée" in texts(fake.message(message.id))[3]

        # Next: the last two sessions, Previous and the words for their speakers.
        await turn(fake, "alice", message, event.id, 1)
        message = fake.message(message.id)
        assert list(selects(message)) == [rate_id(event.id, 1, s6), rate_id(event.id, 1, s7)]
        assert set(buttons(message)) == {page_id(event.id, 0), words_id(event.id, 1)}
        await rate(fake, "alice", message, event.id, 1, s6, "3")
        modal = await open_words(fake, "alice", message, event.id, 1)
        assert list(modal.inputs()) == [word_input_id(s6), word_input_id(s7)]
        words = "Très clair, merci <@{}> et @everyone !".format(fake.member("olivia").id)
        submit_words = await fake.submit_modal("alice", modal, {word_input_id(s6): words})
        await submit_words.response(timeout=10)
        assert submit_words.callback.name == "UPDATE_MESSAGE"
        assert "💬" in texts(fake.message(message.id))[1]

        # Bob, Adam, Olivia and Chloé answer too; Bob leaves a word for the first speaker.
        _, bob_step = await give_feedback(fake, "bob", call, event.id)
        await rate(fake, "bob", bob_step, event.id, 0, s1, "3")
        await rate(fake, "bob", bob_step, event.id, 0, s2, "2")
        modal = await open_words(fake, "bob", bob_step, event.id, 0)
        bob_words = await fake.submit_modal("bob", modal, {word_input_id(s1): "Trop_court !"})
        await bob_words.response(timeout=10)
        for member, rating in (("adam", "5"), ("olivia", "5"), (chloe, "2")):
            _, their_step = await give_feedback(fake, member, call, event.id)
            await rate(fake, member, their_step, event.id, 0, s1, rating)
        await rate(fake, chloe, their_step, event.id, 0, s3, "missed")

        # Changeable until the window closes: the form again brings the step back, preselected.
        _, again = await give_feedback(fake, "alice", call, event.id)
        assert chosen(again, event.id, 0, s1) == "5" and chosen(again, event.id, 0, s3) == "missed"
        await rate(fake, "alice", again, event.id, 0, s1, "4")
        await rate(fake, chloe, their_step, event.id, 0, s1, "clear")
        assert chosen(fake.message(their_step.id), event.id, 0, s1) is None

        # The window closes: the report's session fields, computed by hand.
        clock.set(called_at + WINDOW + timedelta(seconds=1))
        await step(bot)
        await step(bot)
        (report,) = [m for m in fake.messages("organisateurs") if is_report(m, event.id)]
        embeds = report.embeds
        assert len(embeds) <= 10 and total_characters(embeds) <= 6000
        # Session 1: 4 (alice, changed from 5), 3 (bob), 5 (adam), 5 (olivia); chloé cleared hers.
        # 17 / 4 = 4.25 → 4,3 (half up, French decimal mark).
        first = session_field(embeds, "Session 1 ")
        assert "**4,3** / 5 · réponses : 4 · manquée : 0" in first
        assert "1★ 0 · 2★ 0 · 3★ 1 · 4★ 1 · 5★ 2" in first
        assert "> Trop\\_court !" in first
        # Session 2: 4 and 2 → 3,0. Session 3: missed twice, no rating.
        assert "**3,0** / 5 · réponses : 2 · manquée : 0" in session_field(embeds, "Session 2 ")
        assert "**—** / 5 · réponses : 0 · manquée : 2" in session_field(embeds, "Session 3 ")
        sixth = session_field(embeds, "Session 6 ")
        assert "**3,0** / 5 · réponses : 1" in sixth and "merci <@\u200b" in sixth
        assert not report.pings_anyone and "Ada \\*Lovelace\\* 6" in sixth
        assert field(embeds[0], "Note moyenne").startswith("**4,0** / 5")  # the form: 4 × 5 answers
