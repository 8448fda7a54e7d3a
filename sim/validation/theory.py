"""Closed-form answers the analytic cases compare the simulator with.

Everything here is written from the textbook formula, never by calling the model's own code
(the night-ban window is recomputed by hand rather than asked of :mod:`sim.model.curfew`), so that a
wrong mechanism cannot agree with itself. Times are hours, rates events per hour.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import integrate, stats

Cdf = Callable[[np.ndarray], np.ndarray]


def exponential_cdf(rate: float) -> Cdf:
    """CDF of the first event of a Poisson process of ``rate``: 1 - exp(-rate t)."""
    return stats.expon(scale=1 / rate).cdf


def erlang_cdf(stages: int, mean_per_stage: float) -> Cdf:
    """CDF of the sum of ``stages`` independent exponential delays of equal mean (Erlang)."""
    return stats.gamma(a=stages, scale=mean_per_stage).cdf


def hypoexponential_cdf(rates: Sequence[float]) -> Cdf:
    """CDF of a sum of independent exponentials with distinct rates.

    F(t) = 1 - sum_i A_i exp(-r_i t) with A_i = prod_{j != i} r_j / (r_j - r_i).
    """
    rs = [float(r) for r in rates]
    weights = _hypoexponential_weights(rs)

    def cdf(t: np.ndarray) -> np.ndarray:
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        # np.asarray returns the array itself; it says that a sum of arrays from 0 is an array.
        return np.asarray(1.0 - sum(a * np.exp(-r * t) for a, r in zip(weights, rs, strict=True)))

    return cdf


def _hypoexponential_weights(rates: list[float]) -> list[float]:
    if len(set(rates)) != len(rates):
        raise ValueError(f"hypoexponential rates must differ, got {rates}")
    return [
        math.prod(rj / (rj - ri) for j, rj in enumerate(rates) if j != i)
        for i, ri in enumerate(rates)
    ]


def hypoexponential_mean(rates: Sequence[float]) -> float:
    """Mean of a sum of independent exponentials: sum of 1/r."""
    return sum(1 / r for r in rates)


def displaced_poisson_cdf(rate: float, delay_rates: Sequence[float]) -> Cdf:
    """CDF of the first arrival when Poisson tips each travel an independent random delay.

    Tips created at rate λ and delayed by iid D arrive as a Poisson process of rate λ F_D(t)
    (the displacement theorem), so a later tip may overtake an earlier one and
    P(T ≤ t) = 1 − exp(−λ ∫₀ᵗ F_D(u) du). Here D is a sum of exponential hops with distinct
    ``delay_rates``, whose survival Σ A_i e^{−r_i u} integrates in closed form.
    """
    rs = [float(r) for r in delay_rates]
    weights = _hypoexponential_weights(rs)

    def cdf(t: np.ndarray) -> np.ndarray:
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        survived = sum(a * (1 - np.exp(-r * t)) / r for a, r in zip(weights, rs, strict=True))
        return 1.0 - np.exp(-rate * (t - survived))

    return cdf


def mean_of(cdf: Cdf) -> float:
    """Mean of a non-negative variable from its CDF: ∫₀^∞ (1 − F(t)) dt."""
    value, _ = integrate.quad(lambda t: 1.0 - float(cdf(np.array([t]))[0]), 0, np.inf, limit=200)
    return float(value)


def truncated_cdf(cdf: Cdf, upper: float) -> Cdf:
    """CDF of a variable conditioned on being at most ``upper``."""
    total = float(cdf(np.array([upper]))[0])
    return lambda t: np.minimum(cdf(t) / total, 1.0)


# --- queues ---------------------------------------------------------------------------------


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C), load a = lambda / mu < c."""
    if not 0 <= offered_load < servers:
        raise ValueError("the queue is stable only for 0 <= lambda/mu < c")
    a, c = offered_load, servers
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait before service in an M/M/c queue: C(c, a) / (c mu - lambda)."""
    c = erlang_c(servers, arrival_rate / service_rate)
    return c / (servers * service_rate - arrival_rate)


def mmc_sojourn_cdf(servers: int, arrival_rate: float, service_rate: float) -> Cdf:
    """CDF of the time in an FCFS M/M/c system (wait plus service).

    With probability 1 - C the arrival is served at once (time ~ Exp(mu)); otherwise it waits
    Exp(c mu - lambda) first, then is served: a two-stage hypoexponential.
    """
    waits = erlang_c(servers, arrival_rate / service_rate)
    drain = servers * service_rate - arrival_rate
    served = exponential_cdf(service_rate)
    queued = hypoexponential_cdf([drain, service_rate])
    return lambda t: (1 - waits) * served(t) + waits * queued(t)


# --- the night rule -------------------------------------------------------------------------


def night_ban_start(t: float, ban_from: float = 21.0, ban_until: float = 5.0) -> float:
    """When a search due at model hour ``t`` may start, the start being at midnight.

    The ban runs each night from ``ban_from`` to ``ban_until`` (past midnight); a search due
    inside it starts at its end: max(t, end of the ban window containing t).
    """
    day = math.floor(t / 24) * 24
    hour = t - day
    if hour >= ban_from:
        return day + 24 + ban_until
    if hour < ban_until:
        return day + ban_until
    return t


def first_event_in_ban(rate: float, ban_from: float = 21.0, ban_until: float = 5.0) -> float:
    """Probability that the first event of a Poisson process started at midnight falls in a ban.

    The ban covers [0, until) on the first night and [from + 24k, until + 24(k+1)) after, so
    P = (1 - e^{-r until}) + (e^{-r from} - e^{-r (until + 24)}) / (1 - e^{-24 r}).
    """
    first_night = 1 - math.exp(-rate * ban_until)
    later = (math.exp(-rate * ban_from) - math.exp(-rate * (ban_until + 24))) / (
        1 - math.exp(-24 * rate)
    )
    return first_night + later


# --- the fugitive ---------------------------------------------------------------------------


def two_house_stay(move_rate: float, delay: float) -> float:
    """P(still in the same house after ``delay``) for a fugitive alternating between two houses.

    Each stay is Exp(nu) and every move goes to the other house: a symmetric two-state Markov
    chain, so P = 1/2 + 1/2 exp(-2 nu D).
    """
    return 0.5 + 0.5 * math.exp(-2 * move_rate * delay)


# --- counts ---------------------------------------------------------------------------------


def count_bins(
    dist: stats.rv_discrete, runs: int, minimum: float = 5.0
) -> tuple[list[int], np.ndarray]:
    """Bins of a count on 0, 1, 2, ... for a chi-square test, each expecting >= ``minimum``.

    Consecutive values are merged until a bin expects ``minimum`` of ``runs`` observations; the
    last bin is open to the right and takes the tail.

    Returns:
        The lowest value of each bin and each bin's probability (summing to 1).
    """
    lows, probs = [0], [0.0]
    k = 0
    while True:
        probs[-1] += float(dist.pmf(k))
        tail = float(dist.sf(k))  # P(K > k)
        if tail * runs < minimum:
            probs[-1] += tail
            return lows, np.array(probs)
        if probs[-1] * runs >= minimum:
            lows.append(k + 1)
            probs.append(0.0)
        k += 1


def bin_counts(values: Iterable[int], lows: Sequence[int]) -> np.ndarray:
    """How many ``values`` fall in each bin of :func:`count_bins`."""
    counts = np.zeros(len(lows), dtype=int)
    for v in values:
        counts[bisect_right(lows, int(v)) - 1] += 1
    return counts
