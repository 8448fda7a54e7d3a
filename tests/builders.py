"""Tiny scenarios built in code, so each model test states only what matters to it.

:func:`tiny` returns the raw document (a ``dict`` as YAML would give it) of the smallest useful
scenario; :func:`scenario` deep-merges overrides onto it and validates the result through the same
function the YAML loader uses. The base scenario:

* starts on **Monday 2015-11-16 at 00:00**, so model hour ``h`` is hour ``h`` of that week
  (``at(22.5)`` is Monday 22:30, ``at(4 * 24 + 19)`` Friday 19:00);
* has two zones: ``Z1`` (communes ``A`` and ``B``) and ``Z2`` (commune ``C``);
* has one agency, ``Police``: the local police of ``Z1``, 24/7, one analyst, instant triage, one
  raid team (no preparation, 1 h searches), the fugitive's name already in its own files;
* has a fugitive who never moves: one safe house ``home`` in ``A`` and a dwell of 100,000 days;
* has no channels, databases, tip sources, events or night rule.

Overrides follow RFC 7386 merge-patch rules: maps merge key by key, ``None`` deletes a key, any
other value (lists too) replaces. Helpers build the few fragments tests use over and over (dated
events, agencies, a night rule) and read a replication's ledger back as compact tuples.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sim.model.ledger import Entry
from sim.model.replication import Model
from sim.scenario.loader import load_document, validate_document
from sim.scenario.schema import Scenario

#: The fugitive's name (also in ``Police``'s own files in the base scenario).
NAME = "Salah Abdeslam"
#: Start of the base scenario: a Monday at midnight.
START = datetime(2015, 11, 16, 0, 0)
DAY = 24.0
WEEK = 168.0

Doc = dict[str, Any]


def tiny() -> Doc:
    """The raw document of the base scenario (a fresh copy each call)."""
    return {
        "name": "tiny",
        "start": START.strftime("%Y-%m-%d %H:%M"),
        "horizon": "30d",
        "zones": {"Z1": {"communes": ["A", "B"]}, "Z2": {"communes": ["C"]}},
        "agencies": {
            "Police": {
                "kind": "local_police",
                "zone": "Z1",
                "raid_teams": 1,
                "raid_duration": "1h",
                "wanted": [NAME],
            }
        },
        "fugitive": {
            "name": NAME,
            "safe_houses": {"home": {"place": "A"}},
            "dwell": "100000d",
        },
    }


def merge(base: Any, *patches: Any) -> Any:
    """``base`` with each patch applied in turn (RFC 7386 merge patch; nothing is modified)."""
    result = copy.deepcopy(base)
    for patch in patches:
        result = _merge_one(result, patch)
    return result


def _merge_one(base: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_one(result.get(key), value)
    return result


def doc(*overrides: Doc) -> Doc:
    """The base document with ``overrides`` merged in order."""
    return merge(tiny(), *overrides)


def validate(raw: Doc) -> Scenario:
    """Validate a raw document the way the YAML loader does (raises ``ScenarioError``)."""
    return validate_document(raw)


def scenario(*overrides: Doc) -> Scenario:
    """The validated base scenario with ``overrides`` merged in order."""
    return validate(doc(*overrides))


# --- fragments ------------------------------------------------------------------------------


def at(hours: float) -> str:
    """The wall-clock date-time ``hours`` after the base start, as a scenario writes it."""
    when = START + timedelta(hours=hours)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def tip_event(hours: float, to: str = "Police", **tip: Any) -> Doc:
    """A dated tip to ``to`` at model hour ``hours`` (default: naming the safe house ``home``)."""
    if not {"place", "house", "current"} & set(tip):
        tip["house"] = "home"
    return {"at": at(hours), "tip": {"to": to, **tip}}


def flag_event(hours: float, **flag: Any) -> Doc:
    """A dated wanted flag (give ``database=`` or ``agency=``; the name defaults to his)."""
    flag.setdefault("name", NAME)
    return {"at": at(hours), "flag": flag}


def stop_event(hours: float, agency: str = "Police", place: str = "A", **stop: Any) -> Doc:
    """A dated check of ``place`` by ``agency``."""
    return {"at": at(hours), "stop": {"agency": agency, "place": place, **stop}}


def events(*items: Doc) -> Doc:
    """An override setting the scenario's dated events."""
    return {"events": list(items)}


