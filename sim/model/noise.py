"""False tips at realistic volume, drawn a whole window at a time (DESIGN.md §2.2, noise).

A noise source sends false tips about random places (weighted by population) to the services it
reports to, as a Poisson stream at a constant rate within its window. Some name the fugitive, some
name other people (a generated population, :mod:`sim.names.population`).

Nine false tips in ten end at triage, forgotten or judged not credible: they cost analyst time and
nothing else. So a source draws all its tips for the window in a few arrays and decides, for each,
where it goes and what its triage will make of it (its triage time and its verdict, by the same
probabilities an analyst applies). Those that end at triage go to their desk's *bulk line*
(:class:`~sim.model.desk.BulkLine`), served by arithmetic; only the others (believed at triage,
or checked on arrival by a service that escalates wanted names) become tips that travel as events.
The law of every count is the one of tips handled one by one.

Randomness: ``noise.I.when`` (arrival gaps), ``noise.I.what`` (place, whether he is named, who is
told), ``noise.I.who`` (somebody else's name) and ``noise.I.triage`` (triage time, forgetting,
belief) are the source's own streams, three or two numbers a tip, so that tip *k* of a source is
the same tip with the same triage in every setup compared (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sim.core.distributions import Dist
from sim.core.streams import Streams
from sim.model.desk import DISMISSED, FORGOT, BulkLine

KEPT = 0  # a verdict: believed at triage, the tip goes on


@dataclass(frozen=True)
class Reader:
    """What a noise source needs to know of a service it reports to."""

    triage: Dist
    forget: float
    believe_false: float
    escalates: bool


@dataclass(frozen=True)
class Readers:
    """The services' triage of false tips as columns by agency number, prepared once per scenario.

    Attributes:
        forget: each service's chance of forgetting a dossier.
        believe: each service's chance of believing a false tip.
        escalates: whether each service checks wanted names on arrival.
        triage: the distinct triage-time distributions (services often share one: one
            inversion per distribution).
        group_of: each service's distribution, as its position in ``triage``.
    """

    forget: np.ndarray
    believe: np.ndarray
    escalates: np.ndarray
    triage: tuple[Dist, ...]
    group_of: np.ndarray

    @classmethod
    def of(cls, readers: Sequence[Reader]) -> Readers:
        """The table of ``readers`` (one per agency, in agency order)."""
        distinct: dict[Dist, int] = {}
        for reader in readers:
            distinct.setdefault(reader.triage, len(distinct))
        return cls(
            forget=np.array([r.forget for r in readers], dtype=float),
            believe=np.array([r.believe_false for r in readers], dtype=float),
            escalates=np.array([r.escalates for r in readers], dtype=bool),
            triage=tuple(distinct),
            group_of=np.array([distinct[r.triage] for r in readers], dtype=np.intp),
        )


@dataclass(frozen=True)
class NoisePlan:
    """A noise source, prepared once per scenario.

    Attributes:
        index: the source's position in ``tips.noise`` (names its streams).
        rate: false tips per hour.
        opens: model hour from which it runs (>= 0).
        closes: model hour until which it runs (capped at the horizon).
        places: the communes tips may name.
        place_ids: each of ``places`` as an index into the scenario's places (for the ledger).
        place_weights: cumulative population weights of ``places``.
        reporters: for each reporter weight, the agency index it names (-1: the local police).
        reporter_weights: cumulative weights of the reporters.
        local_of_place: for each of ``places``, the agency index of its local police (-1: none).
        names_fugitive: share of tips naming him.
        others_share: of the tips not naming him, the share naming somebody else.
        fugitive: his name as a caller speaks it.
        people: the other people tips may name.
    """

    index: int
    rate: float
    opens: float
    closes: float
    places: tuple[str, ...]
    place_ids: np.ndarray
    place_weights: np.ndarray
    reporters: np.ndarray
    reporter_weights: np.ndarray
    local_of_place: np.ndarray
    names_fugitive: float
    others_share: float
    fugitive: str
    people: tuple[str, ...]


class NoiseTip(NamedTuple):
    """A false tip that travels as an event: it arrives, and its triage is already drawn.

    Attributes:
        at: model hour it reaches its service.
        agency: index of the service told.
        place: the commune it names.
        heard: the name the caller spoke (None: nobody).
        names_other: the name is somebody else's.
        triage: its triage time (hours).
        forget_u: the uniform its forgetting is decided by.
        belief_u: the uniform its belief is decided by.
    """

    at: float
    agency: int
    place: str
    heard: str | None
    names_other: bool
    triage: float
    forget_u: float
    belief_u: float


@dataclass
class Travelling:
    """A source's travelling tips as columns, in order of arrival (a tip is made as it arrives)."""

    at: list[float]
    agency: list[int]
    place: list[str]
    heard: list[str | None]
    names_other: list[bool]
    triage: list[float]
    forget_u: list[float]
    belief_u: list[float]

    def __len__(self) -> int:
        return len(self.at)

    def tip(self, k: int) -> NoiseTip:
        """The ``k``-th travelling tip."""
        return NoiseTip(
            self.at[k],
            self.agency[k],
            self.place[k],
            self.heard[k],
            self.names_other[k],
            self.triage[k],
            self.forget_u[k],
            self.belief_u[k],
        )


