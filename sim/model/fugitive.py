"""The fugitive: where he hides, when he moves, and how he reacts to searches near him.

Two ways to say where he is (DESIGN.md §2.1): a set of safe houses with a movement model (dwell
times, transition weights, alert moves), or a dated itinerary replaying history; an itinerary may
hand over to the movement model after its last leg. Moves are scheduled callbacks tagged with a
generation number, so an alert move simply supersedes the dwell move it pre-empts.

Between moves he may go out for a few hours to a *haunt* (a relative's, a friend's), mostly in
the evening, when he is far more visible: a tip about where he was seen then is worth something
only if the search comes before he is back home, which is where delays and the night rule bite.

Randomness: ``fugitive.dwell`` (how long he stays), ``fugitive.route`` (where he goes next),
``fugitive.alert`` (whether and when a search near him makes him move) and ``fugitive.outings``
are separate streams, so the k-th move of replication r happens at the same time in every setup
unless an alert intervenes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import accumulate

import simpy

from sim.core.clock import Calendar
from sim.core.streams import Stream, Streams
from sim.model.ledger import Ledger
from sim.model.places import Geography
from sim.model.record import Counters
from sim.scenario.schema import Fugitive as FugitiveSpec
from sim.scenario.schema import Stop

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
        self.outing_stream = streams.stream("fugitive.outings")
        self.names = (spec.name, *spec.aliases)
        self.houses = tuple(spec.safe_houses)
        self.place = ""
        self.house: str | None = None
        self.home: str | None = None  # the safe house he sleeps at (he may be out at a haunt)
        self.visibility = 1.0  # multiplies sighting and stop rates (higher while out)
        self.left_at: dict[str, float] = {}
        self.path: list[tuple[float, str, str | None, str]] = []
        self.captured = False
        self.on_itinerary = bool(spec.itinerary)
        self.contained_house: str | None = None
        self.contained_until = -1.0
        self._listeners: list[Callable[[], None]] = []
        self._gen = 0
        self._outing_gen = 0
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
            self._settle(first, "start")
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
                self.env.timeout(t).callbacks.append(partial(self._leg, leg))
        end = max(t for t, _ in legs)
        if self.houses:
            self.env.timeout(max(end, 0.0)).callbacks.append(lambda _e: self._free())

    def _leg(self, leg: Stop, _timer: simpy.Event) -> None:
        if not self.captured:
            self._arrive_leg(leg, "itinerary")

    def _arrive_leg(self, leg: Stop, why: str) -> None:
        house = leg.house
        if house:
            place = self.spec.safe_houses[house].place
        elif leg.place is not None:
            place = leg.place
        else:  # the schema refuses a leg with neither
            raise ValueError("an itinerary leg gives a place or a house")
        self._arrive(place, house, why)

    def _free(self) -> None:
        """The itinerary is over: from now on he moves between safe houses by himself."""
        self.on_itinerary = False
        if not self.captured:
            self.home = self.house if self.house in self.spec.safe_houses else None
            self._plan_outing()
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
        options = [h for h in self.houses if h != self.home]
        if options:
            weights = [self.spec.safe_houses[h].weight for h in options]
            self._settle(options[self._pick(weights)], why)
        self._schedule(self.spec.dwell.sample(self.dwell_stream), "dwell over")

    def _settle(self, house: str, why: str) -> None:
        """Move into a safe house (from home or from an outing) and plan his next outing."""
        self._outing_gen += 1  # an outing planned from the old house no longer happens
        self.visibility = 1.0
        self.home = house
        self._arrive(self.spec.safe_houses[house].place, house, why)
        self._plan_outing()

    # --- outings ------------------------------------------------------------------------------

    def _plan_outing(self) -> None:
        outings = self.spec.outings
        if outings is None or outings.rate <= 0 or self.home is None:
            return
        stream = self.outing_stream
        at = self.env.now + stream.exp1() / outings.rate
        if outings.starts is not None:  # he goes out only in the evening hours, say
            at = self._within(at, outings.starts.starts_from, outings.starts.starts_until, stream)
        gen = self._outing_gen
        self.env.timeout(at - self.env.now).callbacks.append(lambda _e: self._go_out(gen))

    def _within(self, at: float, opens: float, closes: float, stream: Stream) -> float:
        length = (closes - opens) % 24 or 24.0
        since = (self.calendar.hour_of_day(at) - opens) % 24
        if since < length:
            return at
        return at + (24 - since) + stream.uniform() * length

    def _go_out(self, gen: int) -> None:
        if gen != self._outing_gen or self.captured or self.on_itinerary:
            return
        outings = self.spec.outings
        assert outings is not None
        watched = self.home is not None and self.home == self.contained_house
        if self.house != self.home or (watched and self.env.now < self.contained_until):
            self._plan_outing()
            return
        names = list(outings.haunts)
        haunt = names[self._pick_outing([outings.haunts[n].weight for n in names])]
        self.visibility = outings.visibility
        self._arrive(outings.haunts[haunt].place, haunt, "went out")
        self._outing_gen += 1
        back = self._outing_gen
        duration = outings.duration.sample(self.outing_stream)
        self.env.timeout(duration).callbacks.append(lambda _e: self._come_back(back))

    def _pick_outing(self, weights: list[float]) -> int:
        total = sum(weights) or 1.0
        return self.outing_stream.pick([c / total for c in accumulate(weights)])

    def _come_back(self, gen: int) -> None:
        if gen != self._outing_gen or self.captured or self.home is None:
            return
        now = self.env.now
        if self.house == self.contained_house and now < self.contained_until:
            # The address is watched overnight: he cannot slip back home unseen.
            wait = self.contained_until - now + _AFTER_CONTAINMENT
            self.env.timeout(wait).callbacks.append(lambda _e: self._come_back(gen))
            return
        self.visibility = 1.0
        self._arrive(self.spec.safe_houses[self.home].place, self.home, "back home")
        self._plan_outing()

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

    def address_place(self, address: str) -> str:
        """The commune of a safe house or a haunt."""
        if address in self.spec.safe_houses:
            return self.spec.safe_houses[address].place
        outings = self.spec.outings
        assert outings is not None and address in outings.haunts, address
        return outings.haunts[address].place

    def name_presented(self, stream_uniform: float) -> str:
        """The name on the papers he shows at a stop (an alias when he carries a false ID)."""
        if self.spec.aliases and stream_uniform < self.spec.alias_at_stops:
            return self.spec.aliases[0]
        return self.spec.name
