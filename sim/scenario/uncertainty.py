"""Uncertainty declarations: which numbers of a scenario are guesses, and over what range.

An uncertainty file names the scenario whose assumptions it ranges over and lists **factors**.
A factor is one belief about the world: it has dotted paths into the scenario (the paths
``--set`` takes; several when one belief drives several numbers, such as the six zones'
forgetting share), a distribution of plausible values, and a ``sources:`` note arguing the
range::

    scenario: ../brussels-2015.yaml
    factors:
      zone_forget:
        label: share of dossiers a police zone never passes on
        paths: [agencies.Midi.forget, agencies.Montgomery.forget]
        uniform: {low: 0.01, high: 0.15}
        sources: judgement; the Mechelen tip (docs/sources.md §5) is one forgotten dossier.

Distributions: ``uniform`` and ``log_uniform`` ``{low, high}``, ``triangular`` ``{low, mode,
high}``, ``integers`` ``{low, high}`` (both included) and ``choice`` (a list of values, equally
likely). Bounds are numbers, durations (``6h``) or rates (``1/60d``), all of one kind. With
``scale: true`` the value multiplies the number at each path instead of replacing it (a duration,
a rate, a count, or a whole delay distribution, whose shape is kept), so one factor can move
numbers that differ, such as every channel's delay. ``in: {SCENARIO: [paths]}`` says where the
factor acts in a reform scenario that removes or changes those numbers (see
:mod:`sim.scenario.assumptions`).

A design samples every factor on [0, 1]; :meth:`Factor.value` turns that quantile into a value
(by the inverse of its distribution function) and :meth:`Factor.assignments` into ``--set``
overrides of a scenario document. This module reads and checks the file on its own; whether its
paths exist, stay within the scenario's own bounds and are declared assumptions there is
:mod:`sim.scenario.assumptions`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.core.units import parse_duration, parse_rate
from sim.scenario.errors import KeyPath, Problem, ScenarioError, did_you_mean, listing
from sim.scenario.loader import LineMap, read_yaml

#: Distribution keys a factor may take (exactly one).
LAWS = ("uniform", "log_uniform", "triangular", "integers", "choice")
_PARAMS = {
    "uniform": ("low", "high"),
    "log_uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "integers": ("low", "high"),
}
_FACTOR_KEYS = ("label", "paths", "scale", "group", "in", "sources", *LAWS)
_TOP_KEYS = ("name", "description", "scenario", "factors", "sources")  # and x-... for anchors
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
#: Most factors a file may declare (a Morris screening runs (factors + 1) points per trajectory).
MAX_FACTORS = 200


@dataclass(frozen=True)
class Factor:
    """One uncertain belief: the numbers it moves and the values it may take.

    Attributes:
        name: its key in the file.
        label: what it is in words (for tables and sentences; defaults to the name).
        paths: dotted paths into the scenario it ranges over.
        law: ``uniform``, ``log_uniform``, ``triangular``, ``integers`` or ``choice``.
        params: the law's bounds in canonical units (hours for durations, per hour for rates).
        choices: the values of a ``choice``, as written.
        unit: ``number``, ``duration`` or ``rate``: the kind of the bounds.
        scale: whether the value multiplies the number at each path.
        group: the screening group it moves with in a Morris or Sobol design (its own name if
            none): factors of one group share one set of indices, which buys fewer points.
        arms: for named reform scenarios, the paths where the factor acts there instead.
        sources: the note arguing the range.
        line: the line the factor is declared on.
    """

    name: str
    label: str
    paths: tuple[str, ...]
    law: str
    params: tuple[float, ...] = ()
    choices: tuple[Any, ...] = ()
    unit: str = "number"
    scale: bool = False
    group: str = ""
    arms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sources: str = ""
    line: int | None = None

    def value(self, u: float) -> Any:
        """The factor's value at quantile ``u`` of its distribution (``u`` in [0, 1])."""
        u = min(max(float(u), 0.0), 1.0)
        if self.law == "choice":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if self.law == "integers":
            first, last = (int(p) for p in self.params)
            return first + min(int(u * (last - first + 1)), last - first)
        low, high = self.params[0], self.params[-1]
        if self.law == "uniform":
            return low + u * (high - low)
        if self.law == "log_uniform":
            return math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
        return _triangular(u, *self.params)

    def extremes(self) -> list[Any]:
        """The values a check must try: both ends, or every choice."""
        return list(self.choices) if self.law == "choice" else [self.value(0.0), self.value(1.0)]

    def paths_in(self, arm: str | None) -> tuple[str, ...]:
        """Where the factor acts in scenario ``arm`` (its own paths unless ``in`` says)."""
        return self.arms.get(arm, self.paths) if arm is not None else self.paths

    def assignments(
        self, value: Any, doc: dict[str, Any], paths: Sequence[str]
    ) -> list[tuple[str, Any]]:
        """(path, value) pairs putting ``value`` at ``paths`` of ``doc`` (scaled if ``scale``).

        Values are what YAML would give for the same text: a number, a duration or rate as text
        (``"36h"``, ``"0.002/h"``), a choice as written, a delay distribution as a map.

        Raises:
            ValueError: a scaled path holds something that is not a number, duration, rate or
                delay distribution (the check in :mod:`sim.scenario.assumptions` says so first).
        """
        if not self.scale:
            return [(path, self.written(value)) for path in paths]
        return [(path, scaled(at_path(doc, path), value)) for path in paths]

    def written(self, value: Any) -> Any:
        """``value`` as a scenario writes it: a number, ``"36h"``, ``"0.002/h"``, a choice."""
        if self.law == "choice":
            return value
        if self.unit == "duration":
            return f"{plain(value)}h"
        if self.unit == "rate":
            return f"{plain(value)}/h"
        return int(value) if self.law == "integers" else float(value)

    def describe(self, value: Any) -> str:
        """``value`` for a reader: ``2.5d``, ``1/7.0d``, ``0.12``, ``x1.5`` (a multiplier)."""
        if self.law == "choice":
            return str(value)
        if self.scale:
            return f"x{value:.3g}"
        if self.unit == "duration":
            return f"{value / 24:.3g}d" if value >= 48 else f"{value:.3g}h"
        if self.unit == "rate":
            return f"1/{1 / (value * 24):.3g}d" if value > 0 else "0"
        return str(int(value)) if self.law == "integers" else f"{value:.3g}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        law: object = list(self.choices) if self.law == "choice" else list(self.params)
        return {
            "name": self.name,
            "label": self.label,
            "paths": list(self.paths),
            "law": self.law,
            "params": law,
            "unit": self.unit,
            "scale": self.scale,
            "group": self.group,
        }


