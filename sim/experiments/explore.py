"""Running an exploration: the baseline and every reform at every point of a design.

A design point is a set of factor values (:mod:`sim.experiments.designs` picks them). At each
point each arm (the uncertainty file's scenario, then each reform) becomes a **resolved
scenario**: its document with the factors' ``--set`` overrides applied, validated like any
scenario file. All of them run through one :class:`~sim.experiments.experiment.Experiment`, so:

* replication *r* has the same seed at every point and in every arm (common random numbers): a
  reform's gain at a point and the difference between two points are both paired;
* each resolved scenario's replications are stored under its content hash, like any run: an
  interrupted exploration resumes where it stopped, and a point met twice (or already run by
  another command) costs nothing;
* the records are the same on one process, many, or a Dask cluster.

What comes back is plain data, :class:`ExplorationRun`: the design's points, the factors' values
and each arm's capture outcome per point and replication. :mod:`sim.analysis.exploration` reads
the answers off it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.designs import Space, design_seed, make_design
from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Progress
from sim.experiments.store import ResultsStore
from sim.scenario import Problem, Scenario, ScenarioError, load_document
from sim.scenario.assumptions import assign_all, check_arms, load_checked
from sim.scenario.loader import LineMap, validate_document
from sim.scenario.uncertainty import Uncertainty
from sim.version import __version__

#: Most resolved scenarios (points times arms) one exploration may ask for.
MAX_SCENARIOS = 100_000


@dataclass(frozen=True)
class Arm:
    """One arm of an exploration: a scenario's resolved document and where it came from."""

    name: str
    path: str
    doc: dict[str, Any]
    lines: LineMap


@dataclass(frozen=True)
class ExplorationRun:
    """An exploration's raw results.

    Attributes:
        uncertainty: the factors explored.
        design: ``morris``, ``sobol`` or ``lhs``.
        space: the factors and screening groups as the design sees them.
        unit: the design's points on the unit hypercube (points x factors).
        values: each point's factor values (by factor name).
        arms: the arms' scenario names, the baseline first.
        paths: the arms' files.
        outcomes: 1 where replication r of arm a at point p ended in capture (arms x points x
            runs).
        keys: the content hash of each arm's resolved scenario at each point.
        seed: the master seed (replications and the design's own sampling).
        runs: replications per point and arm.
    """

    uncertainty: Uncertainty
    design: str
    space: Space
    unit: np.ndarray
    values: list[dict[str, Any]]
    arms: list[str]
    paths: list[str]
    outcomes: np.ndarray
    keys: list[list[str]]
    seed: int
    runs: int

    @property
    def points(self) -> int:
        """The number of design points."""
        return int(self.unit.shape[0])

    def capture(self, arm: int = 0) -> np.ndarray:
        """Capture probability of an arm at each point."""
        return np.asarray(self.outcomes[arm].mean(axis=1), float)

    def gain_rows(self, arm: int) -> np.ndarray:
        """Per point and replication, the reform's outcome minus the baseline's (-1, 0 or 1)."""
        return self.outcomes[arm].astype(np.int8) - self.outcomes[0].astype(np.int8)


def read_arms(uncertainty: Uncertainty, base: Arm, reforms: Sequence[str | Path]) -> list[Arm]:
    """The baseline and the reforms as arms, checked against the factors.

    Raises:
        ScenarioError: a reform cannot be read, or removes or changes numbers a factor moves
            without the uncertainty file saying where the factor acts in it.
    """
    arms = [base]
    for path in reforms:
        doc, lines = load_document(path)
        arms.append(Arm(str(doc.get("name", Path(path).stem)), str(path), doc, lines))
    problems = check_arms(uncertainty, base.doc, [(a.name, a.doc, a.lines) for a in arms[1:]])
    names = [a.name for a in arms]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        message = f"scenario names repeat ({', '.join(repeated)}): give each arm once"
        problems.append(Problem(str(reforms[0]) if reforms else "", None, "name", message))
    if problems:
        raise ScenarioError(problems)
    return arms


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def resolve(uncertainty: Uncertainty, arm: Arm, values: dict[str, Any]) -> Scenario:
    """The arm's scenario with every factor at its value (raises ``ScenarioError``)."""
    doc = copy.deepcopy(arm.doc)
    assignments: list[tuple[str, Any]] = []
    for factor in uncertainty.factors:
        assignments += factor.assignments(values[factor.name], arm.doc, factor.paths_in(arm.name))
    # The assignments' own line records go to a scratch map: keeping the arm's map up to date
    # costs a scan of it per assignment (a tenth of a second per point), and a problem at a
    # design point is said with the point's factor values anyway.
    problems = assign_all(doc, {}, assignments)
    if problems:
        raise ScenarioError(problems)
    return validate_document(doc, arm.lines, arm.path)


def _point_problem(
    uncertainty: Uncertainty, arm: Arm, j: int, values: dict[str, Any], err: ScenarioError
) -> Problem:
    shown = ", ".join(f"{f.name}={f.describe(values[f.name])}" for f in uncertainty.factors)
    first = err.problems[0]
    message = (
        f"design point {j} makes {arm.name} invalid at {first.path or 'the top'}: "
        f"{first.message} (with {shown}); narrow the ranges so that every combination is valid"
    )
    return Problem(uncertainty.path, None, "factors", message)


