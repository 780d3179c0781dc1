"""Feedback per session end to end: the feedback form → the session step (Components V2, five sessions
a page, *Next* for more) → ratings, "I missed it", words for the speakers, changed answers → the window
closes → the report's figures per session, computed here by hand; forged ratings refused; the step after
a restart; the sessions' CSV; another feature's part of the report and export."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from agora.meetings import ReportPart
from cogs.events.sessions.rules import page_id, rate_id, word_input_id, words_form_id, words_id
from tests.e2e.events_helpers import create_event, field, read_csv, step
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
    stored,
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


async def test_forged_ratings_are_refused_and_nothing_is_stored(agora, fake, clock):
    async with agora.running() as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        first, _ = await add_programme(bot, event.id, 2)
        await create_event(fake, title="Atelier du soir", start="2026-12-10 18:00", end="20:00")
        (other,) = [e for e in fake.scheduled_events() if e.id != event.id]
        (foreign,) = await add_programme(bot, other.id, 1)
        _, message = await give_feedback(fake, "alice", call, event.id)
        assert not message.pings_anyone  # the speaker shown as a mention, nobody pinged

        # Ratings the menu never offered, sent on its own custom_id by a modified client.
        for value in ("6", "0", " 3", "MISSED", "5", "1"):
            values = [value] if value != "5" else ["5", "1"]  # two choices in a one-choice menu
            if value == "1":
                values = []
            click = await fake.forge_click(
                "alice", message, rate_id(event.id, 0, first.id), component_type=3, values=values
            )
            await click.response(timeout=10)
            assert click.is_ephemeral and "n’est pas valable" in click.content, value
        # Another event's session, named in a menu of this event's step.
        foreign_id = rate_id(event.id, 0, foreign.id)
        click = await fake.forge_click(
            "alice", message, foreign_id, component_type=3, values=["5"], on_message=True
        )
        await click.response(timeout=10)
        assert click.is_ephemeral and "ne fait pas partie du programme" in click.content
        # A member who never answered the form (a menu forged on the call's message).
        click = await fake.forge_click(
            "bob", call, rate_id(event.id, 0, first.id), component_type=3, values=["5"], on_message=True
        )
        await click.response(timeout=10)
        assert click.is_ephemeral and "First give your feedback" in click.content
        # Words for another event's speaker, in a forged form of this event.
        forged = await fake.forge_modal_submit(
            "alice", words_form_id(event.id, 0), {word_input_id(foreign.id): "Bravo"}
        )
        await forged.response(timeout=10)
        assert forged.is_ephemeral and "ne fait pas partie du programme" in forged.content
        too_long = await fake.forge_modal_submit(
            "alice", words_form_id(event.id, 0), {word_input_id(first.id): "x" * 501}
        )
        await too_long.response(timeout=10)
        assert too_long.is_ephemeral and "n’est pas valable" in too_long.content

        assert await stored(bot, event.id) == [] and await stored(bot, other.id) == []
        assert chosen(fake.message(message.id), event.id, 0, first.id) is None


async def test_a_step_click_forged_on_a_public_message_leaves_that_message_as_it_is(agora, fake, clock):
    """The step's *Next* and menus, forged on the feedback call and on the announcement (messages everyone
    sees): the member gets the step apart, privately, and those messages keep their text and buttons."""
    async with agora.running() as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        first, _ = await add_programme(bot, event.id, 2)
        await give_feedback(fake, "alice", call, event.id)
        tracked = await bot.get_cog("EventsCog").store.get(event.id)
        announcement = fake.message(tracked.announcement_message_id)
        for public in (call, announcement):
            before = fake.message(public.id)
            shown = (before.content, before.embeds, before.components, before.flags, before.edits)
            page = await fake.forge_click("alice", public, page_id(event.id, 0), on_message=True)
            rate_forged = rate_id(event.id, 0, first.id)
            rating = await fake.forge_click(
                "alice", public, rate_forged, component_type=3, values=["4"], on_message=True
            )
            for click in (page, rating):
                answer = await click.response(timeout=10)
                assert answer.name == "CHANNEL_MESSAGE_WITH_SOURCE" and click.message.id != public.id
                assert is_step(click.message) and selects(click.message)
            after = fake.message(public.id)
            assert (after.content, after.embeds, after.components, after.flags, after.edits) == shown
        # The rating itself was the member's to give: saved, and shown in the step sent apart.
        assert [(r.session_id, r.rating) for r in await stored(bot, event.id)] == [(first.id, 4)]
        assert chosen(rating.message, event.id, 0, first.id) == "4"


async def test_once_the_window_closes_a_rating_is_refused(agora, fake, clock):
    async with agora.running() as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        called_at = clock.now()
        (session,) = await add_programme(bot, event.id, 1)
        _, message = await give_feedback(fake, "alice", call, event.id)
        await rate(fake, "alice", message, event.id, 0, session.id, "4")

        # Past the window's end by the injected clock, before the timeline has even closed it.
        clock.set(called_at + WINDOW + timedelta(seconds=1))
        click = await fake.select("alice", message, rate_id(event.id, 0, session.id), ["2"])
        await click.response(timeout=10)
        assert click.is_ephemeral and "est clos" in click.content
        await step(bot)
        for late in (
            await fake.select("alice", message, rate_id(event.id, 0, session.id), ["missed"]),
            await fake.click("alice", message, words_id(event.id, 0)),
        ):
            await late.response(timeout=10)
            assert late.is_ephemeral and "est clos" in late.content
        (kept,) = await stored(bot, event.id)
        assert (kept.rating, kept.missed) == (4, False)


async def test_the_step_keeps_working_after_a_restart(agora, fake, clock):
    async with agora.running() as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        sessions = await add_programme(bot, event.id, 7)
        _, message = await give_feedback(fake, "alice", call, event.id)
        modal = await open_words(fake, "alice", message, event.id, 0)  # left open across the restart
    async with agora.running() as bot:
        await turn(fake, "alice", message, event.id, 1)
        message = fake.message(message.id)
        await rate(fake, "alice", message, event.id, 1, sessions[6].id, "2")
        assert chosen(fake.message(message.id), event.id, 1, sessions[6].id) == "2"
        words = await fake.submit_modal("alice", modal, {word_input_id(sessions[0].id): "Bravo !"})
        await words.response(timeout=10)
        assert words.callback.name == "UPDATE_MESSAGE"
        saved = {(r.session_id, r.rating, r.comment) for r in await stored(bot, event.id)}
        assert saved == {(sessions[6].id, 2, ""), (sessions[0].id, None, "Bravo !")}
        # The words' form edits the message it came from: its first page again, the word marked.
        assert selects(fake.message(message.id)) and "💬" in texts(fake.message(message.id))[1]


async def test_the_export_adds_the_sessions_csv(agora, fake, clock):
    async with agora.running(feedback_anonymous=False) as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        first, second = await add_programme(bot, event.id, 2, speaker_id=fake.member("olivia").id)
        _, alice_step = await give_feedback(fake, "alice", call, event.id)
        await rate(fake, "alice", alice_step, event.id, 0, first.id, "5")
        await rate(fake, "alice", alice_step, event.id, 0, second.id, "missed")
        _, bob_step = await give_feedback(fake, "bob", call, event.id)
        modal = await open_words(fake, "bob", bob_step, event.id, 0)
        words = await fake.submit_modal("bob", modal, {word_input_id(second.id): "=HYPERLINK(1)"})
        await words.response(timeout=10)
        await rate(fake, "bob", bob_step, event.id, 0, second.id, "3")

        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        feedback_csv, sessions_csv = export.files
        assert (feedback_csv.filename, sessions_csv.filename) == (
            f"feedback-{event.id}.csv",
            f"sessions-{event.id}.csv",
        )
        header, *rows = read_csv(sessions_csv.data, ";")
        assert header == [
            "événement",
            "session",
            "intervenant·e",
            "début",
            "note",
            "mot pour l’intervenant·e",
            "modifié le",
            "id du membre",
        ]
        alice, bob = str(fake.member("alice").id), str(fake.member("bob").id)
        # A member speaker Agora has not seen shows as their id: it reads no member list.
        olivia = str(fake.member("olivia").id)
        assert [(r[1][:9], r[2], r[4], r[5], r[7]) for r in rows] == [
            ("Session 1", olivia, "5", "", alice),
            ("Session 2", "Ada *Lovelace* 2", "manquée", "", alice),
            ("Session 2", "Ada *Lovelace* 2", "3", "'=HYPERLINK(1)", bob),
        ]


async def test_the_sessions_csv_names_no_member_when_feedback_is_anonymous(agora, fake, clock):
    async with agora.running() as bot:
        event, call = await event_with_open_feedback(fake, clock, bot)
        (session,) = await add_programme(bot, event.id, 1)
        _, message = await give_feedback(fake, "alice", call, event.id)
        await rate(fake, "alice", message, event.id, 0, session.id, "4")
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        header, row = read_csv(export.files[1].data, ";")
        assert len(header) == len(row) == 7 and row[4] == "4"
        assert str(fake.member("alice").id) not in export.files[1].text


class QuestionsPart:
    """Another feature's part of the report, as the live Q&A gives it: fields and a file for the export."""

    name = "questions (test)"

    def __init__(self, fields: int = 1) -> None:
        self.fields = fields
        self.asked: list[int] = []

    async def report_part(self, event_id: int, words) -> ReportPart:
        self.asked.append(event_id)
        first = ("Questions du public", "1. Comment mesurer l’engagement ? — ▲ 7\n2. Et les *cadres* ? — ▲ 3")
        more = [
            (f"Question {n} " + "q" * 200, ("Une longue réponse notée. " * 40).strip())
            for n in range(self.fields)
        ]
        return ReportPart(
            fields=(first, *more[1:]), files=((f"questions-{event_id}.csv", b"question;votes\r\n"),)
        )