def _triangular(u: float, low: float, mode: float, high: float) -> float:
    if high == low:
        return low
    cut = (mode - low) / (high - low)
    if u < cut:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1 - u) * (high - low) * (high - mode))


def plain(value: float) -> str:
    """A number without exponent notation (what durations and rates accept)."""
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.15f}".rstrip("0").rstrip(".")
    if text in ("0", "-0") and value != 0:  # far below 1e-15: keep its magnitude readable
        text = f"{value:.15f}"
    return text


def at_path(doc: Any, path: str) -> Any:
    """The value at a dotted path of a raw document (``KeyError`` if there is none)."""
    here = doc
    for segment in path.split("."):
        if isinstance(here, dict) and segment in here:
            here = here[segment]
        elif isinstance(here, list) and segment.isdigit() and int(segment) < len(here):
            here = here[int(segment)]
        else:
            raise KeyError(path)
    return here


def scaled(nominal: Any, factor: float) -> Any:
    """``nominal`` multiplied by ``factor``: a count, number, duration, rate or delay law.

    A count stays a whole number (rounded, never below 1 when it was at least 1: one analyst
    scaled by 0.6 is still one analyst). A delay distribution keeps its shape: every duration in
    it is multiplied.

    Raises:
        ValueError: ``nominal`` is none of those.
    """
    if isinstance(nominal, bool):
        raise ValueError(f"cannot scale {nominal!r}: it is a yes/no setting")
    if isinstance(nominal, int):
        return max(round(nominal * factor), 1 if nominal >= 1 else 0)
    if isinstance(nominal, float):
        return nominal * factor
    if isinstance(nominal, str):
        return _scaled_text(nominal, factor)
    if isinstance(nominal, dict) and len(nominal) == 1:
        ((kind, body),) = nominal.items()
        if kind == "choice" and isinstance(body, dict):
            return {"choice": {_scaled_text(str(k), factor): w for k, w in body.items()}}
        if isinstance(body, dict):
            return {kind: {k: _scaled_text(str(v), factor) for k, v in body.items()}}
        return {kind: _scaled_text(str(body), factor)}
    raise ValueError(f"cannot scale {nominal!r}: give a number, duration, rate or delay")


def _scaled_text(text: str, factor: float) -> str:
    if "/" in text:
        return f"{plain(parse_rate(text) * factor)}/h"
    return f"{plain(parse_duration(text) * factor)}h"


