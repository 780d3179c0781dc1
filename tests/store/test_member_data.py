"""Each store's member data (agora/privacy.py), on a real migrated file: what it exports about one member,
what forgetting deletes or unlinks (and leaves to others), and the registry's one transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from agora.database import Database
from agora.privacy import Exported, MemberData, MemberDataRegistry, iso_time
from cogs.announcements.store import AnnouncementStore, Content
from cogs.events.answer_store import AnswerStore
from cogs.events.model import Answers, EventSnapshot
from cogs.events.store import EventStore
from cogs.feeds.store import FeedStore, NewFeed
from cogs.polls.store import NewPoll, PollStore

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
NOW_ISO = "2026-11-28T09:00:00Z"
ME, OTHER = 700000000000000007, 800000000000000008  # snowflakes past JavaScript's exact integers
GUILD, CHANNEL = 10, 50


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


async def forget(store: MemberData, database: Database, user_id: int) -> int:
    """What the registry does for one store: its deletions in a transaction, then its caches."""
    async with database.transaction() as connection:
        changed = await store.forget_member(connection, user_id)
    store.member_forgotten(user_id)
    return changed


def test_time_is_written_as_iso_utc():
    assert iso_time(int(NOW.timestamp())) == NOW_ISO and iso_time(None) is None


# ---- polls ----------------------------------------------------------------------------------------


async def poll(store: PollStore, author: int, question: str, choices: int = 1):
    created = await store.create(
        NewPoll(
            guild_id=GUILD,
            channel_id=CHANNEL,
            author_id=author,
            question=question,
            options=("LinkedIn", "Slack", "Teams"),
            choices=choices,
        ),
        NOW,
    )
    await store.set_message(created.id, 99)
    return created


async def test_polls_export_the_options_voted_for_and_the_polls_created_and_closed(database):
    store = PollStore(database)
    mine = await poll(store, ME, "Quel réseau ?")
    theirs = await poll(store, OTHER, "Quel jour ?", choices=2)
    await store.vote(mine.id, ME, 1, NOW)
    await store.vote(theirs.id, ME, 0, NOW)
    await store.vote(theirs.id, ME, 2, NOW)
    await store.vote(theirs.id, OTHER, 1, NOW)
    await store.close(theirs.id, NOW, closed_by=ME)

    exported = await store.export_member(ME)
    assert [(v["poll_id"], v["question"], v["option"]) for v in exported["votes"]] == [
        (str(mine.id), "Quel réseau ?", "Slack"),
        (str(theirs.id), "Quel jour ?", "LinkedIn"),
        (str(theirs.id), "Quel jour ?", "Teams"),
    ]
    assert exported["created"] == [
        {
            "poll_id": str(mine.id),
            "question": "Quel réseau ?",
            "options": ["LinkedIn", "Slack", "Teams"],
            "created_at": NOW_ISO,
        }
    ]
    closed = {"poll_id": str(theirs.id), "question": "Quel jour ?", "closed_at": NOW_ISO}
    assert exported["closed"] == [closed]
    assert str(OTHER) not in json.dumps(exported)


async def test_forgetting_deletes_the_votes_and_unlinks_the_polls_created_or_closed(database):
    store = PollStore(database)
    mine = await poll(store, ME, "Quel réseau ?")
    theirs = await poll(store, OTHER, "Quel jour ?")
    await store.vote(mine.id, ME, 0, NOW)
    await store.vote(mine.id, OTHER, 0, NOW)
    await store.vote(theirs.id, ME, 1, NOW)
    await store.close(theirs.id, NOW, closed_by=ME)

    assert await forget(store, database, ME) == 4  # two votes, one author, one closer
    assert (await store.tally(await store.get(mine.id))).counts == (1, 0, 0)
    assert (await store.get(mine.id)).author_id is None
    closed = await store.get(theirs.id)
    assert (closed.author_id, closed.closed_by, closed.is_closed) == (OTHER, None, True)
    assert await store.export_member(ME) == {"votes": [], "created": [], "closed": []}
    assert await forget(store, database, ME) == 0


async def test_a_vote_after_forgetting_starts_from_nothing_not_from_the_ballots_in_memory(database):
    store = PollStore(database)
    several = await poll(store, OTHER, "Quels thèmes ?", choices=3)
    await store.vote(several.id, ME, 0, NOW)
    await store.vote(several.id, ME, 1, NOW)  # the poll's ballots are now held in memory
    await forget(store, database, ME)
    ballot = await store.vote(several.id, ME, 2, NOW)
    assert ballot.positions == (2,)
    assert [position for position, _, _ in await store.votes(several.id)] == [2]


# ---- events: answers, DMs, interest, language, opt-out --------------------------------------------


async def event(store: EventStore, event_id: int, name: str) -> None:
    starts = NOW - timedelta(hours=2)
    snapshot = EventSnapshot(
        id=event_id,
        guild_id=GUILD,
        name=name,
        description=None,
        location=None,
        starts_at=int(starts.timestamp()),
        ends_at=None,
        status="completed",
    )
    await store.record(
        snapshot, NOW, channel_id=CHANNEL, language="fr", reminder_offsets=(), created_by_agora=False
    )
    await store.set_interested(event_id, [ME, OTHER])


def answers(useful: str) -> Answers:
    return Answers(rating=4, recommend=9, useful=useful, improve="Plus court", topics=("ia", "rh"))


async def test_events_export_answers_dms_interest_language_and_the_opt_out(database):
    events, store = EventStore(database), AnswerStore(database)
    await event(events, 1, "Matinée RH")
    await store.save_response(1, ME, answers("Le panel"), NOW)
    await store.save_response(1, OTHER, answers("Pas moi"), NOW)
    await store.claim_invitations(1, "call", [ME, OTHER], NOW)
    await store.remember_language(ME, "en")
    await store.set_opted_out(ME, True, NOW)

    exported = await store.export_member(ME)
    assert exported == {
        "feedback": [
            {
                "event_id": "1",
                "event": "Matinée RH",
                "rating": 4,
                "recommend": 9,
                "most_useful": "Le panel",
                "to_improve": "Plus court",
                "topics_wanted": ["ia", "rh"],
                "submitted_at": NOW_ISO,
            }
        ],
        "messages_asking_feedback": [
            {"event_id": "1", "event": "Matinée RH", "kind": "call", "sent_at": NOW_ISO}
        ],
        "interested_in": [{"event_id": "1", "event": "Matinée RH"}],
        "language": "en",
        "feedback_dm_optout": {"since": NOW_ISO},
    }


async def test_forgetting_deletes_answers_dms_interest_and_language_but_keeps_the_opt_out(database):
    events, store = EventStore(database), AnswerStore(database)
    for event_id in (1, 2):
        await event(events, event_id, f"Matinée {event_id}")
        await store.save_response(event_id, ME, answers("Le panel"), NOW)
    await store.save_response(1, OTHER, answers("Pas moi"), NOW)
    await store.claim_invitations(1, "call", [ME, OTHER], NOW)
    await store.remember_language(ME, "en")
    await store.remember_language(OTHER, "fr")
    await store.set_opted_out(ME, True, NOW)
    await store.set_opted_out(OTHER, True, NOW)

    # two answers, one DM, interest in two events, one language
    assert await forget(store, database, ME) == 6
    assert [r.user_id for r in await store.responses(1)] == [OTHER] and await store.responses(2) == []
    assert await store.invited(1, "call") == {OTHER}
    assert await events.interested_members(1) == [OTHER]
    assert await store.language_of(ME) is None and await store.language_of(OTHER) == "fr"
    assert await store.is_opted_out(ME) and await store.is_opted_out(OTHER)
    assert store.keeps is not None  # and said so when the member asks
    exported = await store.export_member(ME)
    assert exported["feedback_dm_optout"] == {"since": NOW_ISO}
    assert [exported[k] for k in ("feedback", "messages_asking_feedback", "interested_in", "language")] == [
        [],
        [],
        [],
        None,
    ]
    assert await forget(store, database, ME) == 0


async def test_the_language_is_stored_again_after_forgetting(database):
    store = AnswerStore(database)
    await store.remember_language(ME, "en")  # now known to be stored: the next one writes nothing
    await forget(store, database, ME)
    await store.remember_language(ME, "en")
    assert await store.language_of(ME) == "en"


# ---- feeds and announcements: what belongs to the server stays, without the member's name ----------


async def test_feeds_export_those_the_member_added_and_forgetting_unlinks_them(database):
    store = FeedStore(database)
    mine = await store.add(
        NewFeed(guild_id=GUILD, url="https://a.ch/feed", channel_id=CHANNEL, added_by=ME, title="Blog A"),
        NOW,
        NOW,
    )
    theirs = await store.add(
        NewFeed(guild_id=GUILD, url="https://b.ch/feed", channel_id=CHANNEL, added_by=OTHER), NOW, NOW
    )
    assert await store.export_member(ME) == {
        "added": [
            {
                "feed_id": str(mine.id),
                "url": "https://a.ch/feed",
                "title": "Blog A",
                "channel_id": str(CHANNEL),
                "added_at": NOW_ISO,
            }
        ]
    }
    assert await forget(store, database, ME) == 1
    assert (await store.get(mine.id)).added_by is None and (await store.get(theirs.id)).added_by == OTHER
    assert await store.export_member(ME) == {"added": []}


async def test_announcements_export_what_the_member_wrote_and_forgetting_drops_only_their_drafts(database):
    store = AnnouncementStore(database)
    content = Content(channel_id=CHANNEL, title="Matinée", body="Rendez-vous **jeudi**", footer="E-20")
    later = NOW + timedelta(hours=3)
    draft = await store.create_draft(GUILD, ME, content, NOW, NOW, "fr", author_language="en")
    scheduled = await store.create_draft(GUILD, ME, content, later, NOW, "fr", author_language="en")
    assert await store.confirm(scheduled.id, NOW) == "scheduled"
    theirs = await store.create_draft(GUILD, OTHER, content, NOW, NOW, "fr", author_language="fr")

    written = (await store.export_member(ME))["written"]
    assert [(w["announcement_id"], w["status"]) for w in written] == [
        (str(draft.id), "draft"),
        (str(scheduled.id), "scheduled"),
    ]
    assert (written[0]["title"], written[0]["text"], written[0]["footer"]) == (
        "Matinée",
        "Rendez-vous **jeudi**",
        "E-20",
    )
    assert written[0]["your_language"] == "en" and written[1]["first_publication"] == iso_time(
        int(later.timestamp())
    )

    assert await forget(store, database, ME) == 2  # the draft deleted, the scheduled one unlinked
    assert await store.get(draft.id) is None
    kept = await store.get(scheduled.id)
    assert (kept.author_id, kept.author_language) == (None, None)
    assert (kept.status, kept.content) == ("scheduled", content)
    assert (await store.get(theirs.id)).author_id == OTHER
    assert await store.export_member(ME) == {"written": []}


# ---- the registry ---------------------------------------------------------------------------------


class Failing:
    section = "zz_failing"  # taken last: the real stores have deleted by then
    member_columns: Mapping[str, tuple[str, ...]] = {}
    keeps = None

    async def export_member(self, user_id: int) -> Exported:
        return {}

    async def forget_member(self, connection: object, user_id: int) -> int:
        raise RuntimeError("the disk is full")

    def member_forgotten(self, user_id: int) -> None:
        raise AssertionError("nothing was committed")


async def test_the_registry_forgets_everywhere_in_one_transaction_or_nowhere(database):
    polls, answers_store = PollStore(database), AnswerStore(database)
    registry = MemberDataRegistry(database)
    registry.register(polls)
    registry.register(answers_store)
    voted = await poll(polls, OTHER, "Quel réseau ?")
    await polls.vote(voted.id, ME, 0, NOW)
    await answers_store.remember_language(ME, "fr")
    failing = Failing()
    registry.register(failing)
    with pytest.raises(RuntimeError):
        await registry.forget(ME)
    assert (await registry.export(ME))["polls"]["votes"] != []
    assert await answers_store.language_of(ME) == "fr"

    registry.unregister(failing)
    assert await registry.forget(ME) == {"events": 1, "polls": 1}
    assert (await registry.export(ME))["polls"]["votes"] == []


async def test_the_registry_refuses_what_is_not_member_data_and_two_stores_of_one_section(database):
    registry = MemberDataRegistry(database)
    with pytest.raises(TypeError):
        registry.register(object())  # type: ignore[arg-type]
    registry.register(PollStore(database))
    with pytest.raises(ValueError, match="polls"):
        registry.register(PollStore(database))
    assert registry.member_columns() == {"poll_votes": ("user_id",), "polls": ("author_id", "closed_by")}
