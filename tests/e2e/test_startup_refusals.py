"""`python bot.py` refuses to start, with one clear line and exit status 2, when it cannot work."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

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