@dataclass
class NoiseDraw:
    """One source's tips for one replication: bulk dossiers by agency, and the travelling ones."""

    bulk: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    travelling: Travelling


def draw(plan: NoisePlan, readers: Readers, streams: Streams) -> NoiseDraw:
    """Draw every tip of the source's window and sort them into bulk and travelling ones."""
    i = plan.index
    arrivals = _arrivals(plan, streams)
    n = len(arrivals)
    what = streams.blocks(f"noise.{i}.what").take(3 * n).reshape(n, 3)
    who = streams.blocks(f"noise.{i}.who").take(2 * n).reshape(n, 2)
    triage_u = streams.blocks(f"noise.{i}.triage").take(3 * n).reshape(n, 3)
    place = _pick(plan.place_weights, what[:, 0])
    named = what[:, 1] < plan.names_fugitive
    agency = plan.reporters[_pick(plan.reporter_weights, what[:, 2])]
    local = agency < 0
    agency = np.where(local, plan.local_of_place[place], agency)
    if np.any(agency < 0):
        raise ValueError(f"noise.{i}: a place it names has no local police to report to")
    other = ~named & (who[:, 0] < plan.others_share) if plan.people else np.zeros(n, dtype=bool)
    triage, verdict, escalates = _triage(readers, agency, triage_u)
    travels = (verdict == KEPT) | (escalates & (named | other))
    bulk: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    # The tips that stay, grouped by agency (a stable sort keeps each agency's in arrival order).
    stays = np.flatnonzero(~travels)
    stays = stays[agency[stays].argsort(kind="stable")]
    counts = np.bincount(agency[stays], minlength=len(readers.forget))
    ends = counts.cumsum().tolist()  # agency a's tips: ends[a] - counts[a] to ends[a]
    for a in np.flatnonzero(counts).tolist():
        mine = stays[ends[a] - int(counts[a]) : ends[a]]
        bulk[a] = (arrivals[mine], triage[mine], verdict[mine], plan.place_ids[place[mine]])
    travelling = _travelling(
        plan, np.flatnonzero(travels), arrivals, agency, place, named, other, who, triage, triage_u
    )
    return NoiseDraw(bulk, travelling)


