"""Delay distributions: the YAML forms, their error messages, and samples against theory."""

from __future__ import annotations

import math
import pickle
import statistics
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.core.distributions import (
    Choice,
    Exponential,
    Fixed,
    LogNormal,
    Uniform,
    parse_dist,
)
from sim.core.streams import Stream

DRAWS = 20_000
Z90 = NormalDist().inv_cdf(0.9)

# --- YAML forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6h", Fixed(6.0)),
        (0, Fixed(0.0)),
        ({"fixed": "2d"}, Fixed(48.0)),
        ({"exponential": {"mean": "6h"}}, Exponential(6.0)),
        ({"lognormal": {"median": "2h", "p90": "12h"}}, LogNormal(2.0, 12.0)),
        ({"uniform": {"low": "1h", "high": "3h"}}, Uniform(1.0, 3.0)),
        ({"uniform": {"low": "2h", "high": "2h"}}, Uniform(2.0, 2.0)),
        ({"choice": {"1d": 0.3, "1h": 0.7}}, Choice((1.0, 24.0), (0.7, 0.3))),
    ],
)
def test_parse_dist_forms(value, expected):
    assert parse_dist(value) == expected


def test_parse_dist_passes_a_built_distribution_through():
    dist = Exponential(3.0)
    assert parse_dist(dist) is dist


def test_choice_sorts_values_so_inversion_is_monotone():
    dist = parse_dist({"choice": {"2d": 1, "1h": 1, "6h": 2}})
    assert dist.values == (1.0, 6.0, 48.0)
    assert dist.cumulative == pytest.approx((0.25, 0.75, 1.0))


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (True, r"not a distribution: True; write a duration"),
        (None, r"not a distribution: None"),
        ([1, 2], r"not a distribution: \[1, 2\]"),
        ({"fixed": "1h", "exponential": {}}, r"not a distribution"),
        ("5", r"'5' is not a duration"),
        (5, r"a duration needs a unit"),
        ({"gamma": {"mean": "1h"}}, r"unknown distribution 'gamma'; write a duration"),
        ({"exponental": {"mean": "1h"}}, r"unknown distribution 'exponental' \(did you mean 'exp"),
        ({"exponential": "1h"}, r"exponential needs a map with mean"),
        (
            {"exponential": {"mena": "1h"}},
            r"no parameter 'mena' \(did you mean 'mean'\?\); it takes",
        ),
        ({"exponential": {"mean": "0h"}}, r"exponential mean must be > 0 \(use a fixed 0"),
        ({"exponential": {"mean": 3}}, r"a duration needs a unit"),
        ({"lognormal": {"median": "1h"}}, r"lognormal needs p90"),
        ({"lognormal": {"median": "2h", "p90": "1h"}}, r"lognormal needs 0 < median < p90"),
        ({"lognormal": {"median": "2h", "p90": "2h"}}, r"0 < median < p90"),
        ({"lognormal": {"median": 0, "p90": "2h"}}, r"0 < median < p90"),
        ({"uniform": {"low": "3h", "high": "1h"}}, r"uniform needs low <= high"),
        ({"uniform": {"low": "1h", "hi": "3h"}}, r"no parameter 'hi' \(did you mean 'high'\?\)"),
        ({"choice": {}}, r"choice needs a map of duration: weight"),
        ({"choice": ["1h", "2h"]}, r"choice needs a map"),
        ({"choice": {"1h": -1}}, r"choice weight for '1h' must be a number >= 0, got -1"),
        ({"choice": {"1h": "a lot"}}, r"must be a number >= 0"),
        ({"choice": {"1h": True}}, r"must be a number >= 0"),
        ({"choice": {"1h": 0, "2h": 0}}, r"choice weights must not all be zero"),
        ({"choice": {"soon": 1}}, r"'soon' is not a duration"),
        ({"fixed": "6"}, r"'6' is not a duration"),
    ],
)
def test_parse_dist_refuses_with_a_fix(value, match):
    with pytest.raises(ValueError, match=match):
        parse_dist(value)


# --- samples against theory -----------------------------------------------------------------


def draws(dist, name: str, n: int = DRAWS) -> list[float]:
    stream = Stream(seed=20151113, replication=0, name=name)
    return [dist.sample(stream) for _ in range(n)]


def assert_close(observed: float, expected: float, standard_error: float, what: str) -> None:
    """Within 4 standard errors: fails about once in 16,000 honest runs (seeds are fixed)."""
    assert abs(observed - expected) <= 4 * standard_error, (
        f"{what}: observed {observed:.5g}, theory {expected:.5g}, 4 SE = {4 * standard_error:.3g}"
    )


def test_fixed_returns_its_value_and_draws_nothing():
    stream, fresh = Stream(1, 0, "a"), Stream(1, 0, "a")
    assert Fixed(5.0).sample(stream) == 5.0
    assert stream.uniform() == fresh.uniform()