def agency(name: str, **body: Any) -> Doc:
    """An override adding (or changing) agency ``name``."""
    return {"agencies": {name: body}}


def new_agency(name: str, kind: str = "federal_police", **body: Any) -> Doc:
    """An override adding agency ``name``: 24/7, instant triage, no raid teams unless given."""
    return {"agencies": {name: {"kind": kind, "raid_duration": "1h", **body}}}


def police(**body: Any) -> Doc:
    """An override changing the base agency ``Police``."""
    return agency("Police", **body)


def channel(sender: str, receiver: str, **body: Any) -> Doc:
    """One channel (an item for the ``channels`` list), instant unless ``delay`` is given."""
    return {"from": sender, "to": receiver, **body}


def channels(*items: Doc) -> Doc:
    """An override setting the scenario's channels."""
    return {"channels": list(items)}


def night_rule(**body: Any) -> Doc:
    """An override adding the 21:00-05:00 night rule (``body`` changes it)."""
    return {"raids": {"night_rule": {"from": "21:00", "until": "05:00", **body}}}


def houses(**places: str) -> Doc:
    """An override giving the fugitive exactly these safe houses (``name=place``)."""
    body: dict[str, Any] = {"home": None}
    body.update({h: {"place": p} for h, p in places.items()})
    return {"fugitive": {"safe_houses": body}}


def exponential(mean: str) -> Doc:
    """An exponential delay with the given mean."""
    return {"exponential": {"mean": mean}}


# --- running and reading --------------------------------------------------------------------


def model(sc: Scenario, seed: int = 1, replication: int = 0) -> Model:
    """A replication of ``sc`` that keeps its ledger."""
    return Model(sc, seed, replication, ledger=True)


def run(sc: Scenario, seed: int = 1, replication: int = 0) -> tuple[dict[str, Any], Model]:
    """Run one replication with its ledger; return (record, model)."""
    m = model(sc, seed, replication)
    return m.run(), m


def rows(m: Model, *kinds: str) -> list[tuple[float, str, str, str, str]]:
    """The ledger as (hour, event, agency, place, detail), hours rounded to 1e-6.

    With ``kinds``, only entries of those kinds.
    """
    return [
        (round(e.time_h, 6), e.event, e.agency, e.place, e.detail)
        for e in m.ledger.entries
        if not kinds or e.event in kinds
    ]


def entries(m: Model, *kinds: str) -> list[Entry]:
    """The ledger's entries of the given kinds (all when none given)."""
    return [e for e in m.ledger.entries if not kinds or e.event in kinds]


def fate_counts(record: dict[str, Any]) -> dict[str, int]:
    """The non-zero ``true_tips_*`` counts of a record, by fate."""
    return {
        k.removeprefix("true_tips_"): int(v)
        for k, v in record.items()
        if k.startswith("true_tips_") and v
    }


# --- the bundled scenarios ------------------------------------------------------------------

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BRUSSELS = SCENARIOS / "brussels-2015.yaml"
CENTRALISED = SCENARIOS / "brussels-2015-centralised.yaml"


def bundled_doc(path: Path = BRUSSELS) -> Doc:
    """The resolved raw document of a bundled scenario (after ``extends``)."""
    raw, _ = load_document(path)
    return raw


def bundled(path: Path = BRUSSELS, *overrides: Doc) -> Scenario:
    """A bundled scenario with ``overrides`` merged in, validated."""
    return validate(merge(bundled_doc(path), *overrides))


def each_agency(raw: Doc, **body: Any) -> Doc:
    """An override setting ``body`` on every agency of ``raw``."""
    return {"agencies": dict.fromkeys(raw["agencies"], body)}