def _arrivals(plan: NoisePlan, streams: Streams) -> np.ndarray:
    """The Poisson arrival times within the window (exponential gaps, drawn in blocks)."""
    when = streams.blocks(f"noise.{plan.index}.when")
    span = plan.closes - plan.opens
    if plan.rate <= 0 or span <= 0:
        return np.zeros(0)
    expected = plan.rate * span
    times = np.zeros(0)
    last = plan.opens
    while last < plan.closes:
        size = int(expected + 6 * math.sqrt(expected) + 16) - len(times)
        gaps = -np.log1p(-when.take(max(size, 16))) / plan.rate
        more = last + gaps.cumsum()
        times = np.concatenate((times, more))
        last = float(times[-1])
    return times[times < plan.closes]


def _pick(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Indices drawn by inverting cumulative weights (as :meth:`Stream.pick` does for one)."""
    return np.minimum(cumulative.searchsorted(u, side="right"), len(cumulative) - 1)


def _triage(
    readers: Readers, agency: np.ndarray, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each tip's triage time, verdict and whether its service escalates wanted names."""
    forgot = u[:, 1] < readers.forget[agency]
    dismissed = ~forgot & (u[:, 2] >= readers.believe[agency])
    verdict = np.where(forgot, FORGOT, np.where(dismissed, DISMISSED, KEPT)).astype(np.int8)
    dists = readers.triage
    if len(dists) == 1:  # one distribution for all: no need to sort tips by service
        return dists[0].quantiles(u[:, 0]), verdict, readers.escalates[agency]
    triage = np.zeros(len(agency))
    group = readers.group_of[agency]
    for k in np.flatnonzero(np.bincount(group, minlength=len(dists))).tolist():
        mine = group == k
        triage[mine] = dists[k].quantiles(u[mine, 0])
    return triage, verdict, readers.escalates[agency]


def _travelling(
    plan: NoisePlan,
    chosen: np.ndarray,
    arrivals: np.ndarray,
    agency: np.ndarray,
    place: np.ndarray,
    named: np.ndarray,
    other: np.ndarray,
    who: np.ndarray,
    triage: np.ndarray,
    u: np.ndarray,
) -> Travelling:
    """The travelling tips, in order of arrival."""
    people = plan.people
    count = len(people)
    others = other[chosen].tolist()
    heard: list[str | None] = [
        plan.fugitive if n else (people[min(int(w * count), count - 1)] if o else None)
        for n, o, w in zip(named[chosen].tolist(), others, who[chosen, 1].tolist(), strict=True)
    ]
    places = plan.places
    return Travelling(
        at=arrivals[chosen].tolist(),
        agency=agency[chosen].tolist(),
        place=[places[p] for p in place[chosen].tolist()],
        heard=heard,
        names_other=others,
        triage=triage[chosen].tolist(),
        forget_u=u[chosen, 1].tolist(),
        belief_u=u[chosen, 2].tolist(),
    )


def bulk_lines(draws: list[NoiseDraw], agencies: int, plans: list[NoisePlan]) -> list[BulkLine]:
    """Each agency's bulk line: the bulk dossiers of every source, merged in order of arrival."""
    lines = []
    for a in range(agencies):
        parts = [(d.bulk[a], p) for d, p in zip(draws, plans, strict=True) if a in d.bulk]
        if not parts:
            lines.append(BulkLine.empty())
            continue
        if len(parts) == 1:  # one source: its dossiers are in order of arrival already
            (arrivals, triage, verdicts, places), plan = parts[0]
            sources = np.full(len(arrivals), plan.index, dtype=np.int32)
            lines.append(BulkLine(arrivals, triage, verdicts, sources, places))
            continue
        arrivals = np.concatenate([b[0] for b, _ in parts])
        order = np.argsort(arrivals, kind="stable")
        places = np.concatenate([b[3] for b, _ in parts])
        sources = np.concatenate([np.full(len(b[0]), p.index, dtype=np.int32) for b, p in parts])
        lines.append(
            BulkLine(
                arrivals=arrivals[order],
                triage=np.concatenate([b[1] for b, _ in parts])[order],
                verdicts=np.concatenate([b[2] for b, _ in parts])[order],
                sources=sources[order],
                places=places[order],
            )
        )
    return lines
