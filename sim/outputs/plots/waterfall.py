"""The tip-loss waterfall: of all true tips, how many stopped at each step, down to the capture.

The top bar is every true tip of every run; each bar below removes the tips that stopped at one
step (forgotten, lost, still waiting, judged not credible, misread, not matched, nobody with
jurisdiction, search pending, searched empty, deferred by the night rule and then empty), in the
order a tip meets them; the last bar is what is left: tips that led to the capture. Several
scenarios sit side by side on the same steps.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.losses import CAPTURE_LABEL, TipLosses
from sim.outputs.plots.style import OKABE_ITO, Provenance, finish, grid, new_figure

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


def loss_waterfall(losses: Sequence[TipLosses], provenance: Provenance) -> Figure:
    """Where the true tips stopped, one panel per scenario.

    Args:
        losses: one :class:`~sim.analysis.losses.TipLosses` per scenario, the baseline first.
        provenance: where the numbers come from.
    """
    if not losses:
        raise ValueError("loss_waterfall needs at least one scenario")
    labels = ["all true tips", *(label for label, _ in losses[0].lost), CAPTURE_LABEL]
    if any(x.unaccounted for x in losses):
        labels.insert(-1, "no recorded end")
    figure = new_figure(4.0 + 3.6 * len(losses), 5.4)
    axes = figure.subplots(1, len(losses), sharey=True, squeeze=False)[0]
    ys = list(range(len(labels)))[::-1]
    for ax, scenario in zip(axes, losses, strict=True):
        _panel(ax, scenario, ys)
    axes[0].set_yticks(ys, labels)
    return finish(figure, "Where did the true tips stop?", provenance)


def _panel(ax: Axes, losses: TipLosses, ys: list[int]) -> None:
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
        ax.annotate(
            f"{width:,} ({share:.0f} %)" if width else "0",
            (left + width, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, total * 1.3)
    ax.set_title(f"{losses.scenario}", fontsize=10)
    ax.set_xlabel(f"true tips (summed over {losses.runs:,} runs)")
    grid(ax, "x")
