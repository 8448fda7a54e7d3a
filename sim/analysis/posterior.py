"""Weighing the points of a design by how well they reproduce the record: the statistics.

The design's points are draws from the prior (a Latin hypercube over the quantiles of each
factor's distribution), and replication *r* at point *j* either reproduces the whole record or
not, so the record's likelihood at the point is estimated by the share of its R replications that
do, ``k_j / R``: an unbiased estimate, with a binomial Monte Carlo error. Weighting each point by
it is importance sampling with the prior as proposal; because the weight is an unbiased
*estimate* of the likelihood, the weighted sample still targets the exact posterior as the
points grow (the pseudo-marginal argument, Andrieu & Roberts 2009; Tran et al. 2014), and the
same weights are ABC rejection with zero tolerance (Pritchard et al. 1999): each replication that
reproduces the record is one accepted draw. What the estimate costs is variance: noisy weights
lower the effective sample size below what exact likelihoods would give, and a point whose few
replications all missed the record gets no weight although its likelihood is not zero.

Everything here is plain numpy on arrays; every random draw comes from a generator the caller
seeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def normalised(counts: np.ndarray) -> np.ndarray:
    """Weights proportional to ``counts`` that sum to one (all zero when the counts are)."""
    counts = np.asarray(counts, float)
    total = counts.sum()
    return counts / total if total > 0 else np.zeros_like(counts)


def kish_ess(weights: np.ndarray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2 (0 when every weight is zero)."""
    w = np.asarray(weights, float)
    square = float(np.sum(w**2))
    return float(np.sum(w)) ** 2 / square if square > 0 else 0.0


