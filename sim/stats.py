"""Statistics of many replications: capture probability, its interval, and time to capture.

The capture probability gets a Wilson score interval (good coverage even near 0 or 1 and for small
numbers of runs, where the normal approximation fails). Time to capture is a survival question: a
run that ends at the horizon without capture is *censored* there, so the median comes from the
Kaplan-Meier estimate, and is "not reached" when fewer than half the runs end in capture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Args:
        successes: replications that ended in capture.
        trials: replications run (>= 1).
        confidence: coverage of the interval.

    Returns:
        (low, high), both within [0, 1].
    """
    if trials <= 0:
        raise ValueError("the interval needs at least one replication")
    result = stats.binomtest(successes, trials).proportion_ci(confidence, method="wilson")
    return float(result.low), float(result.high)


def km_median_days(
    capture_days: Sequence[float], horizon_days: float
) -> float | None:
    """Kaplan-Meier median time to capture in days, or None when not reached.

    Args:
        capture_days: one value per replication: the day of capture, NaN when not captured.
        horizon_days: where uncaptured runs are censored.
    """
    days = np.asarray(capture_days, dtype=float)
    if days.size == 0:
        return None
    captured = ~np.isnan(days)
    if 2 * captured.sum() < days.size:
        return None
    curve = survival_curve(days, horizon_days)
    below = np.nonzero(curve.probabilities <= 0.5)[0]
    return float(curve.quantiles[below[0]]) if below.size else None


class SurvivalCurve:
    """Probability still at large against days (Kaplan-Meier), with a pointwise 95 % band."""

    def __init__(self, quantiles: np.ndarray, probabilities: np.ndarray,
                 low: np.ndarray, high: np.ndarray) -> None:
        self.quantiles = quantiles
        self.probabilities = probabilities
        self.low = low
        self.high = high


def survival_curve(capture_days: Sequence[float] | np.ndarray, horizon_days: float) -> SurvivalCurve:
    """Kaplan-Meier curve of the time to capture, censored at the horizon (scipy.stats.ecdf)."""
    days = np.asarray(capture_days, dtype=float)
    captured = ~np.isnan(days)
    if not captured.any():
        ones = np.ones(1)
        return SurvivalCurve(np.array([0.0]), ones, ones, ones)
    censored = np.full(int((~captured).sum()), float(horizon_days))
    data = stats.CensoredData(uncensored=days[captured], right=censored)
    sf = stats.ecdf(data).sf
    band = sf.confidence_interval(0.95)
    low = np.nan_to_num(band.low.probabilities, nan=0.0)
    high = np.nan_to_num(band.high.probabilities, nan=1.0)
    return SurvivalCurve(sf.quantiles, sf.probabilities, low, high)


def mean(values: Sequence[float]) -> float:
    """Mean ignoring NaN (NaN when nothing is left)."""
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan
