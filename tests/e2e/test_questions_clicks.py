"""Live Q&A: a click counts only on the question's own message, and every click and form is answered in
time, whatever it waits for (Discord's answer to a post, the thread asked of Discord, a write)."""

from __future__ import annotations

import asyncio

import pytest

from cogs.questions.rules import ANONYMOUS, QUESTION
from tests.e2e.events_helpers import START
from tests.e2e.questions_helpers import (
    ask,
    board_id,
    board_message,
    is_board,
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
    votes_shown,
)
from tests.fake_discord import Perm

STALE = "Ce bouton n’est plus valide : relancez la commande qui l’a affiché si besoin."


def announcement(fake):
    """The morning's announcement, in général."""
    return next(
        m for m in fake.messages("général") if m.author_id == fake.bot.id and m.embeds and not is_board(m)
    )


def looks(message) -> tuple:
    return (message.content, message.embeds, message.components, message.edits)


async def a_question_for_bobs_talk(fake, clock, bot):
    """A morning where bob speaks, its board, and one question for his talk, shown on the board."""
    event = await morning(fake, clock)
    talk = await store_session(bot, event.id, "La marque employeur", speaker=fake.member("bob"), starts=START)
    await start_qa(fake)
    board = board_message(fake)
    await ask(fake, "alice", board, "Une question pour Bob", session=talk)
    (question,) = questions(fake, thread_of(fake, board))
    await fake.wait_for(lambda: "Une question pour Bob" in str(fake.message(board.id).embeds), timeout=10)
    return board, question


@pytest.mark.parametrize("where", ["board", "announcement"])
@pytest.mark.parametrize(("member", "action"), [("adam", "vote"), ("bob", "hide")])
async def test_a_forged_click_on_another_message_than_the_question_changes_nothing(
    agora, fake, clock, where, member, action
):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, question = await a_question_for_bobs_talk(fake, clock, bot)
        target = board if where == "board" else announcement(fake)
        before = looks(fake.message(target.id))
        # adam votes, bob (who may moderate his talk's questions) hides, from a message that is not
        # the question's: a modified client sends the question's button on it.
        forged = await fake.forge_click(
            member, target, f"qa:{action}:{question_id(question)}", on_message=True, locale="fr"
        )
        await forged.response(timeout=10)
        assert forged.is_ephemeral and forged.content == STALE
        assert looks(fake.message(target.id)) == before
        assert stored(bot, "SELECT count(*) FROM qa_votes") == [(0,)]
        assert stored(bot, "SELECT state, moderated_by FROM qa_questions") == [("open", None)]
        await vote(fake, "adam", question)  # the question's own button still counts
        assert votes_shown(fake.message(question.id)) == 1


async def test_a_vote_clicked_before_the_post_came_back_to_the_bot_counts(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        await ask(fake, "alice", board, "Une première question")
        (older,) = questions(fake, thread)
        # Discord shows the new question (and takes clicks on it) before its answer to the post
        # reaches the bot.
        held = fake.outages.hold("POST", rf"/channels/{thread.id}/messages$", applied=True)
        click = await fake.click("bob", board, f"qa:ask:{board_id(board)}")
        submit = await fake.submit_modal(
            "bob", await click.modal(timeout=10), {QUESTION: "Vite !", ANONYMOUS: False}
        )
        await fake.wait_for(lambda: held.waiting == 1, timeout=10)
        (_, new) = questions(fake, thread)
        early = await fake.click("adam", new, f"qa:vote:{question_id(new)}")
        await vote(fake, "olivia", older)  # answered: the bot has read adam's click, sent before it
        held.release()
        await early.response(timeout=10)
        assert not early.is_ephemeral and votes_shown(fake.message(new.id)) == 1
        await submit.final_message(timeout=10)
        assert submit.content.startswith("✅")
        assert sorted(stored(bot, "SELECT question_id, user_id FROM qa_votes")) == [
            (question_id(older), fake.member("olivia").id),
            (question_id(new), fake.member("adam").id),
        ]


async def test_a_form_is_answered_before_the_thread_is_asked_of_discord(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        click = await fake.click("alice", board, f"qa:ask:{board_id(board)}")
        form = await click.modal(timeout=10)

    thread.archived = True  # after the restart, the bot has to ask Discord for it
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        slow = fake.outages.hold("GET", rf"/channels/{thread.id}$")
        submit = await fake.submit_modal("alice", form, {QUESTION: "Le fil est-il là ?", ANONYMOUS: False})
        await submit.response(timeout=2)  # within Discord's 3 s, while Discord is slow to give the thread
        assert submit.is_ephemeral
        slow.release()
        await submit.final_message(timeout=10)
        assert submit.content.startswith("✅") and len(questions(fake, thread)) == 1
        assert stored(bot, "SELECT text FROM qa_questions") == [("Le fil est-il là ?",)]


async def test_qa_start_is_answered_while_a_write_holds_the_database(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        holding, done = asyncio.Event(), asyncio.Event()

        async def long_write():  # a batch of votes, say, being written
            async with bot.database.transaction():
                holding.set()
                await done.wait()

        writer = asyncio.create_task(long_write())
        await holding.wait()
        try:
            command = await fake.run_command("olivia", "qa start", {}, channel="général")
            await command.response(timeout=2)  # within Discord's 3 s, while the board waits to be stored
            assert command.is_ephemeral
        finally:
            done.set()
            await writer
        await command.final_message(timeout=10)
        assert command.content.startswith("❓") and board_message(fake)


async def test_a_locked_thread_is_refused_as_locked(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        thread = thread_of(fake, board_message(fake))
        await stop_qa(fake)
        # A thread manager may post in a locked thread; the bot here may not.
        await fake.set_overwrite("général", fake.role("Agora"), deny=Perm.MANAGE_THREADS)
        thread.locked = True
        await fake.dispatch("THREAD_UPDATE", fake.world.channel_payload(thread))
        refused = await start_qa(fake, channel=thread.id)
        assert refused.is_ephemeral
        assert refused.content.endswith(": ce fil est verrouillé. Rien n’a été créé.")  # not "archivé"
        english = await start_qa(fake, channel=thread.id, locale="en-US")
        assert english.content.endswith(": this thread is locked. Nothing was created.")
        assert stored(bot, "SELECT count(*) FROM qa_boards") == [(1,)]


async def test_a_hidden_question_s_moderation_says_it_is_already_hidden(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, "À masquer")
        (message,) = questions(fake, thread_of(fake, board))
        number = question_id(message)
        await moderate(fake, "olivia", message, "hide")
        for action in ("answered", "hide"):
            again = await fake.forge_click("adam", message.id, f"qa:{action}:{number}", on_message=True)
            await again.response(timeout=10)
            assert again.is_ephemeral and again.content == "Cette question est déjà masquée."
