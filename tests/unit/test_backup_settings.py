"""AGORA_BACKUP_INTERVAL, AGORA_BACKUP_DIR and AGORA_BACKUP_KEEP: defaults, `off`, and what is refused."""

from pathlib import Path

import pytest

from agora.settings import Settings, SettingsError, load_database_path

TOKEN = "MTIz.fake.token"


def settings(**env: str) -> Settings:
    return Settings.from_env({"DISCORD_TOKEN": TOKEN, **env})


def test_backups_default_to_daily_keeping_seven_in_data_backups():
    defaults = settings()
    assert defaults.backup_interval_seconds == 24 * 3600
    assert defaults.backup_dir == Path("data/backups")
    assert defaults.backup_keep == 7


@pytest.mark.parametrize(("raw", "seconds"), [("12h", 12 * 3600), ("30m", 1800), ("1m", 60), ("2d", 172800)])
def test_the_interval_takes_the_usual_durations(raw, seconds):
    assert settings(AGORA_BACKUP_INTERVAL=raw).backup_interval_seconds == seconds


@pytest.mark.parametrize("raw", ["off", "OFF", " Off "])
def test_off_disables_backups(raw):
    assert settings(AGORA_BACKUP_INTERVAL=raw).backup_interval_seconds is None


@pytest.mark.parametrize("raw", ["daily", "24 hours", "-1h", "30s", "0", "1.5h", "never"])
def test_a_malformed_or_too_short_interval_names_the_variable(raw):
    with pytest.raises(SettingsError) as caught:
        settings(AGORA_BACKUP_INTERVAL=raw)
    assert caught.value.variable == "AGORA_BACKUP_INTERVAL"
    assert "off" in caught.value.expected


@pytest.mark.parametrize("raw", ["0", "-1", "seven", "2.5", "٣"])
def test_keep_must_be_a_whole_number_of_at_least_one(raw):
    with pytest.raises(SettingsError) as caught:
        settings(AGORA_BACKUP_KEEP=raw)
    assert caught.value.variable == "AGORA_BACKUP_KEEP"


def test_keep_and_folder_are_read():
    chosen = settings(AGORA_BACKUP_KEEP="30", AGORA_BACKUP_DIR="/srv/agora/backups")
    assert chosen.backup_keep == 30
    assert chosen.backup_dir == Path("/srv/agora/backups")


def test_config_lists_the_backup_settings_and_shows_off_in_words():
    shown = dict(settings(AGORA_BACKUP_INTERVAL="off").public_view())
    assert shown["backup_interval_seconds"] == "off"
    assert shown["backup_dir"] == "data/backups"
    assert shown["backup_keep"] == "7"


def test_the_database_path_is_read_without_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("AGORA_DATABASE", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("AGORA_DATABASE=/srv/agora/agora.db\n")
    assert load_database_path(env_file) == Path("/srv/agora/agora.db")
    assert load_database_path(tmp_path / "missing.env") == Path("data/agora.db")
    monkeypatch.setenv("AGORA_DATABASE", "elsewhere.db")
    assert load_database_path(env_file) == Path("elsewhere.db")
