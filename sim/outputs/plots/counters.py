"""What happened to the tips per run: the frictions counted, scenario beside scenario.

Grouped horizontal bars of the mean per run of the counters that measure friction (dossiers
forgotten, messages lost, translated and misread, names not matched, searches deferred by the
night rule, empty searches, near misses), so two setups' mechanics can be compared at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sim.experiments.summary import Summary
from sim.outputs.plots.style import Provenance, finish, grid, new_figure, series_colour

#: (record counter, what it counts) in the order drawn, top to bottom.
FRICTIONS: tuple[tuple[str, str], ...] = (
    ("tips_forgotten", "dossiers forgotten"),
    ("tips_lost_in_channel", "messages lost"),
    ("tips_translated", "messages translated"),
    ("tips_misread", "messages misread"),
    ("name_matches_missed", "names not matched"),
    ("name_false_links", "other people's names taken for his"),
    ("raids_planned", "searches planned"),
    ("raids_deferred_night", "searches deferred by the night rule"),
    ("raids_empty", "searches that found nobody"),
    ("raids_near_miss", "near misses (he had just left)"),
    ("stops_released", "stops that released him"),
)


def friction_counts(summaries: Sequence[Summary], provenance: Provenance) -> Figure:
    """Mean per run of each friction counter, one bar per scenario.

    Args:
        summaries: one per scenario, the baseline first.
        provenance: where the numbers come from.
    """
    if not summaries:
        raise ValueError("friction_counts needs at least one summary")
    n = len(summaries)
    figure = new_figure(8.5, 1.5 + 0.32 * len(FRICTIONS) * max(n, 1.5))
    ax = figure.add_subplot()
    base = np.arange(len(FRICTIONS))[::-1] * (n + 0.8)
    for i, summary in enumerate(summaries):
        ys = base + (n - 1 - i) - (n - 1) / 2
        values = [summary.metrics.get(key, 0.0) for key, _ in FRICTIONS]
        ax.barh(ys, values, height=0.85, color=series_colour(i), label=summary.scenario)
        for y, v in zip(ys, values, strict=True):
            ax.annotate(
                f"{v:.2f}",
                (v, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
    ax.set_yticks(base, [label for _, label in FRICTIONS])
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel("mean count per run (symmetric log scale)")
    grid(ax, "x")
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    return finish(figure, "What happened to the tips, per run", provenance)
