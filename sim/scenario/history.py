"""History files: what was observed of a manhunt, stated so that a replay can be held against it.

A history file names the replay scenario its observations are made in and lists dated
**observations**, each a statement a replication of the replay either bears out or not::

    replay: ../brussels-2015-replay.yaml
    observations:
      survived:
        label: not caught before the arrest of 18 Mar 2016
        not_captured_before: "2016-03-18 16:30"
        sources: FACTS §4
      forest_search:
        search: {house: flat-forest, from: "2016-03-15 07:00", until: "2016-03-15 15:00",
                 outcome: escaped}
        sources: FACTS §4

Kinds of observation (exactly one per entry):

* ``captured: {from, until, how, by, house | place}``: he was taken within [from, until),
  optionally by a raid or a stop, by a named service, at an address or in a commune;
* ``not_captured_before: WHEN``: he was still at large at WHEN;
* ``search: {house | place, from, until, outcome, deferred, by}``: a search of that address (or in
  that commune) started within [from, until) and came up ``empty``, ``escaped`` (he was there and
  got away), ``captured`` or ``any``; ``outcome: none`` says no search of it started then;
* ``tip: {at, to, passed_on, entered, searched}``: the dated tip the replay gives service ``to``
  at ``at`` was (or was not) passed on by it (a message sent along a channel, whether or not it
  arrived), entered in a database by it (by the end), and led to a search (by anyone);
* ``stop: {place, from, until, by, released}``: a check of his papers there released (or held)
  him.

Times are local date-times (``"2015-11-15 21:10"``) or days from the replay's start (``122.5``);
``from`` defaults to the start and ``until`` to the horizon. Each observation is read off what a
replication did up to its end (the capture or the horizon): something that never happened there
(a tip not yet given when he was caught) does not bear the observation out.

:func:`load_history` reads and checks the file against its replay (``FILE:LINE: key.path:
message`` lines, exit code 2 at the command line); :class:`Happened` is what one replication did,
in plain data, and :meth:`Observation.holds` says whether it bears the observation out.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sim.core.units import parse_datetime
from sim.scenario.errors import KeyPath, Problem, ScenarioError, did_you_mean, listing
from sim.scenario.loader import LineMap, load_scenario, read_yaml
from sim.scenario.schema import Scenario

KINDS = ("captured", "not_captured_before", "search", "tip", "stop")
OUTCOMES = ("empty", "escaped", "captured", "any", "none")
HOW = ("raid", "stop")
_TOP_KEYS = ("name", "description", "replay", "observations", "sources")  # and x-... anchors
_ENTRY_KEYS = ("label", "sources", *KINDS)
_KEYS = {
    "captured": ("from", "until", "how", "by", "house", "place"),
    "search": ("house", "place", "from", "until", "outcome", "deferred", "by"),
    "tip": ("at", "to", "passed_on", "entered", "searched"),
    "stop": ("place", "from", "until", "by", "released"),
}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
#: Most observations a file may state.
MAX_OBSERVATIONS = 100
#: Two times closer than this (hours) are the same moment (a dated tip's time).
SAME_MOMENT_H = 1e-6


# --- what one replication did ------------------------------------------------------------------


@dataclass(frozen=True)
class Searched:
    """One search a replication carried out: when, where, by whom, and how it went."""

    time_h: float
    house: str | None
    place: str
    by: str
    deferred: bool
    outcome: str  # "empty", "escaped" or "captured"


@dataclass(frozen=True)
class Stopped:
    """One check of his papers: when, where, by whom, and whether it let him go."""

    time_h: float
    place: str
    by: str
    released: bool


@dataclass(frozen=True)
class TipPath:
    """What became of one dated tip at the service it was given to."""

    at_h: float
    to: str
    passed_on: bool
    entered: bool
    searched: bool


@dataclass(frozen=True)
class Happened:
    """What one replication of a replay did, as the observations read it (plain data).

    Attributes:
        end_h: when it ended (the capture or the horizon), model hours.
        capture_h: when he was taken (None: never).
        capture_how: ``raid`` or ``stop`` (empty when not taken).
        capture_by: the service that took him.
        capture_house: the address he was taken at (None: in the open, or not taken).
        capture_place: the commune he was taken in (empty when not taken).
        searches: every search carried out, in time order.
        stops: every check of his papers.
        tips: every dated tip that came into existence.
    """

    end_h: float
    capture_h: float | None
    capture_how: str = ""
    capture_by: str = ""
    capture_house: str | None = None
    capture_place: str = ""
    searches: tuple[Searched, ...] = ()
    stops: tuple[Stopped, ...] = ()
    tips: tuple[TipPath, ...] = ()


# --- the observations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A span of model hours [from_h, until_h)."""

    from_h: float
    until_h: float

    def __contains__(self, t: float) -> bool:
        return self.from_h <= t < self.until_h


