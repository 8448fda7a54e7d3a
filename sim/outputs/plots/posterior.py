"""Prior against posterior, factor by factor: which assumptions the record narrows or moves.

One row per factor, those the record moved most at the top: the prior's 90 % range (grey) and
the posterior's (blue, its median a dot) on the quantile scale of the prior, where every prior
runs from 0.05 to 0.95 around 0.5, so that factors in hours, rates and shares sit side by side.
The posterior's range in the factor's own units is written beside it; a factor the record
constrains (Holm-adjusted permutation test) is marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from sim.outputs.plots.style import (
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    Provenance,
    finish,
    grid,
    new_figure,
)
from sim.outputs.plots.style import wrap_labels as wrap

#: Most factors drawn (the rest, which the record moved least, are counted in the title).
MOST = 20


@dataclass(frozen=True)
class FactorRange:
    """One factor's prior and posterior, for the figure.

    Attributes:
        label: the factor in words.
        posterior: its posterior 5th, 50th and 95th percentiles on the prior's quantile scale.
        text: the posterior 90 % range in the factor's units (e.g. "0.12 to 0.29").
        shift: how far the record moved it (its KS distance; rows are sorted by it).
        constrained: whether the record constrains it (after Holm's adjustment).
    """

    label: str
    posterior: tuple[float, float, float]
    text: str
    shift: float
    constrained: bool


def prior_posterior(factors: Sequence[FactorRange], provenance: Provenance) -> Figure:
    """Prior and posterior 90 % ranges of each factor, the most moved at the top."""
    if not factors:
        raise ValueError("prior_posterior needs at least one factor")
    ordered = sorted(factors, key=lambda f: f.shift)[-MOST:]
    figure = new_figure(8.5, 1.9 + 0.34 * len(ordered))
    ax = figure.add_subplot()
    for y, f in enumerate(ordered):
        ax.plot([0.05, 0.95], [y, y], color=LIGHT_GREY, linewidth=7, solid_capstyle="butt")
        low, middle, high = f.posterior
        colour = OKABE_ITO["blue"] if f.constrained else OKABE_ITO["sky_blue"]
        ax.plot([low, high], [y, y], color=colour, linewidth=3, solid_capstyle="butt")
        ax.scatter([middle], [y], color=colour, s=22, zorder=3)
        ax.text(1.02, y, f.text, va="center", fontsize=7.5, transform=ax.get_yaxis_transform())
    ax.axvline(0.5, color=GREY, linewidth=0.8, linestyle=":")
    names = [f"{f.label}{' *' if f.constrained else ''}" for f in ordered]
    ax.set_yticks(range(len(ordered)), wrap(names, 38), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.7, len(ordered) - 0.3)
    ax.set_xlabel(
        "quantile of the prior (grey: the prior's 90 % range; blue: the posterior's, dot its "
        "median)\n* the record constrains it (permutation test, Holm-adjusted p <= 0.05); "
        "right: the posterior's 90 % range"
    )
    grid(ax, "x")
    left_out = len(factors) - len(ordered)
    more = f" ({left_out} moved less not shown)" if left_out > 0 else ""
    return finish(figure, f"What the record says about each assumption{more}", provenance)
