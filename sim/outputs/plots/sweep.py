"""Sweeps: capture probability across a grid of parameter values.

One varied parameter gives a line with its 95 % band (numeric values on a numeric axis); two give
a heatmap with the probability and its interval written in each cell; more give one interval per
grid point, ranked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from sim.experiments.sweep import SweepPoint
from sim.outputs.plots.style import OKABE_ITO, Provenance, finish, grid, new_figure


def _numbers(values: Sequence[str]) -> list[float] | None:
    """The values as numbers, or None when any is not a plain number (e.g. ``6h``, ``null``)."""
    try:
        return [float(v) for v in values]
    except ValueError:
        return None


def sweep_figure(points: Sequence[SweepPoint], provenance: Provenance) -> Figure:
    """The figure that fits the grid: a line (one parameter), a heatmap (two) or ranked intervals.

    Args: points: the grid points of :func:`sim.experiments.sweep.sweep`, all varying the same
    parameters. provenance: where the numbers come from.
    """
    if not points:
        raise ValueError("sweep_figure needs at least one grid point")
    names = list(points[0].values)
    if len(names) == 1:
        return sweep_line(points, provenance)
    if len(names) == 2:
        return sweep_heatmap(points, provenance)
    return _ranked(points, provenance)


def _rate_label(points: Sequence[SweepPoint]) -> str:
    return f"probability of capture within {points[0].summary.horizon_days:g} days"


def sweep_line(points: Sequence[SweepPoint], provenance: Provenance) -> Figure:
    """Capture probability against one varied parameter, with the 95 % Wilson band."""
    (name,) = points[0].values
    values = [p.values[name] for p in points]
    numbers = _numbers(values)
    xs = numbers if numbers is not None else list(range(len(points)))
    rate = [p.summary.capture_rate for p in points]
    low = [p.summary.ci95[0] for p in points]
    high = [p.summary.ci95[1] for p in points]
    figure = new_figure(8.5, 4.8)
    ax = figure.add_subplot()
    colour = OKABE_ITO["blue"]
    ax.fill_between(xs, low, high, color=colour, alpha=0.2, linewidth=0, label="95 % CI")
    ax.plot(xs, rate, marker="o", color=colour, linewidth=2, label="capture probability")
    if numbers is None:
        ax.set_xticks(xs, values)
    ax.set_xlabel(f"{name} (as written in the scenario)")
    ax.set_ylabel(_rate_label(points))
    ax.set_ylim(0, 1)
    grid(ax)
    ax.legend(frameon=False, fontsize=9)
    return finish(figure, f"Capture probability as {name} varies", provenance)


def sweep_heatmap(points: Sequence[SweepPoint], provenance: Provenance) -> Figure:
    """Capture probability over a two-parameter grid; each cell shows the rate and its interval."""
    first, second = points[0].values
    rows = list(dict.fromkeys(p.values[first] for p in points))
    cols = list(dict.fromkeys(p.values[second] for p in points))
    grid = np.full((len(rows), len(cols)), np.nan)
    cells: dict[tuple[int, int], SweepPoint] = {}
    for p in points:
        i, j = rows.index(p.values[first]), cols.index(p.values[second])
        grid[i, j] = p.summary.capture_rate
        cells[i, j] = p
    figure = new_figure(max(6.0, 2.2 + 1.5 * len(cols)), max(3.6, 1.8 + 0.8 * len(rows)))
    ax = figure.add_subplot()
    image = ax.imshow(grid, cmap="cividis", vmin=0, vmax=1, origin="lower", aspect="auto")
    for (i, j), p in cells.items():
        low, high = p.summary.ci95
        dark = p.summary.capture_rate < 0.55  # cividis is dark at the low end: write in white
        ax.text(
            j,
            i,
            f"{p.summary.capture_rate:.2f}\n[{low:.2f}, {high:.2f}]",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if dark else "black",
        )
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(f"{second} (as written in the scenario)")
    ax.set_ylabel(f"{first} (as written)")
    bar = figure.colorbar(image, ax=ax)
    bar.set_label(_rate_label(points))
    return finish(figure, "Capture probability over the grid", provenance)


def _ranked(points: Sequence[SweepPoint], provenance: Provenance) -> Figure:
    """One 95 % interval per grid point, best first (three or more varied parameters)."""
    ordered = sorted(points, key=lambda p: -p.summary.capture_rate)
    figure = new_figure(9.5, 1.4 + 0.35 * len(ordered))
    ax = figure.add_subplot()
    ys = list(range(len(ordered)))[::-1]
    for y, p in zip(ys, ordered, strict=True):
        low, high = p.summary.ci95
        rate = p.summary.capture_rate
        ax.errorbar(
            rate, y, xerr=[[rate - low], [high - rate]], fmt="o", color=OKABE_ITO["blue"], capsize=3
        )
    labels = [", ".join(f"{k}={v}" for k, v in p.values.items()) for p in ordered]
    ax.set_yticks(ys, labels, fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"{_rate_label(points)} (95 % Wilson CI)")
    grid(ax, "x")
    return finish(figure, "Capture probability at each grid point, best first", provenance)
