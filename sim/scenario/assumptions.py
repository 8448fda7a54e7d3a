"""Checking an uncertainty file against the scenarios it ranges over.

Three questions for every factor of :mod:`sim.scenario.uncertainty`, each answered with a
``FILE:LINE: key.path: message`` problem pointing into the uncertainty file:

1. **Does each path exist** in the scenario (after ``extends``), the way ``--set`` finds it?
2. **Does the range stay within the field's own bounds?** The scenario is validated by its own
   schema with the factor at each end of its range (or at every choice), so a forgetting share
   above 1, a lognormal whose median would pass its 90th percentile or a negative count is
   refused in the schema's words before any replication runs.
3. **Is it declared an assumption?** A bundled scenario says what no source supports in the
   ``sources:`` note of the block that holds a number. The note that governs a path is the
   nearest one on the way down to it (a channel's own note, else its parent's...). The check
   asks that note to say "assumption" (or "assumed"). What it can tell: a factor over a block
   whose note only cites sources is refused. What it cannot tell: which of the numbers under a
   note that declares some assumptions the note means. :func:`governing_note` gives the note's
   line so a reader can judge, and ``sim explore --json`` lists it for every factor.

For reform scenarios (the levers of an exploration), :func:`check_arms` asks, factor by factor,
whether the reform leaves each number alone. Where a reform removes or changes a number a factor
moves (a single police zone instead of six, a doubled staff), the file must say in the factor's
``in:`` where the factor acts in that reform (``[]``: the reform fixes those numbers); those
paths must exist in the reform and keep its bounds (their declaration as assumptions was checked
in the scenario the file names). What this cannot tell: a list item that moved to another index
but kept equal values.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.core.distributions import KINDS
from sim.scenario.errors import KeyPath, Problem, ScenarioError, did_you_mean, listing
from sim.scenario.loader import LineMap, assign_at, load_document, validate_document
from sim.scenario.uncertainty import Factor, Uncertainty, at_path, load_uncertainty

_ASSUMPTION = re.compile(r"\bassum(e|ed|es|ing|ption|ptions)\b", re.IGNORECASE)


def governing_note(doc: Any, lines: LineMap, path: str) -> tuple[str, str, int | None] | None:
    """The ``sources:`` note nearest above ``path``: (text, file, line), or None if none."""
    here = doc
    found: tuple[str, str, int | None] | None = None
    walked: KeyPath = ()
    for segment in ["", *path.split(".")]:
        if segment:
            key: str | int = int(segment) if isinstance(here, list) else segment
            here = here[key]
            walked = (*walked, key)
        if isinstance(here, dict) and isinstance(here.get("sources"), str):
            file, line = lines.get((*walked, "sources"), ("", None))
            found = (here["sources"], file, line)
    return found


def declares_assumption(note: str) -> bool:
    """Whether a note says that something in it is an assumption."""
    return bool(_ASSUMPTION.search(note))


def missing_step(doc: Any, path: str) -> str | None:
    """Why ``path`` is not in ``doc`` (None when it is), in the words ``--set`` uses."""
    here = doc
    segments = path.split(".")
    for depth, segment in enumerate(segments):
        where = f"'{'.'.join(segments[:depth])}'" if depth else "the top level"
        if isinstance(here, dict):
            if segment not in here:
                keys = [str(k) for k in here]
                return (
                    f"{where} has no key {segment!r}{did_you_mean(segment, keys)}; "
                    f"existing keys: {listing(keys) or 'none'}"
                )
            here = here[segment]
        elif isinstance(here, list):
            if not (segment.isdigit() and int(segment) < len(here)):
                return (
                    f"{where} is a list: give an item number (0-{len(here) - 1}), not {segment!r}"
                )
            here = here[int(segment)]
        else:
            return f"{where} is a single value, not a map or list"
    return None


def check_uncertainty(
    uncertainty: Uncertainty, doc: dict[str, Any], lines: LineMap
) -> list[Problem]:
    """Every problem of the factors against their scenario's resolved document."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for factor in uncertainty.factors:
        problems += _paths_exist(uncertainty, factor, doc, factor.paths, "paths")
        if any(p.path.startswith(f"factors.{factor.name}.") for p in problems):
            continue
        problems += _overlaps(uncertainty, factor, owners)
        problems += _declared(uncertainty, factor, doc, lines, factor.paths, "paths")
        problems += _within_bounds(uncertainty, factor, doc, lines, factor.paths)
    return problems


def check_arms(
    uncertainty: Uncertainty,
    base: dict[str, Any],
    arms: Sequence[tuple[str, dict[str, Any], LineMap]],
) -> list[Problem]:
    """Problems of the factors in reform scenarios: numbers a reform removes or changes.

    Args:
        uncertainty: the (already checked) uncertainty file.
        base: the resolved document of its scenario.
        arms: (scenario name, resolved document, line map) of each reform.
    """
    problems: list[Problem] = []
    for name, doc, lines in arms:
        for factor in uncertainty.factors:
            if name in factor.arms:
                paths = factor.arms[name]
                key = f"in.{name}"
                problems += _paths_exist(uncertainty, factor, doc, paths, key)
                # The declaration was checked in the scenario the file names: in a reform the
                # factor carries the same belief to the numbers the reform put in their place.
                if not any(p.path.startswith(f"factors.{factor.name}.{key}") for p in problems):
                    problems += _within_bounds(uncertainty, factor, doc, lines, paths, name)
                continue
            changed = [p for p in factor.paths if not _same(base, doc, p)]
            if changed:
                problems.append(_problem(uncertainty, factor, "paths", _changed(name, changed)))
    return problems


