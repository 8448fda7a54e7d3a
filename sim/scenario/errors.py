"""What goes wrong in a scenario file, said so that its author can fix it.

A :class:`Problem` points at one place (file, line, key path) and says what to change there. The
loader collects every problem of a file before giving up and raises them together as one
:class:`ScenarioError`, so a user fixes a file in one pass instead of one error per run.

The schema's own errors (pydantic's) speak of types and Python locations; :func:`schema_findings`
rewrites each in the scenario's words: the key path as written in YAML, what was expected and
written, the allowed keys or values with the closest one suggested.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic.fields import FieldInfo

from sim.core.units import brief, parse_duration, shorten
from sim.scenario.identifiers import lookalike_note, looks_alike
from sim.scenario.schema import Scenario

KeyPath = tuple[str | int, ...]
"""Where a value sits in a scenario document: map keys and list indices from the top."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a scenario: where it is and how to fix it.

    Attributes:
        file: the file the offending value came from (``"--set"`` for a command-line override,
            ``""`` when unknown).
        line: 1-based line in ``file``, or None when there is no line to point at.
        path: dotted key path inside the scenario, e.g. ``"agencies.Bruxelles-Ouest.staff"`` or
            ``"channels.3.to"`` (``""`` for the file as a whole).
        message: what is wrong and how to put it right.
    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [part for part in (where, self.path, self.message) if part]
        return _one_line(": ".join(parts))


