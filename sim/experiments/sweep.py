"""Sweeps: one scenario over a grid of parameter values, on common random numbers.

``--vary agencies.DR3.staff=4,6,12 --vary raids.escape_on_raid=0,0.1`` makes the 3 x 2 grid of
variants (each a ``--set`` override of the base scenario); every point runs replications 0..n-1
with the same master seed, so differences between points come from the parameters, not from luck.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.stats import half_width
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally
from sim.scenario import Problem, ScenarioError, load_scenario
from sim.scenario.loader import OVERRIDE_FILE
from sim.version import __version__


@dataclass(frozen=True)
class Axis:
    """One varied parameter: a dotted path and the values it takes (as written, YAML scalars)."""

    path: str
    values: tuple[str, ...]


def parse_vary(text: str) -> Axis:
    """Parse ``dotted.path=v1,v2,...``.

    Raises:
        ScenarioError: the text is not of that form.
    """
    path, sep, values = text.partition("=")
    items = tuple(v.strip() for v in values.split(",")) if sep else ()
    if not sep or not path.strip() or not items or any(not v for v in items):
        raise ScenarioError(
            [
                Problem(
                    "--vary",
                    None,
                    path.strip(),
                    f"{text!r} is not dotted.path=v1,v2,...; e.g. --vary agencies.DR3.staff=4,6,12",
                )
            ]
        )
    return Axis(path.strip(), items)


@dataclass(frozen=True)
class SweepPoint:
    """One grid point: its parameter values and its summary."""

    values: dict[str, str]
    summary: Summary

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form: the parameter values beside the summary."""
        return {"parameters": dict(self.values), **self.summary.to_dict()}


def sweep(
    path: str | Path,
    axes: Sequence[Axis],
    runs: int = 1000,
    seed: int = 0,
    *,
    overrides: Sequence[str] = (),
    precision: float | None = None,
    max_runs: int = 100_000,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
) -> list[SweepPoint]:
    """Run every point of the grid and summarise each."""
    grid = [
        dict(zip([a.path for a in axes], combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]
    problems: list[Problem] = []
    scenarios = []
    for point in grid:
        sets = [*overrides, *(f"{k}={v}" for k, v in point.items())]
        try:
            scenarios.append(load_scenario(path, sets))
        except ScenarioError as err:
            problems.extend(p for p in _from_vary(err.problems, axes) if p not in problems)
    if problems:
        raise ScenarioError(problems)
    labels = [", ".join(f"{k}={v}" for k, v in point.items()) for point in grid]
    experiment = Experiment(
        scenarios, seed, store, executor, progress, __version__, labels, preflight=preflight
    )
    tallies = experiment.run(runs, precision, max_runs, _widest)
    return [SweepPoint(point, t.summary()) for point, t in zip(grid, tallies, strict=True)]


def _from_vary(problems: Sequence[Problem], axes: Sequence[Axis]) -> list[Problem]:
    """Name ``--vary`` rather than ``--set`` as the place of a mistake in a varied value."""
    varied = [axis.path for axis in axes]

    def in_vary(problem: Problem) -> bool:
        on_path = any(problem.path == v or problem.path.startswith(v + ".") for v in varied)
        return problem.file == OVERRIDE_FILE and on_path

    return [dataclasses.replace(p, file="--vary") if in_vary(p) else p for p in problems]


def _widest(tallies: list[Tally]) -> float:
    return max(half_width(t.summary().ci95) for t in tallies)
