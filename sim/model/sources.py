"""Tip sources: how information about the fugitive comes into existence (DESIGN.md §2.2).

* **sightings**: informants see him where he is, at a rate per place while he is there, and tell a
  police service; with probability ``accuracy`` they name the right address, else a neighbouring
  commune.
* **intercepts**: an intelligence service learns his current place at some rate, after a lag.
* **stops**: a patrol stops him at some rate; the officer copies the name from his papers (typing
  errors only) and checks what the agency can see. A wanted match within the hold time is a
  capture on the spot; otherwise he is released.
* **noise**: false tips about random places (weighted by population), at realistic volume, that
  cost analysts and raid teams. Some name him, some name other people (a generated population,
  :mod:`sim.names.population`): a matcher that takes another name for his makes a false link.

Sightings, intercepts and stops are :class:`~sim.model.hazard.HazardClock` s tied to the fugitive's
place, each with two streams: ``NAME.when`` for timing and ``NAME.what`` for content, so that the
same path gives the same raw sightings in every setup. The agency told writes the name down in its
own convention (its ``names:AGENCY`` stream).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.streams import Stream
from sim.model.hazard import HazardClock
from sim.names.population import others
from sim.scenario.schema import LOCAL, Intercepts, Noise, Sightings, Stops

if TYPE_CHECKING:
    from sim.model.agency import Agency
    from sim.model.replication import Model


class Window:
    """The model hours between which a source runs."""

    __slots__ = ("closes", "opens")

    def __init__(self, model: Model, spec: Sightings | Intercepts | Stops | Noise) -> None:
        to_hours = model.calendar.to_hours
        self.opens = to_hours(spec.active_from) if spec.active_from else float("-inf")
        self.closes = to_hours(spec.active_until) if spec.active_until else float("inf")

    def __contains__(self, t: float) -> bool:
        return self.opens <= t < self.closes

    def edges(self) -> list[float]:
        """Moments (after the start) at which the source switches on or off."""
        return [t for t in (self.opens, self.closes) if 0 < t < float("inf")]


class Source:
    """Common machinery: a hazard clock on a rate that depends on time window and place."""

    def __init__(self, model: Model, name: str, spec: Sightings | Intercepts | Stops | Noise):
        self.model = model
        self.name = name
        self.window = Window(model, spec)
        self.when: Stream = model.streams.stream(f"{name}.when")
        self.what: Stream = model.streams.stream(f"{name}.what")
        self.clock = self._clock()

    def _clock(self) -> HazardClock | None:
        return HazardClock(self.model.env, self.when, self.rate_now, self.fire)

    def start(self, follows_fugitive: bool = True) -> None:
        """Start the clock; recompute at window edges and, if tied to him, at each of his moves."""
        clock = self.clock
        if clock is None:  # a source without a hazard clock starts itself (NoiseSource)
            raise TypeError(f"{self.name} has no hazard clock to start")
        if follows_fugitive:
            self.model.fugitive.listen(clock.update)
        for edge in self.window.edges():
            self.model.env.timeout(edge).callbacks.append(lambda _e: clock.update())
        clock.update()

    def rate_now(self) -> float:
        """Events per hour right now."""
        raise NotImplementedError

    def fire(self) -> None:
        """One event of this source."""
        raise NotImplementedError

    def reporter(self, weights: tuple[float, ...], names: tuple[str, ...], place: str) -> Agency:
        """The agency told, chosen by weight (``local``: the police zone of ``place``)."""
        name = names[self.what.pick(weights)]
        model = self.model
        if name == LOCAL:
            name = model.local_police[model.geography.zone_of[place]]
        return model.agencies[name]

    def observed_place(self, accuracy: float) -> tuple[str, str | None, bool]:
        """Where the tip says he is: (commune, address, right?) given the source's accuracy."""
        fugitive = self.model.fugitive
        if self.what.chance(accuracy):
            return fugitive.place, fugitive.house, True
        near = self.model.geography.neighbours.get(fugitive.place) or (fugitive.place,)
        return near[min(int(self.what.uniform() * len(near)), len(near) - 1)], None, False


