"""Live Q&A, the real bot against the fake Discord: a morning's questions from the board to the report."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from tests.e2e import programme_helpers as programme
from tests.e2e.events_helpers import START, field, read_csv
from tests.e2e.questions_helpers import (
    ask,
    board_id,
    board_message,
    button,
    ids,
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

ROI = "Comment mesurer le ROI des réseaux sociaux ?"
TOOLS = "Quels outils pour l’intelligence collective ?"
BRAND = "Une marque employeur se construit-elle en interne d’abord ?"


def by_text(fake, thread, text):
    return next(m for m in questions(fake, thread) if text in m.content)


async def shown_on_board(fake, board, predicate):
    """The board's embed once it shows what `predicate` expects."""
    await fake.wait_for(lambda: predicate(fake.message(board.id).embeds[0]), timeout=10)
    return fake.message(board.id).embeds[0]


async def test_a_morning_of_questions_from_the_board_to_the_report(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await morning(fake, clock)
        await store_session(bot, event.id, "Ouverture", guest="Claire Martin", starts=START)
        talk = await store_session(
            bot,
            event.id,
            "Les réseaux au service de la marque",
            speaker=fake.member("bob"),
            starts=START + timedelta(minutes=45),
        )
        started = await start_qa(fake)
        assert started.is_ephemeral
        board = board_message(fake)
        thread = thread_of(fake, board)
        assert "Matinée e-20" in board.embeds[0]["title"]

        await ask(fake, "alice", board, ROI, anonymous=True, session=talk)
        await ask(fake, "bob", board, TOOLS)
        await ask(fake, "adam", board, BRAND)
        roi, tools, brand = (by_text(fake, thread, text) for text in (ROI, TOOLS, BRAND))
        assert "<@" not in roi.content and "anonyme" in roi.content
        assert f"<@{fake.member('bob').id}>" in tools.content

        for member in ("alice", "olivia", "adam"):
            await vote(fake, member, tools)
        for member in ("alice", "bob"):
            await vote(fake, member, brand)
        await vote(fake, "bob", roi)
        withdrawn = await vote(fake, "bob", roi)  # clicked again: withdrawn
        assert votes_shown(withdrawn.message) == 0
        await vote(fake, "olivia", roi)
        assert [votes_shown(fake.message(m.id)) for m in (tools, brand, roi)] == [3, 2, 1]
        top = await shown_on_board(fake, board, lambda e: "`▲ 1`" in e["description"])
        lines = [line for line in top["description"].split("\n") if "`▲" in line]
        assert [(TOOLS in lines[0]), ("marque employeur" in lines[1]), ("ROI" in lines[2])] == [True] * 3

        await moderate(fake, "olivia", brand, "answered")  # an organiser
        await moderate(fake, "bob", roi, "hide")  # the speaker of the session it is for
        assert "masquée" in fake.message(roi.id).content and ROI not in fake.message(roi.id).content
        assert fake.message(roi.id).components == []
        assert button(fake.message(brand.id), "qa:answered:")["disabled"] is True
        embed = await shown_on_board(fake, board, lambda e: e.get("fields"))
        assert "marque employeur" in field(embed, "✅")
        assert "ROI" not in embed["description"] and "marque employeur" not in embed["description"]

        stopped = await stop_qa(fake)
        assert "3 question" in stopped.content
        final = await fake.wait_for_message(thread, lambda m: m.embeds and "finale" in m.embeds[0]["title"])
        lines = final.embeds[0]["description"].split("\n")
        assert TOOLS in lines[0] and "`▲ 3`" in lines[0]
        assert "marque employeur" in lines[1] and "✅" in lines[1]
        assert len(lines) == 2  # the hidden question is not in the final list

        def all_disabled():
            messages = [fake.message(board.id), *(fake.message(m.id) for m in (tools, brand))]
            return all(c["disabled"] for m in messages for row in m.components for c in row["components"])

        await fake.wait_for(all_disabled, timeout=10)

        report = await fake.run_command("olivia", "event report", {"event": str(event.id)})
        (answer,) = await report.followups(count=1, timeout=10)
        shown = "\n".join(f["value"] for e in answer.embeds for f in e.get("fields", []))
        assert TOOLS in shown and "✅" in shown and "🙈" in shown
        export = await fake.run_command("olivia", "event export", {"event": str(event.id)})
        await export.final_message(timeout=10)
        (data,) = [f.data for f in export.files if f.filename == f"questions-{event.id}.csv"]
        header, *rows = read_csv(data, ";")
        assert header[0] == "question" and len(rows) == 3
        by_question = {row[0]: row for row in rows}
        assert by_question[ROI][1] == "Les réseaux au service de la marque"
        assert by_question[ROI][3] == "masquée" and by_question[ROI][5] == ""  # anonymous: no author
        assert by_question[TOOLS][2] == "3" and by_question[TOOLS][5] == str(fake.member("bob").id)
        assert by_question[BRAND][3] == "répondue"
        assert stored(bot, "SELECT count(*) FROM qa_votes") == [(6,)]
        assert board_id(board) == stored(bot, "SELECT id FROM qa_boards")[0][0]
        assert all("qa:" in i for i in ids(fake.message(board.id)))
        assert question_id(tools) > 0


async def test_without_an_event_under_way_the_board_opens_here_in_a_thread_of_its_own(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake, where="général")
        board = board_message(fake)
        assert board.embeds[0]["title"] == "❓ Questions"
        thread = thread_of(fake, board)
        assert thread.parent_id == fake.channel("général").id and thread.name == "Questions"
        await fake.wait_for(
            lambda: f"<#{thread.id}>" in fake.message(board.id).embeds[0]["description"], timeout=10
        )


async def test_an_event_and_a_channel_can_be_chosen(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        event = await morning(fake, clock)
        clock.advance(days=2)  # the morning is over: nothing under way
        salle = await fake.add_channel("salle")
        (choice,) = await fake.autocomplete("olivia", "qa start", focused="event", value="marque")
        assert choice["value"] == str(event.id)
        await start_qa(fake, event=choice["value"], channel=salle.id)
        board = board_message(fake, "salle")
        assert "Matinée e-20" in board.embeds[0]["title"]
        assert thread_of(fake, board).parent_id == salle.id


async def test_a_second_start_says_where_the_open_one_is_and_stores_nothing(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await morning(fake, clock)
        await start_qa(fake)
        board = board_message(fake)
        second = await start_qa(fake)
        assert second.is_ephemeral and f"/{board.id}" in second.content
        assert stored(bot, "SELECT count(*) FROM qa_boards") == [(1,)]


async def test_the_board_shows_the_top_ten_by_votes_oldest_first_on_ties(agora, fake, clock):
    members = [await fake.add_member(f"membre{n}") for n in range(3)]
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        for number in range(12):
            await ask(fake, members[number // 5], board, f"Question numéro {number:02d}")
        asked = {int(m.content.split("numéro ")[1][:2]): m for m in questions(fake, thread)}
        # 11 gets two votes, 3 and 7 one each: then the oldest of the others, 0 1 2 4 5 6 8.
        for number, voters in ((11, members[:2]), (3, members[:1]), (7, members[2:])):
            for member in voters:
                await vote(fake, member, asked[number])
        embed = await shown_on_board(fake, board, lambda e: e["description"].count("`▲ 1`") == 2)
        shown = [line.split("numéro ")[1][:2] for line in embed["description"].split("\n") if "`▲" in line]
        assert shown == ["11", "03", "07", "00", "01", "02", "04", "05", "06", "08"]
        assert "12 question(s) · 4 vote(s)" in embed["footer"]["text"]


async def test_a_burst_of_votes_is_answered_through_the_clicks_and_the_board_edited_at_most_every_two_seconds(
    agora, fake, clock
):
    members = [await fake.add_member(f"membre{n}") for n in range(30)]
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, TOOLS)
        (message,) = questions(fake, thread_of(fake, board))
        loop = asyncio.get_running_loop()
        before, started = len(board_edits(fake, board)), loop.time()
        clicks = await asyncio.gather(
            *(fake.click(m, message, f"qa:vote:{question_id(message)}") for m in members)
        )
        answers = await asyncio.gather(*(click.response(timeout=10) for click in clicks))
        assert {answer.type for answer in answers} == {7}  # each click answered by editing the question
        await fake.wait_for(lambda: votes_shown(fake.message(message.id)) == 30, timeout=10)
        await shown_on_board(fake, board, lambda e: "`▲ 30`" in e["description"])
        elapsed = loop.time() - started
        assert len(board_edits(fake, board)) - before <= 1 + int(elapsed // 2)
        assert fake.find_requests("PATCH", rf"/channels/\d+/messages/{message.id}$") == []
        assert stored(bot, "SELECT count(*) FROM qa_votes") == [(30,)]


def board_edits(fake, board):
    return fake.find_requests("PATCH", rf"/channels/\d+/messages/{board.id}$")


async def test_mentions_in_questions_never_ping_anyone(agora, fake):
    role = await fake.add_role("Intervenants", mentionable=True)
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        alice = fake.member("alice")
        text = f"@everyone @here <@{alice.id}> <@&{role.id}> une question pour vous"
        await ask(fake, "bob", board, text)
        (message,) = questions(fake, thread_of(fake, board))
        assert not message.pings_anyone and message.allowed_mentions == {"parse": []}
        await shown_on_board(fake, board, lambda e: "une question" in e["description"])
        await stop_qa(fake)
        final = await fake.wait_for_message(thread_of(fake, board), lambda m: m.embeds)
        for shown in (fake.message(board.id), fake.message(message.id), final):
            assert not shown.pings_anyone


async def test_the_form_offers_the_programme_with_the_session_under_way_chosen(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await morning(fake, clock)
        first = await store_session(bot, event.id, "Ouverture", guest="Claire Martin", starts=START)
        await store_session(bot, event.id, "Table ronde", starts=START + timedelta(hours=1))
        await start_qa(fake)
        board = board_message(fake)
        click = await fake.click("alice", board, f"qa:ask:{board_id(board)}")
        form = await click.modal(timeout=10)
        select = form.inputs()["session"]
        assert [o["label"] for o in select["options"]] == [
            "08:30 · Ouverture · Claire Martin",
            "09:30 · Table ronde",
        ]
        assert [o.get("default", False) for o in select["options"]] == [True, False]
        assert str(first) == select["options"][0]["value"]


async def test_stop_in_the_thread_closes_its_board(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        thread = thread_of(fake, board)
        stopped = await stop_qa(fake, where=thread.id)
        assert "0 question" in stopped.content
        assert stored(bot, "SELECT stopped_at IS NOT NULL FROM qa_boards") == [(1,)]
        await fake.wait_for(lambda: button(fake.message(board.id), "qa:ask:")["disabled"], timeout=10)


async def test_logs_never_hold_a_questions_text(agora, fake, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Ma question très personnelle sur mon employeur"
    async with agora.running():
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, secret, anonymous=True)
        (message,) = questions(fake, thread_of(fake, board))
        await vote(fake, "bob", message)
        await moderate(fake, "olivia", message, "answered")
        await forged_too_long(fake, board)
        await stop_qa(fake)
        await fake.wait_for(lambda: button(fake.message(message.id), "qa:vote:")["disabled"], timeout=10)
    assert caplog.records and not [r for r in caplog.records if "personnelle" in r.getMessage()]


async def forged_too_long(fake, board):
    click = await fake.click("bob", board, f"qa:ask:{board_id(board)}")
    form = await click.modal(timeout=10)
    submit = await fake.submit_modal("bob", form, {"question": "personnelle " * 30}, force=True)
    await submit.final_message(timeout=10)


async def test_a_programme_built_by_the_organisers_reaches_the_form_and_its_speaker_moderates(
    agora, fake, clock
):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event = await morning(fake, clock)
        await programme.add_session(fake, "olivia", event, "Ouverture", "08:30", guest="Claire Martin")
        await programme.add_session(
            fake, "olivia", event, "La marque employeur", "09:15", "10:00", speaker="bob"
        )
        ((talk,),) = stored(bot, "SELECT id FROM event_sessions WHERE title = 'La marque employeur'")
        await start_qa(fake)
        board = board_message(fake)
        click = await fake.click("alice", board, f"qa:ask:{board_id(board)}")
        options = (await click.modal(timeout=10)).inputs()["session"]["options"]
        assert [o["label"] for o in options] == [
            "08:30 · Ouverture · Claire Martin",
            "09:15 · La marque employeur",
        ]
        await ask(fake, "alice", board, "Et pour les PME ?", session=talk)
        (message,) = questions(fake, thread_of(fake, board))
        assert "La marque employeur" in message.content
        await moderate(fake, "bob", message, "answered")
        assert stored(bot, "SELECT state, moderated_by FROM qa_questions") == [
            ("answered", fake.member("bob").id)
        ]


async def test_votes_whose_answers_discord_refused_still_show_through_one_settling_edit(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await start_qa(fake)
        board = board_message(fake)
        await ask(fake, "alice", board, TOOLS)
        (message,) = questions(fake, thread_of(fake, board))
        fake.interaction_deadline = 0.0  # every answer comes too late: Discord refuses it (10062)
        clicks = [
            await fake.click(member, message, f"qa:vote:{question_id(message)}")
            for member in ("bob", "olivia")
        ]
        await fake.wait_for(lambda: all(click.rejections for click in clicks), timeout=10)
        await fake.wait_for(lambda: votes_shown(fake.message(message.id)) == 2, timeout=10)
        assert 1 <= len(fake.find_requests("PATCH", rf"/channels/\d+/messages/{message.id}$")) <= 2
        assert stored(bot, "SELECT count(*) FROM qa_votes") == [(2,)]
