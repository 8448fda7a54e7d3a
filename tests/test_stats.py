"""The statistics behind every interval the tool prints."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from sim.experiments.stats import (
    holm,
    km_median_days,
    mcnemar_exact,
    newcombe_difference,
    paired_difference,
    paired_p_value,
    paired_proportions,
    survival_curve,
    tango_interval,
    wilson_interval,
)


def test_wilson_matches_its_closed_form():
    k, n, z = 37, 120, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert wilson_interval(k, n) == pytest.approx((centre - half, centre + half))


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (1, 1000)])
def test_wilson_stays_inside_zero_one_at_the_edges(k, n):
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_tango_bounds_are_where_the_score_statistic_reaches_the_critical_value():
    only_a, only_b, n = 14, 5, 200
    low, high = tango_interval(only_a, only_b, n)
    assert low < (only_a - only_b) / n < high

    def score(delta):
        w = -only_a - only_b + (2 * n - only_a + only_b) * delta
        q = (math.sqrt(w * w + 8 * n * only_b * delta * (1 - delta)) - w) / (4 * n)
        return (only_a - only_b - n * delta) / math.sqrt(n * (2 * q + delta * (1 - delta)))

    assert score(low) == pytest.approx(1.959964, abs=1e-4)
    assert score(high) == pytest.approx(-1.959964, abs=1e-4)


def test_tango_keeps_its_width_when_no_replication_differs():
    low, high = tango_interval(0, 0, 100)
    assert low < 0 < high and high == pytest.approx(-low)


def exact_coverage(n: int, p_only_a: float, p_only_b: float) -> float:
    """Coverage of Tango's interval summed over every multinomial outcome."""
    delta = p_only_a - p_only_b
    covered = 0.0
    for a in range(n + 1):
        for b in range(n + 1 - a):
            pmf = scipy_stats.multinomial.pmf(
                [a, b, n - a - b], n, [p_only_a, p_only_b, 1 - p_only_a - p_only_b]
            )
            if pmf < 1e-12:
                continue
            low, high = tango_interval(a, b, n)
            covered += pmf * (low <= delta <= high)
    return covered


@pytest.mark.parametrize(("p_only_a", "p_only_b"), [(0.04, 0.0), (0.1, 0.03)])
def test_tango_covers_about_95_percent_even_with_few_discordant_pairs(p_only_a, p_only_b):
    assert exact_coverage(40, p_only_a, p_only_b) > 0.93  # at or above nominal, never far below


def test_paired_proportions_is_b_minus_a_with_tango_flipped():
    a = np.array([1, 1, 1, 0, 0, 1, 0, 1])
    b = np.array([1, 0, 1, 1, 1, 1, 0, 1])
    diff, (low, high) = paired_proportions(a, b)
    assert diff == pytest.approx(1 / 8)  # one replication only under a, two only under b
    t_low, t_high = tango_interval(1, 2, 8)
    assert (low, high) == pytest.approx((-t_high, -t_low))


def test_paired_t_interval_on_continuous_values():
    values = np.array([0.1, -0.2, 0.3, 0.05, 0.0, 0.15])
    mean, (low, high) = paired_difference(np.zeros_like(values), values)
    t = scipy_stats.t.ppf(0.975, len(values) - 1)
    half = t * values.std(ddof=1) / math.sqrt(len(values))
    assert mean == pytest.approx(values.mean())
    assert (low, high) == pytest.approx((values.mean() - half, values.mean() + half))


def test_newcombe_is_wider_than_its_parts_and_centred_near_the_difference():
    diff, (low, high) = newcombe_difference(40, 100, 60, 100)
    assert diff == pytest.approx(0.2)
    assert low < 0.2 < high
    la, ua = wilson_interval(40, 100)
    assert high - low > ua - la


def test_kaplan_meier_median_with_censoring_at_the_horizon():
    days = [1, 2, 3, math.nan, 5, 6, math.nan]
    assert km_median_days(days, 10) == 5.0
    assert km_median_days([1, math.nan, math.nan], 10) is None  # fewer than half caught