def _changed(arm: str, paths: list[str]) -> str:
    return (
        f"{arm} removes or changes {listing(paths, 4)}; say where this factor acts there: "
        f"in: {{{arm}: [PATHS]}} (an empty list [] if the reform fixes these numbers)"
    )


def _same(base: dict[str, Any], doc: dict[str, Any], path: str) -> bool:
    try:
        return bool(at_path(base, path) == at_path(doc, path))
    except KeyError:
        return False


def _problem(uncertainty: Uncertainty, factor: Factor, key: str, message: str) -> Problem:
    path: KeyPath = ("factors", factor.name, *key.split("."))
    line = next(
        (
            uncertainty.lines[path[:i]][1]
            for i in range(len(path), 0, -1)
            if path[:i] in uncertainty.lines
        ),
        factor.line,
    )
    return Problem(uncertainty.path, line, ".".join(str(p) for p in path), message)


def _paths_exist(
    uncertainty: Uncertainty, factor: Factor, doc: Any, paths: Sequence[str], key: str
) -> list[Problem]:
    problems = []
    for i, path in enumerate(paths):
        why = missing_step(doc, path)
        if why is not None:
            problems.append(_problem(uncertainty, factor, f"{key}.{i}", f"{path}: {why}"))
            continue
        if factor.scale and not _scalable(at_path(doc, path)):
            message = f"{path} holds {at_path(doc, path)!r}: only a number, duration, rate or "
            message += "delay can be scaled; drop scale and give the values"
            problems.append(_problem(uncertainty, factor, f"{key}.{i}", message))
    return problems


def _scalable(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | str):
        return True
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in KINDS


def _overlaps(uncertainty: Uncertainty, factor: Factor, owners: dict[str, str]) -> list[Problem]:
    """Two factors moving one number, or two parts of one distribution, would fight."""
    problems = []
    for i, path in enumerate(factor.paths):
        for other_path, owner in owners.items():
            if owner != factor.name and (_within(path, other_path) or _siblings(path, other_path)):
                message = f"{path} is also moved by factor {owner!r} ({other_path}); "
                message += "one number (or one distribution) belongs to one factor: merge them"
                problems.append(_problem(uncertainty, factor, f"paths.{i}", message))
        owners[path] = factor.name
    return problems


def _within(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _siblings(a: str, b: str) -> bool:
    """Two parameters of one distribution: ``x.delay.lognormal.median`` and ``...p90``."""
    pa, pb = a.split("."), b.split(".")
    return len(pa) == len(pb) >= 2 and pa[:-1] == pb[:-1] and pa[-2] in KINDS


def _declared(
    uncertainty: Uncertainty,
    factor: Factor,
    doc: Any,
    lines: LineMap,
    paths: Sequence[str],
    key: str,
) -> list[Problem]:
    problems = []
    for i, path in enumerate(paths):
        note = governing_note(doc, lines, path)
        if note is None:
            message = f"{path} is not declared an assumption: no sources note covers it; "
            message += "declare it in the scenario's sources note, or drop it from the factor"
            problems.append(_problem(uncertainty, factor, f"{key}.{i}", message))
        elif not declares_assumption(note[0]):
            where = f"{note[1]}:{note[2]}" if note[2] else note[1] or "the scenario"
            message = f"{path} is not declared an assumption: its sources note ({where}) cites "
            message += "sources and says no 'assumption'; declare it there, or drop it"
            problems.append(_problem(uncertainty, factor, f"{key}.{i}", message))
    return problems


def _within_bounds(
    uncertainty: Uncertainty,
    factor: Factor,
    doc: dict[str, Any],
    lines: LineMap,
    paths: Sequence[str],
    arm: str | None = None,
) -> list[Problem]:
    """Validate the scenario with the factor at each end of its range, in the schema's words."""
    law_key = factor.law
    for value in factor.extremes():
        trial = copy.deepcopy(doc)
        trial_lines = dict(lines)
        errors = assign_all(trial, trial_lines, factor.assignments(value, doc, paths))
        if not errors:
            try:
                validate_document(trial, trial_lines)
                continue
            except ScenarioError as err:
                errors = err.problems
        where = f" in {arm}" if arm else ""
        first = errors[0]
        message = (
            f"at {factor.describe(value)}{where}, {first.path or 'the scenario'} leaves its own "
            f"bounds: {first.message}; keep the range within them"
        )
        return [_problem(uncertainty, factor, law_key, message)]
    return []


def assign_all(
    doc: dict[str, Any], lines: LineMap, assignments: Sequence[tuple[str, Any]]
) -> list[Problem]:
    """Put each (dotted path, value) into ``doc`` the way ``--set`` does; the problems met."""
    found = (assign_at(doc, lines, path.split("."), value) for path, value in assignments)
    return [problem for problem in found if problem is not None]


def load_checked(path: str | Path) -> tuple[Uncertainty, dict[str, Any], LineMap]:
    """Read an uncertainty file and check it against the scenario it names.

    Returns:
        The uncertainty, and its scenario's resolved document and line map.

    Raises:
        ScenarioError: every problem, in the uncertainty file or (when it cannot be read) in
            the scenario it names.
    """
    uncertainty = load_uncertainty(path)
    try:
        doc, lines = load_document(uncertainty.scenario)
    except ScenarioError as err:
        line = uncertainty.lines.get(("scenario",), ("", None))[1]
        named = Problem(
            uncertainty.path,
            line,
            "scenario",
            f"the scenario {uncertainty.scenario} cannot be used (its problems follow); "
            "check this path, relative to the uncertainty file",
        )
        raise ScenarioError([named, *err.problems]) from None
    problems = check_uncertainty(uncertainty, doc, lines)
    if problems:
        raise ScenarioError(problems)
    return uncertainty, doc, lines