async def test_another_features_part_is_in_the_report_and_the_export(agora, fake, clock):
    async with agora.running(organiser_channel="organisateurs") as bot:
        questions = QuestionsPart()
        bot.meetings.register(questions)
        event, call = await event_with_open_feedback(fake, clock, bot)
        await add_programme(bot, event.id, 1)
        await give_feedback(fake, "alice", call, event.id)
        report = await fake.run_command("olivia", "event report", {"event": str(event.id)})
        (message,) = await report.followups(timeout=20)
        assert "▲ 7" in session_field(message.embeds, "Questions du public")
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        assert [f.filename for f in export.files][2:] == [f"questions-{event.id}.csv"]
        assert export.files[2].data == b"question;votes\r\n" and questions.asked == [event.id, event.id]


class SlowPart:
    """A part of the report that takes its time (a big Q&A, a busy database): it waits to be let go."""

    name = "slow (test)"

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.release = asyncio.Event()

    async def report_part(self, event_id: int, words) -> ReportPart:
        self.asked.set()
        await self.release.wait()
        return ReportPart(fields=(), files=((f"slow-{event_id}.csv", b"x\r\n"),))


async def test_the_export_answers_at_once_and_sends_the_files_when_every_part_is_built(agora, fake, clock):
    async with agora.running() as bot:
        slow = SlowPart()
        bot.meetings.register(slow)
        event, _ = await event_with_open_feedback(fake, clock, bot)
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        # Answered ("thinking", privately) while a part is still being built: Discord's 3 s are kept.
        assert (await export.response(timeout=10)).name == "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE"
        assert export.is_ephemeral and not slow.release.is_set()
        await asyncio.wait_for(slow.asked.wait(), timeout=10)
        slow.release.set()
        message = await export.final_message(timeout=10)
        assert message.is_ephemeral and not message.pings_anyone
        assert [f.filename for f in message.attachments] == [
            f"feedback-{event.id}.csv",
            f"slow-{event.id}.csv",
        ]


