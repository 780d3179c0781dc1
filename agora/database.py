"""SQLite access for every feature: connections, `transaction()` and `migrate()`. No feature's SQL.

One writer connection guarded by an `asyncio.Lock`: aiosqlite runs one connection on one thread,
so two coroutines interleaving `BEGIN`s on it would collide. Reads go through a second connection
opened `query_only`, which in WAL mode sees the last committed state without waiting for writers.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from agora.resources import data_folder

log = logging.getLogger(__name__)

MIGRATIONS_FOLDER = data_folder() / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """The database cannot be used as it is; the message says why in plain words."""


class DatabaseInUse(DatabaseError):
    """Another Agora (or a restore) holds the database's lock."""


def lock_path(database: Path) -> Path:
    """Named after the file itself: a symlink or another spelling of the same database shares its lock."""
    real = database.resolve()
    return real.with_name(real.name + ".lock")


def restoring_path(database: Path) -> Path:
    """Where a restore copies its backup before putting it in place (restore.py)."""
    real = database.resolve()
    return real.with_name(f".{real.name}.restoring")


def remove_restore_leftovers(database: Path) -> None:
    """What a restore that crashed left: its copy, and anything SQLite wrote beside it (a journal left
    there would be played back into the next copy). Only while holding the database's lock."""
    incoming = restoring_path(database)
    for suffix in ("", "-journal", "-wal", "-shm"):
        leftover = Path(f"{incoming}{suffix}")
        if leftover.exists():
            leftover.unlink()
            log.info("removed %s, left by a restore that did not finish", leftover)


