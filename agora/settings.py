"""Agora's settings: read once from the environment (and a `.env` file) into a frozen object.

This module is the only place that reads environment variables. Every variable is documented in
`.env.example`; a missing or malformed one raises `SettingsError`, which `bot.py` turns into one line
on stderr and exit status 2 before anything connects.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

SUPPORTED_LOCALES = ("fr", "en")
# What a child process of Agora's (a feed parser worker) needs from the environment to run Python:
# nothing more, so the token and the rest of the settings stay in the bot.
CHILD_ENVIRONMENT = (
    *("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"),
    *("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"),
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDACTED = "••••••"


@dataclass(frozen=True, slots=True)
class WeeklyTime:
    """A time of the week, in AGORA_TIMEZONE: `weekday` 0 is Monday (as `datetime.weekday()`)."""

    weekday: int
    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{WEEKDAYS_EN[self.weekday]} {self.hour:02d}:{self.minute:02d}"


WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WEEKLY_TIME = re.compile(
    r"(?P<day>[^\W\d_]+)\s+(?P<hour>\d{1,2})\s*(?:[:h]\s*(?P<minute>\d{2})?)?", re.IGNORECASE
)


class SettingsError(Exception):
    """A variable is missing or malformed. The message names it and says what is expected."""

    def __init__(self, variable: str, expected: str) -> None:
        super().__init__(f"{variable}: {expected}")
        self.variable = variable
        self.expected = expected


@dataclass(frozen=True, slots=True)
class DeclaredFeed:
    """A feed an admin declared in AGORA_FEEDS:
    `URL #channel [@role] [thread] [include=…] [exclude=…] [mode=instant|digest|review]`."""

    url: str
    channel: str
    role: str | None = None
    thread: bool = False
    include: str = ""
    exclude: str = ""
    mode: str = "instant"  # how its articles reach members (cogs/feeds/model.py FeedMode)


FEED_MODES = ("instant", "digest", "review")


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str = field(repr=False)
    guild_id: int | None = None
    database_path: Path = Path("data/agora.db")
    locale: str = "fr"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Zurich"))
    organiser_role: str | None = None
    organiser_channel: str | None = None
    log_level: str = "INFO"
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    feeds: tuple[DeclaredFeed, ...] = ()
    feed_interval_seconds: int = 15 * 60
    feed_allow_private: bool = False
    event_channel: str | None = None
    event_reminders: tuple[int, ...] = (24 * 3600, 3600)  # seconds before the start, largest first
    feedback_delay_seconds: int = 15 * 60
    feedback_window_seconds: int = 7 * 24 * 3600
    feedback_anonymous: bool = True
    waitlist_hold_seconds: int = 12 * 3600  # how long a place offered from the waitlist is held
    checkin_opens_seconds: int = 30 * 60  # check-in opens this long before an event starts
    attendance_minutes: int = 10  # minutes in a voice or stage event's channel that count as attended
    speaker_min_answers: int = 3  # fewer session ratings: the speaker sees no figures nor comments
    digest_channel: str | None = None  # where the weekly digest goes (name or id); None: nowhere
    digest_at: WeeklyTime | None = field(default_factory=lambda: WeeklyTime(0, 8, 0))  # None: off
    backup_interval_seconds: int | None = 24 * 3600  # None: backups are off
    backup_dir: Path = Path("data/backups")
    backup_keep: int = 7
    child_environment: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    # Settings a person may see in /config; the token is shown only as redacted.
    SECRET_FIELDS = frozenset({"discord_token"})
    # Not settings an admin sets: left out of /config.
    INTERNAL_FIELDS = frozenset({"child_environment"})

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping of environment variables (empty values count as unset)."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        token = get("DISCORD_TOKEN")
        if token is None:
            raise SettingsError(
                "DISCORD_TOKEN",
                "required: the bot token from the Discord developer portal (set it in .env)",
            )
        if any(ch.isspace() for ch in token):
            raise SettingsError("DISCORD_TOKEN", "must be a single word without spaces")

        return cls(
            discord_token=token,
            guild_id=_snowflake("AGORA_GUILD_ID", get("AGORA_GUILD_ID")),
            database_path=Path(get("AGORA_DATABASE") or "data/agora.db"),
            locale=_choice("AGORA_LOCALE", get("AGORA_LOCALE") or "fr", SUPPORTED_LOCALES),
            timezone=_timezone("AGORA_TIMEZONE", get("AGORA_TIMEZONE") or "Europe/Zurich"),
            organiser_role=get("AGORA_ORGANISER_ROLE"),
            organiser_channel=get("AGORA_ORGANISER_CHANNEL"),
            log_level=_choice("AGORA_LOG_LEVEL", (get("AGORA_LOG_LEVEL") or "INFO").upper(), LOG_LEVELS),
            discord_api_url=_url("AGORA_DISCORD_API_URL", get("AGORA_DISCORD_API_URL"), ("http", "https")),
            discord_gateway_url=_url(
                "AGORA_DISCORD_GATEWAY_URL", get("AGORA_DISCORD_GATEWAY_URL"), ("ws", "wss")
            ),
            feeds=_declared_feeds("AGORA_FEEDS", get("AGORA_FEEDS")),
            feed_interval_seconds=_duration("AGORA_FEED_INTERVAL", get("AGORA_FEED_INTERVAL") or "15m", 60),
            feed_allow_private=_flag("AGORA_FEED_ALLOW_PRIVATE", get("AGORA_FEED_ALLOW_PRIVATE") or "0"),
            event_channel=get("AGORA_EVENT_CHANNEL"),
            event_reminders=_reminders("AGORA_EVENT_REMINDERS", get("AGORA_EVENT_REMINDERS") or "24h,1h"),
            feedback_delay_seconds=_duration("AGORA_FEEDBACK_DELAY", get("AGORA_FEEDBACK_DELAY") or "15m", 0),
            feedback_window_seconds=_duration(
                "AGORA_FEEDBACK_WINDOW", get("AGORA_FEEDBACK_WINDOW") or "7d", 3600
            ),
            feedback_anonymous=_flag("AGORA_FEEDBACK_ANONYMOUS", get("AGORA_FEEDBACK_ANONYMOUS") or "1"),
            waitlist_hold_seconds=_duration(
                "AGORA_WAITLIST_HOLD", get("AGORA_WAITLIST_HOLD") or "12h", MIN_WAITLIST_HOLD
            ),
            checkin_opens_seconds=_duration("AGORA_CHECKIN_OPENS", get("AGORA_CHECKIN_OPENS") or "30m", 0),
            attendance_minutes=_positive_int(
                "AGORA_ATTENDANCE_MINUTES", get("AGORA_ATTENDANCE_MINUTES") or "10"
            ),
            speaker_min_answers=_positive_int(
                "AGORA_SPEAKER_MIN_ANSWERS", get("AGORA_SPEAKER_MIN_ANSWERS") or "3"
            ),
            digest_channel=get("AGORA_DIGEST_CHANNEL"),
            digest_at=_weekly_time_or_off("AGORA_DIGEST_AT", get("AGORA_DIGEST_AT") or "monday 08:00"),
            backup_interval_seconds=_interval_or_off(
                "AGORA_BACKUP_INTERVAL", get("AGORA_BACKUP_INTERVAL") or "24h", MIN_BACKUP_INTERVAL
            ),
            backup_dir=Path(get("AGORA_BACKUP_DIR") or "data/backups"),
            backup_keep=_positive_int("AGORA_BACKUP_KEEP", get("AGORA_BACKUP_KEEP") or "7"),
            child_environment=tuple((name, env[name]) for name in CHILD_ENVIRONMENT if env.get(name)),
        )

    def public_view(self) -> list[tuple[str, str]]:
        """The effective settings as (name, value) pairs for display, secrets redacted."""
        shown: list[tuple[str, str]] = []
        for item in fields(self):
            if item.name in self.INTERNAL_FIELDS:
                continue
            value = getattr(self, item.name)
            if item.name in self.SECRET_FIELDS:
                text = REDACTED
            elif item.name in ("backup_interval_seconds", "digest_at") and value is None:
                text = "off"
            elif value is None or value == ():
                text = "—"
            elif item.name == "feeds":
                text = ", ".join(feed.url for feed in value)
            else:
                text = str(value)
            shown.append((item.name, text))
        return shown


def load_settings(env_file: Path | None = None) -> Settings:
    """Read `.env` (from the working directory unless told otherwise) under the real environment.

    Variables already set in the environment win over the file, as python-dotenv does by default.
    """
    return Settings.from_env(_environment(env_file))


def load_database_path(env_file: Path | None = None) -> Path:
    """AGORA_DATABASE alone, read as `load_settings` reads it: `--restore` needs no token."""
    return Path(_environment(env_file).get("AGORA_DATABASE", "").strip() or "data/agora.db")


def _environment(env_file: Path | None) -> dict[str, str]:
    path = env_file if env_file is not None else Path.cwd() / ".env"
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
    return {**from_file, **os.environ}


def _snowflake(variable: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        raise SettingsError(variable, f"expected a Discord id (a number of 15 to 21 digits), got {raw!r}")
    return int(raw)


def _choice(variable: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise SettingsError(variable, f"expected one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _timezone(variable: str, raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            variable, f"expected an IANA time zone such as Europe/Zurich, got {raw!r}"
        ) from None


def _url(variable: str, raw: str | None, schemes: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.netloc:
        raise SettingsError(variable, f"expected a {'/'.join(schemes)} URL, got {raw!r}")
    return raw.rstrip("/") if parts.scheme in ("http", "https") else raw


_DURATION = re.compile(r"^(\d+)\s*(s|m|min|h|d|j)?$")
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "j": 86400, None: 60}
MAX_REMINDER = 30 * 86400


def _duration(variable: str, raw: str, minimum: int) -> int:
    """Seconds from `15m`, `900s`, `1h`, `7d` (or `7j`) or a bare number of minutes."""
    match = _DURATION.match(raw.strip().lower())
    if match is None or int(match.group(1)) * _UNIT_SECONDS[match.group(2)] < minimum:
        raise SettingsError(
            variable, f"expected a duration of at least {minimum} s such as 15m, 900s or 1h, got {raw!r}"
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


MIN_BACKUP_INTERVAL = 60
MIN_WAITLIST_HOLD = 5 * 60  # a member needs a few minutes to see the DM offering a place


def _interval_or_off(variable: str, raw: str, minimum: int) -> int | None:
    """A duration as `_duration` reads it, or `off` for none."""
    if raw.strip().lower() == "off":
        return None
    try:
        return _duration(variable, raw, minimum)
    except SettingsError:
        raise SettingsError(
            variable, f"expected a duration of at least {minimum} s such as 24h or 30m, or off; got {raw!r}"
        ) from None


def _weekly_time_or_off(variable: str, raw: str) -> WeeklyTime | None:
    """`monday 08:00`, `lundi 8h`, `Friday 17h30` → a WeeklyTime; `off` → None. French and English day
    names (any case); the hour 0–23, the minutes 00–59."""
    text = raw.strip()
    if text.lower() in ("off", "none", "aucun", "0"):
        return None
    expected = f"expected a day and a time such as 'monday 08:00' or 'lundi 8h00', or off; got {raw!r}"
    match = _WEEKLY_TIME.fullmatch(text)
    if match is None:
        raise SettingsError(variable, expected)
    day = match["day"].lower()
    if day in WEEKDAYS_EN:
        weekday = WEEKDAYS_EN.index(day)
    elif day in WEEKDAYS_FR:
        weekday = WEEKDAYS_FR.index(day)
    else:
        raise SettingsError(variable, expected)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if hour > 23 or minute > 59:
        raise SettingsError(variable, expected)
    return WeeklyTime(weekday, hour, minute)


def _positive_int(variable: str, raw: str) -> int:
    value = raw.strip()
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise SettingsError(variable, f"expected a whole number of at least 1, got {raw!r}")
    return int(value)


def _reminders(variable: str, raw: str) -> tuple[int, ...]:
    """`24h,1h` → (86400, 3600): distinct, largest first; `none` (or `0`) sends no reminders."""
    if raw.strip().lower() in ("none", "aucun", "0"):
        return ()
    expected = (
        f"expected durations before the start separated by commas, each from 1m to 30d, "
        f"such as 24h,1h (or none), got {raw!r}"
    )
    offsets = set()
    for part in raw.split(","):
        try:
            seconds = _duration(variable, part, 60)
        except SettingsError:
            raise SettingsError(variable, expected) from None
        if seconds > MAX_REMINDER:
            raise SettingsError(variable, expected)
        offsets.add(seconds)
    return tuple(sorted(offsets, reverse=True))


def _flag(variable: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(variable, f"expected 1 or 0, got {raw!r}")


def _declared_feeds(variable: str, raw: str | None) -> tuple[DeclaredFeed, ...]:
    """Feeds separated by `;` or new lines, each
    `URL #channel [@role] [thread] [include=a,b] [exclude=c] [mode=instant|digest|review]`."""
    if raw is None:
        return ()
    feeds = []
    for number, entry in enumerate(re.split(r"[;\n]", raw), start=1):
        words = entry.split()
        if not words:
            continue
        url, options = words[0], words[1:]
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise SettingsError(variable, f"feed {number}: expected an http(s) URL first, got {url!r}")
        values: dict[str, Any] = {}
        for word in options:
            if word.startswith("#") and len(word) > 1:
                values["channel"] = word[1:]
            elif word.startswith("@") and len(word) > 1:
                values["role"] = word[1:]
            elif word == "thread":
                values["thread"] = True
            elif word.startswith(("include=", "exclude=")):
                key, _, keywords = word.partition("=")
                values[key] = keywords.replace("_", " ")
            elif word.startswith("mode="):
                values["mode"] = word.partition("=")[2].casefold()
                if values["mode"] not in FEED_MODES:
                    raise SettingsError(
                        variable, f"feed {number}: mode must be instant, digest or review, got {word!r}"
                    )
            else:
                raise SettingsError(
                    variable,
                    f"feed {number}: unknown option {word!r} "
                    "(#channel, @role, thread, include=, exclude=, mode=)",
                )
        if "channel" not in values:
            raise SettingsError(variable, f"feed {number}: name its channel, e.g. {url} #blog")
        feeds.append(DeclaredFeed(url=url, **values))
    return tuple(feeds)
