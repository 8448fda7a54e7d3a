"""What the record says about each point and each factor: likelihoods, weights, posteriors.

From what the replay's replications bore out at every design point (points x runs x
observations, :func:`sim.experiments.calibrate.observe_replays`):

* **the likelihood at each point**: the share ``k/R`` of its replications that reproduced every
  observation, with its Wilson interval (the Monte Carlo error of the estimate);
* **the weights**: proportional to those likelihoods (the points are prior draws), their
  effective sample size, and about what it would be with exact likelihoods;
* **each observation**: how often the prior's replications bore it out, and its conditional
  predictive ordinate (CPO): the chance of that observation given all the others, under the
  posterior the others alone give (a small CPO is an observation the model finds surprising
  even in the worlds that reproduce the rest of the record);
* **each factor**: its prior and posterior 5th, 50th and 95th percentiles (posterior ones with
  bootstrap intervals over the points), how far the record moved it (a KS distance) and a
  permutation test of "the record says nothing about it", Holm-adjusted across the factors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.analysis.posterior import (
    Shift,
    bootstrap_quantiles,
    exact_likelihood_ess,
    kish_ess,
    normalised,
    shift_tests,
    weighted_quantiles,
)
from sim.experiments.stats import holm, wilson_interval
from sim.scenario.history import History
from sim.scenario.uncertainty import Factor, Uncertainty

#: The quantiles a range is given by (a 90 % range and its middle).
QUANTILES = (0.05, 0.5, 0.95)
#: A factor the record moves with a Holm-adjusted permutation p-value at most this is
#: "constrained by the record".
ALPHA = 0.05
#: Reshufflings behind each factor's permutation test, and resamples behind bootstrap intervals.
PERMUTATIONS = 999
RESAMPLES = 400


def reproduced(bits: np.ndarray) -> np.ndarray:
    """Per point and replication, 1 where every observation was borne out (points x runs)."""
    return np.asarray(bits, np.uint8).min(axis=2)


@dataclass(frozen=True)
class Weights:
    """The design points weighed by the record.

    Attributes:
        counts: per point, the replications that reproduced the whole record.
        runs: replications per point.
        weights: normalised weights (zero everywhere when nothing reproduced the record).
        ess: Kish's effective sample size of the weights.
        ess_exact: about the effective sample size exact likelihoods would give (None: not
            estimable).
    """

    counts: np.ndarray
    runs: int
    weights: np.ndarray
    ess: float
    ess_exact: float | None

    @classmethod
    def of(cls, bits: np.ndarray) -> Weights:
        """The weights of the points from what their replications bore out."""
        counts = reproduced(bits).sum(axis=1).astype(int)
        runs = int(bits.shape[1])
        w = normalised(counts)
        return cls(counts, runs, w, kish_ess(w), exact_likelihood_ess(counts, runs))

    @property
    def accepted(self) -> int:
        """Replications (over every point) that reproduced the record."""
        return int(self.counts.sum())

    @property
    def points_held(self) -> int:
        """Points with some weight."""
        return int(np.count_nonzero(self.counts))

    @property
    def empty(self) -> bool:
        """True when no replication anywhere reproduced the record."""
        return self.accepted == 0

    def likelihood(self, j: int) -> tuple[float, tuple[float, float]]:
        """The likelihood estimate at point ``j`` and its Wilson 95 % interval."""
        k = int(self.counts[j])
        return k / self.runs, wilson_interval(k, self.runs)


@dataclass(frozen=True)
class ObservationSummary:
    """One observation: how often the prior bears it out, and how surprising it stays.

    Attributes:
        name: its key in the history file.
        label: what it says.
        prior: the share of all replications (every point) that bore it out.
        cpo: its conditional predictive ordinate (None when no replication reproduced the rest).
    """

    name: str
    label: str
    prior: float
    cpo: float | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"name": self.name, "label": self.label, "prior": self.prior, "cpo": self.cpo}


def observation_summaries(history: History, bits: np.ndarray) -> list[ObservationSummary]:
    """Each observation's prior share and conditional predictive ordinate."""
    b = np.asarray(bits, np.uint8)
    everything = int(reproduced(b).sum())
    out = []
    for i, o in enumerate(history.observations):
        others = np.delete(b, i, axis=2)
        rest = int(others.min(axis=2).sum()) if others.shape[2] else int(b.shape[0] * b.shape[1])
        cpo = everything / rest if rest else None
        out.append(ObservationSummary(o.name, o.label, float(b[:, :, i].mean()), cpo))
    return out


