"""Many replications of one scenario: the runner that ``sim run`` and the Python API share.

Replication *r* of a scenario with seed *s* is fully determined by (scenario, s, r): the runner only
decides which replications to run and collects their flat records. Parallel and distributed
execution (``--jobs``, Dask) and the results store build on this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from sim.model import Model
from sim.scenario import Scenario, scenario_hash
from sim.summary import Summary, summarise

Record = dict[str, int | float | str]


def replicate(scenario: Scenario, seed: int, replications: Iterable[int]) -> Iterator[Record]:
    """Run the given replications one after another, yielding each flat record."""
    for replication in replications:
        yield Model(scenario, seed, replication).run()


def run(
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Run ``runs`` replications of ``scenario`` with master seed ``seed`` and summarise them.

    Args:
        scenario: a validated scenario (see :func:`sim.load_scenario`).
        runs: number of replications (>= 1).
        seed: master seed (>= 0); the same seed gives the same numbers.
        progress: called with the number of replications done after each one.

    Returns:
        The summary (capture probability with its Wilson interval, median days, counter means).
    """
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    records = []
    for done, record in enumerate(replicate(scenario, seed, range(runs)), start=1):
        records.append(record)
        if progress is not None:
            progress(done)
    return summarise(scenario.name, scenario_hash(scenario), seed, scenario.horizon / 24, records)
