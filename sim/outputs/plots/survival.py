"""Survival curves: the probability that he is still at large, against days, per scenario.

A Kaplan-Meier curve (runs that reach the horizon uncaught are censored there) with its pointwise
95 % band; several scenarios are overlaid with different colours and line styles. The dashed line
at one half marks the median: where a curve crosses it, half the runs have caught him.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sim.experiments.stats import SurvivalCurve
from sim.outputs.plots.style import (
    GREY,
    LINESTYLES,
    Provenance,
    finish,
    grid,
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


def survival_curves(
    curves: Sequence[tuple[str, SurvivalCurve]], horizon_days: float, provenance: Provenance
) -> Figure:
    """Probability still at large against days since the start, one curve per scenario.

    Args:
        curves: (scenario name, Kaplan-Meier curve) pairs, the baseline first.
        horizon_days: the end of the runs (uncaptured runs are censored there).
        provenance: where the numbers come from.
    """
    if not curves:
        raise ValueError("survival_curves needs at least one curve")
    figure = new_figure(8.5, 4.8)
    ax = figure.add_subplot()
    for i, (name, curve) in enumerate(curves):
        days, at_large, low, high = _steps(curve, horizon_days)
        colour = series_colour(i)
        ax.fill_between(days, low, high, step="post", color=colour, alpha=0.18, linewidth=0)
        ax.step(
            days,
            at_large,
            where="post",
            color=colour,
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            linewidth=2,
            label=f"{name} (still at large at the end: {at_large[-1]:.2f})",
        )
    ax.axhline(0.5, color=GREY, linestyle=":", linewidth=1)
    ax.annotate(
        "median",
        (horizon_days, 0.5),
        xytext=(-4, 3),
        textcoords="offset points",
        ha="right",
        fontsize=8,
        color=GREY,
    )
    ax.set_xlim(0, horizon_days)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("days since the start")
    ax.set_ylabel("probability still at large (Kaplan-Meier, 95 % band)")
    grid(ax)
    ax.legend(loc="upper right", fontsize=9, frameon=False)
    return finish(figure, "How long does he stay at large?", provenance)
