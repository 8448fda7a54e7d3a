"""The analysts of an agency: a counting resource with a first-come-first-served queue.

It has the discipline of :class:`simpy.Resource` (``capacity`` servers, requests granted in
arrival order) but grants and releases by calling the waiting dossier's continuation directly
instead of scheduling a grant event and a release event in the simpy environment. Profiling showed
simpy's request/release machinery taking about a third of a replication's time on the per-tip path
(every noise tip queues for an analyst); the waits and their order are the same.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

Continue = Callable[[Any], object]


class Desk:
    """``capacity`` analysts; a dossier waits in line until one is free.

    Attributes:
        capacity: number of analysts.
        busy: analysts working on a dossier now.
    """

    __slots__ = ("busy", "capacity", "queue")

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"a desk needs at least one analyst, got {capacity}")
        self.capacity = capacity
        self.busy = 0
        self.queue: deque[tuple[Any, Continue]] = deque()

    def request(self, item: Any, then: Continue) -> None:
        """Ask for an analyst for ``item`` (a dossier); ``then(item)`` runs once one takes it."""
        if self.busy < self.capacity:
            self.busy += 1
            then(item)
        else:
            self.queue.append((item, then))

    def release(self) -> None:
        """An analyst finished a dossier: the next in line (if any) gets them at once."""
        if self.queue:
            item, then = self.queue.popleft()
            then(item)
        else:
            self.busy -= 1

    @property
    def waiting(self) -> int:
        """Dossiers in line."""
        return len(self.queue)
