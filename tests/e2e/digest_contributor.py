"""A test-only extension: registers the fake contributor of digest_helpers on bot.pulse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.digest_helpers import CONTRIBUTOR

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.pulse.contribute(CONTRIBUTOR)


async def teardown(bot: Agora) -> None:
    bot.pulse.stop_contributing(CONTRIBUTOR)
