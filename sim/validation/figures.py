"""Figures of the history replay: the capture day beside the real day 126.

Plotting functions take plain data and return a :class:`matplotlib.figure.Figure` drawn without
pyplot (no global state; PNG output goes through the Agg canvas).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.experiments.stats import survival_curve

#: One colour and line style per arm, in order (colour-blind safe; styles tell apart curves
#: that nearly coincide, such as the 2015 rules with and without the night rule).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
STYLES = ("-", "--", "-", ":")


def capture_day_histogram(
    arms: Mapping[str, Sequence[float]], real_day: float, horizon_days: float = 126.0
) -> Figure:
    """Histogram of the capture day per arm (NaN: not captured), the real arrest marked."""
    fig = Figure(figsize=(7.0, 3.4), layout="constrained")
    ax = fig.add_subplot()
    bins = np.arange(0, horizon_days + 7, 7)
    for (label, days), colour in zip(arms.items(), COLOURS, strict=False):
        x = np.asarray(days, dtype=float)
        caught = x[~np.isnan(x)]
        free = 1 - caught.size / x.size
        label = f"{label} (not caught by day {horizon_days:g}: {free:.0%})"
        weights = np.full(caught.size, 1 / x.size)  # shares of all runs, not of captures
        ax.hist(
            caught,
            bins,  # type: ignore[arg-type]  # matplotlib's stub leaves arrays out of bins
            weights=weights,
            histtype="step",
            linewidth=1.6,
            color=colour,
            label=label,
        )
    ax.axvline(real_day, color="black", linestyle="--", linewidth=1)
    top = ax.get_ylim()[1]
    ax.annotate(
        "real arrest\n(day 126)",
        xy=(real_day, top * 0.55),
        xytext=(real_day - 22, top * 0.7),
        ha="center",
        fontsize=8,
        arrowprops={"arrowstyle": "->", "lw": 0.8},
    )
    ax.set_xlabel("days after the Paris attacks (13 Nov 2015 22:00)")
    ax.set_ylabel("share of replications per week")
    ax.set_xlim(0, horizon_days + 2)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig


def survival_figure(
    arms: Mapping[str, Sequence[float]], real_day: float, horizon_days: float = 126.0
) -> Figure:
    """Kaplan-Meier share still at large against days, one curve per arm."""
    fig = Figure(figsize=(7.0, 3.4), layout="constrained")
    ax = fig.add_subplot()
    for (label, days), colour, style in zip(arms.items(), COLOURS, STYLES, strict=False):
        curve = survival_curve(np.asarray(days, dtype=float), horizon_days)
        ax.step(
            curve.days, curve.at_large, where="post", color=colour, linestyle=style, label=label
        )
        ax.fill_between(curve.days, curve.low, curve.high, step="post", color=colour, alpha=0.15)
    ax.axvline(real_day, color="black", linestyle="--", linewidth=1)
    ax.set_xlabel("days after the Paris attacks (13 Nov 2015 22:00)")
    ax.set_ylabel("share still at large")
    ax.set_xlim(0, horizon_days + 2)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower left", frameon=False)
    return fig


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as a small PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    return path
