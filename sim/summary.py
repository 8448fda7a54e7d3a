"""The summary of many replications of one scenario: what ``sim run`` prints.

A :class:`Summary` holds the capture probability with its 95 % Wilson interval, the Kaplan-Meier
median days to capture (None when not reached) and the mean of every counter of the flat record.
Its :meth:`Summary.to_dict` is the ``--json`` output of ``sim run``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.record import RECORD_KEYS
from sim.stats import km_median_days, mean, wilson_interval

#: Record fields that are not counters (not averaged into ``metrics``).
NOT_METRICS = ("replication", "captured", "capture_day", "capture_how", "capture_by")


@dataclass(frozen=True)
class Summary:
    """What many replications of one scenario say."""

    scenario: str
    scenario_hash: str
    seed: int
    runs: int
    captured: int
    capture_rate: float
    ci95: tuple[float, float]
    median_days_to_capture: float | None
    horizon_days: float
    metrics: dict[str, float] = field(default_factory=dict)
    captured_by: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready form (the ``--json`` output)."""
        return {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "runs": self.runs,
            "captured": self.captured,
            "capture_rate": self.capture_rate,
            "ci95": list(self.ci95),
            "median_days_to_capture": self.median_days_to_capture,
            "horizon_days": self.horizon_days,
            "captured_by": dict(self.captured_by),
            "metrics": dict(self.metrics),
        }


def summarise(
    name: str,
    scenario_hash: str,
    seed: int,
    horizon_days: float,
    records: Sequence[dict[str, object]],
) -> Summary:
    """Aggregate the flat records of one scenario's replications."""
    runs = len(records)
    if runs == 0:
        raise ValueError("no replications to summarise")
    captured = sum(int(r["captured"]) for r in records)
    days = [float(r["capture_day"]) for r in records]
    metrics = {
        key: _round(mean([float(r[key]) for r in records]))
        for key in RECORD_KEYS
        if key not in NOT_METRICS
    }
    by: dict[str, int] = {}
    for r in records:
        if r["captured"]:
            label = f"{r['capture_how']}:{r['capture_by']}"
            by[label] = by.get(label, 0) + 1
    median = km_median_days(days, horizon_days)
    return Summary(
        scenario=name,
        scenario_hash=scenario_hash,
        seed=seed,
        runs=runs,
        captured=captured,
        capture_rate=captured / runs,
        ci95=wilson_interval(captured, runs),
        median_days_to_capture=None if median is None else round(median, 4),
        horizon_days=horizon_days,
        metrics=metrics,
        captured_by=dict(sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _round(value: float) -> float:
    return value if math.isnan(value) else round(value, 6)
