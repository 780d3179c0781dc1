from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agora.database import Database
from cogs.polls.store import PollStore


@pytest.fixture
async def poll_store(tmp_path: Path) -> AsyncIterator[PollStore]:
    """A PollStore on a fresh, migrated database file."""
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield PollStore(database)
