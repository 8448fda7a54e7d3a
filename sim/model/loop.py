"""The replication's event loop: simpy's own, without the per-event machinery it does not need.

A replication schedules a few hundred events, and most of them only call something back when
their time comes (a false tip arriving, a hazard clock ringing, a message delivered): they never
fail and no process waits on them. :func:`call_at` puts such a timer on simpy's heap as a bare
entry, the way :class:`simpy.Timeout` would put it there (same time, priority and event id, so
the order of events, and every record, is unchanged) but without building an event.
:func:`start` runs a process that only ever waits for time (a tip's visit to an agency, a
search's warrant and preparation) the same way: a generator that yields the hours it waits next,
scheduled exactly as simpy schedules a process and its timeouts, without the events.
:func:`run_until` is :meth:`simpy.Environment.run` with an event as ``until``, as one loop.

Both read simpy's heap (``Environment._queue``, ``_now``, ``_eid``): the layout every simpy 4
release keeps, and ``tests/test_loop.py`` checks them against simpy's own run. The model reads
the clock as ``env._now`` too: ``env.now`` is a Python property, a function call per read in the
compiled build, and a replication reads the clock some 1,400 times.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

#: A process that only ever waits for time: it yields the hours it waits next, and ends.
Waits = Generator[float, None, None]


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


class TimedProcess:
    """A process that only waits for time, driven from the heap as simpy drives a process.

    simpy starts a process with an urgent event at the present moment, puts a timeout on the
    heap for each wait, and schedules the process itself as an event when it ends. This does the
    same with one heap entry (itself, put back for each wait) and takes the ended process's event
    id without the event, which nothing waits on: the same order of events and the same count.
    An exception in the generator is raised at once (simpy would raise it when the failed
    process's event came up, at the same moment).
    """

    __slots__ = ("_again", "_env", "_next", "_ok", "callbacks")

    def __init__(self, env: simpy.Environment, waits: Waits) -> None:
        self._env = env
        self._next = waits.__next__
        self._ok = True  # what simpy's loop checks after the callbacks
        self._again: list[Callable[[Any], object]] = [self._resume]
        self.callbacks: list[Callable[[Any], object]] | None = self._again
        queue: list[Any] = env._queue
        heappush(queue, (env._now, URGENT, next(env._eid), self))

    def _resume(self, _entry: object) -> None:
        env = self._env
        try:
            delay = self._next()
        except StopIteration:
            next(env._eid)  # simpy schedules the ended process as an event: its id is taken
            return
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        self.callbacks = self._again
        queue: list[Any] = env._queue
        heappush(queue, (env._now + delay, NORMAL, next(env._eid), self))


def start(env: simpy.Environment, waits: Waits) -> TimedProcess:
    """Run ``waits`` as a process: ``env.process`` of a generator yielding hours, not timeouts."""
    return TimedProcess(env, waits)


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
