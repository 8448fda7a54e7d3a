"""``sim explore`` against known answers: one uncertain rate, a number the model never reads.

The scenario (tests/explore_cases.py) captures him with probability 1 - exp(-λT) and the reform
adds calls, so the baseline's capture probability and the reform's gain at every design point
have closed forms. Under common random numbers replication r's first call comes at E_r / λ for
the same E_r at every point, so a point's estimate is the empirical distribution function of
those E_r at λT: its largest error over all points obeys the Kolmogorov-Smirnov bound.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from explore_cases import HORIZON, capture, gain, write_case

from sim.analysis.exploration import explore
from sim.experiments.executors import ProcessExecutor
from sim.experiments.experiment import InterruptedRun
from sim.experiments.store import ResultsStore

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")

RUNS = 300
#: 99 % Kolmogorov-Smirnov bound on an empirical distribution function of RUNS draws.
KS99 = 1.63 / math.sqrt(RUNS)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return write_case(tmp_path_factory.mktemp("one-rate"))


@pytest.fixture(scope="module")
def latin(case):
    uncertainty, reform = case
    return explore(uncertainty, [reform], "lhs", 40, RUNS, seed=11)


def _rates(exploration) -> np.ndarray:
    return np.array([v["rate"] for v in exploration.run.values])


def test_the_baseline_matches_one_minus_exp_of_minus_lambda_t_at_every_point(latin):
    rates = _rates(latin)
    expected = np.array([capture(r) for r in rates])
    error = np.abs(latin.run.capture(0) - expected).max()
    assert error < KS99, f"largest error {error:.3f} over {len(rates)} points, bound {KS99:.3f}"


def test_the_reform_gain_matches_its_closed_form_point_by_point_and_in_distribution(latin):
    rates = _rates(latin)
    expected = np.array([gain(r) for r in rates])
    observed = latin.run.capture(1) - latin.run.capture(0)
    # The reform's captures are a superset of the baseline's (its first call comes no later),
    # so a gain is one empirical distribution function minus another: twice the bound.
    assert np.abs(observed - expected).max() < 2 * KS99
    reform = latin.reforms[0]
    # Gains fall with λ, so the analytic 5th/50th/95th percentiles are at the 95th/50th/5th of λ.
    for q, seen in ((5, reform.gain_p05), (50, reform.gain_median), (95, reform.gain_p95)):
        analytic = gain(np.percentile(rates, 100 - q))
        assert seen == pytest.approx(analytic, abs=2 * KS99), (q, seen, analytic)


def test_with_one_reform_it_always_ranks_first_with_no_regret(latin):
    reform = latin.reforms[0]
    assert reform.rank1_probability == 1.0
    assert reform.regret_median == reform.regret_p90 == 0.0
    assert reform.share_clear_harm == 0.0


def test_a_factor_the_model_never_reads_gets_mu_star_zero_exactly(case):
    uncertainty, reform = case
    exploration = explore(uncertainty, [reform], "morris", 8, 100, seed=3)
    for output in exploration.outputs:
        idle = next(i for i in output.indices if i.unit == "idle_staff")
        rate = next(i for i in output.indices if i.unit == "rate")
        assert idle.values["mu_star"] == 0.0 and idle.values["sigma"] == 0.0, output.name
        assert rate.values["mu_star"] > 5 * rate.values["noise_floor"] > 0, (output.name, rate)


def test_sobol_puts_all_the_weight_on_the_rate(case):
    uncertainty, reform = case
    exploration = explore(uncertainty, [reform], "sobol", 16, 100, seed=5)
    for output in exploration.outputs:
        by_unit = {i.unit: i for i in output.indices}
        assert by_unit["idle_staff"].values["st"] == 0.0, output.name
        assert by_unit["rate"].values["st"] == pytest.approx(1.0, abs=0.25), output.name
        assert by_unit["rate"].values["s1"] == pytest.approx(1.0, abs=0.3), output.name


def test_prim_finds_where_the_reform_stops_paying_on_the_rate(latin):
    # The gain falls below 0.02 only where calls are frequent: gain(λ) < 0.02 for λT > ~3.5.
    box = next(b for b in latin.boxes if b.case == "stops_paying")
    assert box.cases > 0
    assert [limit.factor for limit in box.limits] == ["rate"]
    assert box.limits[0].low is not None and box.limits[0].high is None
    # The true boundary: gain(λ*) = 0.02.
    boundary = -math.log(0.02 / (1 - math.exp(-HORIZON / 240))) / HORIZON
    assert box.limits[0].low == pytest.approx(boundary, rel=0.3)
    assert box.density > 0.8 and box.coverage > 0.8
    assert "rate" not in box.sentence and "how often informants call is at least" in box.sentence


def test_the_json_answer_has_factors_reforms_and_boxes(latin):
    out = latin.to_dict()
    assert [f["name"] for f in out["factors"]] == ["rate", "idle_staff"]
    assert set(out["factors"][0]["indices"]) == {"capture", "gain:more-informants"}
    (reform,) = out["reforms"]
    assert {"name", "gain", "share_clear_gain", "rank1_probability", "regret"} <= set(reform)
    assert out["boxes"] and {"coverage", "density", "limits", "sentence"} <= set(out["boxes"][0])


def test_frames_have_one_row_per_factor_reform_and_point(latin):
    assert list(latin.to_frame()["name"]) == ["rate", "idle_staff"]
    assert list(latin.to_frame("reforms")["name"]) == ["more-informants"]
    points = latin.to_frame("points")
    assert len(points) == 40 and {"rate", "capture", "gain:more-informants"} <= set(points)
    with pytest.raises(ValueError, match="unknown table"):
        latin.to_frame("nothing")


def test_one_process_and_two_give_the_same_exploration(case, tmp_path):
    uncertainty, reform = case
    one = explore(uncertainty, [reform], "morris", 4, 60, seed=7)
    executor = ProcessExecutor(2)
    try:
        two = explore(uncertainty, [reform], "morris", 4, 60, seed=7, executor=executor)
    finally:
        executor.close()
    assert two.to_dict() == one.to_dict()


def test_an_interrupted_exploration_resumes_to_the_identical_result(case, tmp_path):
    uncertainty, reform = case
    clean = explore(uncertainty, [reform], "morris", 4, 60, seed=9)
    store = ResultsStore(tmp_path / "results.sqlite")
    calls = []

    def stop_after_the_first_batch(done: int, wanted: int) -> None:
        calls.append(done)
        if done > 0 and len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(InterruptedRun) as stopped:
        explore(
            uncertainty,
            [reform],
            "morris",
            4,
            60,
            seed=9,
            store=store,
            progress=stop_after_the_first_batch,
        )
    assert 0 < stopped.value.saved < stopped.value.wanted
    seen = []
    resumed = explore(
        uncertainty,
        [reform],
        "morris",
        4,
        60,
        seed=9,
        store=store,
        progress=lambda done, wanted: seen.append((done, wanted)),
    )
    assert seen[0][0] == stopped.value.saved  # what was saved is not run again
    assert resumed.to_dict() == clean.to_dict()


def test_a_repeated_point_is_free(case, tmp_path):
    uncertainty, reform = case
    store = ResultsStore(tmp_path / "results.sqlite")
    explore(uncertainty, [reform], "lhs", 5, 40, seed=2, store=store)
    seen = []
    explore(
        uncertainty,
        [reform],
        "lhs",
        5,
        40,
        seed=2,
        store=store,
        progress=lambda done, wanted: seen.append((done, wanted)),
    )
    assert seen == [(seen[0][1], seen[0][1])]


def test_a_combination_of_valid_ends_that_is_invalid_names_the_design_point(case, tmp_path):
    import yaml

    from sim.scenario import ScenarioError

    uncertainty, _ = case
    scenario = yaml.safe_load((uncertainty.parent / "one-rate.yaml").read_text())
    scenario["tips"]["noise"] = [
        {
            "rate": "1/day",
            "reporters": {"Police": 1},
            "names_fugitive": 0.4,
            "names_others": 0.4,
            "sources": "assumption",
        }
    ]
    (tmp_path / "one-rate.yaml").write_text(yaml.safe_dump(scenario))
    shares = {
        f"share_{key}": {
            "paths": [f"tips.noise.0.{key}"],
            "uniform": {"low": 0.1, "high": 0.6},
            "sources": "judgement",
        }
        for key in ("names_fugitive", "names_others")
    }
    bad = tmp_path / "u.yaml"
    bad.write_text(yaml.safe_dump({"scenario": "one-rate.yaml", "factors": shares}))
    with pytest.raises(ScenarioError) as err:
        explore(bad, [], "lhs", 20, 5, seed=1)
    message = str(err.value)
    assert "design point" in message and "names_fugitive + names_others is more than 1" in message
    assert "narrow the ranges" in message


def test_a_box_that_restricts_no_factor_says_the_cases_are_spread_over_the_space():
    from sim.analysis.discovery import Box, _with_sentence

    box = _with_sentence(Box("reform-x", "is_beaten", None, 9, 25, 1.0, 0.36, 1.0))
    assert box.sentence == (
        "reform-x is beaten by another reform at 36% of the points, spread over the space: "
        "PRIM finds no range of the factors that holds them."
    )
