"""The fugitive: where he hides, when he moves, and how he reacts to searches near him.

Two ways to say where he is (DESIGN.md §2.1): a set of safe houses with a movement model (dwell
times, transition weights, alert moves), or a dated itinerary replaying history; an itinerary may
hand over to the movement model after its last leg.

His life is one simpy process, :meth:`Fugitive._life`, read top to bottom: follow the itinerary,
then, at a safe house, wait for whichever comes first of the end of his stay (or an earlier move
an alarm brought forward), his next evening outing, or his way back from one. Something that
changes his plans from outside (a search nearby, an escape) interrupts the wait, and he looks at his
plans again.

Between moves he may go out for a few hours to a *haunt* (a relative's, a friend's), mostly in
the evening, when he is far more visible: a tip about where he was seen then is worth something
only if the search comes before he is back home, which is where delays and the night rule bite.

**Containment.** While a search of an address waits for the end of the night ban, the address may
be watched (:meth:`Fugitive.watch`): whenever he is there during the watch, whether he was inside
when it began or walked in later, he cannot leave by his own moves (the end of a stay, an alarm, an
outing, the way home from a haunt), but slips out at the containment's rate (a hazard that runs
only while he is inside) and then flees to another safe house. The watch lasts until the search,
so if he comes back to the address before then, it holds him again.

**Custody.** A detention that ends before the horizon (:meth:`Fugitive.take_into_custody`) takes
him out of the world for its length: nobody sees or stops him, searches find him gone, and his
own plans wait. Released, he takes up his itinerary where it has got to (or stays where he was
held until its next leg), or goes back to the safe house he lived in for a new stay.

Randomness: ``fugitive.dwell`` (how long he stays), ``fugitive.route`` (where he goes next),
``fugitive.alert`` (whether and when a search near him makes him move), ``fugitive.outings`` and
``fugitive.slip_out`` are separate streams, so the k-th move of replication r happens at the same
time in every setup unless an alert intervenes.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from itertools import accumulate

import simpy

from sim.core.streams import Stream
from sim.model.context import Context
from sim.model.hazard import HazardClock
from sim.model.loop import call_at
from sim.model.observe import Seen
from sim.scenario.schema import Fugitive as FugitiveSpec
from sim.scenario.schema import Stop

_AFTER_WATCH = 1 / 60  # a move the watch blocked is tried again one minute after the search
_NEVER = float("inf")


class Fugitive:
    """The person sought, during one replication.

    Args:
        spec: the scenario's ``fugitive`` block.
        ctx: what the replication's components share.
        slip_rate: the containment's escape rate (per hour; 0: a watch holds him).

    Attributes:
        place: the commune he is in now.
        house: the address he is at now: a safe house or a haunt (None when out in the open).
        home: the safe house he sleeps at (he may be out at a haunt).
        left_at: when he last left each address (for near misses).
        path: every (model hour, place, address, reason) he arrived somewhere.
        captured: set once he is taken for good.
        in_custody: set while a detention that will end holds him.
    """

    def __init__(self, spec: FugitiveSpec, ctx: Context, slip_rate: float = 0.0) -> None:
        self.spec = spec
        self.ctx = ctx
        self.env = ctx.env
        streams = ctx.streams
        self.dwell_stream = streams.stream("fugitive.dwell")
        self.route_stream = streams.stream("fugitive.route")
        self.alert_stream = streams.stream("fugitive.alert")
        self.outing_stream = streams.stream("fugitive.outings")
        self.names = (spec.name, *spec.aliases)
        self.houses = tuple(spec.safe_houses)
        self.place = ""
        self.house: str | None = None
        self.home: str | None = None
        self.visibility = 1.0  # multiplies sighting and stop rates (higher while out)
        self.left_at: dict[str, float] = {}
        self.path: list[tuple[float, str, str | None, str]] = []
        self.captured = False
        self.in_custody = False
        self.on_itinerary = bool(spec.itinerary)
        self.watched: dict[str, float] = {}  # address -> model hour its watch ends
        self._listeners: list[Callable[[], None]] = []
        self._custody_listeners: list[Callable[[], None]] = []
        self._released: simpy.Event | None = None  # succeeds when a detention ends
        self._due_leg: Stop | None = None  # the itinerary's leg that came due while he was held
        # His plans: when he next moves house (and why), goes out, comes back from an outing.
        self._move_at, self._move_why = _NEVER, ""
        self._outing_at = _NEVER
        self._back_at = _NEVER
        self._life_process: simpy.Process | None = None
        self._interrupted = False
        self._slip = HazardClock(
            ctx.env, streams.stream("fugitive.slip_out"), self._slip_rate(slip_rate), self._slips
        )
        self.listen(self._slip.update)

    # --- set-up -----------------------------------------------------------------------------

    def listen(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every move (hazard clocks recompute their rate)."""
        self._listeners.append(callback)

    def on_custody(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when he is taken into custody and when he is released."""
        self._custody_listeners.append(callback)

    def start(self) -> None:
        """Start his life: place him at the start and let him move."""
        self._life_process = self.env.process(self._life())

    def _life(self) -> Generator[simpy.Event, object, None]:
        """Where he is, from the start to his capture (or the end of the run)."""
        env = self.env
        if self.spec.itinerary:
            yield from self._follow_itinerary()
            if self.in_custody and self._released is not None:
                yield self._released  # the itinerary ended while he was held
            if not self.houses or self.captured:
                return
            self._free()
        else:
            self._settle(self.spec.start_house or self._first_house(), "start")
            self._plan_move(self.spec.dwell.sample(self.dwell_stream), "dwell over")
        while not self.captured:
            if self.in_custody and self._released is not None:
                yield self._released  # his plans wait for the end of the detention
                continue
            at, act = self._next_plan()
            try:
                yield env.timeout(at - env._now) if at < _NEVER else env.event()
            except simpy.Interrupt:
                self._interrupted = False  # his plans changed: look at them again
                continue
            if not self.captured:
                act()

    def _first_house(self) -> str:
        weights = [self.spec.safe_houses[h].weight for h in self.houses]
        return self.houses[self._pick(weights)]

    def _follow_itinerary(self) -> Generator[simpy.Event, object, None]:
        """The dated legs: he is at the last leg dated before the start, then at each in turn."""
        env = self.env
        legs = [(self.ctx.calendar.to_hours(leg.at), leg) for leg in self.spec.itinerary]
        before = [leg for t, leg in legs if t <= 0]
        self._arrive_leg(before[-1] if before else legs[0][1])
        for t, leg in legs:
            if t > 0:
                yield env.timeout(t - env._now)
                if self.captured:
                    return
                if self.in_custody:  # held: he takes the leg up when released
                    self._due_leg = leg
                    continue
                self._arrive_leg(leg)

    def _arrive_leg(self, leg: Stop) -> None:
        if leg.house:
            self._arrive(self.spec.safe_houses[leg.house].place, leg.house, "itinerary")
        elif leg.place is not None:
            self._arrive(leg.place, None, "itinerary")
        else:  # the schema refuses a leg with neither
            raise ValueError("an itinerary leg gives a place or a house")

    def _free(self) -> None:
        """The itinerary is over: from now on he moves between safe houses by himself."""
        self.on_itinerary = False
        self._slip.update()  # a watch may hold him from now on
        self.home = self.house if self.house in self.spec.safe_houses else None
        self._plan_outing()
        self._plan_move(self.spec.dwell.sample(self.dwell_stream), "dwell over")

    # --- his plans ------------------------------------------------------------------------

    def _next_plan(self) -> tuple[float, Callable[[], None]]:
        """The earliest of his plans and what he does then."""
        plans = [
            (self._move_at, self._move),
            (self._outing_at, self._go_out),
            (self._back_at, self._come_back),
        ]
        return min(plans, key=lambda p: p[0])

    def _plan_move(self, delay: float, why: str) -> None:
        self._move_at, self._move_why = self.env._now + delay, why

    def _replan(self) -> None:
        """Something outside changed his plans: wake his life up to look at them again."""
        process = self._life_process
        if process is None or not process.is_alive or self._interrupted:
            return
        if self.env.active_process is process:  # his own step: the loop looks again anyway
            return
        self._interrupted = True
        process.interrupt()

    def _held(self) -> float | None:
        """When the watch on the address he is at ends (None: he is free to leave)."""
        until = self.watched.get(self.house or "")
        return until if until is not None and self.env._now < until else None

    # --- moving -------------------------------------------------------------------------------

    def _pick(self, weights: list[float]) -> int:
        total = sum(weights)
        if total <= 0:
            return int(self.route_stream.uniform() * len(weights)) % len(weights)
        return self.route_stream.pick([c / total for c in accumulate(weights)])

    def _move(self, forced: bool = False) -> None:
        """He moves to another safe house (a forced move ignores a watch: he slipped out)."""
        until = None if forced else self._held()
        if until is not None:  # the address is watched: he cannot leave unseen
            self._move_at = until + _AFTER_WATCH
            return
        options = [h for h in self.houses if h != self.home]
        if options:
            weights = [self.spec.safe_houses[h].weight for h in options]
            self._settle(options[self._pick(weights)], self._move_why)
        self._plan_move(self.spec.dwell.sample(self.dwell_stream), "dwell over")

    def _settle(self, house: str, why: str) -> None:
        """Move into a safe house (from home or from an outing) and plan his next outing."""
        self.visibility = 1.0
        self.home = house
        self._back_at = _NEVER  # an outing in progress ends with the move
        self._arrive(self.spec.safe_houses[house].place, house, why)
        self._plan_outing()

    # --- outings ------------------------------------------------------------------------------

    def _plan_outing(self) -> None:
        outings = self.spec.outings
        if outings is None or outings.rate <= 0 or self.home is None:
            self._outing_at = _NEVER
            return
        stream = self.outing_stream
        at = self.env._now + stream.exp1() / outings.rate
        if outings.starts is not None:  # he goes out only in the evening hours, say
            at = self._within(at, outings.starts.starts_from, outings.starts.starts_until, stream)
        self._outing_at = at

    def _within(self, at: float, opens: float, closes: float, stream: Stream) -> float:
        """``at`` if it falls in the daily window, else a uniform moment of the next window."""
        length = (closes - opens) % 24 or 24.0
        since = (self.ctx.calendar.hour_of_day(at) - opens) % 24
        if since < length:
            return at
        return at + (24 - since) + stream.uniform() * length

    def _go_out(self) -> None:
        outings = self.spec.outings
        assert outings is not None
        self._outing_at = _NEVER
        if self.house != self.home or self._held() is not None:
            self._plan_outing()  # not at home, or home is watched: another evening
            return
        names = list(outings.haunts)
        haunt = names[self._pick_outing([outings.haunts[n].weight for n in names])]
        self.visibility = outings.visibility
        self._arrive(outings.haunts[haunt].place, haunt, "went out")
        self._back_at = self.env._now + outings.duration.sample(self.outing_stream)

    def _pick_outing(self, weights: list[float]) -> int:
        total = sum(weights) or 1.0
        return self.outing_stream.pick([c / total for c in accumulate(weights)])

    def _come_back(self) -> None:
        until = self._held()
        if until is not None:  # the haunt is watched: he cannot slip back home unseen
            self._back_at = until + _AFTER_WATCH
            return
        self._back_at = _NEVER
        home = self.home
        if home is None:
            return
        self.visibility = 1.0
        self._arrive(self.spec.safe_houses[home].place, home, "back home")
        self._plan_outing()

    def _arrive(self, place: str, house: str | None, why: str) -> None:
        now = self.env._now
        if self.house is not None and house != self.house:
            self.left_at[self.house] = now
        moved = bool(self.path)
        self.place, self.house = place, house
        self.path.append((now, place, house, why))
        seen = self.ctx.seen
        also = ("fugitive_moves",) if moved else ()
        seen.note(Seen.MOVE, agency="", place=place, detail=f"{house or place}: {why}", also=also)
        for callback in self._listeners:
            callback()

    # --- reacting to the police ---------------------------------------------------------------

    def near(self, place: str, house: str | None) -> bool:
        """True when a search at ``house`` in ``place`` is within his alert radius."""
        if self.spec.alert.radius == "commune":
            return place == self.place
        zone_of = self.ctx.geography.zone_of
        return zone_of.get(place) == zone_of.get(self.place)

    def alert(self, place: str, house: str | None) -> None:
        """A raid or visible search at ``house``/``place``: maybe move away after a delay."""
        if self.captured or self.in_custody or self.on_itinerary or not self.houses:
            return
        if not self.near(place, house):
            return
        alert = self.spec.alert
        if not self.alert_stream.chance(alert.probability):
            return
        delay = alert.delay.sample(self.alert_stream)
        if self.env._now + delay < self._move_at:
            self.ctx.seen.note(Seen.ALERTED, place=place)
            self._plan_move(delay, "alerted by a search nearby")
            self._replan()

    def flee(self, why: str) -> bool:
        """Leave at once for another safe house (he escaped a search, or slipped out unseen).

        Returns:
            True when he leaves; False when he cannot (taken, on his itinerary, or with no other
            safe house to go to).
        """
        if not self._can_flee():
            return False
        self._move_why = why
        self._move(forced=True)
        self._replan()
        return True

    # --- custody ------------------------------------------------------------------------------

    def take_into_custody(self, until: float) -> None:
        """He is held until model hour ``until`` (a detention that ends before the horizon)."""
        self.in_custody = True
        self.visibility = 0.0  # nobody sees or stops a man in custody
        self._outing_at = self._back_at = _NEVER
        self._released = self.env.event()
        self._arrive(self.place, None, "taken into custody")
        for callback in self._custody_listeners:
            callback()
        call_at(self.env, until - self.env._now, self._release)
        if not self.on_itinerary:
            self._replan()

    def _release(self, _timer: object = None) -> None:
        """The detention ends: back to his itinerary, or to the safe house he lived in."""
        if self.captured:
            return
        self.in_custody = False
        self.visibility = 1.0
        self.ctx.seen.note(Seen.RELEASED, place=self.place)
        if self.on_itinerary:
            leg, self._due_leg = self._due_leg, None
            if leg is not None:
                self._arrive_leg(leg)
            else:
                self._arrive(self.place, None, "released")
        else:
            self._settle(self.home or self._first_house(), "released")
            self._plan_move(self.spec.dwell.sample(self.dwell_stream), "dwell over")
        for callback in self._custody_listeners:
            callback()
        released, self._released = self._released, None
        if released is not None:
            released.succeed()

    # --- containment ----------------------------------------------------------------------

    def watch(self, address: str, until: float) -> None:
        """Watch ``address`` until model hour ``until`` (the search): see the module docstring."""
        self.watched[address] = max(until, self.watched.get(address, until))
        self._slip.update()
        call_at(self.env, until - self.env._now, lambda _e: self._slip.update())

    def _can_flee(self) -> bool:
        """True when he could flee to another safe house now: free, out of custody, one to go to."""
        return (
            not self.captured
            and not self.in_custody
            and not self.on_itinerary
            and len(self.houses) > 1
        )

    def _slip_rate(self, rate: float) -> Callable[[], float]:
        """The slip-out hazard: the containment's rate while he is at a watched address.

        With nowhere to slip away to (one safe house, or on his dated itinerary) the rate is
        zero: a slip-out would change nothing, and a huge rate would otherwise ring for ever.
        """

        def now() -> float:
            return rate if self._held() is not None and self._can_flee() else 0.0

        return now

    def _slips(self) -> None:
        """He slips out of the watched address he is in (or stays, with nowhere to go)."""
        address, place = self.house, self.place
        if self.flee("slipped out of the watched address"):
            self.ctx.seen.note(Seen.CONTAINMENT_ESCAPE, place=place, detail=address or "")

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
