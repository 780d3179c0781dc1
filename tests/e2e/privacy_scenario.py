"""The scenario of the privacy tests: two members, olivia (organiser) and adam (admin), put data in
every feature the way members do, so that each of them appears in every table that can hold a member;
and what the tests read back from an export."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from cogs.events.sessions.rules import word_input_id
from tests.e2e import questions_helpers as qa
from tests.e2e import speaker_review_helpers as review
from tests.e2e.events_helpers import END, answer, create_event, is_call, step
from tests.e2e.feeds_helpers import article
from tests.e2e.polls_helpers import create_poll, poll_id, poll_message, vote
from tests.e2e.privacy_helpers import attend_in_voice, check_in_after_a_wrong_code, register_then_see_it_move
from tests.e2e.programme_helpers import add_session, shows_sessions, stored_sessions
from tests.e2e.session_feedback_helpers import open_words, rate
from tests.fake_discord.models import FakeScheduledEvent
from tests.feed_server import rss

COMPLETED = 3
FIELDS = ("title", "body", "image", "footer")
OLIVIA_USEFUL = "Le panel RH, très concret"
ADAM_USEFUL = "Les chiffres de l’étude"
OLIVIA_WORD = "Des chiffres enfin parlants, merci !"
ADAM_WORD = "Un bel exemple de marque employeur"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
OLIVIA_TALK = "Ouverture : la marque employeur"
ADAM_TALK = "Le ROI des réseaux sociaux"
OLIVIA_SECRET = "Qui paie vraiment la marque employeur ?"  # asked anonymously
OLIVIA_NAMED = "Quels chiffres pour convaincre la direction ?"
ADAM_QUESTION = "Combien de temps par semaine faut-il y consacrer ?"
ALICE_QUESTION = "Des exemples de PME romandes ?"
# The shortest feedback window: it closes (and the speakers' reviews come) on the morning's day, before
# the reminders of the event with places; the voice event's own call (Discord never says it completed)
# comes after the scenario, so each member is asked for feedback once.
FEEDBACK_WINDOW = timedelta(hours=1)
SETTINGS = {
    "organiser_channel": "organisateurs",
    "feedback_window_seconds": int(FEEDBACK_WINDOW.total_seconds()),
    "feedback_delay_seconds": 6 * 3600,
}


# ---- putting data in every feature, as members do -------------------------------------------------


async def complete(fake, clock, event):
    clock.set(END)
    await fake.update_scheduled_event(event, status=2)
    await fake.update_scheduled_event(event, status=COMPLETED)
    return await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)


async def compose(fake, member, title, *, publish: bool):
    command = await fake.run_command(member, "announce compose")
    modal = await command.modal(timeout=10)
    inputs = dict(zip(FIELDS, modal.inputs(), strict=True))
    values = {inputs["title"]: title, inputs["body"]: f"{title} : rendez-vous jeudi à Genève."}
    preview = await fake.submit_modal(member, modal, values)
    await preview.response(timeout=10)
    if publish:
        labels = {c["label"]: c["custom_id"] for row in preview.message.components for c in row["components"]}
        click = await fake.click(member, preview.message, labels["Publier"])
        await click.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)


async def add_feed(fake, member, url):
    added = await fake.run_command(member, "feed add", {"url": url})
    (answer_message,) = await added.followups(count=1, timeout=20)
    assert answer_message.content.startswith("✅")


@dataclass(frozen=True)
class Programme:
    """The morning's two sessions (olivia speaks first, adam second) and its announcement."""

    olivia_talk: int
    adam_talk: int
    announcement_id: int


async def build_programme(fake, bot, event) -> Programme:
    """Each organiser adds their own talk through /event programme."""
    await add_session(fake, "olivia", event, OLIVIA_TALK, "08:30", speaker="olivia")
    await add_session(fake, "adam", event, ADAM_TALK, "9h30", speaker="adam")
    first, second = await stored_sessions(bot, event)
    assert (first.speaker_id, second.speaker_id) == (fake.member("olivia").id, fake.member("adam").id)
    tracked = await bot.get_cog("EventsCog").store.get(event.id)
    await shows_sessions(fake, fake.message(tracked.announcement_message_id), 2)
    return Programme(first.id, second.id, tracked.announcement_message_id)


