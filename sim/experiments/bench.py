"""The benchmark behind ``sim bench``: speed and memory of the model, measured in one run.

Figures (all from one invocation, so ratios compare like with like on a noisy machine):

``simpy_events_per_s``
    a bare simpy timeout loop in this process (measured before each round of replications, and
    averaged): the speed of this machine for simpy work.
``reps_per_s``, ``model_events_per_s``
    replications of brussels-2015 in this process, and the simpy events they scheduled, per
    second of this process's CPU time (over all the rounds below).
``reps_per_simpy_mevent``
    replications per second divided by the bare loop's millions of events per second: the
    model's speed in a unit that does not depend on the machine. Measured in ten rounds, each a
    bare loop and then a tenth of the replications, each round's time counted in the bare
    events the machine ran per second just before it (:meth:`Rounds.reps_per_simpy_mevent`):
    on a shared machine whose speed drifts by a fifth within a minute, the two halves of the
    ratio are measured a second apart instead of a minute (revision 3 measured about 29 on the
    project's machine; revision 4's targets are in ``sim bench``'s table). ``event_rate_ratio``
    (model events over bare events per second) is kept for comparison with earlier runs: it
    measures logic per event, and falls when the model does the same work with fewer events.
``compiled``
    1 when the per-tip modules run as compiled extensions (the optional mypyc build), else 0.
``speedup_2_procs``
    wall time of the same replications on one process over two (process start-up included), the
    best of two alternated measurements of each.
``speedup_2_procs_warm``
    the same on a pool whose workers were started and had run one replication before the clock
    started: what two processes give once started. The gap between the two speed-ups is what
    starting the workers costs: little where they are forked (Linux, this process alone on its
    thread), since they inherit this process's imports and its prepared scenario; about a
    second each where they are spawned and import everything again. What is left below 2 is
    the two processes slowing each other (shared caches and memory) and this one collecting
    their records.
``peak_rss_mb_1k`` and ``peak_rss_mb_10k``
    peak resident memory of a fresh ``sim run`` subprocess (and its workers) doing 1,000 and 10,000
    replications with a results store: flat when nothing per replication stays in memory.
``seconds_10k``
    wall time of that 10,000-replication run on two processes.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

import simpy

from sim.experiments.executors import ProcessExecutor, SerialExecutor
from sim.experiments.experiment import Experiment
from sim.model.replication import run_replication
from sim.scenario import Scenario, load_scenario

#: The scenario timed by default: the bundled brussels-2015 (sim/experiments/ is two levels down).
BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "brussels-2015.yaml"

Say = Callable[[str], None]


def bare_simpy_rate(events: int = 500_000) -> float:
    """Events per CPU second of a bare simpy loop that only yields timeouts."""
    env = simpy.Environment()

    def loop() -> Generator[simpy.Event, object, None]:
        while True:
            yield env.timeout(1)

    env.process(loop())
    started = time.process_time()
    env.run(until=events)
    return events / (time.process_time() - started)


def model_rate(scenario: Scenario, runs: int, seed: int = 1) -> tuple[float, float]:
    """(replications, simpy events) per CPU second of the model in this process."""
    run_replication(scenario, seed, runs)  # warm: the scenario's plan and the matchers' caches
    elapsed, events = _timed(scenario, seed, range(runs))
    return runs / elapsed, events / elapsed


def _timed(scenario: Scenario, seed: int, replications: range) -> tuple[float, int]:
    """(CPU seconds, simpy events) of these replications in this process."""
    events = 0
    started = time.process_time()
    for replication in replications:
        events += int(run_replication(scenario, seed, replication)["sim_events"])
    return time.process_time() - started, events


@dataclass(frozen=True)
class Rounds:
    """The model's speed and the bare loop's, measured side by side in short rounds.

    A round is a bare simpy loop and then a slice of the replications. Attributes, per round:

    Attributes:
        runs: its replications.
        seconds: their CPU seconds.
        events: the simpy events they scheduled.
        bare: its bare loop's events per CPU second.
    """

    runs: tuple[int, ...]
    seconds: tuple[float, ...]
    events: tuple[int, ...]
    bare: tuple[float, ...]

    @property
    def reps_per_s(self) -> float:
        """Replications per CPU second over all rounds."""
        return sum(self.runs) / sum(self.seconds)

    @property
    def events_per_s(self) -> float:
        """The replications' simpy events per CPU second over all rounds."""
        return sum(self.events) / sum(self.seconds)

    @property
    def simpy_events_per_s(self) -> float:
        """The bare loop's events per CPU second, the mean over the rounds."""
        return statistics.fmean(self.bare)

    @property
    def reps_per_simpy_mevent(self) -> float:
        """Replications per million bare events: each round's time counted in its own bare events.

        A round's CPU seconds times its bare loop's events per second is what the round cost in
        bare simpy events at the speed the machine had then; the replications of all rounds over
        the sum of those costs is steady when the machine's speed drifts, and does not depend on
        how long the replications of one round happen to be (early captures are short).
        """
        cost = sum(s * b for s, b in zip(self.seconds, self.bare, strict=True))
        return sum(self.runs) / (cost / 1e6)


