"""Capture probability per scenario with its 95 % interval, and paired differences between setups.

The rate answers "how often is he caught within the horizon?"; the difference answers "how much
more often does the other setup catch him, on the same fugitive and the same tips?" with the paired
interval beside the (wider) unpaired one, so the reader sees what common random numbers buy.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from sim.experiments.compare import Difference
from sim.experiments.summary import Summary
from sim.outputs.plots.style import (
    GREY,
    MARKERS,
    Provenance,
    finish,
    grid,
    new_figure,
    series_colour,
)
from sim.outputs.plots.style import wrap_labels as wrap
from sim.outputs.wording import verdict


def capture_rates(summaries: Sequence[Summary], provenance: Provenance) -> Figure:
    """Probability of capture within the horizon for each scenario, with Wilson 95 % intervals.

    Args:
        summaries: one per scenario, the baseline first (drawn at the top).
        provenance: where the numbers come from (the footer and file metadata).
    """
    if not summaries:
        raise ValueError("capture_rates needs at least one summary")
    figure = new_figure(8.5, 1.6 + 0.65 * len(summaries))
    ax = figure.add_subplot()
    ys = list(range(len(summaries)))[::-1]
    for i, (y, s) in enumerate(zip(ys, summaries, strict=True)):
        low, high = s.ci95
        colour = series_colour(i)
        ax.errorbar(
            s.capture_rate,
            y,
            xerr=[[s.capture_rate - low], [high - s.capture_rate]],
            fmt=MARKERS[i % len(MARKERS)],
            color=colour,
            markersize=8,
            capsize=6,
            linewidth=2,
        )
        ax.annotate(
            f"{s.capture_rate:.3f}  [{low:.3f}, {high:.3f}]",
            (s.capture_rate, y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.set_yticks(ys, wrap([s.scenario for s in summaries]))
    ax.set_ylim(-0.6, len(summaries) - 0.4)
    ax.set_xlim(0, 1)
    horizon = summaries[0].horizon_days
    ax.set_xlabel(f"probability of capture within {horizon:g} days (share of runs; 95 % Wilson CI)")
    grid(ax, "x")
    return finish(figure, "How often is he caught?", provenance)


def capture_differences(differences: Sequence[Difference], provenance: Provenance) -> Figure:
    """Each setup's capture probability minus the baseline's: paired and unpaired 95 % intervals.

    Args: differences: from :func:`sim.experiments.compare.differences` (each against the same
    baseline). provenance: where the numbers come from.
    """
    if not differences:
        raise ValueError("capture_differences needs at least one difference")
    figure = new_figure(8.5, 1.9 + 0.8 * len(differences))
    ax = figure.add_subplot()
    ys = list(range(len(differences)))[::-1]
    for i, (y, d) in enumerate(zip(ys, differences, strict=True)):
        colour = series_colour(i + 1)
        u_low, u_high = d.unpaired_ci95
        ax.plot([u_low, u_high], [y - 0.18] * 2, color=GREY, linewidth=5, solid_capstyle="butt")
        low, high = d.ci95
        mean = d.capture_rate_diff
        ax.errorbar(
            mean,
            y + 0.05,
            xerr=[[mean - low], [high - mean]],
            fmt="o",
            color=colour,
            capsize=6,
            linewidth=2,
            markersize=8,
        )
        ax.annotate(
            f"{mean:+.3f}, {verdict(d.ci95)}: paired [{low:+.3f}, {high:+.3f}], "
            f"unpaired [{u_low:+.3f}, {u_high:+.3f}]",
            (mean, y + 0.05),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ys, wrap([f"{d.b}\nminus {d.a}" for d in differences]))
    ax.set_ylim(-0.7, len(differences) - 0.3)
    ax.set_xlabel("difference in probability of capture (colour: paired 95 % CI; grey: unpaired)")
    lo = min(min(d.unpaired_ci95[0], d.ci95[0]) for d in differences)
    hi = max(max(d.unpaired_ci95[1], d.ci95[1]) for d in differences)
    span = max(hi - lo, 0.05)
    ax.set_xlim(min(lo, 0) - 0.15 * span, max(hi, 0) + 0.15 * span)
    grid(ax, "x")
    title = "How much does each setup change it? (same fugitive, same tips)"
    return finish(figure, title, provenance)
