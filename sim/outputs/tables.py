"""Writing a results table (records or summaries) as CSV, JSON lines or Parquet, with provenance.

Every exported table says where its numbers come from. CSV and JSON lines carry it as columns
(``scenario_hash``, ``seed``, ``model_revision`` beside each row); Parquet carries it in the
file's metadata as well, under the key ``brussels_sim`` (scenario hashes, seed, model revision,
package version, the store, the date). Parquet needs the optional extra ``parquet`` (pyarrow).
Files are written atomically: a reader never sees half a table.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sim.outputs.files import atomic_writer

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "jsonl", "parquet")
#: The Parquet metadata key holding the provenance (a JSON object).
METADATA_KEY = b"brussels_sim"


class MissingExtraError(RuntimeError):
    """A format needs an optional dependency that is not installed (the message says which)."""


#: File name endings that say a format.
_SUFFIXES = {
    "csv": "csv",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "parquet": "parquet",
    "pq": "parquet",
}


def format_of(path: Path | None, given: str | None) -> str:
    """The format asked for, or the one the file name says (``.parquet``...), CSV otherwise."""
    if given is not None:
        return given
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    return _SUFFIXES.get(suffix, "csv")


def write_table(
    frame: pd.DataFrame, fmt: str, path: Path | None, stream: IO[str] | None = None
) -> None:
    """Write ``frame`` as ``fmt`` to ``path`` (atomically), or as text to ``stream``.

    Raises:
        MissingExtraError: Parquet without pyarrow.
        ValueError: an unknown format, or Parquet without a file to write.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    if fmt == "parquet":
        if path is None:
            raise ValueError("Parquet is a binary file: give one with --out FILE.parquet")
        _write_parquet(frame, path)
        return
    if path is None:
        assert stream is not None
        _write_text(frame, fmt, stream)
        return
    with atomic_writer(path) as handle:
        _write_text(frame, fmt, handle)


def _write_text(frame: pd.DataFrame, fmt: str, stream: IO[str]) -> None:
    if fmt == "csv":
        # Floats in full (repr) precision; NaN written as NaN, so it is not mistaken for a gap.
        frame.to_csv(stream, index=False, na_rep="NaN", lineterminator="\n")
        return
    for row in frame.to_dict(orient="records"):
        print(json.dumps({k: _plain(v) for k, v in row.items()}, allow_nan=False), file=stream)


def _plain(value: object) -> object:
    """A JSON value: NaN and pandas' missing values become null, numpy scalars Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # a numpy scalar
        return _plain(value.item())
    if type(value).__name__ == "NAType":
        return None
    return value


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError(
            "Parquet needs pyarrow: pip install -e '.[parquet]' (or pip install pyarrow)"
        ) from None
    table = pa.Table.from_pandas(frame, preserve_index=False)
    provenance = json.dumps(frame.attrs, default=str, sort_keys=True).encode("utf-8")
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), METADATA_KEY: provenance}
    )
    with atomic_writer(path, binary=True) as handle:
        pq.write_table(table, handle)


def read_provenance(path: str | Path) -> dict[str, object]:
    """The provenance a Parquet file written by :func:`write_table` carries."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(path).metadata or {}
    return json.loads(metadata[METADATA_KEY])
