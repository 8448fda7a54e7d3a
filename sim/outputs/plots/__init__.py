"""Figures: each takes the data it shows and returns a matplotlib Figure (Agg, no pyplot).

One module per kind of figure: :mod:`~sim.outputs.plots.rates` (capture probability per scenario and
paired differences), :mod:`~sim.outputs.plots.survival` (probability still at large against days),
:mod:`~sim.outputs.plots.sweep` (a parameter grid), :mod:`~sim.outputs.plots.waterfall` (where the
true tips stopped), :mod:`~sim.outputs.plots.timeline` (one replication),
:mod:`~sim.outputs.plots.tornado` (what each friction costs) and :mod:`~sim.outputs.plots.counters`
(frictions counted per run). Every figure carries its :class:`~sim.outputs.plots.style.Provenance`
in a footer; :func:`~sim.outputs.plots.save.save_figure` writes it as PNG and SVG with the same
provenance in the files' metadata.
"""

from sim.outputs.plots.counters import friction_counts
from sim.outputs.plots.rates import capture_differences, capture_rates
from sim.outputs.plots.save import save_figure
from sim.outputs.plots.style import Provenance
from sim.outputs.plots.survival import survival_curves
from sim.outputs.plots.sweep import sweep_figure
from sim.outputs.plots.timeline import timeline
from sim.outputs.plots.tornado import FrictionEffect, friction_tornado
from sim.outputs.plots.waterfall import loss_waterfall

__all__ = [
    "FrictionEffect",
    "Provenance",
    "capture_differences",
    "capture_rates",
    "friction_counts",
    "friction_tornado",
    "loss_waterfall",
    "save_figure",
    "survival_curves",
    "sweep_figure",
    "timeline",
]
