"""Speakers and live Q&A, the whole loop driven only as people do it: commands, clicks, menus, forms and
the injected clock (the database is only read, to check). A morning: the programme built with
`/event programme`, shown on the announcement, then a live Q&A with named and anonymous questions, votes,
moderation and the close, kept in the report and the export. Afterwards: the feedback form and the
session step (six sessions, so *Next*), the window closing, the report's figures per session, the
organisers' review and what each speaker receives, across a restart."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from cogs.events.sessions.rules import PAGE_SIZE, rate_id, word_input_id
from tests.e2e import programme_helpers as programme
from tests.e2e.events_helpers import END, START, TITLE, is_call, read_csv, step
from tests.e2e.questions_helpers import (
    ask,
    board_message,
    button,
    moderate,
    questions,
    start_qa,
    stop_qa,
    stored,
    thread_of,
    vote,
    votes_shown,
)
from tests.e2e.registration_helpers import create_with_places
from tests.e2e.session_feedback_helpers import (
    chosen,
    give_feedback,
    is_report,
    open_words,
    rate,
    selects,
    session_field,
    turn,
)
from tests.e2e.speaker_review_helpers import (
    ORGANISERS,
    answered,
    buttons,
    click,
    review,
    reviews,
    showing,
    summaries_in_dms,
)

WINDOW = timedelta(days=7)


@pytest.fixture(autouse=True)
def no_unexpected_errors(caplog):
    """The loop holds refusals (members moderating), never an error of Agora's."""
    caplog.set_level(logging.INFO)
    yield
    for record in caplog.records:
        message = record.getMessage()
        assert "unexpected error" not in message, message
        assert not message.startswith("Ignoring exception"), message
        assert record.levelno < logging.ERROR, message


def at(hour: int, minute: int = 0) -> int:
    """Epoch seconds of a Geneva wall-clock time on the morning's day (3 December 2026, UTC+1)."""
    return int((datetime(2026, 12, 3, hour, minute, tzinfo=UTC) - timedelta(hours=1)).timestamp())


def pairs(message) -> list[tuple[str, str]]:
    return [(f["name"], f["value"]) for f in programme.session_fields(message)]


def everything_shown(message) -> str:
    """All a message shows: its text, embeds, components and the text of its files."""
    files = [a.data.decode("utf-8", "replace") for a in message.attachments if a.data]
    shown = json.dumps([message.content, message.embeds, message.components], ensure_ascii=False)
    return "\n".join([shown, *files])


def by_text(fake, thread, text):
    return next(m for m in questions(fake, thread) if text in m.content)


async def build_programme(fake, bot, event, sessions):
    """Each (title, start, member speaker or None, guest or None) added through one `/event programme`
    panel; returns the stored sessions' ids, by title."""
    panel = await programme.open_panel(fake, "olivia", event)
    for title, start, speaker, guest in sessions:
        shown = await programme.add_session(
            fake, "olivia", event, title, start, speaker=speaker, guest=guest, panel=panel
        )
        assert shown.id == panel.message.id, shown.content  # the panel redrawn, not a refusal
    return {s.title: s.id for s in await programme.stored_sessions(bot, event)}


# The morning's questions, and who asks them: chloé only ever asks anonymously.
PANEL = "Quels chiffres pour convaincre un comité de direction ?"
DOUBT = "Et si la direction ne suit pas ?"
ROI = "Comment mesurer le ROI d’une marque employeur ?"
SLIDES = "Les supports de l’ouverture seront-ils partagés ?"
OPENING, TALK, ROUND = "Ouverture", "La marque employeur de l’intérieur", "Table ronde : le ROI des réseaux"


