"""A member's data in one place: /privacy export and /privacy forget across every feature, the real bot
against the fake Discord, the database file read directly afterwards."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping

from agora.i18n import Catalogue
from agora.privacy import Exported
from tests.e2e.events_helpers import step
from tests.e2e.polls_helpers import create_poll, poll_message, vote
from tests.e2e.privacy_helpers import (
    PLACES_TITLE,
    ask_to_forget,
    button_ids,
    export,
    forget,
    press,
    row_counts,
    rows_naming,
)
from tests.e2e.privacy_scenario import (
    ADAM_QUESTION,
    ADAM_TALK,
    ADAM_USEFUL,
    ADAM_WORD,
    ALICE_QUESTION,
    ISO_UTC,
    OLIVIA_NAMED,
    OLIVIA_SECRET,
    OLIVIA_TALK,
    OLIVIA_USEFUL,
    OLIVIA_WORD,
    SETTINGS,
    fill_every_feature,
    misshapen,
    section_sizes,
    without,
)
from tests.e2e.programme_helpers import session_fields
from tests.e2e.questions_helpers import stored, votes_shown
from tests.e2e.registration_helpers import offer_dm

# ---- the tests -------------------------------------------------------------------------------------


async def test_export_then_forget_covers_every_feature_and_leaves_other_members_alone(
    agora, fake, clock, feed_server
):
    olivia, adam = fake.member("olivia").id, fake.member("adam").id
    async with agora.running(**SETTINGS) as bot:
        scenario = await fill_every_feature(fake, bot, clock, feed_server)
        event, programme, qa = scenario.feedback, scenario.programme, scenario.qa
        path = agora.base_settings.database_path
        for member in (olivia, adam):
            assert set(rows_naming(path, member)) == set(bot.member_data.member_columns()), (
                "the scenario puts each of them in every table that can hold a member"
            )

        document, message = await export(fake, "olivia")
        assert message.attachments[0].filename == f"agora-{olivia}-{clock.now():%Y-%m-%d}.json"
        assert message.allowed_mentions == {"parse": []}
        for line in (
            "Sondages : 4",
            "Événements et avis : 5",
            "Inscriptions aux événements : 7",
            "Flux ajoutés : 1",
            "Annonces écrites : 2",
            "Programme des événements (vos interventions) : 1",
            "Avis sur les sessions : 1",
            "Retours aux intervenant·e·s décidés : 1",
            "Questions-réponses : 6",
        ):
            assert line in message.content
        assert document["member_id"] == str(olivia) and ISO_UTC.match(document["exported_at"])
        assert misshapen(document) == []
        polls = document["polls"]
        assert [(v["question"], v["option"]) for v in polls["votes"]] == [
            ("Quel réseau pour la communauté ?", "LinkedIn"),
            ("Quel jour pour la matinée ?", "Jeudi"),
        ]
        (created,) = polls["created"]
        assert created["options"] == ["LinkedIn", "Slack", "Teams"] and isinstance(created["poll_id"], str)
        assert [c["question"] for c in polls["closed"]] == ["Quel jour pour la matinée ?"]
        events = document["events"]
        (feedback,) = events["feedback"]
        assert feedback["event_id"] == str(event.id) and feedback["event"].startswith("Matinée e-20")
        assert (feedback["rating"], feedback["recommend"], feedback["most_useful"]) == (4, 9, OLIVIA_USEFUL)
        assert feedback["to_improve"] == "Plus de pauses" and ISO_UTC.match(feedback["submitted_at"])
        assert [m["kind"] for m in events["messages_asking_feedback"]] == ["call"]
        assert [e["event_id"] for e in events["interested_in"]] == [str(event.id)]
        assert events["language"] == "fr"
        assert ISO_UTC.match(events["feedback_dm_optout"]["since"])
        morning = document["registrations"]
        (place,) = morning["registrations"]
        assert (place["event_id"], place["event"], place["status"]) == (
            str(scenario.places.id),
            PLACES_TITLE,
            "registered",
        )
        assert place["waitlist_position"] is None and ISO_UTC.match(place["clicked_at"])
        assert [(a["event_id"], a["how"]) for a in morning["attendance"]] == [
            (str(event.id), "checkin"),
            (str(scenario.voice.id), "voice"),
        ]
        assert [(p["event_id"], p["seconds"]) for p in morning["voice_presence"]] == [
            (str(scenario.voice.id), 600)
        ]
        assert [w["event_id"] for w in morning["wrong_checkin_codes"]] == [str(event.id)]
        assert sorted((n["event_id"], n["kind"]) for n in morning["messages_about_events"]) == [
            (str(scenario.places.id), "changed"),  # the move, with the updated file
            (str(scenario.places.id), "registered"),  # her place, with the file
        ]
        (feed,) = document["feeds"]["added"]
        assert feed["url"] == feed_server.url("/olivia") and ISO_UTC.match(feed["added_at"])
        written = document["announcements"]["written"]
        assert [(a["title"], a["status"]) for a in written] == [
            ("Matinée de mars", "done"),
            ("Brouillon d’olivia", "draft"),
        ]
        assert "rendez-vous jeudi à Genève" in written[0]["text"]
        (talk,) = document["programme"]["speaking_at"]
        assert (talk["event_id"], talk["session_id"], talk["title"], talk["starts_at"], talk["ends_at"]) == (
            str(event.id),
            str(programme.olivia_talk),
            OLIVIA_TALK,
            "2026-12-03T07:30:00Z",
            None,  # given no end: until the next talk
        )
        (rating,) = document["sessions"]["session_ratings"]
        assert (rating["session_id"], rating["session"], rating["rating"], rating["missed"]) == (
            str(programme.adam_talk),
            ADAM_TALK,
            4,
            False,
        )
        assert rating["word_for_the_speaker"] == OLIVIA_WORD and rating["event_id"] == str(event.id)
        (decided,) = document["speaker_reviews"]["decided"]
        assert (decided["session_id"], decided["decision"]) == (str(programme.adam_talk), "send")
        questions = document["questions"]
        assert [(q["text"], q["anonymous"], q["votes"], q["session_id"]) for q in questions["questions"]] == [
            (OLIVIA_SECRET, True, 1, str(programme.adam_talk)),  # bob's vote
            (OLIVIA_NAMED, False, 0, str(programme.olivia_talk)),
        ]
        assert {q["board_id"] for q in questions["questions"]} == {str(qa.olivia_board)}
        assert [v["text"] for v in questions["votes"]] == [ADAM_QUESTION, ALICE_QUESTION]
        assert [b["board_id"] for b in questions["boards_started"]] == [str(qa.olivia_board)]
        moderated = questions["questions_moderated"]
        assert [(m["question_id"], m["state"]) for m in moderated] == [(str(qa.adams_question), "answered")]
        text = message.attachments[0].text
        assert str(adam) not in text and ADAM_USEFUL not in text and "Matinée d’avril" not in text
        assert ADAM_WORD not in text
        assert "Matinée e-20" in text and "\\u00e9" not in text  # accents written as they are

        def board():
            return fake.message(qa.board_message).embeds[0]

        def talks():
            return session_fields(fake.message(programme.announcement_id))

        await fake.wait_for(
            lambda: board()["footer"]["text"].startswith("4 question(s) · 4 vote(s)"), timeout=10
        )
        assert OLIVIA_SECRET in str(board()) and f"<@{olivia}>" in talks()[0]["value"]
        adam_before, counts_before = rows_naming(path, adam), row_counts(path)
        answer_text = await forget(fake, "olivia")
        assert "Sondages : 4" in answer_text and "Événements et avis : 4" in answer_text
        assert "Inscriptions aux événements : 7" in answer_text
        assert "Flux ajoutés : 1" in answer_text and "Annonces écrites : 2" in answer_text
        for line in (
            "Programme des événements (vos interventions) : 1",  # unlinked
            "Avis sur les sessions : 1",
            "Retours aux intervenant·e·s décidés : 1",  # unlinked
            "Questions-réponses : 6",  # 2 questions and 2 votes deleted, a board and a moderation unlinked
        ):
            assert line in answer_text
        assert "Conservé : votre refus des messages privés" in answer_text
        assert "restent au programme de leur événement" in answer_text

        assert rows_naming(path, olivia).keys() == {"feedback_optouts"}  # the opt-out, kept on purpose
        # adam's rows all remain; in those olivia also named (his poll she closed), her name is unlinked
        assert rows_naming(path, adam) == without(adam_before, olivia)
        counts_after = row_counts(path)
        assert counts_after["polls"] == counts_before["polls"] == 2  # polls belong to the server
        assert counts_after["feeds"] == 2 and counts_after["announcements"] == 2  # only the draft went
        assert counts_after["poll_votes"] == 2 and counts_after["feedback_responses"] == 1
        assert counts_after["event_attendance"] == 2 and counts_after["event_voice_presence"] == 1
        # Her talk and the review she decided stay, unlinked; her rating goes; so do her questions with
        # every vote on them (bob's too) and her votes; her board and her moderation stay, unlinked.
        assert stored(bot, "SELECT title, speaker_id FROM event_sessions ORDER BY starts_at") == [
            (OLIVIA_TALK, None),
            (ADAM_TALK, adam),
        ]
        ratings = stored(bot, "SELECT session_id, user_id FROM session_ratings")
        assert ratings == [(programme.olivia_talk, adam)]
        reviews = stored(bot, "SELECT session_id, decision, decided_by FROM speaker_reviews ORDER BY 1")
        assert reviews == [(programme.olivia_talk, "withhold", adam), (programme.adam_talk, "send", None)]
        assert stored(bot, "SELECT id, started_by FROM qa_boards ORDER BY id") == [
            (qa.olivia_board, None),
            (qa.adam_board, adam),
        ]
        assert stored(bot, "SELECT message_id, moderated_by FROM qa_questions ORDER BY id") == [
            (qa.adams, None),
            (qa.alices, adam),
        ]
        assert stored(bot, "SELECT user_id FROM qa_votes") == [(adam,)]
        # In Discord: her questions' messages deleted, the counts and the board redrawn without them,
        # the announcement without her name as the speaker of her talk.
        await fake.wait_for(
            lambda: fake.message(qa.secret).deleted and fake.message(qa.named).deleted,
            timeout=10,
            what="her questions' messages deleted",
        )
        await fake.wait_for(
            lambda: [votes_shown(fake.message(m)) for m in (qa.adams, qa.alices)] == [0, 1],
            timeout=10,
            what="the counts without her votes",
        )
        await fake.wait_for(
            lambda: board()["footer"]["text"].startswith("2 question(s) · 1 vote(s)"),
            timeout=10,
            what="the board without her questions",
        )
        assert OLIVIA_SECRET not in str(board()) and OLIVIA_NAMED not in str(board())
        await fake.wait_for(
            lambda: f"<@{olivia}>" not in str(talks()), timeout=10, what="the announcement without her"
        )
        assert "intervenant·e non indiqué·e" in talks()[0]["value"] and f"<@{adam}>" in talks()[1]["value"]

        # The place she held goes to alice, first on the waitlist: offered by DM, held for her.
        await step(bot)
        await offer_dm(fake, "alice", scenario.places.id)
        places = await bot.get_cog("EventsCog").registrations.places_of(scenario.places.id)
        assert [(p.user_id, p.status) for p in places] == [
            (adam, "registered"),
            (fake.member("alice").id, "offered"),
        ]
        assert rows_naming(path, adam) == without(adam_before, olivia)

        again, message = await export(fake, "olivia")
        sizes = section_sizes(again)
        opted = sizes["events"].pop("feedback_dm_optout")
        assert opted == 1  # the one thing kept, and said so
        assert all(n == 0 for section in sizes.values() for n in section.values()), sizes
        assert rows_naming(path, olivia).keys() == {"feedback_optouts"}  # exporting recorded nothing


async def test_cancel_deletes_nothing(agora, fake):
    alice = fake.member("alice").id
    async with agora.running():
        await create_poll(fake)
        await vote(fake, "alice", poll_message(fake), 0)
        path = agora.base_settings.database_path
        before = rows_naming(path, alice)
        asking = await ask_to_forget(fake, "alice")
        assert "C’est définitif" in asking.content
        cancelled = await press(fake, "alice", asking, "cancel")
        assert cancelled.content == "Annulé : rien n’a été supprimé." and cancelled.components == []
        assert rows_naming(path, alice) == before and "poll_votes" in before


async def test_a_forget_that_fails_midway_leaves_everything_as_it_was(agora, fake):
    alice = fake.member("alice").id

    class Failing:
        """Registered last (sections are taken in name order): every real store has deleted by then."""

        section = "zz_failing"
        member_columns: Mapping[str, tuple[str, ...]] = {}
        keeps = None

        async def export_member(self, user_id: int) -> Exported:
            return {}

        async def forget_member(self, connection, user_id: int) -> int:
            raise RuntimeError("the disk is full")

        def member_forgotten(self, user_id: int) -> None:
            raise AssertionError("called although nothing was committed")

    async with agora.running() as bot:
        await create_poll(fake)
        await vote(fake, "alice", poll_message(fake), 0)
        path = agora.base_settings.database_path
        before = rows_naming(path, alice)
        assert {"poll_votes", "member_languages"} <= before.keys()
        failing = Failing()
        bot.member_data.register(failing)
        asking = await ask_to_forget(fake, "alice")
        click = await fake.click("alice", asking, button_ids(asking.message)["confirm"])
        (apology,) = await click.followups(timeout=10)
        assert apology.is_ephemeral and "quelque chose s’est mal passé" in apology.content
        assert asking.message.content.startswith("Rien n’a été supprimé") and asking.message.components == []
        assert rows_naming(path, alice) == before

        bot.member_data.unregister(failing)
        await forget(fake, "alice")
        assert rows_naming(path, alice) == {}
        tally = bot.get_cog("PollsCog").store
        (poll,) = await tally.in_guild(fake.guild.id, open_only=True)
        assert (await tally.tally(poll)).voters == 0


async def test_an_unanswered_confirmation_expires_and_deletes_nothing(agora, fake):
    alice = fake.member("alice").id
    async with agora.running() as bot:
        await create_poll(fake)
        await vote(fake, "alice", poll_message(fake), 0)
        path = agora.base_settings.database_path
        before = rows_naming(path, alice)
        bot.get_cog("PrivacyCog").confirm_timeout = 0.2
        asking = await ask_to_forget(fake, "alice")
        await fake.wait_for(lambda: "Délai dépassé" in asking.message.content, timeout=10, what="the expiry")
        buttons = [c for row in asking.message.components for c in row["components"]]
        assert len(buttons) == 2 and all(b.get("disabled") for b in buttons)
        assert rows_naming(path, alice) == before


async def test_feedback_forget_is_the_same_conversation_as_privacy_forget(agora, fake):
    async with agora.running():
        alias = await ask_to_forget(fake, "bob", "feedback forget")
        privacy = await ask_to_forget(fake, "bob", "privacy forget")
        assert alias.content == privacy.content and "Kept: your refusal" in alias.content
        labels = [[c["label"] for row in m.components for c in row["components"]] for m in (alias, privacy)]
        assert labels == [["Delete everything", "Cancel"]] * 2


# ---- the guard: a new feature's table cannot be forgotten ------------------------------------------

# A column that holds an id or names who did something: `id`, `*_id`, `*_by`, or anything about a
# user, member or author.
ID_LIKE = re.compile(r"^id$|_id$|_by$|user|member|author")
# Ids of things that are not members. A new column that names a member must instead be declared in its
# store's `member_columns` (agora/privacy.py); one that does not must be added here, knowingly.
NOT_MEMBERS = {
    "id",
    "guild_id",
    "channel_id",
    "message_id",
    "role_id",
    "poll_id",
    "event_id",
    "feed_id",
    "discord_id",
    "topic_id",
    "announcement_message_id",
    "call_channel_id",
    "call_message_id",
    "results_message_id",
    "report_message_id",
    "voice_channel_id",  # where a voice or stage event is held
    "thread_id",  # a live Q&A's thread, where its questions are posted
    "board_id",  # qa_boards.id
    "session_id",  # event_sessions.id (a session of an event's programme)
    "question_id",  # qa_questions.id
    "author_language",  # not an id: the author's language, forgotten with author_id in its row
    "authors",  # activity_days: how many distinct authors wrote that day, a count, never who
    "parent_id",  # activity_days: the channel a thread is in
    "members",  # member_counts: the server's member count that day
    "review_channel_id",  # feed_reviews: the organisers' channel where an article awaits review
    "review_message_id",  # feed_reviews: that review's post
}


def schema(path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: [c[1] for c in connection.execute(f'PRAGMA table_info("{t}")')] for t in tables}


async def test_every_column_naming_a_member_is_declared_by_a_registered_store(agora, fake):
    async with agora.running() as bot:
        declared = bot.member_data.member_columns()
        holders = bot.member_data.holders
    tables = schema(agora.base_settings.database_path)
    undeclared = sorted(
        f"{table}.{column}"
        for table, columns in tables.items()
        for column in columns
        if ID_LIKE.search(column) and column not in NOT_MEMBERS and column not in declared.get(table, ())
    )
    assert undeclared == [], "declare them in the feature's store (member_columns) or in NOT_MEMBERS"
    unknown = sorted(
        f"{table}.{column}"
        for table, columns in declared.items()
        for column in columns
        if column not in tables.get(table, ())
    )
    assert unknown == []
    assert {h.section for h in holders} == {
        "announcements",
        "events",
        "feeds",
        "polls",
        "programme",
        "questions",
        "registrations",
        "sessions",
        "speaker_reviews",
    }
    catalogue = Catalogue.load("fr")
    for language in ("fr", "en"):
        keys = [f"privacy.section.{h.section}" for h in holders] + [h.keeps for h in holders if h.keeps]
        assert [k for k in keys if not catalogue.has(k, language)] == [], language
