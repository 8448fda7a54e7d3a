"""The reform menu and the friction attribution under a belief: the prior or the posterior.

A belief is stood for by **draws**: points of the design, each drawn some number of times. The
posterior's are drawn by systematic resampling of the record's weights (each point about
``draws x weight`` times; Kitagawa 1996), the prior's evenly over the design (its points are
prior draws already). At each point drawn, the baseline and every reform run the same
replications (common random numbers), so a reform's gain there is paired; under the belief:

* **the expected gain**: the draws' mean of the points' gains, its standard error (the
  self-normalised importance sampling one over the points drawn: the Monte Carlo noise of each
  point's gain and the spread between points), a two-sided z test of "no gain", **Holm-adjusted
  across the menu**, and simultaneous (Bonferroni) intervals; every pair of reforms likewise,
  Holm across the pairs (:class:`MenuUnder`);
* **the gain across the plausible worlds**: each reform's robustness over the draws (the
  exploration's :mod:`sim.analysis.robustness`: percentiles, share of draws with a clear paired
  gain, rank-1 probability, regret);
* **the friction attribution** (:class:`AttributionUnder`): the Shapley share of each friction
  at each point drawn (``sim attribute``'s, per replication on common random numbers), averaged
  over the draws, with the same standard errors and Holm across the frictions.

What the intervals do not hold: the noise of the weights themselves (which points the record
favours); the effective sample size says how much of that there is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from sim.analysis.attribution import Attribution
from sim.analysis.posterior import even_draws, systematic_resample, weighted_mean
from sim.analysis.robustness import ReformRobustness, robustness
from sim.experiments.compare import ALPHA, Comparison, Difference
from sim.experiments.designs import Space
from sim.experiments.explore import ExplorationRun
from sim.experiments.stats import Z95, holm
from sim.scenario.uncertainty import Uncertainty


@dataclass(frozen=True)
class Draws:
    """The design points standing for a belief, each with how many times it was drawn.

    Attributes:
        belief: ``prior`` or ``posterior``.
        points: the distinct points drawn, in design order.
        copies: how many draws each got.
    """

    belief: str
    points: tuple[int, ...]
    copies: tuple[int, ...]

    @classmethod
    def from_counts(cls, belief: str, counts: np.ndarray) -> Draws:
        """The draws from per-point counts (points with none are left out)."""
        held = np.flatnonzero(counts)
        return cls(belief, tuple(int(j) for j in held), tuple(int(counts[j]) for j in held))

    @property
    def draws(self) -> int:
        """How many draws in all."""
        return sum(self.copies)

    @property
    def weights(self) -> np.ndarray:
        """Each distinct point's share of the draws."""
        return np.asarray(self.copies, float) / max(self.draws, 1)

    def expanded(self) -> list[int]:
        """Every draw's point (a point drawn three times appears three times)."""
        return [j for j, c in zip(self.points, self.copies, strict=True) for _ in range(c)]


def posterior_draws(weights: np.ndarray, draws: int, offset: float) -> Draws:
    """``draws`` draws of the points by the record's weights (systematic resampling)."""
    return Draws.from_counts("posterior", systematic_resample(weights, draws, offset))


def prior_draws(points: int, draws: int) -> Draws:
    """``draws`` draws spread evenly over the design's points (the prior)."""
    return Draws.from_counts("prior", even_draws(points, min(draws, points)))


def z_test(mean: float, se: float) -> float:
    """Two-sided p-value of "zero" for an estimate with a normal standard error."""
    if not math.isfinite(se) or se <= 0:
        return 0.0 if math.isfinite(mean) and mean != 0 and se == 0 else 1.0
    from scipy.stats import norm

    return float(2 * norm.sf(abs(mean) / se))


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - (1 - confidence) / 2))


