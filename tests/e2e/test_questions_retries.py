"""Live Q&A when Discord fails or a crash comes at the wrong moment: what was refused for a passing
reason is done by the next periodic pass, not at the next restart; what a crash left half-drawn is
finished at startup; the startup's catch-up never drops a question being posted."""

from __future__ import annotations

from cogs.questions.rules import ANONYMOUS, QUESTION
from tests.e2e.privacy_helpers import forget
from tests.e2e.questions_helpers import (
    ask,
    board_id,
    board_message,
    button,
    questions,
    start_qa,
    stop_qa,
    stored,
    thread_of,
    vote,
    votes_shown,
)


def cog(bot):
    return bot.get_cog("QuestionsCog")


async def a_board_with_a_question(fake, text="La question"):
    await start_qa(fake)
    board = board_message(fake)
    thread = thread_of(fake, board)
    await ask(fake, "alice", board, text)
    (question,) = questions(fake, thread)
    await fake.wait_for(lambda: text in str(fake.message(board.id).embeds), timeout=10)
    return board, thread, question


def results(fake, thread):
    return [m for m in fake.messages(thread) if m.author_id == fake.bot.id and m.embeds]


async def failed(fake, method, path):
    await fake.wait_for(lambda: fake.find_requests(method, path, status=503), timeout=10)


async def start_the_form(fake, member, board, text):
    """The form sent; its answer is not awaited."""
    click = await fake.click(member, board, f"qa:ask:{board_id(board)}")
    form = await click.modal(timeout=10)
    return await fake.submit_modal(member, form, {QUESTION: text, ANONYMOUS: False})


async def test_a_final_list_discord_failed_to_take_is_posted_by_the_next_pass(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        _, thread, _ = await a_board_with_a_question(fake)
        fake.outages.fail("POST", rf"/channels/{thread.id}/messages$")
        stopped = await stop_qa(fake)
        assert stopped.content.startswith("Les questions sont closes")
        assert results(fake, thread) == []
        await cog(bot).retries.run_now()
        (final,) = results(fake, thread)
        assert "La question" in final.embeds[0]["description"]
        assert stored(bot, "SELECT results_message_id FROM qa_boards") == [(final.id,)]
        await cog(bot).retries.run_now()  # posted once
        assert len(results(fake, thread)) == 1


async def test_a_board_edit_discord_failed_is_made_by_the_next_pass(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, _, question = await a_board_with_a_question(fake)
        fake.outages.fail("PATCH", rf"/messages/{board.id}$")
        await vote(fake, "bob", question)
        await failed(fake, "PATCH", rf"/messages/{board.id}$")
        assert "`▲ 1`" not in fake.message(board.id).embeds[0]["description"]
        await cog(bot).retries.run_now()
        await fake.wait_for(lambda: "`▲ 1`" in fake.message(board.id).embeds[0]["description"], timeout=10)


async def test_a_question_s_edit_discord_failed_is_made_by_the_next_pass(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        _, _, question = await a_board_with_a_question(fake)
        fake.outages.fail("PATCH", rf"/messages/{question.id}$")
        await stop_qa(fake)  # its buttons are disabled by an edit of its message
        await failed(fake, "PATCH", rf"/messages/{question.id}$")
        assert not button(fake.message(question.id), "qa:vote:")["disabled"]
        await cog(bot).retries.run_now()
        await fake.wait_for(lambda: button(fake.message(question.id), "qa:vote:")["disabled"], timeout=10)


async def test_a_board_stopped_just_before_a_crash_shows_it_closed_after_the_restart(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        board, thread, question = await a_board_with_a_question(fake)
        # The final list is posted; the edits disabling the buttons die with the bot.
        fake.stalled_edits.stall(board)
        fake.stalled_edits.stall(question)
        await stop_qa(fake)
        await fake.wait_for(lambda: fake.stalled_edits.stalled == 2, timeout=10)
        assert len(results(fake, thread)) == 1
    fake.stalled_edits.release()
    assert not button(fake.message(question.id), "qa:vote:")["disabled"]

    clock.advance(hours=2)
    async with agora.running():
        await fake.wait_until_ready(count=2)
        await fake.wait_for(lambda: button(fake.message(question.id), "qa:vote:")["disabled"], timeout=10)
        await fake.wait_for(lambda: button(fake.message(board.id), "qa:ask:")["disabled"], timeout=10)
        assert len(results(fake, thread)) == 1


async def test_a_question_being_posted_as_the_bot_catches_up_is_kept(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        clock.advance(seconds=30)
        # The form is sent as the bot becomes ready: its post is on its way when the startup's catch-up
        # looks for rows a crash left unposted.
        held = fake.outages.hold("POST", rf"/channels/{thread.id}/messages$")
        submit = await start_the_form(fake, "alice", board, "Posée au démarrage")
        await fake.wait_for(lambda: held.waiting == 1, timeout=10)
        await cog(bot).catch_up.run(clock.now())
        held.release()
        await submit.final_message(timeout=10)
        assert submit.content.startswith("✅")
        (message,) = questions(fake, thread)
        assert stored(bot, "SELECT message_id FROM qa_questions") == [(message.id,)]
        await vote(fake, "bob", message)
        assert votes_shown(fake.message(message.id)) == 1


async def test_a_question_forgotten_while_it_is_posted_leaves_no_message(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        held = fake.outages.hold("POST", rf"/channels/{thread.id}/messages$")
        submit = await start_the_form(fake, "alice", board, "Posée, puis oubliée")
        await fake.wait_for(lambda: held.waiting == 1, timeout=10)
        await forget(fake, "alice")
        held.release()
        await submit.final_message(timeout=10)
        assert submit.is_ephemeral and "introuvable" in submit.content
        await fake.wait_for(lambda: questions(fake, thread) == [], timeout=10)
        assert stored(bot, "SELECT count(*) FROM qa_questions") == [(0,)]
