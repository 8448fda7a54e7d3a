"""The Morris plane: μ* (how much an assumption matters) against σ (how it interacts).

Each screening unit is a point. Far right: it matters; high up relative to μ*: its effect
depends on where the other assumptions are (interactions or a non-linear effect). The dashed
line σ = μ* separates mostly additive effects (below) from mostly interacting ones (above).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure

from sim.outputs.plots.style import GREY, OKABE_ITO, Provenance, finish, grid, new_figure

#: Units labelled by name (the largest μ*).
LABELLED = 8


def mu_star_sigma(
    units: Sequence[tuple[str, float, float]], what: str, provenance: Provenance
) -> Figure:
    """Scatter of (μ*, σ) per screening unit, the largest labelled.

    Args:
        units: (name, μ*, σ) per unit; σ may be NaN (SALib gives none for groups).
        what: the output in words.
        provenance: where the numbers come from.
    """
    if not units:
        raise ValueError("mu_star_sigma needs at least one unit")
    figure = new_figure(8.0, 6.0)
    ax = figure.add_subplot()
    shown = [(n, m, 0.0 if math.isnan(s) else s) for n, m, s in units]
    ax.scatter([m for _, m, _ in shown], [s for _, _, s in shown], color=OKABE_ITO["blue"])
    top = max(max(m for _, m, _ in shown), max(s for _, _, s in shown), 1e-9)
    ax.plot([0, top], [0, top], linestyle="--", color=GREY, linewidth=1, label="σ = μ*")
    for name, m, s in sorted(shown, key=lambda u: -u[1])[:LABELLED]:
        ax.annotate(name, (m, s), xytext=(4, 4), textcoords="offset points", fontsize=8)
    ax.set_xlabel("μ*: mean absolute effect over the range (probability)")
    ax.set_ylabel("σ: spread of the effects (interactions, non-linearity)")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    grid(ax)
    if any(math.isnan(s) for _, _, s in units):
        ax.text(
            0.99,
            0.01,
            "groups of factors have no σ (drawn at 0)",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            color=GREY,
        )
    return finish(figure, f"Morris screening of the {what}", provenance)
