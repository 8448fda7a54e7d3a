"""How big a scenario may be: documented limits, checked before anything costly is done with it.

Hand-written scenarios are small (the bundled Brussels scenario has 15 agencies, 19 communes and a
few hundred tips per replication). A file far larger than any real one is a generated or a wrong
file: it is refused with a message naming the limit, quickly and in bounded memory, instead of
being validated for minutes or run until the machine runs out of memory. Three kinds of limit
(each listed in docs/scenarios.md §17):

* **reading** (:data:`MAX_BYTES`, :data:`MAX_NODES`, :data:`MAX_DEPTH`): applied by the loader
  while it reads the YAML, so an alias bomb never expands;
* **counts** (:data:`COUNTS`): how many agencies, channels, events... one scenario may hold;
  checked on the raw document before the schema, which would otherwise validate each of them;
* **work** (:data:`MAX_EXPECTED_TIPS`, :data:`MAX_EXPECTED_MOVES`): how many tips and moves one
  replication is expected to create, from the validated rates, dwell times and horizon; a noise
  rate of a million a day would otherwise hold every tip in memory for twenty simulated years.

At most :data:`MAX_PROBLEMS` problems are reported for one file: a generated file with ten thousand
wrong names needs its generator fixed, not ten thousand lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sim.scenario.errors import KeyPath
from sim.scenario.schema import Active, Intercepts, Noise, Scenario, Sightings, Stops

#: Largest scenario file read, in bytes. Real scenarios are a few kilobytes (brussels-2015.yaml:
#: 19 KB); YAML is read at about 300 KB a second, so the limit keeps the answer to a wrong path
#: (a log, a data dump, a generated file) within seconds.
MAX_BYTES = 1024 * 1024

#: Most YAML nodes visited while reading one document, aliases counted each time they are used.
#: Stops "billion laughs" alias bombs, which are tiny on disk but explode when expanded.
MAX_NODES = 200_000

#: Deepest nesting of maps and lists (a scenario needs about 6 levels).
MAX_DEPTH = 50

#: Most problems reported for one file; a last line says that more were left out.
MAX_PROBLEMS = 100

#: Most tips one replication is expected to create (sightings, intercepts, stops, noise).
MAX_EXPECTED_TIPS = 100_000

#: Most moves one replication is expected to make (dwell moves and outings there and back).
MAX_EXPECTED_MOVES = 100_000

#: Most copies of tips one replication may pass along channels, counted as the expected tips
#: times (1 + the number of channels): each agency passes a tip on at most once per channel.
MAX_EXPECTED_COPIES = 10_000_000

#: Where the limits are documented, for messages.
DOCUMENTED = "docs/scenarios.md §17"

Finding = tuple[KeyPath, str]


@dataclass(frozen=True)
class CountLimit:
    """The most entries a kind of map or list may hold.

    Attributes:
        path: where the map or list sits; ``"*"`` stands for every key or item at that level.
        most: the largest number of entries allowed.
        noun: what the entries are, for the message.
        total: count all matching maps or lists together (all communes of all zones) rather than
            each on its own.
    """

    path: tuple[str, ...]
    most: int
    noun: str
    total: bool = False


COUNTS: tuple[CountLimit, ...] = (
    CountLimit(("zones",), 500, "zones"),
    CountLimit(("zones", "*", "communes"), 5_000, "communes in all zones", total=True),
    CountLimit(("places",), 5_000, "places"),
    CountLimit(("places", "*", "neighbours"), 100, "neighbours"),
    CountLimit(("agencies",), 500, "agencies"),
    CountLimit(("agencies", "*", "jurisdiction"), 5_000, "jurisdiction entries"),
    CountLimit(("agencies", "*", "databases"), 100, "databases"),
    CountLimit(("agencies", "*", "wanted"), 1_000, "wanted names"),
    CountLimit(("channels",), 5_000, "channels"),
    CountLimit(("databases",), 100, "databases"),
    CountLimit(("databases", "*", "wanted"), 1_000, "wanted names"),
    CountLimit(("databases", "*", "alerts", "to"), 500, "agencies alerted"),
    CountLimit(("fugitive", "aliases"), 100, "aliases"),
    CountLimit(("fugitive", "safe_houses"), 1_000, "safe houses"),
    CountLimit(("fugitive", "itinerary"), 10_000, "itinerary stops"),
    CountLimit(("fugitive", "outings", "haunts"), 1_000, "haunts"),
    CountLimit(("tips", "*"), 1_000, "tip sources of one kind"),
    CountLimit(("tips", "*", "*", "places"), 5_000, "places"),
    CountLimit(("tips", "*", "*", "reporters"), 500, "reporters"),
    CountLimit(("events",), 10_000, "events"),
    CountLimit(("raids", "night_rule", "exempt"), 100, "exemptions"),
)


def _glob(node: Any, pattern: tuple[str, ...], here: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (path, value) in ``node`` matching ``pattern`` (``"*"``: any key or item)."""
    if not pattern:
        yield here, node
        return
    head, rest = pattern[0], pattern[1:]
    children: Iterable[tuple[str | int, Any]]
    if isinstance(node, dict):
        children = node.items() if head == "*" else [(head, node[head])] if head in node else []
    elif isinstance(node, list) and head == "*":
        children = list(enumerate(node))
    else:
        return
    for key, child in children:
        yield from _glob(child, rest, (*here, key))


