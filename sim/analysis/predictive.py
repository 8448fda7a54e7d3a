"""The posterior predictive check: the replay's capture day, prior and posterior, beside the record.

Under the prior, the replay's capture day is what its replications at every design point gave
(the runs that weighed the points: the prior does not depend on them). Under the posterior it is
what **fresh** replications give at the posterior's draws (replications R..R+M-1 of the replay
at each point drawn, weighted by its draws): never the runs that weighed the points, which would
count the record's own agreement twice. The check is the chance that he is still at large on
the record's day (the last moment the record says he was, or the start of its capture window):
a model that finds the real manhunt's length typical under the posterior puts it well inside
the predictive distribution; one that needs luck even there does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.analysis.beliefs import Draws
from sim.analysis.posterior import weighted_mean
from sim.scenario.history import AtLarge, Captured, History


def record_day(history: History) -> float:
    """The record's day (days from the start): the last moment it says he was still at large."""
    moments = [
        o.statement.until_h if isinstance(o.statement, AtLarge) else o.statement.window.from_h
        for o in history.observations
        if isinstance(o.statement, AtLarge | Captured)
    ]
    return (max(moments) if moments else history.horizon_h) / 24


@dataclass(frozen=True)
class AtLargeShare:
    """The chance he is still at large on the record's day, with its standard error."""

    value: float
    se: float

    @property
    def ci95(self) -> tuple[float, float]:
        """The value plus or minus 1.96 standard errors, within [0, 1]."""
        if not math.isfinite(self.se):
            return (math.nan, math.nan)
        half = 1.959963984540054 * self.se
        return (max(0.0, self.value - half), min(1.0, self.value + half))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "p_at_large": _finite(self.value),
            "se": _finite(self.se),
            "ci95": [_finite(v) for v in self.ci95],
        }


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _at_large(days: np.ndarray, day: float) -> np.ndarray:
    """Per replication, 1 when he was not taken before ``day`` (NaN: never taken)."""
    d = np.asarray(days, float)
    return np.where(np.isnan(d), 1.0, (d >= day).astype(float))


@dataclass(frozen=True)
class Predictive:
    """The replay's capture day under the prior and the posterior.

    Attributes:
        day: the record's day (days from the start).
        horizon_days: the replay's horizon.
        prior_days: capture days of the weighing runs, points x runs (NaN: not captured).
        posterior_days: capture days of the fresh runs at each distinct point drawn.
        draws: the posterior's draws (which points, how many times each).
        prior: the chance of being at large on the day, under the prior.
        posterior: the same under the posterior.
    """

    day: float
    horizon_days: float
    prior_days: np.ndarray
    posterior_days: dict[int, np.ndarray]
    draws: Draws
    prior: AtLargeShare
    posterior: AtLargeShare

    def weighted_days(self, belief: str) -> tuple[np.ndarray, np.ndarray]:
        """Every capture day of a belief's runs and its weight (weights sum to one)."""
        if belief == "prior":
            days = self.prior_days.ravel()
            return days, np.full(days.size, 1 / max(days.size, 1))
        parts, weights = [], []
        for j, w in zip(self.draws.points, self.draws.weights, strict=True):
            runs = self.posterior_days[j]
            parts.append(runs)
            weights.append(np.full(runs.size, w / max(runs.size, 1)))
        if not parts:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(parts), np.concatenate(weights)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``predictive`` in ``sim calibrate --json``)."""
        runs = {len(v) for v in self.posterior_days.values()}
        return {
            "record_day": self.day,
            "horizon_days": self.horizon_days,
            "prior": self.prior.to_dict(),
            "posterior": self.posterior.to_dict(),
            "posterior_points": len(self.draws.points),
            "posterior_draws": self.draws.draws,
            "runs_per_point": max(runs) if runs else 0,
        }


def predictive(
    history: History,
    prior_days: np.ndarray,
    posterior_days: dict[int, np.ndarray],
    draws: Draws,
) -> Predictive:
    """The predictive check from the weighing runs (prior) and the fresh runs (posterior)."""
    day = record_day(history)
    per_point = _at_large(prior_days, day).mean(axis=1)
    prior = AtLargeShare(*weighted_mean(per_point, np.ones(per_point.size)))
    shares = np.array([_at_large(posterior_days[j], day).mean() for j in draws.points])
    posterior = (
        AtLargeShare(*weighted_mean(shares, draws.weights))
        if shares.size
        else AtLargeShare(math.nan, math.nan)
    )
    return Predictive(
        day, history.horizon_h / 24, prior_days, posterior_days, draws, prior, posterior
    )
