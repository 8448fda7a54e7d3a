"""Designs of an exploration: where in the space of assumptions to run, and what the runs say.

Every design works on the unit hypercube, one column per factor (a factor's value is the inverse
of its distribution function at that quantile, :meth:`sim.scenario.uncertainty.Factor.value`),
and pairs a sampling plan with the sensitivity analysis it supports:

* **Morris** (SALib): ``points`` trajectories of one-step-at-a-time moves on a 4-level grid; each
  move gives an elementary effect, and a screening unit's **μ*** (mean absolute effect, with a
  bootstrap interval) and **σ** (their spread: interactions or non-linearity) rank what matters.
  Effects are per unit of the normalised range: μ* is about how much the output moves as the
  factor goes from one end of its range to the other.
* **Sobol** (SALib's Saltelli scheme on a scrambled Sobol sequence): ``points`` base samples,
  ``points * (units + 2)`` runs; **first-order** and **total** indices with bootstrap intervals.
* **Latin hypercube** (scipy.stats.qmc): ``points`` stratified runs, for distributions of
  outcomes and scenario discovery; SALib's RBD-FAST gives first-order indices from them.

Factors that share a ``group`` move together (SALib's groups): the screening then has one unit
per group and needs fewer runs. A design never draws from a global RNG: its seed comes from the
master seed through a named seed sequence.

The outputs analysed are estimates from ``runs`` replications at each point, so they carry
Monte Carlo noise; :func:`monte_carlo_share` says how much of their spread across points is that
noise, and Morris units get a **noise floor** (the μ* that noise alone would give) beside μ*.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.core.streams import seed_sequence

#: Levels of the Morris grid (SALib's default); a step is 2/3 of the range.
MORRIS_LEVELS = 4
#: Bootstrap resamples behind every index interval.
RESAMPLES = 1000
DESIGNS = ("morris", "sobol", "lhs")
#: Fewest Latin hypercube points RBD-FAST estimates indices from (below: NaN).
MIN_LATIN_POINTS = 16


@dataclass(frozen=True)
class Space:
    """The factors of an exploration as a design sees them: names and screening groups."""

    names: tuple[str, ...]
    groups: tuple[str, ...]

    @property
    def units(self) -> list[str]:
        """The screening units: each group once, in the order first met."""
        return list(dict.fromkeys(self.groups))

    def members(self, unit: str) -> list[str]:
        """The factors of a screening unit."""
        return [n for n, g in zip(self.names, self.groups, strict=True) if g == unit]

    @property
    def grouped(self) -> bool:
        """Whether some unit holds more than one factor."""
        return len(self.units) < len(self.names)

    def problem(self) -> dict[str, Any]:
        """The space as a SALib problem on the unit hypercube."""
        problem: dict[str, Any] = {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [[0.0, 1.0]] * len(self.names),
        }
        if self.grouped:
            problem["groups"] = list(self.groups)
        return problem


@dataclass(frozen=True)
class Index:
    """What a design says about one screening unit, for one output.

    Attributes:
        unit: the unit's name (a group, or a factor on its own).
        factors: the factors in it.
        values: the index estimates, e.g. ``mu_star`` and ``sigma`` (Morris), ``s1`` and ``st``
            (Sobol), ``s1`` (Latin hypercube).
        intervals: 95 % bootstrap intervals of the same keys.
        importance: the number it is ranked by (μ*, total index, or first-order index).
    """

    unit: str
    factors: tuple[str, ...]
    values: dict[str, float]
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    importance: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        out: dict[str, object] = {"unit": self.unit, "factors": list(self.factors)}
        for key, value in self.values.items():
            out[key] = _finite(value)
            if key in self.intervals:
                out[f"{key}_ci95"] = [_finite(v) for v in self.intervals[key]]
        return out


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def design_seed(seed: int, design: str) -> int:
    """A 32-bit seed for the design's own sampling and bootstrap, from the master seed."""
    return int(seed_sequence(seed, 0, f"design:{design}").generate_state(1)[0])


