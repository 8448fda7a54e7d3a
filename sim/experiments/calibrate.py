"""Running a calibration: the replay at every point of a prior design, then what follows from it.

A calibration holds a replay against its history file (:mod:`sim.scenario.history`) across an
uncertainty file's space. Its plan draws a Latin hypercube over every factor (each point a draw
from the prior: a factor's value is its distribution's quantile at the point's coordinate) and
resolves the replay at every point, checking each like a scenario file, before anything runs.
The work then goes in stages, each an ordinary :class:`~sim.experiments.experiment.Experiment`
(so every stage is stored, resumable and the same on one process, many or Dask):

1. :func:`observe_replays`: replications 0..R-1 of the replay at every point, each read for the
   history's observations, kept in the store beside its record;
2. :func:`more_replays`: replications R..R+M-1 of the replay at the points the posterior holds,
   fresh runs for the posterior predictive check (never the runs that weighed the points);
3. :func:`run_arms`: the baseline and the reforms (or any scenario documents) at chosen points,
   on common random numbers (:func:`resolve_arms`), for the reform menu under the posterior.

Replication *r* has the same seed at every point and in every arm; the design is the one ``sim
explore --design lhs`` draws from the same seed, so a forward arm's runs at a point are shared
with an exploration of that point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.designs import Space, design_seed, make_design
from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.explore import Arm, read_arms, resolve
from sim.experiments.observing import Observer
from sim.experiments.store import ResultsStore
from sim.scenario import Problem, Scenario, ScenarioError
from sim.scenario.assumptions import load_checked
from sim.scenario.history import History, load_history
from sim.scenario.uncertainty import Uncertainty
from sim.version import __version__

#: The design a calibration draws (prior draws, stratified): the exploration's Latin hypercube.
DESIGN = "lhs"
#: Most points one calibration may ask for.
MAX_POINTS = 20_000


@dataclass(frozen=True)
class CalibrationPlan:
    """A calibration ready to run: the replay resolved at every point of the prior design.

    Attributes:
        history: the observations.
        uncertainty: the factors and their priors.
        space: the factors as the design sees them (one column each).
        unit: the design's points on the unit hypercube (points x factors).
        values: each point's factor values, by factor name.
        replay: the replay as an arm (its document, checked against the factors).
        forward: the baseline and the reforms as arms (the baseline first).
        replays: the replay's resolved scenario at each point.
        seed: the master seed (replications, design, resampling).
    """

    history: History
    uncertainty: Uncertainty
    space: Space
    unit: np.ndarray
    values: list[dict[str, Any]]
    replay: Arm
    forward: list[Arm]
    replays: list[Scenario]
    seed: int

    @property
    def points(self) -> int:
        """The number of design points."""
        return int(self.unit.shape[0])


def plan_calibration(
    history_path: str | Path,
    uncertainty_path: str | Path,
    reforms: Sequence[str | Path] = (),
    points: int = 1000,
    seed: int = 0,
    replay: str | Path | None = None,
) -> CalibrationPlan:
    """Check the files, draw the design and resolve the replay at every point; run nothing.

    Args:
        history_path: the history file (it names its replay).
        uncertainty_path: the uncertainty file (it names the baseline scenario).
        reforms: reform scenario files for the menu under the posterior.
        points: design points (draws from the prior).
        seed: the master seed.
        replay: the replay scenario, if not the one the history file names.

    Raises:
        ScenarioError: a file, or the replay at a design point, is not valid.
        ValueError: the design is too large.
    """
    if not 1 <= points <= MAX_POINTS:
        raise ValueError(f"a calibration takes 1 to {MAX_POINTS:,} points, not {points:,}")
    history = load_history(history_path, replay)
    uncertainty, doc, lines = load_checked(uncertainty_path)
    declared = Arm(str(doc.get("name", "baseline")), str(uncertainty.scenario), doc, lines)
    forward = read_arms(uncertainty, declared, reforms)
    if _same_file(history.replay, uncertainty.scenario):  # a replay of the scenario itself
        replay_arm = declared
    else:  # checked against the factors like a reform: it must not change what they move
        replay_arm = read_arms(uncertainty, declared, [history.replay])[1]
    space = Space(
        tuple(f.name for f in uncertainty.factors), tuple(f.name for f in uncertainty.factors)
    )
    unit = make_design(DESIGN).sample(space, points, design_seed(seed, DESIGN))
    values = [
        {f.name: f.value(u) for f, u in zip(uncertainty.factors, row, strict=True)} for row in unit
    ]
    replays = resolve_all(uncertainty, replay_arm, values)
    return CalibrationPlan(
        history, uncertainty, space, unit, values, replay_arm, forward, replays, seed
    )


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def resolve_all(uncertainty: Uncertainty, arm: Arm, values: list[dict[str, Any]]) -> list[Scenario]:
    """The arm resolved at every point; the first few invalid points named with their values.

    Raises:
        ScenarioError: some point makes the arm invalid.
    """
    out, problems = [], []
    for j, point in enumerate(values):
        try:
            out.append(resolve(uncertainty, arm, point))
        except ScenarioError as err:
            problems.append(_point_problem(uncertainty, arm, j, point, err))
            if len(problems) >= 5:
                break
    if problems:
        raise ScenarioError(problems)
    return out


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


class StageProgress:
    """Progress over a calibration's stages, told on as one growing count.

    Each stage is an experiment of its own that counts from what it finds in the store; this
    adds the stages up, so a progress bar sees one count, and it keeps how many replications
    were found in the store (``reused``) and how many were computed.

    Args:
        outer: told (done, wanted) over every stage so far (None: nobody).
    """

    def __init__(self, outer: Progress | None = None) -> None:
        self.outer = outer
        self.reused = 0
        self._base = (0, 0)
        self._last = (0, 0)
        self._fresh = True

    def start(self) -> None:
        """A new stage begins: what the last one reached becomes the base."""
        self._base = (self._base[0] + self._last[0], self._base[1] + self._last[1])
        self._last = (0, 0)
        self._fresh = True

    def __call__(self, done: int, wanted: int) -> None:
        """Note ``done`` of ``wanted`` replications of the current stage."""
        if self._fresh:
            self.reused += done
            self._fresh = False
        self._last = (done, wanted)
        if self.outer is not None:
            self.outer(self._base[0] + done, self._base[1] + wanted)

    @property
    def done(self) -> int:
        """Replications of every stage so far in the store."""
        return self._base[0] + self._last[0]

    @property
    def computed(self) -> int:
        """Replications computed (not found in the store)."""
        return self.done - self.reused


@dataclass(frozen=True)
class Stage:
    """Where a stage's replications run and are kept."""

    store: ResultsStore | None = None
    executor: Executor | None = None
    progress: Progress | None = None
    preflight: Preflight | None = None

    def begin(self) -> None:
        """A new experiment starts (one built elsewhere, such as a comparison's)."""
        if isinstance(self.progress, StageProgress):
            self.progress.start()

    def experiment(
        self,
        scenarios: Sequence[Scenario],
        seed: int,
        labels: Sequence[str],
        observer: Observer | None = None,
    ) -> Experiment:
        """An experiment of these scenarios through this stage's store and executor."""
        self.begin()
        return Experiment(
            scenarios,
            seed,
            self.store,
            self.executor,
            self.progress,
            __version__,
            labels,
            self.preflight,
            observer,
        )


