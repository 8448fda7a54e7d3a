"""The replication's event loop: simpy's own, without the per-event machinery it does not need.

A replication schedules a few hundred events, and most of them only call something back when
their time comes (a false tip arriving, a hazard clock ringing, a message delivered): they never
fail and no process waits on them. :func:`call_at` puts such a timer on simpy's heap as a bare
entry, the way :class:`simpy.Timeout` would put it there (same time, priority and event id, so
the order of events, and every record, is unchanged) but without building an event.
:func:`run_until` is :meth:`simpy.Environment.run` with an event as ``until``, as one loop.

Both read simpy's heap (``Environment._queue``, ``_now``, ``_eid``): the layout every simpy 4
release keeps, and ``tests/test_loop.py`` checks them against simpy's own run.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL


class Timer:
    """A heap entry that only calls back: what simpy's loop reads of an event, and no more.

    Attributes:
        callbacks: what to call when its time comes (simpy sets it to None once called).
    """

    __slots__ = ("_ok", "callbacks")

    def __init__(self, callback: Callable[[Any], object]) -> None:
        self.callbacks: list[Callable[[Any], object]] | None = [callback]
        self._ok = True  # a timer never fails (simpy's loop checks it after the callbacks)


def call_at(env: simpy.Environment, delay: float, callback: Callable[[Any], object]) -> Timer:
    """Call ``callback(timer)`` ``delay`` hours from now, as ``env.timeout(delay)`` would.

    Returns:
        The timer (its callback gets it, to tell a superseded timer from the current one).

    Raises:
        ValueError: the delay is negative (as simpy says for a timeout).
    """
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    timer = Timer(callback)
    queue: list[Any] = env._queue
    heappush(queue, (env._now + delay, NORMAL, next(env._eid), timer))
    return timer


def run_until(env: simpy.Environment, until: simpy.Event) -> None:
    """Process events in order until ``until`` has been processed (``env.run(until=until)``).

    The events processed, their order and simpy's event counter afterwards are those of
    ``env.run(until=until)``; the run cannot be resumed by a later ``env.run``.

    Raises:
        RuntimeError: no event is left and ``until`` was never triggered.
        Exception: a copy of the exception of an event that failed and nobody defused, as
            simpy raises it.
    """
    queue: list[Any] = env._queue
    done: Any = until  # simpy types callbacks as a list; processed, it is None (untyped here)
    while done.callbacks is not None:
        try:
            now, _, _, event = heappop(queue)
        except IndexError:
            raise RuntimeError(
                f'No scheduled events left but "until" event was not triggered: {until}'
            ) from None
        env._now = now
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            failure = event._value
            error = type(failure)(*failure.args)
            error.__cause__ = failure
            raise error
    # simpy's run stops by raising from the until event's last callback, and puts the event back
    # on the heap for a later run: one more event id. Taken here too, so that a record's count
    # of events is what it was under env.run.
    next(env._eid)
