"""`python bot.py --restore PATH`: put a backup in place of the database, keeping the current one aside.

Run while no Agora runs on the database: it takes the database's lock, as a running Agora does. Every
refusal happens before anything is moved, so a refused restore leaves the current database as it was.
The restore works on the file itself, symlinks resolved: the lock and the -wal beside it are the
real file's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agora.backup import STAMP, fsync, integrity_problems, sqlite_uri
from agora.clock import Clock
from agora.database import (
    SQLITE_HEADER,
    DatabaseError,
    DatabaseLock,
    check_sequence,
    load_migrations,
    remove_restore_leftovers,
    restoring_path,
)

MARKER_TABLE = "bot_state"  # created by the first migration: every Agora database has it
EXIT_REFUSED = 2
# The database and what SQLite keeps beside it: a -wal left there would be replayed onto the backup.
DATABASE_FILES = ("", "-wal", "-shm")


class RestoreRefused(Exception):
    """The restore did not happen and the current database is untouched; the message says why."""


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    previous: Path | None  # where the database that was there is kept; None if there was none
    set_aside: tuple[Path, ...] = ()  # every file moved aside: the database, its -wal, its -shm


def restore(backup: Path, database: Path, *, now: datetime) -> Restored:
    """Put `backup` in place of `database`, keeping the current file aside as `…before-restore-<time>`."""
    check_backup(backup, database)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)  # a restore onto a fresh machine
        lock = DatabaseLock.acquire(database)
    except OSError as error:
        reason = error.strerror or str(error)
        raise RestoreRefused(f"{database}: cannot create the folder {database.parent} ({reason})") from error
    except DatabaseError as error:
        raise RestoreRefused(str(error)) from error
    try:
        done = _swap(backup, database.resolve(), now)
    finally:
        lock.release()
    return Restored(database, done.previous, done.set_aside)


def check_backup(backup: Path, database: Path) -> None:
    """Refuse what is not an Agora database this code can run, reading it without changing a byte."""
    if not backup.exists():
        raise RestoreRefused(f"{backup}: no such file")
    if not backup.is_file():
        raise RestoreRefused(f"{backup}: is not a file")
    if database.exists() and not database.is_file():
        raise RestoreRefused(f"{database}: the current database is not a file")
    if database.exists() and backup.resolve() == database.resolve():
        raise RestoreRefused(f"{backup}: is the current database itself")
    try:
        with backup.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise RestoreRefused(f"{backup}: cannot be read ({error.strerror or error})") from error
    if header != SQLITE_HEADER:
        raise RestoreRefused(f"{backup}: is not an SQLite database (its first bytes say otherwise)")
    if Path(f"{backup}-wal").exists():
        raise RestoreRefused(
            f"{backup}: has a write-ahead log beside it ({backup.name}-wal), so it is a database in use, "
            "not a backup; restore a file from the backup folder"
        )
    latest = check_sequence(load_migrations())[-1].version
    try:
        # immutable: no lock, no -shm, nothing written beside the file.
        connection = sqlite3.connect(sqlite_uri(backup, "mode=ro&immutable=1"), uri=True)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            tables = {row[0] for row in rows}
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version < 1 or MARKER_TABLE not in tables:
                raise RestoreRefused(f"{backup}: is an SQLite database, but not Agora's (no Agora schema)")
            if version > latest:
                raise RestoreRefused(
                    f"{backup}: comes from a newer Agora (schema version {version}; this Agora knows up "
                    f"to {latest}); run a newer Agora to restore it"
                )
            problems = integrity_problems(connection)
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise RestoreRefused(f"{backup}: is damaged or not an SQLite database ({error})") from error
    if problems:
        raise RestoreRefused(f"{backup}: is damaged (integrity check: {problems})")


def _swap(backup: Path, database: Path, now: datetime) -> Restored:
    folder = database.parent
    incoming = restoring_path(database)
    try:
        remove_restore_leftovers(database)
    except OSError as error:
        reason = error.strerror or str(error)
        raise RestoreRefused(
            f"{database}: cannot remove what an earlier restore left beside it ({reason})"
        ) from error
    try:
        shutil.copyfile(backup, incoming)
        fsync(incoming)
        connection = sqlite3.connect(incoming)
        try:
            problems = integrity_problems(connection)
        finally:
            connection.close()
    except (OSError, sqlite3.Error) as error:
        incoming.unlink(missing_ok=True)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise RestoreRefused(f"{database}: cannot copy the backup into {folder} ({reason})") from error
    if problems:
        incoming.unlink(missing_ok=True)
        raise RestoreRefused(f"{backup}: its copy failed the integrity check ({problems})")
    # Each moves aside even when the database file itself is missing: SQLite would replay a -wal left
    # there onto the restored file. The -wal may hold the last commits: it keeps its file's name.
    present = [suffix for suffix in DATABASE_FILES if Path(f"{database}{suffix}").exists()]
    aside = _aside_name(database, now) if present else None
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in present:
            current = Path(f"{database}{suffix}")
            current.rename(f"{aside}{suffix}")
            moved.append((current, Path(f"{aside}{suffix}")))
        os.replace(incoming, database)
    except OSError as error:
        for current, kept in reversed(moved):
            kept.rename(current)
        incoming.unlink(missing_ok=True)
        raise RestoreRefused(f"{database}: cannot be replaced ({error.strerror or error})") from error
    fsync(folder)
    previous = aside if aside is not None and "" in present else None
    return Restored(database, previous, tuple(kept for _, kept in moved))


def _aside_name(database: Path, now: datetime) -> Path:
    base = database.with_name(f"{database.name}.before-restore-{now.astimezone(UTC).strftime(STAMP)}")
    candidate, number = base, 1
    while any(Path(f"{candidate}{suffix}").exists() for suffix in DATABASE_FILES):
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def restore_cli(backup: Path, database: Path, clock: Clock) -> tuple[int, str]:
    """`--restore`'s exit status and its one line."""
    try:
        done = restore(backup, database, now=clock.now())
    except RestoreRefused as error:
        return EXIT_REFUSED, f"agora: --restore refused: {error}; the current database is untouched"
    if done.previous is not None:
        kept = f"the previous one is kept as {done.previous}"
    elif done.set_aside:
        left = ", ".join(str(path) for path in done.set_aside)
        kept = f"there was none before, only what SQLite had left beside it, kept as {left}"
    else:
        kept = "there was none before"
    return 0, f"agora: restored {backup} as {done.database}; {kept}"
