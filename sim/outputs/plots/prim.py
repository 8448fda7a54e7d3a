"""A PRIM box: the coverage-density trade-off of its peeling, and the factor ranges it keeps.

Left: each step of PRIM's peeling as a point (coverage: share of all cases inside the box;
density: share of the box that are cases), coloured by how many factors it restricts; the box
reported is ringed. Right: the ranges it keeps, each factor on its own normalised scale.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure
from sim.outputs.plots.style import wrap_labels as wrap


def prim_box(
    tradeoff: Sequence[tuple[float, float, int]],
    chosen: tuple[float, float],
    limits: Sequence[tuple[str, float, float]],
    title: str,
    provenance: Provenance,
) -> Figure:
    """The trade-off and the box.

    Args:
        tradeoff: (coverage, density, restricted factors) per peeling step.
        chosen: (coverage, density) of the box reported.
        limits: (factor in words, low, high) of each restricted factor on [0, 1] of its range.
        title: what the box is about, in words.
        provenance: where the numbers come from.
    """
    figure = new_figure(11.0, 4.8)
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.3))
    scatter = left.scatter(
        [c for c, _, _ in tradeoff],
        [d for _, d, _ in tradeoff],
        c=[r for _, _, r in tradeoff],
        cmap="viridis",
        s=18,
    )
    left.scatter(
        *chosen,
        s=160,
        facecolors="none",
        edgecolors=OKABE_ITO["vermillion"],
        linewidths=2,
        label="the box reported",
    )
    figure.colorbar(scatter, ax=left, label="factors restricted")
    left.set_xlabel("coverage (share of all cases in the box)")
    left.set_ylabel("density (share of the box that are cases)")
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1.02)
    left.legend(loc="lower left", fontsize=8, frameon=False)
    grid(left)
    if limits:
        ys = range(len(limits))
        right.barh(ys, [0.0] * len(limits), left=0.0, color="none")
        for y, (_, low, high) in zip(ys, limits, strict=True):
            right.plot([0, 1], [y, y], color=GREY, linewidth=6, alpha=0.3, solid_capstyle="butt")
            right.plot(
                [low, high],
                [y, y],
                color=OKABE_ITO["vermillion"],
                linewidth=6,
                solid_capstyle="butt",
            )
        right.set_yticks(list(ys), wrap([name for name, _, _ in limits], 34), fontsize=8)
        right.set_xlim(0, 1)
        right.set_xlabel("part of each factor's range inside the box (grey: the whole range)")
    else:
        right.text(0.5, 0.5, "no factor restricted", ha="center", va="center")
        right.set_axis_off()
    return finish(figure, title, provenance)
