"""Factor importance: which assumptions move an answer most, with their bootstrap intervals.

One horizontal bar per screening unit (a factor, or a group of factors moved together), largest
at the top: Morris μ* or a Sobol total index, with its 95 % bootstrap interval. For Morris the
grey tick marks the μ* that Monte Carlo noise alone would give: a bar not clearly beyond it says
nothing about the factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure
from sim.outputs.plots.style import wrap_labels as wrap

#: Most units drawn (the rest are summed up in the title).
MOST = 25


@dataclass(frozen=True)
class Importance:
    """One screening unit's importance for one output.

    Attributes:
        name: the unit in words.
        value: μ* or the total index.
        ci95: its 95 % bootstrap interval.
        noise_floor: the value noise alone would give (None when not known).
    """

    name: str
    value: float
    ci95: tuple[float, float]
    noise_floor: float | None = None


def factor_importance(
    bars: Sequence[Importance], what: str, measure: str, provenance: Provenance
) -> Figure:
    """Horizontal bars of importance, largest at the top, with intervals and noise floors.

    Args:
        bars: one per screening unit.
        what: the output in words ("capture probability", "gain of reform-x").
        measure: the index in words ("Morris μ*", "Sobol total index").
        provenance: where the numbers come from.
    """
    if not bars:
        raise ValueError("factor_importance needs at least one factor")
    ordered = sorted(bars, key=lambda b: b.value)[-MOST:]
    figure = new_figure(8.5, 1.6 + 0.38 * len(ordered))
    ax = figure.add_subplot()
    ys = list(range(len(ordered)))
    ax.barh(ys, [b.value for b in ordered], color=OKABE_ITO["blue"], height=0.6)
    ax.errorbar(
        [b.value for b in ordered],
        ys,
        xerr=[
            [max(b.value - b.ci95[0], 0) for b in ordered],
            [max(b.ci95[1] - b.value, 0) for b in ordered],
        ],
        fmt="none",
        ecolor="black",
        capsize=3,
    )
    floors = [(y, b.noise_floor) for y, b in zip(ys, ordered, strict=True) if b.noise_floor]
    if floors:
        ax.scatter(
            [f for _, f in floors],
            [y for y, _ in floors],
            marker="|",
            s=220,
            color=GREY,
            zorder=3,
            label="what Monte Carlo noise alone gives",
        )
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(ys, wrap([b.name for b in ordered], 40), fontsize=8)
    ax.set_xlabel(f"{measure} (with 95 % bootstrap interval)")
    ax.set_xlim(left=0)
    grid(ax, "x")
    left_out = len(bars) - len(ordered)
    more = f"; {left_out} smaller ones not shown" if left_out > 0 else ""
    return finish(figure, f"Which assumptions move the {what}{more}", provenance)
