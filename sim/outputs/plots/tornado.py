"""The friction tornado: how much capture probability each friction costs, largest first.

The numbers come from an attribution experiment (remove one friction at a time on common random
numbers and measure the paired change in capture probability); this module only draws them. Bars
to the right of zero are frictions whose removal helps the hunt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure
from sim.outputs.plots.style import wrap_labels as wrap


@dataclass(frozen=True)
class FrictionEffect:
    """The change in capture probability when one friction is removed.

    Attributes:
        friction: what was removed, in words (e.g. "the night rule").
        effect: capture probability without it minus with it (points of probability).
        ci95: the paired 95 % interval of ``effect``.
    """

    friction: str
    effect: float
    ci95: tuple[float, float]


#: How the effect was measured: the x-axis label for each measure.
MEASURES = {
    "alone": "gain in capture probability when it alone is removed",
    "shapley": "Shapley share of the gap to the frictionless setup",
}


def friction_tornado(
    effects: Sequence[FrictionEffect],
    baseline_rate: float,
    provenance: Provenance,
    measure: str = "alone",
) -> Figure:
    """Horizontal bars of each friction's cost, sorted by size, with paired 95 % intervals.

    Args:
        effects: one per friction.
        baseline_rate: the capture probability with every friction in place (shown in the title).
        provenance: where the numbers come from.
        measure: ``"alone"`` (each friction removed by itself) or ``"shapley"`` (its Shapley
            share of the gap; the shares add up to the gap).
    """
    if not effects:
        raise ValueError("friction_tornado needs at least one friction")
    ordered = sorted(effects, key=lambda e: abs(e.effect))  # largest at the top
    figure = new_figure(8.5, 1.8 + 0.5 * len(ordered))
    ax = figure.add_subplot()
    ys = list(range(len(ordered)))
    colours = [OKABE_ITO["vermillion"] if e.effect >= 0 else OKABE_ITO["sky_blue"] for e in ordered]
    ax.barh(ys, [e.effect for e in ordered], color=colours, height=0.6)
    ax.errorbar(
        [e.effect for e in ordered],
        ys,
        xerr=[[e.effect - e.ci95[0] for e in ordered], [e.ci95[1] - e.effect for e in ordered]],
        fmt="none",
        ecolor="black",
        capsize=4,
    )
    ax.axvline(0, color=GREY, linewidth=1)
    ax.set_yticks(ys, wrap([e.friction for e in ordered], 32))
    ax.set_xlabel(f"{MEASURES[measure]}\n(probability, with paired 95 % CI)")
    grid(ax, "x")
    title = f"What each friction costs (capture probability with all of them: {baseline_rate:.3f})"
    return finish(figure, title, provenance)
