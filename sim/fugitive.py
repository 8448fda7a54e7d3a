"""The fugitive: where he hides, when he moves, and how he reacts to searches near him.

Two ways to say where he is (DESIGN.md §2.1): a set of safe houses with a movement model (dwell
times, transition weights, alert moves), or a dated itinerary replaying history; an itinerary may
hand over to the movement model after its last leg. Moves are scheduled callbacks tagged with a
generation number, so an alert move simply supersedes the dwell move it pre-empts.

Randomness: ``fugitive.dwell`` (how long he stays), ``fugitive.route`` (where he goes next) and
``fugitive.alert`` (whether and when a search near him makes him move) are separate streams, so
the k-th move of replication r happens at the same time in every setup unless an alert intervenes.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate

import simpy

from sim.clock import Calendar
from sim.ledger import Ledger
from sim.places import Geography
from sim.record import Counters
from sim.scenario.schema import Fugitive as FugitiveSpec
from sim.streams import Streams

_AFTER_CONTAINMENT = 1 / 60  # a blocked move is retried one minute after the search


class Fugitive:
    """The person sought, during one replication.

    Attributes:
        place: the commune he is in now.
        house: the safe house he is in now (None when out in the open, e.g. on a motorway).
        left_at: when he last left each safe house (for near misses).
        path: every (model hour, place, house, reason) he arrived somewhere.
        captured: set once he is taken.
    """

    def __init__(
        self,
        env: simpy.Environment,
        spec: FugitiveSpec,
        geography: Geography,
        calendar: Calendar,
        streams: Streams,
        counters: Counters,
        ledger: Ledger,
    ) -> None:
        self.env = env
        self.spec = spec
        self.geography = geography
        self.calendar = calendar
        self.counters = counters
        self.ledger = ledger
        self.dwell_stream = streams.stream("fugitive.dwell")
        self.route_stream = streams.stream("fugitive.route")
        self.alert_stream = streams.stream("fugitive.alert")
        self.names = (spec.name, *spec.aliases)
        self.houses = tuple(spec.safe_houses)
        self.place = ""
        self.house: str | None = None
        self.left_at: dict[str, float] = {}
        self.path: list[tuple[float, str, str | None, str]] = []
        self.captured = False
        self.on_itinerary = bool(spec.itinerary)
        self.contained_house: str | None = None
        self.contained_until = -1.0
        self._listeners: list[Callable[[], None]] = []
        self._gen = 0
        self._pending_at = float("inf")

    # --- set-up -----------------------------------------------------------------------------

    def listen(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every move (hazard clocks recompute their rate)."""
        self._listeners.append(callback)

    def start(self) -> None:
        """Place him at the start and schedule what comes next."""
        if self.spec.itinerary:
            self._start_itinerary()
        else:
            first = self.spec.start_house or self._first_house()
            self._arrive(self.spec.safe_houses[first].place, first, "start")
            self._schedule(self.spec.dwell.sample(self.dwell_stream), "dwell over")

    def _first_house(self) -> str:
        weights = [self.spec.safe_houses[h].weight for h in self.houses]
        return self.houses[self._pick(weights)]

    def _start_itinerary(self) -> None:
        legs = [(self.calendar.to_hours(leg.at), leg) for leg in self.spec.itinerary]
        before = [leg for t, leg in legs if t <= 0]
        first = before[-1] if before else legs[0][1]
        self._arrive_leg(first, "itinerary")
        for t, leg in legs:
            if t > 0:
                self.env.timeout(t).callbacks.append(lambda _e, leg=leg: self._leg(leg))
        end = max(t for t, _ in legs)
        if self.houses:
            self.env.timeout(max(end, 0.0)).callbacks.append(lambda _e: self._free())

    def _leg(self, leg: object) -> None:
        if not self.captured:
            self._arrive_leg(leg, "itinerary")

    def _arrive_leg(self, leg: object, why: str) -> None:
        house = leg.house  # type: ignore[attr-defined]
        place = self.spec.safe_houses[house].place if house else leg.place  # type: ignore[attr-defined]
        self._arrive(place, house, why)

    def _free(self) -> None:
        """The itinerary is over: from now on he moves between safe houses by himself."""
        self.on_itinerary = False
        if not self.captured:
            self._schedule(self.spec.dwell.sample(self.dwell_stream), "dwell over")

    # --- moving -------------------------------------------------------------------------------

    def _pick(self, weights: list[float]) -> int:
        total = sum(weights)
        if total <= 0:
            return int(self.route_stream.uniform() * len(weights)) % len(weights)
        return self.route_stream.pick([c / total for c in accumulate(weights)])

    def _schedule(self, delay: float, why: str) -> None:
        self._gen += 1
        gen = self._gen
        self._pending_at = self.env.now + delay
        self.env.timeout(delay).callbacks.append(lambda _e: self._move(gen, why))

    def _move(self, gen: int, why: str) -> None:
        if gen != self._gen or self.captured or self.on_itinerary:
            return
        now = self.env.now
        watched = self.house is not None and self.house == self.contained_house
        if watched and now < self.contained_until:  # he cannot slip out of a watched address
            self._schedule(self.contained_until - now + _AFTER_CONTAINMENT, why)
            return
        options = [h for h in self.houses if h != self.house]
        if options:
            weights = [self.spec.safe_houses[h].weight for h in options]
            house = options[self._pick(weights)]
            self._arrive(self.spec.safe_houses[house].place, house, why)
        self._schedule(self.spec.dwell.sample(self.dwell_stream), "dwell over")

    def _arrive(self, place: str, house: str | None, why: str) -> None:
        now = self.env.now
        if self.house is not None and house != self.house:
            self.left_at[self.house] = now
        moved = bool(self.path)
        self.place, self.house = place, house
        self.path.append((now, place, house, why))
        if moved:
            self.counters.fugitive_moves += 1
        self.ledger.log(now, "move", place=place, detail=f"{house or place}: {why}")
        for callback in self._listeners:
            callback()

    # --- reacting to the police ---------------------------------------------------------------

    def near(self, place: str, house: str | None) -> bool:
        """True when a search at ``house`` in ``place`` is within his alert radius."""
        radius = self.spec.alert.radius
        if radius == "commune":
            return place == self.place
        return self.geography.zone_of.get(place) == self.geography.zone_of.get(self.place)

    def alert(self, place: str, house: str | None) -> None:
        """A raid or visible search at ``house``/``place``: maybe move away after a delay."""
        if self.captured or self.on_itinerary or not self.houses or not self.near(place, house):
            return
        alert = self.spec.alert
        if not self.alert_stream.chance(alert.probability):
            return
        delay = alert.delay.sample(self.alert_stream)
        if self.env.now + delay < self._pending_at:
            self.counters.alert_moves += 1
            self._schedule(delay, "alerted by a search nearby")

    def flee(self, why: str) -> bool:
        """Leave at once (he escaped a raid or slipped out of a watched address).

        Returns:
            True when he leaves; False when he cannot (taken, on his itinerary, or with no other
            safe house to go to).
        """
        if not self.captured and not self.on_itinerary and len(self.houses) > 1:
            self.contained_house = None
            self._schedule(0.0, why)
            return True
        return False

    def contain(self, house: str, until: float) -> None:
        """Watch ``house`` until model hour ``until``: he cannot leave it unseen meanwhile."""
        self.contained_house = house
        self.contained_until = until

    def name_presented(self, stream_uniform: float) -> str:
        """The name on the papers he shows at a stop (an alias when he carries a false ID)."""
        if self.spec.aliases and stream_uniform < self.spec.alias_at_stops:
            return self.spec.aliases[0]
        return self.spec.name
