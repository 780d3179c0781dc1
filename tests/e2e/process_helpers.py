"""`python bot.py` as a real process against the fake Discord, and what it leaves in /proc.

Its log goes to a file (an unread pipe would fill up and block the bot). Processes are told apart
by (pid, start time): after a SIGKILL a pid may be reused by an unrelated process.
"""

# Readable `timeout=` arguments, as the fake's; a process's end or a log line sends no event, so
# the waits poll /proc or the file, bounded.
# ruff: noqa: ASYNC109, ASYNC110

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

Proc = tuple[int, int]  # (pid, start time in clock ticks since boot)


def bot_env(fake, folder: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "DISCORD_TOKEN": fake.token,
        "AGORA_GUILD_ID": str(fake.guild.id),
        "AGORA_DATABASE": str(folder / "agora.db"),
        "AGORA_DISCORD_API_URL": fake.api_url,
        "AGORA_DISCORD_GATEWAY_URL": fake.gateway_url,
        "AGORA_ORGANISER_ROLE": "Organisateurs",
        "AGORA_LOG_LEVEL": "INFO",
        **extra,
    }


async def start_bot(env: dict[str, str], folder: Path) -> asyncio.subprocess.Process:
    with (folder / "bot.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            cwd=folder,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, None if it does not exist."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def descendants(pid: int) -> set[Proc]:
    """Every live process below `pid` (children, their children…), as (pid, start time)."""
    children: dict[int, list[Proc]] = {}
    for other in _all_pids():
        stat = _stat(other)
        if stat is not None and stat[0] != "Z":
            children.setdefault(stat[1], []).append((other, stat[2]))
    found: set[Proc] = set()
    frontier = [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child[0])
    return found


def is_alive(process: Proc) -> bool:
    """Still running (a zombie has ended: only its exit status is left for its new parent)."""
    stat = _stat(process[0])
    return stat is not None and stat[2] == process[1] and stat[0] != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


async def wait_until_gone(processes: Iterable[Proc], timeout: float = 15) -> set[Proc]:
    """Wait (polling /proc, bounded) until none of `processes` runs; returns those still running."""
    processes = set(processes)
    deadline = time.monotonic() + timeout
    while (alive := {p for p in processes if is_alive(p)}) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return alive


async def wait_for_log(folder: Path, text: str, timeout: float = 30) -> None:
    """Wait (polling the bot's log file, bounded) until a line containing `text` is written."""
    deadline = time.monotonic() + timeout
    log = folder / "bot.log"
    while text not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not logged within {timeout} s:\n{log.read_text()[-3000:]}")
        await asyncio.sleep(0.05)


def print_log(folder: Path) -> None:
    log = folder / "bot.log"
    if log.exists():
        print(f"--- the bot's log ---\n{log.read_text(errors='replace')[-6000:]}")  # noqa: T201


def kill_all(processes: Iterable[Proc]) -> None:
    """Leave the machine clean even when a test fails: nothing of the bot may outlive it."""
    for process in processes:
        if is_alive(process):
            with contextlib.suppress(ProcessLookupError):
                os.kill(process[0], signal.SIGKILL)
