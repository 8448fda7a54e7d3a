"""A validated scenario written back as a scenario document (the YAML form, as a ``dict``).

:func:`to_document` is the loader's inverse: durations come back as ``"36h"``, rates as
``"0.5/h"``, times of day as ``"21:00"``, distributions in their YAML forms, matchers as a word or
``{method: threshold}``. Validating the document gives back an equal scenario (the function
checks that it does), so whatever works on documents (``--set`` overrides, removing a friction,
applying a reform file) works on a scenario built or changed in code too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, BeforeValidator

from sim.core.distributions import Choice, Exponential, Fixed, LogNormal, Uniform
from sim.core.units import parse_duration, parse_rate, parse_time_of_day
from sim.names.matchers import MatcherSpec
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import (
    apply_overrides,
    load_document,
    merge_patch,
    read_own_document,
    validate_document,
)
from sim.scenario.schema import Scenario

Document = dict[str, Any]


def _decimal(number: float) -> str:
    """A float in plain positional notation that parses back to the same float."""
    text = format(Decimal(repr(float(number))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _duration(hours: float) -> str | int:
    return 0 if hours == 0 else f"{_decimal(hours)}h"


def _rate(per_hour: float) -> str | int:
    return 0 if per_hour == 0 else f"{_decimal(per_hour)}/h"


def _time_of_day(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


#: How a float field with a unit is written, by the parser its type validates with.
_UNITS: dict[object, Any] = {
    parse_duration: _duration,
    parse_rate: _rate,
    parse_time_of_day: _time_of_day,
}


def _distribution(value: object) -> object:
    if isinstance(value, Fixed):
        return _duration(value.value)
    if isinstance(value, Exponential):
        return {"exponential": {"mean": _duration(value.mean)}}
    if isinstance(value, LogNormal):
        return {"lognormal": {"median": _duration(value.median), "p90": _duration(value.p90)}}
    if isinstance(value, Uniform):
        return {"uniform": {"low": _duration(value.low), "high": _duration(value.high)}}
    assert isinstance(value, Choice)
    return {
        "choice": {
            _duration(v) or "0h": w for v, w in zip(value.values, value.weights, strict=True)
        }
    }


def _value(value: object, unit: Any = None) -> object:
    """One value in its document form (``unit``: the field's unit writer, if it has one)."""
    if isinstance(value, BaseModel):
        return _block(value)
    if isinstance(value, Fixed | Exponential | LogNormal | Uniform | Choice):
        return _distribution(value)
    if isinstance(value, MatcherSpec):
        return value.method if value.threshold is None else {value.method: value.threshold}
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    if unit is not None and isinstance(value, float):
        return unit(value)
    return value


def _block(block: BaseModel) -> Document:
    out: Document = {}
    for name, info in type(block).model_fields.items():
        unit = next(
            (_UNITS.get(m.func) for m in info.metadata if isinstance(m, BeforeValidator)), None
        )
        out[info.alias or name] = _value(getattr(block, name), unit)
    return out


def to_document(scenario: Scenario) -> Document:
    """The scenario as a document that validates back to an equal scenario.

    Raises:
        ValueError: the scenario holds a value no scenario file can write (a time of day that
            is not a whole minute, set in code); the message names it.
    """
    document = _block(scenario)
    again = validate_document(document, file=f"{scenario.name} (written back)")
    if again != scenario:
        changed = [
            name
            for name in type(scenario).model_fields
            if getattr(again, name) != getattr(scenario, name)
        ]
        raise ValueError(
            f"{scenario.name}: {', '.join(changed)} cannot be written as a scenario file says "
            "it (a time of day that is not a whole minute?)"
        )
    return document


def with_overrides(scenario: Scenario, overrides: Sequence[str]) -> Scenario:
    """The scenario with ``--set`` overrides applied (``"agencies.DR3.staff=12"``).

    Raises:
        ScenarioError: an override cannot be applied, or the result is not a valid scenario.
    """
    if not overrides:
        return scenario
    document = to_document(scenario)
    problems = apply_overrides(document, overrides)
    if problems:
        raise ScenarioError(problems)
    return validate_document(document, file=scenario.name)


def with_reform(scenario: Scenario, reform: str | Path) -> Scenario:
    """The scenario with a reform file's changes applied on top of it.

    A reform file (``scenarios/reforms/*.yaml``) names its base with ``extends:`` and writes only
    what it changes; here those changes are applied to ``scenario`` instead of its base, so a
    reform can be tried on a scenario built or changed in code.

    Raises:
        ScenarioError: the reform file cannot be read, or the result is not a valid scenario.
    """
    own = _own_changes(Path(reform))
    return validate_document(merge_patch(to_document(scenario), own), file=str(reform))


def _own_changes(reform: Path) -> Document:
    """What a scenario file writes itself, without what it ``extends``."""
    document = read_own_document(reform)
    document.pop("extends", None)
    return document


def scenario_document(scenario: Scenario | str | Path, overrides: Sequence[str] = ()) -> Document:
    """The document of a scenario file (as written, with overrides) or of a scenario object."""
    if isinstance(scenario, Scenario):
        return to_document(with_overrides(scenario, overrides))
    document, _ = load_document(scenario, overrides)
    return document
