"""Comparing setups on the same fugitive and the same tips: paired differences.

Every scenario of a comparison runs replications 0..n-1 with the same master seed, so replication
*r* sees the same fugitive path and the same raw sightings in each (common random numbers; only the
organisation differs). The difference in capture probability between the first scenario (the
baseline) and each other one is a difference of paired proportions, with Tango's score interval
(it keeps its coverage when few replications end differently); the unpaired Newcombe interval is
reported beside it to show what the pairing buys.

A menu of reforms is several comparisons at once, so each difference also carries its exact
McNemar p-value and that p-value adjusted by Holm's method across the menu (``p_adjusted``), and a
simultaneous (Bonferroni) interval that holds for the whole menu at once. Every pair of
non-baseline setups is compared too (``pairwise``: which reform beats which), adjusted across
the pairs as a family of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import TYPE_CHECKING

from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.frames import RecordSource, interval, table
from sim.experiments.stats import (
    half_width,
    holm,
    newcombe_difference,
    paired_p_value,
    paired_proportions,
)
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally, records_of
from sim.scenario import Scenario
from sim.version import __version__

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Difference:
    """Capture probability of ``b`` minus that of ``a``, over the same replications."""

    a: str
    b: str
    capture_rate_diff: float
    ci95: tuple[float, float]
    unpaired_ci95: tuple[float, float]
    replications_that_differ: int
    variance_ratio: float | None
    p_value: float = 1.0
    p_adjusted: float = 1.0
    simultaneous_ci95: tuple[float, float] = (-1.0, 1.0)

    @property
    def clear(self) -> bool:
        """Whether the difference holds across its family (Holm-adjusted p <= 0.05)."""
        return self.p_adjusted <= ALPHA

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "a": self.a,
            "b": self.b,
            "capture_rate_diff": self.capture_rate_diff,
            "ci95": list(self.ci95),
            "unpaired_ci95": list(self.unpaired_ci95),
            "replications_that_differ": self.replications_that_differ,
            "variance_ratio": self.variance_ratio,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "simultaneous_ci95": list(self.simultaneous_ci95),
        }


#: Family-wise error rate of a menu's statements (Holm's method).
ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    """Summaries of each scenario and the paired differences from the first."""

    summaries: list[Summary]
    differences: list[Difference]
    tallies: list[Tally]
    pairwise: list[Difference] = field(default_factory=list)
    #: Where every scenario's replications are kept (None: nowhere to read them from).
    source: RecordSource | None = field(default=None, compare=False, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario: its summary, and its paired difference from the baseline."""
        rows = []
        by_name = {d.b: d for d in self.differences}
        for summary in self.summaries:
            row = summary.row()
            diff = by_name.get(summary.scenario)
            row.update(_difference_columns(diff, self.summaries[0].scenario))
            rows.append(row)
        return table(rows, seed=self.summaries[0].seed)

    def records(self) -> pd.DataFrame:
        """Every replication of every scenario, one row each, led by the scenario's name."""
        return records_of(self.source)

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` output of ``sim compare``."""
        return {
            "scenarios": [s.to_dict() for s in self.summaries],
            "differences": [d.to_dict() for d in self.differences],
            "pairwise": [d.to_dict() for d in self.pairwise],
        }


def _difference_columns(diff: Difference | None, baseline: str) -> dict[str, object]:
    """The paired-difference columns of a comparison row (NaN on the baseline's own row)."""
    nan = float("nan")
    if diff is None:
        diff = Difference(baseline, baseline, nan, (nan, nan), (nan, nan), 0, None)
    return {
        "difference_from": baseline,
        "capture_rate_diff": diff.capture_rate_diff,
        **interval("capture_rate_diff", diff.ci95),
        **interval("capture_rate_diff_unpaired", diff.unpaired_ci95),
        "replications_that_differ": diff.replications_that_differ,
        "variance_ratio": nan if diff.variance_ratio is None else diff.variance_ratio,
        "p_value": nan if diff.a == diff.b else diff.p_value,
        "p_adjusted": nan if diff.a == diff.b else diff.p_adjusted,
        **interval("capture_rate_diff_simultaneous", diff.simultaneous_ci95),
    }


def _difference(a: Tally, b: Tally) -> Difference:
    """The paired difference of ``b`` from ``a`` (not yet adjusted for a family)."""
    diff, ci = paired_proportions(a.outcomes, b.outcomes)
    _, unpaired = newcombe_difference(a.captured, a.runs, b.captured, b.runs)
    differ = sum(x != y for x, y in zip(a.outcomes, b.outcomes, strict=True))
    ratio = variance_ratio(a.outcomes, b.outcomes)
    p = paired_p_value(a.outcomes, b.outcomes)
    return Difference(a.scenario, b.scenario, diff, ci, unpaired, differ, ratio, p, p)


def _family(pairs: list[tuple[Tally, Tally]]) -> list[Difference]:
    """Differences of each pair, Holm-adjusted and with simultaneous intervals across them."""
    found = [_difference(a, b) for a, b in pairs]
    adjusted = holm([d.p_value for d in found])
    confidence = 1 - ALPHA / max(len(found), 1)
    out = []
    for (a, b), d, p in zip(pairs, found, adjusted, strict=True):
        _, simultaneous = paired_proportions(a.outcomes, b.outcomes, confidence)
        out.append(replace(d, p_adjusted=p, simultaneous_ci95=simultaneous))
    return out


def differences(tallies: Sequence[Tally]) -> list[Difference]:
    """Paired differences of every tally from the first, adjusted across them (Holm)."""
    return _family([(tallies[0], other) for other in tallies[1:]])


def pairwise_differences(tallies: Sequence[Tally]) -> list[Difference]:
    """Paired differences between every two tallies after the first (b minus a, Holm-adjusted).

    The pairs are a family of their own: "which reform beats which" is a different question from
    "which reform beats the baseline".
    """
    return _family(list(combinations(tallies[1:], 2)))


def variance_ratio(a: bytes | bytearray, b: bytes | bytearray) -> float | None:
    """How many times smaller the paired difference's variance is than with independent seeds.

    With independent seeds Var(p_b - p_a) = (p_a(1 - p_a) + p_b(1 - p_b)) / n; with common random
    numbers it is var(d_r) / n. Their quotient is the factor by which pairing cuts the number of
    replications needed for the same precision (None when the paired variance is zero).
    """
    n = len(a)
    if n < 2:
        return None
    pa, pb = sum(a) / n, sum(b) / n
    d = [y - x for x, y in zip(a, b, strict=True)]
    mean_d = sum(d) / n
    paired = sum((v - mean_d) ** 2 for v in d) / (n - 1)
    independent = (pa * (1 - pa) + pb * (1 - pb)) * n / (n - 1)
    return round(independent / paired, 4) if paired > 0 else None


def _widest_difference(tallies: list[Tally]) -> float:
    return max(half_width(d.ci95) for d in differences(tallies))


def compare(
    scenarios: Sequence[Scenario],
    runs: int = 1000,
    seed: int = 0,
    *,
    precision: float | None = None,
    max_runs: int = 100_000,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
    labels: Sequence[str] | None = None,
) -> Comparison:
    """Run several scenarios on common random numbers and compare each with the first.

    With ``precision``, replications are added until every paired difference's 95 % half-width is
    at most ``precision`` (or ``max_runs`` is reached). ``labels`` name the scenarios in the
    summaries (default: their names, made unique).
    """
    if len(scenarios) < 2:
        raise ValueError("a comparison needs at least two scenarios")
    experiment = Experiment(
        scenarios, seed, store, executor, progress, __version__, labels, preflight=preflight
    )
    tallies = experiment.run(runs, precision, max_runs, _widest_difference)
    return Comparison(
        experiment.summaries(tallies),
        differences(tallies),
        tallies,
        pairwise_differences(tallies),
        experiment.record_source(tallies[0].runs),
    )
