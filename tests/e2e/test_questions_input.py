"""Live Q&A: what members and forged clients send that is refused, clearly, with nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cogs.questions.rules import ANONYMOUS, QUESTION, SESSION
from tests.e2e.events_helpers import START, create_event
from tests.e2e.questions_helpers import (
    ask,
    board_id,
    board_message,
    moderate,
    morning,
    question_id,
    questions,
    start_qa,
    stop_qa,
    store_session,
    stored,
    thread_of,
    vote,
)
from tests.fake_discord import Perm


async def open_board(fake):
    await start_qa(fake)
    board = board_message(fake)
    return board, thread_of(fake, board)


async def forged_form(fake, member, board, values):
    """The board's form sent with `values` as they are, past what Discord's client allows."""
    click = await fake.click(member, board, f"qa:ask:{board_id(board)}")
    form = await click.modal(timeout=10)
    submit = await fake.submit_modal(member, form, values, force=True)
    await submit.final_message(timeout=10)
    return submit


@pytest.mark.parametrize(
    ("text", "expected"),
    [("   \n ", "vide"), ("x" * 301, "301 caractères"), ("_" * 301, "301 caractères")],
)
async def test_an_empty_or_too_long_question_is_refused_and_nothing_is_stored(agora, fake, text, expected):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, thread = await open_board(fake)
        submit = await forged_form(fake, "alice", board, {QUESTION: text, ANONYMOUS: False})
        assert submit.is_ephemeral and expected in submit.content
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(0,)]
        assert questions(fake, thread) == []


async def test_a_question_of_exactly_300_characters_is_posted(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, thread = await open_board(fake)
        await ask(fake, "alice", board, "_" * 300)
        (message,) = questions(fake, thread)
        assert "\\_" * 300 in message.content
        assert stored(bot, "SELECT length(text) FROM qa_questions") == [(300,)]


async def test_a_session_of_another_event_is_refused(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await morning(fake, clock)
        await store_session(bot, event.id, "Ouverture", starts=START)
        await create_event(fake, title="Une autre matinée", start="2026-12-10 08:30")
        other = next(e for e in fake.scheduled_events() if e.id != event.id)
        elsewhere = await store_session(bot, other.id, "Ailleurs", starts=START + timedelta(days=7))
        board, _ = await open_board(fake)
        values = {QUESTION: "Une question", ANONYMOUS: False, SESSION: [str(elsewhere)]}
        submit = await forged_form(fake, "alice", board, values)
        assert "programme" in submit.content
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(0,)]


async def test_a_vote_on_a_hidden_question_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, thread = await open_board(fake)
        await ask(fake, "alice", board, "Une question à masquer")
        (message,) = questions(fake, thread)
        number = question_id(message)  # the message loses its buttons once hidden
        await vote(fake, "bob", message)
        await moderate(fake, "olivia", message, "hide")
        forged = await fake.forge_click("adam", message.id, f"qa:vote:{number}", on_message=True)
        await forged.response(timeout=10)
        assert forged.is_ephemeral and "masquée" in forged.content
        assert stored(bot, "SELECT user_id FROM qa_votes") == [(fake.member("bob").id,)]


async def test_a_vote_after_the_close_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, thread = await open_board(fake)
        await ask(fake, "alice", board, "Une question")
        (message,) = questions(fake, thread)
        await stop_qa(fake)
        forged = await fake.forge_click(
            "bob", message.id, f"qa:vote:{question_id(message)}", on_message=True, locale="fr"
        )
        await forged.response(timeout=10)
        assert forged.is_ephemeral and "closes" in forged.content
        assert stored(bot, "SELECT count(*) FROM qa_votes") == [(0,)]


@pytest.mark.parametrize("action", ["answered", "hide"])
async def test_a_member_may_not_moderate(agora, fake, clock, action):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await morning(fake, clock)
        await store_session(bot, event.id, "Table ronde", speaker=fake.member("bob"), starts=START)
        other = await store_session(bot, event.id, "Clôture", starts=START + timedelta(hours=2))
        board, thread = await open_board(fake)
        await ask(fake, "adam", board, "Pour la clôture", session=other)
        (message,) = questions(fake, thread)
        # alice is only a member; bob speaks, but at another session than this question's.
        for member in ("alice", "bob"):
            refused = await moderate(fake, member, message, action, locale="fr")
            assert refused.is_ephemeral and "organisateurs" in refused.content
        assert stored(bot, "SELECT state, moderated_by FROM qa_questions") == [("open", None)]
        assert "Répondue" in str(fake.message(message.id).components)  # the buttons are still there


async def test_a_sixth_question_within_ten_minutes_is_refused_then_accepted_later(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, _ = await open_board(fake)
        for number in range(5):
            await ask(fake, "alice", board, f"Question {number}")
            clock.advance(minutes=1)
        refused = await ask(fake, "alice", board, "Une sixième")
        first = (
            int(START.timestamp()) if False else stored(bot, "SELECT min(asked_at) FROM qa_questions")[0][0]
        )
        assert "5 questions en 10 minutes" in refused.content and f"<t:{first + 600}:R>" in refused.content
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(5,)]
        await ask(fake, "bob", board, "Une autre personne, elle, peut")
        clock.advance(minutes=5)  # the first question is now ten minutes old
        accepted = await ask(fake, "alice", board, "Une sixième")
        assert accepted.content.startswith("✅")
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(7,)]


async def test_a_member_may_not_start_or_stop(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        started = await start_qa(fake, "alice")
        assert started.is_ephemeral and "organisateurs" in started.content
        await start_qa(fake)
        stopped = await stop_qa(fake, "alice")
        assert "organisateurs" in stopped.content
        assert stored(bot, "SELECT stopped_at FROM qa_boards") == [(None,)]


async def test_start_where_the_bot_cannot_post_is_refused_and_stores_nothing(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await start_qa(fake, channel=fake.channel("lecture-seule").id)
        assert refused.is_ephemeral and "écrire" in refused.content
        assert stored(bot, "SELECT count(*) FROM qa_boards") == [(0,)]
        assert fake.messages("lecture-seule") == []


@pytest.mark.parametrize("denied", [Perm.CREATE_PUBLIC_THREADS, Perm.SEND_MESSAGES_IN_THREADS])
async def test_start_where_the_bot_cannot_hold_a_thread_is_refused_and_stores_nothing(agora, fake, denied):
    salle = await fake.add_channel("salle")
    await fake.set_overwrite(salle, fake.role("Agora"), deny=denied)
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await start_qa(fake, channel=salle.id, locale="en-US")
        assert refused.is_ephemeral and "threads" in refused.content
        assert stored(bot, "SELECT count(*) FROM qa_boards") == [(0,)]
        assert fake.messages(salle) == []


async def test_a_question_discord_refuses_to_post_is_not_kept(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, thread = await open_board(fake)
        await fake.set_overwrite("général", fake.role("Agora"), deny=Perm.SEND_MESSAGES_IN_THREADS)
        refused = await ask(fake, "alice", board, "Une question qui ne passera pas")
        assert refused.is_ephemeral and "refusé" in refused.content
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(0,)]
        assert questions(fake, thread) == []


async def test_a_form_sent_after_the_close_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, _ = await open_board(fake)
        click = await fake.click("alice", board, f"qa:ask:{board_id(board)}")
        form = await click.modal(timeout=10)
        await stop_qa(fake)
        submit = await fake.submit_modal("alice", form, {QUESTION: "Trop tard ?", ANONYMOUS: True})
        await submit.final_message(timeout=10)
        assert submit.is_ephemeral and "closes" in submit.content
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(0,)]


async def test_a_forged_form_for_a_board_past_64_bits_is_no_longer_valid(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        forged = await fake.forge_modal_submit("alice", "qa:form:9999999999999999999", {QUESTION: "Bonjour"})
        await forged.response(timeout=10)
        assert "plus valide" in forged.content
