"""How much work one replication of a scenario is expected to be, before running it.

A replication's cost grows with the tips it creates and with what each tip does: every agency that
triages a copy, every copy passed along a channel or raised by a database alert. This module
estimates those counts from the validated scenario alone (rates, windows, reporters, forgetting,
belief, channel losses and filters), without running the model, so that a command can say how
long it will take before it starts (``sim.experiments.preflight``) and refuse absurd work.

The estimate follows each tip source's tips through the graph of channels: the chance that a tip
reaches an agency is one minus the chance that every copy sent there is lost, filtered out, or
never sent (forgotten or dismissed upstream), treating the routes as independent. A ``wanted``
filter passes the share of tips that name someone (an upper bound: the matcher may still miss the
name); a ``jurisdiction`` filter passes the share of places in the receiver's jurisdiction (all
of them, as an upper bound, when the source's places are not listed). Queues, office hours and the
horizon cutting a tip's path short are not modelled: the counts are what the tips would do with
time to spare, so the estimate errs on the side of more work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim.scenario.limits import expected_moves, expected_tips
from sim.scenario.schema import (
    LOCAL,
    Agency,
    Channel,
    Intercepts,
    Noise,
    Scenario,
    Sightings,
    Stops,
)

Source = Sightings | Intercepts | Stops | Noise
"""A tip source of any kind."""

#: Tip sources followed one by one through the channels (the busiest); the rest are scaled.
_SPREAD_SOURCES = 20

#: A change in every chance of reaching an agency below this ends the passes (a loop of channels
#: approaches its limit geometrically).
_SETTLED = 1e-4

#: Passes over the channel graph when spreading a tip: enough for chains of this many services
#: (real setups forward a tip three or four times at most).
_HOPS = 12


@dataclass(frozen=True)
class Work:
    """Expected work of one replication.

    Attributes:
        tips: tips created (sightings, intercepts, stops, noise).
        triages: arrivals of a copy at an agency that handles it (queue and triage).
        copies: copies passed along channels, database alerts and escalation calls.
        moves: the fugitive's moves (dwell moves, outings there and back).
    """

    tips: float
    triages: float
    copies: float
    moves: float


@dataclass(frozen=True)
class _Route:
    """A way a copy travels from one agency to another, and the share of copies it lets through."""

    sender: str
    receiver: str
    passes: float


def expected_work(scenario: Scenario) -> Work:
    """Estimate the tips, triages, copies and moves of one replication of ``scenario``.

    The tips of the :data:`_SPREAD_SOURCES` busiest sources are followed through the channels;
    any others (a generated file with hundreds of sources) are taken to travel like those, on
    average, so that the estimate stays quick whatever the file holds.
    """
    sources = sorted(_sources(scenario), key=lambda pair: -pair[1])
    followed, rest = sources[:_SPREAD_SOURCES], sources[_SPREAD_SOURCES:]
    triages = copies = 0.0
    for source, tips in followed:
        reached, sent = _spread(scenario, source)
        triages += tips * sum(reached.values())
        copies += tips * sent
    followed_tips = sum(tips for _, tips in followed)
    if rest and followed_tips > 0:
        scale = 1.0 + sum(tips for _, tips in rest) / followed_tips
        triages, copies = triages * scale, copies * scale
    tips = sum(n for _, n in expected_tips(scenario))
    moves = sum(n for _, n in expected_moves(scenario))
    return Work(tips, triages, copies, moves)


def _sources(scenario: Scenario) -> Iterable[tuple[Source, float]]:
    """Each tip source with its expected number of tips (in :func:`expected_tips`'s order)."""
    tips = scenario.tips
    ordered: list[Source] = [*tips.sightings, *tips.stops, *tips.intercepts, *tips.noise]
    return zip(ordered, (n for _, n in expected_tips(scenario)), strict=True)


def _entry(scenario: Scenario, source: Source) -> dict[str, float]:
    """The share of a source's tips that first reach each agency."""
    if isinstance(source, Intercepts):
        return {source.agency: 1.0}
    if isinstance(source, Stops):  # the stopping agency checks its databases; no triage follows
        return {}
    weights = source.reporters
    total = sum(weights.values()) or 1.0
    local = [name for name, a in scenario.agencies.items() if a.kind == "local_police"]
    entry: dict[str, float] = {}
    for name, weight in weights.items():
        names = local if name == LOCAL else [name]
        for agency in names:
            entry[agency] = entry.get(agency, 0.0) + weight / total / max(len(names), 1)
    return entry


def _kept(agency: Agency, true: bool) -> float:
    """The chance that triage keeps a tip (neither forgotten nor dismissed), so it goes on."""
    belief = agency.belief.true_tip if true else agency.belief.false_tip
    return (1.0 - agency.forget) * belief


def _named(source: Source) -> float:
    """The share of a source's tips that name someone a ``wanted`` filter could recognise."""
    if isinstance(source, Noise):
        return source.names_fugitive + source.names_others
    return source.named if isinstance(source, Sightings) else 1.0


def _jurisdiction_share(scenario: Scenario, receiver: Agency, places: Sequence[str] | str) -> float:
    """The share of a source's places in ``receiver``'s jurisdiction (1 when it cannot be told)."""
    if receiver.jurisdiction == "all" or places == "all" or not places:
        return 1.0
    zones = {name: set(zone.communes) for name, zone in scenario.zones.items()}
    covered: set[str] = set()
    for entry in receiver.jurisdiction or ():
        covered |= zones.get(entry, {entry})
    if receiver.zone is not None:
        covered |= zones.get(receiver.zone, set())
    listed: set[str] = set()
    for entry in places:
        listed |= zones.get(entry, {entry})
    return len(listed & covered) / len(listed) if listed else 1.0


def _routes(scenario: Scenario, source: Source) -> list[_Route]:
    """Channels and database alerts, each with the share of this source's copies it passes."""
    named = _named(source)
    places = getattr(source, "places", "all")
    routes = [_channel_route(scenario, c, named, places) for c in scenario.channels]
    for db_name, db in scenario.databases.items():
        if db.alerts is None:
            continue
        targets = [t for t in db.alerts.to if t in scenario.agencies]
        for writer, agency in scenario.agencies.items():
            if agency.databases.get(db_name) in ("feed", "read_feed"):
                share = named * (1.0 - agency.feeding.skip)
                routes.extend(_Route(writer, target, share) for target in targets)
    return routes


def _channel_route(
    scenario: Scenario, channel: Channel, named: float, places: Sequence[str] | str
) -> _Route:
    share = 1.0 - channel.loss
    receiver = scenario.agencies.get(channel.to)
    if "wanted" in channel.filter:
        share *= named
    if "jurisdiction" in channel.filter and receiver is not None:
        share *= _jurisdiction_share(scenario, receiver, places)
    return _Route(channel.from_, channel.to, share)


def _spread(scenario: Scenario, source: Source) -> tuple[dict[str, float], float]:
    """For one tip of ``source``: the chance it reaches each agency, and the copies it makes."""
    true = not isinstance(source, Noise)
    keeps = {name: _kept(agency, true) for name, agency in scenario.agencies.items()}
    routes = [r for r in _routes(scenario, source) if r.sender in keeps and r.passes > 0]
    entry = _entry(scenario, source)
    reached = dict(entry)
    for _ in range(_HOPS):
        missed = {name: 1.0 - share for name, share in entry.items()}
        for route in routes:
            onward = reached.get(route.sender, 0.0) * keeps[route.sender] * route.passes
            if onward > 0:
                missed[route.receiver] = missed.get(route.receiver, 1.0) * (1.0 - onward)
        updated = {name: 1.0 - miss for name, miss in missed.items() if miss < 1.0}
        change = max((abs(p - reached.get(n, 0.0)) for n, p in updated.items()), default=0.0)
        reached = updated
        if change < _SETTLED:
            break
    sent = sum(reached.get(r.sender, 0.0) * keeps[r.sender] * r.passes for r in routes)
    return reached, sent + _escalated(scenario, source, reached)


def _escalated(scenario: Scenario, source: Source, reached: dict[str, float]) -> float:
    """For one tip of ``source``: the escalation calls it makes (each a copy that travels alone).

    An agency with an escalation rule reads the name of every tip that names somebody on arrival,
    to call up a wanted one: such a false tip leaves the cheap bulk line for a visit of its own.
    """
    named = _named(source)
    return sum(
        share * named
        for name, share in reached.items()
        if scenario.agencies[name].escalation is not None
    )
