"""Summaries of replay arms: the capture day beside history, the night search, the border check.

Every arm of a replay is run on the same replications (common random numbers), so differences
between arms are read replication by replication: the paired difference in capture probability,
and how many replications change outcome when a rule changes.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from sim.experiments.stats import paired_difference, survival_curve, wilson_interval
from sim.validation.replay import REAL_ARREST, ReplayRun

#: The replay starts at the Paris attacks (13 Nov 2015 22:00).
START = datetime(2015, 11, 13, 22, 0)

#: The search of the Forest flat (15 Mar 2016 ~14:15, docs/sources.md §4), in days from the start.
FOREST_SEARCH_DAY = (datetime(2016, 3, 15, 14, 15) - START).total_seconds() / 86400

#: The dated tip that leads to the Forest search (15 Mar 2016 07:00, an assumption of the replay).
FOREST_TIP_DAY = (datetime(2016, 3, 15, 7, 0) - START).total_seconds() / 86400

#: The real arrest in days from the start (125.77: "day 126").
REAL_DAY = (REAL_ARREST - START).total_seconds() / 86400


@dataclass(frozen=True)
class Share:
    """A count out of n with its Wilson 95 % interval."""

    count: int
    n: int

    @property
    def value(self) -> float:
        """The proportion."""
        return self.count / self.n if self.n else math.nan

    @property
    def ci(self) -> tuple[float, float]:
        """Wilson 95 % interval."""
        return wilson_interval(self.count, self.n) if self.n else (math.nan, math.nan)

    def text(self) -> str:
        """``0.812 [0.787, 0.835]``."""
        low, high = self.ci
        return f"{self.value:.3f} [{low:.3f}, {high:.3f}]"


def share(flags: list[bool]) -> Share:
    """How many of ``flags`` are true."""
    return Share(sum(flags), len(flags))


@dataclass(frozen=True)
class ArmSummary:
    """One arm of a replay over its replications.

    Attributes:
        label: the arm ("2015 rules", "no night rule", "2016 reforms").
        runs: replications.
        captured: captured within the horizon (126 days).
        before_real: captured before the real arrest time (day 125.77).
        before_forest: captured before the Forest search of 15 Mar (by the tips alone).
        at_forest: captured in the Forest flat by the search of 15 Mar (after its tip).
        median_days: Kaplan-Meier median days to capture and its 95 % interval.
        quartiles: 25th, 50th, 75th percentile of the capture day among captured runs.
        by_stop: captures at a patrol stop.
        border_released: released at the Cambrai check.
        night_search: how the search the 15 Nov tip led to went (status: count).
        night_found: that search found him.
        deferred_per_run: mean searches deferred by the night rule per replication.
        taken_in: where the captures happened (safe house or place: count).
    """

    label: str
    runs: int
    captured: Share
    before_real: Share
    before_forest: Share
    at_forest: Share
    median_days: tuple[float | None, tuple[float | None, float | None]]
    quartiles: tuple[float, float, float]
    by_stop: Share
    border_released: Share
    night_search: dict[str, int]
    night_found: Share
    deferred_per_run: float
    taken_in: dict[str, int]


def summarise(label: str, runs: list[ReplayRun], horizon_days: float = 126.0) -> ArmSummary:
    """Summarise the replications of one arm."""
    days = np.array([r.capture_day for r in runs])
    caught = days[~np.isnan(days)]
    quartiles = (math.nan, math.nan, math.nan)
    if caught.size:
        q1, q2, q3 = (float(q) for q in np.percentile(caught, [25, 50, 75]))
        quartiles = (q1, q2, q3)
    # Taken in the Forest flat after the tip of 15 Mar: the search of 15 Mar found him.
    at_forest = [r.capture_house == "flat-forest" and r.capture_day >= FOREST_TIP_DAY for r in runs]
    return ArmSummary(
        label=label,
        runs=len(runs),
        captured=share([r.captured for r in runs]),
        before_real=share([r.captured and r.capture_day <= REAL_DAY for r in runs]),
        before_forest=share([r.captured and r.capture_day < FOREST_SEARCH_DAY for r in runs]),
        at_forest=share(at_forest),
        median_days=survival_curve(days, horizon_days).median(),
        quartiles=quartiles,
        by_stop=share([r.capture_how == "stop" for r in runs]),
        border_released=share([r.border_released for r in runs]),
        night_search=dict(Counter(r.night_search for r in runs)),
        night_found=share([r.night_search_found for r in runs]),
        deferred_per_run=float(np.mean([r.raids_deferred_night for r in runs])),
        taken_in=dict(Counter(r.capture_house for r in runs if r.captured).most_common()),
    )


@dataclass(frozen=True)
class Paired:
    """An arm against the baseline arm, replication by replication.

    Attributes:
        label: the arm compared with the baseline.
        difference: its capture probability minus the baseline's, with the paired t interval.
        changed: replications whose capture status (captured or not) differs.
        lost: replications caught in the baseline but not in this arm.
        earlier: replications where it caught him earlier than the baseline (or at all).
        later: replications where it caught him later than the baseline (or not at all).
        found_tonight_only: replications whose 15-16 Nov search found him in this arm only.
        shift_hours: mean hours by which this arm's capture comes earlier (negative: later)
            over the replications captured in both arms.
    """

    label: str
    difference: tuple[float, tuple[float, float]]
    changed: int
    lost: int
    earlier: int
    later: int
    found_tonight_only: int
    shift_hours: float


def paired(label: str, base: list[ReplayRun], other: list[ReplayRun]) -> Paired:
    """Compare ``other`` with ``base`` over the same replications."""
    if [r.replication for r in base] != [r.replication for r in other]:
        raise ValueError("paired arms must cover the same replications in the same order")
    a = [int(r.captured) for r in base]
    b = [int(r.captured) for r in other]
    inf = math.inf
    ta = [r.capture_day if r.captured else inf for r in base]
    tb = [r.capture_day if r.captured else inf for r in other]
    return Paired(
        label=label,
        difference=paired_difference(a, b),
        changed=sum(x != y for x, y in zip(a, b, strict=True)),
        lost=sum(x > y for x, y in zip(a, b, strict=True)),
        earlier=sum(y < x - 1e-9 for x, y in zip(ta, tb, strict=True)),
        later=sum(y > x + 1e-9 for x, y in zip(ta, tb, strict=True)),
        found_tonight_only=sum(
            o.night_search_found and not r.night_search_found
            for r, o in zip(base, other, strict=True)
        ),
        shift_hours=_mean_shift(base, other),
    )


def _mean_shift(base: list[ReplayRun], other: list[ReplayRun]) -> float:
    both = [
        (r.capture_day - o.capture_day) * 24
        for r, o in zip(base, other, strict=True)
        if r.captured and o.captured
    ]
    return float(np.mean(both)) if both else math.nan