def rounds(scenario: Scenario, runs: int, count: int = 10, seed: int = 1) -> Rounds:
    """Time ``runs`` replications in ``count`` rounds, each after its own bare simpy loop.

    On a shared machine the speed of the cores moves within seconds (a neighbour's burst): a
    ratio of two measurements taken a second apart is steadier than one of two taken a minute
    apart.
    """
    run_replication(scenario, seed, runs)  # warm: the scenario's plan and the matchers' caches
    count = max(1, min(count, runs))
    bounds = [k * runs // count for k in range(count + 1)]
    sizes, seconds, events, bare = [], [], [], []
    for lo, hi in itertools.pairwise(bounds):
        bare.append(bare_simpy_rate(200_000))
        elapsed, scheduled = _timed(scenario, seed, range(lo, hi))
        sizes.append(hi - lo)
        seconds.append(elapsed)
        events.append(scheduled)
    return Rounds(tuple(sizes), tuple(seconds), tuple(events), tuple(bare))


def compiled() -> bool:
    """True when the per-tip path runs as compiled extension modules (the mypyc build)."""
    from sim.model import agency

    return not agency.__file__.endswith(".py")


def experiment_seconds(
    scenario: Scenario, runs: int, jobs: int, seed: int = 2, warm: bool = False
) -> float:
    """Wall time of ``runs`` replications through the experiment layer on ``jobs`` processes.

    With ``warm``, a pool's workers are started and run one replication before the clock starts
    (one process has nothing to start).
    """
    started = time.perf_counter()
    executor = SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
    if warm and isinstance(executor, ProcessExecutor):
        try:
            executor.warm(scenario)
        except BaseException:
            executor.close()
            raise
        started = time.perf_counter()
    experiment = Experiment([scenario], seed, executor=executor)
    try:
        experiment.ensure(runs)
        experiment.tallies(runs)
    finally:
        experiment.close()
    return time.perf_counter() - started


def peak_memory_run(path: Path, runs: int, jobs: int) -> tuple[float, float]:
    """(peak RSS in MB over the process and its workers, seconds) of a fresh ``sim run``."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "bench.sqlite"
        code = (
            "import json, resource, sys, time; from sim.cli import main; "
            "t = time.perf_counter()\n"
            "try:\n main()\nexcept SystemExit:\n pass\n"
            "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
            "print(json.dumps({'rss_kb': max(own, kids), 'seconds': time.perf_counter() - t}), "
            "file=sys.stderr)"
        )
        argv = [
            sys.executable,
            "-c",
            code,
            "run",
            str(path),
            "--runs",
            str(runs),
            "--seed",
            "3",
            "--jobs",
            str(jobs),
            "--store",
            str(store),
            "--quiet",
            "--json",
        ]
        done = subprocess.run(argv, capture_output=True, text=True, check=True)
        figures = json.loads(done.stderr.strip().splitlines()[-1])
    return figures["rss_kb"] / 1024, figures["seconds"]


def bench(
    scenario_path: Path = BUNDLED,
    runs: int = 300,
    speedup_runs: int = 600,
    with_10k: bool = True,
    say: Say | None = None,
    memory_runs: tuple[int, int] = (1000, 10_000),
) -> dict[str, float]:
    """Measure everything and return the figures (see the module docstring).

    Args:
        scenario_path: the scenario timed.
        runs: replications for the rates in one process.
        speedup_runs: replications for each 1- and 2-process measurement.
        with_10k: also run the larger memory run.
        say: called with a line of progress before each step.
        memory_runs: the small and the large memory run (the figures keep their names
            ``..._1k`` and ``..._10k``; smaller values are for testing the bench itself).
    """
    say = say or (lambda _text: None)
    scenario = load_scenario(scenario_path)
    figures: dict[str, float] = {}
    say(f"{runs} replications in one process, in 10 rounds beside a bare simpy loop...")
    timed = rounds(scenario, runs)
    figures["reps_per_s"] = timed.reps_per_s
    figures["model_events_per_s"] = timed.events_per_s
    figures["simpy_events_per_s"] = timed.simpy_events_per_s
    figures["reps_per_simpy_mevent"] = timed.reps_per_simpy_mevent
    figures["event_rate_ratio"] = figures["model_events_per_s"] / figures["simpy_events_per_s"]
    figures["compiled"] = float(compiled())
    say(f"{speedup_runs} replications on 1 and 2 processes (and a warm pool), twice...")
    # Alternated and the best of two kept for each: a neighbour's burst on a shared machine
    # slows one measurement, and the best time is the one closest to what the code costs.
    times: dict[tuple[int, bool], list[float]] = {}
    for _ in range(2):
        for jobs, warm in ((1, False), (2, False), (2, True)):
            seconds = experiment_seconds(scenario, speedup_runs, jobs, warm=warm)
            times.setdefault((jobs, warm), []).append(seconds)
    serial = min(times[1, False])
    figures["speedup_2_procs"] = serial / min(times[2, False])
    figures["speedup_2_procs_warm"] = serial / min(times[2, True])
    small, large = memory_runs
    say(f"peak memory of {small:,} replications...")
    figures["peak_rss_mb_1k"], figures["seconds_1k"] = peak_memory_run(scenario_path, small, 2)
    if with_10k:
        say(f"peak memory and time of {large:,} replications (about a minute or two)...")
        figures["peak_rss_mb_10k"], figures["seconds_10k"] = peak_memory_run(
            scenario_path, large, 2
        )
    figures["cpu_count"] = float(os.cpu_count() or 1)
    return {k: round(v, 3) for k, v in figures.items()}
