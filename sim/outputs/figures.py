"""The standard figures of each experiment command, and writing them to an output folder.

``sim run`` draws the capture probability, the survival curve and the tip-loss waterfall;
``sim compare`` adds the paired differences and the frictions counted per run, every figure showing
all scenarios; ``sim sweep`` draws the grid; ``sim explore`` the factors' importance, the Morris
plane, each reform's gains and ranks across the space, and the PRIM boxes; ``sim calibrate`` each
factor's prior and posterior, the posterior predictive capture day and the reforms' gains
nominal, prior and posterior. The same functions serve notebooks and the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.figure import Figure

from sim.analysis.calibration import Calibration
from sim.analysis.exploration import Exploration
from sim.analysis.losses import from_summary
from sim.analysis.robustness import gains, rank_distribution
from sim.experiments.compare import Comparison
from sim.experiments.summary import Summary, Tally
from sim.experiments.sweep import SweepPoint
from sim.outputs.plots.counters import friction_counts
from sim.outputs.plots.gains import GainSpread, gain_distributions
from sim.outputs.plots.importance import Importance, factor_importance
from sim.outputs.plots.morris import mu_star_sigma
from sim.outputs.plots.posterior import FactorRange, prior_posterior
from sim.outputs.plots.predictive import DayDistribution, capture_day_check
from sim.outputs.plots.prim import prim_box
from sim.outputs.plots.ranks import rank_probabilities
from sim.outputs.plots.rates import capture_differences, capture_rates
from sim.outputs.plots.reform_shift import Gain, reform_gains
from sim.outputs.plots.save import save_figure
from sim.outputs.plots.style import Provenance
from sim.outputs.plots.survival import survival_curves
from sim.outputs.plots.sweep import sweep_figure
from sim.outputs.plots.waterfall import loss_waterfall
from sim.scenario import Scenario, scenario_hash


def provenance_of(summaries: Sequence[Summary]) -> Provenance:
    """The provenance of figures drawn from these summaries (same seed and runs for all)."""
    first = summaries[0]
    scenarios = tuple((s.scenario, s.scenario_hash) for s in summaries)
    return Provenance(scenarios, first.seed, runs=first.runs)


def run_figures(tally: Tally) -> dict[str, Figure]:
    """Figures of one scenario: capture probability, survival curve, tip-loss waterfall."""
    summary = tally.summary()
    provenance = provenance_of([summary])
    return {
        "rates": capture_rates([summary], provenance),
        "survival": survival_curves(
            [(summary.scenario, tally.survival())], summary.horizon_days, provenance
        ),
        "waterfall": loss_waterfall([from_summary(summary)], provenance),
    }


def compare_figures(comparison: Comparison) -> dict[str, Figure]:
    """Figures of a comparison: rates, paired differences, survival, waterfall, frictions."""
    summaries = comparison.summaries
    provenance = provenance_of(summaries)
    curves = [(t.scenario, t.survival()) for t in comparison.tallies]
    return {
        "rates": capture_rates(summaries, provenance),
        "differences": capture_differences(comparison.differences, provenance),
        "survival": survival_curves(curves, summaries[0].horizon_days, provenance),
        "waterfall": loss_waterfall([from_summary(s) for s in summaries], provenance),
        "frictions": friction_counts(summaries, provenance),
    }


def sweep_figures(points: Sequence[SweepPoint], base: Scenario) -> dict[str, Figure]:
    """The figure of a sweep of ``base``: a line (one parameter), a heatmap (two) or intervals."""
    first = points[0].summary
    label = f"{base.name} swept over {len(points)} grid points"
    provenance = Provenance(((label, scenario_hash(base)),), first.seed, runs=first.runs)
    return {"sweep": sweep_figure(points, provenance)}


#: What each design's importance bars show: (index key, words).
_MEASURES = {
    "morris": ("mu_star", "Morris μ*: mean absolute effect over the range"),
    "sobol": ("st", "Sobol total index: share of the variance it accounts for"),
    "lhs": ("s1", "first-order index (RBD-FAST)"),
}


def explore_provenance(exploration: Exploration) -> Provenance:
    """The provenance of an exploration's figures."""
    run = exploration.run
    label = f"{run.arms[0]} over {run.uncertainty.name} ({run.design}, {run.points} points)"
    return Provenance(((label, run.keys[0][0] if run.keys[0] else ""),), run.seed, runs=run.runs)