def _cumulative(weights: dict[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    names = tuple(weights)
    total = sum(weights.values()) or 1.0
    running, out = 0.0, []
    for name in names:
        running += weights[name] / total
        out.append(running)
    return names, tuple(out)


class PlaceSource(Source):
    """A source that sees him only in some places, more often when he is out (visibility)."""

    spec: Sightings | Stops
    places: frozenset[str]

    def rate_now(self) -> float:
        """The rate while he is in a covered place within the window."""
        model = self.model
        fugitive = model.fugitive
        if model.env.now in self.window and fugitive.place in self.places:
            return self.spec.rate * fugitive.visibility  # out at a haunt, he is easier to see
        return 0.0


class SightingSource(PlaceSource):
    """Informants who see him and call a police service."""

    spec: Sightings

    def __init__(self, model: Model, index: int, spec: Sightings) -> None:
        super().__init__(model, f"sightings.{index}", spec)
        self.spec = spec
        self.places = frozenset(model.geography.expand(spec.places))
        self.names, self.weights = _cumulative(spec.reporters)

    def fire(self) -> None:
        """Create a sighting tip and hand it to the reporting agency."""
        model = self.model
        place, house, right = self.observed_place(self.spec.accuracy)
        named = self.what.chance(self.spec.named)
        agency = self.reporter(self.weights, self.names, place)
        name = agency.write_name(model.fugitive.spec.name) if named else None
        tip = model.new_tip("sighting", place, house, name, right, agency.language)
        agency.receive(tip)


class InterceptSource(Source):
    """An intelligence service learning where he is, after a lag."""

    def __init__(self, model: Model, index: int, spec: Intercepts) -> None:
        super().__init__(model, f"intercepts.{index}", spec)
        self.spec = spec

    def rate_now(self) -> float:
        """The rate within the window (intercepts do not depend on the place)."""
        return self.spec.rate if self.model.env.now in self.window else 0.0

    def fire(self) -> None:
        """Note his place now; the tip reaches the agency after the lag."""
        model = self.model
        place, house, right = self.observed_place(self.spec.accuracy)
        agency = model.agencies[self.spec.agency]
        lag = self.spec.lag.sample(self.what)
        name = agency.write_name(model.fugitive.spec.name)
        tip = model.new_tip("intercept", place, house, name, right, "")
        tip.language = agency.language
        model.env.timeout(lag).callbacks.append(lambda _e: agency.receive(tip))


class StopSource(PlaceSource):
    """Patrol stops and checkpoints: a check against what the stopping agency can see."""

    spec: Stops

    def __init__(self, model: Model, index: int, spec: Stops) -> None:
        super().__init__(model, f"stops.{index}", spec)
        self.spec = spec
        self.places = frozenset(model.geography.expand(spec.places))

    def fire(self) -> None:
        """He is stopped where he is."""
        model = self.model
        agency_name = self.spec.agency
        if agency_name == LOCAL:
            agency_name = model.local_police[model.geography.zone_of[model.fugitive.place]]
        check_at_stop(model, model.agencies[agency_name], self.spec.hold, self.what)


def check_at_stop(model: Model, agency: Agency, hold: float, stream: Stream) -> None:
    """A stop: the officer checks the name on his papers; a wanted match in time is a capture.

    At Cambrai on 14 Nov 2015 he was held about 30 minutes and released: not in the French files
    (FACTS.md §4).
    """
    fugitive = model.fugitive
    name = agency.write_name(fugitive.name_presented(stream.uniform()), heard=False)
    delay = agency.identify(name)
    model.counters.stops += 1
    now = model.env.now
    if delay is not None and delay <= hold:
        model.ledger.log(now, "stop", agency=agency.name, place=fugitive.place, detail="captured")
        model.capture("stop", agency.name)
        return
    model.counters.stops_released += 1
    why = "not in the files he checked" if delay is None else "the answer came too late"
    model.ledger.log(
        now, "stop", agency=agency.name, place=fugitive.place, detail=f"released: {why}"
    )


class NoiseSource(Source):
    """False tips about random places, independent of where he is."""

    def __init__(self, model: Model, index: int, spec: Noise) -> None:
        super().__init__(model, f"noise.{index}", spec)
        self.spec = spec
        self.places = model.geography.expand(spec.places)
        self.place_weights = model.geography.population_weights(self.places)
        self.names, self.weights = _cumulative(spec.reporters)
        # A stream of its own, so that naming other people shifts none of the tips' other draws.
        self.who: Stream = model.streams.stream(f"noise.{index}.who")
        rest = 1.0 - spec.names_fugitive
        self.others_share = spec.names_others / rest if rest > 0 else 0.0
        self.people = others(model.fugitive.names) if spec.names_others > 0 else ()

    def _clock(self) -> None:
        return None  # a constant rate needs no hazard clock: see start()

    def start(self, follows_fugitive: bool = False) -> None:
        """A plain Poisson stream of false tips between the window's edges.

        Its rate never changes, so the next tip is simply an exponential gap away: the same
        times a hazard clock would give from the same draws, without rescheduling machinery.
        """
        if self.spec.rate > 0:
            self._next(max(self.window.opens, 0.0))

    def _next(self, after: float) -> None:
        at = after + self.when.exp1() / self.spec.rate
        if at < self.window.closes:
            self.model.env.timeout(at - self.model.env.now).callbacks.append(self._tick)

    def _tick(self, _event: object) -> None:
        self.fire()
        self._next(self.model.env.now)

    def fire(self) -> None:
        """Create a false tip at a random place."""
        model = self.model
        place = self.places[self.what.pick(self.place_weights)]
        named = self.what.chance(self.spec.names_fugitive)
        agency = self.reporter(self.weights, self.names, place)
        heard, other = None, False
        if named:
            heard = model.fugitive.spec.name
        elif self.people and self.who.chance(self.others_share):
            people = self.people
            heard, other = people[min(int(self.who.uniform() * len(people)), len(people) - 1)], True
        tip = model.new_tip("noise", place, None, None, False, agency.language)
        tip.heard = heard  # the agency writes it down when someone needs it (Agency._written)
        tip.names_other = other
        agency.receive(tip)
