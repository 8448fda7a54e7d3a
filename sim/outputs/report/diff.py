"""What differs between scenario documents, as a table of dotted paths and values.

Scenarios that extend one another differ in a handful of values buried in nested maps; a reader
wants the list: ``raids.night_rule.exempt``: ``[..., drug_trafficking]`` in one,
``[..., terrorism]`` in the other. Documents are compared after ``extends`` and overrides, before
validation (values as written: ``"6h"`` stays ``"6h"``). Notes (``sources``, ``description``) and
YAML anchor holders (top-level keys starting with ``x-``) are left out: their effects show where
they are used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Keys never compared: notes, not model settings.
NOTES = frozenset({"sources", "description"})

_MISSING = object()


@dataclass(frozen=True)
class Difference:
    """One setting that is not the same in every document.

    Attributes:
        path: dotted key path, list items by number (``channels.2.loss``).
        values: the value in each document, as readable text ("not set" where absent).
    """

    path: str
    values: tuple[str, ...]


def document_diff(documents: Sequence[dict[str, Any]]) -> list[Difference]:
    """Every setting that differs between ``documents``, in the order the first one lists them."""
    top = [{k: v for k, v in d.items() if not k.startswith("x-")} for d in documents]
    out: list[Difference] = []
    _walk(top, (), out)
    return out


def _walk(values: list[Any], path: tuple[str, ...], out: list[Difference]) -> None:
    if all(isinstance(v, dict) for v in values):
        keys = list(dict.fromkeys(k for v in values for k in v))
        for key in keys:
            if key in NOTES:
                continue
            _walk([v.get(key, _MISSING) for v in values], (*path, str(key)), out)
        return
    same_length = len({len(v) for v in values if isinstance(v, list)}) == 1
    if all(isinstance(v, list) for v in values) and same_length:
        for i in range(len(values[0])):
            _walk([v[i] for v in values], (*path, str(i)), out)
        return
    if any(_canonical(v) != _canonical(values[0]) for v in values[1:]):
        out.append(Difference(".".join(path), tuple(readable(v) for v in values)))


def _canonical(value: Any) -> str:
    if value is _MISSING:
        return "\0missing"
    return json.dumps(_strip_notes(value), sort_keys=True, default=str)


def _strip_notes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_notes(v) for k, v in value.items() if k not in NOTES}
    if isinstance(value, list):
        return [_strip_notes(v) for v in value]
    return value


def readable(value: Any) -> str:
    """A value as compact YAML-like text: ``6h``, ``[fr, nl]``, ``{median: 2h, p90: 8h}``."""
    if value is _MISSING:
        return "not set (default)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {readable(v)}" for k, v in _strip_notes(value).items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(readable(v) for v in value) + "]"
    return str(value)


def grouped(differences: Sequence[Difference]) -> list[Difference]:
    """Merge settings that differ the same way under several names into one row.

    ``agencies.Midi.feeding.skip`` and ``agencies.DR3.feeding.skip``, both ``0.1`` against
    ``0.01``, become ``agencies.{Midi, DR3}.feeding.skip``: the reform reads as one change made
    to many services rather than a long list.
    """
    groups: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    singles: dict[tuple[str, str, tuple[str, ...]], Difference] = {}
    for d in differences:
        parts = d.path.split(".")
        if len(parts) < 3:
            key = (d.path, "", d.values)
            singles[key] = d
            groups.setdefault(key, [])
            continue
        key = (parts[0], ".".join(parts[2:]), d.values)
        groups.setdefault(key, []).append(parts[1])
    out = []
    for key, names in groups.items():
        if key in singles:
            out.append(singles[key])
            continue
        head, tail, values = key
        middle = names[0] if len(names) == 1 else "{" + ", ".join(names) + "}"
        out.append(Difference(f"{head}.{middle}.{tail}", values))
    return out