def explore_figures(exploration: Exploration) -> dict[str, Figure]:
    """Figures of an exploration (names are file stems)."""
    run = exploration.run
    provenance = explore_provenance(exploration)
    key, measure = _MEASURES[run.design]
    labels = _unit_labels(exploration)
    outputs = [("capture", "capture probability", exploration.output("capture"))]
    top = exploration.top
    if top is not None:
        outputs.append(("top-gain", f"gain of {top.name}", exploration.output(f"gain:{top.name}")))
    figures: dict[str, Figure] = {}
    for stem, what, output in outputs:
        bars = [
            Importance(
                labels[i.unit],
                i.values[key],
                i.intervals.get(key, (i.values[key],) * 2),
                i.values.get("noise_floor"),
            )
            for i in output.indices
        ]
        figures[f"importance-{stem}"] = factor_importance(bars, what, measure, provenance)
        if run.design == "morris":
            units = [
                (labels[i.unit], i.values["mu_star"], i.values["sigma"]) for i in output.indices
            ]
            figures[f"morris-{stem}"] = mu_star_sigma(units, what, provenance)
    if exploration.reforms:
        gain = gains(run)
        spreads = [
            GainSpread(r.name, list(gain[i]), r.share_clear_gain)
            for i, r in enumerate(exploration.reforms)
        ]
        figures["gains"] = gain_distributions(spreads, provenance)
        shares = rank_distribution(gain)
        ranks = {r.name: list(shares[i]) for i, r in enumerate(exploration.reforms)}
        figures["ranks"] = rank_probabilities(ranks, provenance)
    for box in exploration.boxes:
        if not box.limits:
            continue
        limits = [(limit.label, *limit.quantiles) for limit in box.limits]
        figures[f"prim-{box.case.replace('_', '-')}"] = prim_box(
            box.tradeoff,
            (box.coverage, box.density),
            limits,
            f"Where {box.reform} {'stops paying' if box.case == 'stops_paying' else 'is beaten'}",
            provenance,
        )
    return figures


def _unit_labels(exploration: Exploration) -> dict[str, str]:
    """Each screening unit in words: a factor's label, or a group's name and its size."""
    factors = exploration.run.uncertainty.factors
    labels = {}
    for unit in exploration.run.space.units:
        members = [f for f in factors if f.group == unit]
        if len(members) == 1:
            labels[unit] = members[0].label
        else:
            labels[unit] = f"{unit.replace('_', ' ')} ({len(members)} factors)"
    for f in factors:  # LHS indices are per factor
        labels.setdefault(f.name, f.label)
    return labels


def calibration_provenance(calibration: Calibration) -> Provenance:
    """The provenance of a calibration's figures: the history, the design, the seed."""
    plan, s = calibration.plan, calibration.settings
    label = f"{plan.replay.name} against {plan.history.name} ({s.points} points)"
    return Provenance(((label, plan.history.key),), s.seed, runs=s.runs)


def calibrate_figures(calibration: Calibration) -> dict[str, Figure]:
    """Figures of a calibration (names are file stems); none but the factors' without weight."""
    provenance = calibration_provenance(calibration)
    figures: dict[str, Figure] = {}
    if calibration.weights.empty:
        return figures
    ranges = [
        FactorRange(
            f.factor.label,
            f.posterior_unit,
            " to ".join(f.shown((f.posterior[0], f.posterior[2]))),
            f.shift.distance,
            f.constrained,
        )
        for f in calibration.factors
    ]
    figures["calibration-factors"] = prior_posterior(ranges, provenance)
    check = calibration.predictive
    if check is not None:
        beliefs = []
        for belief, share in (("prior", check.prior), ("posterior", check.posterior)):
            days, weights = check.weighted_days(belief)
            beliefs.append(DayDistribution(belief, days, weights, share.value))
        figures["calibration-check"] = capture_day_check(
            beliefs, check.day, check.horizon_days, provenance
        )
    if calibration.menus:
        table: dict[str, dict[str, Gain]] = {}
        for belief, menu in calibration.menus.items():
            for e in menu.reforms:
                table.setdefault(e.name, {})[belief] = Gain(e.value, e.ci95, e.clear)
        figures["calibration-gains"] = reform_gains(table, provenance)
    return figures


def write_figures(figures: Mapping[str, Figure], folder: str | Path) -> list[Path]:
    """Save each figure as ``folder/<name>.png`` and ``.svg``; return the PNG paths."""
    return [save_figure(figure, folder, name)[0] for name, figure in figures.items()]