@pytest.mark.parametrize("mean", [0.5, 6.0, 336.0])
def test_exponential_moments(mean):
    sample = draws(Exponential(mean), f"exp-{mean}")
    n = len(sample)
    assert min(sample) >= 0
    assert_close(statistics.fmean(sample), mean, mean / math.sqrt(n), "mean")
    # Var(s^2) of an exponential is (mu4 - sigma^4) / n = 8 mean^4 / n.
    assert_close(statistics.variance(sample), mean**2, math.sqrt(8 / n) * mean**2, "variance")


@pytest.mark.parametrize(("median", "p90"), [(2.0, 12.0), (24.0, 30.0)])
def test_lognormal_log_moments_and_quantiles(median, p90):
    dist = LogNormal(median, p90)
    sample = draws(dist, f"lognormal-{median}-{p90}")
    n = len(sample)
    sigma = math.log(p90 / median) / Z90
    logs = [math.log(x) for x in sample]
    assert_close(statistics.fmean(logs), math.log(median), sigma / math.sqrt(n), "mean of log")
    assert_close(statistics.variance(logs), sigma**2, sigma**2 * math.sqrt(2 / n), "var of log")
    for share, quantile in ((0.5, median), (0.9, p90)):
        below = sum(x <= quantile for x in sample) / n
        assert_close(below, share, math.sqrt(share * (1 - share) / n), f"share below {quantile}")
    assert dist.mean == pytest.approx(median * math.exp(sigma**2 / 2))
    sd = dist.mean * math.sqrt(math.exp(sigma**2) - 1)
    assert_close(statistics.fmean(sample), dist.mean, sd / math.sqrt(n), "mean")


def test_a_lognormal_draw_is_the_inverse_normal_of_its_uniform_as_normaldist_gives_it():
    """The draw calls the standard normal quantile directly: the value NormalDist gives."""
    dist = LogNormal(2.0, 12.0)
    stream, twin = Stream(7, 0, "lognormal-inverse"), Stream(7, 0, "lognormal-inverse")
    for _ in range(2_000):
        u = max(twin.uniform(), 1e-12)
        expected = math.exp(math.log(2.0) + dist.sigma * NormalDist().inv_cdf(u))
        assert dist.sample(stream) == expected  # exactly: the same function underneath


@pytest.mark.parametrize(("low", "high"), [(1.0, 3.0), (0.0, 48.0)])
def test_uniform_moments(low, high):
    sample = draws(Uniform(low, high), f"uniform-{low}-{high}")
    n = len(sample)
    var = (high - low) ** 2 / 12
    assert low <= min(sample) and max(sample) <= high
    assert_close(statistics.fmean(sample), (low + high) / 2, math.sqrt(var / n), "mean")
    # Var(s^2) of a uniform is (mu4 - sigma^4) / n with mu4 = (high - low)^4 / 80.
    se = math.sqrt(((high - low) ** 4 / 80 - var**2) / n)
    assert_close(statistics.variance(sample), var, se, "variance")


def test_choice_frequencies_match_weights():
    dist = parse_dist({"choice": {"1h": 0.7, "1d": 0.2, "1w": 0.1}})
    sample = draws(dist, "choice")
    n = len(sample)
    for value, weight in ((1.0, 0.7), (24.0, 0.2), (168.0, 0.1)):
        share = sample.count(value) / n
        assert_close(share, weight, math.sqrt(weight * (1 - weight) / n), f"share of {value}h")
    assert set(sample) == {1.0, 24.0, 168.0}
    assert dist.mean == pytest.approx(0.7 + 0.2 * 24 + 0.1 * 168)


@given(
    q=st.floats(min_value=1e-9, max_value=0.999),  # LogNormal.quantile(0) is undefined
    dq=st.floats(min_value=0.0, max_value=0.5),
    scale=st.floats(min_value=1.0, max_value=10.0),
)
def test_inversion_is_monotone_in_the_uniform_and_the_scale(q, dq, scale):
    # Common random numbers rely on it: a later uniform, or a longer mean, never gives an
    # earlier delay for the same draw.
    q2 = min(q + dq, 0.999)
    for dist, longer in (
        (Exponential(2.0), Exponential(2.0 * scale)),
        (LogNormal(2.0, 12.0), LogNormal(2.0 * scale, 12.0 * scale)),
        (Uniform(1.0, 3.0), Uniform(1.0 * scale, 3.0 * scale)),
    ):
        assert dist.quantile(q) <= dist.quantile(q2)
        assert dist.quantile(q) <= longer.quantile(q) * (1 + 1e-12)


@pytest.mark.parametrize(
    "dist",
    [
        Fixed(2.0),
        Exponential(3.0),
        LogNormal(2.0, 12.0),
        Uniform(1.0, 3.0),
        Choice((1.0, 24.0), (0.7, 0.3)),
    ],
)
def test_a_distribution_pickles_by_its_parameters(dist: object) -> None:
    # Pool workers receive scenarios pickled (derived fields such as sigma are rebuilt).
    back = pickle.loads(pickle.dumps(dist))
    assert back == dist and repr(back) == repr(dist)
    assert (
        back.quantiles(np.array([0.1, 0.5, 0.9])).tolist()
        == dist.quantiles(np.array([0.1, 0.5, 0.9])).tolist()
    )
