"""Figures: each takes the data it shows and returns a matplotlib Figure (Agg, no pyplot).

One module per kind of figure: :mod:`~sim.plots.rates` (capture probability per scenario and paired
differences), :mod:`~sim.plots.survival` (probability still at large against days),
:mod:`~sim.plots.sweep` (a parameter grid), :mod:`~sim.plots.waterfall` (where the true tips
stopped), :mod:`~sim.plots.timeline` (one replication), :mod:`~sim.plots.tornado` (what each
friction costs) and :mod:`~sim.plots.counters` (frictions counted per run). Every figure carries
its :class:`~sim.plots.style.Provenance` in a footer; :func:`~sim.plots.save.save_figure` writes it
as PNG and SVG with the same provenance in the files' metadata.
"""

from sim.plots.counters import friction_counts
from sim.plots.rates import capture_differences, capture_rates
from sim.plots.save import save_figure
from sim.plots.style import Provenance
from sim.plots.survival import survival_curves
from sim.plots.sweep import sweep_figure
from sim.plots.timeline import timeline
from sim.plots.tornado import FrictionEffect, friction_tornado
from sim.plots.waterfall import loss_waterfall

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
