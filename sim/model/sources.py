"""Tip sources: how information about the fugitive comes into existence (DESIGN.md §2.2).

* **sightings**: informants see him where he is, at a rate per place while he is there, and tell a
  police service; with probability ``accuracy`` they name the right address, else a neighbouring
  commune.
* **intercepts**: an intelligence service learns his current place at some rate, after a lag.
* **stops**: a patrol stops him at some rate; the officer copies the name from his papers (typing
  errors only) and checks what the agency can see. A match within the hold time on a ground to
  detain holds him; a discreet-check record reports where he was; otherwise he is released.
* **noise**: false tips about random places (:mod:`sim.model.noise`); the few that travel on are
  handed to their service here, one at a time, at the moment each arrives.

Sightings, intercepts and stops are :class:`~sim.model.hazard.HazardClock` s tied to the
fugitive's place, each with two streams: ``NAME.when`` for timing and ``NAME.what`` for content, so
that the same path gives the same raw sightings in every setup. The agency told writes the name
down in its own convention (its ``names:AGENCY`` stream).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sim.core.streams import Stream
from sim.model.context import Context, Service
from sim.model.fugitive import Fugitive
from sim.model.grounds import DETAIN, NONE, REPORT
from sim.model.hazard import HazardClock
from sim.model.loop import call_at
from sim.model.noise import Travelling
from sim.model.observe import Seen
from sim.model.tip import Tip
from sim.scenario.schema import LOCAL, Intercepts, Sightings, Stops


class NoiseReceiver(Service, Protocol):
    """A service that takes false tips that travel on."""

    def receive_noise(self, tips: Travelling, k: int) -> None:
        """The ``k``-th of a source's travelling false tips arrives."""
        ...


class Window:
    """The model hours between which a source runs."""

    __slots__ = ("closes", "opens")

    def __init__(self, ctx: Context, spec: Sightings | Intercepts | Stops) -> None:
        to_hours = ctx.calendar.to_hours
        self.opens = to_hours(spec.active_from) if spec.active_from else float("-inf")
        self.closes = to_hours(spec.active_until) if spec.active_until else float("inf")

    def __contains__(self, t: float) -> bool:
        return self.opens <= t < self.closes

    def edges(self) -> list[float]:
        """Moments (after the start) at which the source switches on or off."""
        return [t for t in (self.opens, self.closes) if 0 < t < float("inf")]


class Source:
    """Common machinery: a hazard clock on a rate that depends on time window and place."""

    def __init__(
        self, name: str, spec: Sightings | Intercepts | Stops, ctx: Context, fugitive: Fugitive
    ) -> None:
        self.ctx = ctx
        self.fugitive = fugitive
        self.name = name
        self.window = Window(ctx, spec)
        self.when: Stream = ctx.streams.stream(f"{name}.when")
        self.what: Stream = ctx.streams.stream(f"{name}.what")
        self.clock = HazardClock(ctx.env, self.when, self.rate_now, self.fire)

    def start(self, follows_fugitive: bool = True) -> None:
        """Start the clock; recompute at window edges and at his moves (or custody, if not tied).

        A clock tied to him recomputes at each of his moves; one that is not, when he is taken
        into custody and released.
        """
        clock = self.clock
        if follows_fugitive:
            self.fugitive.listen(clock.update)
        else:  # a source blind to where he is still falls silent while he is held
            self.fugitive.on_custody(clock.update)
        for edge in self.window.edges():
            call_at(self.ctx.env, edge, lambda _e: clock.update())
        clock.update()

    def rate_now(self) -> float:
        """Events per hour right now."""
        raise NotImplementedError

    def fire(self) -> None:
        """One event of this source."""
        raise NotImplementedError

    def reporter(self, weights: tuple[float, ...], names: tuple[str, ...], place: str) -> Service:
        """The agency told, chosen by weight (``local``: the police zone of ``place``)."""
        name = names[self.what.pick(weights)]
        directory = self.ctx.directory
        if name == LOCAL:
            local = directory.local(self.ctx.geography.zone_of[place])
            if local is None:
                raise ValueError(f"{self.name}: {place} has no local police to tell")
            return local
        return directory.agencies[name]

    def observed_place(self, accuracy: float) -> tuple[str, str | None, bool]:
        """Where the tip says he is: (commune, address, right?) given the source's accuracy."""
        fugitive = self.fugitive
        if self.what.chance(accuracy):
            return fugitive.place, fugitive.house, True
        near = self.ctx.geography.neighbours.get(fugitive.place) or (fugitive.place,)
        return near[min(int(self.what.uniform() * len(near)), len(near) - 1)], None, False

    def new_tip(
        self, kind: str, place: str, house: str | None, name: str | None, true: bool, lang: str
    ) -> Tip:
        """A new original tip observed now (counted, and logged when tracing)."""
        ctx = self.ctx
        tip = ctx.tips.new(kind, ctx.now, place, house, name, true, lang)
        detail = f"{kind}; true={true}" if ctx.seen.tracing else ""
        ctx.seen.note(
            Seen.CREATED, tip, also=("tips_true" if true else "tips_false",), detail=detail
        )
        return tip


