"""The tip-loss waterfall: of all true tips, how many stopped at each step, down to the capture.

The top bar is every true tip of every run; each bar below removes the tips that stopped at one
step (forgotten, lost, still waiting, judged not credible, misread, not matched, nobody with
jurisdiction, search pending, searched empty, deferred by the night rule and then empty), in the
order a tip meets them; the last bar is what is left: tips that led to the capture. Several
scenarios sit side by side on the same steps and the same scale (up to four a row), with a legend
of the colours.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.analysis.losses import CAPTURE_LABEL, TipLosses
from sim.outputs.plots.style import (
    OKABE_ITO,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Provenance,
    finish,
    grid,
    legend_below,
    new_figure,
)

_TOTAL = OKABE_ITO["blue"]
_BEFORE_SEARCH = OKABE_ITO["vermillion"]
_SEARCH = OKABE_ITO["orange"]
_NIGHT = OKABE_ITO["reddish_purple"]
_CAPTURE = OKABE_ITO["bluish_green"]


def _colour(label: str) -> str:
    if "night rule" in label:
        return _NIGHT
    if label.startswith(("search", "searched")):
        return _SEARCH
    return _BEFORE_SEARCH


#: Most panels side by side; more scenarios wrap onto further rows.
MAX_COLUMNS = 4


def loss_waterfall(losses: Sequence[TipLosses], provenance: Provenance) -> Figure:
    """Where the true tips stopped, one panel per scenario, all on the same scale.

    Panels share their axes (the same number of tips is the same length in every panel), wrap
    after :data:`MAX_COLUMNS`, and the colours are explained in a legend under them.

    Args:
        losses: one :class:`~sim.analysis.losses.TipLosses` per scenario, the baseline first.
        provenance: where the numbers come from.
    """
    if not losses:
        raise ValueError("loss_waterfall needs at least one scenario")
    labels = ["all true tips", *(label for label, _ in losses[0].lost), CAPTURE_LABEL]
    if any(x.unaccounted for x in losses):
        labels.insert(-1, "no recorded end")
    columns = min(len(losses), MAX_COLUMNS)
    rows = math.ceil(len(losses) / columns)
    panel = 0.2 * len(labels) + 0.55
    height = min(PAGE_HEIGHT, 1.8 + panel * rows)
    figure = new_figure(PAGE_WIDTH, height)
    layout = figure.add_gridspec(2, 1, height_ratios=[panel * rows, 0.65])
    axes = layout[0].subgridspec(rows, columns).subplots(sharex=True, sharey=True, squeeze=False)
    ys = list(range(len(labels)))[::-1]
    widest = max(max(x.total, 1) for x in losses)
    small = columns > 2  # narrow panels: the counts alone, in smaller type
    for ax, scenario in zip(axes.flat, losses, strict=False):
        _panel(ax, scenario, ys, small)
        ax.set_title(textwrap.fill(scenario.scenario, 90 // (columns + 1)), fontsize=9)
    for ax in list(axes.flat)[len(losses) :]:
        ax.remove()  # an empty slot of the grid
    for row in axes:
        row[0].set_yticks(ys, labels, fontsize=8)
    axes[0][0].set_xlim(0, widest * (1.45 if small else 1.3))
    for ax in axes[-1]:
        ax.set_xlabel("true tips", fontsize=8)
    for ax in axes.flat:  # a wrapped last row leaves the row above without a visible x axis
        ax.tick_params(axis="x", labelbottom=True, labelsize=7)
    handles = [Patch(color=c, label=text) for text, c in _LEGEND]
    title = f"true tips summed over the {losses[0].runs:,} runs of each scenario"
    legend_below(figure, layout[1], handles, 3, title=title)
    return finish(figure, "Where did the true tips stop?", provenance)


_LEGEND = (
    ("all true tips", _TOTAL),
    ("stopped before a search", _BEFORE_SEARCH),
    ("at a search: pending, or nobody found", _SEARCH),
    ("deferred by the night rule, then nobody found", _NIGHT),
    ("led to the capture", _CAPTURE),
)


def _panel(ax: Axes, losses: TipLosses, ys: list[int], small: bool) -> None:
    total = max(losses.total, 1)
    bars = [("all true tips", 0, losses.total, _TOTAL)]
    remaining = losses.total
    steps = list(losses.lost)
    if losses.unaccounted:
        steps.append(("no recorded end", losses.unaccounted))
    for label, count in steps:
        remaining -= count
        bars.append((label, remaining, count, _colour(label)))
    bars.append((CAPTURE_LABEL, 0, losses.captured, _CAPTURE))
    for y, (_, left, width, colour) in zip(ys, bars, strict=True):
        ax.barh(y, width, left=left, color=colour, height=0.7)
        share = 100 * width / total
        text = f"{width:,}" if small else f"{width:,} ({share:.0f} %)"
        ax.annotate(
            text if width else "0",
            (left + width, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5 if small else 8,
        )
    grid(ax, "x")
