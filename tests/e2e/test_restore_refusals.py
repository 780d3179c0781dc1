"""`python bot.py --restore PATH` refuses, with one line and exit status 2, leaving the database as it was;
a second Agora on a database in use and bad backup settings stop the bot the same way."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from agora.backup import write_backup
from agora.database import Database, load_migrations

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = {
    # nothing listens here: reaching Discord would be a failure of its own, not the one under test
    "AGORA_DISCORD_API_URL": "http://127.0.0.1:9/api/v10",
    "AGORA_DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/",
}


async def run_bot(folder: Path, *arguments: str, **env: str) -> tuple[int, str, str]:
    # A clean environment and a working folder without .env: only what the test sets counts.
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *arguments,
        cwd=folder,
        env={**base, **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def make_database(path: Path) -> None:
    async def create() -> None:
        async with Database(path) as database:
            await database.migrate()

    asyncio.run(create())


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "agora.db"
    path.parent.mkdir()
    make_database(path)
    return path


@pytest.fixture
def backup(tmp_path: Path, database: Path) -> Path:
    write_backup(database, tmp_path / "backups", "agora-2026-12-04T030000Z.db")
    return tmp_path / "backups" / "agora-2026-12-04T030000Z.db"


def assert_one_line_refusal(result: tuple[int, str, str], *words: str) -> None:
    status, stdout, stderr = result
    assert status == 2, stderr[-2000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-2000:]
    assert all(word in lines[0] for word in words), lines[0]
    assert stdout == ""


async def refuse(tmp_path: Path, database: Path, backup: Path, *words: str) -> None:
    before = snapshot(database.parent)
    result = await run_bot(tmp_path, "--restore", str(backup), AGORA_DATABASE=str(database))
    assert_one_line_refusal(result, "--restore", str(backup), *words)
    assert snapshot(database.parent) == before


async def test_a_missing_backup_is_refused(tmp_path, database):
    await refuse(tmp_path, database, tmp_path / "backups" / "agora-2026-12-04.db", "no such file")


async def test_a_file_that_is_not_sqlite_is_refused(tmp_path, database):
    path = tmp_path / "agora-2026-12-04.db"
    path.write_bytes(bytes(range(256)) * 16)
    await refuse(tmp_path, database, path, "not an SQLite database")


async def test_an_sqlite_file_that_is_not_an_agora_database_is_refused(tmp_path, database):
    path = tmp_path / "carnet.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    await refuse(tmp_path, database, path, "not Agora's")


async def test_a_backup_from_a_newer_agora_is_refused(tmp_path, database, backup):
    with sqlite3.connect(backup) as connection:
        connection.execute(f"PRAGMA user_version = {len(load_migrations()) + 1}")
    await refuse(tmp_path, database, backup, "newer Agora")


async def test_a_restore_while_the_bot_runs_is_refused_and_the_database_is_left_alone(agora, fake, tmp_path):
    database = agora.base_settings.database_path
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await bot.backups.run_now()
        backup = bot.backups.folder / bot.backups.status().latest  # the bot's own, valid backup
        before = (database.read_bytes(), database.stat().st_mtime_ns, database.stat().st_ino)
        result = await run_bot(tmp_path, "--restore", str(backup), AGORA_DATABASE=str(database))
        assert_one_line_refusal(result, "another Agora is running", str(database))
        assert (database.read_bytes(), database.stat().st_mtime_ns, database.stat().st_ino) == before
        assert not list(database.parent.glob("*before-restore*"))
        # The bot that holds it goes on answering.
        about = await fake.run_command("alice", "about", locale="fr")
        await about.response(timeout=10)


async def test_a_second_bot_on_a_database_in_use_exits_2_naming_it(agora, fake, tmp_path):
    database = agora.base_settings.database_path
    async with agora.running():
        await fake.wait_for_commands()
        result = await run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", AGORA_DATABASE=str(database), **NOWHERE)
        assert_one_line_refusal(result, "AGORA_DATABASE", str(database), "another Agora is running")
        assert "abc.def.ghi" not in result[2]


@pytest.mark.parametrize(
    ("variable", "value"),
    [("AGORA_BACKUP_KEEP", "0"), ("AGORA_BACKUP_KEEP", "beaucoup"), ("AGORA_BACKUP_INTERVAL", "souvent")],
)
async def test_bad_backup_settings_stop_the_bot_naming_the_variable(tmp_path, variable, value):
    result = await run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", **{variable: value}, **NOWHERE)
    assert_one_line_refusal(result, variable, repr(value))
    assert not (tmp_path / "data").exists()  # nothing was opened
