"""`python bot.py` as a real process against the fake Discord: it serves, and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def bot_process(fake, tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": fake.token,
        "AGORA_GUILD_ID": str(fake.guild.id),
        "AGORA_DATABASE": str(tmp_path / "agora.db"),
        "AGORA_DISCORD_API_URL": fake.api_url,
        "AGORA_DISCORD_GATEWAY_URL": fake.gateway_url,
        "AGORA_LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    yield process
    if process.returncode is None:
        process.kill()
        await process.communicate()


async def test_the_bot_process_serves_commands_then_stops_cleanly_on_sigterm(bot_process, fake, tmp_path):
    await fake.wait_for_commands(timeout=30)
    await fake.wait_until_ready(timeout=30)
    interaction = await fake.run_command("alice", "about", locale="fr")
    await interaction.response(timeout=10)
    assert interaction.embeds[0]["title"] == "Agora"

    bot_process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(bot_process.communicate(), timeout=30)
    log = stderr.decode()
    assert bot_process.returncode == 0, log[-2000:]
    await fake.wait_until_disconnected()
    # the database was closed properly: its write-ahead log was checkpointed and removed
    assert not (tmp_path / "agora.db-wal").exists()
    with sqlite3.connect(tmp_path / "agora.db") as connection:
        assert connection.execute("SELECT count(*) FROM bot_state").fetchone()[0] == 1
    # even at DEBUG level, the token never reaches the log
    assert "logging in using static token" in log
    assert fake.token not in log
