"""Which friction costs most: removing frictions alone and sharing the gap out by Shapley value.

The *gap* is the capture probability of the frictionless reference (every friction of the scenario
removed) minus that of the scenario. Two answers to "how much is due to each friction":

* **removed alone**: the paired change in capture probability when only that friction goes;
* **Shapley value**: the friction's average marginal effect over every order in which the frictions
  could be removed. The values add up to the gap exactly, however the frictions interact (the
  night rule matters only if a tip gets far enough to be searched...).

Every variant runs replications 0..n-1 with the same seed (common random numbers), so the Shapley
value is computed **per replication** from that replication's outcomes under every subset, and its
interval is a paired t interval over replications (the gap and the removed-alone effects, which are
differences of paired proportions, get Tango's score interval). Up to :data:`MAX_EXACT` frictions
every subset is run (exact); beyond, a fixed number of random orders is sampled (seeded), and the
error that sampling adds is reported beside the values. Variants are ordinary scenarios in the
results store, so a repeated attribution costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.frictions import Document, Friction, present_frictions, without
from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.frames import RecordSource, interval, table
from sim.experiments.stats import paired_difference, paired_proportions
from sim.experiments.store import ResultsStore
from sim.experiments.summary import records_of
from sim.scenario import Scenario
from sim.scenario.document import scenario_document
from sim.scenario.loader import validate_document
from sim.version import __version__

if TYPE_CHECKING:
    import pandas as pd

MAX_EXACT = 8
DEFAULT_ORDERS = 24

Subset = frozenset[str]


@dataclass(frozen=True)
class FrictionShare:
    """One friction's part in the gap."""

    friction: str
    label: str
    remove_alone_delta: float
    ci95: tuple[float, float]
    shapley: float
    shapley_ci95: tuple[float, float]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "friction": self.friction,
            "label": self.label,
            "remove_alone_delta": self.remove_alone_delta,
            "ci95": list(self.ci95),
            "shapley": self.shapley,
            "shapley_ci95": list(self.shapley_ci95),
        }


