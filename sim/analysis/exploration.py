"""Which conclusions survive the assumptions: what ``sim explore`` answers.

:func:`explore` runs the baseline and the reforms at every point of a design over the ranges of
an uncertainty file (:func:`sim.experiments.explore.explore_runs`) and reads off:

* **per factor** (per screening unit when factors are grouped): its sensitivity indices for the
  baseline's capture probability and for each reform's paired gain, with bootstrap intervals
  (Morris μ* and σ with the μ* that Monte Carlo noise alone would give; or Sobol first-order and
  total indices; or RBD-FAST first-order indices for a Latin hypercube);
* **per reform**: its gain across the space, the share of the space where it clearly helps, the
  probability it ranks first and its regret (:mod:`sim.analysis.robustness`);
* **boxes**: where the top reform (largest median gain) stops paying or is beaten, by PRIM
  (:mod:`sim.analysis.discovery`).

:class:`Exploration` holds it all, with :meth:`~Exploration.to_dict` (the ``--json`` output) and
:meth:`~Exploration.to_frame` (a pandas DataFrame of factors, reforms or points).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.discovery import Box, boxes
from sim.analysis.robustness import ReformRobustness, gains, robustness
from sim.experiments.designs import (
    Index,
    design_seed,
    make_design,
    monte_carlo_share,
    morris_noise_floor,
)
from sim.experiments.executors import Executor
from sim.experiments.experiment import Progress
from sim.experiments.explore import ExplorationRun, Plan, explore_runs, run_plan
from sim.experiments.store import ResultsStore

if TYPE_CHECKING:
    import pandas as pd

#: A reform "stops paying" where its gain is below this (``--threshold``).
DEFAULT_THRESHOLD = 0.02
BASELINE = "capture"


@dataclass(frozen=True)
class Output:
    """One quantity explored: the baseline's capture probability, or a reform's gain."""

    name: str
    indices: list[Index]
    monte_carlo_share: float | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "monte_carlo_share": self.monte_carlo_share,
            "indices": [i.to_dict() for i in self.indices],
        }


@dataclass(frozen=True)
class Exploration:
    """What an exploration says: indices per output, robustness per reform, PRIM boxes."""

    run: ExplorationRun
    outputs: list[Output]
    reforms: list[ReformRobustness]
    boxes: list[Box]
    threshold: float

    @property
    def top(self) -> ReformRobustness | None:
        """The reform with the largest median gain (None without reforms)."""
        return max(self.reforms, key=lambda r: r.gain_median) if self.reforms else None

    def output(self, name: str) -> Output:
        """The output called ``name`` (``capture`` or ``gain:REFORM``)."""
        return next(o for o in self.outputs if o.name == name)

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` output of ``sim explore``."""
        run = self.run
        return {
            "uncertainty": run.uncertainty.path,
            "scenario": run.arms[0],
            "design": run.design,
            "points": run.points,
            "runs": run.runs,
            "seed": run.seed,
            "arms": list(run.arms),
            "factors": self._factors(),
            "outputs": [o.to_dict() for o in self.outputs],
            "reforms": [r.to_dict() for r in self.reforms],
            "top_reform": self.top.name if self.top else None,
            "threshold": self.threshold,
            "boxes": [b.to_dict() for b in self.boxes],
            "baseline": {
                "capture_median": float(np.median(run.capture(0))),
                "capture_p05": float(np.percentile(run.capture(0), 5)),
                "capture_p95": float(np.percentile(run.capture(0), 95)),
            },
        }

    def _factors(self) -> list[dict[str, object]]:
        out = []
        for factor in self.run.uncertainty.factors:
            entry: dict[str, Any] = factor.to_dict()
            entry["indices"] = {
                o.name: next(i.to_dict() for i in o.indices if factor.name in i.factors)
                for o in self.outputs
            }
            out.append(entry)
        return out

    def to_frame(self, table: str = "factors") -> pd.DataFrame:
        """A pandas DataFrame: one row per factor, per reform or per design point.

        Args:
            table: ``factors`` (each factor's indices for each output, one column per index and
                output), ``reforms`` (each reform's robustness) or ``points`` (each point's
                factor values, the baseline's capture probability and each reform's gain).
        """
        import pandas as pd

        if table == "reforms":
            return pd.DataFrame([_flat(r.to_dict()) for r in self.reforms])
        if table == "points":
            rows = []
            gain = gains(self.run) if len(self.run.arms) > 1 else np.zeros((0, self.run.points))
            for j, values in enumerate(self.run.values):
                row: dict[str, Any] = {"point": j, **values, BASELINE: self.run.capture(0)[j]}
                for i, name in enumerate(self.run.arms[1:]):
                    row[f"gain:{name}"] = gain[i, j]
                rows.append(row)
            return pd.DataFrame(rows)
        if table != "factors":
            raise ValueError(f"unknown table {table!r}; use factors, reforms or points")
        rows = []
        for entry in self._factors():
            row = {k: v for k, v in entry.items() if k not in ("indices", "paths", "params")}
            row["paths"] = ", ".join(entry["paths"])  # type: ignore[arg-type]
            for output, index in entry["indices"].items():  # type: ignore[attr-defined]
                for key, value in index.items():
                    if key not in ("unit", "factors"):
                        row[f"{output}.{key}"] = value
            rows.append(row)
        return pd.DataFrame(rows)


