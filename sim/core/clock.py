"""The calendar: from model hours to wall-clock time, and working hours.

The model counts float hours since the scenario's ``start`` (a local Brussels date-time). Office
hours, the night rule and the story of a replication need the hour of day and the weekday; this
module is the one place that converts. Public holidays and daylight-saving shifts are ignored (an
assumption: both move the clock by at most an hour on a handful of days).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

WEEK_HOURS = 168.0
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Calendar:
    """Maps model time (hours since start) to wall-clock time."""

    start: datetime

    def __reduce__(self) -> tuple[type[Calendar], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return Calendar, (self.start,)

    @property
    def week_offset(self) -> float:
        """Hours from Monday 00:00 of the start week to the start."""
        s = self.start
        return s.weekday() * 24 + s.hour + s.minute / 60 + s.second / 3600

    def to_datetime(self, t: float) -> datetime:
        """Wall-clock date-time at model time ``t``."""
        return self.start + timedelta(hours=t)

    def to_hours(self, when: datetime) -> float:
        """Model time of a wall-clock date-time (negative before the start)."""
        return (when - self.start).total_seconds() / 3600

    def hour_of_day(self, t: float) -> float:
        """Hour of day (0 <= h < 24) at model time ``t``."""
        return (self.week_offset + t) % 24

    def day_number(self, t: float) -> int:
        """Day of the replication, counting the start day as day 1 (for stories)."""
        return int((self.start.hour + self.start.minute / 60 + t) // 24) + 1

    def describe(self, t: float) -> str:
        """Short readable time, e.g. ``day 2, 21:40``."""
        return f"day {self.day_number(t)}, {self.to_datetime(t):%H:%M}"


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When an office works, as open intervals within the week (hours from Monday 00:00).

    ``wait(t)`` answers how long something arriving at ``t`` waits for the office to open: the
    tip that reaches a zone's office on Friday at 19:00 is read on Monday at 08:00.
    """

    calendar_offset: float
    intervals: tuple[tuple[float, float], ...]  # sorted, non-overlapping, within [0, 168]
    starts: tuple[float, ...] = ()
    # The same as arrays, for waits() (derived: left out of comparisons).
    _starts: np.ndarray = field(
        default_factory=lambda: np.zeros(0), init=False, repr=False, compare=False
    )
    _ends: np.ndarray = field(
        default_factory=lambda: np.zeros(0), init=False, repr=False, compare=False
    )

    def __reduce__(self) -> tuple[type[WorkingHours], tuple[object, ...]]:
        # Rebuilt from its parameters: a compiled (mypyc) frozen class cannot be
        # unpickled field by field, and a pool worker receives it pickled.
        return WorkingHours, (
            self.calendar_offset,
            self.intervals,
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", tuple(a for a, _ in self.intervals))
        object.__setattr__(self, "_starts", np.array(self.starts))
        object.__setattr__(self, "_ends", np.array([b for _, b in self.intervals]))

    @property
    def always(self) -> bool:
        """True for a 24/7 service."""
        return self.intervals == ((0.0, WEEK_HOURS),)

    @classmethod
    def around_the_clock(cls, calendar: Calendar) -> WorkingHours:
        """A service that never closes."""
        return cls(calendar.week_offset, ((0.0, WEEK_HOURS),))

    @classmethod
    def daily(
        cls, calendar: Calendar, days: tuple[int, ...], opens: float, closes: float
    ) -> WorkingHours:
        """Open from ``opens`` to ``closes`` (hours of day) on the given weekdays (0 = Monday).

        A window that closes before it opens runs past midnight into the next day.
        """
        pieces: list[tuple[float, float]] = []
        for day in days:
            a = day * 24 + opens
            b = day * 24 + closes if closes > opens else (day + 1) * 24 + closes
            if b <= WEEK_HOURS:
                pieces.append((a, b))
            else:  # Sunday night into Monday morning wraps round the week
                pieces.extend([(a, WEEK_HOURS), (0.0, b - WEEK_HOURS)])
        return cls(calendar.week_offset, _merge(pieces))

    def wait(self, t: float) -> float:
        """Hours from model time ``t`` until the office is open (0 when it is open now)."""
        intervals = self.intervals
        if not intervals:
            return float("inf")
        w = (self.calendar_offset + t) % WEEK_HOURS
        i = bisect_right(self.starts, w) - 1
        if i >= 0 and w < intervals[i][1]:
            return 0.0
        if i + 1 < len(intervals):
            return intervals[i + 1][0] - w
        return WEEK_HOURS - w + intervals[0][0]

    def waits(self, times: np.ndarray) -> np.ndarray:
        """:meth:`wait` for many model times at once (an array of hours)."""
        if not self.intervals:
            return np.full(len(times), np.inf)
        starts, ends = self._starts, self._ends
        w = (self.calendar_offset + times) % WEEK_HOURS
        i = starts.searchsorted(w, side="right") - 1
        inside = (i >= 0) & (w < ends[np.maximum(i, 0)])
        # the next opening: the following interval this week, or the first one next week
        following = i + 1
        nxt = np.where(
            following < len(starts),
            starts[np.minimum(following, len(starts) - 1)] - w,
            WEEK_HOURS - w + starts[0],
        )
        return np.where(inside, 0.0, nxt)

    def is_open(self, t: float) -> bool:
        """True when the office works at model time ``t``."""
        return self.wait(t) == 0.0


def _merge(pieces: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(pieces):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)