@dataclass(frozen=True)
class Attribution:
    """The gap between a scenario and its frictionless reference, shared among its frictions."""

    scenario: str
    scenario_hash: str
    seed: int
    runs: int
    baseline_rate: float
    frictionless_rate: float
    total_gap: float
    total_gap_ci95: tuple[float, float]
    frictions: list[FrictionShare]
    method: str
    orders: int | None
    sampling_error: float | None
    variants: int
    #: Where every variant's replications are kept (None: nowhere to read them from).
    source: RecordSource | None = field(default=None, compare=False, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per friction, largest Shapley share first, with both effects' intervals.

        The gap itself and how it was shared out are in the frame's ``attrs``.
        """
        rows = [
            {
                "friction": f.friction,
                "label": f.label,
                "remove_alone_delta": f.remove_alone_delta,
                **interval("remove_alone_delta", f.ci95),
                "shapley": f.shapley,
                **interval("shapley", f.shapley_ci95),
            }
            for f in self.frictions
        ]
        summary = {k: v for k, v in self.to_dict().items() if k != "frictions"}
        return table(rows, **summary)

    def records(self) -> pd.DataFrame:
        """Every replication of every variant, led by its name and the frictions it removes."""
        return records_of(self.source)

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` output of ``sim attribute``."""
        return {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "runs": self.runs,
            "baseline_rate": self.baseline_rate,
            "frictionless_rate": self.frictionless_rate,
            "total_gap": self.total_gap,
            "total_gap_ci95": list(self.total_gap_ci95),
            "method": self.method,
            "orders": self.orders,
            "sampling_error": self.sampling_error,
            "variants": self.variants,
            "frictions": [f.to_dict() for f in self.frictions],
        }


def _orders(keys: Sequence[str], count: int, seed: int) -> list[tuple[str, ...]]:
    """Random orders of removal, reproducible from the seed; each comes with its reverse."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0x5A4B])))
    orders = []
    for _ in range(math.ceil(count / 2)):
        order = tuple(keys[i] for i in rng.permutation(len(keys)))
        orders += [order, tuple(reversed(order))]
    return orders[:count]


def _subsets(keys: Sequence[str], orders: list[tuple[str, ...]] | None) -> list[Subset]:
    if orders is None:
        return [frozenset(c) for n in range(len(keys) + 1) for c in combinations(keys, n)]
    # The empty set, every single friction (for the "removed alone" effects), then the prefixes.
    seen: dict[Subset, None] = {frozenset(): None}
    seen.update({frozenset({key}): None for key in keys})
    for order in orders:
        for i in range(1, len(order) + 1):
            seen[frozenset(order[:i])] = None
    return list(seen)


def _exact_shares(keys: Sequence[str], y: dict[Subset, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-replication Shapley values over every subset (weights |S|!(k-|S|-1)!/k!)."""
    k = len(keys)
    shares = {}
    for key in keys:
        others = [o for o in keys if o != key]
        total = np.zeros_like(next(iter(y.values())), dtype=float)
        for n in range(k):
            weight = math.factorial(n) * math.factorial(k - n - 1) / math.factorial(k)
            for combo in combinations(others, n):
                subset = frozenset(combo)
                total += weight * (y[subset | {key}] - y[subset])
        shares[key] = total
    return shares


def _sampled_shares(
    keys: Sequence[str], y: dict[Subset, np.ndarray], orders: list[tuple[str, ...]]
) -> tuple[dict[str, np.ndarray], float]:
    """Per-replication Shapley values averaged over sampled orders, and the sampling error."""
    per_order: dict[str, list[np.ndarray]] = {key: [] for key in keys}
    for order in orders:
        before: Subset = frozenset()
        for key in order:
            after = before | {key}
            per_order[key].append(y[after] - y[before])
            before = after
    shares = {key: np.mean(per_order[key], axis=0) for key in keys}
    # The error sampling adds: spread of each friction's mean effect across orders.
    errors = [
        np.std([m.mean() for m in per_order[k]], ddof=1) / math.sqrt(len(orders)) for k in keys
    ]
    return shares, float(max(errors)) if errors else 0.0


def _variant(doc: Document, removed: Subset, frictions: dict[str, Friction], name: str) -> Scenario:
    variant = without(doc, [frictions[k] for k in removed])
    if removed:
        variant["name"] = f"{name} without {'+'.join(sorted(removed))}"
    return validate_document(variant, file=name)


def attribute(
    path: Scenario | str | Path,
    runs: int = 200,
    seed: int = 0,
    *,
    overrides: Sequence[str] = (),
    orders: int = DEFAULT_ORDERS,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    preflight: Preflight | None = None,
) -> Attribution:
    """Share the gap between a scenario and its frictionless reference among its frictions.

    Args:
        path: the scenario: a file, or a scenario object (built or changed in code).
        runs: replications per variant (common random numbers across variants).
        seed: master seed; also fixes the sampled orders.
        overrides: ``--set`` overrides applied to the scenario first.
        orders: sampled orders of removal when there are more than :data:`MAX_EXACT` frictions.
        store: results store (variants already there cost nothing).
        executor: where replications run.
        progress: called with (done, wanted).
        preflight: told what is about to run before it starts (it may refuse it).
    """
    doc = scenario_document(path, overrides)
    name = str(doc.get("name") or Path(str(path)).stem)
    found = present_frictions(doc)
    if not found:
        raise ValueError(f"{name}: no friction to remove; the scenario is already frictionless")
    keys = [f.key for f in found]
    by_key = {f.key: f for f in found}
    sampled = _orders(keys, orders, seed) if len(keys) > MAX_EXACT else None
    subsets = _subsets(keys, sampled)
    scenarios = [_variant(doc, s, by_key, name) for s in subsets]
    experiment = Experiment(
        scenarios, seed, store, executor, progress, __version__, preflight=preflight
    )
    experiment.ensure(runs)
    tallies = experiment.tallies(runs)
    y = {
        s: np.frombuffer(bytes(t.outcomes), dtype=np.uint8).astype(float)
        for s, t in zip(subsets, tallies, strict=True)
    }
    if sampled is None:
        shares, error = _exact_shares(keys, y), None
    else:
        shares, error = _sampled_shares(keys, y, sampled)
    everything = frozenset(keys)
    gap, gap_ci = paired_proportions(y[frozenset()], y[everything])
    rows = []
    for friction in found:
        delta, delta_ci = paired_proportions(y[frozenset()], y[frozenset({friction.key})])
        share = shares[friction.key]
        rows.append(
            FrictionShare(
                friction.key,
                friction.label,
                round(delta, 6),
                _r(delta_ci),
                round(float(share.mean()), 6),
                _r(_t_interval(share)),
            )
        )
    rows.sort(key=lambda r: -r.shapley)
    base = tallies[subsets.index(frozenset())]
    return Attribution(
        scenario=name,
        scenario_hash=base.scenario_hash,
        seed=seed,
        runs=runs,
        baseline_rate=base.captured / runs,
        frictionless_rate=float(y[everything].mean()),
        total_gap=round(gap, 6),
        total_gap_ci95=_r(gap_ci),
        frictions=rows,
        method="exact" if sampled is None else "sampled orders",
        orders=None if sampled is None else len(sampled),
        sampling_error=None if error is None else round(error, 6),
        variants=len(subsets),
        source=experiment.record_source(
            runs, [(("removed", "+".join(sorted(s))),) for s in subsets]
        ),
    )


def _removed_column(subset: Subset) -> tuple[tuple[str, object], ...]:
    """The column that leads a variant's records: the frictions it removes, joined by +."""
    return (("removed", "+".join(sorted(subset))),)


def _t_interval(values: np.ndarray) -> tuple[float, float]:
    _, interval = paired_difference(np.zeros_like(values), values)
    return interval


def _r(interval: tuple[float, float]) -> tuple[float, float]:
    return (round(interval[0], 6), round(interval[1], 6))
