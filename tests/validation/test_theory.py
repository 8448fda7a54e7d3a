"""The closed forms themselves, against numbers computed another way."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.validation import theory

pytestmark = pytest.mark.validation


def test_erlang_c_textbook_values():
    assert theory.erlang_c(2, 1.2) == pytest.approx(0.45)
    assert theory.erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert theory.mmc_mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)  # rho / (mu - lambda)
    with pytest.raises(ValueError, match="stable"):
        theory.erlang_c(2, 2.0)


def test_hypoexponential_matches_a_numerical_convolution():
    rates = [0.5, 0.25, 0.125]
    t = 9.0
    sample = np.random.Generator(np.random.PCG64(7))
    draws = sum(sample.exponential(1 / r, 400_000) for r in rates)
    assert theory.hypoexponential_cdf(rates)(np.array([t]))[0] == pytest.approx(
        (draws <= t).mean(), abs=0.004
    )
    assert theory.hypoexponential_mean(rates) == pytest.approx(14.0)


def test_displaced_poisson_reduces_to_a_shifted_exponential_for_long_hops():
    # With a very fast hop the delay vanishes and the first arrival is Exp(rate).
    cdf = theory.displaced_poisson_cdf(0.1, [1e6, 2e6])
    assert cdf(np.array([10.0]))[0] == pytest.approx(1 - math.exp(-1.0), abs=1e-4)


def test_mean_of_integrates_the_survival():
    assert theory.mean_of(theory.exponential_cdf(0.25)) == pytest.approx(4.0)


def test_mmc_sojourn_mean_is_wait_plus_service():
    cdf = theory.mmc_sojourn_cdf(2, 1.2, 1.0)
    mean, _ = integrate.quad(lambda t: 1 - cdf(np.array([t]))[0], 0, np.inf)
    assert mean == pytest.approx(theory.mmc_mean_wait(2, 1.2, 1.0) + 1.0)


@pytest.mark.parametrize(
    ("due", "start"),
    [
        (20.99, 20.99),
        (21.0, 29.0),
        (23.5, 29.0),
        (24.0, 29.0),
        (28.99, 29.0),
        (29.0, 29.0),
        (4.0, 5.0),
        (5.0, 5.0),
        (12.0, 12.0),
    ],
)
def test_night_ban_start(due, start):
    assert theory.night_ban_start(due) == pytest.approx(start)


def test_first_event_in_ban_matches_a_sum_over_nights():
    rate = 1 / 24
    nights = [(0.0, 5.0)] + [(21.0 + 24 * k, 29.0 + 24 * k) for k in range(200)]
    direct = sum(math.exp(-rate * a) - math.exp(-rate * b) for a, b in nights)
    assert theory.first_event_in_ban(rate) == pytest.approx(direct)


def test_two_house_stay_limits():
    assert theory.two_house_stay(1 / 48, 0.0) == 1.0
    assert theory.two_house_stay(1 / 48, 1e6) == pytest.approx(0.5)


def test_count_bins_partition_the_probability():
    lows, probs = theory.count_bins(stats.poisson(3), 2000)
    assert probs.sum() == pytest.approx(1.0)
    assert lows[0] == 0 and (probs * 2000 >= 5).all()
    assert list(theory.bin_counts([0, 1, 99], lows)) == [1, 1] + [0] * (len(lows) - 3) + [1]
