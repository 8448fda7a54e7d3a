"""What happened to the tips per run: the frictions counted, scenario beside scenario.

One small panel per counter that measures friction (dossiers forgotten, messages lost, translated
and misread, names not matched, searches deferred by the night rule, empty searches, near
misses), each on its own linear scale, with one bar per scenario in the scenario's colour, so
that setups' mechanics can be compared at a glance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.experiments.summary import Summary
from sim.outputs.plots.style import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Provenance,
    finish,
    grid,
    legend_below,
    new_figure,
    series_colour,
)

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


#: Panels a row: one per friction counter.
COLUMNS = 3


def friction_counts(summaries: Sequence[Summary], provenance: Provenance) -> Figure:
    """Mean per run of each friction counter: a panel per counter, a bar per scenario.

    Each counter has its own linear scale (a dossier forgotten and a search planned are not
    counted on one ruler, and a log scale would make 40 times look like 6); scenarios keep their
    colour in every panel and are named in a legend under the panels.

    Args:
        summaries: one per scenario, the baseline first.
        provenance: where the numbers come from.
    """
    if not summaries:
        raise ValueError("friction_counts needs at least one summary")
    n = len(summaries)
    rows = math.ceil(len(FRICTIONS) / COLUMNS)
    legend_rows = math.ceil(n / 2)
    panel = 0.6 + 0.17 * n
    legend_height = 0.15 + 0.2 * legend_rows
    height = min(PAGE_HEIGHT, 1.0 + legend_height + rows * panel)
    figure = new_figure(PAGE_WIDTH, height)
    layout = figure.add_gridspec(2, 1, height_ratios=[rows * panel, legend_height])
    axes = layout[0].subgridspec(rows, COLUMNS).subplots(sharey=True, squeeze=False)
    ys = list(range(n))[::-1]
    colours = [series_colour(i) for i in range(n)]
    for ax, (key, label) in zip(axes.flat, FRICTIONS, strict=False):
        values = [summary.metrics.get(key, 0.0) for summary in summaries]
        ax.barh(ys, values, height=0.8, color=colours)
        top = max(values) if max(values) > 0 else 1.0
        for y, v in zip(ys, values, strict=True):
            ax.annotate(
                f"{v:.2f}",
                (v, y),
                xytext=(2, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
            )
        ax.set_xlim(0, top * 1.35)
        ax.set_yticks([])
        ax.set_title(label, fontsize=8.5)
        ax.set_xlabel("mean per run", fontsize=7, labelpad=1)
        ax.tick_params(axis="x", labelsize=7)
        grid(ax, "x")
    for ax in list(axes.flat)[len(FRICTIONS) :]:
        ax.remove()  # an empty slot of the grid
    for ax in axes[:, 0]:
        ax.set_ylabel("scenario", fontsize=7)
    handles = [Patch(color=c, label=s.scenario) for c, s in zip(colours, summaries, strict=True)]
    legend_below(figure, layout[1], handles, min(n, 2))
    return finish(figure, "What happened to the tips, per run", provenance)