async def test_a_morning_from_the_programme_to_the_questions_in_the_report(agora, fake, clock):
    chloe = await fake.add_member("chloe", locale="fr")
    await fake.add_member("denis", locale="fr")
    bob = fake.member("bob")
    async with agora.running() as bot:
        await fake.wait_for_commands()

        # The organiser announces the morning and builds its programme: a guest, bob, a guest.
        event, announcement = await create_with_places(fake)
        ids = await build_programme(
            fake,
            bot,
            event,
            [
                (OPENING, "08:30", None, "Claire Martin"),
                (TALK, "09:00", "bob", None),
                (ROUND, "10:00", None, "Jeanne Dupont"),
            ],
        )
        shown = await programme.shows_sessions(fake, announcement, 3)
        assert pairs(shown) == [
            (OPENING, f"<t:{at(8, 30)}:t>–<t:{at(9)}:t> · Claire Martin"),
            (TALK, f"<t:{at(9)}:t>–<t:{at(10)}:t> · <@{bob.id}>"),
            (ROUND, f"<t:{at(10)}:t>–<t:{at(11, 30)}:t> · Jeanne Dupont"),
        ]
        assert not shown.pings_anyone

        # The morning: bob's talk is under way; an organiser opens the questions from elsewhere, and
        # the board goes to a thread of the event's channel.
        clock.set(START + timedelta(minutes=45))
        started = await start_qa(fake, where=ORGANISERS)
        assert started.is_ephemeral
        board = board_message(fake, "général")
        thread = thread_of(fake, board)
        assert thread.parent_id == fake.channel("général").id
        assert TITLE in board.embeds[0]["title"]

        await ask(fake, "alice", board, PANEL, session=ids[ROUND])
        asked = await ask(fake, chloe, board, DOUBT, anonymous=True, session=ids[TALK])
        assert asked.is_ephemeral and "anonymement" in asked.content
        await ask(fake, "alice", board, ROI, session=ids[TALK])
        await ask(fake, "denis", board, SLIDES, session=ids[OPENING])
        panel, doubt, roi, slides = (by_text(fake, thread, t) for t in (PANEL, DOUBT, ROI, SLIDES))
        assert "anonyme" in doubt.content and f"Pour : {TALK}" in doubt.content
        assert f"<@{fake.member('alice').id}>" in panel.content

        votes = [
            (panel, ("chloe", "denis", "adam", "olivia")),
            (doubt, ("alice", "denis", "olivia", "bob")),
            (roi, ("bob", chloe)),
            (slides, ("alice",)),
        ]
        for message, voters in votes:
            for member in voters:
                await vote(fake, member, message)
        withdrawn = await vote(fake, "bob", doubt)  # clicked again: withdrawn
        assert votes_shown(withdrawn.message) == 3
        for message, count in ((panel, 4), (doubt, 3), (roi, 2), (slides, 1)):
            await fake.wait_for(lambda m=message, c=count: votes_shown(fake.message(m.id)) == c, timeout=10)

        # Moderation: a member is refused, and so is the speaker on another session's question.
        refused = await moderate(fake, "alice", doubt, "hide")
        assert refused.is_ephemeral and "Seuls les organisateurs" in refused.content
        refused = await moderate(fake, "bob", slides, "answered")
        assert refused.is_ephemeral and "Only the organisers and the session's speaker" in refused.content
        await moderate(fake, "bob", doubt, "answered")  # the speaker, on his own session's question
        await moderate(fake, "olivia", slides, "hide")  # an organiser
        assert stored(bot, "SELECT text, state, moderated_by FROM qa_questions ORDER BY id") == [
            (PANEL, "open", None),
            (DOUBT, "answered", bob.id),
            (ROI, "open", None),
            (SLIDES, "hidden", fake.member("olivia").id),
        ]
        assert SLIDES not in fake.message(slides.id).content and fake.message(slides.id).components == []
        assert button(fake.message(doubt.id), "qa:answered:")["disabled"] is True

        def board_settled():
            embed = fake.message(board.id).embeds[0]
            waiting = embed["description"]
            done = "\n".join(f["value"] for f in embed.get("fields") or [])
            return PANEL in waiting and ROI in waiting and SLIDES not in waiting and DOUBT in done

        await fake.wait_for(board_settled, timeout=10, what="the board after moderation")
        assert DOUBT not in fake.message(board.id).embeds[0]["description"]

        # The close: the final ranked list (the hidden question left out), every button disabled.
        stopped = await stop_qa(fake)
        assert "4 question" in stopped.content
        final = await fake.wait_for_message(thread, lambda m: m.embeds and "finale" in m.embeds[0]["title"])
        assert final.embeds[0]["description"].split("\n") == [
            f"**1.** `▲ 4` {PANEL}",
            f"**2.** `▲ 3` {DOUBT} ✅",
            f"**3.** `▲ 2` {ROI}",
        ]

        def all_disabled():
            shown = [fake.message(m.id) for m in (board, panel, doubt, roi)]
            return all(c.get("disabled") for m in shown for row in m.components for c in row["components"])

        await fake.wait_for(all_disabled, timeout=10, what="every button disabled")

        # The report and the export keep the questions, their votes and states.
        report = await fake.run_command("olivia", "event report", {"event": str(event.id)})
        (answer,) = await report.followups(count=1, timeout=20)
        counts = "4 question(s) · 10 vote(s) · 1 répondue(s) · 1 masquée(s)"
        assert session_field(answer.embeds, "❓ Questions-réponses") == counts
        assert session_field(answer.embeds, "Questions, par votes").split("\n") == [
            f"**1.** `▲ 4` {PANEL}",
            f"**2.** `▲ 3` {DOUBT} ✅",
            f"**3.** `▲ 2` {ROI}",
            f"**4.** `▲ 1` {SLIDES} 🙈",
        ]
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        (questions_csv,) = [f for f in export.files if f.filename == f"questions-{event.id}.csv"]
        header, *rows = read_csv(questions_csv.data, ";")
        assert header[:4] == ["question", "intervention", "votes", "état"]
        alice, denis = str(fake.member("alice").id), str(fake.member("denis").id)
        assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
            (PANEL, ROUND, "4", "ouverte", alice),
            (DOUBT, TALK, "3", "répondue", ""),
            (ROI, TALK, "2", "ouverte", alice),
            (SLIDES, OPENING, "1", "masquée", denis),
        ]

        # Anonymous: chloé is nowhere, not in the thread, the channel, the report or any exported file.
        seen = [*fake.messages(thread), *fake.messages("général"), answer]
        text = "\n".join(everything_shown(m) for m in seen)
        text += "\n".join(f.data.decode("utf-8-sig", "replace") for f in export.files)
        assert str(chloe.id) not in text and "chloe" not in text.lower()
        # Agora keeps her id only for her own data (export, forgetting, the flood limit).
        assert stored(bot, "SELECT anonymous, author_id FROM qa_questions WHERE text = ?", (DOUBT,)) == [
            (1, chloe.id)
        ]


