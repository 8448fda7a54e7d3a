"""Cross-references between scenario blocks: every name a block mentions must exist elsewhere.

The schema checks each block on its own; this module checks what ties them together (a channel
names two agencies, a safe house names a place, a tip source's ``"local"`` reporter needs a local
police zone...). It reads the **raw** resolved document rather than a validated
:class:`~sim.scenario.schema.Scenario`, so it can run even when the schema found mistakes and the
user gets every problem of a file in one pass. Each check therefore skips whatever is malformed
(the schema reports that) and only judges names it can read.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sim.core.units import parse_datetime
from sim.scenario.errors import KeyPath, did_you_mean, listing
from sim.scenario.schema import LOCAL, AgencyKind

Finding = tuple[KeyPath, str]

#: Every kind of agency the schema knows.
AGENCY_KINDS: tuple[str, ...] = typing.get_args(AgencyKind)

#: Agency kinds that may sign a search warrant.
WARRANT_KINDS = ("judge", "prosecutor")


# --- reading the raw document without trusting its shape -----------------------------------


def _map(value: object) -> dict[str, Any]:
    """``value`` if it is a map, else an empty one (the schema reports the wrong shape)."""
    return value if isinstance(value, dict) else {}


def _items(value: object) -> list[tuple[int, Any]]:
    """Numbered items of ``value`` if it is a list, else none."""
    return list(enumerate(value)) if isinstance(value, list) else []


def _names(value: object) -> list[tuple[int, str]]:
    """Numbered text items of a list (other items are the schema's business)."""
    return [(i, item) for i, item in _items(value) if isinstance(item, str)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: object) -> int:
    """A whole number as written, or 0 when it is not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class _Known:
    """The names a scenario defines, gathered once for all checks."""

    zones: dict[str, list[str]] = field(default_factory=dict)
    zone_of: dict[str, str] = field(default_factory=dict)
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    databases: set[str] = field(default_factory=set)
    owners: dict[str, str | None] = field(default_factory=dict)
    houses: set[str] = field(default_factory=set)
    haunts: set[str] = field(default_factory=set)
    local_zones: set[str] = field(default_factory=set)

    @property
    def places(self) -> set[str]:
        """Every commune of every zone: the places the fugitive and tips can be in."""
        return set(self.zone_of)


def _collect(doc: dict[str, Any]) -> _Known:
    known = _Known()
    for zone, body in _map(doc.get("zones")).items():
        communes = [c for _, c in _names(_map(body).get("communes"))]
        known.zones[zone] = communes
        for commune in communes:
            known.zone_of.setdefault(commune, zone)
    known.agencies = {name: _map(body) for name, body in _map(doc.get("agencies")).items()}
    known.databases = set(_map(doc.get("databases")))
    known.owners = {
        name: _text(_map(body).get("owner")) for name, body in _map(doc.get("databases")).items()
    }
    fugitive = _map(doc.get("fugitive"))
    known.houses = set(_map(fugitive.get("safe_houses")))
    known.haunts = set(_map(_map(fugitive.get("outings")).get("haunts")))
    known.local_zones = {
        own
        for body in known.agencies.values()
        if body.get("kind") == "local_police" and isinstance(own := body.get("zone"), str)
    }
    return known


# --- message helpers ------------------------------------------------------------------------


def _unknown(what: str, plural: str, name: str, known: Collection[str]) -> str:
    """Say that ``name`` is not a known ``what``, suggest the closest and list the known ones."""
    if not known:
        return f"unknown {what} {name!r}: the scenario defines no {plural}"
    return f"unknown {what} {name!r}{did_you_mean(name, known)}; known {plural}: {listing(known)}"


def _agency_or_local(name: str, known: _Known) -> str | None:
    if name == LOCAL or name in known.agencies:
        return None
    return _unknown("agency", "agencies", name, known.agencies) + f", or {LOCAL!r}"


def _expand(places: object, known: _Known) -> set[str]:
    """The communes a tip source covers: ``all``, or zones (all their communes) and places."""
    if places is None or places == "all":
        return known.places
    covered: set[str] = set()
    for _, name in _names(places):
        covered.update(known.zones.get(name, [name] if name in known.zone_of else []))
    return covered


def _local_gap(places: object, known: _Known) -> str | None:
    """Say which covered zones have no local police to stand for ``"local"``, if any."""
    lacking = {known.zone_of[p] for p in _expand(places, known)} - known.local_zones
    if not lacking:
        return None
    return (
        f"{LOCAL!r} means the local police of the place concerned, but zone(s) {listing(lacking)} "
        "have no local_police agency; add one (kind: local_police, zone: <zone>) or name the "
        "agency instead"
    )


# --- the checks -----------------------------------------------------------------------------


def _check_zones(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    first_zone: dict[str, str] = {}
    for zone, body in _map(doc.get("zones")).items():
        for i, commune in _names(_map(body).get("communes")):
            if commune not in first_zone:
                first_zone[commune] = zone
                continue
            other = first_zone[commune]
            where = "listed twice in this zone" if other == zone else f"already in zone {other!r}"
            yield (
                ("zones", zone, "communes", i),
                f"commune {commune!r} is {where}; a commune belongs to exactly one zone, "
                "so remove one of them",
            )


def _check_places(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    for place, body in _map(doc.get("places")).items():
        if place not in known.zone_of:
            yield (
                ("places", place),
                f"place {place!r} is not a commune of any zone{did_you_mean(place, known.places)}; "
                "fix the name or add it to a zone's communes (a place outside the region gets a "
                "zone of its own)",
            )
        for i, neighbour in _names(_map(body).get("neighbours")):
            if neighbour not in known.zone_of:
                yield (
                    ("places", place, "neighbours", i),
                    _unknown("place", "places (communes)", neighbour, known.places),
                )


def _check_agency(name: str, body: dict[str, Any], known: _Known) -> Iterator[Finding]:
    at: KeyPath = ("agencies", name)
    zone = _text(body.get("zone"))
    if zone is not None and zone not in known.zones:
        yield (*at, "zone"), _unknown("zone", "zones", zone, known.zones)
    areas = set(known.zones) | known.places
    for i, area in _names(body.get("jurisdiction")):
        if area not in areas:
            yield (
                (*at, "jurisdiction", i),
                _unknown("zone or place", "zones", area, areas) + (", or write jurisdiction: all"),
            )
    for database in _map(body.get("databases")):
        if database not in known.databases:
            yield (
                (*at, "databases", database),
                _unknown("database", "databases", database, known.databases),
            )
    for i, rule in _items(body.get("raises")):
        yield from _check_raise((*at, "raises", i), _map(rule), known)
    if _count(body.get("raid_teams")) > 0 and not body.get("jurisdiction") and zone is None:
        yield (
            (*at, "raid_teams"),
            "an agency with raid teams needs somewhere to raid: give it a zone or a jurisdiction "
            "(zones, places, or all)",
        )


def _check_raise(at: KeyPath, rule: dict[str, Any], known: _Known) -> Iterator[Finding]:
    """A rule that raises records: its databases exist, and a report record has a keeper."""
    for j, database in _names(rule.get("databases")):
        if database not in known.databases:
            yield (
                (*at, "databases", j),
                _unknown("database", "databases", database, known.databases),
            )
        elif rule.get("action") == "report" and (gap := _no_keeper(database, known)):
            yield (*at, "databases", j), gap


def _no_keeper(database: str, known: _Known) -> str | None:
    """Say that a discreet-check record in ``database`` would tell nobody, if it has no owner."""
    if known.owners.get(database):
        return None
    return (
        f"a report record tells the register's keeper where he was checked, but database "
        f"{database!r} has no owner; give databases.{database}.owner (the agency to tell)"
    )


def _check_agencies(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    local_of_zone: dict[str, str] = {}
    for name, body in known.agencies.items():
        yield from _check_agency(name, body, known)
        zone = _text(body.get("zone"))
        if body.get("kind") != "local_police" or zone is None:
            continue
        first = local_of_zone.setdefault(zone, name)
        if first != name:
            yield (
                ("agencies", name, "zone"),
                f"zone {zone!r} already has a local police agency ({first!r}); a zone has at "
                "most one, so merge them or give this one another zone",
            )


def _check_channels(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    seen: dict[tuple[str, str], int] = {}
    for i, body in _items(doc.get("channels")):
        channel = _map(body)
        from_key = "from"
        ends = {from_key: _text(channel.get(from_key)), "to": _text(channel.get("to"))}
        for key, agency in ends.items():
            if agency is not None and agency not in known.agencies:
                yield ("channels", i, key), _unknown("agency", "agencies", agency, known.agencies)
        sender, receiver = ends[from_key], ends["to"]
        if sender is None or receiver is None:
            continue
        if sender == receiver:
            yield (
                ("channels", i, "to"),
                f"channel from {sender!r} to itself; remove it (an agency reads its own tips)",
            )
        elif (sender, receiver) in seen:
            yield (
                ("channels", i),
                f"duplicate channel {sender} -> {receiver} (also channels."
                f"{seen[sender, receiver]}); keep one channel per pair",
            )
        else:
            seen[sender, receiver] = i


def _check_databases(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    for name, body in _map(doc.get("databases")).items():
        database = _map(body)
        owner = _text(database.get("owner"))
        if owner is not None and (message := _agency_or_local(owner, known)):
            yield ("databases", name, "owner"), message
        for i, agency in _names(_map(database.get("alerts")).get("to")):
            if message := _agency_or_local(agency, known):
                yield ("databases", name, "alerts", "to", i), message


def _check_fugitive(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    fugitive = _map(doc.get("fugitive"))
    for house, body in _map(fugitive.get("safe_houses")).items():
        place = _text(_map(body).get("place"))
        if place is not None and place not in known.zone_of:
            yield (
                ("fugitive", "safe_houses", house, "place"),
                _unknown("place", "places (communes)", place, known.places),
            )
    start = _text(fugitive.get("start_house"))
    if start is not None and start not in known.houses:
        message = _unknown("safe house", "safe houses", start, known.houses)
        yield ("fugitive", "start_house"), message
    yield from _check_itinerary(fugitive.get("itinerary"), known)
    yield from _check_haunts(_map(_map(fugitive.get("outings")).get("haunts")), known)


def _check_haunts(haunts: dict[str, Any], known: _Known) -> Iterator[Finding]:
    for haunt, body in haunts.items():
        at: KeyPath = ("fugitive", "outings", "haunts", haunt)
        place = _text(_map(body).get("place"))
        if place is not None and place not in known.zone_of:
            yield (*at, "place"), _unknown("place", "places (communes)", place, known.places)
        if haunt in known.houses:
            yield at, f"{haunt!r} is already a safe house; give the haunt another name"


def _check_itinerary(itinerary: object, known: _Known) -> Iterator[Finding]:
    previous = None
    for i, body in _items(itinerary):
        stop = _map(body)
        at: KeyPath = ("fugitive", "itinerary", i)
        yield from _check_location(at, stop, known)
        try:
            when = parse_datetime(stop.get("at"))
        except ValueError:
            continue  # the schema says how to write the date
        if previous is not None and when < previous:
            yield (
                (*at, "at"),
                f"stop at {when:%Y-%m-%d %H:%M} comes before the previous stop "
                f"({previous:%Y-%m-%d %H:%M}); list itinerary stops in time order",
            )
        previous = when


def _check_location(
    at: KeyPath, body: dict[str, Any], known: _Known, haunts: bool = False
) -> Iterator[Finding]:
    """Check the ``place`` and ``house`` a stop or a dated tip names (a tip may name a haunt)."""
    place, house = _text(body.get("place")), _text(body.get("house"))
    if place is not None and place not in known.zone_of:
        yield (*at, "place"), _unknown("place", "places (communes)", place, known.places)
    addresses = known.houses | known.haunts if haunts else known.houses
    if house is not None and house not in addresses:
        what = (
            ("safe house or haunt", "safe houses and haunts")
            if haunts
            else ("safe house", "safe houses")
        )
        yield (*at, "house"), _unknown(*what, house, addresses)


def _check_areas(at: KeyPath, places: object, known: _Known) -> Iterator[Finding]:
    """Check a tip source's ``places``: commune or zone names (``all`` is the schema's)."""
    areas = set(known.zones) | known.places
    for i, area in _names(places):
        if area not in areas:
            yield (
                (*at, "places", i),
                _unknown("zone or place", "zones", area, areas) + (", or write places: all"),
            )


def _check_reporters(at: KeyPath, source: dict[str, Any], known: _Known) -> Iterator[Finding]:
    reporters = source.get("reporters", {LOCAL: 1})
    for agency in _map(reporters):
        if message := _agency_or_local(agency, known):
            yield (*at, "reporters", agency), message
    if LOCAL in _map(reporters) and (gap := _local_gap(source.get("places"), known)):
        # Point at the reporter when it is written, else at the source using the default.
        yield ((*at, "reporters", LOCAL) if "reporters" in source else at), gap


def _check_tips(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    tips = _map(doc.get("tips"))
    for kind in ("sightings", "noise"):
        for i, body in _items(tips.get(kind)):
            source, at = _map(body), ("tips", kind, i)
            yield from _check_areas(at, source.get("places"), known)
            yield from _check_reporters(at, source, known)
    for i, body in _items(tips.get("intercepts")):
        agency = _text(_map(body).get("agency"))
        if agency is not None and agency not in known.agencies:
            yield (
                ("tips", "intercepts", i, "agency"),
                _unknown("agency", "agencies", agency, known.agencies),
            )
    for i, body in _items(tips.get("stops")):
        source, at = _map(body), ("tips", "stops", i)
        yield from _check_areas(at, source.get("places"), known)
        agency = _text(source.get("agency", LOCAL))
        if agency is None:
            continue
        if message := _agency_or_local(agency, known):
            yield (*at, "agency"), message
        elif agency == LOCAL and (gap := _local_gap(source.get("places"), known)):
            yield ((*at, "agency") if "agency" in source else at), gap


def _check_events(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    for i, body in _items(doc.get("events")):
        event = _map(body)
        tip, stop = _map(event.get("tip")), _map(event.get("stop"))
        registers = [(kind, _map(event.get(kind))) for kind in ("flag", "link", "resolve")]
        for kind, register in registers:
            if (database := _text(register.get("database"))) and database not in known.databases:
                yield (
                    ("events", i, kind, "database"),
                    _unknown("database", "databases", database, known.databases),
                )
            elif (
                database
                and register.get("action") == "report"
                and (gap := _no_keeper(database, known))
            ):
                yield ("events", i, kind, "action"), gap
        for at, agency in (
            *((("events", i, kind, "agency"), _text(r.get("agency"))) for kind, r in registers),
            (("events", i, "tip", "to"), _text(tip.get("to"))),
            (("events", i, "stop", "agency"), _text(stop.get("agency"))),
        ):
            if agency is not None and agency not in known.agencies:
                yield at, _unknown("agency", "agencies", agency, known.agencies)
        yield from _check_location(("events", i, "tip"), tip, known, haunts=True)
        yield from _check_location(("events", i, "stop"), {"place": stop.get("place")}, known)


def _check_raids(doc: dict[str, Any], known: _Known) -> Iterator[Finding]:
    judge = _text(_map(_map(doc.get("raids")).get("warrant")).get("judge"))
    if judge is None:
        return
    judges = [n for n, body in known.agencies.items() if body.get("kind") in WARRANT_KINDS]
    at = ("raids", "warrant", "judge")
    if judge not in known.agencies:
        yield at, _unknown("agency", "agencies", judge, judges or list(known.agencies))
    elif judge not in judges and (kind := known.agencies[judge].get("kind")) in AGENCY_KINDS:
        # (An unknown kind is the schema's to report; a known wrong one is ours.)
        yield (
            at,
            f"{judge!r} is a {kind} agency, not a judge or prosecutor; name an agency of kind "
            f"judge or prosecutor" + (f" ({listing(judges)})" if judges else ""),
        )


_CHECKS: tuple[Callable[[dict[str, Any], _Known], Iterator[Finding]], ...] = (
    _check_zones,
    _check_places,
    _check_agencies,
    _check_channels,
    _check_databases,
    _check_fugitive,
    _check_tips,
    _check_events,
    _check_raids,
)


def check_references(doc: dict[str, Any], most: int | None = None) -> list[Finding]:
    """Find every name in a raw scenario document that points at nothing (or at the wrong thing).

    Args:
        doc: the resolved scenario document (after ``extends`` and overrides), as read from YAML;
            it need not be valid: malformed parts are skipped.
        most: stop after this many findings (each suggests the closest name, which costs a
            comparison with every known name: a generated file with thousands of wrong names
            would otherwise take minutes to judge).

    Returns:
        ``(key path, message)`` pairs in document order of the checks; the message names the
        closest known name and says how to fix the reference.
    """
    if not isinstance(doc, dict):
        return []
    known = _collect(doc)
    findings = (finding for check in _CHECKS for finding in check(doc, known))
    return list(itertools.islice(findings, most))
