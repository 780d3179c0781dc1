"""Activity, counted without reading anyone's messages: messages and distinct authors per channel and
local day, and the server's member count each day, kept as aggregates with no member id; the authors'
sketches keyed with a secret kept beside the database, never in it nor in its backups."""

from __future__ import annotations

import logging
import sqlite3
import stat
from datetime import UTC, datetime

from cogs.pulse.activity.key_file import key_path
from tests.e2e.activity_helpers import (
    MEMBER_JOIN,
    activity,
    files_holding,
    flushed,
    local_day,
    open_thread,
    post,
    publish,
    values_holding,
)

GUILD_MESSAGES, DM_MESSAGES, MESSAGE_CONTENT = 1 << 9, 1 << 12, 1 << 15


async def test_messages_and_distinct_authors_are_counted_per_channel_its_threads_folded_in(agora, fake):
    async with agora.running() as bot:
        thread = await open_thread(fake, "on en parle")
        await post(fake, "alice", "général", 3)
        await post(fake, "bob", "général", 2)
        await post(fake, "olivia", "général")
        await post(fake, "alice", thread.id, 2)
        await post(fake, "adam", thread.id)
        await post(fake, "adam", "annonces")
        assert await flushed(fake, bot, 10) == 10

        today = local_day(datetime.now(UTC))  # the fake dates messages by the real time, as Discord
        store = activity(bot).store
        general = fake.channel("général").id
        # The thread's row keeps the channel it is in, as Discord's thread says.
        rows = await bot.database.fetch_all("SELECT channel_id, parent_id, messages FROM activity_days")
        assert sorted(tuple(row) for row in rows) == sorted(
            [(general, None, 6), (thread.id, general, 3), (fake.channel("annonces").id, None, 1)]
        )
        totals = {
            t.channel_id: (t.messages, t.authors)
            for t in await store.channel_totals(fake.guild.id, today, today)
        }
        # Alice wrote in #général and in its thread: one author.
        assert totals == {general: (6 + 3, 4), fake.channel("annonces").id: (1, 1)}
        assert await store.daily(fake.guild.id, today, today) == [(today, 10, 4)]
        assert await store.authors(fake.guild.id, today, today) == 4
        assert await store.messages_in(fake.guild.id, [thread.id], today, today) == {thread.id: 3}


async def test_the_database_holds_no_author_id_and_no_message_text(agora, fake):
    async with agora.running() as bot:
        thread = await open_thread(fake, "on en parle")
        sent = [
            *await post(fake, "alice", "général", 2),
            *await post(fake, "bob", thread.id),
            *await post(fake, "olivia", "général"),
        ]
        await flushed(fake, bot, 4)
        assert await activity(bot).store.authors(fake.guild.id, "2000-01-01", "2100-01-01") == 3

    authors = [fake.member(name).id for name in ("alice", "bob", "olivia")]
    texts = [message.content for message in sent]
    assert all("private" in text for text in texts)
    assert values_holding(agora.base_settings.database_path, [*authors, *texts]) == []
    # Discord does not even send the text: Agora asks for no message content.
    (session,) = [s for s in fake.gateway.sessions.values() if s.ready]
    assert session.intents & MESSAGE_CONTENT == 0


async def test_bot_webhook_system_and_direct_messages_are_not_counted(agora, fake):
    async with agora.running() as bot:
        await publish(fake, "général", fake.bot.id)
        await publish(fake, "général", fake.member("alice").id, webhook_id=fake.world.new_id())
        await publish(fake, "général", fake.member("alice").id, msg_type=MEMBER_JOIN)
        await fake.post_user_message("bob", fake.world.dm_channel_for(fake.member("bob").id).id, "psst")
        # Events arrive in order: once this one is counted, the ones before it were seen.
        await post(fake, "olivia", "général")
        assert await flushed(fake, bot, 1) == 1

        rows = await activity(bot).store.daily(fake.guild.id, "2000-01-01", "2100-01-01")
        assert [(messages, authors) for _, messages, authors in rows] == [(1, 1)]
        (session,) = [s for s in fake.gateway.sessions.values() if s.ready]
        assert session.intents & (GUILD_MESSAGES | DM_MESSAGES) == GUILD_MESSAGES


async def test_messages_around_local_midnight_count_on_their_local_day(agora, fake):
    async with agora.running() as bot:
        # Zurich is UTC+1 in November: local midnight of the 29th is 23:00 UTC on the 28th.
        await post(fake, "alice", "général", at=datetime(2026, 11, 28, 22, 59, 59, tzinfo=UTC))
        await post(fake, "bob", "général", at=datetime(2026, 11, 28, 23, 0, 0, tzinfo=UTC))
        await post(fake, "alice", "général", at=datetime(2026, 11, 28, 23, 30, tzinfo=UTC))
        await flushed(fake, bot, 3)

        rows = await activity(bot).store.daily(fake.guild.id, "2026-11-27", "2026-11-30")
        assert rows == [("2026-11-28", 1, 1), ("2026-11-29", 2, 2)]


