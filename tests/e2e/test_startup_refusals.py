"""`python bot.py` refuses to start, with one clear line and exit status 2, when it cannot work."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment and a working folder without .env: only what the test sets counts.
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(  # noqa: S603 — our own entry point
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_token_exits_2_with_one_line_naming_it(tmp_path):
    result = run_bot(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_malformed_guild_id_exits_2_with_one_line_naming_it(tmp_path):
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_GUILD_ID="le-serveur")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "AGORA_GUILD_ID" in lines[0]
    assert "abc.def.ghi" not in result.stderr


def test_token_from_env_file_in_the_working_folder_is_used(tmp_path):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=abc.def.ghi\nAGORA_LOCALE=klingon\n")
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "AGORA_LOCALE" in result.stderr  # got past the token: the file was read


def test_a_database_newer_than_the_code_stops_the_bot_before_it_connects(tmp_path):
    database = tmp_path / "agora.db"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA user_version = 999")
    result = run_bot(
        tmp_path,
        DISCORD_TOKEN="abc.def.ghi",
        AGORA_DATABASE=str(database),
        # nothing listens here: reaching Discord would be a failure of its own, not this one
        AGORA_DISCORD_API_URL="http://127.0.0.1:9/api/v10",
        AGORA_DISCORD_GATEWAY_URL="ws://127.0.0.1:9/",
    )
    assert result.returncode == 2
    assert "newer" in result.stderr
    assert "Traceback" not in result.stderr
    assert "abc.def.ghi" not in result.stderr


# --- The database: each fault stops the bot before it connects, names AGORA_DATABASE and the path,
# and leaves the file as it was.

NOWHERE = {
    # nothing listens here: reaching Discord would be a failure of its own, not the one under test
    "AGORA_DISCORD_API_URL": "http://127.0.0.1:9/api/v10",
    "AGORA_DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/",
}


def assert_database_refusal(result: subprocess.CompletedProcess[str], path: Path, reason: str) -> None:
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert "AGORA_DATABASE" in lines[0]
    assert str(path) in lines[0]
    assert reason in lines[0]
    assert "Traceback" not in result.stderr
    assert "abc.def.ghi" not in result.stderr


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def make_database(path: Path) -> None:
    """A database as Agora leaves it after a clean stop: migrated, in WAL mode, checkpointed."""
    import asyncio

    from agora.database import Database

    async def create() -> None:
        async with Database(path) as database:
            await database.migrate()

    asyncio.run(create())


def test_a_file_that_is_not_sqlite_stops_the_bot_and_is_left_untouched(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    database = folder / "agora.db"
    database.write_bytes(bytes(range(256)) * 64)
    before = snapshot(folder)
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DATABASE=str(database), **NOWHERE)
    assert_database_refusal(result, database, "not an SQLite database")
    assert snapshot(folder) == before


def test_a_folder_that_cannot_be_created_stops_the_bot(tmp_path):
    (tmp_path / "data").write_text("a file where the folder should be")
    database = tmp_path / "data" / "agora.db"
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DATABASE=str(database), **NOWHERE)
    assert_database_refusal(result, database, "cannot create the folder")
    assert (tmp_path / "data").read_text() == "a file where the folder should be"


def test_a_folder_given_as_the_database_stops_the_bot(tmp_path):
    database = tmp_path / "agora.db"
    database.mkdir()
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DATABASE=str(database), **NOWHERE)
    assert_database_refusal(result, database, "is a folder")


@pytest.fixture
def immutable(tmp_path):
    """Makes a file unwritable even for root (CI runs as root, where chmod alone stops nothing)."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if os.geteuid() != 0:
            path.chmod(0o444)
            return
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)  # noqa: S603, S607
        if done.returncode != 0:
            pytest.skip(f"cannot make a file read-only for root here: {done.stderr!r}")
        made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)  # noqa: S603, S607


def test_a_read_only_database_file_stops_the_bot_and_is_left_untouched(tmp_path, immutable):
    folder = tmp_path / "db"
    folder.mkdir()
    database = folder / "agora.db"
    make_database(database)
    immutable(database)
    before = snapshot(folder)
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DATABASE=str(database), **NOWHERE)
    assert_database_refusal(result, database, "cannot be written")
    assert snapshot(folder) == before


def test_a_database_on_a_read_only_filesystem_stops_the_bot_and_is_left_untouched(tmp_path):
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    folder = tmp_path / "db"
    folder.mkdir()
    database = folder / "agora.db"
    make_database(database)
    before = snapshot(folder)
    # A mount namespace of the bot's own, where the folder is mounted read-only: a read-only
    # filesystem as a full disk image or a read-only volume would give, with no privilege outside.
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && '
        f'exec "{sys.executable}" "{ROOT / "bot.py"}"'
    )
    probe = subprocess.run(
        ["unshare", "--map-root-user", "--mount", "true"], capture_output=True, check=False  # noqa: S607
    )
    if probe.returncode != 0:
        pytest.skip(f"no user and mount namespaces here: {probe.stderr!r}")
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(  # noqa: S603
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script],  # noqa: S607
        cwd=tmp_path,
        env={**base, "DISCORD_TOKEN": "abc.def.ghi", "AGORA_DATABASE": str(database), **NOWHERE},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_database_refusal(result, database, "cannot be written")
    assert snapshot(folder) == before


def test_a_damaged_database_stops_the_bot_and_is_left_untouched(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    database = folder / "agora.db"
    make_database(database)
    # The header stays valid; the pages after it are overwritten, as a bad disk or copy would do.
    content = bytearray(database.read_bytes())
    content[100:] = bytes(len(content) - 100)
    database.write_bytes(bytes(content))
    before = snapshot(folder)
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DATABASE=str(database), **NOWHERE)
    assert_database_refusal(result, database, "damaged")
    assert snapshot(folder) == before
