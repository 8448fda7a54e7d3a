"""Statistical comparisons of simulated samples with closed-form answers.

Each helper runs one test at a stated significance level ``alpha`` and returns a :class:`Check`:
the headline quantity in theory and in simulation (with a 95 % interval), the test statistic and
its p-value. A test on a correct model fails with probability ``alpha`` over random seeds; at a
fixed seed the outcome is deterministic. Exact checks (deterministic mechanisms) compare every
replication with the formula to a floating-point tolerance and have no p-value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.experiments.stats import wilson_interval
from sim.validation.theory import Cdf, bin_counts, count_bins

#: Largest difference between simulation and formula that an exact check tolerates (hours).
EXACT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Check:
    """One comparison of a simulated quantity with its closed form.

    Attributes:
        quantity: what is compared, e.g. "capture time (h)".
        theory: the closed-form value of the headline number (a mean or a probability).
        measured: the simulated value of the same number.
        interval: 95 % interval of ``measured`` (t interval for a mean, Wilson for a share).
        test: the test and its null distribution, e.g. "KS vs Exp(rate 1/24)".
        statistic: the test statistic (for an exact check: the largest error).
        p_value: the test's p-value (NaN for an exact check).
        alpha: the significance level (0 for an exact check).
        runs: the number of independent observations.
        passed: True when the model is not rejected.
    """

    quantity: str
    theory: float
    measured: float
    interval: tuple[float, float]
    test: str
    statistic: float
    p_value: float
    alpha: float
    runs: int
    passed: bool

    def describe(self) -> str:
        """One line for an assertion message: both values, the test and the verdict."""
        low, high = self.interval
        p = "exact" if math.isnan(self.p_value) else f"p={self.p_value:.3g} (alpha {self.alpha:g})"
        return (
            f"{self.quantity}: simulation {self.measured:.5g} [{low:.5g}, {high:.5g}] vs theory "
            f"{self.theory:.5g}; {self.test}: statistic {self.statistic:.4g}, {p}, "
            f"{'pass' if self.passed else 'FAIL'} (n={self.runs})"
        )


def mean_interval(values: Sequence[float] | np.ndarray) -> tuple[float, tuple[float, float]]:
    """Sample mean and its 95 % t interval."""
    x = np.asarray(values, dtype=float)
    m = float(x.mean())
    if x.size < 2:
        return m, (m, m)
    margin = float(stats.t.ppf(0.975, x.size - 1)) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return m, (m - margin, m + margin)


def ks_check(
    quantity: str,
    samples: Sequence[float] | np.ndarray,
    cdf: Cdf,
    theory_mean: float,
    alpha: float,
    law: str,
) -> Check:
    """One-sample Kolmogorov-Smirnov test of ``samples`` against the continuous ``cdf``."""
    x = np.asarray(samples, dtype=float)
    if np.isnan(x).any():
        raise ValueError(f"{quantity}: {int(np.isnan(x).sum())} replications have no value")
    result = stats.kstest(x, cdf)
    m, ci = mean_interval(x)
    p = float(result.pvalue)
    return Check(
        quantity,
        theory_mean,
        m,
        ci,
        f"KS vs {law}",
        float(result.statistic),
        p,
        alpha,
        x.size,
        passed=p >= alpha,
    )


def binomial_check(quantity: str, successes: int, trials: int, p0: float, alpha: float) -> Check:
    """Exact two-sided binomial test of a share against its closed form ``p0``."""
    p = float(stats.binomtest(successes, trials, p0).pvalue)
    return Check(
        quantity,
        p0,
        successes / trials,
        wilson_interval(successes, trials),
        f"exact binomial vs p={p0:.4f}",
        float(successes),
        p,
        alpha,
        trials,
        passed=p >= alpha,
    )


def chisquare_check(
    quantity: str, counts: Sequence[int], dist: stats.rv_discrete, alpha: float, law: str
) -> Check:
    """Pearson chi-square test of integer ``counts`` against the discrete ``dist``.

    Values are binned so that each bin expects at least five observations.
    """
    values = np.asarray(counts, dtype=int)
    lows, probs = count_bins(dist, values.size)
    observed = bin_counts(values, lows)
    result = stats.chisquare(observed, probs * values.size)
    m, ci = mean_interval(values)
    p = float(result.pvalue)
    test = f"chi-square vs {law} ({len(lows)} bins)"
    return Check(
        quantity,
        float(dist.mean()),
        m,
        ci,
        test,
        float(result.statistic),
        p,
        alpha,
        values.size,
        passed=p >= alpha,
    )


def t_check(
    quantity: str, samples: Sequence[float] | np.ndarray, theory_mean: float, alpha: float
) -> Check:
    """One-sample t test of the mean of independent ``samples`` against ``theory_mean``."""
    x = np.asarray(samples, dtype=float)
    result = stats.ttest_1samp(x, theory_mean)
    m, ci = mean_interval(x)
    p = float(result.pvalue)
    return Check(
        quantity,
        theory_mean,
        m,
        ci,
        "one-sample t",
        float(result.statistic),
        p,
        alpha,
        x.size,
        passed=p >= alpha,
    )


def exact_check(
    quantity: str, simulated: Sequence[float], expected: Sequence[float], what: str
) -> Check:
    """Every simulated value equals its formula to :data:`EXACT_TOLERANCE`."""
    sim = np.asarray(simulated, dtype=float)
    exp = np.asarray(expected, dtype=float)
    errors = np.abs(sim - exp)
    worst = float(np.nanmax(errors)) if errors.size else 0.0
    if np.isnan(errors).any():
        worst = math.inf  # a run that never produced the value is a failure, not a pass
    theory, measured = float(exp.mean()), float(sim.mean())
    return Check(
        quantity,
        theory,
        measured,
        (measured, measured),
        f"exact: {what}",
        worst,
        math.nan,
        0.0,
        sim.size,
        passed=worst <= EXACT_TOLERANCE,
    )