async def test_what_was_counted_is_written_when_the_bot_stops(agora, fake):
    async with agora.running() as bot:
        await post(fake, "alice", "général", 2)
        await post(fake, "bob", "général")
        await fake.wait_for(lambda: activity(bot).pending_messages == 3, timeout=10)

    with sqlite3.connect(agora.base_settings.database_path) as connection:
        assert connection.execute("SELECT sum(messages), sum(authors) FROM activity_days").fetchone() == (
            3,
            2,
        )


async def test_counts_of_several_flushes_and_restarts_add_up(agora, fake):
    async with agora.running() as bot:
        await post(fake, "alice", "général")
        await flushed(fake, bot, 1)
        await post(fake, "alice", "général")
        await post(fake, "bob", "général")
        await flushed(fake, bot, 2)
    async with agora.running() as bot:
        await post(fake, "olivia", "général")
        await flushed(fake, bot, 1)
        today = local_day(datetime.now(UTC))
        totals = await activity(bot).store.channel_totals(fake.guild.id, today, today)
        assert [(t.messages, t.authors) for t in totals] == [(4, 3)]


async def test_the_member_count_is_read_at_startup_and_once_a_day(agora, fake, clock):
    async with agora.running() as bot:
        counts = activity(bot).member_counts
        await fake.wait_for(lambda: counts.last_result == 1, timeout=10, what="the startup count")
        store, guild, today = activity(bot).store, fake.guild.id, local_day(clock.now())
        assert await store.member_counts(guild, today, today) == [(today, len(fake.world.members))]

        await fake.add_member("zoé")
        assert await counts.run_now() == 0  # read once a day
        clock.advance(days=1)
        assert await counts.run_now() == 1
        tomorrow = local_day(clock.now())
        assert await store.member_counts(guild, today, tomorrow) == [
            (today, len(fake.world.members) - 1),
            (tomorrow, len(fake.world.members)),
        ]


async def test_nothing_listens_to_message_edits_or_deletions_which_agora_does_not_parse(agora, fake):
    # The guild messages intent brings MESSAGE_UPDATE and MESSAGE_DELETE(_BULK), which Agora drops
    # unparsed (agora/client.py): a listener for them would never be called.
    unread = {
        f"on_{raw}{event}"
        for raw in ("", "raw_")
        for event in ("message_edit", "message_delete", "bulk_message_delete")
    }
    async with agora.running() as bot:
        listened = {name for name, listeners in bot.extra_events.items() if listeners}
        assert listened & unread == set()
        assert [name for name in unread if hasattr(bot, name)] == []


async def test_the_edits_agora_makes_come_back_unparsed(agora, fake):
    async with agora.running() as bot:
        edits = []

        async def probe(payload) -> None:
            edits.append(payload.message_id)

        bot.add_listener(probe, "on_raw_message_edit")
        sent = await bot.get_channel(fake.channel("général").id).send("Vote: 1")
        await sent.edit(content="Vote: 2")
        assert fake.message(sent.id).content == "Vote: 2"
        # MESSAGE_UPDATE went out before this message: once it is counted, the edit was received.
        await post(fake, "alice", "général")
        await fake.wait_for(lambda: activity(bot).pending_messages == 1, timeout=10)
        assert edits == []


async def test_the_key_is_made_at_the_first_start_owner_only_and_kept_across_restarts(agora, fake):
    key = key_path(agora.base_settings.database_path)
    fixed = key.read_bytes()
    key.unlink()  # the harness's fixed key: this test is the first start of a fresh installation
    async with agora.running() as bot:
        secret = key.read_bytes()
        assert len(secret) == 32 and secret != fixed
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        await post(fake, "alice", "général")
        await flushed(fake, bot, 1)
    async with agora.running() as bot:
        assert key.read_bytes() == secret
        await post(fake, "alice", "général")
        await flushed(fake, bot, 1)
        # Alice, counted before and after the restart under the same key, is one author.
        rows = await activity(bot).store.daily(fake.guild.id, "2000-01-01", "2100-01-01")
        assert [(messages, authors) for _, messages, authors in rows] == [(2, 1)]


async def test_neither_the_database_nor_its_backups_nor_the_log_hold_the_key(agora, fake, caplog):
    database = agora.base_settings.database_path
    key = key_path(database)
    key.unlink()  # made by the bot, as at a first start
    with caplog.at_level(logging.DEBUG):
        async with agora.running() as bot:
            await post(fake, "alice", "général", 2)
            await post(fake, "bob", "général")
            await flushed(fake, bot, 3)
            backup = await bot.backups.run_now() or max((database.parent / "backups").glob("agora-*.db"))
            secret = key.read_bytes()
            written = [database, *database.parent.glob(f"{database.name}-*")]
            assert files_holding(written, secret) == []
            assert values_holding(database, [secret]) == []
    backups = sorted((database.parent / "backups").iterdir())
    assert backup in backups and all(path.name.startswith("agora-") for path in backups)
    assert files_holding([database, *backups], secret) == []
    assert values_holding(backup, [secret]) == []
    assert secret.hex() not in caplog.text and secret.hex().upper() not in caplog.text
    assert str(key) in caplog.text  # where it was made is said, what it is never
