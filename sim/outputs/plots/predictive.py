"""The posterior predictive check: the replay's capture day, prior and posterior, and the record.

Two step histograms of the day the replay's services take him, one under the prior (the runs at
every design point) and one under the posterior (fresh runs at its draws), each as the share of
runs per day; the record's day is a vertical line, and the share of runs still at large on it is
written in the legend. Runs in which he is never taken are a bar of their own past the horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure


@dataclass(frozen=True)
class DayDistribution:
    """The capture days of one belief's runs, each run with its weight.

    Attributes:
        belief: "prior" or "posterior".
        days: the capture day of each run (NaN: never taken by the horizon).
        weights: each run's weight (they sum to one).
        at_large: the weighted share of runs still at large on the record's day.
    """

    belief: str
    days: np.ndarray
    weights: np.ndarray
    at_large: float


def capture_day_check(
    beliefs: list[DayDistribution],
    record_day: float,
    horizon_days: float,
    provenance: Provenance,
    width_days: float = 4.0,
) -> Figure:
    """Histograms of the capture day under each belief, with the record's day marked."""
    if not beliefs:
        raise ValueError("capture_day_check needs at least one belief")
    edges = np.arange(0.0, horizon_days + width_days, width_days)
    figure = new_figure(8.5, 4.6)
    ax = figure.add_subplot()
    colours = {"prior": GREY, "posterior": OKABE_ITO["blue"]}
    for k, b in enumerate(beliefs):
        taken = ~np.isnan(b.days)
        counts, _ = np.histogram(b.days[taken], bins=edges, weights=b.weights[taken])
        colour = colours.get(b.belief, OKABE_ITO["vermillion"])
        share = "-" if not math.isfinite(b.at_large) else f"{b.at_large:.2f}"
        ax.stairs(
            counts,
            edges,
            color=colour,
            linewidth=2,
            label=f"{b.belief}: P(at large on day {record_day:.1f}) = {share}",
        )
        never = float(b.weights[~taken].sum())
        ax.bar(
            horizon_days + width_days * (0.6 + 0.8 * k),
            never,
            width=width_days * 0.7,
            color=colour,
            alpha=0.45 if b.belief == "prior" else 0.8,
        )
    ax.axvline(
        record_day,
        color=OKABE_ITO["vermillion"],
        linewidth=2,
        label=f"the record: still at large until day {record_day:.1f}",
    )
    ax.set_xlim(0, horizon_days + width_days * (1 + 0.8 * len(beliefs)))
    ax.set_xlabel(
        f"day the replay's services take him ({width_days:g}-day bins; the bar past "
        "the horizon: never taken)"
    )
    ax.set_ylabel("share of runs")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    grid(ax, "y")
    return finish(figure, "When the replay catches him, before and after the record", provenance)
