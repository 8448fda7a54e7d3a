"""Each reform's gain across the space of assumptions: where it helps, and by how much.

One row per reform: the gain at every design point (dots), their median and 5th-95th
percentiles (box and whiskers), and the share of points where its paired interval is clear of
zero (in the label). A reform whose whole row sits right of zero helps whatever the assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure
from sim.outputs.plots.style import wrap_labels as wrap


@dataclass(frozen=True)
class GainSpread:
    """A reform's gains over the design points and the share where it clearly helps."""

    reform: str
    gains: Sequence[float]
    share_clear: float


def gain_distributions(spreads: Sequence[GainSpread], provenance: Provenance) -> Figure:
    """Horizontal box plots of each reform's gain over the design points, best median on top."""
    if not spreads:
        raise ValueError("gain_distributions needs at least one reform")
    ordered = sorted(spreads, key=lambda s: float(np.median(s.gains)))
    figure = new_figure(8.5, 1.8 + 0.6 * len(ordered))
    ax = figure.add_subplot()
    data = [np.asarray(s.gains, float) for s in ordered]
    for i, values in enumerate(data, start=1):
        p05, q1, median, q3, p95 = np.percentile(values, [5, 25, 50, 75, 95])
        ax.plot([p05, p95], [i, i], color="black", linewidth=1)
        ax.plot([p05, p05], [i - 0.12, i + 0.12], color="black", linewidth=1)
        ax.plot([p95, p95], [i - 0.12, i + 0.12], color="black", linewidth=1)
        ax.add_patch(
            Rectangle((q1, i - 0.25), q3 - q1, 0.5, facecolor="white", edgecolor="black", zorder=2)
        )
        ax.plot(
            [median, median],
            [i - 0.25, i + 0.25],
            color=OKABE_ITO["vermillion"],
            linewidth=2.5,
            zorder=3,
        )
        # A fixed golden-ratio spread of the dots over the row (legibility only, no randomness).
        ys = i + ((np.arange(values.size) * 0.618034) % 1 - 0.5) * 0.3
        ax.scatter(values, ys, s=6, color=OKABE_ITO["blue"], alpha=0.35, linewidths=0, zorder=4)
    ax.set_ylim(0.4, len(ordered) + 0.6)
    ax.axvline(0, color=GREY, linewidth=1)
    labels = [f"{s.reform} (clear gain at {s.share_clear:.0%} of points)" for s in ordered]
    ax.set_yticks(range(1, len(ordered) + 1), wrap(labels, 36), fontsize=8)
    ax.set_xlabel(
        "gain in capture probability over the baseline at each design point\n"
        "(orange: median; box: quartiles; whiskers: 5th-95th percentiles)"
    )
    grid(ax, "x")
    return finish(figure, "How much each reform buys across the assumptions", provenance)
