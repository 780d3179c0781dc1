"""Agora's entry point and composition root: settings → database → bot → cogs → run. Wiring only.

Run it with `python bot.py` from the project folder (the `.env` there is read).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import pkgutil
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

import cogs
from agora.backup import Backups
from agora.client import Agora
from agora.clock import Clock, SystemClock
from agora.database import Database, DatabaseError
from agora.i18n import Catalogue
from agora.restore import restore_cli
from agora.settings import Settings, SettingsError, load_database_path, load_settings

log = logging.getLogger("agora")

EXIT_CONFIGURATION = 2


class RedactSecrets(logging.Filter):
    """Last line of defence: a secret that slips into a log record is masked before it is written."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


# Loggers whose DEBUG records carry raw payloads: Discord's requests, responses and gateway events
# (members' feedback, DMs) and SQL parameters. Agora's own DEBUG records stay available.
PAYLOAD_LOGGERS = ("discord.http", "discord.gateway", "discord.webhook.async_", "discord.state", "aiosqlite")


def keep_payloads_out_of_logs() -> None:
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:  # NOTSET (0) included: it would inherit DEBUG from the root
            logger.setLevel(logging.INFO)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(RedactSecrets([settings.discord_token]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)


def point_discord_at(settings: Settings) -> None:
    """Send REST and gateway traffic to another Discord (a proxy, or the tests' local fake).

    discord.py has no option for this; `Route.BASE` and the default gateway are class attributes
    read on every request and connection, so this is the one place they are changed.
    """
    if settings.discord_api_url:
        Route.BASE = settings.discord_api_url
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def discover_extensions() -> list[str]:
    """Every feature in `cogs/`: adding a feature is adding a module or package there."""
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


@asynccontextmanager
async def open_agora(
    settings: Settings,
    *,
    clock: Clock | None = None,
    extensions: Sequence[str] | None = None,
    guild_ready_timeout: float = 2.0,
) -> AsyncIterator[Agora]:
    """The bot with its database open and migrated; closed (bot first, then database) on exit."""
    keep_payloads_out_of_logs()
    point_discord_at(settings)
    database = Database(settings.database_path)
    try:
        await database.open()
        # Before migrating: a read-only file would otherwise surface as a failed migration.
        await database.check_writable()
        await database.migrate()
        clock = clock or SystemClock()
        backups = Backups(
            database.path,
            settings.backup_dir,
            keep=settings.backup_keep,
            interval_seconds=settings.backup_interval_seconds,
            clock=clock,
        )
        bot = Agora(
            settings=settings,
            database=database,
            catalogue=Catalogue.load(settings.locale),
            clock=clock,
            backups=backups,
            extensions=discover_extensions() if extensions is None else extensions,
            guild_ready_timeout=guild_ready_timeout,
        )
        # Backups run beside the bot, not through Discord; they stop (their copy finished) first.
        async with bot, backups:
            yield bot
    finally:
        await database.close()


async def run(settings: Settings) -> None:
    async with open_agora(settings) as bot:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            # A graceful close: cogs unload, loops stop, then the database closes after its last write.
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        await bot.start(settings.discord_token)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="agora-bot", description="Run Agora, the community's Discord bot.")
    parser.add_argument(
        "--restore",
        metavar="PATH",
        type=Path,
        help="put this backup in place of AGORA_DATABASE, keep the current database aside, and exit",
    )
    return parser.parse_args(argv)


def restore_database(backup: Path) -> int:
    status, line = restore_cli(backup, load_database_path(), SystemClock())
    print(line, file=sys.stderr if status else sys.stdout)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.restore is not None:
        return restore_database(arguments.restore)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"agora: {error}", file=sys.stderr)  # noqa: T201 — logging is not configured yet
        return EXIT_CONFIGURATION
    configure_logging(settings)
    try:
        asyncio.run(run(settings))
    except DatabaseError as error:
        log.error("AGORA_DATABASE: %s", error)
        return EXIT_CONFIGURATION
    except discord.LoginFailure:
        log.error("DISCORD_TOKEN: Discord refused this token; copy it again from the developer portal")
        return EXIT_CONFIGURATION
    except discord.PrivilegedIntentsRequired:
        log.error("Discord refused a privileged intent; Agora should need none")
        return EXIT_CONFIGURATION
    return 0


if __name__ == "__main__":
    sys.exit(main())
