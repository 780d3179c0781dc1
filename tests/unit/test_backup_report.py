"""What /config says of the backups: the last one and its age, a warning when it is old, the last error."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from agora.backup import BackupStatus
from agora.i18n import Catalogue
from cogs.admin.render import backup_report

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
DAY = 24 * 3600
words = Catalogue.load("fr").words("fr")
english = Catalogue.load("fr").words("en")


def status(**values: object) -> BackupStatus:
    return BackupStatus(**{"interval_seconds": DAY, "folder": Path("data/backups"), **values})


def test_off_says_so():
    assert backup_report(status(interval_seconds=None), NOW, english) == (
        "Backups are off (AGORA_BACKUP_INTERVAL=off)."
    )
    assert "désactivées" in backup_report(None, NOW, words)


def test_none_yet_names_the_folder():
    assert backup_report(status(), NOW, english) == "No backup yet in `data/backups`."


def test_a_recent_backup_shows_its_name_and_age():
    report = backup_report(
        status(latest="agora-2026-12-04T090000Z.db", latest_at=NOW - timedelta(hours=3)), NOW, words
    )
    assert report == "✅ Dernière sauvegarde : `agora-2026-12-04T090000Z.db`, il y a 3 h."


def test_a_backup_older_than_twice_the_interval_is_a_warning():
    old = status(latest="agora-2026-12-01T120000Z.db", latest_at=NOW - timedelta(days=2, minutes=1))
    lines = backup_report(old, NOW, english).splitlines()
    assert lines == [
        "⚠️ Last backup: `agora-2026-12-01T120000Z.db`, 2 d 1 min ago.",
        "⚠️ It is older than twice the interval (1 d): backups are no longer being made.",
    ]
    exactly_twice = status(latest="agora-2026-12-02T120000Z.db", latest_at=NOW - timedelta(days=2))
    assert backup_report(exactly_twice, NOW, english).startswith("✅")


def test_the_last_error_is_shown_with_its_path_and_code_stays_code():
    failing = status(error="cannot write a backup in /srv/`x` (it is a file, not a folder)", error_at=NOW)
    lines = backup_report(failing, NOW, english).splitlines()
    assert lines[1] == (
        "⚠️ The last attempt failed 0 s ago: `cannot write a backup in /srv/ʼxʼ (it is a file, not a folder)`"
    )


def test_a_last_backup_dated_in_the_future_is_a_warning_not_a_fresh_backup():
    ahead = status(latest="agora-2027-12-04T120000Z.db", latest_at=NOW + timedelta(days=365))
    lines = backup_report(ahead, NOW, english).splitlines()
    assert lines == [
        "⚠️ The newest backup, `agora-2027-12-04T120000Z.db`, is dated in the future: the clock was set back "
        "or the file was copied in. Backups go on; check which file you restore."
    ]
    assert "✅" not in backup_report(ahead, NOW, words)


def test_a_backup_dated_in_the_future_beside_a_recent_one_is_warned_about():
    recent = status(
        latest="agora-2026-12-04T090000Z.db",
        latest_at=NOW - timedelta(hours=3),
        future="agora-2027-12-04T120000Z.db",
    )
    lines = backup_report(recent, NOW, words).splitlines()
    assert lines[0] == "✅ Dernière sauvegarde : `agora-2026-12-04T090000Z.db`, il y a 3 h."
    assert lines[1].startswith("⚠️ La sauvegarde la plus récente, `agora-2027-12-04T120000Z.db`, est datée")
