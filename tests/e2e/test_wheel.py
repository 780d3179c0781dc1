"""The wheel built from this checkout, installed in a fresh venv outside it, runs Agora as `agora-bot`.

Built offline with this venv's setuptools, from a copy of the working tree (a build writes build/
and *.egg-info beside the sources, which must not appear in the shared checkout). The fresh venv
gets the wheel alone; its dependencies come from this venv's site-packages through a path line in
a .pth file, added after the install (pip would otherwise see this venv's editable install of the
same distribution). A path line is not a site folder: the editable install's own .pth hook, which
maps `agora`, `cogs` and `bot` to the checkout, is never run there, so only the installed copy can
be imported; the first test checks it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.process_helpers import (
    bot_env,
    command_line,
    descendants,
    kill_all,
    print_log,
    wait_until_gone,
)

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "agora-community-bot"
# Not copied into the build: what git ignores, and what a running Agora writes under data/.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".env", "*.db", "*.db-*",
    "backups",
)  # fmt: skip


def _why_no_build() -> str | None:
    """Why this venv cannot build a wheel without downloading anything, None when it can."""
    setuptools = importlib.util.find_spec("setuptools")  # found, not imported
    if setuptools is None or setuptools.origin is None:
        return "setuptools is not installed in this venv"
    # setuptools builds wheels on its own from 70.1; before that it needs the `wheel` package.
    if (Path(setuptools.origin).parent / "command" / "bdist_wheel.py").is_file():
        return None
    if importlib.util.find_spec("wheel") is not None:
        return None
    return "this venv's setuptools is older than 70.1 and `wheel` is missing (a test extra: run make test)"


pytestmark = pytest.mark.skipif(
    _why_no_build() is not None, reason=f"cannot build the wheel offline: {_why_no_build()}"
)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    site_packages: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def version(self) -> str:
        # agora_community_bot-0.1.0-py3-none-any.whl
        return self.wheel.name.split("-")[1]


def _run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 — pip, venv and the installed interpreter, on our own files
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _outside_checkout(path: Path) -> Path:
    assert not path.resolve().is_relative_to(ROOT), f"{path} is inside the checkout"
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = _outside_checkout(tmp_path_factory.mktemp("wheel"))
    sources, wheels, venv = base / "sources", base / "wheels", base / "venv"
    shutil.copytree(ROOT, sources, ignore=NOT_SOURCES)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(
        *pip, "wheel", "--no-deps", "--no-index", "--no-build-isolation", "--check-build-dependencies",
        "--wheel-dir", wheels, sources,  # an absolute path: a bare name would be looked up on the index
    )  # fmt: skip
    (wheel,) = wheels.glob("*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel)
    site_packages = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "test-dependencies.pth").write_text("".join(f"{path}\n" for path in sorted(ours)))
    return Installed(wheel=wheel, venv=venv, site_packages=site_packages)


def _clean_env(home: Path) -> dict[str, str]:
    # No PYTHONPATH nor anything else of the test process: only what the installed venv holds counts.
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}


WHERE_FROM = """
import json
from importlib import metadata
import agora, agora.resources, bot, cogs
print(json.dumps({
    "agora": agora.__file__,
    "cogs": cogs.__file__,
    "bot": bot.__file__,
    "metadata": str(metadata.distribution("agora-community-bot").locate_file("")),
    "version": agora.resources.version(),
    "data": str(agora.resources.data_folder()),
}))
"""


def _modules(folder: Path) -> set[Path]:
    return {path.relative_to(folder) for path in folder.rglob("*.py") if "__pycache__" not in path.parts}


def test_the_installed_copy_is_imported_not_the_checkout(installed: Installed, tmp_path: Path):
    found = json.loads(_run(installed.python, "-c", WHERE_FROM, cwd=tmp_path, env=_clean_env(tmp_path)))
    for name in ("agora", "cogs", "bot", "metadata", "data"):
        assert Path(found[name]).resolve().is_relative_to(installed.site_packages.resolve()), (name, found)
    assert found["version"] == installed.version
    # Every module of the checkout is in the wheel (with the editable hook visible, a missing
    # subpackage would have been found in the checkout and this test would have proved nothing).
    for top in ("agora", "cogs"):
        assert _modules(installed.site_packages / top) == _modules(ROOT / top)
    data = Path(found["data"])
    for folder in ("locales", "migrations", "polls"):
        packaged = sorted(path.name for path in (data / folder).iterdir() if path.is_file())
        assert packaged == sorted(path.name for path in (ROOT / "data" / folder).iterdir() if path.is_file())


PARSE_IN_A_WORKER = """
import asyncio
from cogs.feeds.pool import FeedParserPool

FEED = b'''<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le blog</title><link>https://blog.example.ch/</link>
<item><title>Premier article</title><link>https://blog.example.ch/1</link><guid>1</guid></item>
</channel></rss>'''

async def main():
    pool = FeedParserPool(environment={}, workers=1)
    try:
        parsed = await pool.parse(FEED, "https://blog.example.ch/feed/")
    finally:
        await pool.close()
    print(parsed.title, [entry.title for entry in parsed.entries])

asyncio.run(main())
"""


def test_the_feed_parser_workers_start_from_the_installed_copy(installed: Installed, tmp_path: Path):
    # The pool starts `python -m cogs.feeds.parse_worker` in the folder holding `cogs`: site-packages.
    printed = _run(installed.python, "-c", PARSE_IN_A_WORKER, cwd=tmp_path, env=_clean_env(tmp_path))
    assert printed.strip() == "Le blog ['Premier article']"


async def test_agora_bot_starts_migrates_answers_about_and_stops_cleanly(
    installed: Installed, fake, tmp_path
):
    work = _outside_checkout(tmp_path / "work")
    work.mkdir()
    env = bot_env(fake, work)
    # The default database path, `data/agora.db`, is relative to where the command runs.
    del env["AGORA_DATABASE"]
    with (work / "bot.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            installed.venv / "bin" / "agora-bot",
            cwd=work,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    children: set[tuple[int, int]] = set()
    try:
        await fake.wait_for_commands(timeout=30)
        await fake.wait_until_ready(timeout=30)
        assert str(installed.venv / "bin" / "agora-bot") in command_line(process.pid)

        database = work / "data" / "agora.db"
        migrations = sorted((ROOT / "data" / "migrations").glob("*.sql"))
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            assert connection.execute("PRAGMA user_version").fetchone()[0] == len(migrations)

        interaction = await fake.run_command("alice", "about", locale="en-US")
        await interaction.response(timeout=10)
        assert interaction.is_ephemeral
        (embed,) = interaction.embeds
        fields = {field["name"]: field["value"] for field in embed["fields"]}
        assert fields["Version"] == installed.version

        children = descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0
        await fake.wait_until_disconnected()
        assert await wait_until_gone(children) == set()
    except BaseException:
        print_log(work)
        raise
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        kill_all(children)
