"""The activity key's file: made once beside the database, readable by its owner only, reused after;
a file that is not a key is refused with its path."""

from __future__ import annotations

import logging
import os
import re
import stat

import pytest

from cogs.pulse.activity.key_file import KeyFileError, key_path, load_or_create
from cogs.pulse.activity.sketch import AuthorKey, AuthorSketch


def test_the_key_lives_beside_the_database_under_its_real_name(tmp_path):
    database = tmp_path / "data" / "agora.db"
    database.parent.mkdir()
    link = tmp_path / "agora-link.db"
    link.symlink_to(database)
    assert key_path(database) == tmp_path / "data" / "agora.db.activity-key"
    assert key_path(link) == key_path(database)  # the same database, the same key


def test_the_key_is_made_once_owner_only_and_reused(tmp_path, caplog):
    path = key_path(tmp_path / "agora.db")
    with caplog.at_level(logging.DEBUG):
        made = load_or_create(path)
    assert path.read_bytes() == made.secret
    assert len(made.secret) == AuthorKey.SIZE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.stat()

    again = load_or_create(path)
    assert again.secret == made.secret
    assert path.stat().st_mtime_ns == written.st_mtime_ns and path.stat().st_ino == written.st_ino
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial file left beside it

    # The same authors, counted before and after a restart, are the same sketch: counted once.
    before, after = AuthorSketch(), AuthorSketch()
    before.add([101, 102], made)
    after.add([101, 102], again)
    assert before == after
    # Its path is logged, never its bytes.
    assert str(path) in caplog.text
    assert made.secret.hex() not in caplog.text and repr(made.secret) not in caplog.text


def test_the_key_is_owner_only_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        path = key_path(tmp_path / "agora.db")
        load_or_create(path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_two_databases_get_two_keys(tmp_path):
    first = load_or_create(key_path(tmp_path / "one.db"))
    second = load_or_create(key_path(tmp_path / "two.db"))
    assert first.secret != second.secret


def test_a_partial_key_left_by_a_crash_is_never_used(tmp_path):
    path = key_path(tmp_path / "agora.db")
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(b"half")
    key = load_or_create(path)
    assert not partial.exists()
    assert path.read_bytes() == key.secret


@pytest.mark.parametrize("content", [b"", b"not a key", bytes(AuthorKey.SIZE + 1)])
def test_a_file_that_is_not_a_key_is_moved_aside_and_a_new_key_made(tmp_path, caplog, content):
    path = key_path(tmp_path / "agora.db")
    path.write_bytes(content)
    key = load_or_create(path)
    assert path.read_bytes() == key.secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.with_name(path.name + ".invalid").read_bytes() == content  # kept for the admin to look at
    assert "moved aside" in caplog.text and str(path) in caplog.text


def test_a_key_that_cannot_be_read_is_refused_naming_it_not_replaced(tmp_path):
    path = key_path(tmp_path / "agora.db")
    path.mkdir()  # anything the key cannot be read from
    with pytest.raises(KeyFileError, match=re.escape(str(path))):
        load_or_create(path)
    assert path.is_dir()
