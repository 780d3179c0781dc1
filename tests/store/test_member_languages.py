"""The language each member reads, remembered from their interactions on a real migrated file: first
interactions arriving together are written in one transaction, a member's last language wins, and a
write that failed is tried again at the member's next interaction."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager

import pytest

from agora.database import Database
from cogs.events.answer_store import AnswerStore


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@asynccontextmanager
async def counting_transactions(database: Database, monkeypatch: pytest.MonkeyPatch):
    begun: list[int] = []
    transaction = database.transaction

    @asynccontextmanager
    async def counted():
        begun.append(1)
        async with transaction() as connection:
            yield connection

    monkeypatch.setattr(database, "transaction", counted)
    yield begun
    monkeypatch.setattr(database, "transaction", transaction)


async def test_first_interactions_arriving_together_are_written_in_one_transaction(database, monkeypatch):
    store = AnswerStore(database)
    members = range(1, 201)
    async with counting_transactions(database, monkeypatch) as begun:
        await asyncio.gather(*(store.remember_language(m, "en" if m % 2 else "fr") for m in members))
        assert len(begun) == 1
        # Known to be stored now: the next interactions write nothing.
        await asyncio.gather(*(store.remember_language(m, "en" if m % 2 else "fr") for m in members))
        assert len(begun) == 1
    assert [await store.language_of(m) for m in (1, 2, 200)] == ["en", "fr", "fr"]


async def test_a_member_s_last_language_wins_within_a_batch(database):
    store = AnswerStore(database)
    await asyncio.gather(store.remember_language(7, "fr"), store.remember_language(7, "en"))
    assert await store.language_of(7) == "en"
    await store.remember_language(7, "fr")
    assert await store.language_of(7) == "fr"


async def test_a_language_whose_write_failed_is_written_at_the_next_interaction(database, monkeypatch):
    store = AnswerStore(database)
    commit = database.writer.commit

    async def failing() -> None:
        monkeypatch.setattr(database.writer, "commit", commit)  # once
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(database.writer, "commit", failing)
    results = await asyncio.gather(
        store.remember_language(1, "en"), store.remember_language(2, "de"), return_exceptions=True
    )
    assert [str(r) for r in results] == ["database or disk is full"] * 2
    assert await store.language_of(1) is None and await store.language_of(2) is None
    await store.remember_language(1, "en")
    assert await store.language_of(1) == "en"
