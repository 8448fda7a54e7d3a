"""Results as pandas DataFrames: per-replication records and tidy summary rows.

Every result of an experiment (a run's :class:`~sim.experiments.summary.Summary`, a comparison, a
sweep, an attribution) offers two tables:

* ``.to_frame()``: one row per scenario (grid point, friction...) with its interval columns,
  named ``<measure>_ci95_low`` and ``<measure>_ci95_high``;
* ``.records()``: one row per replication with every record field, in replication order, with
  typed columns (counts ``int64``, hours and days ``float64``, ``captured`` ``bool``, text
  ``string``), led by a ``scenario`` column (and a result's own columns: a sweep's parameters, an
  attribution's removed frictions).

Records are read from the results store a batch at a time and turned into typed columns batch by
batch, so no more than one batch of records is ever held as Python objects. Each frame's
``attrs`` carry the provenance (scenario hashes, seed, model revision, package version, store).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiments import store as results_store
from sim.experiments.record_check import FLOAT_KEYS, TEXT_KEYS
from sim.experiments.store import ResultsStore, StoreError
from sim.model.record import RECORD_KEYS, Record
from sim.version import __version__

if TYPE_CHECKING:
    import pandas as pd

#: The dtype of each record column in a records frame.
RECORD_DTYPES: dict[str, str] = {
    key: "string"
    if key in TEXT_KEYS
    else "float64"
    if key in FLOAT_KEYS
    else "bool"
    if key == "captured"
    else "int64"
    for key in RECORD_KEYS
}
_NUMPY = {"string": object, "float64": np.float64, "bool": np.bool_, "int64": np.int64}


@dataclass(frozen=True)
class RecordArm:
    """One scenario's replications in a result: its hash and the columns that lead its rows."""

    key: str
    columns: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class RecordSource:
    """Where a result's per-replication records are: a store, the scenarios, a seed, a count.

    Attributes:
        store: the store's path (reopened for reading when ``live`` is closed or absent).
        arms: the scenarios, in the result's order.
        seed: the master seed.
        runs: replications 0..runs-1 of each scenario (None: every one stored).
        live: the store the result was computed with, while it is open.
    """

    store: str
    arms: tuple[RecordArm, ...]
    seed: int
    runs: int | None
    live: ResultsStore | None = field(default=None, compare=False, repr=False)

    def frame(self) -> pd.DataFrame:
        """Every record, one row per replication, arms one after another."""
        import pandas as pd

        with self._reading() as store:
            parts = [self._arm_frame(store, arm) for arm in self.arms]
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        frame.attrs.update(self.provenance())
        return frame

    def provenance(self) -> dict[str, object]:
        """What the records are: scenarios and hashes, seed, model revision, version, store."""
        return {
            "scenario_hashes": {str(dict(a.columns)["scenario"]): a.key for a in self.arms},
            "seed": self.seed,
            "model_revision": results_store.MODEL_REVISION,
            "version": __version__,
            "store": self.store,
        }

    @contextmanager
    def _reading(self) -> Iterator[ResultsStore]:
        if self.live is not None and not self.live.closed:
            yield self.live
            return
        if self.store == ":memory:":
            raise ValueError(
                "the records were kept in an in-memory store that is closed now; run with "
                "store=PATH (a file) to read them afterwards"
            )
        with ResultsStore(self.store, read_only=True) as store:
            yield store

    def _arm_frame(self, store: ResultsStore, arm: RecordArm) -> pd.DataFrame:
        frame = records_frame(store.record_batches(arm.key, self.seed, self.runs), arm.columns)
        if self.runs is not None and len(frame) != self.runs:
            raise StoreError(
                self.store,
                f"holds {len(frame)} of replications 0-{self.runs - 1} of scenario {arm.key}, "
                f"seed {self.seed}",
                "run the same command again to compute the missing ones",
            )
        return frame


def records_frame(
    batches: Iterable[Sequence[Record]], columns: Sequence[tuple[str, object]] = ()
) -> pd.DataFrame:
    """Records as a typed DataFrame, built a batch at a time, led by constant ``columns``."""
    import pandas as pd

    chunks: dict[str, list[np.ndarray]] = {key: [] for key in RECORD_KEYS}
    count = 0
    for batch in batches:
        count += len(batch)
        for key, arrays in chunks.items():
            arrays.append(np.array([r[key] for r in batch], dtype=_NUMPY[RECORD_DTYPES[key]]))
    data: dict[str, Any] = {name: [value] * count for name, value in columns}
    for key, arrays in chunks.items():
        empty: np.ndarray = np.array([], dtype=_NUMPY[RECORD_DTYPES[key]])
        data[key] = np.concatenate(arrays) if arrays else empty
    texts = [name for name, value in columns if isinstance(value, str)]
    return pd.DataFrame(data).astype(dict.fromkeys([*texts, *TEXT_KEYS], "string"))


# --- tables of summaries ---------------------------------------------------------------------


def number(value: float | None) -> float:
    """A value that may be "not reached" (None) as a float column's NaN."""
    return math.nan if value is None else value


def table(rows: Sequence[dict[str, object]], **provenance: object) -> pd.DataFrame:
    """Rows as a DataFrame, with the provenance (and this version's) in its ``attrs``."""
    import pandas as pd

    frame = pd.DataFrame(list(rows))
    frame.attrs.update(
        {"model_revision": results_store.MODEL_REVISION, "version": __version__, **provenance}
    )
    return frame


def interval(name: str, bounds: tuple[float | None, float | None]) -> dict[str, float]:
    """The interval columns of a measure: ``NAME_ci95_low`` and ``NAME_ci95_high``."""
    return {f"{name}_ci95_low": number(bounds[0]), f"{name}_ci95_high": number(bounds[1])}
