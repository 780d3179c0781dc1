"""Restoring a backup on real files: what it refuses (leaving the database as it was), what it keeps."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agora.backup import write_backup
from agora.database import Database, DatabaseInUse, DatabaseLock, load_migrations
from agora.restore import RestoreRefused, restore, restore_cli
from tests.clocks import FakeClock

NOW = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)


def make_database(path: Path, marker: str) -> None:
    async def create() -> None:
        async with Database(path) as database:
            await database.migrate()
            async with database.transaction() as connection:
                await connection.execute(
                    "INSERT INTO bot_state (key, value, updated_at) VALUES ('marker', ?, 0)", (marker,)
                )

    asyncio.run(create())


def marker(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT value FROM bot_state WHERE key = 'marker'").fetchone()[0]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def current(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "agora.db"
    make_database(path, "current")
    return path


@pytest.fixture
def backup(tmp_path: Path) -> Path:
    source = tmp_path / "source" / "agora.db"
    source.parent.mkdir()
    make_database(source, "from the backup")
    write_backup(source, tmp_path / "backups", "agora-2026-12-01T030000Z.db")
    return tmp_path / "backups" / "agora-2026-12-01T030000Z.db"


def test_a_backup_replaces_the_database_and_the_old_one_is_kept_aside(current, backup):
    done = restore(backup, current, now=NOW)
    assert marker(current) == "from the backup"
    assert done.previous == current.with_name("agora.db.before-restore-2026-12-04T073000Z")
    assert marker(done.previous) == "current"
    assert backup.exists()  # the backup itself stays in its folder


def test_a_write_ahead_log_moves_aside_with_its_database(current, backup, tmp_path):
    # As an Agora killed mid-run leaves it: a commit that lives only in the -wal beside the file.
    running = tmp_path / "running.db"
    make_database(running, "current")
    connection = sqlite3.connect(running, isolation_level=None)
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("UPDATE bot_state SET value = 'in the log' WHERE key = 'marker'")
    current.write_bytes(running.read_bytes())
    Path(f"{current}-wal").write_bytes(Path(f"{running}-wal").read_bytes())
    connection.close()
    done = restore(backup, current, now=NOW)
    assert not Path(f"{current}-wal").exists()
    assert marker(current) == "from the backup"
    assert marker(done.previous) == "in the log"  # the file and its log were kept together


def test_two_restores_in_the_same_second_keep_both_previous_files(current, backup):
    first = restore(backup, current, now=NOW).previous
    second = restore(backup, current, now=NOW).previous
    assert first != second
    assert marker(first) == "current"
    assert marker(second) == "from the backup"


def test_a_restore_onto_a_fresh_machine_needs_no_current_database(tmp_path, backup):
    database = tmp_path / "new" / "agora.db"
    done = restore(backup, database, now=NOW)
    assert done.previous is None
    assert marker(database) == "from the backup"


def refused(backup: Path, current: Path, reason: str) -> None:
    before = snapshot(current.parent)
    with pytest.raises(RestoreRefused, match=reason):
        restore(backup, current, now=NOW)
    assert snapshot(current.parent) == before


def test_a_missing_file_is_refused(current, tmp_path):
    refused(tmp_path / "nowhere.db", current, "no such file")


def test_a_file_that_is_not_sqlite_is_refused(current, tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"Dear diary, " * 100)
    refused(path, current, "not an SQLite database")


def test_an_sqlite_database_that_is_not_agoras_is_refused(current, tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
        connection.execute("PRAGMA user_version = 3")
    refused(path, current, "not Agora's")


def test_a_backup_from_a_newer_agora_is_refused(current, backup):
    with sqlite3.connect(backup) as connection:
        connection.execute(f"PRAGMA user_version = {len(load_migrations()) + 1}")
    refused(backup, current, "newer Agora")


def test_a_damaged_backup_is_refused(current, backup):
    content = bytearray(backup.read_bytes())
    content[100:] = bytes(len(content) - 100)
    backup.write_bytes(bytes(content))
    refused(backup, current, "damaged")


def test_a_database_in_use_is_refused(current, backup):
    async def attempt() -> None:
        async with Database(current):
            refused(backup, current, "another Agora is running")

    asyncio.run(attempt())


def test_the_current_database_itself_is_refused(current):
    refused(current, current, "current database itself")


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)  # opening is what would replay a log left beside the file
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def crashed_agora_log(tmp_path: Path) -> tuple[bytes, bytes]:
    """The -wal and -shm of an Agora killed mid-run, holding commits of a database other than the backup."""
    running = tmp_path / "running.db"
    make_database(running, "in the log")
    connection = sqlite3.connect(running, isolation_level=None)
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE stray (body TEXT)")
    connection.executemany("INSERT INTO stray VALUES (?)", [("x" * 500,)] * 50)
    logs = Path(f"{running}-wal").read_bytes(), Path(f"{running}-shm").read_bytes()
    connection.close()
    return logs


def test_a_log_left_without_its_database_is_moved_aside_and_not_replayed(tmp_path, backup):
    database = tmp_path / "data" / "agora.db"
    database.parent.mkdir()
    wal, shm = crashed_agora_log(tmp_path)
    # The database file was deleted; its -wal and -shm stayed behind.
    Path(f"{database}-wal").write_bytes(wal)
    Path(f"{database}-shm").write_bytes(shm)
    expected = dump(backup)
    done = restore(backup, database, now=NOW)
    assert dump(database) == expected
    assert done.previous is None  # there was no database to keep
    aside = database.with_name("agora.db.before-restore-2026-12-04T073000Z")
    assert done.set_aside == (Path(f"{aside}-wal"), Path(f"{aside}-shm"))
    assert Path(f"{aside}-wal").read_bytes() == wal
    assert not Path(f"{database}-wal").exists()
    assert not Path(f"{database}-shm").exists()


def test_the_restore_line_names_the_leftovers_it_moved_aside(tmp_path, backup):
    database = tmp_path / "data" / "agora.db"
    database.parent.mkdir()
    Path(f"{database}-wal").write_bytes(crashed_agora_log(tmp_path)[0])
    status, line = restore_cli(backup, database, FakeClock(NOW))
    assert status == 0
    assert line.endswith(f"kept as {database}.before-restore-2026-12-04T073000Z-wal")


def test_a_restore_through_another_spelling_of_a_database_in_use_is_refused(current, backup, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(current)

    async def attempt(running: Path, restored: Path) -> None:
        async with Database(running):
            refused(backup, restored, "another Agora is running")

    asyncio.run(attempt(link, current))
    asyncio.run(attempt(current, link))
    asyncio.run(attempt(current, current.parent / ".." / "data" / "agora.db"))


def test_an_agora_starting_during_a_restore_writes_nothing_beside_the_database(tmp_path):
    database = tmp_path / "data" / "agora.db"
    database.parent.mkdir()
    # A restore holds the lock between moving the old file aside and putting the backup in its place.
    lock = DatabaseLock.acquire(database)
    try:
        with pytest.raises(DatabaseInUse, match="another Agora is running"):
            asyncio.run(Database(database).open())
    finally:
        lock.release()
    assert [p.name for p in database.parent.iterdir()] == ["agora.db.lock"]


def restoring_leftovers(current: Path) -> list[Path]:
    return [current.with_name(f".agora.db.restoring{suffix}") for suffix in ("", "-journal", "-wal", "-shm")]


def test_what_a_crashed_restore_left_is_removed_when_agora_next_opens_the_database(current):
    for leftover in restoring_leftovers(current):
        leftover.write_bytes(b"half a backup")

    async def start() -> None:
        async with Database(current):
            pass

    asyncio.run(start())
    assert not any(leftover.exists() for leftover in restoring_leftovers(current))


def hot_journal(tmp_path: Path) -> bytes:
    """A rollback journal as a crash leaves it: SQLite plays it back into whatever file it sits beside."""
    other = tmp_path / "other.db"
    make_database(other, "from another database")
    connection = sqlite3.connect(other, isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = 1")
    connection.execute("BEGIN")
    connection.execute("UPDATE bot_state SET value = 'changed' WHERE key = 'marker'")
    connection.executemany("INSERT INTO bot_state VALUES (?, ?, 0)", [(str(n), "x" * 3000) for n in range(3)])
    journal = Path(f"{other}-journal").read_bytes()
    connection.execute("ROLLBACK")
    connection.close()
    return journal


def test_what_a_crashed_restore_left_does_not_creep_into_the_next_one(current, backup, tmp_path):
    journal = current.with_name(".agora.db.restoring-journal")
    journal.write_bytes(hot_journal(tmp_path))
    expected = dump(backup)
    restore(backup, current, now=NOW)
    assert dump(current) == expected
    assert not any(leftover.exists() for leftover in restoring_leftovers(current))