@dataclass(frozen=True)
class LiveQA:
    """olivia's board on the morning (in général) and adam's (in organisateurs), the question messages."""

    olivia_board: int
    adam_board: int
    board_message: int  # olivia's
    secret: int  # the question messages, in the thread
    named: int
    adams: int
    alices: int
    adams_question: int  # its id, as exports give it


async def live_qa(fake, event, voice, programme: Programme) -> LiveQA:
    """During the morning olivia opens a Q&A and asks two questions (one anonymously), adam and alice one
    each; votes from olivia and adam (and bob's on her anonymous one); olivia marks adam's question
    answered and adam alice's. adam opens a Q&A of his own about the voice event. Neither votes for nor
    moderates the other's questions, so that forgetting one leaves the other's rows as they were."""
    await qa.start_qa(fake, "olivia", event=str(event.id))
    board = qa.board_message(fake)
    thread = qa.thread_of(fake, board)
    for member, text, session, anonymous in (
        ("olivia", OLIVIA_SECRET, programme.adam_talk, True),
        ("olivia", OLIVIA_NAMED, programme.olivia_talk, False),
        ("adam", ADAM_QUESTION, programme.olivia_talk, False),
        ("alice", ALICE_QUESTION, programme.adam_talk, False),
    ):
        await qa.ask(fake, member, board, text, anonymous=anonymous, session=session)
    secret, named, adams, alices = (
        next(m for m in qa.questions(fake, thread) if text in m.content)
        for text in (OLIVIA_SECRET, OLIVIA_NAMED, ADAM_QUESTION, ALICE_QUESTION)
    )
    for member, message in (("olivia", adams), ("olivia", alices), ("adam", alices), ("bob", secret)):
        await qa.vote(fake, member, message)
    await qa.moderate(fake, "olivia", adams, "answered")
    await qa.moderate(fake, "adam", alices, "answered")
    here = fake.channel("organisateurs").id  # the voice event's channel for its messages is général's
    await qa.start_qa(fake, "adam", where="organisateurs", event=str(voice.id), channel=here)
    adams_board = qa.board_message(fake, "organisateurs")
    return LiveQA(
        olivia_board=qa.board_id(board),
        adam_board=qa.board_id(adams_board),
        board_message=board.id,
        secret=secret.id,
        named=named.id,
        adams=adams.id,
        alices=alices.id,
        adams_question=qa.question_id(adams),
    )


async def answer_then_rate(fake, member, call, event_id, rating, recommend, *, session, score, word, **texts):
    """The feedback form, then the step that follows it: `session` rated `score`, with a word for its
    speaker."""
    submit = await answer(fake, member, call, event_id, rating, recommend, **texts)
    _, step_message = await submit.followups(count=2, timeout=10)
    await rate(fake, member, step_message, event_id, 0, session, score)
    form = await open_words(fake, member, step_message, event_id, 0)
    words = await fake.submit_modal(member, form, {word_input_id(session): word})
    await words.response(timeout=10)


async def review_each_others_talk(fake, bot, clock, programme: Programme) -> None:
    """The feedback window closes: one review per session in the organisers' channel; olivia sends adam
    his, adam keeps olivia's from her."""
    clock.set(END + FEEDBACK_WINDOW + timedelta(seconds=1))
    await step(bot)
    await fake.wait_for(lambda: len(review.reviews(fake)) == 2, timeout=10, what="the two reviews")
    for member, session, choice in (
        ("olivia", programme.adam_talk, "send"),
        ("adam", programme.olivia_talk, "withhold"),
    ):
        message = review.review(fake, session)
        await review.answered(await review.click(fake, member, message, choice, session))


@dataclass(frozen=True)
class Events:
    """Discord's events of the scenario: the morning with feedback and check-in, the one with places,
    the one held in a voice channel."""

    feedback: FakeScheduledEvent
    places: FakeScheduledEvent
    voice: FakeScheduledEvent
    programme: Programme
    qa: LiveQA


