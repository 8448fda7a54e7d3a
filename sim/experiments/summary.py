"""The summary of many replications of one scenario: what ``sim run`` prints.

Records are folded into a :class:`Tally` one at a time, **in replication order**, so the summary is
bit-for-bit the same however the replications were computed (one process, many, a cluster) and
only a few numbers per replication are kept (captured or not, the day of capture), never the
records themselves. Float counters are summed as integer micro-units, so no rounding depends on
the order of additions either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.experiments.frames import RecordSource, interval, number, table
from sim.experiments.stats import SurvivalCurve, survival_curve, wilson_interval
from sim.model.record import RECORD_KEYS

if TYPE_CHECKING:
    import pandas as pd

#: Record fields that are not counters (not averaged into ``metrics``).
NOT_METRICS = ("replication", "captured", "capture_day", "capture_how", "capture_by")
METRICS = tuple(k for k in RECORD_KEYS if k not in NOT_METRICS)
_MICRO = 1_000_000


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
    median_ci95: tuple[float | None, float | None]
    horizon_days: float
    metrics: dict[str, float] = field(default_factory=dict)
    captured_by: dict[str, int] = field(default_factory=dict)
    #: Where the replications behind the summary are kept (None: nowhere to read them from).
    source: RecordSource | None = field(default=None, compare=False, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The summary as a one-row DataFrame (see :mod:`sim.experiments.frames`)."""
        return table([self.row()], seed=self.seed)

    def row(self) -> dict[str, object]:
        """The summary as a flat row: counts, rates and their interval columns, counter means."""
        row: dict[str, object] = {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "runs": self.runs,
            "captured": self.captured,
            "capture_rate": self.capture_rate,
            **interval("capture_rate", self.ci95),
            "median_days": number(self.median_days_to_capture),
            **interval("median_days", self.median_ci95),
            "horizon_days": self.horizon_days,
        }
        row.update({f"mean_{key}": value for key, value in self.metrics.items()})
        return row

    def records(self) -> pd.DataFrame:
        """Every replication behind the summary, one row each (:mod:`sim.experiments.frames`)."""
        return records_of(self.source)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready form (the ``--json`` output of ``sim run``)."""
        return {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "runs": self.runs,
            "captured": self.captured,
            "capture_rate": self.capture_rate,
            "ci95": list(self.ci95),
            "median_days_to_capture": self.median_days_to_capture,
            "median_days_ci95": list(self.median_ci95),
            "horizon_days": self.horizon_days,
            "captured_by": dict(self.captured_by),
            "metrics": dict(self.metrics),
        }


class Tally:
    """Running totals of one scenario's replications, fed in replication order."""

    def __init__(self, scenario: str, scenario_hash: str, seed: int, horizon_days: float) -> None:
        self.scenario = scenario
        self.scenario_hash = scenario_hash
        self.seed = seed
        self.horizon_days = horizon_days
        self.runs = 0
        self.captured = 0
        self.outcomes = bytearray()  # 1 if replication r ended in capture (for paired comparisons)
        self._days: list[float] = []
        self._sums: dict[str, int | float] = dict.fromkeys(METRICS, 0)
        self._by: dict[str, int] = {}

    def add(self, record: Mapping[str, int | float | str]) -> None:
        """Fold in the record of the next replication."""
        if record["replication"] != self.runs:
            raise ValueError(
                f"records must come in replication order: expected {self.runs}, "
                f"got {record['replication']}"
            )
        self.runs += 1
        caught = int(record["captured"])
        self.captured += caught
        self.outcomes.append(caught)
        self._days.append(float(record["capture_day"]) if caught else math.nan)
        sums = self._sums
        for key in METRICS:
            value = record[key]
            if isinstance(value, str):
                raise TypeError(f"record field {key} holds text, not a count: {value!r}")
            sums[key] += value if isinstance(value, int) else round(value * _MICRO) * 1.0
        if caught:
            label = f"{record['capture_how']}:{record['capture_by']}"
            self._by[label] = self._by.get(label, 0) + 1

    @property
    def capture_days(self) -> np.ndarray:
        """Day of capture per replication (NaN when not captured)."""
        return np.asarray(self._days, dtype=float)

    def survival(self) -> SurvivalCurve:
        """The Kaplan-Meier curve of time to capture."""
        return survival_curve(self.capture_days, self.horizon_days)

    def summary(self) -> Summary:
        """The summary of everything folded in so far."""
        if self.runs == 0:
            raise ValueError("no replications to summarise")
        median, (low, high) = self.survival().median()
        metrics = {}
        for key, total in self._sums.items():
            value = total / _MICRO if isinstance(total, float) else total
            metrics[key] = round(value / self.runs, 6)
        return Summary(
            scenario=self.scenario,
            scenario_hash=self.scenario_hash,
            seed=self.seed,
            runs=self.runs,
            captured=self.captured,
            capture_rate=self.captured / self.runs,
            ci95=wilson_interval(self.captured, self.runs),
            median_days_to_capture=_r(median),
            median_ci95=(_r(low), _r(high)),
            horizon_days=self.horizon_days,
            metrics=metrics,
            captured_by=dict(sorted(self._by.items(), key=lambda kv: (-kv[1], kv[0]))),
        )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def records_of(source: RecordSource | None) -> pd.DataFrame:
    """The records frame of a result, or a message saying why there is none."""
    if source is None:
        raise ValueError(
            "this result was not computed through a results store, so its replications cannot "
            "be read back; use sim.run(...) (or pass store=...) to keep them"
        )
    return source.frame()
