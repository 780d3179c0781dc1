"""A HyperLogLog sketch of a set of authors: how many distinct people, without knowing which.

Why a sketch: the engagement report asks how many distinct members wrote over a month, a quarter or a
season, in one channel or in all of them. Distinct counts do not add up (someone who wrote on Monday
and on Tuesday is one author, not two), so a count per day cannot answer for a week, and answering
exactly would mean keeping who wrote each day: a member id per channel and day, which Agora refuses to
store. A sketch answers any span and any set of channels by merging the days' sketches, and holds no
id: 1,024 one-byte registers, each the largest "rank" (leading zero bits + 1) seen among the hashes
that fell in it. Its price is an estimate: exact in practice for the few dozen authors of a channel's
day (linear counting on the empty registers), within about 3% (1.04/√1024) in the thousands.

Why a key: with a plain hash, anyone holding the database (or a backup of it) could hash every id they
know (Discord shows the member list to every member, and the database itself holds the ids of those who
voted or registered) and see whose hash lands in a register at that rank: for a channel's day with a
single author, the pair picks out that author among 10,000 members about one time in seven. So the hash
is keyed (blake2b's own keyed mode) with a secret the database never holds (`AuthorKey`; key_file.py
keeps it in a file beside the database, outside it and its backups): without the key, the registers are
ranks tied to no one. The key is not needed to read, merge or estimate, only to add authors; a sketch
made with one key merges correctly only with sketches made with the same key (an author hashed with
two keys counts twice).
"""

from __future__ import annotations

import math
import secrets
import zlib
from collections.abc import Iterable
from hashlib import blake2b

PRECISION = 10
REGISTERS = 1 << PRECISION  # 1,024
_RANK_BITS = 64 - PRECISION
_RANK_MASK = (1 << _RANK_BITS) - 1
# HyperLogLog's bias correction for m registers (Flajolet et al., 2007).
_ALPHA = 0.7213 / (1 + 1.079 / REGISTERS)
# Below this raw estimate, and while some register is still empty, linear counting is the better one.
_SMALL_RANGE = 2.5 * REGISTERS
# 2**-rank for every rank a register can hold, for the harmonic mean of the estimate.
_INVERSE_POWERS = tuple(2.0**-rank for rank in range(_RANK_BITS + 2))
# Up to this many sketches, merging one by one costs less than importing and calling numpy.
_FEW = 8
# Separates these hashes from any other use of blake2b on the same ids.
_PERSON = b"agora.authors"


class AuthorKey:
    """The secret that keys the authors' hashes: `SIZE` random bytes, never shown (not even by repr)."""

    __slots__ = ("_keyed", "_secret")
    SIZE = 32

    def __init__(self, secret: bytes) -> None:
        if len(secret) != self.SIZE:
            raise ValueError(f"an author key has {self.SIZE} bytes, not {len(secret)}")
        self._secret = bytes(secret)
        # Copying a hasher that has taken in the key costs less than keying a new one for each id.
        self._keyed = blake2b(digest_size=8, key=self._secret, person=_PERSON)

    @classmethod
    def generate(cls) -> AuthorKey:
        return cls(secrets.token_bytes(cls.SIZE))

    @property
    def secret(self) -> bytes:
        """For its file only (key_file.py)."""
        return self._secret

    def hash(self, author_id: int) -> int:
        """A 64-bit keyed hash of an author's id: the only thing of the author the sketch ever sees."""
        hasher = self._keyed.copy()
        hasher.update(author_id.to_bytes(8, "little", signed=False))
        return int.from_bytes(hasher.digest(), "little")

    def __repr__(self) -> str:
        return "AuthorKey(…)"


class SketchError(ValueError):
    """Stored bytes that are not a sketch of this precision."""


class AuthorSketch:
    __slots__ = ("_registers",)

    def __init__(self, registers: bytes | bytearray | None = None) -> None:
        if registers is not None and len(registers) != REGISTERS:
            raise SketchError(f"a sketch has {REGISTERS} registers, not {len(registers)}")
        self._registers = bytearray(registers) if registers is not None else bytearray(REGISTERS)

    def add(self, author_ids: Iterable[int], key: AuthorKey) -> None:
        """Adds authors by their keyed hashes; every sketch merged with this one must use the same key."""
        registers = self._registers
        hashed_by = key.hash
        for author_id in author_ids:
            hashed = hashed_by(author_id)
            index = hashed >> _RANK_BITS
            rank = _RANK_BITS - (hashed & _RANK_MASK).bit_length() + 1
            if rank > registers[index]:
                registers[index] = rank

    def copy(self) -> AuthorSketch:
        return AuthorSketch(self._registers)

    def merge(self, other: AuthorSketch) -> None:
        """This sketch becomes the sketch of the union of both sets."""
        # Pure Python (about 50 µs for 1,024 registers) rather than numpy, which the idle bot would
        # otherwise hold in memory from its first flush (tests/unit/test_startup_imports.py).
        self._registers = bytearray(map(max, self._registers, other._registers))

    @classmethod
    def union(cls, sketches: Iterable[AuthorSketch]) -> AuthorSketch:
        """The sketch of the union of many sets at once (a month of days, every channel)."""
        sketches = list(sketches)
        if len(sketches) <= _FEW:
            merged = cls()
            for sketch in sketches:
                merged.merge(sketch)
            return merged
        # A report merges thousands (channels × days): numpy does it in one pass. Imported here only,
        # by the reports, which draw their charts with matplotlib (and so numpy) anyway.
        import numpy as np

        stacked = np.frombuffer(b"".join(sketch._registers for sketch in sketches), dtype=np.uint8)
        return cls(stacked.reshape(len(sketches), REGISTERS).max(axis=0).tobytes())

    def estimate(self) -> int:
        """How many distinct authors were added (to every sketch merged into this one)."""
        registers = self._registers
        empty = registers.count(0)
        if empty == REGISTERS:
            return 0
        raw = _ALPHA * REGISTERS * REGISTERS / sum(map(_INVERSE_POWERS.__getitem__, registers))
        if raw <= _SMALL_RANGE and empty:
            return round(REGISTERS * math.log(REGISTERS / empty))
        return round(raw)

    def to_bytes(self) -> bytes:
        """For the database: a day's few registers set compress to a few dozen bytes."""
        return zlib.compress(bytes(self._registers), level=6)

    @classmethod
    def from_bytes(cls, stored: bytes) -> AuthorSketch:
        try:
            registers = zlib.decompress(stored)
        except zlib.error as error:
            raise SketchError(f"not a compressed sketch ({error})") from error
        return cls(registers)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AuthorSketch) and self._registers == other._registers

    def __hash__(self) -> int:
        return hash(bytes(self._registers))

    def __repr__(self) -> str:
        return f"AuthorSketch(~{self.estimate()} authors)"
