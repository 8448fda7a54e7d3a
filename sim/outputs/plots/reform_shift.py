"""Reform gains at the nominal point, under the prior and under the posterior, side by side.

One row per reform, three markers on it: the expected gain at the nominal point, under the
prior and under the posterior, each with its 95 % interval; a filled marker is a gain clear of
zero after Holm's adjustment across the menu. Does the ranking survive once the worlds the record
makes implausible are discounted?
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure
from sim.outputs.plots.style import wrap_labels as wrap

#: Each belief's colour, marker and vertical offset within a reform's row.
_LOOK = {
    "nominal": (GREY, "s", 0.22),
    "prior": (OKABE_ITO["orange"], "o", 0.0),
    "posterior": (OKABE_ITO["blue"], "D", -0.22),
}


@dataclass(frozen=True)
class Gain:
    """One reform's expected gain under one belief."""

    value: float
    ci95: tuple[float, float]
    clear: bool


def reform_gains(gains: Mapping[str, Mapping[str, Gain]], provenance: Provenance) -> Figure:
    """Each reform's gain under each belief (``gains[reform][belief]``), best posterior on top."""
    if not gains:
        raise ValueError("reform_gains needs at least one reform")

    def key(name: str) -> float:
        row = gains[name]
        return (row.get("posterior") or row.get("prior") or next(iter(row.values()))).value

    order: Sequence[str] = sorted(gains, key=key)
    figure = new_figure(8.5, 1.9 + 0.62 * len(order))
    ax = figure.add_subplot()
    for y, name in enumerate(order):
        for belief, gain in gains[name].items():
            colour, marker, dy = _LOOK.get(belief, (GREY, "x", 0.0))
            low, high = gain.ci95
            ax.plot([low, high], [y + dy, y + dy], color=colour, linewidth=1.5)
            ax.scatter(
                [gain.value],
                [y + dy],
                marker=marker,
                s=38,
                zorder=3,
                facecolors=colour if gain.clear else "white",
                edgecolors=colour,
            )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(order)), wrap(list(order), 30), fontsize=8)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlabel(
        "gain in the chance of catching him by the horizon over the baseline "
        "(95 % interval)\nfilled: clear of zero after Holm's adjustment across the menu"
    )
    handles = [
        Line2D([], [], color=c, marker=m, linestyle="-", label=b)
        for b, (c, m, _) in _LOOK.items()
        if any(b in row for row in gains.values())
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=False)
    grid(ax, "x")
    return finish(figure, "What each reform buys: nominal, prior and posterior", provenance)
