"""Named random streams: every source of randomness draws from its own reproducible stream.

A stream is identified by (master seed, replication index, stable hash of its name) and built from
:class:`numpy.random.SeedSequence` with that triple as entropy and spawn key. Consequences the rest
of the package relies on:

* the same seed and replication give the same numbers in any process or machine;
* adding a stream (a new tip source, a new channel) leaves every other stream unchanged;
* replication *r* of two different scenarios sees the same numbers in every stream the two share by
  name (common random numbers), so comparing them is a paired comparison.

Python's built-in ``hash()`` is salted per process and is never used; names are hashed with BLAKE2b.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections.abc import Iterator

import numpy as np

_BLOCK = 64  # first refill; doubles up to _MAX_BLOCK for busy streams
_MAX_BLOCK = 4096


def stable_hash(name: str) -> tuple[int, int]:
    """Hash a stream name into two 32-bit words, identically on every machine and run."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")


def seed_sequence(seed: int, replication: int, name: str) -> np.random.SeedSequence:
    """Return the seed sequence of stream ``name`` in replication ``replication``."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication, *stable_hash(name)))


class Stream:
    """One named stream of uniform numbers in [0, 1), drawn in blocks for speed.

    The generator is built on first use, so registering streams that a replication never needs
    costs almost nothing. Block size does not change the sequence: PCG64 hands out consecutive
    doubles however many are asked for at once. :meth:`uniform` is the ``__next__`` of a Python
    generator over those blocks: the cheapest call Python offers on the per-tip path.
    """

    __slots__ = ("name", "replication", "seed", "uniform")

    def __init__(self, seed: int, replication: int, name: str) -> None:
        self.seed = seed
        self.replication = replication
        self.name = name
        self.uniform = self._numbers().__next__

    def _numbers(self) -> Iterator[float]:
        bits = np.random.PCG64(seed_sequence(self.seed, self.replication, self.name))
        draw = np.random.Generator(bits).random
        block = _BLOCK
        while True:
            yield from draw(block).tolist()
            block = min(block * 2, _MAX_BLOCK)

    def chance(self, probability: float) -> bool:
        """Return True with the given probability (always consumes one number)."""
        return self.uniform() < probability

    def exp1(self) -> float:
        """Return a unit-mean exponential variate (an integrated-hazard threshold)."""
        return -math.log1p(-self.uniform())

    def pick(self, cumulative: tuple[float, ...] | list[float]) -> int:
        """Return an index drawn by inverting normalised cumulative weights."""
        index = bisect_right(cumulative, self.uniform())
        return index if index < len(cumulative) else len(cumulative) - 1


class Streams:
    """The registry of named streams of one replication.

    Each name may be taken once per replication: two components drawing from one stream would
    couple them silently and break the promise that adding a stream shifts nothing else.
    """

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        if replication < 0:
            raise ValueError(f"replication must be >= 0, got {replication}")
        self.seed = seed
        self.replication = replication
        self._taken: dict[str, Stream] = {}

    def stream(self, name: str) -> Stream:
        """Register and return the stream called ``name``.

        Raises:
            ValueError: the name is already taken in this replication.
        """
        if name in self._taken:
            raise ValueError(f"random stream {name!r} is already in use in this replication")
        stream = Stream(self.seed, self.replication, name)
        self._taken[name] = stream
        return stream

    @property
    def names(self) -> list[str]:
        """Names of the streams registered so far."""
        return list(self._taken)
