"""Rank probabilities: how often each reform is the best, second best... across the space.

One stacked bar per reform: the share of design points at which it ranks first, second and so
on by its gain (ties shared). A reform that is first at most points is a robust choice; one that
is first at some points and last at others depends on the assumptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from sim.outputs.plots.style import Provenance, finish, grid, new_figure, series_colour
from sim.outputs.plots.style import wrap_labels as wrap


def rank_probabilities(ranks: Mapping[str, Sequence[float]], provenance: Provenance) -> Figure:
    """Stacked horizontal bars: P(rank 1), P(rank 2)... per reform, most often first on top.

    Args:
        ranks: per reform, the probability of each rank (first to last; they add up to 1).
        provenance: where the numbers come from.
    """
    if not ranks:
        raise ValueError("rank_probabilities needs at least one reform")
    ordered = sorted(ranks, key=lambda r: ranks[r][0])
    count = len(next(iter(ranks.values())))
    figure = new_figure(8.5, 1.8 + 0.5 * len(ordered))
    ax = figure.add_subplot()
    left = [0.0] * len(ordered)
    for k in range(count):
        widths = [ranks[r][k] for r in ordered]
        ax.barh(
            range(len(ordered)),
            widths,
            left=left,
            color=series_colour(k),
            height=0.6,
            label=f"rank {k + 1}",
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(range(len(ordered)), wrap(ordered, 32), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the design points at which the reform has this rank (by its gain)")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=min(count, 7),
        fontsize=8,
        frameon=False,
    )
    grid(ax, "x")
    return finish(figure, "How often each reform is the best choice", provenance)
