from datetime import UTC, datetime

from agora.command_sync import CommandSyncStore, tree_hash
from agora.database import Database


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def test_recorded_hash_is_read_back_per_scope(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        store = CommandSyncStore(database, FixedClock())
        assert await store.synced_hash("command_tree:1:global") is None
        await store.record_sync("command_tree:1:global", "abc")
        await store.record_sync("command_tree:1:global", "def")
        await store.record_sync("command_tree:1:42", "xyz")
        assert await store.synced_hash("command_tree:1:global") == "def"
        assert await store.synced_hash("command_tree:1:42") == "xyz"


def test_tree_hash_ignores_key_order_but_not_content():
    assert tree_hash([{"a": 1, "b": 2}]) == tree_hash([{"b": 2, "a": 1}])
    assert tree_hash([{"a": 1}]) != tree_hash([{"a": 2}])
