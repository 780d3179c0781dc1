"""Measuring processes for the benchmarks: from outside, CPU seconds and memory read from /proc; from
inside the bot's process, the write transactions it begins."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
COUNTS = ("fetched", "not_modified", "unchanged", "parsed", "failed", "posted", "seen")


def _status_kib(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):  # OSError: the process has just exited
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine_cpu() -> float:
    """Busy CPU seconds of the whole machine so far (user, nice, system, irq, softirq, steal)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    return sum(int(value) for i, value in enumerate(fields) if i not in (3, 4)) / TICK


def _children(world: int) -> list[int]:
    """This process's descendants, but the world process."""
    found, todo = [], [os.getpid()]
    while todo:
        for children in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the task has just exited
                kids = [int(kid) for kid in children.read_text().split() if int(kid) != world]
                found += kids
                todo += kids
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children…), parents before their children."""
    found, todo = [], [pid]
    while todo:
        for children in Path(f"/proc/{todo.pop(0)}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the task has just exited
                kids = [int(kid) for kid in children.read_text().split()]
                found += kids
                todo += kids
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes, all their threads, so far."""
    return sum(_cpu(pid) for pid in pids)


def memory_mib(pid: int) -> tuple[float, float | None]:
    """(RSS, PSS) in MiB. PSS shares each page among the processes mapping it: their sum is exact."""
    rss = _status_kib(pid, "VmRSS:") / 1024
    pss = None
    with contextlib.suppress(OSError, ValueError):  # smaps_rollup: Linux 4.14 and later
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    return rss, pss


def reset_peak_rss(pid: int) -> None:
    """Brings a process's peak RSS (the kernel's VmHWM) down to its RSS now: the next peak is new."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mib(pid: int) -> float:
    """A process's peak RSS (VmHWM) in MiB, since it started or since `reset_peak_rss`; 0 once it ended."""
    return _status_kib(pid, "VmHWM:") / 1024


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    return ""


@dataclass
class Row:
    name: str
    seconds: float
    cpu: float  # this process (the bot, or the baseline), all its threads
    workers_cpu: float | None = None  # the parser's worker processes
    server_cpu: float | None = None  # the world process: feed server and fake Discord
    others_cpu: float | None = None  # every other process on the machine: should be about 0
    growth_mib: float | None = None  # this process's peak RSS during the row, minus its RSS before
    peak_mib: float | None = None
    workers_mib: float | None = None  # the sum of each child process's peak RSS: an upper bound
    report: dict[str, int] = field(default_factory=dict)  # the CycleReport, and "seen": posts received


class Probe:
    """Wall time, CPU time and peak RSS of one stretch of work, read from /proc.

    Peak RSS is the kernel's own high-water mark (VmHWM), reset on entry through clear_refs: exact,
    and no sampling thread competing with the bot for the GIL. Child processes (the parser's
    forkserver and workers, multiprocessing's resource tracker) are measured apart from this one.
    """

    def __init__(self, world: int) -> None:
        self.world = world

    def __enter__(self) -> Probe:
        children = _children(self.world)
        for pid in (os.getpid(), *children):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        self.before = {pid: _cpu(pid) for pid in (*children, self.world)}
        self.rss = _status_kib(os.getpid(), "VmRSS:")
        self.machine = _machine_cpu()
        self.start, self.start_cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds, self.cpu = time.perf_counter() - self.start, time.process_time() - self.start_cpu
        self.children = _children(self.world)
        self.after = {pid: _cpu(pid) for pid in (*self.children, self.world)}
        self.machine = _machine_cpu() - self.machine

    def row(self, name: str, **report: int) -> Row:
        def used(pids: list[int]) -> float:
            return sum(self.after[pid] - self.before.get(pid, 0.0) for pid in pids)

        peak = _status_kib(os.getpid(), "VmHWM:")
        workers = sum(_status_kib(pid, "VmHWM:") for pid in self.children) / 1024
        ours = self.cpu + used(self.children) + used([self.world])
        return Row(
            name, self.seconds, self.cpu, used(self.children) or None, used([self.world]),
            max(self.machine - ours, 0.0), (peak - self.rss) / 1024, peak / 1024, workers or None, report,
        )  # fmt: skip


def count_transactions(client: Any) -> Counter[str]:
    """Counts the write transactions Agora begins from now on (every write goes through
    `database.transaction()`), by the module that begins them: read by the "writes" command."""
    begun: Counter[str] = Counter()
    transaction = client.database.transaction

    def counted() -> Any:
        caller = Path(sys._getframe(1).f_code.co_filename)
        begun[str(caller.relative_to(ROOT)) if caller.is_relative_to(ROOT) else caller.name] += 1
        return transaction()

    client.database.transaction = counted  # type: ignore[method-assign]  # the instance's own, counted
    return begun
