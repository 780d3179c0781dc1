"""Backups with the real bot: taken while members vote, put back by `bot.py --restore`, shown in /config."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import sqlite3
import sys
from pathlib import Path

from agora import backup as backup_module
from agora.database import Database
from tests.e2e.polls_helpers import create_poll, custom_ids, poll_id, poll_message

ROOT = Path(__file__).resolve().parents[2]


def voters_in(database: Path, poll: int) -> set[int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT user_id FROM poll_votes WHERE poll_id = ?", (poll,)).fetchall()
    return {row[0] for row in rows}


async def run_restore(backup: Path, database: Path, folder: Path) -> tuple[int, str, str]:
    """`python bot.py --restore backup` as an admin would run it, with AGORA_DATABASE and no token."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "--restore",
        str(backup),
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "AGORA_DATABASE": str(database)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def exported_voters(fake, poll: int) -> set[int]:
    export = await fake.run_command("olivia", "poll export", {"poll": str(poll)})
    await export.response(timeout=10)
    rows = list(csv.reader(io.StringIO(export.files[0].data.decode("utf-8-sig"))))
    return {int(row[2]) for row in rows[6:] if row}


async def test_a_backup_taken_during_a_burst_of_votes_holds_every_acknowledged_vote_and_restores(
    agora, fake, clock, tmp_path
):
    members = [await fake.add_member(f"membre{n}") for n in range(60)]
    database = agora.base_settings.database_path
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_poll(fake, anonymous=False)
        message = poll_message(fake)
        poll, buttons = poll_id(message), custom_ids(message)
        await bot.backups.run_now()  # the startup backup is done; the next is due in a day
        clock.advance(days=1)

        first = await asyncio.gather(
            *(fake.click(m, message, buttons[n % 3]) for n, m in enumerate(members[:30]))
        )
        await fake.wait_for(lambda: sum(r.callback is not None for r in first) >= 10, timeout=10)
        acknowledged = {m.id for m, r in zip(members[:30], first, strict=True) if r.callback is not None}
        # The backup starts while the rest of the first wave is in flight and the second wave arrives.
        backup, second = await asyncio.gather(
            bot.backups.run_now(),
            asyncio.gather(*(fake.click(m, message, buttons[n % 3]) for n, m in enumerate(members[30:]))),
        )
        await asyncio.gather(*(r.response(timeout=15) for r in [*first, *second]))
        assert await exported_voters(fake, poll) == {m.id for m in members}

    assert backup is not None and backup.parent == database.parent / "backups"
    with sqlite3.connect(backup) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    in_backup = voters_in(backup, poll)
    assert acknowledged <= in_backup

    status, out, err = await run_restore(backup, database, tmp_path)
    assert status == 0, err
    [line] = out.strip().splitlines()
    assert "before-restore-" in line
    [kept] = database.parent.glob("agora.db.before-restore-*")
    assert kept.name in line
    assert voters_in(kept, poll) == {m.id for m in members}  # the file replaced is kept whole

    async with agora.running():
        await fake.wait_for_commands()
        assert await exported_voters(fake, poll) == in_backup


async def config_backups(fake, locale: str) -> str:
    interaction = await fake.run_command("adam", "config", locale=locale)
    await interaction.response(timeout=10)
    fields = {field["name"]: field["value"] for field in interaction.embeds[0]["fields"]}
    return fields["Sauvegardes" if locale == "fr" else "Backups"]


async def test_config_shows_the_last_backup_its_age_and_warns_when_it_is_older_than_twice_the_interval(
    agora, fake, clock, monkeypatch
):
    # The schedule looks at the clock once an hour here, so only the test moves it on.
    monkeypatch.setattr(backup_module, "TICK", 3600.0)
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await bot.backups.run_now()
        clock.advance(hours=3)
        assert await config_backups(fake, "fr") == (
            "✅ Dernière sauvegarde : `agora-2026-11-28T090000Z.db`, il y a 3 h."
        )
        clock.advance(hours=46)
        assert (await config_backups(fake, "en-US")).splitlines() == [
            "⚠️ Last backup: `agora-2026-11-28T090000Z.db`, 2 d 1 h ago.",
            "⚠️ It is older than twice the interval (1 d): backups are no longer being made.",
        ]


async def test_config_says_when_backups_are_off(agora, fake):
    async with agora.running(backup_interval_seconds=None):
        await fake.wait_for_commands()
        assert await config_backups(fake, "fr") == "Sauvegardes désactivées (AGORA_BACKUP_INTERVAL=off)."
    assert not (agora.base_settings.database_path.parent / "backups").exists()


async def test_a_backup_folder_that_cannot_be_written_is_logged_once_shown_in_config_and_the_bot_goes_on(
    agora, fake, clock, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, logger="agora.backup")
    blocked = tmp_path / "backups-here"
    blocked.write_text("a file where the backup folder should be")  # unwritable, even for root
    async with agora.running(backup_dir=blocked) as bot:
        await fake.wait_for_commands()
        await bot.backups.run_now()
        clock.advance(minutes=30)
        await bot.backups.run_now()  # tried again: not logged again within the interval
        warnings = [r.getMessage() for r in caplog.records if r.name == "agora.backup"]
        assert len(warnings) == 1
        assert str(blocked) in warnings[0]

        report = await config_backups(fake, "en-US")
        assert report.startswith("No backup yet in")
        assert "⚠️ The last attempt failed" in report
        assert str(blocked) in report

        about = await fake.run_command("alice", "about", locale="fr")
        await about.response(timeout=10)
        assert about.embeds[0]["title"] == "Agora"

        clock.advance(days=1)
        await bot.backups.run_now()
        assert len([r for r in caplog.records if r.name == "agora.backup"]) == 2
    assert blocked.read_text() == "a file where the backup folder should be"


async def test_a_backup_dated_in_the_future_does_not_stop_the_backups_and_config_warns_about_it(
    agora, fake, clock, tmp_path, monkeypatch
):
    monkeypatch.setattr(backup_module, "TICK", 3600.0)
    source = tmp_path / "elsewhere" / "agora.db"
    async with Database(source) as elsewhere:
        await elsewhere.migrate()
    # Copied in from a machine whose clock ran a year ahead.
    backup_module.write_backup(source, agora.base_settings.backup_dir, "agora-2027-11-28T090000Z.db")
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await bot.backups.run_now()
        clock.advance(hours=3)
        assert (await config_backups(fake, "en-US")).splitlines() == [
            "✅ Last backup: `agora-2026-11-28T090000Z.db`, 3 h ago.",
            "⚠️ The newest backup, `agora-2027-11-28T090000Z.db`, is dated in the future: the clock was set "
            "back or the file was copied in. Backups go on; check which file you restore.",
        ]
