"""Interval coverage, reduced: the simulated coverage equals the exact coverage of each interval.

The full study (400 experiments, n up to 1,000) runs when docs/validation.md is regenerated; here
200 experiments of 50 replications each. Each test is an exact binomial test at alpha = 0.001
of the number of covering experiments against the interval's exact coverage for that n.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from sim.experiments.stats import paired_difference, wilson_interval
from sim.validation.coverage import (
    RATE,
    capture_document,
    exact_paired_coverage,
    exact_wilson_coverage,
    experiments,
    horizon_for,
    paired_interval,
    paired_study,
    scenario,
    wilson_study,
)

pytestmark = pytest.mark.validation

ALPHA = 0.001
COUNT, RUNS = 200, 50


def test_exact_wilson_coverage_is_near_nominal():
    # Brown, Cai and DasGupta (2001): Wilson's coverage oscillates a little around 95 %.
    for n, p in ((50, 0.5), (200, 0.1), (1000, 0.9)):
        assert 0.92 < exact_wilson_coverage(n, p) < 0.975


def test_paired_t_interval_of_one_discordant_pair_is_the_t_interval():
    low, high = paired_interval(1, 4, method="t")
    mean, (low2, high2) = paired_difference([0, 0, 0, 0], [-1, 0, 0, 0])
    assert (low, high) == (low2, high2)
    assert mean == -0.25
    assert paired_interval(0, 50, method="t") == (0.0, 0.0)  # degenerate without discordance


def test_tango_interval_keeps_width_without_discordant_pairs():
    low, high = paired_interval(0, 50)
    assert low < 0 < high  # unlike the paired t interval, it does not collapse to [0, 0]
    assert exact_paired_coverage(50, 0.02) > 0.93
    assert exact_paired_coverage(50, 0.02, method="t") < 0.7


def test_wilson_interval_covers_as_often_as_it_should():
    (row,) = wilson_study([0.5], [RUNS], COUNT)
    assert row.truth == pytest.approx(0.5, abs=1e-9)
    assert row.p_value >= ALPHA, (row.coverage, row.exact, row.p_value)


def test_an_80_percent_interval_is_caught_undercovering():
    doc = capture_document(horizon_for(0.5))
    truth = 1 - math.exp(-RATE * scenario(doc).horizon)
    results = experiments([doc], COUNT, RUNS)
    covered = sum(
        low <= truth <= high
        for low, high in (wilson_interval(int(r[0].sum()), RUNS, 0.8) for r in results)
    )
    p = stats.binomtest(covered, COUNT, exact_wilson_coverage(RUNS, truth)).pvalue
    assert p < ALPHA, (covered, p)


def test_paired_interval_covers_as_often_as_it_should():
    rows = paired_study(0.5, [0.3], [RUNS], COUNT)
    for name, method in (("paired (Tango)", "tango"), ("paired t", "t")):
        paired = next(r for r in rows if r.interval == name)
        assert paired.p_value >= ALPHA, (name, paired.coverage, paired.exact, paired.p_value)
        exact = exact_paired_coverage(RUNS, -paired.truth, method=method)
        assert exact == pytest.approx(paired.exact)
