"""Checking a stored record before it is believed: its checksum and its schema.

Every row of the results store carries a checksum (BLAKE2b) over its key (scenario hash, seed,
model revision, replication) and its record as stored. A row edited by hand or by another tool
(a ``captured`` set to 1, a counter multiplied, a neighbour's record copied in) no longer matches
its checksum. The checksum detects edits, not forgery: anyone who reads this code can compute
one, so it guards against accidents and casual tampering, not against a determined adversary.

A record that passes its checksum is also checked against the record's schema
(:data:`sim.model.record.RECORD_KEYS`): every key present and no other, counts whole and not
negative, hours finite and not negative, ``captured`` 0 or 1, a day of capture exactly when
captured; a record of an earlier model revision lacks the keys added since
(:data:`sim.model.record.ADDED_IN_REVISION`). Rows migrated from store layout 1 (which had no
checksums) got theirs at migration: an edit made before then passes the checksum, and is caught
only if it breaks the schema.
"""

from __future__ import annotations

import hashlib
import math

from sim.model.record import ADDED_IN_REVISION, COUNTERS, RECORD_KEYS

#: Record fields holding text.
TEXT_KEYS = frozenset({"capture_how", "capture_by"})
#: Record fields holding a float (hours, and the day of capture, NaN when not captured).
FLOAT_KEYS = frozenset({"capture_day", *(k for k in COUNTERS if k.endswith("_hours"))})
#: Record fields holding a whole number >= 0.
INTEGER_KEYS = tuple(k for k in RECORD_KEYS if k not in TEXT_KEYS | FLOAT_KEYS)
_KEYS = frozenset(RECORD_KEYS)
_HOURS = tuple(k for k in FLOAT_KEYS if k != "capture_day")


def checksum(scenario_hash: str, seed: int, model: str, replication: int, record: str) -> str:
    """The checksum of one stored row: 32 hex digits of BLAKE2b over its key and record text."""
    text = f"{scenario_hash}\x1f{seed}\x1f{model}\x1f{replication}\x1f{record}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def record_problem(record: object, replication: int, revision: str | None = None) -> str | None:
    """What is wrong with a record read back for ``replication``, in words (None: nothing).

    ``revision`` is the model revision that wrote it (None: the current one).
    """
    if not isinstance(record, dict):
        return f"holds {type(record).__name__}, not a record (a JSON object)"
    keys = _keys_of(revision)
    if record.keys() != _KEYS and record.keys() != keys:
        return _key_problem(record, keys)
    if record.keys() != _KEYS:
        record = {**dict.fromkeys(_KEYS - keys, 0), **record}  # check the rest as for this one
    for key in INTEGER_KEYS:
        value = record[key]
        if type(value) is not int or value < 0:
            return f"{key} is {_shown(value)}, not a whole number >= 0"
    if record["replication"] != replication:
        return f"holds the record of replication {record['replication']}"
    if record["captured"] > 1:
        return f"captured is {record['captured']}, not 0 or 1"
    for key in _HOURS:
        value = record[key]
        if not _number(value) or not math.isfinite(value) or value < 0:
            return f"{key} is {_shown(value)}, not a number of hours >= 0"
    for key in TEXT_KEYS:
        if not isinstance(record[key], str):
            return f"{key} is {_shown(record[key])}, not text"
    return _capture_problem(record)


def _keys_of(revision: str | None) -> frozenset[str]:
    """The keys a record of model ``revision`` holds."""
    if revision is None or not revision.isdigit():
        return _KEYS
    later = {k for k, added in ADDED_IN_REVISION.items() if int(revision) < added}
    return _KEYS - later if later else _KEYS


def _key_problem(record: dict[object, object], keys: frozenset[str]) -> str:
    missing = [k for k in RECORD_KEYS if k in keys and k not in record]
    extra = [str(k) for k in record if k not in keys]
    parts = []
    if missing:
        parts.append(f"lacks {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
    if extra:
        parts.append(f"has fields no record has ({', '.join(extra[:5])})")
    return " and ".join(parts)


def _capture_problem(record: dict[str, object]) -> str | None:
    day = record["capture_day"]
    if not _number(day):
        return f"capture_day is {_shown(day)}, not a number"
    assert isinstance(day, int | float)  # for the type checker: _number said so
    if record["captured"] and not (math.isfinite(day) and day >= 0):
        return f"captured is 1 but capture_day is {_shown(day)}"
    if not record["captured"] and not math.isnan(day):
        return f"captured is 0 but capture_day is {_shown(day)}"
    return None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