def test_survival_curve_steps_down_at_each_capture_and_has_a_band():
    curve = survival_curve([2.0, 4.0, math.nan, math.nan], 10)
    assert list(curve.days) == [2.0, 4.0, 10.0]  # the censoring time closes the curve
    assert list(curve.at_large) == pytest.approx([0.75, 0.5, 0.5])
    assert all(curve.low <= curve.at_large) and all(curve.at_large <= curve.high)
    nobody = survival_curve([math.nan] * 5, 10)
    assert nobody.median() == (None, (None, None))


def test_the_survival_band_is_the_log_log_one():
    """The band is exp(-exp(log(-log S) ± z·se)) with se from Greenwood's variance, by hand."""
    import math

    import numpy as np

    from sim.experiments.stats import survival_curve

    days = [1.0, 2.0, 2.0, 3.0, 5.0, 8.0, math.nan, math.nan, 4.0, 6.0]
    curve = survival_curve(days, 10.0)
    times = sorted(d for d in days if not math.isnan(d))
    at_risk, s, greenwood = len(days), 1.0, 0.0
    for t in sorted(set(times)):
        d = times.count(t)
        s *= 1 - d / at_risk
        greenwood += d / (at_risk * (at_risk - d)) if at_risk > d else 0.0
        at_risk -= d
        i = int(np.flatnonzero(curve.days == t)[0])
        assert curve.at_large[i] == pytest.approx(s)
        if 0 < s < 1:
            se = math.sqrt(greenwood) / abs(math.log(s))
            z = 1.959963984540054
            low, high = (s ** math.exp(-z * se), s ** math.exp(z * se))
            assert (curve.low[i], curve.high[i]) == pytest.approx(
                (min(low, high), max(low, high)), rel=1e-6
            )
    assert ((curve.low >= 0) & (curve.high <= 1)).all()


# --- paired p-values and multiplicity -------------------------------------------------------


def test_mcnemar_exact_is_the_binomial_test_on_the_discordant_pairs():
    # The night-search example: 31 replications favour the reform, 14 the baseline.
    assert mcnemar_exact(14, 31) == pytest.approx(0.01609, abs=5e-5)
    assert mcnemar_exact(14, 31) == mcnemar_exact(31, 14)
    assert mcnemar_exact(0, 0) == 1.0
    # 4 against 0: 2 * (1/2)^4.
    assert mcnemar_exact(0, 4) == pytest.approx(0.125)


def test_paired_p_value_counts_only_the_replications_that_differ():
    a = [1, 1, 0, 0, 1, 0, 0, 0]
    b = [1, 0, 1, 1, 1, 1, 1, 0]  # one favours a, four favour b
    assert paired_p_value(a, b) == pytest.approx(mcnemar_exact(1, 4))


def test_an_exact_p_below_five_percent_always_comes_with_a_tango_interval_clear_of_zero():
    disagreeing = []
    for only_a in range(0, 61):
        for only_b in range(0, 61):
            low, high = tango_interval(only_a, only_b, 1000)
            if mcnemar_exact(only_a, only_b) < 0.05 and low <= 0 <= high:
                disagreeing.append((only_a, only_b))
    assert not disagreeing, disagreeing


def test_holm_matches_its_step_down_definition():
    # sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, then 0.04*1 lifted to 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([]) == []
    assert holm([0.2]) == [0.2]
    assert holm([0.5, 0.9]) == [1.0, 1.0]


@pytest.mark.parametrize("seed", range(5))
def test_holm_lies_between_the_raw_p_values_and_bonferroni(seed):
    rng = np.random.Generator(np.random.PCG64(seed))
    p = list(rng.uniform(0, 0.2, size=7))
    adjusted = holm(p)
    for raw, adj in zip(p, adjusted, strict=True):
        assert raw <= adj <= min(1.0, 7 * raw) + 1e-12
    # The order of the raw p-values is kept.
    assert np.all(np.diff(np.array(adjusted)[np.argsort(p)]) >= -1e-12)