@dataclass(frozen=True)
class FactorPosterior:
    """One factor before and after the record.

    Attributes:
        factor: the factor (name, label, paths, prior law).
        prior: its prior 5th, 50th and 95th percentiles (exact, from its distribution).
        posterior: the weighted 5th, 50th and 95th percentiles over the points.
        posterior_ci: 95 % bootstrap intervals of those three.
        width_ratio: the posterior's 90 % range over the prior's, on the quantile scale.
        shift: the KS distance of the posterior from the prior and its permutation p-value.
        p_adjusted: that p-value Holm-adjusted across the factors.
        shares: for a choice, each choice's prior and posterior share.
        posterior_unit: the posterior's 5th, 50th and 95th percentiles on the quantile scale
            (the prior's are 0.05, 0.5 and 0.95 there): what figures draw.
    """

    factor: Factor
    prior: tuple[float, float, float]
    posterior: tuple[float, float, float]
    posterior_ci: tuple[tuple[float, float], ...]
    width_ratio: float
    shift: Shift
    p_adjusted: float
    shares: dict[str, tuple[float, float]]
    posterior_unit: tuple[float, float, float] = (math.nan, math.nan, math.nan)

    @property
    def constrained(self) -> bool:
        """Whether the record moved this factor beyond what the noise of the weights explains."""
        return self.p_adjusted <= ALPHA

    def shown(self, values: tuple[float, ...]) -> list[str]:
        """Values in the factor's own words (``2.5d``, ``1/60d``, ``x1.5``, ``0.12``)."""
        return [
            self.factor.describe(_as_value(self.factor, v)) if math.isfinite(v) else "-"
            for v in values
        ]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (an entry of ``factors`` in ``sim calibrate --json``)."""
        prior, posterior = self.prior, self.posterior
        out: dict[str, object] = {
            **self.factor.to_dict(),
            "prior": _range(prior, self.shown(prior)),
            "posterior": {
                **_range(posterior, self.shown(posterior)),
                "ci95": {
                    key: [_finite(v) for v in ci]
                    for key, ci in zip(("p05", "p50", "p95"), self.posterior_ci, strict=True)
                },
            },
            "width_ratio": _finite(self.width_ratio),
            "shift": _finite(self.shift.distance),
            "p_value": self.shift.p_value,
            "p_adjusted": self.p_adjusted,
            "constrained": self.constrained,
        }
        if self.shares:
            out["shares"] = {k: {"prior": a, "posterior": b} for k, (a, b) in self.shares.items()}
        return out


def _range(values: tuple[float, float, float], shown: list[str]) -> dict[str, object]:
    low, middle, high = (_finite(v) for v in values)
    return {"p05": low, "p50": middle, "p95": high, "range90": [low, high], "shown": shown}


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _as_value(factor: Factor, value: float) -> object:
    if factor.law == "choice":
        return factor.choices[int(value)] if math.isfinite(value) else "-"
    if factor.law == "integers" and math.isfinite(value):
        return int(value)
    return value


def _numeric(factor: Factor, values: list[object]) -> np.ndarray:
    """A factor's values at the points as numbers (a choice as the index of the choice)."""
    if factor.law == "choice":
        return np.array([factor.choices.index(v) for v in values], float)
    return np.asarray(values, float)


def factor_posteriors(
    uncertainty: Uncertainty,
    unit: np.ndarray,
    values: list[dict[str, object]],
    weights: Weights,
    rng: np.random.Generator,
) -> list[FactorPosterior]:
    """Every factor's prior and posterior ranges, and whether the record constrains it."""
    shifts = shift_tests(unit, weights.weights, PERMUTATIONS, rng)
    adjusted = holm([s.p_value for s in shifts])
    out = []
    for i, factor in enumerate(uncertainty.factors):
        x = _numeric(factor, [v[factor.name] for v in values])
        low_q, mid_q, high_q = (float(_numeric(factor, [factor.value(q)])[0]) for q in QUANTILES)
        prior = (low_q, mid_q, high_q)
        posterior: tuple[float, float, float] = (math.nan, math.nan, math.nan)
        ci: tuple[tuple[float, float], ...] = ((math.nan, math.nan),) * 3
        ratio = math.nan
        on_unit: tuple[float, float, float] = (math.nan, math.nan, math.nan)
        if not weights.empty:
            a, b, c = weighted_quantiles(x, weights.weights, QUANTILES)
            posterior = (a, b, c)
            ci = tuple(bootstrap_quantiles(x, weights.counts, QUANTILES, RESAMPLES, rng))
            low, middle, high = weighted_quantiles(unit[:, i], weights.weights, QUANTILES)
            on_unit = (low, middle, high)
            ratio = (high - low) / (QUANTILES[2] - QUANTILES[0])
        shares = {}
        if factor.law == "choice":
            for k, choice in enumerate(factor.choices):
                held = x == k
                shares[str(choice)] = (float(held.mean()), float(weights.weights[held].sum()))
        out.append(
            FactorPosterior(
                factor,
                prior,
                posterior,
                ci,
                ratio,
                shifts[i],
                adjusted[i],
                shares,
                on_unit,
            )
        )
    return out
