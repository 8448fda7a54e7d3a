"""Hazard clocks: events whose rate changes with where the fugitive is.

Random search theory gives the chance of detection by time t as 1 - exp(-∫γ(u)du) for a detection
rate γ (Koopman; docs/sources.md §7). A :class:`HazardClock` realises exactly that: it draws a unit
exponential threshold and fires when the rate integrated since the last firing reaches it. The rate
may change at any moment (the fugitive moves, a source opens or closes); the clock integrates what
has passed and reschedules. Because thresholds come from the clock's own named stream, the same path
of the fugitive produces the same sightings in every organisational setup (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from sim.core.streams import Stream
from sim.model.loop import Timer, call_at


class HazardClock:
    """Fires ``fire()`` each time the integrated rate ``rate_now()`` reaches a fresh Exp(1) draw.

    Call :meth:`update` whenever the rate may have changed.
    """

    __slots__ = (
        "_due",
        "_fire",
        "_need",
        "_pending",
        "_rate",
        "_rate_now",
        "_since",
        "_target",
        "env",
        "stream",
    )

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
        self._since = env._now
        self._pending: Timer | None = None
        self._due = float("inf")  # when the pending timer rings
        self._target = float("inf")  # when the integrated rate reaches the threshold

    def update(self) -> None:
        """Account for the hazard accrued so far and reschedule at the current rate.

        A timer already pending that rings no later than the new firing time is kept: when it
        rings early (the rate fell meanwhile) it only sets a timer for the firing time. So a
        fugitive who goes indoors and out again leaves no trail of dead timers in the queue.
        """
        now = self.env._now
        self._need = max(self._need - self._rate * (now - self._since), 0.0)
        self._since = now
        self._rate = rate = self._rate_now()
        self._target = now + self._need / rate if rate > 0 else float("inf")
        if rate <= 0 or (self._pending is not None and self._due <= self._target):
            return  # a pending timer, if any, rings early and finds nothing due yet
        self._set(self._target)

    def _set(self, at: float) -> None:
        self._pending, self._due = call_at(self.env, at - self.env._now, self._ring), at

    def _ring(self, event: Timer) -> None:
        if event is not self._pending:
            return  # superseded by an earlier timer
        due = self._due
        self._pending, self._due = None, float("inf")
        if self._target == float("inf"):
            return  # the rate fell to zero: nothing is due until it rises again
        if self._target > due:  # rang early: the rate fell since it was set
            self._set(self._target)
            return
        self._need = self.stream.exp1()
        self._since = self.env._now
        self._fire()
        self.update()