def exact_likelihood_ess(counts: np.ndarray, runs: int) -> float | None:
    """About the effective sample size the same points would give with exact likelihoods.

    ``k (k - 1) / (R (R - 1))`` is an unbiased estimate of the squared likelihood, so the
    Monte Carlo part of sum L-hat^2 can be taken out. None when it cannot be estimated (no point
    with two replications reproducing the record, or R < 2); never more than the points.
    """
    k = np.asarray(counts, float)
    squares = float(np.sum(k * (k - 1)))
    if runs < 2 or squares <= 0:
        return None
    ess = float(k.sum()) ** 2 * (runs - 1) / (runs * squares)
    return min(ess, float(k.size))


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> list[float]:
    """Quantiles of ``values`` under ``weights``.

    Each is the smallest value whose cumulative weight reaches q: the inverse of the weighted
    empirical distribution, a step function (so a choice or a count stays one of its values).
    """
    v = np.asarray(values, float)
    w = np.asarray(weights, float)
    order = np.argsort(v, kind="stable")
    cumulative = np.cumsum(w[order])
    if cumulative.size == 0 or cumulative[-1] <= 0:
        return [math.nan for _ in qs]
    cumulative /= cumulative[-1]
    out = []
    for q in qs:
        i = int(np.searchsorted(cumulative, q - 1e-12, side="left"))
        out.append(float(v[order][min(i, v.size - 1)]))
    return out


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The weighted mean of per-point values and its standard error.

    The error is the self-normalised importance sampling one, sum w^2 (x - mean)^2 (Owen 2013,
    ch. 9), times n/(n - 1) over the n points with weight: a point's value carries its own Monte
    Carlo noise, so the spread counts both that noise and the differences between points.
    """
    x = np.asarray(values, float)
    w = normalised(np.asarray(weights, float))
    held = w > 0
    if not held.any():
        return math.nan, math.nan
    mean = float(np.sum(w[held] * x[held]))
    n = int(held.sum())
    if n < 2:
        return mean, math.nan
    variance = float(np.sum(w[held] ** 2 * (x[held] - mean) ** 2)) * n / (n - 1)
    return mean, math.sqrt(variance)


def systematic_resample(weights: np.ndarray, draws: int, offset: float) -> np.ndarray:
    """How many of ``draws`` draws each point gets, by systematic resampling.

    The draws sit at (offset + i) / draws on the weights' cumulative scale, ``offset`` one
    uniform number in [0, 1): each point's expected count is ``draws * w`` and its actual count
    differs from that by less than one (Kitagawa 1996), the least noisy way to turn weights into
    equally weighted draws.
    """
    w = normalised(np.asarray(weights, float))
    if draws < 1 or w.sum() <= 0:
        return np.zeros(w.size, dtype=int)
    edges = (offset + np.arange(draws)) / draws
    picked = np.searchsorted(np.cumsum(w), edges, side="right")
    return np.bincount(np.minimum(picked, w.size - 1), minlength=w.size)


def even_draws(points: int, draws: int) -> np.ndarray:
    """``draws`` points spread evenly over the design (the prior's equal weights, resampled)."""
    return systematic_resample(np.ones(points), draws, 0.5)


@dataclass(frozen=True)
class Shift:
    """How far the record moved one factor from its prior, and whether that could be luck.

    Attributes:
        distance: the largest gap between the weighted and the unweighted distribution of the
            factor's quantiles over the points (a Kolmogorov-Smirnov distance, 0 to 1).
        p_value: the share of random reshufflings of the weights among the points that gave a
            distance at least as large (with one added to both counts).
    """

    distance: float
    p_value: float


def _ks_distances(column: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """KS distance of the weighted CDF from the unweighted one, for each row of ``weights``."""
    order = np.argsort(column, kind="stable")
    w = weights[:, order]
    total = w.sum(axis=1, keepdims=True)
    cdf = np.cumsum(w, axis=1) / np.where(total > 0, total, 1.0)
    even = np.arange(1, column.size + 1) / column.size
    # Compare the two only where the value changes: within a run of equal values (a count, a
    # choice) the order of the points is arbitrary and says nothing.
    ends = np.flatnonzero(np.diff(column[order], append=np.inf) != 0)
    return np.max(np.abs(cdf[:, ends] - even[ends]), axis=1)


def shift_tests(
    unit: np.ndarray, weights: np.ndarray, permutations: int, rng: np.random.Generator
) -> list[Shift]:
    """For each factor (column of ``unit``), a permutation test of "the record says nothing".

    Under that hypothesis the weights are independent of the factor's values (the design draws
    each factor independently of the others), so shuffling the weights among the points gives
    the distance's distribution. The same shuffles serve every factor.
    """
    w = np.asarray(weights, float)
    n = w.size
    shuffled = np.stack([w[rng.permutation(n)] for _ in range(max(permutations, 1))])
    out = []
    for i in range(unit.shape[1]):
        column = unit[:, i]
        observed = float(_ks_distances(column, w[None, :])[0])
        if permutations and w.sum() > 0:
            null = _ks_distances(column, shuffled)
            p = (1 + int(np.sum(null >= observed - 1e-12))) / (1 + permutations)
        else:
            p = 1.0
        out.append(Shift(observed, p))
    return out


def bootstrap_quantiles(
    values: np.ndarray,
    counts: np.ndarray,
    qs: Sequence[float],
    resamples: int,
    rng: np.random.Generator,
) -> list[tuple[float, float]]:
    """95 % bootstrap intervals of the weighted quantiles, resampling the points.

    Each resample draws the points with replacement, keeping each point's count of replications
    that reproduced the record: the interval covers both which points the design drew and the
    Monte Carlo noise of their weights.
    """
    v = np.asarray(values, float)
    k = np.asarray(counts, float)
    found: list[list[float]] = [[] for _ in qs]
    for _ in range(resamples):
        pick = rng.integers(0, v.size, v.size)
        if k[pick].sum() <= 0:
            continue
        for kept, q in zip(found, weighted_quantiles(v[pick], k[pick], qs), strict=True):
            kept.append(q)
    return [
        (float(np.percentile(f, 2.5)), float(np.percentile(f, 97.5))) if f else (math.nan, math.nan)
        for f in found
    ]
