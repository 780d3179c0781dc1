"""Live Q&A and a member's data: their questions (anonymous ones included) and votes are theirs to export
and to have forgotten; no one else's export shows who asked an anonymous question."""

from __future__ import annotations

from tests.e2e.privacy_helpers import export, forget
from tests.e2e.questions_helpers import (
    ask,
    board_message,
    moderate,
    questions,
    start_qa,
    stop_qa,
    stored,
    thread_of,
    vote,
    votes_shown,
)

SECRET = "Une question que je pose sans mon nom"
NAMED = "Une question sous mon nom"


async def a_board_with_alices_questions(fake):
    await start_qa(fake)
    board = board_message(fake)
    thread = thread_of(fake, board)
    await ask(fake, "alice", board, SECRET, anonymous=True)
    await ask(fake, "alice", board, NAMED)
    await ask(fake, "bob", board, "La question de Bob")
    secret, named, bobs = questions(fake, thread)
    await vote(fake, "bob", secret)
    await vote(fake, "alice", bobs)
    await vote(fake, "olivia", bobs)
    await moderate(fake, "olivia", named, "answered")
    return board, thread, (secret, named, bobs)


async def test_a_members_export_holds_their_questions_and_votes_and_no_one_elses(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await a_board_with_alices_questions(fake)
        mine, _ = await export(fake, "alice")
        section = mine["questions"]
        assert [(q["text"], q["anonymous"], q["votes"]) for q in section["questions"]] == [
            (SECRET, True, 1),
            (NAMED, False, 0),
        ]
        assert [v["text"] for v in section["votes"]] == ["La question de Bob"]
        bobs, _ = await export(fake, "bob")
        assert [v["text"] for v in bobs["questions"]["votes"]] == [SECRET]
        assert [q["text"] for q in bobs["questions"]["questions"]] == ["La question de Bob"]
        olivias, _ = await export(fake, "olivia")
        assert olivias["questions"]["boards_started"][0]["board_id"] is not None
        assert [m["state"] for m in olivias["questions"]["questions_moderated"]] == ["answered"]


async def test_forgetting_deletes_a_members_questions_and_votes_and_their_messages(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        board, thread, (secret, named, bobs) = await a_board_with_alices_questions(fake)
        answer = await forget(fake, "alice")
        assert "Questions-réponses" in answer
        alice = fake.member("alice").id
        assert stored(bot, "SELECT count(*) FROM qa_questions WHERE author_id = ?", (alice,)) == [(0,)]
        assert stored(bot, "SELECT count(*) FROM qa_votes WHERE user_id = ?", (alice,)) == [(0,)]
        await fake.wait_for(
            lambda: fake.message(secret.id).deleted and fake.message(named.id).deleted, timeout=10
        )
        await fake.wait_for(lambda: votes_shown(fake.message(bobs.id)) == 1, timeout=10)
        await fake.wait_for(
            lambda: "1 question(s) · 1 vote(s)" in fake.message(board.id).embeds[0]["footer"]["text"],
            timeout=10,
        )
        assert SECRET not in fake.message(board.id).embeds[0]["description"]
        clicked = await vote(fake, "bob", bobs)  # the vote path reads what is left
        assert votes_shown(clicked.message) == 2
        forgotten = await forget(fake, "olivia")  # her moderation and her board stay, without her name
        assert "Questions-réponses" in forgotten
        assert stored(bot, "SELECT started_by FROM qa_boards") == [(None,)]
        assert len(questions(fake, thread)) == 1


async def test_forgetting_after_the_close_takes_their_questions_out_of_the_final_list(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        _, thread, _ = await a_board_with_alices_questions(fake)
        await stop_qa(fake)
        final = await fake.wait_for_message(thread, lambda m: m.embeds, timeout=10)
        assert SECRET in final.embeds[0]["description"]
        await forget(fake, "alice")
        await fake.wait_for(lambda: SECRET not in fake.message(final.id).embeds[0]["description"], timeout=10)
        assert NAMED not in fake.message(final.id).embeds[0]["description"]
        assert "La question de Bob" in fake.message(final.id).embeds[0]["description"]
