"""The activity key's file: the secret that keys the authors' hashes (sketch.py), kept beside the
database and never in it.

Where: `<database>.activity-key`, named after the database's real file (as its lock is, so a symlink
or another spelling of the same database finds the same key): 32 random bytes, readable by its owner
only (0600), made at the first start and read at every start after. Its bytes are never logged.

What it keeps out of reach: Agora's backups (agora/backup.py) copy the database file alone, and
nothing Agora writes into the database comes from the key, so a database or a backup handed to someone
else lets no one recompute whose hash is in a sketch. A restore (agora/restore.py) puts a backup in
place of the database file and leaves the key where it is. Whoever copies the whole data folder copies
the key with it: keep it out of copies of the database you share.

A lost key (the file deleted, or a backup restored on another machine), or a file that is not a key
(moved aside as `….invalid`): a new one is made at the next start. The messages counted are unaffected,
but an author who wrote both before and after the change is counted twice in the distinct authors of
any span that crosses it (the day of the change, and the month, quarter or season holding it), since
their id hashes differently under each key. A key file that cannot be read (its permissions) is not
replaced, which would do the same: the pulse does not load until it is fixed.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cogs.pulse.activity.sketch import AuthorKey

log = logging.getLogger(__name__)

SUFFIX = ".activity-key"
MODE = 0o600
PARTIAL = ".partial"
INVALID = ".invalid"


class KeyFileError(Exception):
    """The key file cannot be read or written; the message names it and why."""


def key_path(database: Path) -> Path:
    real = database.resolve()
    return real.with_name(real.name + SUFFIX)


def load_or_create(path: Path) -> AuthorKey:
    """The key in `path`, made there first if there is none. Called while this Agora holds the
    database's lock, so no other Agora makes one at the same moment."""
    try:
        secret = path.read_bytes()
    except FileNotFoundError:
        return _new_key(path)
    except OSError as error:
        # Not made anew: the key is there, and a new one would count every author twice.
        raise KeyFileError(f"{path}: the activity key cannot be read ({error.strerror or error})") from error
    if len(secret) == AuthorKey.SIZE:
        return AuthorKey(secret)
    # Not a key Agora wrote (it writes them whole): as good as lost. Kept aside for whoever wants to look.
    aside = path.with_name(path.name + INVALID)
    try:
        os.replace(path, aside)
    except OSError as error:
        raise KeyFileError(f"{path}: is not an activity key and cannot be moved aside ({error})") from error
    log.warning(
        "activity: %s held %d bytes, not a key of %d: moved aside as %s and a new key made",
        path,
        len(secret),
        AuthorKey.SIZE,
        aside,
    )
    return _new_key(path)


def _new_key(path: Path) -> AuthorKey:
    key = AuthorKey.generate()
    try:
        _write(path, key.secret)
    except OSError as error:
        reason = error.strerror or error
        raise KeyFileError(f"{path}: the activity key cannot be written ({reason})") from error
    log.info(
        "activity: made a new key for the authors' sketches in %s (an author who wrote before a lost key "
        "and after this one counts twice in the distinct authors of a span holding both)",
        path,
    )
    return key


def _write(path: Path, secret: bytes) -> None:
    """Written whole or not at all: a crash leaves either no key file or a complete one."""
    partial = path.with_name(path.name + PARTIAL)
    partial.unlink(missing_ok=True)  # left by a crash while writing: never used
    # The mode is given at creation, so the secret is never readable by others, not even for a moment.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(secret)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
