"""Live Q&A across restarts: the board, its buttons, the counts and the open Q&A survive; what a crash
left behind what is stored is caught up at startup."""

from __future__ import annotations

import sqlite3

from cogs.questions.rules import ANONYMOUS, QUESTION
from tests.e2e.questions_helpers import (
    ask,
    board_id,
    board_message,
    button,
    morning,
    question_id,
    questions,
    start_qa,
    stop_qa,
    stored,
    thread_of,
    vote,
    votes_shown,
)


def write(agora, sql, parameters=()):
    """Changes the database file while the bot is stopped, as a crash at the wrong moment leaves it."""
    with sqlite3.connect(agora.base_settings.database_path) as connection:
        connection.execute(sql, parameters)


async def shows(fake, message_id, votes):
    await fake.wait_for(lambda: votes_shown(fake.message(message_id)) == votes, timeout=10)


async def test_votes_and_buttons_continue_across_a_restart_with_exact_counts(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        await morning(fake, clock)
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        await ask(fake, "alice", board, "Première question", anonymous=True)
        await ask(fake, "bob", board, "Deuxième question")
        first, second = questions(fake, thread)
        for member in ("alice", "bob", "olivia"):
            await vote(fake, member, first)
        await vote(fake, "adam", second)

    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        withdrawn = await vote(fake, "alice", first)  # she voted before the restart: withdrawn
        assert votes_shown(withdrawn.message) == 2
        await vote(fake, "adam", first)
        await vote(fake, "bob", second)
        assert [votes_shown(fake.message(m.id)) for m in (first, second)] == [3, 2]
        await ask(fake, "adam", board, "Une question après le redémarrage")
        await moderate_answered(fake, second)
        await stop_qa(fake)
        final = await fake.wait_for_message(thread, lambda m: m.embeds and m.components == [])
        lines = final.embeds[0]["description"].split("\n")
        assert "Première" in lines[0] and "`▲ 3`" in lines[0]
        assert "Deuxième" in lines[1] and "`▲ 2`" in lines[1] and "✅" in lines[1]
        assert stored(bot, "SELECT count(*) FROM qa_votes") == [(5,)]


async def moderate_answered(fake, message):
    click = await fake.click("olivia", message, f"qa:answered:{question_id(message)}")
    await click.response(timeout=10)
    assert button(fake.message(message.id), "qa:answered:")["disabled"]


async def test_a_form_opened_before_a_restart_still_counts(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        click = await fake.click("alice", board, f"qa:ask:{board_id(board)}")
        form = await click.modal(timeout=10)

    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        submit = await fake.submit_modal(
            "alice", form, {QUESTION: "Écrite pendant le redémarrage", ANONYMOUS: True}
        )
        await submit.final_message(timeout=10)
        assert submit.content.startswith("✅")
        (message,) = questions(fake, thread_of(fake, board))
        assert "Écrite pendant le redémarrage" in message.content
        assert stored(bot, "SELECT anonymous FROM qa_questions") == [(1,)]


async def test_messages_behind_what_is_stored_are_redrawn_at_startup(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, "En retard")
        await ask(fake, "bob", board, "À jour")
        late, current = questions(fake, thread_of(fake, board))
        await vote(fake, "olivia", current)

    # Votes committed whose answers never reached Discord (the bot died in between).
    for member in ("alice", "bob"):
        write(agora, "INSERT INTO qa_votes VALUES (?, ?, 0)", (question_id(late), fake.member(member).id))
    before = len(fake.find_requests("PATCH", rf"/messages/{current.id}$"))
    async with agora.running():
        await fake.wait_until_ready(count=2)
        await shows(fake, late.id, 2)
        await fake.wait_for(
            lambda: "`▲ 2` En retard" in fake.message(board.id).embeds[0]["description"], timeout=10
        )
        assert len(fake.find_requests("PATCH", rf"/messages/{current.id}$")) == before  # left alone


async def test_a_question_stored_but_not_known_as_posted_is_kept_or_dropped_at_startup(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, "Postée, mais le bot est tombé avant de le noter")
        (posted,) = questions(fake, thread_of(fake, board))

    clock.advance(minutes=1)  # the bot starts again after both rows were stored
    write(agora, "UPDATE qa_questions SET message_id = NULL")
    write(
        agora,
        "INSERT INTO qa_questions (board_id, author_id, anonymous, text, asked_at) VALUES (?, ?, 0, ?, 0)",
        (board_id(board), fake.member("bob").id, "Jamais postée"),
    )
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        await fake.wait_for(
            lambda: stored(bot, "SELECT message_id FROM qa_questions") == [(posted.id,)], timeout=10
        )
        await vote(fake, "bob", posted)
        assert votes_shown(fake.message(posted.id)) == 1


async def test_a_board_stopped_before_its_final_list_was_posted_gets_it_at_startup(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, "La seule question")
        (message,) = questions(fake, thread_of(fake, board))

    write(agora, "UPDATE qa_boards SET stopped_at = 1")
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        final = await fake.wait_for_message(thread_of(fake, board), lambda m: m.embeds, timeout=10)
        assert "La seule question" in final.embeds[0]["description"]
        await fake.wait_for(lambda: button(fake.message(message.id), "qa:vote:")["disabled"], timeout=10)
        await fake.wait_for(lambda: button(fake.message(board.id), "qa:ask:")["disabled"], timeout=10)
        assert stored(bot, "SELECT results_message_id FROM qa_boards") == [(final.id,)]


async def test_a_board_stored_but_never_posted_is_dropped_at_startup(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        event = await morning(fake, clock)
    write(
        agora,
        "INSERT INTO qa_boards (guild_id, event_id, channel_id, language, started_at) "
        "VALUES (?, ?, ?, 'fr', 0)",
        (fake.guild.id, event.id, fake.channel("général").id),
    )
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        await fake.wait_for(lambda: stored(bot, "SELECT count(*) FROM qa_boards") == [(0,)], timeout=10)
        started = await start_qa(fake)  # the event is free for a board again
        assert started.content.startswith("❓")


async def test_a_thread_that_archived_itself_still_holds_the_questions_after_a_restart(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        await ask(fake, "alice", board, "Avant l’archivage")

    thread.archived = True  # a day without a message: Discord archives it, and no longer lists it
    async with agora.running():
        await fake.wait_until_ready(count=2)
        answered = await ask(fake, "bob", board, "Après l’archivage")
        assert answered.content.startswith("✅")
        assert not thread.archived and len(questions(fake, thread)) == 2
        await stop_qa(fake)
        final = await fake.wait_for_message(thread, lambda m: m.embeds, timeout=10)
        assert "Après l’archivage" in final.embeds[0]["description"]