@dataclass(frozen=True)
class Observed:
    """What the replay's replications at every point bore out, and their capture days.

    Attributes:
        bits: points x runs x observations, 1 where the replication bore it out.
        days: points x runs, the day of capture (NaN: not captured by the horizon).
        keys: the content hash of the replay's resolved scenario at each point.
    """

    bits: np.ndarray
    days: np.ndarray
    keys: list[str]


def observe_replays(plan: CalibrationPlan, runs: int, stage: Stage) -> Observed:
    """Replications 0..runs-1 of the replay at every point, read for the history's observations.

    Raises:
        InterruptedRun: stopped; what finished is stored.
    """
    labels = [f"{plan.replay.name} @ point {j}" for j in range(plan.points)]
    experiment = stage.experiment(plan.replays, plan.seed, labels, Observer.of(plan.history))
    experiment.ensure(runs)
    bits = np.stack(experiment.observed(runs))
    days = np.stack([t.capture_days for t in experiment.tallies(runs)])
    return Observed(bits, days, [arm.key for arm in experiment.arms])


def more_replays(
    plan: CalibrationPlan, points: Sequence[int], first: int, runs: int, stage: Stage
) -> dict[int, np.ndarray]:
    """Capture days of replications first..first+runs-1 of the replay at the given points."""
    chosen = sorted(set(points))
    if not chosen or runs < 1:
        return {}
    scenarios = [plan.replays[j] for j in chosen]
    labels = [f"{plan.replay.name} @ point {j}" for j in chosen]
    experiment = stage.experiment(scenarios, plan.seed, labels)
    experiment.ensure(first + runs)
    tallies = experiment.tallies(first + runs)
    return {j: t.capture_days[first:] for j, t in zip(chosen, tallies, strict=True)}


def resolve_arms(
    plan: CalibrationPlan, arms: Sequence[Arm], points: Sequence[int]
) -> list[list[Scenario]]:
    """Each arm resolved at each of the given points (arms x points).

    Raises:
        ScenarioError: a point makes an arm invalid.
    """
    return [resolve_all(plan.uncertainty, arm, [plan.values[j] for j in points]) for arm in arms]


def run_arms(
    plan: CalibrationPlan,
    scenarios: Sequence[Sequence[Scenario]],
    names: Sequence[str],
    points: Sequence[int],
    runs: int,
    stage: Stage,
) -> np.ndarray:
    """Replications 0..runs-1 of every arm at every point: capture outcomes, arms x points x runs.

    The arms' replications share seeds at every point (common random numbers), so a reform's
    gain at a point is paired.
    """
    flat = [s for arm in scenarios for s in arm]
    labels = [f"{name} @ point {j}" for name in names for j in points]
    experiment = stage.experiment(flat, plan.seed, labels)
    experiment.ensure(runs)
    tallies = experiment.tallies(runs)
    outcomes = np.zeros((len(scenarios), len(points), runs), dtype=np.uint8)
    for i, tally in enumerate(tallies):
        a, j = divmod(i, len(points))
        outcomes[a, j] = np.frombuffer(bytes(tally.outcomes), dtype=np.uint8)
    return outcomes
