"""What a scenario fixes for every replication, prepared once per process.

A batch runs thousands of replications of one scenario. Everything that depends only on the
scenario (the calendar, the map, each office's working hours and jurisdiction, the night rule, the
noise sources' places and weights) is worked out once here and shared by every replication; a
replication builds only what it changes (queues, registers, the fugitive, its random streams).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.core.clock import DAY_NAMES, Calendar, WorkingHours
from sim.model.curfew import NightRule
from sim.model.noise import NoisePlan, Reader, Readers
from sim.model.places import Geography
from sim.names.population import others
from sim.scenario.schema import LOCAL, Flag, OfficeHours, Raise, Scenario
from sim.scenario.schema import Agency as AgencySpec


@dataclass(frozen=True)
class Plan:
    """The parts of a scenario every replication shares.

    Attributes:
        scenario: the scenario.
        calendar: model hours to wall-clock time.
        geography: communes, zones, neighbours and populations.
        agencies: the agency names, in the scenario's order (their index is their number).
        hours: each agency's working hours (None: around the clock).
        jurisdictions: where each agency may search.
        local_police: the local police agency of each zone.
        language_hours: the translators' working hours.
        night_rule: the ban on night searches (None: none).
        noise: the noise sources.
        readers: for each agency (by number), how it triages false tips.
        weak_grounds: some record may watch or report instead of detain.
        records_decided: some agency has rules that raise records.
        detentions_end: some record says how long a detention on it lasts (else every
            detention holds him to the horizon, as a capture).
    """

    scenario: Scenario
    calendar: Calendar
    geography: Geography
    agencies: tuple[str, ...]
    hours: dict[str, WorkingHours | None]
    jurisdictions: dict[str, frozenset[str]]
    local_police: dict[str, str]
    language_hours: WorkingHours | None
    night_rule: NightRule | None
    noise: tuple[NoisePlan, ...]
    readers: Readers
    weak_grounds: bool = False
    records_decided: bool = False
    detentions_end: bool = False


def plan_of(scenario: Scenario) -> Plan:
    """The plan of ``scenario`` (built on first use in this process, then shared)."""
    return _plan(_Key(scenario))


class _Key:
    """A scenario as a cache key: by identity (scenarios are immutable and held by the cache)."""

    __slots__ = ("scenario",)

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario

    def __hash__(self) -> int:
        return id(self.scenario)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.scenario is self.scenario


@lru_cache(maxsize=16)
def _plan(key: _Key) -> Plan:
    sc = key.scenario
    calendar = Calendar(sc.start)
    geography = Geography(sc)
    names = tuple(sc.agencies)
    local = {
        a.zone: name
        for name, a in sc.agencies.items()
        if a.kind == "local_police" and a.zone is not None
    }
    return Plan(
        scenario=sc,
        calendar=calendar,
        geography=geography,
        agencies=names,
        hours={name: working_hours(calendar, a.hours) for name, a in sc.agencies.items()},
        jurisdictions={name: _jurisdiction(geography, a) for name, a in sc.agencies.items()},
        local_police=local,
        language_hours=working_hours(calendar, sc.language.hours),
        night_rule=_night_rule(sc, calendar),
        noise=tuple(
            _noise(sc, calendar, geography, names, local, i) for i in range(len(sc.tips.noise))
        ),
        readers=Readers.of([_reader(a) for a in sc.agencies.values()]),
        **_record_features(sc),
    )


def _record_features(sc: Scenario) -> dict[str, bool]:
    """Which of the record features the scenario uses (the others cost nothing per tip)."""
    flags = [e.flag for e in sc.events if e.flag is not None]
    rules = [rule for a in sc.agencies.values() for rule in a.raises]
    entries: list[Flag | Raise] = [*flags, *rules]
    return {
        "weak_grounds": any(entry.action != "detain" for entry in entries),
        "records_decided": bool(rules),
        "detentions_end": any(entry.holds is not None for entry in entries),
    }


def working_hours(calendar: Calendar, spec: OfficeHours | None) -> WorkingHours | None:
    """Working hours of an office (None: around the clock)."""
    if spec is None:
        return None
    days = tuple(DAY_NAMES.index(d) for d in spec.days)
    return WorkingHours.daily(calendar, days, spec.opens, spec.closes)


def _jurisdiction(geography: Geography, spec: AgencySpec) -> frozenset[str]:
    """The places where an agency may search."""
    if spec.jurisdiction is not None:
        return frozenset(geography.expand(spec.jurisdiction))
    if spec.zone is not None:
        return frozenset(geography.communes_of.get(spec.zone, ()))
    return frozenset()


def _night_rule(sc: Scenario, calendar: Calendar) -> NightRule | None:
    spec = sc.raids.night_rule
    if spec is None:
        return None
    exempt_from = float("inf")
    for exemption in spec.exempt:
        if exemption.case == sc.raids.case:
            since = calendar.to_hours(exemption.since) if exemption.since else -1e18
            exempt_from = min(exempt_from, since)
    return NightRule(calendar, spec.ban_from, spec.ban_until, exempt_from)


def _reader(spec: AgencySpec) -> Reader:
    return Reader(spec.triage_time, spec.forget, spec.belief.false_tip, spec.escalation is not None)


def _noise(
    sc: Scenario,
    calendar: Calendar,
    geography: Geography,
    agencies: tuple[str, ...],
    local: dict[str, str],
    index: int,
) -> NoisePlan:
    spec = sc.tips.noise[index]
    opens = calendar.to_hours(spec.active_from) if spec.active_from else 0.0
    closes = calendar.to_hours(spec.active_until) if spec.active_until else sc.horizon
    places = geography.expand(spec.places)
    reporters = tuple(spec.reporters)
    weights = np.array([spec.reporters[r] for r in reporters], dtype=float)
    rest = 1.0 - spec.names_fugitive
    fugitive_names = (sc.fugitive.name, *sc.fugitive.aliases)
    return NoisePlan(
        index=index,
        rate=spec.rate,
        opens=max(opens, 0.0),
        closes=min(closes, sc.horizon),
        places=places,
        place_ids=np.array([geography.places.index(p) for p in places], dtype=np.int32),
        place_weights=np.array(geography.population_weights(places)),
        reporters=np.array([-1 if r == LOCAL else agencies.index(r) for r in reporters]),
        reporter_weights=np.cumsum(weights) / weights.sum(),
        local_of_place=np.array(
            [
                agencies.index(local[geography.zone_of[p]]) if geography.zone_of[p] in local else -1
                for p in places
            ]
        ),
        names_fugitive=spec.names_fugitive,
        others_share=spec.names_others / rest if rest > 0 else 0.0,
        fugitive=sc.fugitive.name,
        people=others(fugitive_names) if spec.names_others > 0 else (),
    )
