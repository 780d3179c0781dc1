"""Agora's settings: read once from the environment (and a `.env` file) into a frozen object.

This module is the only place that reads environment variables. Every variable is documented in
`.env.example`; a missing or malformed one raises `SettingsError`, which `bot.py` turns into one line
on stderr and exit status 2 before anything connects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

SUPPORTED_LOCALES = ("fr", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDACTED = "••••••"


class SettingsError(Exception):
    """A variable is missing or malformed. The message names it and says what is expected."""

    def __init__(self, variable: str, expected: str) -> None:
        super().__init__(f"{variable}: {expected}")
        self.variable = variable
        self.expected = expected


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

    # Settings a person may see in /config; the token is shown only as redacted.
    SECRET_FIELDS = frozenset({"discord_token"})

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
        )

    def public_view(self) -> list[tuple[str, str]]:
        """The effective settings as (name, value) pairs for display, secrets redacted."""
        shown: list[tuple[str, str]] = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in self.SECRET_FIELDS:
                text = REDACTED
            elif value is None:
                text = "—"
            else:
                text = str(value)
            shown.append((item.name, text))
        return shown


def load_settings(env_file: Path | None = None) -> Settings:
    """Read `.env` (from the working directory unless told otherwise) under the real environment.

    Variables already set in the environment win over the file, as python-dotenv does by default.
    """
    path = env_file if env_file is not None else Path.cwd() / ".env"
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
    return Settings.from_env({**from_file, **os.environ})


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
