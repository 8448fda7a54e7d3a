"""Calibration against known answers, and the machinery behind it.

The known answer: in the one-rate case the capture time is exponential with the uncertain rate,
so a synthetic history (the 48-hour window one replication at a known rate was caught in) has an
exact posterior (tests/calibrate_cases.py). The weighted design must reproduce that posterior
within its Monte Carlo error, and its 90 % intervals must cover the true rate nine times in ten
over rates drawn from the prior; deliberately wrong weights must fail the same checks.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from calibrate_cases import (
    exact_cdf,
    synthetic_capture,
    window_of,
    write_history,
)
from explore_cases import RATE_HIGH, RATE_LOW, write_case
from scipy.stats import binomtest

import sim
from sim.analysis.calibration import calibrate
from sim.analysis.likelihood import Weights, factor_posteriors
from sim.analysis.posterior import (
    exact_likelihood_ess,
    kish_ess,
    shift_tests,
    systematic_resample,
    weighted_quantiles,
)
from sim.core.streams import seed_sequence
from sim.experiments.calibrate import Stage, observe_replays, plan_calibration
from sim.experiments.executors import ProcessExecutor
from sim.experiments.experiment import InterruptedRun
from sim.experiments.observing import OBSERVED, Observer, _LedgerModel, happened
from sim.experiments.store import ResultsStore, StoreError
from sim.model.replication import Model
from sim.scenario import load_scenario
from sim.scenario.history import Happened, load_history

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history" / "brussels-2015-replay.yaml"
REPLAY = ROOT / "scenarios" / "brussels-2015-replay.yaml"
UNCERTAINTY = ROOT / "scenarios" / "uncertainty" / "brussels-2015.yaml"

#: The shared design of the fast known-answer tests: points and replications per point.
POINTS, RUNS = 120, 20
#: Synthetic histories the fast coverage check draws.
TRIALS = 60


def _rng(name: str) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed_sequence(5, 0, name)))


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-rate")
    uncertainty, reform = write_case(folder)
    return folder, uncertainty, reform


@pytest.fixture(scope="module")
def design(case):
    """The replay (the one-rate scenario itself) at every point of one prior design."""
    folder, uncertainty, _ = case
    plan = plan_calibration(write_history(folder, None, "any"), uncertainty, (), POINTS, seed=3)
    return plan, observe_replays(plan, RUNS, Stage()).days


def _bits(history_path: Path, days: np.ndarray) -> np.ndarray:
    """What each stored replication bears out of a history read off its capture day only."""
    history = load_history(history_path)
    runs = [
        [history.bits(Happened(240.0, None if math.isnan(d) else d * 24)) for d in row]
        for row in days
    ]
    return np.array([[[c == "1" for c in bits] for bits in row] for row in runs], np.uint8)


def _rate(plan, bits: np.ndarray, power: int = 1):
    weights = Weights.of(bits)
    if power != 1:  # a deliberate fault: each point's weight raised to a power
        counts = weights.counts**power
        w = counts / counts.sum()
        weights = Weights(counts, weights.runs, w, kish_ess(w), None)
    found = factor_posteriors(plan.uncertainty, plan.unit, plan.values, weights, _rng("f"))
    return weights, found


def _weighted_cdf(values: np.ndarray, weights: np.ndarray, at: np.ndarray) -> np.ndarray:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return np.interp(at, values[order], cumulative, left=0.0, right=1.0)


@pytest.mark.parametrize("window", [(0.0, 48.0), None], ids=str)
def test_the_weighted_design_finds_the_exact_posterior(case, design, window):
    folder, _, _ = case
    plan, days = design
    weights, _ = _rate(plan, _bits(write_history(folder, window, "exact"), days))
    rates = np.array([v["rate"] for v in plan.values])
    grid = np.linspace(RATE_LOW, RATE_HIGH, 60)
    exact = exact_cdf(window, grid)
    found = _weighted_cdf(rates, weights.weights, grid)
    bound = 1.63 / math.sqrt(weights.ess)  # a 99 % Kolmogorov-Smirnov bound at the ESS
    error = float(np.abs(found - exact).max())
    assert error < bound, (
        f"largest CDF error {error:.3f}, bound {bound:.3f} (ESS {weights.ess:.0f})"
    )
    # The fault it must see: ignoring the record (the prior's equal weights).
    prior = _weighted_cdf(rates, np.ones(rates.size), grid)
    assert float(np.abs(prior - exact).max()) > bound, "the record changes nothing: no test"


FAULTS = ("", "cube", "ignore")


def _coverage(case, design) -> dict[str, tuple[int, float]]:
    """Per way of weighing, how many trials' 90 % intervals cover the true rate, and their mean
    width over the prior's.

    The ways: as the calibration does (``""``); ``cube`` raises each point's weight to the third
    power (an overconfident likelihood, as if the record had been observed three times);
    ``ignore`` weighs every replication alike (the record ignored).
    """
    folder, _, _ = case
    plan, days = design
    rates = np.array([v["rate"] for v in plan.values])
    rng = _rng("trials")
    found: dict[str, list[tuple[bool, float]]] = {fault: [] for fault in FAULTS}
    for t in range(TRIALS):
        rate = float(rng.uniform(RATE_LOW, RATE_HIGH))
        window = window_of(synthetic_capture(folder, rate, seed=99, replication=t))
        bits = _bits(write_history(folder, window, f"trial-{t}"), days)
        for fault in FAULTS:
            weighed = np.ones_like(bits) if fault == "ignore" else bits
            counts = Weights.of(weighed).counts.astype(float) ** (3 if fault == "cube" else 1)
            low, _, high = weighted_quantiles(rates, counts, (0.05, 0.5, 0.95))
            u_low, _, u_high = weighted_quantiles(plan.unit[:, 0], counts, (0.05, 0.5, 0.95))
            found[fault].append((low <= rate <= high, (u_high - u_low) / 0.9))
    return {
        fault: (sum(c for c, _ in rows), float(np.mean([w for _, w in rows])))
        for fault, rows in found.items()
    }


def test_the_90_percent_intervals_cover_the_true_rate_nine_times_in_ten(case, design):
    found = _coverage(case, design)
    covered, width = found[""]
    p = binomtest(covered, TRIALS, 0.9).pvalue
    assert p > 0.001, f"covered {covered} of {TRIALS} (p = {p:.2g} against 0.9)"
    assert width < 0.95, f"posterior 90 % ranges as wide as the prior's ({width:.2f})"
    # The faults it must see: an overconfident likelihood, and weights that ignore the record.
    wrong, _ = found["cube"]
    assert binomtest(wrong, TRIALS, 0.9).pvalue < 0.001, f"cubed weights still cover {wrong}"
    _, flat = found["ignore"]
    assert flat >= 0.95, f"equal weights narrowed the range to {flat:.2f}"


def test_a_factor_the_model_never_reads_is_not_constrained(case, design):
    folder, _, _ = case
    plan, days = design
    _, factors = _rate(plan, _bits(write_history(folder, (0.0, 48.0), "early"), days))
    rate, idle = factors
    assert rate.constrained and rate.p_adjusted <= 0.01, rate
    assert not idle.constrained and idle.p_adjusted > 0.2, idle


@pytest.mark.slow
def test_coverage_over_independent_calibrations(case, tmp_path):
    """Thirty synthetic histories, each calibrated by the whole pipeline with its own seed."""
    folder, uncertainty, _ = case
    rng = _rng("slow trials")
    trials, covered = 30, 0
    for t in range(trials):
        rate = float(rng.uniform(RATE_LOW, RATE_HIGH))
        window = window_of(synthetic_capture(folder, rate, seed=77, replication=t))
        history = write_history(folder, window, f"slow-{t}")
        found = calibrate(history, uncertainty, (), 100, 20, seed=100 + t, draws=20, check_runs=5)
        low, _, high = found.factors[0].posterior
        covered += low <= rate <= high
    assert binomtest(covered, trials, 0.9).pvalue > 0.001, f"covered {covered} of {trials}"


# --- the statistics ---------------------------------------------------------------------------


def test_the_effective_sample_size_and_its_exact_likelihood_estimate():
    assert kish_ess(np.ones(50)) == pytest.approx(50)
    assert kish_ess(np.array([1.0, 0, 0, 0])) == pytest.approx(1)
    # Every point has the same likelihood 0.3, estimated from 40 runs: noise alone spreads the
    # counts, the estimate with exact likelihoods sees through it.
    counts = np.array([12, 8, 15, 11, 13, 10, 9, 14, 12, 16] * 20)
    assert kish_ess(counts / counts.sum()) < 200 < exact_likelihood_ess(counts, 40) + 1e-9
    assert exact_likelihood_ess(np.array([1, 0, 1, 0]), 10) is None  # no point with two


def test_systematic_resampling_gives_each_point_its_share_within_one():
    w = _rng("w").dirichlet(np.ones(37))
    counts = systematic_resample(w, 100, 0.37)
    assert counts.sum() == 100
    assert np.all(np.abs(counts - 100 * w) < 1), (counts, 100 * w)


def test_weighted_quantiles_are_values_of_the_sample():
    values = np.array([3.0, 1.0, 2.0, 5.0])
    assert weighted_quantiles(values, np.array([0, 1, 1, 0.0]), [0.05, 0.5, 0.95]) == [1, 1, 2]
    assert math.isnan(weighted_quantiles(values, np.zeros(4), [0.5])[0])  # no weight


def test_the_shift_test_holds_its_level_and_sees_a_real_shift():
    rng = _rng("shift")
    unit = rng.uniform(size=(300, 2))
    weights = np.exp(-3 * unit[:, 0])  # depends on the first column only
    first, second = shift_tests(unit, weights, 499, rng)
    assert first.p_value < 0.01 and first.distance > 0.1, first
    assert second.p_value > 0.01, second


# --- reading replications ---------------------------------------------------------------------


def test_an_observed_replication_has_the_plain_models_record_and_reads_the_same():
    history = load_history(HISTORY)
    observer = Observer.of(history)
    scenario = load_scenario(REPLAY)
    for r in range(4):
        record = observer.observe(scenario, 1, r)
        bits = record.pop(OBSERVED)
        assert record == Model(scenario, 1, r).run()
        full = Model(scenario, 1, r, ledger=True)
        full.run()
        assert bits == history.bits(happened(full)), r
    # What makes an observed replication cheaper: the full ledger less the bulk false tips'
    # rows (written at the end for sim trace), every other row the same.
    lean = _LedgerModel(scenario, 1, 3, ledger=True)
    lean.run()
    kept = [e for e in full.ledger.entries if e.time_h <= lean.env.now]
    assert len(lean.ledger.entries) < len(kept) / 2
    assert set(lean.ledger.entries) <= set(kept)


def test_the_replays_observations_agree_with_its_trace():
    from sim.outputs.trace import trace

    history = load_history(HISTORY)
    scenario = load_scenario(REPLAY)
    names = [o.name for o in history.observations]
    start = scenario.start
    arrest = (np.datetime64("2016-03-18T16:30") - np.datetime64(start)) / np.timedelta64(1, "h")
    forest = (
        (np.datetime64("2016-03-15T07:00") - np.datetime64(start)) / np.timedelta64(1, "h"),
        (np.datetime64("2016-03-15T15:00") - np.datetime64(start)) / np.timedelta64(1, "h"),
    )
    for r in range(12):
        bits = dict(zip(names, Observer.of(history).observe(scenario, 1, r)[OBSERVED], strict=True))
        told = trace(scenario, 1, r)
        assert bits["cambrai_release"] == "1"  # no flag existed at Cambrai: always released
        at_large = not told.captured or told.end_h >= arrest
        assert bits["at_large"] == str(int(at_large)), r
        escaped = any(
            s.house == "flat-forest"
            and forest[0] <= s.time_h < forest[1]
            and s.outcome.startswith("escaped")
            for s in told.searches
        )
        assert bits["forest_search"] == str(int(escaped)), r


# --- the same answer however it runs, and after a stop ----------------------------------------


def _small(case, **more):
    folder, uncertainty, reform = case
    history = write_history(folder, (48.0, 96.0), "small")
    options = {"draws": 8, "check_runs": 10, "nominal_runs": 40, **more}
    return calibrate(history, uncertainty, [reform], 12, 30, seed=4, **options)


def test_one_process_and_two_give_the_same_calibration(case):
    one = _small(case)
    executor = ProcessExecutor(2)
    try:
        two = _small(case, executor=executor)
    finally:
        executor.close()
    assert two.to_dict() == one.to_dict()
    assert one.menus and one.predictive is not None  # every stage ran


def test_the_replay_read_through_its_ledger_is_the_same_on_two_processes(tmp_path):
    history = tmp_path / "loose.yaml"
    history.write_text(
        "replay: " + str(REPLAY) + "\n"
        "observations:\n"
        "  cambrai: {stop: {place: Cambrai, released: true}, sources: s}\n"
        "  mechelen: {tip: {at: '2015-12-07 10:00', to: Mechelen, searched: false}, sources: s}\n"
        "  late: {not_captured_before: 40, sources: s}\n"
    )
    args = (history, UNCERTAINTY, (), 3, 3)
    one = calibrate(*args, seed=2, draws=3, check_runs=2)
    executor = ProcessExecutor(2)
    try:
        two = calibrate(*args, seed=2, draws=3, check_runs=2, executor=executor)
    finally:
        executor.close()
    assert two.to_dict() == one.to_dict()
    assert one.weights.accepted > 0


def test_an_interrupted_calibration_resumes_to_the_identical_result(case, tmp_path):
    clean = _small(case)
    store = ResultsStore(tmp_path / "results.sqlite")
    calls = []

    def stop_in_the_first_stage(done: int, wanted: int) -> None:
        calls.append(done)
        if done > 0 and len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(InterruptedRun) as stopped:
        _small(case, store=store, progress=stop_in_the_first_stage)
    assert 0 < stopped.value.saved < stopped.value.wanted
    seen: list[tuple[int, int]] = []
    resumed = _small(case, store=store, progress=lambda d, w: seen.append((d, w)))
    assert seen[0][0] == stopped.value.saved  # what was saved is not run again
    assert resumed.to_dict() == clean.to_dict()
    again: list[tuple[int, int]] = []
    _small(case, store=store, progress=lambda d, w: again.append((d, w)))
    assert all(d == w for d, w in again), "a repeated calibration computed something"


def test_edited_observations_are_caught_and_repaired_with_their_record(case, tmp_path):
    from sim.experiments import store_admin

    store = ResultsStore(tmp_path / "results.sqlite")
    _small(case, store=store, nominal_runs=0)
    db = store.connection
    db.execute("UPDATE observations SET observed = '1' WHERE replication = 0")
    with pytest.raises(StoreError, match="fail their checksum"):
        _small(case, store=store, nominal_runs=0)
    bad = list(store_admin.bad_rows(store))
    assert bad and all("observations" in b.problem for b in bad)
    store_admin.repair(store, bad)
    assert not list(store_admin.bad_rows(store))
    fixed = _small(case, store=store, nominal_runs=0)  # the deleted rows are computed again
    assert fixed.to_dict() == _small(case, nominal_runs=0).to_dict()


# --- the result -------------------------------------------------------------------------------


def test_the_result_as_json_frames_records_and_figures(case, tmp_path):
    found = _small(case, store=ResultsStore(tmp_path / "s.sqlite"))
    answer = json.loads(json.dumps(found.to_dict(), allow_nan=False))
    rate = next(f for f in answer["factors"] if f["name"] == "rate")
    assert set(rate["prior"]) >= {"p05", "p50", "p95", "range90"}
    assert set(rate["posterior"]) >= {"p05", "p50", "p95", "range90", "ci95"}
    assert answer["ess"] == found.weights.ess > 1
    assert set(answer["menu"]) == {"nominal", "prior", "posterior"}
    assert len(found.to_frame("factors")) == 2
    assert len(found.to_frame("points")) == 12
    assert set(found.to_frame("menu")["belief"]) == {"nominal", "prior", "posterior"}
    assert found.to_frame("factors").attrs["seed"] == 4
    records = found.records()
    assert len(records) == 12 * 30 and list(records.columns[:2]) == ["scenario", "point"]
    from sim.outputs.figures import calibrate_figures

    assert set(calibrate_figures(found)) == {
        "calibration-factors",
        "calibration-check",
        "calibration-gains",
    }
    assert "calibrate" in sim.__all__ and sim.calibrate.__module__ == "sim.api.commands"