def cumulative(weights: dict[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Names and normalised cumulative weights of a map of weights."""
    names = tuple(weights)
    total = sum(weights.values()) or 1.0
    running, out = 0.0, []
    for name in names:
        running += weights[name] / total
        out.append(running)
    return names, tuple(out)


class PlaceSource(Source):
    """A source that sees him only in some places, more often when he is out (visibility)."""

    rate: float
    places: frozenset[str]

    def rate_now(self) -> float:
        """The rate while he is in a covered place within the window."""
        fugitive = self.fugitive
        if self.ctx.env._now in self.window and fugitive.place in self.places:
            return self.rate * fugitive.visibility  # out at a haunt, he is easier to see
        return 0.0


class SightingSource(PlaceSource):
    """Informants who see him and call a police service."""

    def __init__(self, index: int, spec: Sightings, ctx: Context, fugitive: Fugitive) -> None:
        self.spec = spec
        self.rate = spec.rate
        self.places = frozenset(ctx.geography.expand(spec.places))
        self.names, self.weights = cumulative(spec.reporters)
        super().__init__(f"sightings.{index}", spec, ctx, fugitive)

    def fire(self) -> None:
        """Create a sighting tip and hand it to the reporting agency."""
        place, house, right = self.observed_place(self.spec.accuracy)
        named = self.what.chance(self.spec.named)
        agency = self.reporter(self.weights, self.names, place)
        name = agency.write_name(self.fugitive.spec.name) if named else None
        tip = self.new_tip("sighting", place, house, name, right, agency.language)
        agency.receive(tip)


class InterceptSource(Source):
    """An intelligence service learning where he is, after a lag."""

    def __init__(self, index: int, spec: Intercepts, ctx: Context, fugitive: Fugitive) -> None:
        self.spec = spec
        super().__init__(f"intercepts.{index}", spec, ctx, fugitive)

    def rate_now(self) -> float:
        """The rate within the window (intercepts do not depend on the place), none in custody."""
        if self.fugitive.in_custody:
            return 0.0
        return self.spec.rate if self.ctx.env._now in self.window else 0.0

    def fire(self) -> None:
        """Note his place now; the tip reaches the agency after the lag."""
        place, house, right = self.observed_place(self.spec.accuracy)
        agency = self.ctx.directory.agencies[self.spec.agency]
        lag = self.spec.lag.sample(self.what)
        name = agency.write_name(self.fugitive.spec.name)
        tip = self.new_tip("intercept", place, house, name, right, agency.language)
        call_at(self.ctx.env, lag, lambda _e: agency.receive(tip))


class StopSource(PlaceSource):
    """Patrol stops and checkpoints: a check against what the stopping agency can see."""

    def __init__(
        self,
        index: int,
        spec: Stops,
        ctx: Context,
        fugitive: Fugitive,
        check: Check,
    ) -> None:
        self.spec = spec
        self.rate = spec.rate
        self.places = frozenset(ctx.geography.expand(spec.places))
        self.check = check
        super().__init__(f"stops.{index}", spec, ctx, fugitive)

    def fire(self) -> None:
        """He is stopped where he is."""
        directory = self.ctx.directory
        if self.spec.agency == LOCAL:
            agency = directory.local(self.ctx.geography.zone_of[self.fugitive.place])
        else:
            agency = directory.agencies[self.spec.agency]
        if agency is not None:
            self.check(agency, self.spec.hold, self.what, None)


class TravellingNoise:
    """Hands a noise source's travelling false tips to their services as each one arrives.

    One pending timer at a time (the next tip), so a run that ends early schedules no more.
    """

    def __init__(self, tips: Travelling, receivers: Sequence[NoiseReceiver], ctx: Context):
        self.tips = tips
        self.receivers = receivers
        self.ctx = ctx
        self._next = 0

    def start(self) -> None:
        """Schedule the first tip."""
        self._schedule()

    def _schedule(self) -> None:
        if self._next < len(self.tips):
            at = self.tips.at[self._next]
            call_at(self.ctx.env, at - self.ctx.env._now, self._arrive)

    def _arrive(self, _event: object) -> None:
        k = self._next
        self._next = k + 1
        tips = self.tips
        self.receivers[tips.agency[k]].receive_noise(tips, k)
        self._schedule()


#: A check: (agency, hold in hours, stream for the name on his papers, name the check reads).
Check = Callable[[Service, float, Stream, "str | None"], None]


def stop_check(
    fugitive: Fugitive,
    ctx: Context,
    capture: Callable[[str, str], None],
    deliver: Callable[[Tip, Service], None],
) -> Check:
    """The check made at a stop: the officer reads his papers and looks the name up.

    A match that comes within the hold decides by its ground (:mod:`sim.model.grounds`): a
    ground to detain holds him (a capture, or a detention that ends, see :class:`Model`); a
    discreet-check record lets him go and tells its register's keeper where he was; a watch
    record lets him go. At Cambrai on 14 Nov 2015 he was held about 30 minutes and released:
    not in the French files (docs/sources.md §4).
    """

    def check(agency: Service, hold: float, stream: Stream, name: str | None = None) -> None:
        shown = name if name is not None else fugitive.name_presented(stream.uniform())
        written = agency.write_name(shown, heard=False)
        found = agency.grounds(written)
        ground = found[1] if found is not None and found[0] <= hold else NONE
        seen = ctx.seen
        if ground is DETAIN:
            seen.note(Seen.STOP, agency=agency.name, place=fugitive.place, detail="captured")
            capture("stop", agency.name)
            return
        if found is None:
            why = "not in the files he checked"
        elif ground is NONE:
            why = "the answer came too late"
        elif ground is REPORT:
            why = "a discreet check: reported"
        else:
            why = "recognised, but no record of him is a ground to hold him"
        seen.note(
            Seen.STOP,
            agency=agency.name,
            place=fugitive.place,
            detail=f"released: {why}",
            also=("stops_released",),
        )
        if ground is REPORT:
            report(agency, written)

    def report(agency: Service, written: str) -> None:
        """A discreet check: the keeper of each reporting register learns where he was seen."""
        for keeper in agency.reported_to(written):
            tip = ctx.tips.new(
                "check", ctx.now, fugitive.place, fugitive.house, written, True, agency.language
            )
            tip.identified = REPORT  # the report says whose record it is
            detail = f"check by {agency.name}; true=True" if ctx.seen.tracing else ""
            ctx.seen.note(
                Seen.CREATED, tip, also=("tips_true", "reports_from_checks"), detail=detail
            )
            deliver(tip, ctx.directory.agencies[keeper])

    return check