def _one_line(text: str) -> str:
    """``text`` with control characters (a line break in a key, a NUL) written as escapes.

    A problem is always one line: a name may hold anything YAML can write, and a raw line break
    in it would make one problem look like two.
    """
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c
        for c in text
    )


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found in it.

    ``str()`` gives one problem per line in ``FILE:LINE: key.path: message`` form, ready to print.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        # The list itself is the exception's argument, so the error pickles (crosses process
        # boundaries in a parallel runner) and rebuilds intact.
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return ``" (did you mean 'X'?)"`` for the closest option to ``word``, or ``""``.

    Case is ignored when comparing, so ``vsse`` suggests ``VSSE``.
    """
    by_fold: dict[str, str] = {}
    for option in options:
        if looks_alike(word, option):  # Јudge for Judge: say what differs, since nothing shows
            return f" (did you mean {option!r}? {lookalike_note(word, option)})"
        by_fold.setdefault(option.casefold(), option)
    close = difflib.get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=0.6)
    return f" (did you mean {by_fold[close[0]]!r}?)" if close else ""


def listing(names: Iterable[str], limit: int = 12) -> str:
    """Return ``names`` sorted and comma-separated, cut after ``limit`` with a count of the rest."""
    ordered = sorted(names)
    if len(ordered) <= limit:
        return ", ".join(ordered)
    return ", ".join(ordered[:limit]) + f", ... ({len(ordered) - limit} more)"


# --- schema errors in the scenario's words --------------------------------------------------


@dataclass
class _Located:
    """A pydantic error location mapped onto the document and the schema."""

    path: KeyPath  # document path (union member names and "[key]" removed)
    annotation: Any  # schema type at the path (Any when unknown)
    field: FieldInfo | None = None  # the field whose value is at the path, if it ends on one
    parent: type[BaseModel] | None = None  # the model holding the last key
    union_at: KeyPath | None = None  # path of the union-typed value the error went through
    union: Any = None  # that union type


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` and ``| None`` from a type; return it and the metadata met on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
            continue
        if _is_union(annotation):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation, metadata


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (Union, types.UnionType)


def _union_member(union: Any, tag: str) -> Any:
    """The member of a union that pydantic names ``tag`` (``tuple[...]``, ``literal[...]``...)."""
    head = tag.split("[")[0].lower()
    for member in typing.get_args(union):
        bare, _ = _unwrap(member)
        origin = typing.get_origin(bare) or bare
        name = "literal" if origin is Literal else getattr(origin, "__name__", "")
        if name.lower() == head:
            return member
    return Any


def _child_type(here: _Located, segment: str | int) -> None:
    """Move ``here`` one step down the schema along a document key or list index."""
    bare, _ = _unwrap(here.annotation)
    here.path = (*here.path, segment)
    here.field = None
    if _is_model(bare):
        here.parent = bare
        fields = bare.model_fields.items()
        found = [info for name, info in fields if segment in (info.alias, name)]
        here.field = found[0] if found else None
        here.annotation = found[0].annotation if found else Any
        return
    args = typing.get_args(bare)
    if typing.get_origin(bare) is dict and len(args) == 2:
        here.annotation = args[1]
    elif typing.get_origin(bare) in (tuple, list) and args:
        here.annotation = args[0]
    else:
        here.annotation = Any


def _locate(loc: tuple[str | int, ...]) -> _Located:
    """Follow a pydantic ``loc`` through the schema types, from :class:`Scenario` down."""
    here = _Located((), Scenario)
    for segment in loc:
        bare, _ = _unwrap(here.annotation)
        if _is_union(bare):  # pydantic names the union member tried before going on
            if here.union_at is None:
                here.union_at, here.union = here.path, bare
            here.annotation, here.field = _union_member(bare, str(segment)), None
        elif segment == "[key]":
            args = typing.get_args(bare)
            here.annotation = args[0] if args else Any
        else:
            _child_type(here, segment)
    return here


def _metadata(here: _Located) -> list[Any]:
    _, inner = _unwrap(here.annotation)
    return [*(here.field.metadata if here.field else []), *inner]


def _constraints(here: _Located) -> dict[str, float]:
    """Numeric bounds (``ge``, ``gt``, ``le``, ``lt``) on the value at ``here``."""
    bounds: dict[str, float] = {}
    for item in _metadata(here):
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(item, getattr(annotated_types, name.capitalize())):
                bounds[name] = getattr(item, name)
    return bounds


def _validators(here: _Located) -> list[str]:
    """Names of the functions that convert the value before the schema checks it."""
    return [
        getattr(item.func, "__name__", "")
        for item in _metadata(here)
        if isinstance(item, BeforeValidator)
    ]


def _number(value: float, duration: bool) -> str:
    """A bound as the user would write it: durations in h or d, other numbers plain."""
    if duration and value:
        return f"{value / 24:g}d" if value >= 48 else f"{value:g}h"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))  # 1000000000, not 1e+09
    return f"{value:g}"


def _bounds_text(here: _Located) -> str:
    """The allowed range of a number: ``" >= 1"``, ``" from 1 to 100000"``, ``""``."""
    bounds = _constraints(here)
    duration = parse_duration.__name__ in _validators(here)
    if set(bounds) == {"ge", "le"}:
        return f" from {_number(bounds['ge'], duration)} to {_number(bounds['le'], duration)}"
    words = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    parts = [f"{words[k]} {_number(v, duration)}" for k, v in bounds.items()]
    return " " + " and ".join(parts) if parts else ""


_ABSENT = object()
_LENGTH_ERRORS = ("too_short", "too_long")


def _raw(doc: Any, path: KeyPath) -> Any:
    """The value at ``path`` as written in the document, or ``_ABSENT``."""
    value = doc
    for segment in path:
        in_map = isinstance(value, dict) and segment in value
        in_list = isinstance(value, list) and isinstance(segment, int) and segment < len(value)
        if not (in_map or in_list):
            return _ABSENT
        value = value[segment]
    return value


def _show(value: Any) -> str:
    """A written value, briefly, in YAML's words."""
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return brief(value, 60) if isinstance(value, str) else shorten(str(value), 60)


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _literals(annotation: Any) -> list[str]:
    bare, _ = _unwrap(annotation)
    return [str(v) for v in typing.get_args(bare)] if typing.get_origin(bare) is Literal else []