@dataclass(frozen=True)
class Estimate:
    """An expected difference under a belief, with its error and tests.

    Attributes:
        name: what it is (a reform, a pair ``b - a``, a friction).
        value: the estimate.
        se: its standard error.
        ci95: value plus or minus 1.96 standard errors.
        p_value: the two-sided z test of zero.
        p_adjusted: Holm-adjusted across its family.
        simultaneous_ci95: the Bonferroni interval across the family.
    """

    name: str
    value: float
    se: float
    ci95: tuple[float, float]
    p_value: float
    p_adjusted: float = 1.0
    simultaneous_ci95: tuple[float, float] = (math.nan, math.nan)

    @property
    def clear(self) -> bool:
        """Whether it holds across its family (Holm-adjusted p at most 0.05)."""
        return self.p_adjusted <= ALPHA

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "value": _finite(self.value),
            "se": _finite(self.se),
            "ci95": [_finite(v) for v in self.ci95],
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "simultaneous_ci95": [_finite(v) for v in self.simultaneous_ci95],
            "clear": self.clear,
        }


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def estimate(name: str, per_point: np.ndarray, weights: np.ndarray) -> Estimate:
    """The weighted mean of per-point values, its error and its z test (not yet adjusted)."""
    value, se = weighted_mean(per_point, weights)
    half = Z95 * se if math.isfinite(se) else math.nan
    return Estimate(name, value, se, (value - half, value + half), z_test(value, se))


def family(found: list[Estimate]) -> list[Estimate]:
    """The estimates Holm-adjusted and with simultaneous intervals across them."""
    adjusted = holm([e.p_value for e in found])
    z = _z(1 - ALPHA / max(len(found), 1))
    out = []
    for e, p in zip(found, adjusted, strict=True):
        half = z * e.se if math.isfinite(e.se) else math.nan
        out.append(
            Estimate(e.name, e.value, e.se, e.ci95, e.p_value, p, (e.value - half, e.value + half))
        )
    return out


@dataclass(frozen=True)
class MenuUnder:
    """The reform menu under one belief.

    Attributes:
        belief: ``nominal``, ``prior`` or ``posterior``.
        baseline: the baseline's name.
        capture: the baseline's capture probability under the belief.
        reforms: each reform's expected gain over the baseline (Holm across the menu).
        pairwise: each pair's difference, ``b`` minus ``a`` (Holm across the pairs).
        robustness: each reform's gain across the draws (empty at the nominal point).
        points: the distinct points behind it (1 at the nominal point).
        draws: the draws behind it.
        runs: paired replications per point and arm.
    """

    belief: str
    baseline: str
    capture: float
    reforms: list[Estimate]
    pairwise: list[Estimate]
    robustness: list[ReformRobustness] = field(default_factory=list)
    points: int = 1
    draws: int = 1
    runs: int = 0

    def reform(self, name: str) -> Estimate:
        """The estimate for reform ``name``."""
        return next(e for e in self.reforms if e.name == name)

    def ranking(self) -> list[str]:
        """The reforms from the largest expected gain down."""
        return [e.name for e in sorted(self.reforms, key=lambda e: -e.value)]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "belief": self.belief,
            "baseline": self.baseline,
            "capture": self.capture,
            "points": self.points,
            "draws": self.draws,
            "runs": self.runs,
            "ranking": self.ranking(),
            "reforms": [e.to_dict() for e in self.reforms],
            "pairwise": [e.to_dict() for e in self.pairwise],
            "robustness": [r.to_dict() for r in self.robustness],
        }


def menu_under(
    draws: Draws,
    names: Sequence[str],
    outcomes: np.ndarray,
    uncertainty: Uncertainty,
    space: Space,
    unit: np.ndarray,
    seed: int,
) -> MenuUnder:
    """The menu under a belief from the arms' outcomes at its distinct points.

    Args:
        draws: the belief's draws.
        names: the arms' names, the baseline first.
        outcomes: capture outcomes, arms x distinct points (in ``draws.points`` order) x runs.
        uncertainty: the factors (for the robustness run's bookkeeping).
        space: the design's space.
        unit: the design's points on the unit hypercube.
        seed: the master seed.
    """
    rates = outcomes.mean(axis=2)
    w = draws.weights
    gains = rates[1:] - rates[0][None, :]
    reforms = family([estimate(n, gains[i], w) for i, n in enumerate(names[1:])])
    pairs = [
        estimate(f"{names[b + 1]} - {names[a + 1]}", gains[b] - gains[a], w)
        for a, b in combinations(range(len(names) - 1), 2)
    ]
    expanded = [draws.points.index(j) for j in draws.expanded()]
    run = ExplorationRun(
        uncertainty,
        "lhs",
        space,
        unit[list(draws.expanded())],
        [{} for _ in expanded],
        list(names),
        [""] * len(names),
        outcomes[:, expanded, :],
        [[""] * len(expanded) for _ in names],
        seed,
        int(outcomes.shape[2]),
    )
    return MenuUnder(
        draws.belief,
        names[0],
        float(np.sum(w * rates[0])),
        reforms,
        family(pairs),
        robustness(run),
        len(draws.points),
        draws.draws,
        int(outcomes.shape[2]),
    )