@dataclass(frozen=True)
class Plan:
    """An exploration ready to run: every arm's resolved scenario at every design point."""

    uncertainty: Uncertainty
    design: str
    space: Space
    unit: np.ndarray
    values: list[dict[str, Any]]
    arms: list[Arm]
    scenarios: list[Scenario]
    labels: list[str]
    seed: int


def plan_exploration(
    uncertainty_path: str | Path,
    reforms: Sequence[str | Path] = (),
    design: str = "morris",
    points: int = 10,
    seed: int = 0,
    baseline: str | Path | None = None,
) -> Plan:
    """Check the files, draw the design and resolve every point of every arm; run nothing.

    Every problem (of the uncertainty file, a reform, or a combination of factor values that
    makes a point invalid) is found here, before a store or a worker is touched.

    Raises:
        ScenarioError: the uncertainty file, a reform, or a design point is not valid.
        ValueError: the design is too large or unknown.
    """
    if points < 1:
        raise ValueError("an exploration needs at least one point")
    uncertainty, doc, lines = load_checked(uncertainty_path)
    declared = Arm(str(doc.get("name", "baseline")), str(uncertainty.scenario), doc, lines)
    if baseline is None or _same_file(baseline, uncertainty.scenario):
        arms = read_arms(uncertainty, declared, reforms)
    else:
        # Another baseline is checked against the declared scenario like a reform, then leads.
        arms = read_arms(uncertainty, declared, [baseline, *reforms])[1:]
    space = Space(
        tuple(f.name for f in uncertainty.factors), tuple(f.group for f in uncertainty.factors)
    )
    unit = make_design(design).sample(space, points, design_seed(seed, design))
    if unit.shape[0] * len(arms) > MAX_SCENARIOS:
        raise ValueError(
            f"{unit.shape[0]:,} points x {len(arms)} arms is more than {MAX_SCENARIOS:,} "
            "scenarios; choose fewer points"
        )
    values = [
        {f.name: f.value(u) for f, u in zip(uncertainty.factors, row, strict=True)} for row in unit
    ]
    scenarios, labels, problems = [], [], []
    for j, point in enumerate(values):
        for arm in arms:
            try:
                scenarios.append(resolve(uncertainty, arm, point))
            except ScenarioError as err:
                problems.append(_point_problem(uncertainty, arm, j, point, err))
                if len(problems) >= 5:
                    raise ScenarioError(problems) from None
            labels.append(f"{arm.name} @ point {j}")
    if problems:
        raise ScenarioError(problems)
    return Plan(uncertainty, design, space, unit, values, arms, scenarios, labels, seed)


def run_plan(
    plan: Plan,
    runs: int,
    *,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> ExplorationRun:
    """Run ``runs`` replications of every resolved scenario of a plan, on common random numbers.

    Raises:
        InterruptedRun: stopped (Ctrl-C, SIGTERM, lost workers); what finished is stored.
    """
    if runs < 1:
        raise ValueError("an exploration needs at least one run")
    experiment = Experiment(
        plan.scenarios, plan.seed, store, executor, progress, __version__, plan.labels
    )
    experiment.ensure(runs)
    tallies = experiment.tallies(runs)
    arms, points = len(plan.arms), len(plan.values)
    outcomes = np.zeros((arms, points, runs), dtype=np.uint8)
    keys: list[list[str]] = [[""] * points for _ in range(arms)]
    for i, (tally, stored) in enumerate(zip(tallies, experiment.arms, strict=True)):
        j, a = divmod(i, arms)
        outcomes[a, j] = np.frombuffer(bytes(tally.outcomes), dtype=np.uint8)
        keys[a][j] = stored.key
    return ExplorationRun(
        plan.uncertainty,
        plan.design,
        plan.space,
        plan.unit,
        plan.values,
        [a.name for a in plan.arms],
        [a.path for a in plan.arms],
        outcomes,
        keys,
        plan.seed,
        runs,
    )


def explore_runs(
    uncertainty_path: str | Path,
    reforms: Sequence[str | Path] = (),
    design: str = "morris",
    points: int = 10,
    runs: int = 200,
    seed: int = 0,
    *,
    baseline: str | Path | None = None,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> ExplorationRun:
    """Run the baseline and each reform at every point of a design, on common random numbers.

    Args:
        uncertainty_path: the uncertainty file (it names the baseline scenario).
        reforms: reform scenario files (levers), each compared with the baseline at every point.
        design: ``morris`` (``points`` trajectories), ``sobol`` (``points`` base samples) or
            ``lhs`` (``points`` runs).
        points: the design's size, as above.
        runs: replications per point and arm.
        seed: the master seed of the replications and of the design's sampling.
        baseline: the baseline scenario, if not the one the uncertainty file names (it is then
            checked against the factors like a reform).
        store: where replications are kept and reused (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called with (replications done, wanted) as they finish.

    Raises:
        ScenarioError: the uncertainty file, a reform, or a design point is not valid.
    """
    if runs < 1:
        raise ValueError("an exploration needs at least one run")
    plan = plan_exploration(uncertainty_path, reforms, design, points, seed, baseline)
    return run_plan(plan, runs, store=store, executor=executor, progress=progress)