@dataclass(frozen=True)
class Uncertainty:
    """An uncertainty file: the scenario it ranges over and its factors, in file order."""

    name: str
    path: str
    scenario: Path
    factors: tuple[Factor, ...]
    description: str = ""
    lines: LineMap = field(default_factory=dict, compare=False, repr=False)

    def factor(self, name: str) -> Factor:
        """The factor called ``name``."""
        return next(f for f in self.factors if f.name == name)

    @property
    def groups(self) -> list[str]:
        """The screening groups, in the order their first factor is declared."""
        return list(dict.fromkeys(f.group for f in self.factors))


# --- reading the file -----------------------------------------------------------------------


class _Reader:
    """Checks an uncertainty document key by key, collecting problems with their lines."""

    def __init__(self, label: str, lines: LineMap) -> None:
        self.label = label
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: KeyPath, message: str) -> None:
        line = next(
            (self.lines[path[:i]][1] for i in range(len(path), -1, -1) if path[:i] in self.lines),
            None,
        )
        self.problems.append(Problem(self.label, line, ".".join(str(p) for p in path), message))

    def keys(self, body: dict[str, Any], path: KeyPath, allowed: Sequence[str]) -> None:
        for key in body:
            if key not in allowed and not (not path and str(key).startswith("x-")):
                self.problem(
                    (*path, key),
                    f"unknown key {key!r}{did_you_mean(str(key), allowed)}; "
                    f"allowed: {listing(allowed)}",
                )

    def text(self, body: dict[str, Any], path: KeyPath, key: str) -> str:
        value = body.get(key, "")
        if value is None or isinstance(value, str):
            return value or ""
        self.problem((*path, key), f"must be text, not {value!r}")
        return ""


def is_uncertainty_file(path: str | Path) -> bool:
    """Whether ``path`` reads as an uncertainty file (a map with ``factors`` and ``scenario``)."""
    try:
        doc, _ = read_yaml(path)
    except ScenarioError:
        return False
    return "factors" in doc and "scenario" in doc


def load_uncertainty(path: str | Path) -> Uncertainty:
    """Read and check an uncertainty file (its own format; not yet against its scenario).

    Raises:
        ScenarioError: every problem of the file, as ``FILE:LINE: key.path: message``.
    """
    doc, lines = read_yaml(path)
    reader = _Reader(str(path), lines)
    reader.keys(doc, (), _TOP_KEYS)
    scenario = doc.get("scenario")
    if not isinstance(scenario, str) or not scenario.strip():
        reader.problem(
            ("scenario",),
            "name the scenario whose assumptions these are, relative to this file: "
            "scenario: ../brussels-2015.yaml",
        )
        scenario = ""
    factors = _factors(reader, doc.get("factors"))
    if reader.problems:
        raise ScenarioError(reader.problems)
    return Uncertainty(
        name=reader.text(doc, (), "name") or Path(path).stem,
        path=str(path),
        scenario=Path(os.path.normpath(Path(path).parent / scenario)),
        factors=tuple(factors),
        description=reader.text(doc, (), "description"),
        lines=lines,
    )


def _factors(reader: _Reader, body: Any) -> list[Factor]:
    if not isinstance(body, dict) or not body:
        reader.problem(
            ("factors",),
            "give a map of factors, each with paths, a distribution and sources; e.g. "
            "factors: {forget: {paths: [agencies.DR3.forget], uniform: {low: 0.01, high: 0.1}}}",
        )
        return []
    if len(body) > MAX_FACTORS:
        reader.problem(("factors",), f"more than {MAX_FACTORS} factors; group related numbers")
        return []
    out = []
    for name, spec in body.items():
        factor = _factor(reader, str(name), spec)
        if factor is not None:
            out.append(factor)
    return out


def _factor(reader: _Reader, name: str, spec: Any) -> Factor | None:
    here: KeyPath = ("factors", name)
    if not _NAME.match(name):
        reader.problem(here, "a factor's name is a letter then letters, digits, _ or - (<= 64)")
    if not isinstance(spec, dict):
        reader.problem(here, "a factor is a map with paths, one distribution and sources")
        return None
    reader.keys(spec, here, _FACTOR_KEYS)
    paths = _paths(reader, spec.get("paths"), (*here, "paths"))
    laws = [law for law in LAWS if law in spec]
    if len(laws) != 1:
        found = ", ".join(laws) or "none"
        reader.problem(here, f"give exactly one distribution of {listing(LAWS)} (found: {found})")
        return None
    law = laws[0]
    scale = spec.get("scale", False)
    if not isinstance(scale, bool):
        reader.problem((*here, "scale"), "scale is true (multiply the number) or false")
        scale = False
    parsed = _law(reader, law, spec[law], (*here, law), scale)
    arms = _arms(reader, spec.get("in"), (*here, "in"))
    if parsed is None or paths is None or arms is None:
        return None
    params, choices, unit = parsed
    group = reader.text(spec, here, "group") or name
    if not _NAME.match(group):
        reader.problem((*here, "group"), "a group's name is a letter then letters, digits, _ or -")
    if not reader.text(spec, here, "sources").strip():
        reader.problem(
            (*here, "sources"),
            "argue the range in a sources note (cite docs/sources.md §N, or say it is a judgement)",
        )
    return Factor(
        name=name,
        label=reader.text(spec, here, "label") or name,
        paths=paths,
        law=law,
        params=params,
        choices=choices,
        unit=unit,
        scale=scale,
        group=group,
        arms=arms,
        sources=reader.text(spec, here, "sources"),
        line=reader.lines.get(here, ("", None))[1],
    )