# The afternoon after: six sessions, bob and alice speaking, then guests.
SESSIONS = [
    ("La marque employeur de l’intérieur", "08:30", "bob", None),
    ("L’intelligence collective en pratique", "09:00", "alice", None),
    ("Mesurer l’engagement", "09:30", None, "Claire Martin"),
    ("Atelier : la relation client", "10:00", None, "Paul Favre"),
    ("Les réseaux sociaux internes", "10:30", None, "Léa Rochat"),
    ("Le ROI des réseaux sociaux", "11:00", None, "Jeanne Dupont"),
]
BOBS, ALICES, THIRD, _, _, GUESTS = (title for title, *_ in SESSIONS)


async def rate_on_step(fake, member, message, event_id, sessions, choices, *, words=None):
    """On the step that followed `member`'s form: `choices` ({session title: value}) chosen and `words`
    ({title: text}) typed in the page's form of words for the speakers, the first page, then *Next* and
    the second page when some are there."""
    words = words or {}
    page_of = {title: index // PAGE_SIZE for index, (title, *_) in enumerate(SESSIONS)}
    for page in (0, 1):
        chosen_here = {t: v for t, v in choices.items() if page_of[t] == page}
        typed_here = {word_input_id(sessions[t]): text for t, text in words.items() if page_of[t] == page}
        if not (chosen_here or typed_here):
            continue
        if page:
            await turn(fake, member, fake.message(message.id), event_id, 1)
        for title, value in chosen_here.items():
            await rate(fake, member, fake.message(message.id), event_id, page, sessions[title], value)
        if typed_here:
            form = await open_words(fake, member, fake.message(message.id), event_id, page)
            await (await fake.submit_modal(member, form, typed_here)).response(timeout=10)


async def test_speakers_hear_back_after_the_organisers_review(agora, fake, clock):
    for name in ("chloe", "denis"):
        await fake.add_member(name, locale="fr")
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        event, _ = await create_with_places(fake)
        sessions = await build_programme(fake, bot, event, SESSIONS)
        assert list(sessions) == [title for title, *_ in SESSIONS]

        # The morning is over: the call for feedback goes out.
        clock.set(END + timedelta(minutes=16))
        await step(bot)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        called_at = clock.now()

        # Each member: the form, then the step (the sixth session behind Next), words for speakers.
        answers = [
            ("alice", {BOBS: "5", THIRD: "4", GUESTS: "4"}, {BOBS: "Très clair, merci !"}),
            ("bob", {ALICES: "5", GUESTS: "5"}, {}),
            ("olivia", {BOBS: "4", ALICES: "3"}, {}),
            ("adam", {BOBS: "4"}, {}),
            ("chloe", {BOBS: "missed", GUESTS: "3"}, {GUESTS: "Des exemples concrets, bravo"}),
            ("denis", {BOBS: "2"}, {BOBS: "Un peu rapide sur la fin", ALICES: "Bravo Alice"}),
        ]
        steps = {}
        for member, choices, words in answers:
            _, steps[member] = await give_feedback(fake, member, call, event.id)
            assert len(selects(steps[member])) == PAGE_SIZE  # five sessions a page
            await rate_on_step(fake, member, steps[member], event.id, sessions, choices, words=words)
        shown = fake.message(steps["chloe"].id)  # on the second page: the sixth session alone
        assert list(selects(shown)) == [rate_id(event.id, 1, sessions[GUESTS])]
        assert chosen(shown, event.id, 1, sessions[GUESTS]) == "3"
        # alice changes her mind: the form again brings the step back with her choice, which she changes.
        _, again = await give_feedback(fake, "alice", call, event.id)
        assert chosen(again, event.id, 0, sessions[BOBS]) == "5"
        await rate(fake, "alice", again, event.id, 0, sessions[BOBS], "4")

        # The window closes on the clock: the report's figures per session, computed by hand.
        clock.set(called_at + WINDOW + timedelta(seconds=1))
        await step(bot)
        await fake.wait_for(lambda: len(reviews(fake)) == 6, timeout=10, what="six reviews")
        (report,) = [m for m in fake.messages(ORGANISERS) if is_report(m, event.id)]
        # bob's session: alice 4 (was 5), olivia 4, adam 4, denis 2; chloé missed it. 14 / 4 = 3.5.
        first = session_field(report.embeds, BOBS)
        assert "**3,5** / 5 · réponses : 4 · manquée : 1" in first
        assert "1★ 0 · 2★ 1 · 3★ 0 · 4★ 3 · 5★ 0" in first
        assert "> Très clair, merci !" in first and "> Un peu rapide sur la fin" in first
        # alice's: bob 5, olivia 3 → 4,0 on two answers. The sixth: 4, 5, 3 → 4,0.
        assert "**4,0** / 5 · réponses : 2 · manquée : 0" in session_field(report.embeds, ALICES)
        sixth = session_field(report.embeds, GUESTS)
        assert (
            "**4,0** / 5 · réponses : 3 · manquée : 0" in sixth
            and "1★ 0 · 2★ 0 · 3★ 1 · 4★ 1 · 5★ 1" in sixth
            and "> Des exemples concrets, bravo" in sixth
        )
        assert "**—** / 5 · réponses : 0" in session_field(report.embeds, "Atelier")

        # One review per session in the organisers' channel; below the minimum, the review says so.
        assert {s for s in sessions.values() if review(fake, s)} == set(sessions.values())
        assert "Moins de 3 notes (2)" in review(fake, sessions[ALICES]).content
        assert "Moins de 3 notes" not in review(fake, sessions[BOBS]).content

        # Sent to bob: his DM, in his language (his client's), with the figures and the words.
        sent = await answered(
            await click(fake, "olivia", review(fake, sessions[BOBS]), "send", sessions[BOBS])
        )
        assert sent.content == f"Envoyé : <@{fake.member('bob').id}> a reçu son résumé en message privé."
        (dm,) = summaries_in_dms(fake, "bob")
        assert dm.content.startswith("Hello! Here is what the audience said about your session")
        summary = dm.embeds[0]["description"]
        assert "Answers: **4** · “I missed it”: 1" in summary
        assert "Average rating: **3.5** / 5" in summary
        # One line per rating, a bar of ten scaled on the most frequent (4 ★, three times), the count.
        for line in (
            "`5 ★` ░░░░░░░░░░ 0",
            "`4 ★` ██████████ 3",
            "`3 ★` ░░░░░░░░░░ 0",
            "`2 ★` ███░░░░░░░ 1",
            "`1 ★` ░░░░░░░░░░ 0",
        ):
            assert line in summary, line
        assert "> Très clair, merci !" in summary and "> Un peu rapide sur la fin" in summary
        assert not dm.pings_anyone

        # The guest's session: the organiser receives the summary as a file to forward.
        guest = sessions[GUESTS]
        given = await answered(await click(fake, "olivia", review(fake, guest), "send", guest))
        assert given.content == "Voici le résumé de Jeanne Dupont en fichier, à lui transmettre."
        (file,) = given.attachments
        text = file.data.decode("utf-8")
        assert text.startswith("Retour du public sur « Le ROI des réseaux sociaux », par Jeanne Dupont")
        assert "Réponses : 3 · « je l’ai manquée » : 0" in text and "Note moyenne : 4,0 / 5" in text
        for stars, count in ((5, 1), (4, 1), (3, 1), (2, 0), (1, 0)):
            assert f"{stars} ★  {count}" in text
        assert "- Des exemples concrets, bravo" in text
        await showing(fake, review(fake, guest), f"remis en fichier (speaker-{guest}.txt)")
        alices_review = review(fake, sessions[ALICES])

    # A restart in the middle of the review: alice's review, posted before it, still works, once.
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        assert review(fake, sessions[ALICES]).id == alices_review.id  # the same message, not a new one
        record = await click(fake, "adam", alices_review, "send", sessions[ALICES])
        assert (await answered(record)).content.startswith(f"Envoyé : <@{fake.member('alice').id}>")
        (dm,) = summaries_in_dms(fake, "alice")
        summary = dm.embeds[0]["description"]
        assert "Pas assez de réponses" in summary
        for hidden in ("Bravo", "Note moyenne", "Réponses", "★"):
            assert hidden not in summary, hidden
        late = await fake.forge_click("olivia", alices_review, f"speaker:send:{sessions[ALICES]}")
        await late.response(timeout=10)
        assert late.content.startswith(f"Déjà décidé par <@{fake.member('adam').id}>")
        await step(bot)
        assert len(summaries_in_dms(fake, "alice")) == 1 and len(summaries_in_dms(fake, "bob")) == 1
        assert len(reviews(fake)) == 6
        assert all(b.get("disabled") for b in buttons(review(fake, sessions[ALICES])))
