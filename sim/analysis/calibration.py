"""What the record says about the assumptions, and what reforms buy in the worlds it leaves.

:func:`calibrate` holds a replay against its history file across an uncertainty file's space:

1. the replay runs R replications at every point of a prior design (a Latin hypercube), each
   read for the history's observations (:mod:`sim.experiments.calibrate`);
2. each point is weighted by the share of its replications that reproduced the whole record,
   an unbiased estimate of the record's likelihood there (importance sampling with the prior as
   proposal; :mod:`sim.analysis.posterior` says what an estimated likelihood does to the
   weights), giving every factor's prior and posterior ranges, the effective sample size, and
   which factors the record constrains (:mod:`sim.analysis.likelihood`);
3. the posterior predictive check: fresh replications of the replay at the posterior's draws,
   the capture day beside the record's (:mod:`sim.analysis.predictive`);
4. the reform menu, paired on common random numbers and Holm-adjusted, at the nominal point,
   under the prior and under the posterior; and, if asked, the friction attribution under the
   same three (:mod:`sim.analysis.beliefs`).

:class:`Calibration` holds it all, with :meth:`~Calibration.to_dict` (``sim calibrate --json``)
and :meth:`~Calibration.to_frame` (pandas: factors, points, observations, menu, attribution).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.attribution import DEFAULT_ORDERS, Attribution, attribute
from sim.analysis.beliefs import (
    AttributionUnder,
    Draws,
    MenuUnder,
    attribution_under,
    menu_under,
    nominal_attribution,
    nominal_menu,
    posterior_draws,
    prior_draws,
)
from sim.analysis.likelihood import (
    FactorPosterior,
    ObservationSummary,
    Weights,
    factor_posteriors,
    observation_summaries,
)
from sim.analysis.predictive import Predictive, predictive
from sim.core.streams import seed_sequence
from sim.experiments.calibrate import (
    CalibrationPlan,
    Observed,
    Stage,
    more_replays,
    observe_replays,
    plan_calibration,
    resolve_arms,
    run_arms,
)
from sim.experiments.compare import compare
from sim.experiments.executors import Executor
from sim.experiments.experiment import Preflight, Progress
from sim.experiments.explore import resolve
from sim.experiments.frames import RecordArm, RecordSource
from sim.experiments.store import MODEL_REVISION, ResultsStore
from sim.experiments.summary import records_of
from sim.scenario import Scenario
from sim.scenario.loader import validate_document
from sim.version import __version__

if TYPE_CHECKING:
    import pandas as pd

#: The method, named where the results are said (docs/calibration.md gives the references).
METHOD = (
    "importance weighting of a prior Latin hypercube by the estimated likelihood of the record "
    "(ABC rejection with zero tolerance; pseudo-marginal importance sampling)"
)


@dataclass(frozen=True)
class Settings:
    """How big a calibration is (the options of ``sim calibrate``).

    Attributes:
        points: design points (prior draws).
        runs: replications of the replay per point (and of every arm per point in the menu).
        seed: the master seed.
        draws: draws standing for the posterior (and the prior) in the predictive check and the
            menu (systematic resampling of the weights).
        check_runs: fresh replications of the replay per posterior point for the check.
        nominal_runs: paired replications of the menu at the nominal point (0: none).
        attribution_points: draws of the posterior (and of the prior) at which the friction
            attribution is recomputed (0: none).
        attribution_runs: replications per variant there.
        orders: sampled orders of removal in each attribution.
    """

    points: int = 1000
    runs: int = 200
    seed: int = 0
    draws: int = 100
    check_runs: int = 100
    nominal_runs: int = 1000
    attribution_points: int = 0
    attribution_runs: int = 50
    orders: int = DEFAULT_ORDERS

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Calibration:
    """What the record says, and what the reforms buy under it.

    Attributes:
        plan: the design and the replay at each point.
        settings: how big it was.
        observed: what the replay's replications bore out at every point.
        weights: the points weighed by the record.
        factors: each factor's prior and posterior.
        observations: each observation's prior share and conditional predictive ordinate.
        predictive: the posterior predictive check (None when nothing reproduced the record).
        menus: the reform menu by belief (``nominal``, ``prior``, ``posterior``), when reforms
            were given.
        attributions: the friction attribution by belief, when asked for.
    """

    plan: CalibrationPlan
    settings: Settings
    observed: Observed
    weights: Weights
    factors: list[FactorPosterior]
    observations: list[ObservationSummary]
    predictive: Predictive | None
    menus: dict[str, MenuUnder] = field(default_factory=dict)
    attributions: dict[str, AttributionUnder] = field(default_factory=dict)
    #: Where the replay's replications at every point are kept (None: nowhere to read them).
    source: RecordSource | None = field(default=None, compare=False, repr=False)

    def records(self) -> pd.DataFrame:
        """The replay's replications that weighed the points, one row each, led by ``point``."""
        return records_of(self.source)

    @property
    def constrained(self) -> list[FactorPosterior]:
        """The factors the record constrains (Holm-adjusted permutation p at most 0.05)."""
        return [f for f in self.factors if f.constrained]

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` output of ``sim calibrate``."""
        plan, w = self.plan, self.weights
        return {
            "history": plan.history.path,
            "replay": plan.replay.name,
            "uncertainty": plan.uncertainty.path,
            "baseline": plan.forward[0].name,
            "reforms": [a.name for a in plan.forward[1:]],
            "method": METHOD,
            "settings": self.settings.to_dict(),
            "model_revision": MODEL_REVISION,
            "version": __version__,
            "ess": w.ess,
            "ess_exact_likelihood": w.ess_exact,
            "accepted": w.accepted,
            "points_with_weight": w.points_held,
            "observations": [o.to_dict() for o in self.observations],
            "factors": [f.to_dict() for f in self.factors],
            "constrained": [f.factor.name for f in self.constrained],
            "predictive": self.predictive.to_dict() if self.predictive else None,
            "menu": {k: m.to_dict() for k, m in self.menus.items()},
            "attribution": {k: a.to_dict() for k, a in self.attributions.items()},
        }

    def to_frame(self, table: str = "factors") -> pd.DataFrame:
        """A pandas DataFrame, one row per thing the table is about.

        Args:
            table: ``factors`` (prior and posterior percentiles, interval columns
                ``posterior_p50_ci95_low/high``, the shift test), ``points`` (each design point's
                factor values, replications that reproduced the record, the likelihood with its
                Wilson interval, the weight), ``observations``, ``menu`` (each reform under each
                belief) or ``attribution`` (each friction under each belief).
        """
        from sim.experiments.frames import table as framed

        rows = _ROWS.get(table)
        if rows is None:
            raise ValueError(f"unknown table {table!r}; use {', '.join(_ROWS)}")
        s = self.settings
        return framed(
            rows(self),
            seed=s.seed,
            history=self.plan.history.path,
            history_key=self.plan.history.key,
            points=s.points,
            runs=s.runs,
            ess=self.weights.ess,
        )


def _factor_rows(c: Calibration) -> list[dict[str, object]]:
    rows = []
    for f in c.factors:
        row: dict[str, object] = {
            "factor": f.factor.name,
            "label": f.factor.label,
            "law": f.factor.law,
            "paths": ", ".join(f.factor.paths),
        }
        for which, values in (("prior", f.prior), ("posterior", f.posterior)):
            for key, value in zip(("p05", "p50", "p95"), values, strict=True):
                row[f"{which}_{key}"] = value
        for key, (low, high) in zip(("p05", "p50", "p95"), f.posterior_ci, strict=True):
            row[f"posterior_{key}_ci95_low"] = low
            row[f"posterior_{key}_ci95_high"] = high
        row.update(
            width_ratio=f.width_ratio,
            shift=f.shift.distance,
            p_value=f.shift.p_value,
            p_adjusted=f.p_adjusted,
            constrained=f.constrained,
        )
        rows.append(row)
    return rows


def _point_rows(c: Calibration) -> list[dict[str, object]]:
    rows = []
    for j, values in enumerate(c.plan.values):
        likelihood, (low, high) = c.weights.likelihood(j)
        rows.append(
            {
                "point": j,
                **values,
                "reproduced": int(c.weights.counts[j]),
                "likelihood": likelihood,
                "likelihood_ci95_low": low,
                "likelihood_ci95_high": high,
                "weight": float(c.weights.weights[j]),
                "scenario_hash": c.observed.keys[j],
            }
        )
    return rows


def _observation_rows(c: Calibration) -> list[dict[str, object]]:
    return [o.to_dict() for o in c.observations]


def _menu_rows(c: Calibration) -> list[dict[str, object]]:
    return [
        {
            "reform": e.name,
            "belief": belief,
            "gain": e.value,
            "gain_ci95_low": e.ci95[0],
            "gain_ci95_high": e.ci95[1],
            "p_value": e.p_value,
            "p_adjusted": e.p_adjusted,
            "clear": e.clear,
            "rank": menu.ranking().index(e.name) + 1,
        }
        for belief, menu in c.menus.items()
        for e in menu.reforms
    ]


def _attribution_rows(c: Calibration) -> list[dict[str, object]]:
    return [
        {
            "friction": e.name,
            "label": found.labels[e.name],
            "belief": belief,
            "shapley": e.value,
            "shapley_ci95_low": e.ci95[0],
            "shapley_ci95_high": e.ci95[1],
            "p_adjusted": e.p_adjusted,
            "rank": found.ranking().index(e.name) + 1,
        }
        for belief, found in c.attributions.items()
        for e in found.shapley
    ]


_ROWS: dict[str, Callable[[Calibration], list[dict[str, object]]]] = {
    "factors": _factor_rows,
    "points": _point_rows,
    "observations": _observation_rows,
    "menu": _menu_rows,
    "attribution": _attribution_rows,
}


def _rng(seed: int, name: str) -> np.random.Generator:
    """A generator for the analysis (resampling, permutations), seeded from the master seed."""
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, 0, f"calibrate:{name}")))


def _offset(seed: int, name: str) -> float:
    """One uniform number in [0, 1) for systematic resampling, from the master seed."""
    return float(_rng(seed, name).uniform())


def calibrate_plan(
    plan: CalibrationPlan,
    settings: Settings,
    *,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
) -> Calibration:
    """Run a checked plan (:func:`sim.experiments.calibrate.plan_calibration`) and read it.

    Raises:
        InterruptedRun: stopped (Ctrl-C, SIGTERM, lost workers); what finished is stored.
        ScenarioError: a reform is not valid at a point the posterior holds.
    """
    if settings.runs < 1:
        raise ValueError("a calibration needs at least one run per point")
    stage = Stage(store, executor, progress, preflight)
    observed = observe_replays(plan, settings.runs, stage)
    weights = Weights.of(observed.bits)
    factors = factor_posteriors(
        plan.uncertainty, plan.unit, plan.values, weights, _rng(settings.seed, "factors")
    )
    summaries = observation_summaries(plan.history, observed.bits)
    source = None
    if store is not None:
        arms = tuple(
            RecordArm(key, (("scenario", plan.replay.name), ("point", j)))
            for j, key in enumerate(observed.keys)
        )
        source = RecordSource(store.path, arms, settings.seed, settings.runs, live=store)
    found = Calibration(plan, settings, observed, weights, factors, summaries, None, source=source)
    if weights.empty:
        return found
    posterior = posterior_draws(weights.weights, settings.draws, _offset(settings.seed, "draws"))
    fresh = more_replays(plan, posterior.points, settings.runs, settings.check_runs, stage)
    check = predictive(plan.history, observed.days, fresh, posterior) if fresh else None
    prior = prior_draws(plan.points, settings.draws)
    menus = _menus(plan, settings, prior, posterior, stage)
    attributions = _attributions(plan, settings, weights, stage)
    return Calibration(
        plan, settings, observed, weights, factors, summaries, check, menus, attributions, source
    )


def _menus(
    plan: CalibrationPlan, settings: Settings, prior: Draws, posterior: Draws, stage: Stage
) -> dict[str, MenuUnder]:
    """The reform menu at the nominal point, under the prior and under the posterior."""
    if len(plan.forward) < 2:
        return {}
    names = [arm.name for arm in plan.forward]
    menus: dict[str, MenuUnder] = {}
    if settings.nominal_runs > 0:
        nominal = [validate_document(a.doc, a.lines, a.path) for a in plan.forward]
        stage.begin()
        comparison = compare(
            nominal,
            settings.nominal_runs,
            settings.seed,
            store=stage.store,
            executor=stage.executor,
            progress=stage.progress,
            preflight=stage.preflight,
        )
        menus["nominal"] = nominal_menu(comparison)
    points = sorted(set(prior.points) | set(posterior.points))
    outcomes = np.concatenate(
        [
            run_arms(
                plan, resolve_arms(plan, [arm], points), [arm.name], points, settings.runs, stage
            )
            for arm in plan.forward
        ]
    )
    where = {j: i for i, j in enumerate(points)}
    for draws in (prior, posterior):
        mine = outcomes[:, [where[j] for j in draws.points], :]
        menus[draws.belief] = menu_under(
            draws, names, mine, plan.uncertainty, plan.space, plan.unit, settings.seed
        )
    return menus


def _attributions(
    plan: CalibrationPlan, settings: Settings, weights: Weights, stage: Stage
) -> dict[str, AttributionUnder]:
    """The friction attribution at the nominal point, under the prior and the posterior."""
    if settings.attribution_points < 1:
        return {}
    baseline = plan.forward[0]

    def run(scenario: Scenario) -> Attribution:
        stage.begin()
        return attribute(
            scenario,
            settings.attribution_runs,
            settings.seed,
            orders=settings.orders,
            store=stage.store,
            executor=stage.executor,
            progress=stage.progress,
            preflight=stage.preflight,
        )

    nominal = validate_document(baseline.doc, baseline.lines, baseline.path)
    out = {"nominal": nominal_attribution(run(nominal))}
    count = settings.attribution_points
    offset = _offset(settings.seed, "attribution")
    for draws in (prior_draws(plan.points, count), posterior_draws(weights.weights, count, offset)):
        found = [run(resolve(plan.uncertainty, baseline, plan.values[j])) for j in draws.points]
        out[draws.belief] = attribution_under(draws, found)
    return out


def calibrate(
    history: str | Path,
    uncertainty: str | Path,
    reforms: Sequence[str | Path] = (),
    points: int = 1000,
    runs: int = 200,
    seed: int = 0,
    *,
    replay: str | Path | None = None,
    draws: int = 100,
    check_runs: int = 100,
    nominal_runs: int = 1000,
    attribution_points: int = 0,
    attribution_runs: int = 50,
    orders: int = DEFAULT_ORDERS,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
) -> Calibration:
    """Weigh an uncertainty file's space by how well the replay reproduces the record.

    Args:
        history: the history file (what was observed; it names its replay).
        uncertainty: the uncertainty file (the factors and their priors; it names the baseline).
        reforms: reform scenario files for the menu under the posterior.
        points: design points (draws from the prior).
        runs: replications of the replay per point, and of each arm per point in the menu.
        seed: the master seed of the replications, the design and the resampling.
        replay: the replay scenario, if not the one the history file names.
        draws: draws standing for the posterior and the prior in the check and the menu.
        check_runs: fresh replications of the replay per posterior point for the check.
        nominal_runs: paired replications of the menu at the nominal point (0: skip it).
        attribution_points: draws at which the friction attribution is recomputed (0: skip).
        attribution_runs: replications per attribution variant.
        orders: sampled orders of removal in each attribution.
        store: where replications are kept and reused (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called with (replications done, wanted) as each stage runs.
        preflight: told what each stage is about to run before it starts (it may refuse it).

    Raises:
        ScenarioError: a file, or the replay at a design point, is not valid.
    """
    plan = plan_calibration(history, uncertainty, reforms, points, seed, replay)
    settings = Settings(
        points,
        runs,
        seed,
        draws,
        check_runs,
        nominal_runs,
        attribution_points,
        attribution_runs,
        orders,
    )
    return calibrate_plan(
        plan, settings, store=store, executor=executor, progress=progress, preflight=preflight
    )