def _flat(entry: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def analyse(run: ExplorationRun, threshold: float = DEFAULT_THRESHOLD) -> Exploration:
    """Read the answers off an exploration's raw results."""
    plan = make_design(run.design)
    seed = design_seed(run.seed, run.design + ":analysis")
    rows = {BASELINE: run.outcomes[0].astype(float)}
    for a, name in enumerate(run.arms[1:], start=1):
        rows[f"gain:{name}"] = run.gain_rows(a).astype(float)
    outputs = []
    for name, per_replication in rows.items():
        y = per_replication.mean(axis=1)
        indices = plan.indices(run.space, run.unit, y, seed)
        if run.design == "morris":
            floor = morris_noise_floor(run.space, run.unit, per_replication)
            indices = [_with_value(i, "noise_floor", floor[i.unit]) for i in indices]
        outputs.append(Output(name, indices, monte_carlo_share(per_replication)))
    reforms = robustness(run)
    found: list[Box] = []
    if reforms:
        gain = gains(run)
        top = int(np.argmax([r.gain_median for r in reforms]))
        found = boxes(run, gain, top, threshold)
    return Exploration(run, outputs, reforms, found, threshold)


def _with_value(index: Index, key: str, value: float) -> Index:
    return Index(
        index.unit, index.factors, {**index.values, key: value}, index.intervals, index.importance
    )


def explore_plan(
    plan: Plan,
    runs: int,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Exploration:
    """Run a checked plan (:func:`sim.experiments.explore.plan_exploration`) and analyse it."""
    run = run_plan(plan, runs, store=store, executor=executor, progress=progress)
    return analyse(run, threshold)


def explore(
    uncertainty: str | Path,
    reforms: Sequence[str | Path] = (),
    design: str = "morris",
    points: int = 10,
    runs: int = 200,
    seed: int = 0,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    baseline: str | Path | None = None,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Exploration:
    """Explore the uncertainty file's ranges with the baseline and every reform.

    Args:
        uncertainty: the uncertainty file (it names the baseline scenario).
        reforms: reform scenario files, each run at every point on common random numbers.
        design: ``morris`` (``points`` trajectories), ``sobol`` (``points`` base samples; a
            power of two) or ``lhs`` (``points`` runs).
        points: the design's size.
        runs: replications per point and arm.
        seed: the master seed of the replications and the design.
        threshold: the gain below which the top reform "stops paying" (PRIM).
        baseline: the baseline scenario, if not the one the uncertainty file names.
        store: where replications are kept and reused (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called with (replications done, wanted) as they finish.

    Returns:
        The exploration's answers.

    Raises:
        ScenarioError: the uncertainty file, a reform or a design point is not valid.
    """
    run = explore_runs(
        uncertainty,
        reforms,
        design,
        points,
        runs,
        seed,
        baseline=baseline,
        store=store,
        executor=executor,
        progress=progress,
    )
    return analyse(run, threshold)
