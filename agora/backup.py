"""Backups of the database: SQLite's online backup on a schedule, kept in rotation (restore.py puts one back).

The copy is taken by its own read-only connection in one backup step: one read transaction, so in WAL
mode it is a consistent snapshot of every commit made before it began, and votes keep being written
meanwhile. It runs on a thread of this module's own, waited for at close, so none outlives the bot.

A backup is written beside its final name, checked with `PRAGMA integrity_check`, then renamed:
a file named `agora-<UTC time>.db` is always a complete, checked backup. Those names sort by time, and
the newest one tells when the last backup was taken, so the schedule survives restarts. Rotation
deletes only files so named: whatever else the folder holds is left alone. One folder per database.

A name is only as true as the clock that wrote it. A backup dated after now (the clock was set back,
or a file was copied in) never holds the schedule until that date: the schedule counts from the newest
backup before now, and backs up at once when the latest it knows is dated later. /config warns about
such a file, and rotation never deletes the file it has just written, though its name sorts first.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agora.clock import Clock
from agora.scheduling import Recurring, cancel_and_wait

log = logging.getLogger(__name__)

BACKUP_NAME = re.compile(r"^agora-(\d{4}-\d{2}-\d{2}T\d{6}Z)\.db$")
STAMP = "%Y-%m-%dT%H%M%SZ"
PARTIAL = ".partial"  # a backup being written: never matches BACKUP_NAME
# What SQLite may write beside the copy being written; a crash leaves them there.
SIDE_SUFFIXES = ("", "-journal", "-wal", "-shm")
# How often the schedule looks at the clock (the clock decides, so a pass after a restart catches up).
TICK = 60.0
# After a failure, the next try comes this soon (or at the interval, if shorter); the warning is
# logged at most once per interval.
RETRY_AFTER = 15 * 60


class BackupFailed(Exception):
    """A backup could not be written or did not pass its check; the message names the path."""


@dataclass(frozen=True, slots=True)
class BackupStatus:
    """What `/config` shows of the backups: read-only figures, nothing to act on."""

    interval_seconds: int | None  # None: backups are off
    folder: Path
    latest: str | None = None  # the newest backup's file name
    latest_at: datetime | None = None
    error: str | None = None  # the last pass's failure, path included; cleared by the next backup
    error_at: datetime | None = None
    # The newest backup in the folder when it was dated after the clock, at the last look: a backup
    # someone might restore as the latest while it is not.
    future: str | None = None

    def age(self, now: datetime) -> float | None:
        return None if self.latest_at is None else (now - self.latest_at).total_seconds()

    def overdue(self, now: datetime) -> bool:
        """Older than twice the interval: a backup, or more than one, was missed."""
        age = self.age(now)
        return self.interval_seconds is not None and age is not None and age > 2 * self.interval_seconds


def backup_time(name: str) -> datetime | None:
    match = BACKUP_NAME.match(name)
    return None if match is None else datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)


def _after(path: Path, now: datetime) -> bool:
    taken = backup_time(path.name)
    return taken is not None and taken > now


def _is_partial(name: str, suffix: str) -> bool:
    """`name` is a partial copy's file (`suffix` "") or one SQLite wrote beside it."""
    ending = PARTIAL + suffix
    return name.endswith(ending) and BACKUP_NAME.match(name.removesuffix(ending)) is not None


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []  # no folder yet, or one that cannot be read: the next pass reports why


def backup_files(folder: Path) -> list[Path]:
    """Agora's backups in `folder`, oldest first; nothing else the folder holds."""
    names = sorted(name for name in _names(folder) if BACKUP_NAME.match(name))
    return [folder / name for name in names if (folder / name).is_file()]