def _paths(reader: _Reader, value: Any, here: KeyPath) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        reader.problem(here, "give the dotted paths this factor moves, e.g. [agencies.DR3.staff]")
        return None
    bad = [i for i, p in enumerate(value) if not isinstance(p, str) or not all(p.split("."))]
    for i in bad:
        reader.problem((*here, i), f"{value[i]!r} is not a dotted path like agencies.DR3.staff")
    repeated = {p for p in value if value.count(p) > 1}
    if repeated:
        reader.problem(here, f"{listing(map(str, repeated))} written twice; give each path once")
    return None if bad or repeated else tuple(value)


def _arms(reader: _Reader, value: Any, here: KeyPath) -> dict[str, tuple[str, ...]] | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        reader.problem(here, "in: maps a reform scenario's name to its paths, {name: [paths]}")
        return None
    out: dict[str, tuple[str, ...]] = {}
    for arm, paths in value.items():
        if paths == [] or paths is None:
            out[str(arm)] = ()  # the reform fixes these numbers: the factor does not act there
            continue
        parsed = _paths(reader, paths, (*here, arm))
        if parsed is None:
            return None
        out[str(arm)] = parsed
    return out


def _law(
    reader: _Reader, law: str, body: Any, here: KeyPath, scale: bool
) -> tuple[tuple[float, ...], tuple[Any, ...], str] | None:
    if law == "choice":
        if scale:
            reader.problem(here, "a choice replaces a value; it cannot scale one (drop scale)")
            return None
        if not isinstance(body, list) or len(body) < 2:
            reader.problem(here, "a choice is a list of at least two values, e.g. [exact, nysiis]")
            return None
        return (), tuple(body), "number"
    names = _PARAMS[law]
    if not isinstance(body, dict) or sorted(body) != sorted(names):
        form = ", ".join(f"{n}: ..." for n in names)
        reader.problem(here, f"{law} takes exactly {{{form}}}")
        return None
    unit, values = _unit(body, names)
    if values is None:
        reader.problem(
            here,
            "bounds are all numbers, all durations (6h, 2d) or all rates (1/60d, 3/day)",
        )
        return None
    return _check_bounds(reader, law, dict(zip(names, values, strict=True)), here, unit, scale)


def _unit(body: dict[str, Any], names: Sequence[str]) -> tuple[str, list[float] | None]:
    raw = [body[n] for n in names]
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
        return "number", [float(v) for v in raw]
    if not all(isinstance(v, str) for v in raw):
        return "number", None
    for unit, parse in (("rate", parse_rate), ("duration", parse_duration)):
        try:
            return unit, [parse(v) for v in raw]
        except ValueError:
            continue
    return "number", None


def _check_bounds(
    reader: _Reader, law: str, b: dict[str, float], here: KeyPath, unit: str, scale: bool
) -> tuple[tuple[float, ...], tuple[Any, ...], str] | None:
    values = tuple(b.values())
    if not all(math.isfinite(v) for v in values):
        reader.problem(here, "bounds must be finite numbers")
        return None
    if b["low"] > b["high"] or ("mode" in b and not b["low"] <= b["mode"] <= b["high"]):
        order = "low <= mode <= high" if "mode" in b else "low <= high"
        reader.problem(here, f"bounds must be in order: {order}")
        return None
    if law == "log_uniform" and b["low"] <= 0:
        reader.problem((*here, "low"), "a log-uniform range starts above zero")
        return None
    if law == "integers" and not all(float(v).is_integer() for v in values):
        reader.problem(here, "integers takes whole numbers, e.g. {low: 1, high: 4}")
        return None
    if scale and (unit != "number" or b["low"] <= 0):
        reader.problem(
            here, "a scale factor is a plain multiplier above zero, e.g. {low: 0.5, high: 2}"
        )
        return None
    return values, (), unit