class Design:
    """A sampling plan and the analysis it supports (subclasses: Morris, Sobol, Latin)."""

    name = ""

    def sample(self, space: Space, points: int, seed: int) -> np.ndarray:
        """Points on the unit hypercube, one row per run, one column per factor."""
        raise NotImplementedError

    def indices(self, space: Space, unit: np.ndarray, y: np.ndarray, seed: int) -> list[Index]:
        """The sensitivity indices of output ``y`` (one value per row of ``unit``)."""
        raise NotImplementedError


class MorrisDesign(Design):
    """Morris elementary effects (SALib): screening with few runs."""

    name = "morris"

    def sample(self, space: Space, points: int, seed: int) -> np.ndarray:
        """``points`` trajectories of (units + 1) runs each."""
        from SALib.sample import morris

        return np.asarray(
            morris.sample(space.problem(), points, num_levels=MORRIS_LEVELS, seed=seed), float
        )

    def indices(self, space: Space, unit: np.ndarray, y: np.ndarray, seed: int) -> list[Index]:
        """μ*, its bootstrap interval, σ and μ per screening unit."""
        from SALib.analyze import morris

        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            # One trajectory gives no spread (σ NaN); SALib's numpy says so loudly.
            warnings.simplefilter("ignore", RuntimeWarning)
            result = morris.analyze(
                space.problem(),
                unit,
                np.asarray(y, float),
                num_resamples=RESAMPLES,
                conf_level=0.95,
                num_levels=MORRIS_LEVELS,
                seed=seed,
            )
        out = []
        for i, name in enumerate(result["names"]):
            mu_star, conf = float(result["mu_star"][i]), float(result["mu_star_conf"][i])
            values = {
                "mu_star": mu_star,
                "sigma": float(result["sigma"][i]),
                "mu": float(result["mu"][i]),
            }
            interval = (max(mu_star - conf, 0.0), mu_star + conf)
            out.append(
                Index(
                    str(name),
                    tuple(space.members(str(name))),
                    values,
                    {"mu_star": interval},
                    mu_star,
                )
            )
        return out


class SobolDesign(Design):
    """Sobol first-order and total indices (SALib's Saltelli scheme)."""

    name = "sobol"

    def sample(self, space: Space, points: int, seed: int) -> np.ndarray:
        """``points`` base samples (a power of two is best): points * (units + 2) runs."""
        from SALib.sample import sobol

        with warnings.catch_warnings():
            # SALib warns when points is not a power of two; the design is still valid.
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(
                sobol.sample(space.problem(), points, calc_second_order=False, seed=seed), float
            )

    def indices(self, space: Space, unit: np.ndarray, y: np.ndarray, seed: int) -> list[Index]:
        """First-order (S1) and total (ST) indices with bootstrap intervals."""
        from SALib.analyze import sobol

        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # a constant output: indices NaN
            result = sobol.analyze(
                space.problem(),
                np.asarray(y, float),
                calc_second_order=False,
                num_resamples=RESAMPLES,
                conf_level=0.95,
                seed=seed,
            )
        out = []
        for i, name in enumerate(space.units):
            values = {"s1": float(result["S1"][i]), "st": float(result["ST"][i])}
            intervals = {
                key: (
                    values[key] - float(result[f"{label}_conf"][i]),
                    values[key] + float(result[f"{label}_conf"][i]),
                )
                for key, label in (("s1", "S1"), ("st", "ST"))
            }
            out.append(Index(name, tuple(space.members(name)), values, intervals, values["st"]))
        return out


