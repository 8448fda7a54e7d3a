"""Scenario discovery: where in the space of assumptions a reform stops paying, in words.

PRIM (the Patient Rule Induction Method of Friedman and Fisher, 1999, from the maintained ``prim``
package, the standalone version of the EMA Workbench's) peels the space of design points down
to a box of factor ranges where a *case of interest* is frequent: here, points where the top
reform's gain falls below a threshold ("stops paying") or where another reform's gain beats it
("is beaten"). Each step of the peeling trades **coverage** (the share of all cases that lie in
the box) against **density** (the share of the box's points that are cases); the box reported
is the step with the best balance of the two (their harmonic mean). Its limits are said in the
factors' own units: "reform-common-database buys less than +0.02 where how often informants
call about him is below 1/30d".

PRIM runs on the factors' quantiles (every factor uniform on [0, 1]), and limits are translated
back through each factor's distribution.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from sim.experiments.explore import ExplorationRun
from sim.scenario.uncertainty import Factor

#: Smallest share of the points a box may hold (PRIM's mass_min).
MIN_MASS = 0.05


@dataclass(frozen=True)
class Limit:
    """One restricted factor of a box: its range in the factor's units, and in words."""

    factor: str
    label: str
    low: object
    high: object
    words: str
    quantiles: tuple[float, float] = (0.0, 1.0)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "factor": self.factor,
            "low": self.low,
            "high": self.high,
            "quantiles": list(self.quantiles),
            "words": self.words,
        }


@dataclass(frozen=True)
class Box:
    """A PRIM box: where a case of interest concentrates, with its coverage and density."""

    reform: str
    case: str
    threshold: float | None
    cases: int
    points: int
    coverage: float
    density: float
    mass: float
    limits: list[Limit] = field(default_factory=list)
    sentence: str = ""
    tradeoff: list[tuple[float, float, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the ``boxes`` entries of ``sim explore --json``)."""
        return {
            "reform": self.reform,
            "case": self.case,
            "threshold": self.threshold,
            "cases": self.cases,
            "points": self.points,
            "base_density": self.cases / self.points if self.points else None,
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "limits": [limit.to_dict() for limit in self.limits],
            "sentence": self.sentence,
        }


def discover(
    run: ExplorationRun, cases: np.ndarray, reform: str, case: str, threshold: float | None
) -> Box:
    """The PRIM box of the points where ``cases`` holds (one boolean per point)."""
    cases = np.asarray(cases, bool)
    count = int(cases.sum())
    if count == 0 or count == run.points:
        sentence = _uniform_sentence(reform, case, threshold, bool(count))
        share = count / run.points
        return Box(reform, case, threshold, count, run.points, 1.0, share, 1.0, sentence=sentence)
    import pandas as pd
    import prim

    names = [f.name for f in run.uncertainty.factors]
    x = pd.DataFrame(run.unit, columns=names)
    logging.getLogger("prim").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside the package
        finder = prim.Prim(x, cases, threshold=0.5, threshold_type=">", mass_min=MIN_MASS)
        box = finder.find_box()
        trajectory = box.peeling_trajectory
        coverage = trajectory["coverage"].to_numpy(float)
        density = trajectory["density"].to_numpy(float)
        balance = 2 * coverage * density / np.maximum(coverage + density, 1e-12)
        step = int(np.argmax(balance))
        box.select(step)
        limits = box.limits
    tradeoff = [
        (float(c), float(d), int(r))
        for c, d, r in zip(coverage, density, trajectory["res dim"], strict=True)
    ]
    found = [
        limit
        for name, row in limits.iterrows()
        if (
            limit := _limit(run.uncertainty.factor(str(name)), x[str(name)], row["min"], row["max"])
        )
        is not None
    ]
    chosen = trajectory.iloc[step]
    result = Box(
        reform,
        case,
        threshold,
        count,
        run.points,
        float(chosen["coverage"]),
        float(chosen["density"]),
        float(chosen["mass"]),
        found,
        "",
        tradeoff,
    )
    return _with_sentence(result)


def _limit(factor: Factor, column: object, low: float, high: float) -> Limit | None:
    values = np.asarray(column, float)
    lower = low > values.min() + 1e-12
    upper = high < values.max() - 1e-12
    if not (lower or upper):
        return None
    if factor.law == "choice":
        chosen = sorted({factor.value(u) for u in values if low <= u <= high}, key=str)
        words = f"{factor.label} is {' or '.join(str(c) for c in chosen)}"
        return Limit(factor.name, factor.label, chosen, chosen, words, (low, high))
    a, b = factor.value(low), factor.value(high)
    if lower and upper:
        words = f"{factor.label} is between {factor.describe(a)} and {factor.describe(b)}"
    elif lower:
        words = f"{factor.label} is at least {factor.describe(a)}"
    else:
        words = f"{factor.label} is at most {factor.describe(b)}"
    low_value, high_value = (a if lower else None), (b if upper else None)
    return Limit(factor.name, factor.label, low_value, high_value, words, (low, high))


def _uniform_sentence(reform: str, case: str, threshold: float | None, always: bool) -> str:
    """The sentence for a case that holds at every point, or at none."""
    if case == "stops_paying":
        verb = "less than" if always else "at least"
        return f"{reform} buys {verb} {threshold:+.3f} everywhere in the space explored."
    if always:
        return f"Another reform beats {reform} everywhere in the space explored."
    return f"No other reform beats {reform} anywhere in the space explored."


def _case_words(case: str, threshold: float | None) -> str:
    if case == "stops_paying":
        return f"buys less than {threshold:+.3f}"
    return "is beaten by another reform"


def _with_sentence(box: Box) -> Box:
    share = box.cases / box.points
    if not box.limits:
        sentence = (
            f"{box.reform} {_case_words(box.case, box.threshold)} at {share:.0%} of the points, "
            "spread over the space: PRIM finds no range of the factors that holds them."
        )
        return replace(box, sentence=sentence)
    where = " and ".join(limit.words for limit in box.limits)
    sentence = (
        f"{box.reform} {_case_words(box.case, box.threshold)} where {where} "
        f"(coverage {box.coverage:.2f}: that box holds {box.coverage:.0%} of such points; "
        f"density {box.density:.2f}: {box.density:.0%} of its points are such, against "
        f"{share:.0%} of the whole space)."
    )
    return replace(box, sentence=sentence)


def boxes(run: ExplorationRun, gain: np.ndarray, top: int, threshold: float) -> list[Box]:
    """Where the top reform stops paying (gain below ``threshold``) and where it is beaten."""
    reform = run.arms[top + 1]
    found = [discover(run, gain[top] < threshold, reform, "stops_paying", threshold)]
    if gain.shape[0] > 1:
        others = np.delete(gain, top, axis=0).max(axis=0)
        found.append(discover(run, others > gain[top], reform, "is_beaten", None))
    return [b for b in found if not math.isnan(b.density)]