def _expected(annotation: Any) -> str:
    """Describe a schema type in a few words, for "expected ..." messages."""
    bare, _ = _unwrap(annotation)
    origin = typing.get_origin(bare)
    if _is_union(bare):
        members = [m for m in typing.get_args(bare) if m is not type(None)]
        return " or ".join(_expected(member) for member in members)
    if origin is Literal:
        return " or ".join(repr(v) for v in typing.get_args(bare))
    if origin in (tuple, list):
        return "a list [a, b, ...]"
    if origin is dict or _is_model(bare):
        return "a map"
    names = {str: "a text", int: "a whole number", float: "a number", bool: "true or false"}
    return names.get(bare, "a value")


_CONVERTED = {
    "parse_duration": 'a duration like "6h" or "2d"',
    "parse_rate": 'a rate like "3/day"',
    "parse_time_of_day": 'a time of day like "21:00"',
    "parse_datetime": 'a date-time like "2015-11-13 22:00"',
    "parse_dist": 'a duration like "6h" or a distribution like {exponential: {mean: 6h}}',
}


def _expected_at(here: _Located) -> str:
    """Describe what belongs at ``here``, using the unit parser when the value has one."""
    for name in _validators(here):
        if name in _CONVERTED:
            return _CONVERTED[name]
    return _expected(here.annotation)


def _map_expected(here: _Located) -> str:
    bare, _ = _unwrap(here.annotation)
    if "_hours_shorthand" in _validators(here):
        return '"24/7", "office" or a map of days, opens and closes'
    if _is_model(bare):
        return f"a map with keys among {', '.join(_allowed_keys(bare))}"
    return "a map (key: value)"


# Each handler turns one kind of pydantic error into what was expected, what was written (``got``)
# and, where it helps, how to fix it.
_Handler = Callable[[dict[str, Any], _Located, str], str]


def _on_missing(error: dict[str, Any], here: _Located, got: str) -> str:
    choices = _literals(here.annotation)
    hint = f"; one of: {', '.join(choices)}" if choices else f" ({_expected_at(here)})"
    return f"missing required key {here.path[-1]!r}{hint}"


def _on_extra(error: dict[str, Any], here: _Located, got: str) -> str:
    key = str(here.path[-1])
    allowed = _allowed_keys(here.parent) if here.parent else []
    return f"unknown key {key!r}{did_you_mean(key, allowed)}; allowed keys: {', '.join(allowed)}"


