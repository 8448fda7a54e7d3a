"""Many replications of one scenario: what ``sim run`` and :func:`sim.run` do.

Replication *r* of a scenario with seed *s* is fully determined by (scenario, s, r); the runner
decides how many to run (a fixed number, or until the capture probability is known to a target
precision), where (executor) and where their records are kept (store), and summarises them.
"""

from __future__ import annotations

from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.stats import half_width
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally
from sim.scenario import Scenario
from sim.version import __version__


def run(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
    *,
    precision: float | None = None,
    max_runs: int = 100_000,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
) -> Summary:
    """Run replications of ``scenario`` and summarise them.

    Args:
        scenario: a validated scenario (see :func:`sim.load_scenario`).
        runs: number of replications (>= 1); with ``precision``, the number to start with.
        seed: master seed (>= 0); the same seed gives the same numbers, whatever the executor.
        precision: keep going until the 95 % interval's half-width is at most this.
        max_runs: the most replications a precision target may ask for.
        store: where records are kept and reused (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called with (done, wanted) as replications finish.
        preflight: told what is about to run before it starts (it may refuse it).

    Returns:
        The summary: capture probability with its Wilson interval, median days, counter means.
    """
    return run_tallied(
        scenario,
        runs,
        seed,
        precision=precision,
        max_runs=max_runs,
        store=store,
        executor=executor,
        progress=progress,
        preflight=preflight,
    )[0]


def run_tallied(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
    *,
    precision: float | None = None,
    max_runs: int = 100_000,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
) -> tuple[Summary, Tally]:
    """:func:`run`, and the tally the summary was made from (for figures: no second read).

    Arguments as for :func:`run`.
    """
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    experiment = Experiment(
        [scenario], seed, store, executor, progress, __version__, preflight=preflight
    )
    tallies = experiment.run(runs, precision, max_runs, _capture_half_width)
    return experiment.summaries(tallies)[0], tallies[0]


def _capture_half_width(tallies: list[Tally]) -> float:
    return max(half_width(t.summary().ci95) for t in tallies)
