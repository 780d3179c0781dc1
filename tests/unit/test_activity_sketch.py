"""The sketch of authors: exact for the few authors of a channel's day, close in the thousands, a merge
that is the sketch of the union, and registers no one can tie to an id without the key."""

from __future__ import annotations

import random
import zlib

import pytest

from cogs.pulse.activity.sketch import REGISTERS, AuthorKey, AuthorSketch, SketchError

# Discord ids as they are: snowflakes of members who joined over the years.
DISCORD_EPOCH_MS = 1_420_070_400_000
# A fixed key, so that the exact counts below are the same on every run.
KEY = AuthorKey(bytes(range(AuthorKey.SIZE)))


def member_ids(count: int, seed: int = 14) -> list[int]:
    rng = random.Random(seed)
    ids: set[int] = set()
    while len(ids) < count:
        joined_ms = rng.randrange(1_500_000_000_000, 1_790_000_000_000)
        ids.add(((joined_ms - DISCORD_EPOCH_MS) << 22) | rng.getrandbits(22))
    return sorted(ids)


def sketch_of(ids: list[int], key: AuthorKey = KEY) -> AuthorSketch:
    sketch = AuthorSketch()
    sketch.add(ids, key)
    return sketch


def test_an_empty_sketch_counts_no_one():
    assert AuthorSketch().estimate() == 0


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 12])
def test_a_few_authors_are_counted_exactly(count):
    assert sketch_of(member_ids(count, seed=count)).estimate() == count


def test_small_counts_are_exact_for_nearly_every_set_of_authors():
    # Linear counting is exact unless two authors share a register: for five authors, about one set
    # in a hundred (10 pairs / 1,024 registers); the error is then one author.
    sets = [member_ids(5, seed=seed) for seed in range(1_000)]
    misses = [abs(sketch_of(ids).estimate() - 5) for ids in sets]
    assert sum(1 for miss in misses if miss) <= 20  # about 10 expected; 20 is over three deviations
    assert max(misses) <= 1


def test_an_author_counts_once_however_often_they_write():
    ids = member_ids(20)
    sketch = sketch_of(ids)
    before = bytes(sketch.to_bytes())
    sketch.add(ids * 10, KEY)
    assert sketch.to_bytes() == before


def test_ten_thousand_authors_are_estimated_within_a_few_percent():
    # The standard error of 1,024 registers is about 3.3%: typical sets land within a few percent, and
    # none far off.
    estimates = [sketch_of(member_ids(10_000, seed=seed)).estimate() for seed in range(10)]
    errors = [abs(estimate - 10_000) / 10_000 for estimate in estimates]
    assert sum(errors) / len(errors) < 0.03
    assert max(errors) < 0.12


def test_a_merge_is_the_sketch_of_the_union():
    ids = member_ids(3_000)
    monday, tuesday = ids[:2_000], ids[1_000:]  # 1,000 authors wrote both days
    merged = sketch_of(monday)
    merged.merge(sketch_of(tuesday))
    assert merged == sketch_of(ids)
    assert abs(merged.estimate() - 3_000) / 3_000 < 0.05


def test_the_union_of_many_sketches_is_their_merge():
    ids = member_ids(500)
    days = [sketch_of(ids[start : start + 50]) for start in range(0, 500, 25)]  # overlapping halves
    assert len(days) > 8  # past the count merged one by one
    assert AuthorSketch.union(days) == sketch_of(ids)
    assert AuthorSketch.union(days[:3]) == sketch_of(ids[:100])
    assert AuthorSketch.union([]) == AuthorSketch()


def test_a_sketch_is_stored_compressed_and_read_back():
    few = sketch_of(member_ids(10))
    stored = few.to_bytes()
    assert len(stored) < 100  # a channel's day costs a few dozen bytes, not 1,024
    assert AuthorSketch.from_bytes(stored) == few
    assert len(zlib.decompress(stored)) == REGISTERS


@pytest.mark.parametrize("stored", [b"", b"not zlib", zlib.compress(b"\x00" * 10)])
def test_bytes_that_are_not_a_sketch_are_refused(stored):
    with pytest.raises(SketchError):
        AuthorSketch.from_bytes(stored)


def test_the_registers_hold_no_author_id():
    ids = member_ids(3)
    registers = zlib.decompress(sketch_of(ids).to_bytes())
    assert max(registers) <= 64 - 10 + 1  # ranks, not ids
    assert not any(i.to_bytes(8, order) in registers for i in ids for order in ("little", "big"))


def test_the_same_authors_give_different_sketches_under_different_keys():
    # Without the key, no one can hash a member's id to the register and rank it would set.
    ids = member_ids(5)
    assert sketch_of(ids, AuthorKey.generate()) != sketch_of(ids, KEY)
    assert sketch_of(ids, AuthorKey.generate()) != sketch_of(ids, AuthorKey.generate())
    assert sketch_of(ids, AuthorKey(KEY.secret)) == sketch_of(ids)


def test_a_single_author_lands_anywhere_under_another_key():
    alice = member_ids(1)
    cells = {
        zlib.decompress(sketch_of(alice, AuthorKey(bytes([n]) * AuthorKey.SIZE)).to_bytes())
        for n in range(50)
    }
    assert len(cells) > 40  # the register and rank an author sets depend on the key, not on the id alone


def test_a_key_is_never_shown_and_has_its_size():
    key = AuthorKey.generate()
    assert key.secret.hex() not in repr(key) and str(key.secret) not in repr(key)
    with pytest.raises(ValueError, match="32 bytes"):
        AuthorKey(b"short")