def _on_int(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"expected a whole number{_bounds_text(here)}, got {got}{_number_hint(error)}"


def _on_float(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"expected a number{_bounds_text(here)}, got {got}{_number_hint(error)}"


_SEXAGESIMAL = re.compile(r"^[-+]?\d+(:[0-5]?\d)+(\.\d*)?$")
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")


def _number_hint(error: dict[str, Any]) -> str:
    """Why a value YAML 1.1 would have read as a number is not one here, and what to write."""
    value = error.get("input")
    if isinstance(value, bool):
        return " (a yes/no value, not a number): write the number itself"
    if not isinstance(value, str):
        return ""
    if _SEXAGESIMAL.match(value.strip()):
        return " (old YAML would read it in base 60): write the number itself"
    if _OCTAL.match(value.strip()):
        return " (old YAML would read a leading 0 as octal): write it without the leading 0"
    with contextlib.suppress(ValueError):
        float(value)
        return " (written as text): write a plain number, without quotes"
    return ""


def _on_bound(error: dict[str, Any], here: _Located, got: str) -> str:
    if _constraints(here) == {"ge": 0.0, "le": 1.0}:
        return f"must be a probability from 0 to 1, got {got}"
    return f"must be{_bounds_text(here)}, got {got}"


def _on_bool(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"expected true or false (not yes/no, on/off or 1/0), got {got}"


def _on_string(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"expected a text, got {got}; put it in quotes if it is a name"


def _on_empty(error: dict[str, Any], here: _Located, got: str) -> str:
    return "must not be empty"


def _on_too_long(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"is too long: at most {error['ctx']['max_length']} characters"


def _on_too_short(error: dict[str, Any], here: _Located, got: str) -> str:
    least, actual = error["ctx"]["min_length"], error["ctx"].get("actual_length", 0)
    entries = "entry" if least == 1 else "entries"
    return f"needs at least {least} {entries}, got {actual or 'none'}; add more"


def _on_literal(error: dict[str, Any], here: _Located, got: str) -> str:
    choices = _literals(here.annotation) or [error["ctx"]["expected"]]
    written = error["input"] if isinstance(error["input"], str) else got
    return f"{got} is not allowed{did_you_mean(written, choices)}; use one of: {', '.join(choices)}"


def _on_map(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"expected {_map_expected(here)}, got {got}"


def _on_list(error: dict[str, Any], here: _Located, got: str) -> str:
    return f"expected a list [a, b, ...], got {got}"


def _on_value(error: dict[str, Any], here: _Located, got: str) -> str:
    cause = error.get("ctx", {}).get("error")
    # The schema's own validators already say how to fix the value; drop pydantic's prefix.
    return str(cause) if cause is not None else str(error["msg"]).removeprefix("Value error, ")


_HANDLERS: dict[str, _Handler] = {
    "missing": _on_missing,
    "extra_forbidden": _on_extra,
    "int_parsing": _on_int,
    "int_type": _on_int,
    "int_from_float": _on_int,
    "float_parsing": _on_float,
    "float_type": _on_float,
    "finite_number": _on_float,
    "greater_than": _on_bound,
    "greater_than_equal": _on_bound,
    "less_than": _on_bound,
    "less_than_equal": _on_bound,
    "bool_parsing": _on_bool,
    "bool_type": _on_bool,
    "string_type": _on_string,
    "string_too_short": _on_empty,
    "string_too_long": _on_too_long,
    "too_short": _on_too_short,
    "literal_error": _on_literal,
    "model_type": _on_map,
    "model_attributes_type": _on_map,
    "dict_type": _on_map,
    "tuple_type": _on_list,
    "list_type": _on_list,
    "value_error": _on_value,
    "assertion_error": _on_value,
}


def _message(error: dict[str, Any], here: _Located, doc: Any) -> str:
    """Rewrite one pydantic error in the user's words."""
    raw = _raw(doc, here.path)
    got = _show(error.get("input") if raw is _ABSENT else raw)
    handler = _HANDLERS.get(error["type"])
    if handler is None:
        return str(error["msg"]).replace("Input should be", "should be")
    return handler(error, here, got)


def schema_findings(err: ValidationError, doc: Any) -> list[tuple[KeyPath, str]]:
    """Rewrite the schema's validation errors in the scenario's words.

    A value matching no member of a union (``jurisdiction: [..] | all``) yields one pydantic
    error per member; they become a single finding: the errors from inside the member whose
    shape matched, else one "expected X or Y" message.

    Args:
        err: what :meth:`Scenario.model_validate` raised.
        doc: the raw document that was validated, to quote values as they were written.

    Returns:
        ``(key path, message)`` pairs; key paths use YAML's key names (``from``, not ``from_``).
    """
    findings: list[tuple[KeyPath, str]] = []
    unions: dict[KeyPath, list[tuple[dict[str, Any], _Located]]] = {}
    for error in err.errors(include_url=False):
        here = _locate(tuple(error["loc"]))
        if here.union_at is None:
            findings.append((here.path, _message(dict(error), here, doc)))
        else:
            unions.setdefault(here.union_at, []).append((dict(error), here))
    for union_at, errors in unions.items():
        deeper = [(e, h) for e, h in errors if len(h.path) > len(union_at)]
        # A list of the right shape but the wrong length (places: []) matched its member too.
        deeper += [(e, h) for e, h in errors if e["type"] in _LENGTH_ERRORS and not deeper]
        if deeper:
            findings.extend((h.path, _message(e, h, doc)) for e, h in deeper)
            continue
        first, here = errors[0]
        raw = _raw(doc, union_at)
        got = _show(first.get("input") if raw is _ABSENT else raw)
        message = f"expected {_expected(here.union)}, got {got}"
        if isinstance(raw, str) and "a list" in message:
            message += f"; for a single name write [{raw}]"
        findings.append((union_at, message))
    return findings