class Backups:
    """Backs `database` up into `folder` every `interval_seconds` (None: never), keeping `keep` files."""

    def __init__(
        self, database: Path, folder: Path, *, keep: int, interval_seconds: int | None, clock: Clock
    ) -> None:
        self.database = database
        self.folder = folder
        self.keep = keep
        self.interval_seconds = interval_seconds
        self.clock = clock
        self.passes: Recurring[Path | None] = Recurring("backups", self.run_pass, tick=TICK)
        self._latest: Path | None = None
        self._error: str | None = None
        self._error_at: datetime | None = None
        self._retry_at: datetime | None = None
        self._warned_at: datetime | None = None
        self._future: str | None = None
        self._warned_future: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._copying: asyncio.Future[None] | None = None

    def status(self) -> BackupStatus:
        latest = self._latest.name if self._latest is not None else None
        return BackupStatus(
            self.interval_seconds,
            self.folder,
            latest,
            backup_time(latest) if latest else None,
            self._error,
            self._error_at,
            self._future,
        )

    async def __aenter__(self) -> Backups:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def start(self) -> None:
        """The first pass runs at once: a backup is taken now if none is recent enough."""
        if self.interval_seconds is None:
            return
        now = self.clock.now()
        files = backup_files(self.folder)
        # The schedule counts from the newest backup taken before now, so a restart does not take an
        # extra one because of a file dated later; that file counts only when there is no other.
        earlier = [path for path in files if not _after(path, now)]
        self._latest = earlier[-1] if earlier else files[-1] if files else None
        self._look_for_the_future(files, now)
        for name in _names(self.folder):
            # What a crash in the middle of a copy left: this bot holds the database, so it is no one's.
            # A journal left beside a partial copy would be played back into the next copy so named.
            if any(_is_partial(name, suffix) for suffix in SIDE_SUFFIXES):
                (self.folder / name).unlink(missing_ok=True)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agora-backup")
        self._task = asyncio.create_task(self.passes.run_forever(), name="backups")

    async def close(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        if self._copying is not None:
            # A copy cannot be interrupted; its thread finishes (and cleans up) before the bot ends.
            await asyncio.wait([self._copying])
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    async def run_now(self, within: float = 30) -> Path | None:
        """Wake the schedule and wait for its pass: the new backup's path, or None if none was due."""
        return await self.passes.run_now(within)

    def due(self, now: datetime) -> bool:
        if self.interval_seconds is None:
            return False
        if self._retry_at is not None:
            return now >= self._retry_at
        latest = self._latest and backup_time(self._latest.name)
        if self._latest is not None and _after(self._latest, now):
            # Waiting for that date would stop the backups, maybe for a year: the clock is the truth.
            self._warn_future(self._latest, now)
            return True
        return latest is None or now >= latest + timedelta(seconds=self.interval_seconds)

    async def run_pass(self) -> Path | None:
        now = self.clock.now()
        if not self.due(now):
            return None
        try:
            path = await self.back_up(now)
        except BackupFailed as error:
            self._failed(now, str(error))
            return None
        except Exception as error:
            # A bug, not the disk: retried and reported like a failure, not with a traceback a minute.
            self._failed(now, f"backup into {self.folder} failed unexpectedly ({error!r})", error)
            return None
        self._latest, self._error, self._error_at, self._retry_at = path, None, None, None
        log.info("backed the database up to %s", path)
        return path

    def _failed(self, now: datetime, error: str, unexpected: Exception | None = None) -> None:
        interval = self.interval_seconds or RETRY_AFTER
        self._error, self._error_at = error, now
        self._retry_at = now + timedelta(seconds=min(interval, RETRY_AFTER))
        if self._warned_at is None or now - self._warned_at >= timedelta(seconds=interval):
            self._warned_at = now
            log.warning("backup failed: %s; Agora keeps running and tries again", error, exc_info=unexpected)

    def _look_for_the_future(self, files: list[Path], now: datetime) -> None:
        self._future = None
        if files and _after(files[-1], now):
            self._future = files[-1].name
            self._warn_future(files[-1], now)

    def _warn_future(self, path: Path, now: datetime) -> None:
        if self._warned_future != path.name:  # once per file, not once per pass
            self._warned_future = path.name
            log.warning(
                "the backup %s is dated after the clock (%s): the clock was set back or the file was "
                "copied in; the schedule does not wait for that date",
                path,
                now.isoformat(),
            )

    def _copied(self, copying: asyncio.Future[None]) -> None:
        if self._copying is copying:
            self._copying = None
        if not copying.cancelled() and copying.exception() is not None and self._task is None:
            # Finished after its pass was cancelled: no one else will hear of it.
            log.warning("backup failed while Agora was closing: %s", copying.exception())

    async def back_up(self, now: datetime) -> Path:
        """One backup named for `now`, checked and in place, then the oldest beyond `keep` deleted."""
        if self._executor is None:
            raise BackupFailed("backups are not started")
        name = f"agora-{now.astimezone(UTC).strftime(STAMP)}.db"
        loop = asyncio.get_running_loop()
        copying = loop.run_in_executor(self._executor, write_backup, self.database, self.folder, name)
        self._copying = copying
        copying.add_done_callback(self._copied)
        # Shielded: a pass cancelled because the bot closes leaves the copy to finish, and close()
        # waits for it.
        await asyncio.shield(copying)
        files = backup_files(self.folder)
        # The new one is kept whatever its name's rank: a backup dated in the future sorts after it.
        others = [path for path in files if path.name != name]
        for old in others[: max(0, len(others) - (self.keep - 1))]:
            try:
                old.unlink()
                log.info("deleted the old backup %s", old)
            except OSError as error:
                log.warning("cannot delete the old backup %s (%s)", old, error.strerror or error)
        self._look_for_the_future(backup_files(self.folder), now)
        return self.folder / name


def write_backup(database: Path, folder: Path, name: str) -> None:
    """On a worker thread: copy, check, rename. Raises `BackupFailed` naming the path."""
    partial = folder / (name + PARTIAL)
    if folder.exists() and not folder.is_dir():
        raise BackupFailed(f"cannot write a backup in {folder} (it is a file, not a folder)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(sqlite_uri(database, "mode=ro"), uri=True)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)  # all pages in one step: one snapshot, never restarted by writes
                # The copy keeps the source's WAL flag; a backup is better as one self-contained file.
                target.execute("PRAGMA journal_mode = DELETE")
                problems = integrity_problems(target)
            finally:
                target.close()
        finally:
            source.close()
        if problems:
            raise BackupFailed(f"{folder / name}: the copy failed its integrity check ({problems}); deleted")
        fsync(partial)
        os.replace(partial, folder / name)
        fsync(folder)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BackupFailed(f"cannot write a backup in {folder} ({reason})") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def integrity_problems(connection: sqlite3.Connection) -> str:
    """'' when `PRAGMA integrity_check` says ok; else its first findings."""
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check(5)").fetchall()]
    return "" if rows == ["ok"] else "; ".join(str(row) for row in rows)


def sqlite_uri(path: Path, options: str) -> str:
    return f"{path.resolve().as_uri()}?{options}"


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