class LatinDesign(Design):
    """A Latin hypercube (scipy.stats.qmc) with RBD-FAST first-order indices (SALib)."""

    name = "lhs"

    def sample(self, space: Space, points: int, seed: int) -> np.ndarray:
        """``points`` stratified runs."""
        from scipy.stats import qmc

        return np.asarray(qmc.LatinHypercube(d=len(space.names), seed=seed).random(points))

    def indices(self, space: Space, unit: np.ndarray, y: np.ndarray, seed: int) -> list[Index]:
        """First-order indices per factor (RBD-FAST knows no groups; each factor is a unit)."""
        from SALib.analyze import rbd_fast

        problem = {k: v for k, v in space.problem().items() if k != "groups"}
        points = unit.shape[0]
        if points < MIN_LATIN_POINTS:
            nan = {"S1": [math.nan] * len(space.names), "S1_conf": [math.nan] * len(space.names)}
            result: Any = nan
        else:
            # M harmonics need many more points than 2M, also in the half-size bootstrap samples.
            harmonics = max(1, min(10, points // 8))
            with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                result = rbd_fast.analyze(
                    problem,
                    unit,
                    np.asarray(y, float),
                    M=harmonics,
                    num_resamples=RESAMPLES,
                    seed=seed,
                )
        out = []
        for i, name in enumerate(space.names):
            s1, conf = float(result["S1"][i]), float(result["S1_conf"][i])
            out.append(Index(name, (name,), {"s1": s1}, {"s1": (s1 - conf, s1 + conf)}, s1))
        return out


def make_design(name: str) -> Design:
    """The design called ``name`` (``morris``, ``sobol`` or ``lhs``)."""
    designs: dict[str, type[Design]] = {
        "morris": MorrisDesign,
        "sobol": SobolDesign,
        "lhs": LatinDesign,
    }
    if name not in designs:
        raise ValueError(f"unknown design {name!r}; use one of {', '.join(DESIGNS)}")
    return designs[name]()


# --- the Monte Carlo part of an answer -------------------------------------------------------


def monte_carlo_share(per_replication: np.ndarray) -> float | None:
    """The share of an output's spread across points that is Monte Carlo noise.

    Args:
        per_replication: one row per point, one column per replication (the output is the row
            mean: a capture indicator, or a paired difference of two).

    Returns:
        mean over points of the squared standard error of the row mean, divided by the variance
        of the row means across points (None when the row means do not vary). Near 0: the
        points differ for real; near 1: they differ by luck, and more runs per point are needed.
    """
    rows = np.asarray(per_replication, float)
    runs = rows.shape[1]
    spread = float(np.var(rows.mean(axis=1), ddof=1)) if rows.shape[0] > 1 else 0.0
    if spread <= 0 or runs < 2:
        return None
    noise = float(np.mean(np.var(rows, axis=1, ddof=1) / runs))
    return min(noise / spread, 1.0)


def morris_noise_floor(
    space: Space, unit: np.ndarray, per_replication: np.ndarray
) -> dict[str, float]:
    """The μ* each screening unit would get from Monte Carlo noise alone.

    Each elementary effect is a paired difference of two points' row means, so its standard error
    comes from the per-replication differences; the mean absolute value of a normal error with
    that standard error is √(2/π) times it. A μ* well above its floor is not luck.
    """
    rows = np.asarray(per_replication, float)
    runs = rows.shape[1]
    delta = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))
    units = space.units
    column_unit = [units.index(g) for g in space.groups]
    floors: dict[int, list[float]] = {i: [] for i in range(len(units))}
    steps = len(units) + 1
    for start in range(0, unit.shape[0], steps):
        for a in range(start, start + steps - 1):
            moved = np.flatnonzero(unit[a + 1] != unit[a])
            if moved.size == 0:
                continue
            d = rows[a + 1] - rows[a]
            se = float(np.std(d, ddof=1)) / math.sqrt(runs) / delta if runs > 1 else 0.0
            floors[column_unit[int(moved[0])]].append(math.sqrt(2 / math.pi) * se)
    return {units[i]: float(np.mean(v)) if v else 0.0 for i, v in floors.items()}


def ranked(indices: Sequence[Index]) -> list[Index]:
    """Indices from the most important unit down (NaN last)."""
    return sorted(indices, key=lambda i: -i.importance if math.isfinite(i.importance) else math.inf)
