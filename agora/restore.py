"""`python bot.py --restore PATH`: put a backup in place of the database, keeping the current one aside.

Run while no Agora runs on the database: it takes the database's lock, as a running Agora does. Every
refusal happens before anything is moved, so a refused restore leaves the current database as it was.
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
from agora.database import SQLITE_HEADER, DatabaseError, DatabaseLock, check_sequence, load_migrations

AGORA_MARKER_TABLE = "bot_state"  # created by the first migration: every Agora database has it
EXIT_REFUSED = 2


class RestoreRefused(Exception):
    """The restore did not happen and the current database is untouched; the message says why."""


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    previous: Path | None  # where the database that was there is kept; None if there was none


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
        return _swap(backup, database, now)
    finally:
        lock.release()


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
            if version < 1 or AGORA_MARKER_TABLE not in tables:
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
    incoming = folder / f".{database.name}.restoring"
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
    previous = _aside_name(database, now) if database.exists() else None
    moved: list[tuple[Path, Path]] = []
    try:
        if previous is not None:
            # The -wal may hold the last commits: it moves with its file, under the matching name.
            for suffix in ("", "-wal", "-shm"):
                current = Path(f"{database}{suffix}")
                if current.exists():
                    current.rename(f"{previous}{suffix}")
                    moved.append((current, Path(f"{previous}{suffix}")))
        os.replace(incoming, database)
    except OSError as error:
        for current, aside in reversed(moved):
            aside.rename(current)
        incoming.unlink(missing_ok=True)
        raise RestoreRefused(f"{database}: cannot be replaced ({error.strerror or error})") from error
    fsync(folder)
    return Restored(database, previous)


def _aside_name(database: Path, now: datetime) -> Path:
    base = database.with_name(f"{database.name}.before-restore-{now.astimezone(UTC).strftime(STAMP)}")
    candidate, number = base, 1
    while any(Path(f"{candidate}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def restore_cli(backup: Path, database: Path, clock: Clock) -> tuple[int, str]:
    """`--restore`'s exit status and its one line."""
    try:
        done = restore(backup, database, now=clock.now())
    except RestoreRefused as error:
        return EXIT_REFUSED, f"agora: --restore refused: {error}; the current database is untouched"
    kept = f"the previous one is kept as {done.previous}" if done.previous else "there was none before"
    return 0, f"agora: restored {backup} as {done.database}; {kept}"
