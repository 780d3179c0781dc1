"""Restoring a backup on real files: what it refuses (leaving the database as it was), what it keeps."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agora.backup import write_backup
from agora.database import Database, load_migrations
from agora.restore import RestoreRefused, restore

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
