"""A member's data in one place: /privacy export and /privacy forget across every feature, the real bot
against the fake Discord, the database file read directly afterwards."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from agora.i18n import Catalogue
from agora.privacy import Exported
from tests.e2e.events_helpers import END, answer, create_event, is_call, step
from tests.e2e.feeds_helpers import article
from tests.e2e.polls_helpers import create_poll, poll_id, poll_message, vote
from tests.e2e.privacy_helpers import (
    PLACES_TITLE,
    ask_to_forget,
    attend_in_voice,
    button_ids,
    check_in_after_a_wrong_code,
    export,
    forget,
    press,
    register_then_see_it_move,
    row_counts,
    rows_naming,
)
from tests.e2e.registration_helpers import offer_dm
from tests.fake_discord.models import FakeScheduledEvent
from tests.feed_server import rss

COMPLETED = 3
FIELDS = ("title", "body", "image", "footer")
OLIVIA_USEFUL = "Le panel RH, très concret"
ADAM_USEFUL = "Les chiffres de l’étude"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


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
class Events:
    """Discord's events of the scenario: the morning with feedback and check-in, the one with places,
    the one held in a voice channel."""

    feedback: FakeScheduledEvent
    places: FakeScheduledEvent
    voice: FakeScheduledEvent


async def fill_every_feature(fake, bot, clock, feed_server) -> Events:
    """olivia (organiser) and adam (admin) each vote, create polls, take a place at an event that then
    moves (alice waits behind them), check in after a wrong code, spend ten minutes at a voice event,
    answer feedback, opt out of DMs, add a feed and write announcements; olivia closes adam's poll and
    leaves a draft."""
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
    places = await register_then_see_it_move(fake, ("olivia", "adam", "alice"))
    await check_in_after_a_wrong_code(fake, bot, clock, event, ("olivia", "adam"))
    voice = await attend_in_voice(fake, bot, clock, ("olivia", "adam"))
    for member in ("olivia", "adam"):
        await fake.set_event_interest(event, member)
    call = await complete(fake, clock, event)
    for member in ("olivia", "adam"):
        await fake.wait_for_dm(member, lambda m: is_call(m, event.id), timeout=10)
    await answer(fake, "olivia", call, event.id, 4, 9, useful=OLIVIA_USEFUL, improve="Plus de pauses")
    await answer(fake, "adam", call, event.id, 5, 10, useful=ADAM_USEFUL)
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
    return Events(event, places, voice)


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


def without(rows: dict[str, list[tuple]], user_id: int) -> dict[str, list[tuple]]:
    """The same rows with the member's id unlinked (NULL) wherever it stood."""
    return {
        table: [tuple(None if value == user_id else value for value in row) for row in found]
        for table, found in rows.items()
    }


# ---- the tests -------------------------------------------------------------------------------------


async def test_export_then_forget_covers_every_feature_and_leaves_other_members_alone(
    agora, fake, clock, feed_server
):
    olivia, adam = fake.member("olivia").id, fake.member("adam").id
    async with agora.running() as bot:
        scenario = await fill_every_feature(fake, bot, clock, feed_server)
        event = scenario.feedback
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
        ):
            assert line in message.content
        assert document["member_id"] == str(olivia) and ISO_UTC.match(document["exported_at"])
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
        text = message.attachments[0].text
        assert str(adam) not in text and ADAM_USEFUL not in text and "Matinée d’avril" not in text
        assert "Matinée e-20" in text and "\\u00e9" not in text  # accents written as they are

        adam_before, counts_before = rows_naming(path, adam), row_counts(path)
        answer_text = await forget(fake, "olivia")
        assert "Sondages : 4" in answer_text and "Événements et avis : 4" in answer_text
        assert "Inscriptions aux événements : 7" in answer_text
        assert "Flux ajoutés : 1" in answer_text and "Annonces écrites : 2" in answer_text
        assert "Conservé : votre refus des messages privés" in answer_text

        assert rows_naming(path, olivia).keys() == {"feedback_optouts"}  # the opt-out, kept on purpose
        # adam's rows all remain; in those olivia also named (his poll she closed), her name is unlinked
        assert rows_naming(path, adam) == without(adam_before, olivia)
        counts_after = row_counts(path)
        assert counts_after["polls"] == counts_before["polls"] == 2  # polls belong to the server
        assert counts_after["feeds"] == 2 and counts_after["announcements"] == 2  # only the draft went
        assert counts_after["poll_votes"] == 2 and counts_after["feedback_responses"] == 1
        assert counts_after["event_attendance"] == 2 and counts_after["event_voice_presence"] == 1

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
    "author_language",  # not an id: the author's language, forgotten with author_id in its row
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
    assert {h.section for h in holders} == {"announcements", "events", "feeds", "polls", "registrations"}
    catalogue = Catalogue.load("fr")
    for language in ("fr", "en"):
        keys = [f"privacy.section.{h.section}" for h in holders] + [h.keeps for h in holders if h.keeps]
        assert [k for k in keys if not catalogue.has(k, language)] == [], language
