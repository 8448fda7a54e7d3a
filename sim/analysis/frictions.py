"""The frictions of a scenario, and how to take each one away.

A friction is something in the organisation that costs the hunt time or tips: the night rule on
house searches, the language barrier, dossiers forgotten, messages lost or slow, too few analysts,
offices that close at night, databases fed late or never, names that do not match, and channels
that do not reach the service able to act. Each is named here with the change to a scenario
document that removes it and nothing else; removals touch disjoint parts of the document, so any
subset of them can be applied in any order with the same result (the attribution experiment needs
that to give each friction its Shapley share of the gap).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]

#: Name of the database added when fragmented channels are removed.
COMMON_DATABASE = "Common-database"
#: Events that enter something in a register (a database or an agency's own files).
REGISTER_EVENTS = ("flag", "link", "resolve")
FOREIGN = "foreign_service"
#: Staff that never queue (the simpy resource's capacity when queues are removed).
UNLIMITED_STAFF = 10_000


@dataclass(frozen=True)
class Friction:
    """One friction: its key, what it is in words, whether a scenario has it, how to remove it."""

    key: str
    label: str
    present: Callable[[Document], bool]
    remove: Callable[[Document], None]


def _agencies(doc: Document) -> Iterable[dict[str, Any]]:
    return (a for a in (doc.get("agencies") or {}).values() if isinstance(a, dict))


def _channels(doc: Document) -> Iterable[dict[str, Any]]:
    return (c for c in doc.get("channels") or () if isinstance(c, dict))


def _nonzero_delay(value: object) -> bool:
    return value not in (None, 0, 0.0, "0", "0h", "0min", "0d")


# --- the night rule -------------------------------------------------------------------------


def _has_night_rule(doc: Document) -> bool:
    return bool((doc.get("raids") or {}).get("night_rule"))


def _no_night_rule(doc: Document) -> None:
    doc.setdefault("raids", {}).pop("night_rule", None)


# --- language -------------------------------------------------------------------------------


def _has_language_barrier(doc: Document) -> bool:
    agencies = list(_agencies(doc))
    languages = {lang for a in agencies for lang in a.get("languages", ["fr"])}
    language = doc.get("language") or {}
    barrier = any(a.get("bilingual_share", 0) < 1 for a in agencies)
    misreads = language.get("misread_translated", 0) or language.get("misread_bilingual", 0)
    return len(languages) > 1 and bool(barrier or misreads)


def _no_language_barrier(doc: Document) -> None:
    for agency in _agencies(doc):
        agency["bilingual_share"] = 1.0
    language = doc.setdefault("language", {})
    language["misread_translated"] = 0.0
    language["misread_bilingual"] = 0.0


# --- agencies -------------------------------------------------------------------------------


def _has_forgetting(doc: Document) -> bool:
    return any(a.get("forget", 0) for a in _agencies(doc))


def _no_forgetting(doc: Document) -> None:
    for agency in _agencies(doc):
        agency["forget"] = 0.0


def _has_queues(doc: Document) -> bool:
    return any(a.get("staff", 1) < UNLIMITED_STAFF for a in _agencies(doc))


def _no_queues(doc: Document) -> None:
    for agency in _agencies(doc):
        agency["staff"] = UNLIMITED_STAFF


def _has_office_hours(doc: Document) -> bool:
    hours = [a.get("hours") for a in _agencies(doc)] + [(doc.get("language") or {}).get("hours")]
    return any(h not in (None, "24/7", "always") for h in hours)


def _around_the_clock(doc: Document) -> None:
    for agency in _agencies(doc):
        agency["hours"] = "24/7"
    doc.setdefault("language", {})["hours"] = "24/7"


def _has_feeding_gaps(doc: Document) -> bool:
    feeds = [a.get("feeding") or {} for a in _agencies(doc) if _feeds_something(a)]
    return any(f.get("skip", 0) or _nonzero_delay(f.get("delay", 0)) for f in feeds)


def _feeds_something(agency: dict[str, Any]) -> bool:
    return any(v in ("feed", "read_feed") for v in (agency.get("databases") or {}).values())


def _no_feeding_gaps(doc: Document) -> None:
    for agency in _agencies(doc):
        feeding = agency.setdefault("feeding", {})
        feeding["skip"] = 0.0
        feeding["delay"] = 0


# --- names ----------------------------------------------------------------------------------


def _has_spelling_variation(doc: Document) -> bool:
    variation = (doc.get("names") or {}).get("variation", 0.0)  # the schema's default
    return bool(variation) or any(a.get("typo_rate", 0) for a in _agencies(doc))


def _one_spelling(doc: Document) -> None:
    """Every service writes every name the same way, without typing errors."""
    doc.setdefault("names", {})["variation"] = 0.0
    for agency in _agencies(doc):
        agency["typo_rate"] = 0.0


# --- channels -------------------------------------------------------------------------------


def _has_losses(doc: Document) -> bool:
    return any(c.get("loss", 0) for c in _channels(doc))


def _no_losses(doc: Document) -> None:
    for channel in _channels(doc):
        channel["loss"] = 0.0


def _has_delays(doc: Document) -> bool:
    return any(_nonzero_delay(c.get("delay", 0)) for c in _channels(doc))


def _no_delays(doc: Document) -> None:
    for channel in _channels(doc):
        channel["delay"] = 0


def _is_fragmented(doc: Document) -> bool:
    return COMMON_DATABASE not in (doc.get("databases") or {})


def _one_common_database(doc: Document) -> None:
    """Every home service feeds and reads one database that alerts whoever can act.

    The database receives a copy of every register event (flags, ambiguous flags, links,
    resolutions) that any service's files or database receives, and every record a service's rule
    raises (``raises``), with everything else about it unchanged; discreet-check records
    (``action: report``) tell a keeper the common database does not have and stay in their own
    register only. It alerts the local police of the place and every service with search teams.
    Its own delays are zero: each service's feeding delays and gaps stay, as their own friction.
    Foreign services keep their own files: a common database of the home country (Belgium's,
    Germany's) is not theirs to read.
    """
    agencies = doc.setdefault("agencies", {})
    belgian = {n for n, a in agencies.items() if isinstance(a, dict) and a.get("kind") != FOREIGN}
    searchers = sorted(n for n in belgian if agencies[n].get("raid_teams"))
    doc.setdefault("databases", {})[COMMON_DATABASE] = {
        "matcher": "exact",
        "wanted": sorted(_wanted_at_start(doc)),
        "others_wanted": max(
            (
                db.get("others_wanted", 0)
                for db in doc["databases"].values()
                if isinstance(db, dict)
            ),
            default=0,
        ),
        "alerts": {"to": ["local", *searchers], "delay": 0},
    }
    for name in sorted(belgian):
        agencies[name].setdefault("databases", {})[COMMON_DATABASE] = "read_feed"
    for agency in _agencies(doc):
        for rule in agency.get("raises") or ():
            if isinstance(rule, dict) and rule.get("action", "detain") != "report":
                rule["databases"] = [*(rule.get("databases") or ()), COMMON_DATABASE]
    events = list(doc.get("events") or ())
    for event in doc.get("events") or ():
        for action in REGISTER_EVENTS:
            entry = event.get(action) if isinstance(event, dict) else None
            if isinstance(entry, dict) and entry.get("action") != "report":
                copied = {k: v for k, v in entry.items() if k not in ("database", "agency")}
                events.append(
                    {"at": event.get("at"), action: {**copied, "database": COMMON_DATABASE}}
                )
    doc["events"] = events


def _wanted_at_start(doc: Document) -> set[str]:
    names = {n for a in _agencies(doc) for n in a.get("wanted") or ()}
    for db in (doc.get("databases") or {}).values():
        if isinstance(db, dict):
            names.update(db.get("wanted") or ())
    return names


#: Every friction the model knows, in the order they are listed in tables.
FRICTIONS: tuple[Friction, ...] = (
    Friction("night_rule", "the night rule on house searches", _has_night_rule, _no_night_rule),
    Friction("language", "translation and misreading", _has_language_barrier, _no_language_barrier),
    Friction("forgetting", "forgotten dossiers", _has_forgetting, _no_forgetting),
    Friction("channel_losses", "messages lost in channels", _has_losses, _no_losses),
    Friction("channel_delays", "channel delays", _has_delays, _no_delays),
    Friction("analyst_queues", "analyst staffing and queues", _has_queues, _no_queues),
    Friction("office_hours", "office hours", _has_office_hours, _around_the_clock),
    Friction(
        "feeding_gaps", "database feeding delays and gaps", _has_feeding_gaps, _no_feeding_gaps
    ),
    Friction(
        "name_matching",
        "names spelt differently (and typed wrongly)",
        _has_spelling_variation,
        _one_spelling,
    ),
    Friction(
        "fragmented_channels",
        "fragmented channels (no common database)",
        _is_fragmented,
        _one_common_database,
    ),
)

BY_KEY = {f.key: f for f in FRICTIONS}


def present_frictions(doc: Document) -> list[Friction]:
    """The frictions a scenario document has."""
    return [f for f in FRICTIONS if f.present(doc)]


def without(doc: Document, removed: Iterable[Friction]) -> Document:
    """A copy of ``doc`` with the given frictions removed (``doc`` is not changed)."""
    out = copy.deepcopy(doc)
    keys = {f.key for f in removed}
    for friction in FRICTIONS:  # a fixed order, though removals commute
        if friction.key in keys:
            friction.remove(out)
    return out
