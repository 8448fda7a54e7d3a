"""The standard figures of each experiment command, and writing them to an output folder.

``sim run`` draws the capture probability, the survival curve and the tip-loss waterfall;
``sim compare`` adds the paired differences and the frictions counted per run, every figure showing
all scenarios; ``sim sweep`` draws the grid. The same functions serve notebooks and the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.figure import Figure

from sim.analysis.losses import from_summary
from sim.experiments.compare import Comparison
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally
from sim.experiments.sweep import SweepPoint
from sim.outputs.plots.counters import friction_counts
from sim.outputs.plots.rates import capture_differences, capture_rates
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


def tally_from_store(
    store: ResultsStore, scenario: Scenario, seed: int, runs: int, label: str | None = None
) -> Tally:
    """Fold replications 0..runs-1 of ``scenario`` kept in ``store`` into a tally.

    ``label`` names the scenario in the tally (default: its own name).
    """
    key = scenario_hash(scenario)
    tally = Tally(label or scenario.name, key, seed, scenario.horizon / 24)
    for record in store.records(key, seed, below=runs):
        tally.add(record)
    if tally.runs != runs:
        raise RuntimeError(f"{scenario.name}: {tally.runs} of {runs} replications in the store")
    return tally


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


def write_figures(figures: Mapping[str, Figure], folder: str | Path) -> list[Path]:
    """Save each figure as ``folder/<name>.png`` and ``.svg``; return the PNG paths."""
    return [save_figure(figure, folder, name)[0] for name, figure in figures.items()]
