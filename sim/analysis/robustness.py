"""How robust each reform's gain is across the space of assumptions.

At every design point a reform's gain is the paired difference of its capture probability from
the baseline's, over the same replications (common random numbers), with Tango's interval. Across
the points, for each reform:

* the **distribution of its gain**: median, 5th and 95th percentiles, and how much of their
  spread is Monte Carlo noise rather than the assumptions (:func:`monte_carlo_share`);
* the **share of the space where it clearly helps** (its paired interval above zero at that
  point) and where it clearly harms;
* the **probability that it ranks first** among the reforms (ties shared);
* its **regret**: the best reform's gain at that point minus its own (median and 90th
  percentile). A reform with a small regret everywhere is a robust choice even when it is rarely
  the very best.

"The space" is the design's points: for a Latin hypercube or the base samples of a Sobol design,
a sample of the assumed distributions; for Morris trajectories, a coarser grid of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.experiments.designs import monte_carlo_share
from sim.experiments.explore import ExplorationRun
from sim.experiments.stats import paired_proportions


@dataclass(frozen=True)
class ReformRobustness:
    """One reform's gain over the baseline across the space of assumptions."""

    name: str
    gain_median: float
    gain_p05: float
    gain_p95: float
    gain_mean: float
    share_clear_gain: float
    share_clear_harm: float
    rank1_probability: float
    regret_median: float
    regret_p90: float
    monte_carlo_share: float | None
    points: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the ``reforms`` entries of ``sim explore --json``)."""
        return {
            "name": self.name,
            "gain": {
                "median": self.gain_median,
                "p05": self.gain_p05,
                "p95": self.gain_p95,
                "mean": self.gain_mean,
                "monte_carlo_share": self.monte_carlo_share,
            },
            "share_clear_gain": self.share_clear_gain,
            "share_clear_harm": self.share_clear_harm,
            "rank1_probability": self.rank1_probability,
            "regret": {"median": self.regret_median, "p90": self.regret_p90},
            "points": self.points,
        }


def gains(run: ExplorationRun) -> np.ndarray:
    """Each reform's gain at each point (reforms x points)."""
    base = run.capture(0)
    return np.array([run.capture(a) - base for a in range(1, len(run.arms))])


def clear_shares(run: ExplorationRun, arm: int) -> tuple[float, float]:
    """Shares of the points where the reform's paired interval is above, and below, zero."""
    base = run.outcomes[0]
    above = below = 0
    for j in range(run.points):
        _, (low, high) = paired_proportions(base[j], run.outcomes[arm][j])
        above += low > 0
        below += high < 0
    return above / run.points, below / run.points


def rank1(gain: np.ndarray) -> np.ndarray:
    """Per reform, the share of points where it has the largest gain (ties shared equally)."""
    best = gain.max(axis=0)
    winners = np.isclose(gain, best[None, :], rtol=0, atol=1e-12)
    return np.asarray((winners / winners.sum(axis=0)).mean(axis=1), float)


def rank_distribution(gain: np.ndarray) -> np.ndarray:
    """Per reform (rows), the share of points at which it has each rank by gain (columns).

    Rank 1 is the largest gain; reforms tied at a point share the ranks they span equally.
    """
    reforms, points = gain.shape
    shares = np.zeros((reforms, reforms))
    for j in range(points):
        column = gain[:, j]
        for i in range(reforms):
            above = int(np.sum(column > column[i] + 1e-12))
            tied = int(np.sum(np.isclose(column, column[i], rtol=0, atol=1e-12)))
            shares[i, above : above + tied] += 1 / tied
    return shares / points


def robustness(run: ExplorationRun) -> list[ReformRobustness]:
    """Every reform's robustness, in the order given."""
    if len(run.arms) < 2:
        return []
    gain = gains(run)
    regret = gain.max(axis=0)[None, :] - gain
    first = rank1(gain)
    out = []
    for i, name in enumerate(run.arms[1:]):
        helps, harms = clear_shares(run, i + 1)
        g = gain[i]
        out.append(
            ReformRobustness(
                name=name,
                gain_median=float(np.median(g)),
                gain_p05=float(np.percentile(g, 5)),
                gain_p95=float(np.percentile(g, 95)),
                gain_mean=float(g.mean()),
                share_clear_gain=helps,
                share_clear_harm=harms,
                rank1_probability=float(first[i]),
                regret_median=float(np.median(regret[i])),
                regret_p90=float(np.percentile(regret[i], 90)),
                monte_carlo_share=monte_carlo_share(run.gain_rows(i + 1)),
                points=run.points,
            )
        )
    return out