def check_counts(doc: dict[str, Any]) -> list[Finding]:
    """Find the maps and lists of a raw document that hold more entries than :data:`COUNTS` allow.

    Args:
        doc: the resolved raw document (need not be valid: malformed parts are skipped).

    Returns:
        ``(key path, message)`` pairs, one per collection over its limit.
    """
    findings: list[Finding] = []
    for limit in COUNTS:
        sized = [(p, len(v)) for p, v in _glob(doc, limit.path) if isinstance(v, dict | list)]
        if limit.total:
            count = sum(n for _, n in sized)
            sized = [(limit.path[:1], count)] if sized else []
        findings.extend(
            (path, _too_many(count, limit)) for path, count in sized if count > limit.most
        )
    return findings


def _too_many(count: int, limit: CountLimit) -> str:
    return (
        f"{count:,} {limit.noun}; a scenario may hold at most {limit.most:,} ({DOCUMENTED}): "
        "is this file generated by mistake?"
    )


# --- expected work of one replication -------------------------------------------------------


def _active_hours(scenario: Scenario, source: Active) -> float:
    """How long a tip source runs within the horizon, in hours."""
    opens, closes = 0.0, scenario.horizon
    if source.active_from is not None:
        opens = max(opens, (source.active_from - scenario.start).total_seconds() / 3600)
    if source.active_until is not None:
        closes = min(closes, (source.active_until - scenario.start).total_seconds() / 3600)
    return max(0.0, closes - opens)


def _exposure(scenario: Scenario) -> float:
    """How many times more often he is seen on average, counting outings at higher visibility."""
    outings = scenario.fugitive.outings
    if outings is None:
        return 1.0
    share_out = min(1.0, outings.rate * outings.duration.mean)
    return 1.0 + max(0.0, outings.visibility - 1.0) * share_out


def expected_tips(scenario: Scenario) -> list[tuple[KeyPath, float]]:
    """Each tip source's expected number of tips (stops included) in one replication."""
    exposure = _exposure(scenario)
    tips = scenario.tips
    out: list[tuple[KeyPath, float]] = []
    groups: list[tuple[str, Sequence[Sightings | Intercepts | Stops | Noise], float]] = [
        ("sightings", tips.sightings, exposure),
        ("stops", tips.stops, exposure),
        ("intercepts", tips.intercepts, 1.0),
        ("noise", tips.noise, 1.0),
    ]
    for kind, sources, boost in groups:
        out.extend(
            (("tips", kind, i, "rate"), s.rate * boost * _active_hours(scenario, s))
            for i, s in enumerate(sources)
        )
    return out


def expected_moves(scenario: Scenario) -> list[tuple[KeyPath, float]]:
    """The fugitive's expected moves in one replication: dwell moves and outings."""
    fugitive = scenario.fugitive
    out: list[tuple[KeyPath, float]] = []
    if fugitive.safe_houses:
        mean = fugitive.dwell.mean
        out.append((("fugitive", "dwell"), scenario.horizon / mean if mean > 0 else math.inf))
    if fugitive.outings is not None:
        out.append((("fugitive", "outings", "rate"), 2 * fugitive.outings.rate * scenario.horizon))
    return out


def check_scenario(scenario: Scenario) -> list[Finding]:
    """Refuse a valid scenario that runs off the calendar or would make absurd amounts of work.

    Returns:
        ``(key path, message)`` pairs (none when the scenario is within every limit).
    """
    return [*check_calendar(scenario), *check_work(scenario)]


def check_calendar(scenario: Scenario) -> list[Finding]:
    """The chase must end within the calendar (dates stop at the end of the year 9999)."""
    if scenario.start <= datetime.max - timedelta(hours=scenario.horizon):
        return []
    return [
        (
            ("start",),
            f"start {scenario.start:%Y-%m-%d} plus the horizon runs past the end of the year 9999, "
            "where the calendar stops; give an earlier start or a shorter horizon",
        )
    ]


def check_work(scenario: Scenario) -> list[Finding]:
    """Refuse a scenario whose replications would create absurd numbers of tips or moves.

    Returns:
        At most one finding each for tips, copies and moves, at the largest contributor.
    """
    tips = expected_tips(scenario)
    fan_out = 1 + len(scenario.channels)
    copies = [(path, n * fan_out) for path, n in tips]
    findings: list[Finding] = []
    for parts, most, what, fix in (
        (tips, MAX_EXPECTED_TIPS, "tips", "lower the rates or the horizon"),
        (
            copies,
            MAX_EXPECTED_COPIES,
            f"copies of tips passed along its {fan_out - 1:,} channels",
            "lower the rates or the horizon, or use fewer channels",
        ),
        (
            expected_moves(scenario),
            MAX_EXPECTED_MOVES,
            "moves of the fugitive",
            "give him longer dwell times, fewer outings or a shorter horizon",
        ),
    ):
        total = sum(n for _, n in parts)
        if total <= most:
            continue
        path, largest = max(parts, key=lambda part: part[1])
        share = f" ({_amount(largest)} from this one)" if sum(n > 0 for _, n in parts) > 1 else ""
        findings.append(
            (
                path,
                f"one replication would make {_amount(total)} {what}{share}; at most {most:,} "
                f"are allowed ({DOCUMENTED}): {fix}",
            )
        )
    return findings


def _amount(number: float) -> str:
    """An expected count in words: "about 3,000,000", "endlessly many"."""
    if math.isinf(number):
        return "endlessly many"
    return f"about {number:,.0f}" if number < 1e9 else f"about {number:.1e}"
