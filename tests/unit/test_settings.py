from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agora.settings import REDACTED, Settings, SettingsError, load_settings

TOKEN = "MTIz.fake.token"


def test_defaults_apply_when_only_the_token_is_set():
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert settings.guild_id is None
    assert settings.database_path == Path("data/agora.db")
    assert settings.locale == "fr"
    assert settings.timezone == ZoneInfo("Europe/Zurich")
    assert settings.log_level == "INFO"
    assert settings.discord_api_url is None


def test_missing_token_names_the_variable():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({})
    assert caught.value.variable == "DISCORD_TOKEN"


def test_blank_token_counts_as_missing():
    with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
        Settings.from_env({"DISCORD_TOKEN": "   "})


@pytest.mark.parametrize("raw", ["abc", "12", "-123456789012345678", "1234567890123456789012"])
def test_malformed_guild_id_is_refused(raw):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_GUILD_ID": raw})
    assert caught.value.variable == "AGORA_GUILD_ID"


def test_guild_id_is_read_as_an_integer():
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_GUILD_ID": "123456789012345678"})
    assert settings.guild_id == 123456789012345678


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("AGORA_LOCALE", "de"),
        ("AGORA_TIMEZONE", "Mars/Olympus"),
        ("AGORA_LOG_LEVEL", "LOUD"),
        ("AGORA_DISCORD_API_URL", "ftp://example.org"),
        ("AGORA_DISCORD_GATEWAY_URL", "http://127.0.0.1:1/"),
    ],
)
def test_malformed_values_name_their_variable(variable, raw):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, variable: raw})
    assert caught.value.variable == variable
    assert raw in str(caught.value)


def test_log_level_is_case_insensitive():
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_public_view_never_shows_the_token():
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_ORGANISER_ROLE": "Organisateurs"})
    view = dict(settings.public_view())
    assert view["discord_token"] == REDACTED
    assert view["organiser_role"] == "Organisateurs"
    assert TOKEN not in repr(settings)
    assert all(TOKEN not in value for value in view.values())


def test_env_file_is_read_and_the_real_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nAGORA_LOCALE=en\nAGORA_LOG_LEVEL=WARNING\n")
    for name in ("DISCORD_TOKEN", "AGORA_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AGORA_LOG_LEVEL", "ERROR")
    settings = load_settings(env_file)
    assert settings.discord_token == TOKEN
    assert settings.locale == "en"
    assert settings.log_level == "ERROR"


def test_declared_feeds_are_read_with_their_options():
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": TOKEN,
            "AGORA_FEEDS": "https://www.e-20.ch/feed/ #blog thread;\n"
            "https://example.org/atom.xml #veille @Veille include=rh,marque_employeur exclude=emploi",
        }
    )
    first, second = settings.feeds
    assert (first.url, first.channel, first.thread, first.role) == (
        "https://www.e-20.ch/feed/",
        "blog",
        True,
        None,
    )
    assert (second.channel, second.role) == ("veille", "Veille")
    assert second.include == "rh,marque employeur"
    assert second.exclude == "emploi"


@pytest.mark.parametrize(
    "raw", ["ftp://x.org/feed #blog", "https://x.org/feed", "https://x.org/feed #blog colour=red"]
)
def test_malformed_declared_feeds_are_refused(raw):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_FEEDS": raw})
    assert caught.value.variable == "AGORA_FEEDS"


@pytest.mark.parametrize(("raw", "seconds"), [("15m", 900), ("900s", 900), ("1h", 3600), ("30", 1800)])
def test_feed_interval_accepts_minutes_seconds_and_hours(raw, seconds):
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_FEED_INTERVAL": raw})
    assert settings.feed_interval_seconds == seconds


@pytest.mark.parametrize("raw", ["10s", "soon", "-5m"])
def test_feed_interval_below_a_minute_or_unreadable_is_refused(raw):
    with pytest.raises(SettingsError, match="AGORA_FEED_INTERVAL"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_FEED_INTERVAL": raw})


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("0", False), ("yes", True)])
def test_allow_private_is_a_flag(raw, expected):
    assert (
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_FEED_ALLOW_PRIVATE": raw}).feed_allow_private
        is expected
    )


def test_allow_private_refuses_other_words():
    with pytest.raises(SettingsError, match="AGORA_FEED_ALLOW_PRIVATE"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_FEED_ALLOW_PRIVATE": "maybe"})


def test_speaker_min_answers_defaults_to_three():
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN}).speaker_min_answers == 3


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("5", 5), (" 12 ", 12)])
def test_speaker_min_answers_is_a_whole_number(raw, expected):
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_SPEAKER_MIN_ANSWERS": raw})
    assert settings.speaker_min_answers == expected


@pytest.mark.parametrize("raw", ["0", "-1", "2.5", "three", "٣"])
def test_speaker_min_answers_below_one_or_unreadable_is_refused(raw):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "AGORA_SPEAKER_MIN_ANSWERS": raw})
    assert caught.value.variable == "AGORA_SPEAKER_MIN_ANSWERS"
    assert raw in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("monday 08:00", "monday 08:00"),
        ("lundi 8h00", "monday 08:00"),
        ("Vendredi 17h30", "friday 17:30"),
        ("SUNDAY 23:59", "sunday 23:59"),
        ("mardi 7h", "tuesday 07:00"),
    ],
)
def test_the_digest_time_reads_french_and_english_days(raw, expected):
    settings = Settings.from_env({"DISCORD_TOKEN": "t", "AGORA_DIGEST_AT": raw})
    assert str(settings.digest_at) == expected


def test_the_digest_is_on_monday_at_eight_unless_told_otherwise_and_can_be_off():
    assert str(Settings.from_env({"DISCORD_TOKEN": "t"}).digest_at) == "monday 08:00"
    assert Settings.from_env({"DISCORD_TOKEN": "t", "AGORA_DIGEST_AT": "off"}).digest_at is None


@pytest.mark.parametrize("raw", ["lundi 25:00", "someday", "monday", "monday 8:60", "funday 08:00", "08:00"])
def test_a_malformed_digest_time_names_the_variable(raw):
    with pytest.raises(SettingsError, match="AGORA_DIGEST_AT"):
        Settings.from_env({"DISCORD_TOKEN": "t", "AGORA_DIGEST_AT": raw})
