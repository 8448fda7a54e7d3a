"""Named random streams: every source of randomness draws from its own reproducible stream.

A stream is identified by (master seed, replication index, name). Its generator is numpy's PCG64,
whose 128-bit state and 128-bit increment are the 32 bytes of a BLAKE2b digest of that triple
(Python's salted ``hash()`` is never used). Consequences the rest of the package relies on:

* the same seed and replication give the same numbers in any process or machine;
* adding a stream (a new tip source, a new channel) leaves every other stream unchanged;
* replication *r* of two different scenarios sees the same numbers in every stream the two share by
  name (common random numbers), so comparing them is a paired comparison.

Why not one ``SeedSequence`` per stream: building one (and a PCG64 from it) costs about 25 µs, and
a replication opens some forty streams; a keyed hash gives each stream an independent state just
as well for about 2 µs. All streams of a process share one PCG64 object: before each block a
stream loads its initial state into it and, for a refill, advances it past the numbers the stream
has drawn already (PCG64 jumps ahead in a few steps, and a double takes one 64-bit output), so
streams interleave freely (and two replications may even run side by side in one process).
Reading the state back after each block, as the streams did until 2026-12-02, cost more than
drawing the block; most streams never need a second one.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

import numpy as np

_BLOCK = 64  # first refill; doubles up to _MAX_BLOCK for busy streams
_MAX_BLOCK = 4096

# The one bit generator of this process; its state is loaded from a stream before each block.
_BITS = np.random.PCG64(0)
_DRAW = np.random.Generator(_BITS).random


def stable_hash(name: str) -> tuple[int, int]:
    """Hash a stream name into two 32-bit words, identically on every machine and run."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")


def seed_sequence(seed: int, replication: int, name: str) -> np.random.SeedSequence:
    """A ``SeedSequence`` for randomness outside a replication's streams (an experiment design).

    Keyed like a stream by (seed, replication, stable hash of the name), so it is reproducible
    on every machine and independent of every stream.
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication, *stable_hash(name)))


def initial_state(seed: int, replication: int, name: str) -> dict[str, Any]:
    """The PCG64 state that starts stream ``name`` of replication ``replication`` under ``seed``."""
    key = f"{seed}:{replication}:{name}".encode()
    digest = hashlib.blake2b(key, digest_size=32, person=b"sim.streams").digest()
    state = int.from_bytes(digest[:16], "little")
    increment = int.from_bytes(digest[16:], "little") | 1  # PCG needs an odd increment
    return {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": increment},
        "has_uint32": 0,
        "uinteger": 0,
    }


def draw_block(state: dict[str, Any], size: int, skip: int = 0) -> np.ndarray:
    """``size`` uniforms in [0, 1) of the stream starting at ``state``, after its first ``skip``."""
    bits: Any = _BITS  # numpy types its state as a TypedDict; a stream keeps it as a plain dict
    bits.state = state
    if skip:
        bits.advance(skip)
    return _DRAW(size)


class Stream:
    """One named stream of uniform numbers in [0, 1), drawn in blocks for speed.

    Block size does not change the sequence: PCG64 hands out consecutive doubles however many are
    asked for at once, so :meth:`uniform` (one number) and :meth:`block` (many, as an array) may be
    mixed freely. :meth:`uniform` is the ``__next__`` of a Python generator over those blocks: the
    cheapest call Python offers on the per-tip path. Nothing is computed until the first draw.
    """

    __slots__ = ("_next", "name", "replication", "seed", "uniform")

    def __init__(self, seed: int, replication: int, name: str) -> None:
        self.seed = seed
        self.replication = replication
        self.name = name
        self._next: Callable[[], float] | None = None
        # A stream that is never drawn from costs next to nothing: the generator is made at the
        # first draw, which then puts its ``__next__`` in place of this method.
        self.uniform: Callable[[], float] = self._first

    def _first(self) -> float:
        if self._next is None:
            self._next = self._numbers().__next__
            self.uniform = self._next
        return self._next()

    def _numbers(self) -> Iterator[float]:
        state = initial_state(self.seed, self.replication, self.name)
        size, drawn = _BLOCK, 0
        while True:
            block = draw_block(state, size, drawn)
            drawn += size
            yield from block.tolist()
            size = min(size * 2, _MAX_BLOCK)

    def block(self, size: int) -> np.ndarray:
        """The next ``size`` numbers of the stream as an array (what ``uniform`` would give)."""
        return np.fromiter(islice(iter(self.uniform, None), size), dtype=float, count=size)

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


class BlockStream:
    """A named stream drawn only in blocks (arrays), for sources that draw many numbers at once.

    It gives exactly the numbers a :class:`Stream` of the same name would, without the per-number
    buffering: the noise sources draw a whole window's tips in a few arrays.
    """

    __slots__ = ("_drawn", "_state", "name")

    def __init__(self, seed: int, replication: int, name: str) -> None:
        self.name = name
        self._state = initial_state(seed, replication, name)
        self._drawn = 0

    def take(self, size: int) -> np.ndarray:
        """The next ``size`` numbers of the stream."""
        block = draw_block(self._state, size, self._drawn)
        self._drawn += size
        return block


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
        self._taken: dict[str, Stream | BlockStream] = {}

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

    def blocks(self, name: str) -> BlockStream:
        """Register and return the stream called ``name``, drawn in blocks only.

        Raises:
            ValueError: the name is already taken in this replication.
        """
        if name in self._taken:
            raise ValueError(f"random stream {name!r} is already in use in this replication")
        stream = BlockStream(self.seed, self.replication, name)
        self._taken[name] = stream
        return stream

    @property
    def names(self) -> list[str]:
        """Names of the streams registered so far."""
        return list(self._taken)
