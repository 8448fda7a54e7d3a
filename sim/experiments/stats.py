"""Statistics of many replications: capture probability, differences, and time to capture.

* The capture probability gets a **Wilson score interval**: good coverage even near 0 or 1 and for
  small numbers of runs, where the normal approximation fails.
* A difference in capture probability between two setups run under common random numbers is a
  difference of **paired proportions**: only the replications that end differently (discordant
  pairs) carry information. Its interval is **Tango's score interval** (Tango 1998), which keeps
  its 95 % coverage even when few replications differ, where the paired t interval on the
  per-replication differences collapses towards zero width and under-covers. Common random numbers
  make most pairs concordant, so it is much narrower than the **Newcombe hybrid score interval**
  for two independent proportions (given beside it for comparison).
* Its **p-value** is the exact McNemar test: under "no difference" each discordant pair is as
  likely to favour either setup, so the count favouring one is Binomial(discordant, 1/2). It is
  computed from the same discordant pairs as Tango's interval, whose score statistic at zero is
  McNemar's asymptotic one. The exact test is the more conservative: with few discordant pairs an
  interval clear of zero can come with p above 0.05 (4 against 0: p = 0.125), but an exact p
  below 0.05 always comes with a Tango interval clear of zero (tests/test_stats.py checks every
  split of up to 60 discordant pairs each way).
* A **menu** of several comparisons is adjusted for multiplicity by **Holm's step-down** method,
  which controls the chance of any false "this reform helps" across the menu at 5 % without
  assuming the comparisons independent (they share a baseline).
* Continuous per-replication quantities (e.g. a friction's per-replication Shapley share) get a
  **paired t interval**: mean ± t_{0.975,n-1} · sd/√n.
* Time to capture is a survival question: a run that reaches the horizon uncaught is *censored*
  there. The **Kaplan-Meier** curve (scipy.stats.ecdf) gives the probability still at large
  against days with a pointwise 95 % band on the log-log scale (Greenwood's variance of
  log(-log S)), which stays inside [0, 1] and keeps its coverage in the tails where the plain
  Greenwood band does not; the median is "not reached" when fewer than half the runs end in
  capture, and its interval is read off the band (Brookmeyer-Crowley style).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# scipy is imported inside the functions that need it: worker processes import this package to
# run replications and should not pay half a second for statistics they never compute.

Z95 = 1.959963984540054


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
    from scipy import stats

    result = stats.binomtest(successes, trials).proportion_ci(confidence, method="wilson")
    return float(result.low), float(result.high)


def half_width(interval: tuple[float, float]) -> float:
    """Half the width of an interval."""
    return (interval[1] - interval[0]) / 2


def paired_difference(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """Mean of b - a over paired replications and its paired t interval.

    Args:
        a: per-replication outcome of the first setup (e.g. 1 captured, 0 not).
        b: the same replications of the second setup.
        confidence: coverage of the interval.

    Returns:
        (mean difference, (low, high)).
    """
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    n = d.size
    if n == 0:
        raise ValueError("no paired replications")
    mean_d = float(d.mean())
    if n == 1:
        return mean_d, (-1.0, 1.0)
    sd = float(d.std(ddof=1))
    from scipy import stats

    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    margin = t * sd / math.sqrt(n)
    return mean_d, (max(mean_d - margin, -1.0), min(mean_d + margin, 1.0))


def paired_proportions(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, tuple[float, float]]:
    """Difference p_b - p_a of paired binary outcomes, with Tango's score interval.

    Args:
        a: per-replication outcome (1 captured, 0 not) of the first setup.
        b: the same replications of the second setup.
        confidence: coverage of the interval.

    Returns:
        (difference, (low, high)).
    """
    x, y = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    n = x.size
    if n == 0:
        raise ValueError("no paired replications")
    only_a = int((x & ~y).sum())
    only_b = int((~x & y).sum())
    low, high = tango_interval(only_a, only_b, n, confidence)
    return (only_b - only_a) / n, (-high, -low)  # Tango's interval is for p_a - p_b


def tango_interval(
    only_a: int, only_b: int, n: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Tango's (1998) score interval for p_a - p_b from paired binary outcomes.

    Args:
        only_a: replications where only the first setup captured him.
        only_b: replications where only the second did.
        n: replications in all.
        confidence: coverage of the interval.

    The interval is every δ whose score statistic
    Z(δ) = (only_a - only_b - nδ) / √(n (2 q̂ + δ(1 - δ))) has |Z| ≤ z, where q̂ is the maximum
    likelihood estimate of P(only the second) under δ; its ends are found by root finding.
    """
    from scipy import optimize, stats

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    estimate = (only_a - only_b) / n

    def score(delta: float) -> float:
        w = -only_a - only_b + (2 * n - only_a + only_b) * delta
        q = (math.sqrt(max(w * w + 8 * n * only_b * delta * (1 - delta), 0.0)) - w) / (4 * n)
        numerator = only_a - only_b - n * delta
        variance = n * (2 * q + delta * (1 - delta))
        if variance <= 0:
            return 0.0 if abs(numerator) < 1e-12 else math.copysign(math.inf, numerator)
        return numerator / math.sqrt(variance)

    edge = 1 - 1e-12
    low = -1.0 if score(-edge) <= z else optimize.brentq(lambda d: score(d) - z, -edge, estimate)
    high = 1.0 if score(edge) >= -z else optimize.brentq(lambda d: score(d) + z, estimate, edge)
    return low, high


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value for paired binary outcomes.

    Args:
        only_a: replications where only the first setup captured him.
        only_b: replications where only the second did.

    Returns:
        The p-value of "both setups capture equally often" (1.0 when no replication differs).
    """
    discordant = only_a + only_b
    if discordant == 0:
        return 1.0
    from scipy import stats

    return float(min(1.0, stats.binomtest(only_b, discordant, 0.5).pvalue))


def paired_p_value(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Exact McNemar p-value of the paired outcomes ``a`` and ``b`` (1 captured, 0 not)."""
    x, y = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    return mcnemar_exact(int((x & ~y).sum()), int((~x & y).sum()))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given.

    The i-th smallest p-value is multiplied by (m - i + 1) and the results are made
    non-decreasing in that order (capped at 1): a comparison is significant at level α across
    the whole family when its adjusted p-value is at most α. statsmodels has this too, but is a
    heavy dependency for six lines.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def newcombe_difference(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> tuple[float, tuple[float, float]]:
    """Difference p_b - p_a of two independent proportions with Newcombe's hybrid score interval."""
    pa, pb = successes_a / trials_a, successes_b / trials_b
    la, ua = wilson_interval(successes_a, trials_a)
    lb, ub = wilson_interval(successes_b, trials_b)
    diff = pb - pa
    low = diff - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
    high = diff + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    return diff, (max(low, -1.0), min(high, 1.0))


@dataclass(frozen=True)
class SurvivalCurve:
    """Probability still at large against days (Kaplan-Meier), with a pointwise 95 % band."""

    days: np.ndarray
    at_large: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def median(self) -> tuple[float | None, tuple[float | None, float | None]]:
        """Median days to capture and its 95 % interval (None where not reached)."""
        return _crossing(self.at_large, self.days), (
            _crossing(self.low, self.days),
            _crossing(self.high, self.days),
        )


def _crossing(curve: np.ndarray, days: np.ndarray) -> float | None:
    below = np.nonzero(curve <= 0.5)[0]
    return float(days[below[0]]) if below.size else None


def survival_curve(
    capture_days: Sequence[float] | np.ndarray, horizon_days: float
) -> SurvivalCurve:
    """Kaplan-Meier curve of the time to capture, censored at the horizon.

    Args:
        capture_days: one value per replication, NaN when not captured.
        horizon_days: where uncaptured runs are censored.
    """
    days = np.asarray(capture_days, dtype=float)
    captured = ~np.isnan(days)
    if not captured.any():
        flat = np.ones(2)
        return SurvivalCurve(np.array([0.0, horizon_days]), flat, flat, flat)
    censored = np.full(int((~captured).sum()), float(horizon_days))
    from scipy import stats

    sf = stats.ecdf(stats.CensoredData(uncensored=days[captured], right=censored)).sf
    with warnings.catch_warnings():
        # The band is undefined where the estimate reaches 0; those points become 0.
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(0.95, method="log-log")
    low = np.nan_to_num(band.low.probabilities, nan=0.0)
    high = np.nan_to_num(band.high.probabilities, nan=1.0)
    return SurvivalCurve(np.asarray(sf.quantiles), np.asarray(sf.probabilities), low, high)


def km_median_days(capture_days: Sequence[float], horizon_days: float) -> float | None:
    """Kaplan-Meier median time to capture in days, or None when not reached."""
    if len(capture_days) == 0:
        return None
    return survival_curve(capture_days, horizon_days).median()[0]


def mean(values: Sequence[float]) -> float:
    """Mean ignoring NaN (NaN when nothing is left)."""
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan
