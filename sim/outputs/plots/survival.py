"""Survival curves: the probability that he is still at large, against days, per scenario.

A Kaplan-Meier curve (runs that reach the horizon uncaught are censored there) with its pointwise
95 % band (with many scenarios, the interval at the horizon instead); several scenarios are
overlaid with different colours and line styles, named in a legend under the plot. The dashed line
at one half marks the median: where a curve crosses it, half the runs have caught him.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sim.experiments.stats import SurvivalCurve
from sim.outputs.plots.style import (
    GREY,
    LINESTYLES,
    MARKERS,
    PAGE_WIDTH,
    Provenance,
    finish,
    grid,
    legend_below,
    new_figure,
    series_colour,
)


def _steps(curve: SurvivalCurve, horizon_days: float) -> tuple[np.ndarray, ...]:
    """The curve as steps from (0, 1) to the horizon (Kaplan-Meier lists only event days)."""
    days = np.concatenate(([0.0], curve.days, [horizon_days]))
    last = len(curve.days) - 1
    at_large = np.concatenate(([1.0], curve.at_large, [curve.at_large[last]]))
    low = np.concatenate(([1.0], curve.low, [curve.low[last]]))
    high = np.concatenate(([1.0], curve.high, [curve.high[last]]))
    keep = days <= horizon_days
    return days[keep], at_large[keep], low[keep], high[keep]


#: Up to this many scenarios each curve carries its 95 % band; beyond, the bands would overlap
#: into grey, and each curve's interval is drawn at the horizon instead.
MAX_BANDS = 3


def survival_curves(
    curves: Sequence[tuple[str, SurvivalCurve]], horizon_days: float, provenance: Provenance
) -> Figure:
    """Probability still at large against days since the start, one curve per scenario.

    With up to :data:`MAX_BANDS` scenarios each curve has its pointwise 95 % band; with more, the
    interval of each curve's last value is drawn beside the horizon. The legend sits under the
    plot, never over the curves.

    Args:
        curves: (scenario name, Kaplan-Meier curve) pairs, the baseline first.
        horizon_days: the end of the runs (uncaptured runs are censored there).
        provenance: where the numbers come from.
    """
    if not curves:
        raise ValueError("survival_curves needs at least one curve")
    bands = len(curves) <= MAX_BANDS
    columns = 1 if len(curves) <= 3 else 2
    legend_height = 0.4 + 0.2 * math.ceil(len(curves) / columns)
    figure = new_figure(PAGE_WIDTH, 4.4 + legend_height)
    layout = figure.add_gridspec(2, 1, height_ratios=[4.4, legend_height])
    ax = figure.add_subplot(layout[0])
    for i, (name, curve) in enumerate(curves):
        days, at_large, low, high = _steps(curve, horizon_days)
        colour = series_colour(i)
        if bands:
            ax.fill_between(days, low, high, step="post", color=colour, alpha=0.18, linewidth=0)
        else:  # the end's interval, the curves side by side just past the horizon
            x = horizon_days * (1.01 + 0.012 * i)
            ax.errorbar(
                x,
                at_large[-1],
                yerr=[[at_large[-1] - low[-1]], [high[-1] - at_large[-1]]],
                fmt=MARKERS[i % len(MARKERS)],
                color=colour,
                markersize=4,
                capsize=2,
                linewidth=1.2,
                clip_on=False,
            )
        ax.step(
            days,
            at_large,
            where="post",
            color=colour,
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            linewidth=2 if bands else 1.6,
            label=f"{name}: {at_large[-1]:.2f} [{low[-1]:.2f}, {high[-1]:.2f}]",
        )
    ax.axhline(0.5, color=GREY, linestyle=":", linewidth=1)
    ax.annotate(
        "median",
        (0, 0.5),
        xytext=(4, 3),
        textcoords="offset points",
        ha="left",
        fontsize=8,
        color=GREY,
    )
    ax.set_xlim(0, horizon_days * (1.0 if bands else 1.01 + 0.012 * len(curves)))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days since the start")
    what = "95 % band" if bands else "95 % interval at the end"
    ax.set_ylabel(f"probability still at large\n(Kaplan-Meier, {what})")
    grid(ax)
    handles = [line for line in ax.get_lines() if not str(line.get_label()).startswith("_")]
    legend_below(figure, layout[1], handles, columns, title="still at large at the end [95 % CI]")
    return finish(figure, "How long does he stay at large?", provenance)