@dataclass(frozen=True)
class Captured:
    """He was taken within a window (by a raid or a stop, by a service, at a place)."""

    window: Window
    how: str | None = None
    by: str | None = None
    house: str | None = None
    place: str | None = None

    def holds(self, run: Happened) -> bool:
        """Whether the replication bears it out."""
        t = run.capture_h
        return (
            t is not None
            and t in self.window
            and self.how in (None, run.capture_how)
            and self.by in (None, run.capture_by)
            and self.house in (None, run.capture_house)
            and self.place in (None, run.capture_place)
        )


@dataclass(frozen=True)
class AtLarge:
    """He was still at large at a moment (not taken before it)."""

    until_h: float

    def holds(self, run: Happened) -> bool:
        """Whether the replication bears it out."""
        return run.capture_h is None or run.capture_h >= self.until_h


@dataclass(frozen=True)
class SearchSeen:
    """A search of an address (or in a commune) within a window, and how it went."""

    window: Window
    outcome: str
    house: str | None = None
    place: str | None = None
    deferred: bool | None = None
    by: str | None = None

    def _matches(self, s: Searched) -> bool:
        return (
            s.time_h in self.window
            and (self.house is None or s.house == self.house)
            and (self.place is None or s.place == self.place)
            and (self.by is None or s.by == self.by)
        )

    def holds(self, run: Happened) -> bool:
        """Whether the replication bears it out."""
        found = [s for s in run.searches if self._matches(s)]
        if self.outcome == "none":
            return not found
        return any(
            (self.outcome == "any" or s.outcome == self.outcome)
            and (self.deferred is None or s.deferred == self.deferred)
            for s in found
        )


@dataclass(frozen=True)
class TipSeen:
    """What became of a dated tip at the service it was given to."""

    at_h: float
    to: str
    passed_on: bool | None = None
    entered: bool | None = None
    searched: bool | None = None

    def holds(self, run: Happened) -> bool:
        """Whether the replication bears it out (the tip must have come into existence)."""
        for tip in run.tips:
            if tip.to == self.to and abs(tip.at_h - self.at_h) < SAME_MOMENT_H:
                return (
                    self.passed_on in (None, tip.passed_on)
                    and self.entered in (None, tip.entered)
                    and self.searched in (None, tip.searched)
                )
        return False


@dataclass(frozen=True)
class StopSeen:
    """A check of his papers in a commune within a window, and whether it let him go."""

    window: Window
    place: str
    released: bool
    by: str | None = None

    def holds(self, run: Happened) -> bool:
        """Whether the replication bears it out."""
        return any(
            s.time_h in self.window
            and s.place == self.place
            and s.released == self.released
            and self.by in (None, s.by)
            for s in run.stops
        )


Statement = Captured | AtLarge | SearchSeen | TipSeen | StopSeen


@dataclass(frozen=True)
class Observation:
    """One dated thing the record says happened.

    Attributes:
        name: its key in the file.
        label: what it says, in words (defaults to the name).
        kind: ``captured``, ``not_captured_before``, ``search``, ``tip`` or ``stop``.
        statement: the statement itself, in model hours.
        sources: the note citing where the record says so.
        line: the line it is declared on.
    """

    name: str
    label: str
    kind: str
    statement: Statement
    sources: str = ""
    line: int | None = None

    def holds(self, run: Happened) -> bool:
        """Whether replication ``run`` bears this observation out."""
        return self.statement.holds(run)

    @property
    def needs_ledger(self) -> bool:
        """Whether reading it needs the replication's ledger (tips' paths, stops)."""
        return self.kind in ("tip", "stop")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "statement": {k: v for k, v in _flat(asdict(self.statement)).items() if v is not None},
        }


