"""Sweeps: one scenario over a grid of parameter values, on common random numbers.

``--vary agencies.DR3.staff=4,6,12 --vary raids.escape_on_raid=0,0.1`` makes the 3 x 2 grid of
variants (each a ``--set`` override of the base scenario); every point runs replications 0..n-1
with the same master seed, so differences between points come from the parameters, not from luck.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.frames import RecordSource, table
from sim.experiments.stats import half_width
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally, records_of
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario
from sim.scenario.document import with_overrides
from sim.scenario.loader import OVERRIDE_FILE
from sim.version import __version__

if TYPE_CHECKING:
    import pandas as pd


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


@dataclass(frozen=True)
class Sweep(Sequence[SweepPoint]):
    """Every grid point of a sweep, in grid order (a sequence of :class:`SweepPoint`)."""

    points: list[SweepPoint]
    #: Where every point's replications are kept (None: nowhere to read them from).
    source: RecordSource | None = field(default=None, compare=False, repr=False)

    @overload
    def __getitem__(self, index: int) -> SweepPoint: ...
    @overload
    def __getitem__(self, index: slice) -> list[SweepPoint]: ...
    def __getitem__(self, index: int | slice) -> SweepPoint | list[SweepPoint]:
        return self.points[index]

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[SweepPoint]:
        return iter(self.points)

    def to_frame(self) -> pd.DataFrame:
        """One row per grid point: its parameter values (as YAML reads them), then its summary."""
        rows = [{**_typed(p.values), **p.summary.row()} for p in self.points]
        return table(rows, seed=self.points[0].summary.seed)

    def records(self) -> pd.DataFrame:
        """Every replication of every point, led by the point's name and parameter values."""
        return records_of(self.source)


def _typed(values: dict[str, str]) -> dict[str, object]:
    """Parameter values as YAML would read them (``"12"`` is 12), for columns that sort."""
    import yaml

    out: dict[str, object] = {}
    for key, text in values.items():
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        out[key] = value if isinstance(value, int | float | bool) else text
    return out


def sweep(
    path: Scenario | str | Path,
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
) -> Sweep:
    """Run every point of the grid and summarise each.

    Args:
        path: the base scenario: a file, or a scenario object.
        axes: the varied parameters (see :func:`parse_vary`).
        runs: replications per point (common random numbers across points).
        seed: master seed.
        overrides: ``--set`` overrides applied to every point first.
        precision: keep going until every point's 95 % half-width is at most this.
        max_runs: the most replications a precision target may ask for.
        store: results store (points already there cost nothing).
        executor: where replications run.
        progress: called with (done, wanted).
        preflight: told what is about to run before it starts (it may refuse it).
    """
    grid = [
        dict(zip([a.path for a in axes], combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]
    problems: list[Problem] = []
    scenarios = []
    for point in grid:
        sets = [*overrides, *(f"{k}={v}" for k, v in point.items())]
        try:
            if isinstance(path, Scenario):
                scenarios.append(with_overrides(path, sets))
            else:
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
    summaries = experiment.summaries(tallies)
    columns = [tuple(_typed(point).items()) for point in grid]
    return Sweep(
        [SweepPoint(point, s) for point, s in zip(grid, summaries, strict=True)],
        experiment.record_source(tallies[0].runs, columns),
    )


def _from_vary(problems: Sequence[Problem], axes: Sequence[Axis]) -> list[Problem]:
    """Name ``--vary`` rather than ``--set`` as the place of a mistake in a varied value."""
    varied = [axis.path for axis in axes]

    def in_vary(problem: Problem) -> bool:
        on_path = any(problem.path == v or problem.path.startswith(v + ".") for v in varied)
        return problem.file == OVERRIDE_FILE and on_path

    return [dataclasses.replace(p, file="--vary") if in_vary(p) else p for p in problems]


def _widest(tallies: list[Tally]) -> float:
    return max(half_width(t.summary().ci95) for t in tallies)