async def test_a_crowded_report_stays_within_discords_limits(agora, fake, clock):
    """Ten sessions, five long words for each speaker (markdown that doubles when escaped), and another
    feature's thirty long fields: the report still goes out, whole words only, every session's figures."""
    chloe = await fake.add_member("chloe", locale="fr")
    members = ("alice", "bob", "olivia", "adam", chloe)
    async with agora.running(organiser_channel="organisateurs") as bot:
        bot.meetings.register(QuestionsPart(fields=30))
        event, call = await event_with_open_feedback(fake, clock, bot)
        called_at = clock.now()
        sessions = await add_programme(bot, event.id, 10)
        for n, member in enumerate(members):
            _, message = await give_feedback(fake, member, call, event.id)
            for page in (0, 1):
                if page:
                    await turn(fake, member, message, event.id, 1)
                modal = await open_words(fake, member, fake.message(message.id), event.id, page)
                long_word = (f"mot_{n} *très* __long__ " * 40)[:500]
                values = {word_input_id(s.id): long_word for s in sessions[page * 5 : page * 5 + 5]}
                await (await fake.submit_modal(member, modal, values)).response(timeout=10)
                await rate(fake, member, fake.message(message.id), event.id, page, sessions[page * 5].id, "4")
        clock.set(called_at + WINDOW + timedelta(seconds=1))
        await step(bot)
        await step(bot)
        (posted,) = [m for m in fake.messages("organisateurs") if is_report(m, event.id)]
        report = await fake.run_command("olivia", "event report", {"event": str(event.id)})
        (shown,) = await report.followups(timeout=20)
        for message in (posted, shown):
            embeds = message.embeds
            assert len(embeds) <= 10 and total_characters(embeds) <= 6000
            assert all(len(e.get("fields") or []) <= 25 for e in embeds)
            for n in (1, 6):
                value = session_field(embeds, f"Session {n} ")
                assert "**4,0** / 5 · réponses : 5 · manquée : 0" in value
            for s in range(1, 11):
                value = session_field(embeds, f"Session {s} ")
                assert "1★ 0 · 2★ 0" in value
                for line in value.split("\n")[3:]:
                    # A word is whole, or cut after a whole word with "…"; never cut inside an escape.
                    assert line.startswith("> ") or line.startswith("… et "), line
                    assert not line.endswith("\\…")
            assert any(
                "de plus dans l’export CSV" in session_field(embeds, f"Session {s} ") for s in range(1, 11)
            )
            assert "▲ 7" in session_field(embeds, "Questions du public")
