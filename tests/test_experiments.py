"""The experiments layer: executors, the results store, resumption, precision targets."""

import json
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sim.experiments.compare import compare
from sim.experiments.executors import Batch, ProcessExecutor, SerialExecutor, run_batch
from sim.experiments.experiment import Experiment, InterruptedRun
from sim.experiments.runner import run
from sim.experiments.store import ResultsStore
from sim.scenario import load_scenario, scenario_hash

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "scenarios" / "minimal.yaml"
BUNDLED = HERE.parent / "scenarios"


@pytest.fixture(scope="module")
def minimal():
    return load_scenario(MINIMAL)


def records_of(store: ResultsStore, scenario, seed: int) -> list[dict]:
    return list(store.records(scenario_hash(scenario), seed))


def test_batches_are_the_same_records_whichever_executor_runs_them(minimal):
    batch = Batch(scenario_hash(minimal), minimal, 5, (0, 1, 2, 3))
    serial = list(SerialExecutor().run([batch]))
    pool = ProcessExecutor(2)
    try:
        parallel = list(pool.run([batch]))
    finally:
        pool.close()
    # Compared as JSON: an uncaptured run's capture_day is NaN, and NaN != NaN once unpickled.
    same = [json.dumps(records[0][1]) for records in (serial, parallel, [run_batch(batch)])]
    assert same[0] == same[1] == same[2]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_one_and_two_processes_store_identical_records(minimal, tmp_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} on this system")
    one, two = ResultsStore(tmp_path / "one.sqlite"), ResultsStore(tmp_path / "two.sqlite")
    Experiment([minimal], 9, one, SerialExecutor()).ensure(60)
    pool = ProcessExecutor(2, method=method)
    try:
        Experiment([minimal], 9, two, pool).ensure(60)
    finally:
        pool.close()
    assert records_of(one, minimal, 9) == records_of(two, minimal, 9)
    assert len(records_of(one, minimal, 9)) == 60


START = """
import signal, sys, threading
from sim.experiments.executors import ProcessExecutor, start_method

def handled():
    return signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, signal.getsignal(signal.SIGINT)

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: None)  # as the command's stop handler does
    alone = start_method()
    pool = ProcessExecutor(1)
    in_worker = pool._pool.submit(handled).result()
    pool.close()
    busy = threading.Event()
    other = threading.Thread(target=busy.wait)
    other.start()
    beside_a_thread = start_method()
    busy.set()
    other.join()
    print(alone, pool.method, beside_a_thread, in_worker[0], in_worker[1] is signal.SIG_IGN)
"""


def test_pools_fork_only_while_alone_and_forked_workers_drop_the_parents_handlers(tmp_path):
    """Fork on Linux with one thread, spawn beside another; SIGTERM ends a forked worker."""
    script = tmp_path / "start.py"
    script.write_text(START, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    alone = "fork" if sys.platform.startswith("linux") else "spawn"
    assert done.stdout.split() == [alone, alone, "spawn", "True", "True"], done.stderr


def test_rerun_reuses_the_store_and_computes_nothing(minimal, tmp_path):
    store = ResultsStore(tmp_path / "r.sqlite")
    first = run(minimal, runs=40, seed=2, store=store)
    calls = []
    second = run(minimal, runs=40, seed=2, store=store, progress=lambda d, w: calls.append((d, w)))
    assert first == second
    assert calls == [(40, 40)]  # everything was already there


def test_an_interrupted_run_resumes_to_the_uninterrupted_result(minimal, tmp_path):
    clean = run(minimal, runs=80, seed=4)

    store = ResultsStore(tmp_path / "i.sqlite")

    def stop_after_some(done: int, wanted: int) -> None:
        if done >= 30:
            raise KeyboardInterrupt

    experiment = Experiment([minimal], 4, store, SerialExecutor(), stop_after_some)
    with pytest.raises(InterruptedRun) as stopped:
        experiment.ensure(80)
    saved = len(store.done(scenario_hash(minimal), 4, 80))
    assert stopped.value.saved == saved and 30 <= saved < 80
    assert run(minimal, runs=80, seed=4, store=store) == clean


def test_records_of_another_model_revision_are_ignored(minimal, tmp_path, monkeypatch):
    store = ResultsStore(tmp_path / "m.sqlite")
    run(minimal, runs=10, seed=1, store=store)
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "next")
    assert store.done(scenario_hash(minimal), 1, 10) == set()


def test_store_survives_a_writer_that_never_committed(minimal, tmp_path):
    path = tmp_path / "crash.sqlite"
    store = ResultsStore(path)
    run(minimal, runs=10, seed=1, store=store)
    raw = sqlite3.connect(path)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("DELETE FROM records")  # a transaction cut off before COMMIT
    raw.close()
    assert len(ResultsStore(path).done(scenario_hash(minimal), 1, 10)) == 10


def test_precision_target_adds_replications_until_met(minimal):
    loose = run(minimal, runs=50, seed=3)
    tight = run(minimal, runs=50, seed=3, precision=0.04, max_runs=5000)
    assert tight.runs > loose.runs
    assert (tight.ci95[1] - tight.ci95[0]) / 2 <= 0.04


def test_max_runs_bounds_a_precision_target(minimal):
    bounded = run(minimal, runs=50, seed=3, precision=0.001, max_runs=120)
    assert bounded.runs == 120


def test_paired_interval_is_narrower_than_the_unpaired_one():
    frag = load_scenario(BUNDLED / "brussels-2015.yaml")
    cent = load_scenario(BUNDLED / "brussels-2015-centralised.yaml")
    result = compare([frag, cent], runs=150, seed=1)
    (diff,) = result.differences
    paired = diff.ci95[1] - diff.ci95[0]
    unpaired = diff.unpaired_ci95[1] - diff.unpaired_ci95[0]
    assert paired < unpaired, f"paired width {paired:.3f} vs unpaired {unpaired:.3f}"
    assert diff.replications_that_differ < 150
    assert json.loads(json.dumps(result.to_dict()))["differences"][0]["a"] == "brussels-2015"


def test_json_summary_has_the_promised_fields(minimal):
    out = run(minimal, runs=20, seed=0).to_dict()
    for key in (
        "scenario",
        "scenario_hash",
        "seed",
        "runs",
        "captured",
        "capture_rate",
        "ci95",
        "median_days_to_capture",
        "metrics",
    ):
        assert key in out
    assert out["metrics"]["tips_true"] >= 0
