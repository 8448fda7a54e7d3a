"""The Dask executor on a local cluster: same records as one process, even when a worker dies."""

import os
import signal
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the optional extra 'dask' is not installed"
)

from sim.experiments.executors import DaskExecutor  # noqa: E402
from sim.experiments.experiment import Experiment  # noqa: E402
from sim.experiments.store import ResultsStore  # noqa: E402
from sim.scenario import load_scenario, scenario_hash  # noqa: E402

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


def stored(path, scenario, seed):
    return list(ResultsStore(path).records(scenario_hash(scenario), seed))


def test_dask_records_equal_one_process_records(cluster, tmp_path):
    scenario = load_scenario(MINIMAL)
    Experiment([scenario], 6, ResultsStore(tmp_path / "serial.sqlite")).ensure(60)
    executor = DaskExecutor(client=cluster)
    Experiment([scenario], 6, ResultsStore(tmp_path / "dask.sqlite"), executor).ensure(60)
    assert stored(tmp_path / "dask.sqlite", scenario, 6) == stored(
        tmp_path / "serial.sqlite", scenario, 6
    )


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster, tmp_path):
    scenario = load_scenario(MINIMAL)
    Experiment([scenario], 8, ResultsStore(tmp_path / "serial.sqlite")).ensure(120)
    pids = cluster.run(os.getpid)
    killed = []

    def kill_one_worker(done: int, wanted: int) -> None:
        if 0 < done < wanted and not killed:
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    executor = DaskExecutor(client=cluster)
    store = ResultsStore(tmp_path / "dask.sqlite")
    Experiment([scenario], 8, store, executor, kill_one_worker).ensure(120)
    assert killed, "the test never killed a worker"
    got = stored(tmp_path / "dask.sqlite", scenario, 8)
    assert [r["replication"] for r in got] == list(range(120))
    assert got == stored(tmp_path / "serial.sqlite", scenario, 8)


def test_an_exploration_on_dask_equals_one_process(cluster, tmp_path):
    pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")
    from explore_cases import write_case

    from sim.analysis.exploration import explore

    uncertainty, reform = write_case(tmp_path / "case")
    one = explore(uncertainty, [reform], "morris", 3, 40, seed=4)
    on_dask = explore(
        uncertainty, [reform], "morris", 3, 40, seed=4, executor=DaskExecutor(client=cluster)
    )
    assert on_dask.to_dict() == one.to_dict()


def test_a_calibration_on_dask_equals_one_process(cluster, tmp_path):
    pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")
    from calibrate_cases import write_history
    from explore_cases import write_case

    from sim.analysis.calibration import calibrate

    uncertainty, reform = write_case(tmp_path / "case")
    history = write_history(tmp_path / "case", (48.0, 96.0), "record")
    options = {"draws": 8, "check_runs": 10, "nominal_runs": 40}
    one = calibrate(history, uncertainty, [reform], 12, 30, seed=4, **options)
    on_dask = calibrate(
        history,
        uncertainty,
        [reform],
        12,
        30,
        seed=4,
        executor=DaskExecutor(client=cluster),
        **options,
    )
    assert on_dask.to_dict() == one.to_dict()
    assert one.menus and one.predictive is not None


BRUSSELS = Path(__file__).resolve().parents[1] / "scenarios" / "brussels-2015.yaml"


def test_a_worker_running_batches_in_threads_gives_the_same_records(tmp_path):
    # `dask worker` runs as many tasks at once as it has threads (all cores by default): the
    # replications of one process then share its random bit generator.
    import sys

    scenario = load_scenario(BRUSSELS)
    Experiment([scenario], 4, ResultsStore(tmp_path / "serial.sqlite")).ensure(24)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        with (
            distributed.LocalCluster(
                n_workers=1, threads_per_worker=4, processes=False, dashboard_address=":0"
            ) as local,
            distributed.Client(local) as client,
        ):
            executor = DaskExecutor(client=client)
            store = ResultsStore(tmp_path / "threads.sqlite")
            Experiment([scenario], 4, store, executor).ensure(24)
    finally:
        sys.setswitchinterval(switch)
    assert stored(tmp_path / "threads.sqlite", scenario, 4) == stored(
        tmp_path / "serial.sqlite", scenario, 4
    )