async def fill_every_feature(fake, bot, clock, feed_server) -> Events:
    """olivia (organiser) and adam (admin) each vote, create polls, speak at the morning, take a place at
    an event that then moves (alice waits behind them), check in after a wrong code, spend ten minutes
    at a voice event, open a live Q&A, ask, vote and moderate there, answer feedback and rate each
    other's talk, decide each other's review, opt out of DMs, add a feed and write announcements; olivia
    closes adam's poll and leaves a draft."""
    await fake.wait_for_commands()
    await create_poll(fake, "olivia", question="Quel réseau pour la communauté ?")
    olivia_poll = poll_message(fake)
    await create_poll(fake, "adam", question="Quel jour pour la matinée ?", options="Mardi; Jeudi")
    adam_poll = poll_message(fake)
    await vote(fake, "olivia", olivia_poll, 0)
    await vote(fake, "adam", olivia_poll, 1)
    await vote(fake, "olivia", adam_poll, 1)
    await vote(fake, "adam", adam_poll, 0)
    closing = await fake.run_command("olivia", "poll close", {"poll": str(poll_id(adam_poll))})
    await closing.final_message(timeout=20)

    await create_event(fake)
    (event,) = fake.scheduled_events()
    programme = await build_programme(fake, bot, event)
    places = await register_then_see_it_move(fake, ("olivia", "adam", "alice"))
    await check_in_after_a_wrong_code(fake, bot, clock, event, ("olivia", "adam"))
    voice = await attend_in_voice(fake, bot, clock, ("olivia", "adam"))
    qa = await live_qa(fake, event, voice, programme)
    for member in ("olivia", "adam"):
        await fake.set_event_interest(event, member)
    call = await complete(fake, clock, event)
    for member in ("olivia", "adam"):
        await fake.wait_for_dm(member, lambda m: is_call(m, event.id), timeout=10)
    await answer_then_rate(
        fake,
        "olivia",
        call,
        event.id,
        4,
        9,
        session=programme.adam_talk,
        score="4",
        word=OLIVIA_WORD,
        useful=OLIVIA_USEFUL,
        improve="Plus de pauses",
    )
    await answer_then_rate(
        fake,
        "adam",
        call,
        event.id,
        5,
        10,
        session=programme.olivia_talk,
        score="5",
        word=ADAM_WORD,
        useful=ADAM_USEFUL,
    )
    await review_each_others_talk(fake, bot, clock, programme)
    for member in ("olivia", "adam"):
        optout = await fake.run_command(member, "feedback optout")
        await optout.response(timeout=10)

    feed_server.set_feed("/olivia", rss([article(1)]))
    feed_server.set_feed("/adam", rss([article(2)]))
    await add_feed(fake, "olivia", feed_server.url("/olivia"))
    await add_feed(fake, "adam", feed_server.url("/adam"))

    await compose(fake, "olivia", "Matinée de mars", publish=True)
    await compose(fake, "olivia", "Brouillon d’olivia", publish=False)
    await compose(fake, "adam", "Matinée d’avril", publish=True)
    return Events(event, places, voice, programme, qa)


# ---- reading an export and the database ----------------------------------------------------------


def section_sizes(document) -> dict[str, dict[str, int]]:
    """How many entries each part of each section holds (a value set counts one)."""
    sizes = {}
    for name, section in document.items():
        if isinstance(section, dict):
            sizes[name] = {
                key: len(value) if isinstance(value, list) else int(value not in (None, "", {}))
                for key, value in section.items()
            }
    return sizes


def misshapen(value, key: str = "") -> list[str]:
    """Every id (`*_id`) that is not a string and every time (`*_at`) not ISO-8601 UTC, in an export."""
    if isinstance(value, dict):
        return [bad for name, inner in value.items() for bad in misshapen(inner, name)]
    if isinstance(value, list):
        return [bad for inner in value for bad in misshapen(inner, key)]
    if key.endswith("_id") and value is not None and not isinstance(value, str):
        return [f"{key}: {value!r}"]
    if key.endswith("_at") and value is not None and not ISO_UTC.match(str(value)):
        return [f"{key}: {value!r}"]
    return []


def without(rows: dict[str, list[tuple]], user_id: int) -> dict[str, list[tuple]]:
    """The same rows with the member's id unlinked (NULL) wherever it stood."""
    return {
        table: [tuple(None if value == user_id else value for value in row) for row in found]
        for table, found in rows.items()
    }
