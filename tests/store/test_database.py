import asyncio
import sqlite3

import pytest

from agora.database import Database, DatabaseError, Migration, load_migrations

FIRST = Migration(1, "first", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
SECOND = Migration(2, "second", "ALTER TABLE notes ADD COLUMN author INTEGER;")
BROKEN = Migration(
    2,
    "broken",
    "CREATE TABLE half (id INTEGER);\nINSERT INTO notes (body) VALUES ('x');\nTHIS IS NOT SQL;",
)


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as db:
        yield db


async def test_fresh_install_applies_every_shipped_migration(database):
    shipped = load_migrations()
    applied = await database.migrate()
    assert applied == [m.version for m in shipped]
    assert await database.user_version() == shipped[-1].version
    assert await database.fetch_one("SELECT name FROM sqlite_master WHERE name = 'bot_state'")


async def test_migrating_twice_applies_nothing_the_second_time(database):
    await database.migrate()
    assert await database.migrate() == []


async def test_upgrade_applies_only_the_new_migration(database):
    await database.migrate([FIRST])
    async with database.transaction() as connection:
        await connection.execute("INSERT INTO notes (body) VALUES ('kept')")
    assert await database.migrate([FIRST, SECOND]) == [2]
    rows = await database.fetch_all("SELECT body, author FROM notes")
    assert [tuple(row) for row in rows] == [("kept", None)]
    assert await database.user_version() == 2


async def test_a_failing_migration_leaves_version_and_schema_unchanged(database):
    await database.migrate([FIRST])
    with pytest.raises(DatabaseError, match="0002_broken"):
        await database.migrate([FIRST, BROKEN])
    assert await database.user_version() == 1
    assert await database.fetch_one("SELECT name FROM sqlite_master WHERE name = 'half'") is None
    assert await database.fetch_all("SELECT * FROM notes") == []
    # the writer is usable afterwards
    async with database.transaction() as connection:
        await connection.execute("INSERT INTO notes (body) VALUES ('after')")


async def test_a_database_newer_than_the_code_is_refused(database):
    await database.migrate([FIRST, SECOND])
    with pytest.raises(DatabaseError, match="newer"):
        await database.migrate([FIRST])
    assert await database.user_version() == 2


async def test_a_gap_in_the_numbering_is_refused_before_anything_runs(database):
    third = Migration(3, "third", "CREATE TABLE other (id INTEGER);")
    with pytest.raises(DatabaseError, match="gap"):
        await database.migrate([FIRST, third])
    assert await database.user_version() == 0


async def test_shipped_migration_files_are_numbered_without_gaps():
    versions = [m.version for m in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_concurrent_transactions_do_not_collide(database):
    await database.migrate([FIRST])

    async def add(n: int) -> None:
        async with database.transaction() as connection:
            await connection.execute("INSERT INTO notes (body) VALUES (?)", (f"n{n}",))
            await asyncio.sleep(0)  # yield mid-transaction so the others really interleave
            await connection.execute("UPDATE notes SET body = body || '!' WHERE body = ?", (f"n{n}",))

    await asyncio.gather(*(add(n) for n in range(100)))
    rows = await database.fetch_all("SELECT body FROM notes")
    assert sorted(row["body"] for row in rows) == sorted(f"n{n}!" for n in range(100))


async def test_an_exception_rolls_the_whole_transaction_back(database):
    await database.migrate([FIRST])
    with pytest.raises(RuntimeError):
        async with database.transaction() as connection:
            await connection.execute("INSERT INTO notes (body) VALUES ('half written')")
            raise RuntimeError("boom")
    assert await database.fetch_all("SELECT * FROM notes") == []


async def test_the_reader_cannot_write(database):
    await database.migrate([FIRST])
    with pytest.raises(sqlite3.OperationalError):
        await database.reader.execute("INSERT INTO notes (body) VALUES ('x')")


async def test_connections_use_wal_and_foreign_keys(database):
    async with database.writer.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone())[0] == "wal"
    async with database.reader.execute("PRAGMA foreign_keys") as cursor:
        assert (await cursor.fetchone())[0] == 1


async def test_the_database_folder_is_created(tmp_path):
    path = tmp_path / "nested" / "folder" / "agora.db"
    async with Database(path) as db:
        await db.migrate()
    assert path.exists()


@pytest.mark.parametrize("cancel_at", ["begin", "statement"])
async def test_a_transaction_cancelled_mid_flight_leaves_the_next_one_free_to_begin(database, cancel_at):
    await database.migrate([FIRST])

    async def write() -> None:
        async with database.transaction() as connection:
            await connection.execute("INSERT INTO notes (body) VALUES ('cancelled')")

    task = asyncio.create_task(write())
    await asyncio.sleep(0)  # one turn of the loop: the task now waits on BEGIN in aiosqlite's thread
    if cancel_at == "statement":
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with database.transaction() as connection:
        await connection.execute("INSERT INTO notes (body) VALUES ('kept')")
    assert [row["body"] for row in await database.fetch_all("SELECT body FROM notes")] == ["kept"]
