"""Named random streams: every source of randomness draws from its own reproducible stream.

A stream is identified by (master seed, replication index, name). Its generator is numpy's PCG64,
whose 128-bit state and 128-bit increment are the 32 bytes of a BLAKE2b digest of that triple
(Python's salted ``hash()`` is never used). Consequences the rest of the package relies on:

* the same seed and replication give the same numbers in any process or machine;
* adding a stream (a new tip source, a new channel) leaves every other stream unchanged;
* replication *r* of two different scenarios sees the same numbers in every stream the two share by
  name (common random numbers), so comparing them is a paired comparison.

Why not one ``SeedSequence`` per stream: building one (and a PCG64 from it) costs about 25 µs, and
a replication opens some seventy streams; a keyed hash gives each stream an independent state just
as well for about 1 µs. All streams of a process share one PCG64 object: before each block a
stream loads its initial state into it and, for a refill, advances it past the numbers the stream
has drawn already (PCG64 jumps ahead in a few steps, and a double takes one 64-bit output), so
streams interleave freely (and two replications may even run side by side in one process, in
threads too: a lock keeps a block's load and draw together, since numpy lets go of the
interpreter while it draws; until 2026-12-02 it did not, and replications run in threads, as a
Dask worker with several threads runs them, drew each other's numbers).

Loading a state through numpy's ``state`` setter (a dictionary of two 128-bit integers, checked
and split into words) costs more than drawing 64 numbers. The 32 bytes of a PCG64 state (128-bit
state, then 128-bit increment, little-endian, as numpy keeps them on this machine) are written
straight into the bit generator's memory instead, at the address numpy publishes for low-level use
(``PCG64.ctypes.state_address``). Whether that layout holds is checked once at import, by loading
a state both ways and comparing what follows; where it does not, every load goes through the
setter, with the same numbers.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

import numpy as np

_BLOCK = 64  # first refill; doubles up to _MAX_BLOCK for busy streams
_MAX_BLOCK = 4096

# The one bit generator of this process; a stream's state is loaded into it before each block.
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


def initial_bytes(seed: int, replication: int, name: str) -> bytes:
    """The 32 bytes that start stream ``name``: its PCG64 state, then its (odd) increment.

    Both are 128-bit little-endian integers taken from a keyed BLAKE2b digest of the triple.
    """
    key = f"{seed}:{replication}:{name}".encode()
    digest = bytearray(hashlib.blake2b(key, digest_size=32, person=b"sim.streams").digest())
    digest[16] |= 1  # PCG needs an odd increment (its lowest bit is in the first byte)
    return bytes(digest)


def state_of(raw: bytes) -> dict[str, Any]:
    """The state dictionary numpy's PCG64 takes, for the 32 bytes of :func:`initial_bytes`."""
    return {
        "bit_generator": "PCG64",
        "state": {
            "state": int.from_bytes(raw[:16], "little"),
            "inc": int.from_bytes(raw[16:], "little"),
        },
        "has_uint32": 0,
        "uinteger": 0,
    }


def initial_state(seed: int, replication: int, name: str) -> dict[str, Any]:
    """The PCG64 state that starts stream ``name`` of replication ``replication`` under ``seed``."""
    return state_of(initial_bytes(seed, replication, name))


def _through_setter(raw: bytes) -> None:
    bits: Any = _BITS  # numpy types its state as a TypedDict
    bits.state = state_of(raw)


def _direct_loader() -> Callable[[bytes], None] | None:
    """A loader that writes a state straight into the bit generator; None if it would be wrong.

    ``state_address`` points at numpy's ``pcg64_state``, whose first member points at the
    generator's 32 bytes of state and increment; both lie inside the bit generator object. The
    loader is used only if those addresses are inside it, the bytes there are the state the
    setter loaded, and numbers drawn after a direct load are those drawn after the setter's.
    """
    try:
        inside = range(id(_BITS), id(_BITS) + type(_BITS).__basicsize__)
        address = _BITS.ctypes.state_address
        if address not in inside or address + 8 - 1 not in inside:
            return None
        target = ctypes.c_void_p.from_address(address).value or 0
        if target not in inside or target + 32 - 1 not in inside:
            return None
        probe = initial_bytes(0, 0, "sim.streams: layout probe")
        _through_setter(probe)
        if ctypes.string_at(target, 32) != probe:
            return None
        memmove = ctypes.memmove

        def load(raw: bytes) -> None:
            memmove(target, raw, 32)

        _BITS.advance(3)  # a state with every word in use, and a draw to compare after it
        expected = _DRAW(4).tolist()
        load(probe)
        _BITS.advance(3)
        agrees = _DRAW(4).tolist() == expected
    except (AttributeError, TypeError, ValueError, OSError):  # no ctypes view on this numpy
        return None
    return load if agrees else None


#: Loads a stream's 32 bytes into the bit generator: directly where numpy's layout allows.
_load: Callable[[bytes], None] = _direct_loader() or _through_setter


#: Held from loading a stream's state to the end of its block: threads share the bit generator
#: (a Dask worker runs batches in threads), and numpy lets go of the interpreter while it draws.
_DRAWING = threading.Lock()


def draw_block(raw: bytes, size: int, skip: int = 0) -> np.ndarray:
    """``size`` uniforms in [0, 1) of the stream starting at ``raw``, after its first ``skip``."""
    with _DRAWING:
        _load(raw)
        if skip:
            _BITS.advance(skip)
        return _DRAW(size)


def _floats(block: np.ndarray) -> Iterator[float]:
    """The block's numbers one by one, each made a Python float only when it is reached.

    A view, not a list (``tolist``): most streams draw a few numbers of their first block, and
    the collector has no list of floats to walk at the end of the replication.
    """
    array: Any = block  # numpy's type stubs do not declare arrays as buffers
    view: Any = memoryview(array)
    return iter(view)


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
        raw = initial_bytes(self.seed, self.replication, self.name)
        size, drawn = _BLOCK, 0
        while True:
            block = draw_block(raw, size, drawn)
            drawn += size
            yield from _floats(block)
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

    __slots__ = ("_drawn", "_raw", "name")

    def __init__(self, seed: int, replication: int, name: str) -> None:
        self.name = name
        self._raw = initial_bytes(seed, replication, name)
        self._drawn = 0

    def take(self, size: int) -> np.ndarray:
        """The next ``size`` numbers of the stream."""
        block = draw_block(self._raw, size, self._drawn)
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