def nominal_menu(comparison: Comparison) -> MenuUnder:
    """The menu at the nominal point (``sim compare``: Tango intervals, exact McNemar, Holm)."""
    base = comparison.summaries[0]

    def as_estimate(d: Difference) -> Estimate:
        # The standard error is read off Tango's interval (its half-width over 1.96).
        se = (d.ci95[1] - d.ci95[0]) / (2 * Z95)
        name = d.b if d.a == base.scenario else f"{d.b} - {d.a}"
        return Estimate(
            name, d.capture_rate_diff, se, d.ci95, d.p_value, d.p_adjusted, d.simultaneous_ci95
        )

    return MenuUnder(
        "nominal",
        base.scenario,
        base.capture_rate,
        [as_estimate(d) for d in comparison.differences],
        [as_estimate(d) for d in comparison.pairwise],
        points=1,
        draws=1,
        runs=base.runs,
    )


@dataclass(frozen=True)
class AttributionUnder:
    """The friction attribution under one belief.

    Attributes:
        belief: ``nominal``, ``prior`` or ``posterior``.
        gap: the frictionless reference's capture probability minus the scenario's.
        shapley: each friction's Shapley share of the gap (Holm across the frictions).
        alone: each friction's effect removed alone (Holm across the frictions).
        labels: each friction's words.
        points: the distinct points behind it.
        draws: the draws behind it.
        runs: replications per variant and point.
    """

    belief: str
    gap: Estimate
    shapley: list[Estimate]
    alone: list[Estimate]
    labels: dict[str, str]
    points: int
    draws: int
    runs: int

    def ranking(self) -> list[str]:
        """The frictions from the largest Shapley share down."""
        return [e.name for e in sorted(self.shapley, key=lambda e: -e.value)]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "belief": self.belief,
            "points": self.points,
            "draws": self.draws,
            "runs": self.runs,
            "gap": self.gap.to_dict(),
            "ranking": self.ranking(),
            "shapley": [{**e.to_dict(), "label": self.labels[e.name]} for e in self.shapley],
            "alone": [{**e.to_dict(), "label": self.labels[e.name]} for e in self.alone],
        }


def attribution_under(draws: Draws, found: Sequence[Attribution]) -> AttributionUnder:
    """The attributions at the distinct points of a belief, averaged with their draws' weights.

    Args:
        draws: the belief's draws.
        found: the attribution at each of its distinct points, in ``draws.points`` order.
    """
    weights = draws.weights
    keys = [f.friction for f in found[0].frictions]
    labels = {f.friction: f.label for f in found[0].frictions}

    def share(a: Attribution, key: str, what: str) -> float:
        row = next((f for f in a.frictions if f.friction == key), None)
        if row is None:  # a friction the scenario at this point does not have costs nothing
            return 0.0
        return row.shapley if what == "shapley" else row.remove_alone_delta

    gap = estimate("gap", np.array([a.total_gap for a in found]), weights)
    shapley = [
        estimate(k, np.array([share(a, k, "shapley") for a in found]), weights) for k in keys
    ]
    alone = [estimate(k, np.array([share(a, k, "alone") for a in found]), weights) for k in keys]
    return AttributionUnder(
        draws.belief,
        gap,
        family(shapley),
        family(alone),
        labels,
        len(found),
        draws.draws,
        found[0].runs,
    )


def nominal_attribution(found: Attribution) -> AttributionUnder:
    """The attribution at the nominal point (``sim attribute``'s intervals), in the same form.

    Standard errors are read off its intervals (half-width over 1.96); the z tests and Holm's
    adjustment are then the same as under a belief.
    """

    def read(name: str, value: float, ci: tuple[float, float]) -> Estimate:
        se = (ci[1] - ci[0]) / (2 * Z95)
        return Estimate(name, value, se, ci, z_test(value, se))

    rows = found.frictions
    return AttributionUnder(
        "nominal",
        read("gap", found.total_gap, found.total_gap_ci95),
        family([read(f.friction, f.shapley, f.shapley_ci95) for f in rows]),
        family([read(f.friction, f.remove_alone_delta, f.ci95) for f in rows]),
        {f.friction: f.label for f in rows},
        1,
        1,
        found.runs,
    )