def _flat(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dict):
            out.update(value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class History:
    """A history file: the replay it is observed in and what was observed, in file order.

    Attributes:
        name: the file's ``name`` (default: its stem).
        path: the file.
        replay: the replay scenario's file.
        observations: every observation.
        description: words for readers.
        start: the replay's start (times in the file are hours from it).
        horizon_h: the replay's horizon, hours.
    """

    name: str
    path: str
    replay: Path
    observations: tuple[Observation, ...]
    description: str = ""
    start: datetime | None = None
    horizon_h: float = 0.0
    lines: LineMap = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        """A content hash of the observations (16 hex digits): what replications are read for.

        Labels, sources and the description do not change it; any statement does.
        """
        content = [(o.name, o.kind, asdict(o.statement)) for o in self.observations]
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @property
    def needs_ledger(self) -> bool:
        """Whether some observation needs the replications' ledgers."""
        return any(o.needs_ledger for o in self.observations)

    def bits(self, run: Happened) -> str:
        """One character per observation: ``1`` where the replication bears it out."""
        return "".join("1" if o.holds(run) else "0" for o in self.observations)


# --- reading the file ------------------------------------------------------------------------


class _Reader:
    """Checks a history document key by key, collecting problems with their lines."""

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


@dataclass
class _Replay:
    """What a history is checked against: the replay's start, horizon, names and dated tips."""

    scenario: Scenario

    @property
    def start(self) -> datetime:
        return self.scenario.start

    @property
    def horizon_h(self) -> float:
        return float(self.scenario.horizon)

    @property
    def places(self) -> set[str]:
        sc = self.scenario
        return {c for zone in sc.zones.values() for c in zone.communes} | set(sc.places)

    @property
    def houses(self) -> set[str]:
        fugitive = self.scenario.fugitive
        haunts = set(fugitive.outings.haunts) if fugitive.outings else set()
        return set(fugitive.safe_houses) | haunts

    @property
    def agencies(self) -> set[str]:
        return set(self.scenario.agencies)

    def dated_tips(self) -> list[tuple[float, str]]:
        """Each dated tip of the replay's events: (hours from the start, service it goes to)."""
        return [
            ((e.at - self.start).total_seconds() / 3600, e.tip.to)
            for e in self.scenario.events
            if e.tip is not None
        ]


def is_history_file(path: str | Path) -> bool:
    """Whether ``path`` reads as a history file (a map with ``observations`` and ``replay``)."""
    try:
        doc, _ = read_yaml(path)
    except ScenarioError:
        return False
    return "observations" in doc and "replay" in doc


def load_history(path: str | Path, replay: str | Path | None = None) -> History:
    """Read a history file and check it against its replay scenario.

    Args:
        path: the history file.
        replay: the replay scenario to check it against (default: the file's ``replay:``).

    Raises:
        ScenarioError: every problem of the file (and of the replay, if it does not load), as
            ``FILE:LINE: key.path: message``.
    """
    doc, lines = read_yaml(path)
    reader = _Reader(str(path), lines)
    reader.keys(doc, (), _TOP_KEYS)
    declared = doc.get("replay")
    if not isinstance(declared, str) or not declared.strip():
        reader.problem(
            ("replay",),
            "name the replay scenario these observations are made in, relative to this file: "
            "replay: ../brussels-2015-replay.yaml",
        )
        raise ScenarioError(reader.problems)
    replay_path = (
        Path(replay) if replay is not None else Path(os.path.normpath(Path(path).parent / declared))
    )
    if not replay_path.is_file():
        reader.problem(("replay",), f"{replay_path} is not a file; give the replay's path")
        raise ScenarioError(reader.problems)
    scenario = load_scenario(replay_path)  # its own problems, said in its own lines
    found = _Replay(scenario)
    observations = _observations(reader, doc.get("observations"), found)
    if reader.problems:
        raise ScenarioError(reader.problems)
    return History(
        name=reader.text(doc, (), "name") or Path(path).stem,
        path=str(path),
        replay=replay_path,
        observations=tuple(observations),
        description=reader.text(doc, (), "description"),
        start=found.start,
        horizon_h=found.horizon_h,
        lines=lines,
    )


def _observations(reader: _Reader, body: Any, replay: _Replay) -> list[Observation]:
    if not isinstance(body, dict) or not body:
        reader.problem(
            ("observations",),
            "give a map of observations, each with one of "
            f"{listing(KINDS)} and sources; e.g. observations: {{survived: "
            '{not_captured_before: "2016-03-18 16:30", sources: FACTS §4}}',
        )
        return []
    if len(body) > MAX_OBSERVATIONS:
        reader.problem(("observations",), f"more than {MAX_OBSERVATIONS} observations")
        return []
    out = []
    for name, spec in body.items():
        found = _observation(reader, str(name), spec, replay)
        if found is not None:
            out.append(found)
    return out


def _observation(reader: _Reader, name: str, spec: Any, replay: _Replay) -> Observation | None:
    here: KeyPath = ("observations", name)
    if not _NAME.match(name):
        reader.problem(here, "an observation's name is a letter then letters, digits, _ or -")
    if not isinstance(spec, dict):
        reader.problem(here, f"an observation is a map with one of {listing(KINDS)} and sources")
        return None
    reader.keys(spec, here, _ENTRY_KEYS)
    kinds = [k for k in KINDS if k in spec]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        reader.problem(here, f"give exactly one of {listing(KINDS)} (found: {found})")
        return None
    kind = kinds[0]
    if not reader.text(spec, here, "sources").strip():
        reader.problem(
            (*here, "sources"),
            "say where the record says so in a sources note (cite FACTS §N or a document)",
        )
    statement = _statement(reader, kind, spec[kind], (*here, kind), replay)
    if statement is None:
        return None
    return Observation(
        name=name,
        label=reader.text(spec, here, "label") or name,
        kind=kind,
        statement=statement,
        sources=reader.text(spec, here, "sources"),
        line=reader.lines.get(here, ("", None))[1],
    )


def _statement(
    reader: _Reader, kind: str, body: Any, here: KeyPath, replay: _Replay
) -> Statement | None:
    if kind == "not_captured_before":
        when = _moment(reader, body, here, replay)
        return None if when is None else AtLarge(when)
    if not isinstance(body, dict):
        keys = ", ".join(f"{k}: ..." for k in _KEYS[kind])
        reader.problem(here, f"{kind} is a map: {{{keys}}}")
        return None
    before = len(reader.problems)
    reader.keys(body, here, _KEYS[kind])
    check = _Fields(reader, body, here, replay)
    statement = _BUILDERS[kind](check)
    return statement if len(reader.problems) == before else None


class _Fields:
    """Reads the fields of one statement, each checked against the replay."""

    def __init__(self, reader: _Reader, body: dict[str, Any], here: KeyPath, replay: _Replay):
        self.reader, self.body, self.here, self.replay = reader, body, here, replay

    def problem(self, key: str, message: str) -> None:
        self.reader.problem((*self.here, key), message)

    def window(self) -> Window:
        low = self.moment("from", 0.0)
        high = self.moment("until", self.replay.horizon_h)
        if low >= high:
            self.problem("until", "until must come after from (the window is [from, until))")
        return Window(low, high)

    def moment(self, key: str, default: float) -> float:
        if key not in self.body:
            return default
        found = _moment(self.reader, self.body[key], (*self.here, key), self.replay)
        return default if found is None else found

    def required(self, key: str) -> Any:
        if key not in self.body:
            self.problem(key, f"{key} is required here")
        return self.body.get(key)

    def yes_no(self, key: str, required: bool = False) -> bool | None:
        value = self.required(key) if required else self.body.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.problem(key, f"{key} is true or false, not {value!r}")
        return None

    def name(self, key: str, known: set[str], what: str, required: bool = False) -> str | None:
        value = self.required(key) if required else self.body.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or value not in known:
            self.problem(
                key,
                f"{value!r} is not {what} of the replay{did_you_mean(str(value), known)}; "
                f"known: {listing(known)}",
            )
            return None
        return value

    def choice(self, key: str, allowed: Sequence[str], required: bool = False) -> str | None:
        value = self.required(key) if required else self.body.get(key)
        if value is None:
            return None
        if value not in allowed:
            shown = f"{value!r}{did_you_mean(str(value), allowed)}"
            self.problem(key, f"{shown} is not one of {', '.join(allowed)}")
            return None
        return str(value)

    def address(self, required: bool) -> tuple[str | None, str | None]:
        house = self.name("house", self.replay.houses, "an address (a safe house or haunt)")
        place = self.name("place", self.replay.places, "a commune")
        both = "house" in self.body and "place" in self.body
        if both or (required and "house" not in self.body and "place" not in self.body):
            self.reader.problem(self.here, "give exactly one of house (an address) or place")
        return house, place


def _moment(reader: _Reader, value: Any, here: KeyPath, replay: _Replay) -> float | None:
    """Hours from the replay's start of a date-time or a number of days; None if not valid."""
    if isinstance(value, bool):
        hours = math.nan
    elif isinstance(value, int | float):
        hours = float(value) * 24
    else:
        try:
            hours = (parse_datetime(value) - replay.start).total_seconds() / 3600
        except ValueError as err:
            reader.problem(here, f"{err}; or give days from the replay's start, e.g. 125.5")
            return None
    if not math.isfinite(hours) or not 0 <= hours <= replay.horizon_h:
        reader.problem(
            here,
            f"{value!r} is not within the replay ({replay.start:%Y-%m-%d %H:%M} plus "
            f"{replay.horizon_h / 24:g} days); give a date-time or days from its start",
        )
        return None
    return hours


def _captured(f: _Fields) -> Captured:
    house, place = f.address(required=False)
    return Captured(
        f.window(),
        f.choice("how", HOW),
        f.name("by", f.replay.agencies, "a service"),
        house,
        place,
    )


def _search(f: _Fields) -> SearchSeen:
    house, place = f.address(required=True)
    return SearchSeen(
        f.window(),
        f.choice("outcome", OUTCOMES, required=True) or "any",
        house,
        place,
        f.yes_no("deferred"),
        f.name("by", f.replay.agencies, "a service"),
    )


def _tip(f: _Fields) -> TipSeen:
    to = f.name("to", f.replay.agencies, "a service", required=True) or ""
    at = None
    if f.required("at") is not None:
        at = _moment(f.reader, f.body["at"], (*f.here, "at"), f.replay)
    said = {key: f.yes_no(key) for key in ("passed_on", "entered", "searched")}
    if not any(key in f.body for key in said):
        f.reader.problem(f.here, "say what became of the tip: passed_on, entered or searched")
    if at is not None and to:
        dated = f.replay.dated_tips()
        if not any(t == to and abs(h - at) < SAME_MOMENT_H for h, t in dated):
            shown = ", ".join(
                f"{f.replay.start + timedelta(hours=h):%Y-%m-%d %H:%M} to {t}" for h, t in dated
            )
            f.problem("at", f"the replay gives {to} no dated tip then; its dated tips: {shown}")
    return TipSeen(at if at is not None else math.nan, to, **said)


def _stop(f: _Fields) -> StopSeen:
    released = f.yes_no("released", required=True)
    return StopSeen(
        f.window(),
        f.name("place", f.replay.places, "a commune", required=True) or "",
        bool(released),
        f.name("by", f.replay.agencies, "a service"),
    )


_BUILDERS: dict[str, Callable[[_Fields], Statement]] = {
    "captured": _captured,
    "search": _search,
    "tip": _tip,
    "stop": _stop,
}
