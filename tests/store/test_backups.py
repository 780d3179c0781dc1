"""Backups on real files: consistent copies, names from the clock, rotation, the schedule, failures."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agora import backup as backup_module
from agora.backup import Backups
from agora.database import Database, DatabaseInUse
from tests.clocks import FakeClock

DAY = 24 * 3600


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


def backups_for(database: Database, folder: Path, clock: FakeClock, *, keep: int = 7) -> Backups:
    return Backups(database.path, folder, keep=keep, interval_seconds=DAY, clock=clock)


async def latest_after_a_pass(backups: Backups) -> Path | None:
    """The newest backup once a pass has run (the first one runs as the schedule starts)."""
    await backups.run_now()
    latest = backups.status().latest
    return backups.folder / latest if latest else None


async def note(database: Database, key: str) -> None:
    async with database.transaction() as connection:
        await connection.execute("INSERT INTO bot_state (key, value, updated_at) VALUES (?, 'x', 0)", (key,))


def keys_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT key FROM bot_state")}


def integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


async def test_a_backup_is_a_checked_single_file_named_for_the_clock(database, tmp_path):
    clock = FakeClock()
    await note(database, "before")
    async with backups_for(database, tmp_path / "backups", clock) as backups:
        made = await latest_after_a_pass(backups)
    assert made == tmp_path / "backups" / "agora-2026-11-28T090000Z.db"
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [made.name]  # no -wal, no partial
    assert integrity(made) == [("ok",)]
    assert "before" in keys_in(made)
    with sqlite3.connect(made) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


async def test_a_backup_taken_while_writes_go_on_holds_every_commit_made_before_it(database, tmp_path):
    clock = FakeClock()
    committed: list[str] = []
    stop, under_way = asyncio.Event(), asyncio.Event()

    async def write_steadily() -> None:
        number = 0
        while not stop.is_set():
            await note(database, f"row-{number}")
            committed.append(f"row-{number}")
            number += 1
            if number == 50:
                under_way.set()

    async with backups_for(database, tmp_path / "backups", clock) as backups:
        await backups.run_now()  # the start's own pass; the next is due in a day
        writer = asyncio.create_task(write_steadily())
        await asyncio.wait_for(under_way.wait(), timeout=10)
        clock.advance(days=1)
        before = list(committed)
        made = await backups.run_now()
        stop.set()
        await writer
    assert made is not None
    assert integrity(made) == [("ok",)]
    assert set(before) <= keys_in(made)


async def test_rotation_keeps_exactly_the_latest_and_leaves_other_files_alone(database, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    foreign = ["notes.txt", "agora.db", "agora-2020-01-01.db", "agora-2020-01-01T000000Z.db.bak", "x.db"]
    for name in foreign:
        (folder / name).write_text("not Agora's to delete")
    (folder / "agora-2020-01-01T000000Z.db").mkdir()  # a folder with a backup's name is not a backup
    clock = FakeClock()
    async with backups_for(database, folder, clock, keep=3) as backups:
        made = [await latest_after_a_pass(backups)]
        for _ in range(5):
            clock.advance(days=1)
            made.append(await backups.run_now())
    kept = sorted(p.name for p in folder.glob("agora-*Z.db") if p.is_file())
    assert kept == [path.name for path in made[-3:]]
    assert all((folder / name).read_text() == "not Agora's to delete" for name in foreign)
    assert (folder / "agora-2020-01-01T000000Z.db").is_dir()


async def test_after_a_restart_the_next_backup_is_due_an_interval_after_the_newest_file(database, tmp_path):
    clock = FakeClock()
    folder = tmp_path / "backups"
    async with backups_for(database, folder, clock) as backups:
        first = await latest_after_a_pass(backups)
    clock.advance(hours=20)
    async with backups_for(database, folder, clock) as backups:
        assert await backups.run_now() is None  # not immediately: 4 h are left
        assert backups.status().latest == first.name
        clock.advance(hours=4)
        assert await backups.run_now() is not None
    assert len(list(folder.iterdir())) == 2


async def test_an_overdue_backup_is_taken_at_startup(database, tmp_path):
    clock = FakeClock()
    folder = tmp_path / "backups"
    async with backups_for(database, folder, clock) as backups:
        await latest_after_a_pass(backups)
    clock.advance(days=3)
    async with backups_for(database, folder, clock) as backups:
        await latest_after_a_pass(backups)
        assert backups.status().latest_at == clock.now()
    assert len(list(folder.iterdir())) == 2


async def test_a_folder_that_cannot_be_written_is_reported_once_per_interval_and_retried(
    database, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, logger="agora.backup")
    clock = FakeClock()
    folder = tmp_path / "backups"
    folder.write_text("a file where the folder should be")
    async with backups_for(database, folder, clock) as backups:
        assert await backups.run_now() is None
        status = backups.status()
        assert str(folder) in status.error
        assert status.error_at == clock.now()
        clock.advance(minutes=15)
        assert await backups.run_now() is None  # tried again, not logged again
        clock.advance(hours=23, minutes=45)
        assert await backups.run_now() is None
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 2
        assert all(str(folder) in message for message in warnings)

        folder.unlink()
        clock.advance(minutes=15)
        assert await backups.run_now() is not None
        assert backups.status().error is None


async def test_a_copy_that_fails_its_integrity_check_is_deleted_and_reported(database, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_module, "integrity_problems", lambda connection: "page 2: broken")
    folder = tmp_path / "backups"
    async with backups_for(database, folder, FakeClock()) as backups:
        assert await backups.run_now() is None
        assert "integrity check" in backups.status().error
    assert list(folder.iterdir()) == []


async def test_closing_waits_for_a_copy_in_progress_and_leaves_no_thread(database, tmp_path, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = backup_module.write_backup

    def slow_write(*args: object) -> None:
        started.set()
        release.wait(10)
        real(*args)

    monkeypatch.setattr(backup_module, "write_backup", slow_write)
    backups = backups_for(database, tmp_path / "backups", FakeClock())
    backups.start()
    await asyncio.to_thread(started.wait, 10)
    closing = asyncio.create_task(backups.close())
    done, _ = await asyncio.wait({closing}, timeout=0.2)
    assert not done  # held by the copy under way
    release.set()
    await closing
    assert not any(t.name.startswith("agora-backup") for t in threading.enumerate())
    # The copy that was under way was finished and kept: a checked file, never a partial one.
    assert [p.name.endswith(".db") for p in (tmp_path / "backups").iterdir()] == [True]


async def test_backups_off_start_nothing(database, tmp_path):
    backups = Backups(database.path, tmp_path / "backups", keep=7, interval_seconds=None, clock=FakeClock())
    async with backups:
        assert backups.status().interval_seconds is None
    assert not (tmp_path / "backups").exists()


async def test_a_second_open_of_a_database_in_use_is_refused(database):
    with pytest.raises(DatabaseInUse, match="another Agora is running"):
        async with Database(database.path):
            pass


async def test_the_lock_is_released_when_the_database_closes(tmp_path):
    path = tmp_path / "agora.db"
    async with Database(path):
        pass
    async with Database(path):
        pass  # opened again: the first one's lock went with it


def backup_names(folder: Path) -> list[str]:
    return sorted(path.name for path in backup_module.backup_files(folder))


async def test_a_backup_dated_in_the_future_does_not_stop_the_backups(database, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="agora.backup")
    folder = tmp_path / "backups"
    clock = FakeClock()
    ahead = FakeClock(clock.now() + timedelta(days=365))  # a clock a year ahead, then set right
    async with backups_for(database, folder, ahead) as backups:
        future = await latest_after_a_pass(backups)
    assert future is not None
    async with backups_for(database, folder, clock) as backups:
        made = [await latest_after_a_pass(backups)]
        for _ in range(3):
            clock.advance(days=1)
            made.append(await backups.run_now())
        assert backups.status().latest == made[-1].name
        assert backups.status().future == future.name
    assert made[0] == folder / "agora-2026-11-28T090000Z.db"
    assert backup_names(folder) == sorted([*(path.name for path in made), future.name])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert future.name in warnings[0]


async def test_a_clock_set_back_while_running_takes_the_next_backup_at_once(database, tmp_path):
    folder = tmp_path / "backups"
    clock = FakeClock(datetime(2027, 6, 1, tzinfo=UTC))
    async with backups_for(database, folder, clock) as backups:
        ahead = await latest_after_a_pass(backups)
        clock.set(datetime(2026, 12, 1, tzinfo=UTC))
        made = await backups.run_now()
        assert made == folder / "agora-2026-12-01T000000Z.db"
        assert backups.status().future == ahead.name
        assert await backups.run_now() is None  # the schedule now counts from the fresh one


async def test_a_backup_dated_in_the_future_does_not_make_every_restart_take_one(database, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="agora.backup")
    folder = tmp_path / "backups"
    clock = FakeClock()
    async with backups_for(database, folder, clock) as backups:
        recent = await latest_after_a_pass(backups)
    shutil.copyfile(recent, folder / "agora-2030-01-01T000000Z.db")  # copied in
    for _ in range(2):
        clock.advance(hours=1)
        async with backups_for(database, folder, clock) as backups:
            assert await backups.run_now() is None  # the schedule counts from the recent one
            assert backups.status().latest == recent.name
            assert backups.status().future == "agora-2030-01-01T000000Z.db"
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1  # once per start, naming the file
        assert "agora-2030-01-01T000000Z.db" in warnings[0]
        caplog.clear()
    assert backup_names(folder) == [recent.name, "agora-2030-01-01T000000Z.db"]


async def test_rotation_never_deletes_the_backup_just_written(database, tmp_path):
    folder = tmp_path / "backups"
    clock = FakeClock()
    async with backups_for(database, folder, clock, keep=2) as backups:
        first = await latest_after_a_pass(backups)
        for name in ("agora-2030-01-01T000000Z.db", "agora-2030-01-02T000000Z.db"):  # copied in
            shutil.copyfile(first, folder / name)
        clock.advance(days=1)
        fresh = await backups.run_now()
    assert fresh is not None and fresh.is_file()
    assert backup_names(folder) == [fresh.name, "agora-2030-01-02T000000Z.db"]


async def test_an_unexpected_error_in_a_pass_is_retried_later_and_logged_once_per_interval(
    database, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING)
    attempts: list[str] = []

    def broken(database: Path, folder: Path, name: str) -> None:
        attempts.append(name)
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(backup_module, "write_backup", broken)
    clock = FakeClock()
    async with backups_for(database, tmp_path / "backups", clock) as backups:
        await backups.run_now()
        status = backups.status()
        assert "something nobody expected" in status.error
        assert status.error_at == clock.now()
        clock.advance(minutes=1)
        await backups.run_now()
        assert len(attempts) == 1  # not every minute: after RETRY_AFTER
        clock.advance(minutes=14)
        await backups.run_now()
        assert len(attempts) == 2
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(logged) == 1
    assert logged[0].name == "agora.backup"
    assert "something nobody expected" in logged[0].getMessage()


async def test_what_a_crash_left_in_the_backup_folder_is_removed_at_start(database, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    suffixes = ("", "-journal", "-wal", "-shm")
    leftovers = [f"agora-2026-11-27T090000Z.db.partial{suffix}" for suffix in suffixes]
    foreign = ["notes.partial-journal", "agora-2026-11-27.db.partial-journal", "mine.db-journal"]
    for name in [*leftovers, *foreign]:
        (folder / name).write_bytes(b"left by a crash")
    async with backups_for(database, folder, FakeClock()) as backups:
        await latest_after_a_pass(backups)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("agora-2026-11-28")) == sorted(
        foreign
    )


async def test_the_lock_follows_the_file_not_its_spelling(database, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(database.path)
    (tmp_path / "sub").mkdir()
    for other in (link, tmp_path / "sub" / ".." / "agora.db"):
        with pytest.raises(DatabaseInUse, match="another Agora is running"):
            async with Database(other):
                pass