class DatabaseLock:
    """An exclusive advisory lock on `<database>.lock`, held as long as an Agora or a restore uses the file.

    flock() belongs to the open file, so the system releases it when its process ends, however it
    ends: a crash leaves no stale lock. It is taken on a file of its own rather than on the database:
    on some systems flock() and SQLite's own fcntl() locks on one file exclude each other, and a
    restore renames the database file. The lock file is never deleted, since a process that opened it
    just before would then lock a file no one else can see.
    """

    def __init__(self, descriptor: int) -> None:
        self._descriptor: int | None = descriptor

    @classmethod
    def acquire(cls, database: Path) -> DatabaseLock:
        """Take the lock now or raise `DatabaseInUse`: never wait for another Agora to stop."""
        path = lock_path(database)
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            reason = error.strerror or str(error)
            raise DatabaseError(f"{database}: cannot create its lock file {path} ({reason})") from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            os.close(descriptor)
            raise DatabaseInUse(
                f"{database}: another Agora is running on this database (it holds {path.name}); stop it first"
            ) from error
        except OSError as error:
            os.close(descriptor)
            reason = error.strerror or str(error)
            raise DatabaseError(f"{database}: cannot lock {path} ({reason})") from error
        return cls(descriptor)

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the file releases the lock
            self._descriptor = None


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._lock: DatabaseLock | None = None

    async def open(self) -> None:
        """Open, configure and check the file; a `DatabaseError` naming what is wrong if it cannot serve.

        Each check happens before anything is written, so a file Agora refuses is left as it was. The
        path's checks come first, so a path refused there gets no lock file beside it; the lock comes
        before the first connection, so a second Agora, or one started while a restore has moved the
        file aside, is refused before SQLite can create a database or a -wal.
        """
        self._check_path()
        try:
            self._lock = DatabaseLock.acquire(self.path)
            # isolation_level=None: transactions are ours to begin and end explicitly.
            self._writer = await aiosqlite.connect(self.path, isolation_level=None)
            await self._configure(self._writer)
            await self._writer.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL never corrupts the database and survives a crash of the bot; only a
            # power cut may lose the last commits. It spares an fsync per vote, click and post.
            await self._writer.execute("PRAGMA synchronous = NORMAL")
            self._reader = await aiosqlite.connect(self.path, isolation_level=None)
            await self._configure(self._reader)
            await self._reader.execute("PRAGMA query_only = ON")
            # Reading the schema reads past the header: a damaged file is refused here, in words.
            await self._reader.execute_fetchall("SELECT count(*) FROM sqlite_master")
            try:
                remove_restore_leftovers(self.path)
            except OSError as error:
                # Harmless to this Agora; the next restore tries again before it copies anything.
                log.warning(
                    "cannot remove what a restore left beside %s (%s)", self.path, error.strerror or error
                )
        except sqlite3.Error as error:
            # An open connection's thread would keep the process alive after the refusal.
            await self.close()
            raise DatabaseError(f"{self.path}: {_explain(error)}") from error
        except BaseException:
            await self.close()
            raise

    def _check_path(self) -> None:
        """Refuse, without touching anything, a path that cannot hold Agora's database."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise DatabaseError(f"{self.path}: cannot create the folder {folder} ({reason})") from error
        if self.path.is_dir():
            raise DatabaseError(f"{self.path}: is a folder, not a file")
        try:
            with self.path.open("rb") as file:
                header = file.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return  # a new database, created at the first connection
        except OSError as error:
            raise DatabaseError(f"{self.path}: cannot be read ({error.strerror or error})") from error
        # SQLite would only notice at the first query; an empty file is a database not yet written.
        if header and header != SQLITE_HEADER:
            raise DatabaseError(f"{self.path}: is not an SQLite database (its first bytes say otherwise)")
        # access() also answers for root, who ignores permission bits but not a read-only
        # filesystem or an immutable file. SQLite itself would open such a file read-only in silence
        # and leave -wal and -shm files beside it. The folder must take those two files too.
        for needed in (self.path, folder):
            if not os.access(needed, os.W_OK):
                raise DatabaseError(
                    f"{self.path}: cannot be written ({'the file' if needed == self.path else 'its folder'} "
                    "is read-only); check the permissions, the disk and how it is mounted"
                )

    async def check_writable(self) -> None:
        """Commit one write now: a read-only file or filesystem must stop the bot at startup, not
        answer the first member who votes with an apology. SQLite opens such a file read-only
        without a word, and `BEGIN IMMEDIATE` alone succeeds on it."""
        try:
            async with self.transaction() as connection:
                version = await self.user_version()
                await connection.execute(f"PRAGMA user_version = {int(version)}")
        except sqlite3.Error as error:
            raise DatabaseError(f"{self.path}: {_explain(error)}") from error

    async def close(self) -> None:
        # Taking the lock waits for a transaction in flight, so nothing is cut in half.
        async with self._write_lock:
            reader, writer = self._reader, self._writer
            self._reader = self._writer = None
            for connection in (reader, writer):
                if connection is not None:
                    try:
                        await connection.close()
                    except sqlite3.Error:
                        # Closing a connection to a file that turned out unusable can fail too; its
                        # thread is stopped all the same, and the cause was already reported.
                        log.debug("closing %s failed", self.path, exc_info=True)
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @staticmethod
    async def _configure(connection: aiosqlite.Connection) -> None:
        connection.row_factory = sqlite3.Row
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @property
    def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise DatabaseError("the database is not open")
        return self._writer

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise DatabaseError("the database is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: committed when the block ends, rolled back on any exception."""
        async with self._write_lock:
            connection = self.writer
            try:
                await connection.execute("BEGIN IMMEDIATE")
                yield connection
                await connection.commit()
            except BaseException:
                # Always: a task cancelled while its BEGIN (or a statement) waited in aiosqlite's thread
                # leaves it to run there all the same. The rollback is queued after it, so it undoes it,
                # and the next transaction can begin; without a transaction it does nothing.
                await connection.rollback()
                raise

    async def fetch_all(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        # One hop to aiosqlite's thread instead of three (execute, fetch, close): reads are hot paths.
        return list(await self.reader.execute_fetchall(sql, parameters))

    async def fetch_one(
        self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, parameters)
        return rows[0] if rows else None

    async def user_version(self) -> int:
        async with self.writer.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply pending migrations in order, each atomically with its `user_version`; return them."""
        ordered = check_sequence(list(migrations) if migrations is not None else load_migrations())
        latest = ordered[-1].version if ordered else 0
        applied: list[int] = []
        async with self._write_lock:
            current = await self.user_version()
            if current > latest:
                raise DatabaseError(
                    f"{self.path} is at schema version {current}, newer than this Agora knows "
                    f"({latest}); run a newer Agora or restore a backup"
                )
            for migration in ordered:
                if migration.version <= current:
                    continue
                await self._apply(migration)
                applied.append(migration.version)
                log.info("applied migration %04d_%s", migration.version, migration.name)
        return applied

    async def _apply(self, migration: Migration) -> None:
        # executescript() would commit an open transaction first, so BEGIN goes inside the script:
        # if any statement fails the transaction stays open and is rolled back below.
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await self.writer.executescript(script)
        except sqlite3.Error as error:
            if self.writer.in_transaction:
                await self.writer.rollback()
            raise DatabaseError(
                f"migration {migration.version:04d}_{migration.name} failed ({error}); "
                "the database was left at its previous version"
            ) from error


def _explain(error: sqlite3.Error) -> str:
    """sqlite3's message in words an admin can act on."""
    message = str(error)
    if isinstance(error, sqlite3.OperationalError) and (
        "readonly" in message or "read-only" in message or "unable to open" in message
    ):
        return f"cannot be written ({message}); check the file's and its folder's permissions and disk"
    if "not a database" in message or "malformed" in message:
        return f"is not an SQLite database, or is damaged ({message})"
    return message


def load_migrations(folder: Path = MIGRATIONS_FOLDER) -> list[Migration]:
    migrations = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise DatabaseError(f"{path.name}: migration files are named NNNN_snake_case.sql")
        migrations.append(Migration(int(match.group(1)), path.stem[5:], path.read_text(encoding="utf-8")))
    return migrations


def check_sequence(migrations: list[Migration]) -> list[Migration]:
    """Migrations sorted by version; a gap or a duplicate number is refused."""
    ordered = sorted(migrations, key=lambda m: m.version)
    for expected, migration in enumerate(ordered, start=1):
        if migration.version != expected:
            raise DatabaseError(
                f"migration numbering has a gap or a duplicate: expected {expected:04d}, "
                f"found {migration.version:04d}_{migration.name}"
            )
    return ordered
