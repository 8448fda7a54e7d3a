"""Hazard clocks: events whose rate changes with where the fugitive is.

Random search theory gives the chance of detection by time t as 1 - exp(-∫γ(u)du) for a detection
rate γ (Koopman; FACTS.md §7). A :class:`HazardClock` realises exactly that: it draws a unit
exponential threshold and fires when the rate integrated since the last firing reaches it. The rate
may change at any moment (the fugitive moves, a source opens or closes); the clock integrates what
has passed and reschedules. Because thresholds come from the clock's own named stream, the same path
of the fugitive produces the same sightings in every organisational setup (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from sim.core.streams import Stream


class HazardClock:
    """Fires ``fire()`` each time the integrated rate ``rate_now()`` reaches a fresh Exp(1) draw.

    Call :meth:`update` whenever the rate may have changed.
    """

    __slots__ = ("_fire", "_need", "_pending", "_rate", "_rate_now", "_since", "env", "stream")

    def __init__(
        self,
        env: simpy.Environment,
        stream: Stream,
        rate_now: Callable[[], float],
        fire: Callable[[], None],
    ) -> None:
        self.env = env
        self.stream = stream
        self._rate_now = rate_now
        self._fire = fire
        self._need = stream.exp1()
        self._rate = 0.0
        self._since = env.now
        self._pending: simpy.Event | None = None

    def update(self) -> None:
        """Account for the hazard accrued so far and reschedule at the current rate."""
        now = self.env.now
        self._need = max(self._need - self._rate * (now - self._since), 0.0)
        self._since = now
        self._rate = rate = self._rate_now()
        if rate > 0:
            pending = self.env.timeout(self._need / rate)
            pending.callbacks.append(self._ring)
            self._pending = pending
        else:
            self._pending = None

    def _ring(self, event: simpy.Event) -> None:
        if event is not self._pending:
            return  # the rate changed since this firing was scheduled
        self._need = self.stream.exp1()
        self._since = self.env.now
        self._fire()
        self.update()
