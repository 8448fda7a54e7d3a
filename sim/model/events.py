"""Scheduled events: dated flags, tips and checks (DESIGN.md §2.2).

History is full of dated moments: an international arrest warrant entered in the files, a warning
from a foreign service, a call about an address, a motorway check. Each scenario event happens at
its date: a flag makes a name wanted in a database or an agency's own files (or, when ambiguous,
is held until a resolve event); a link ties an alias to a name there; a tip reaches an agency; a
stop checks him if he is at that place then. Flags, links and resolutions dated before the start
hold from the start; tips and stops dated before it are history the run does not replay.

Names in flags and links are written by the register's keeper (the agency, or the database's
owner) in its convention, unless the flag is ``verbatim``; a dated tip's name is written by its
receiver (or, in another language, by a writer of that language, stream ``names:events``) unless
the scenario gives the name as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sim.model.context import Context, Service
from sim.model.fugitive import Fugitive
from sim.model.grounds import BY_WORD
from sim.model.loop import call_at
from sim.model.observe import Seen
from sim.model.register import Register
from sim.model.sources import Check
from sim.model.tip import Tip
from sim.names.conventions import FOR_LANGUAGE, convention
from sim.names.variants import write_name
from sim.scenario.schema import DatedStop, DatedTip, Event, Flag, Link, RegisterEntry, Resolve

_STANDING = ("flag", "link", "resolve")  # events whose effect holds from the start if dated before


@dataclass(frozen=True)
class Keeper:
    """A register and who keeps it (writes the names entered in it; None: nobody writes)."""

    name: str
    register: Register
    writer: Service | None


class Events:
    """The scenario's dated events, happening at their dates.

    Args:
        events: the scenario's events.
        ctx: what the replication's components share.
        fugitive: the person sought.
        keepers: each register by ("database" or "agency", name).
        deliver: hands a dated tip to its receiver (across the language barrier if need be).
        check: a stop: the agency checks his papers.
        variation: how strongly writers re-spell names.
    """

    def __init__(
        self,
        events: tuple[Event, ...],
        ctx: Context,
        fugitive: Fugitive,
        keepers: dict[tuple[str, str], Keeper],
        deliver: Callable[[Tip, Service], None],
        check: Check,
        variation: float,
    ) -> None:
        self.events = events
        self.ctx = ctx
        self.fugitive = fugitive
        self.keepers = keepers
        self.deliver = deliver
        self.check = check
        self.variation = variation
        self.stream = ctx.streams.stream("events")
        self.names = ctx.streams.stream("names:events")

    def register_changes(self) -> list[float]:
        """When a register may change (flags, links, resolutions), in model hours, sorted.

        Between two of these moments every register holds the same records, whatever happens in
        the run: a name that matches nothing now matches nothing until the next one.
        """
        to_hours = self.ctx.calendar.to_hours
        standing = [e for e in self.events if any(getattr(e, k) is not None for k in _STANDING)]
        return sorted(max(to_hours(e.at), 0.0) for e in standing)

    def schedule(self) -> None:
        """Schedule every event of the scenario in model time."""
        ctx = self.ctx
        for event in self.events:
            t = ctx.calendar.to_hours(event.at)
            if t < 0 and all(getattr(event, kind) is None for kind in _STANDING):
                continue
            call_at(ctx.env, max(t, 0.0), partial(self._happen, event))

    def _happen(self, event: Event, _timer: object = None) -> None:
        if event.tip is not None or event.stop is not None:
            # A tip or a check reads where he is: what else happens at this instant (his
            # arrival on the itinerary, a flag) happens first, whatever was scheduled first.
            call_at(self.ctx.env, 0, partial(self._observe, event))
            return
        self._enter(event)

    def _observe(self, event: Event, _timer: object = None) -> None:
        if event.tip is not None:
            self._tip(event.tip)
        elif event.stop is not None:
            self._stop(event.stop)

    def _enter(self, event: Event) -> None:
        if event.flag is not None:
            self._flag(event.flag)
        elif event.link is not None:
            self._link(event.link)
        elif event.resolve is not None:
            self._resolve(event.resolve)

    def _keeper(self, where: RegisterEntry) -> Keeper:
        """The register an event writes into, and who keeps it."""
        if where.database is not None:
            return self.keepers[("database", where.database)]
        if where.agency is None:  # the schema refuses an entry with neither
            raise ValueError("a register entry names a database or an agency")
        return self.keepers[("agency", where.agency)]

    def _flag(self, flag: Flag) -> None:
        keeper = self._keeper(flag)
        writer = keeper.writer
        written = flag.name if flag.verbatim or writer is None else writer.write_name(flag.name)
        seen = self.ctx.seen
        ground = BY_WORD[flag.action]
        if flag.ambiguous:
            keeper.register.hold(flag.name, written, ground, flag.holds)
            seen.note(Seen.FLAG_HELD, agency=keeper.name, detail=f"{written} (ambiguous identity)")
            return
        keeper.register.flag(flag.name, written, ground, flag.holds)
        detail = written if flag.action == "detain" else f"{written} ({flag.action})"
        seen.note(Seen.FLAG, agency=keeper.name, detail=detail)
        if flag.name in self.fugitive.names:
            self.ctx.wanted_anywhere = True

    def _resolve(self, resolve: Resolve) -> None:
        keeper = self._keeper(resolve)
        if keeper.register.resolve(resolve.name):
            self.ctx.seen.note(Seen.FLAG, agency=keeper.name, detail=f"{resolve.name} (resolved)")
            if resolve.name in self.fugitive.names:
                self.ctx.wanted_anywhere = True

    def _link(self, link: Link) -> None:
        keeper = self._keeper(link)
        alias, person = link.alias, link.name
        if keeper.writer is not None:
            alias, person = keeper.writer.write_name(alias), keeper.writer.write_name(person)
        keeper.register.link(link.alias, alias, link.name, person)
        self.ctx.seen.note(Seen.LINK, agency=keeper.name, detail=f"{alias} = {person}")

    def _tip(self, spec: DatedTip) -> None:
        fugitive = self.fugitive
        agency = self.ctx.directory.agencies[spec.to]
        if spec.news is not None and not (spec.current or spec.place or spec.house):
            place, house = "", None  # news only: what he did, not where he is (a true tip)
        elif spec.current:
            place, house = fugitive.place, fugitive.house
        elif spec.house is not None:
            place, house = fugitive.address_place(spec.house), spec.house
        elif spec.place is not None:  # a commune only: if he is there, the caller points at him
            place = spec.place
            house = fugitive.house if place == fugitive.place else None
        else:  # the schema refuses a tip with no place, house or current
            raise ValueError("a dated tip gives a place, a house or current: true")
        true = (place == fugitive.place and house == fugitive.house) or not place
        language = spec.language or agency.language
        name = spec.name
        if name is None:
            name = self._written(agency, fugitive.spec.name, language)
        ctx = self.ctx
        tip = ctx.tips.new("event", ctx.now, place, house, name, true, language)
        if spec.news is not None:
            ctx.tips.tell(tip, spec.news)
        detail = ""
        if ctx.seen.tracing:
            detail = f"event; news={spec.news}; true={true}" if spec.news else f"event; true={true}"
        ctx.seen.note(
            Seen.CREATED, tip, also=("tips_true" if true else "tips_false",), detail=detail
        )
        self.deliver(tip, agency)

    def _written(self, receiver: Service, name: str, language: str) -> str:
        """The name as a dated message gives it, written by its receiver or its author.

        The receiver writes it when the message is in its language; otherwise a writer of the
        message's language does (and the message then crosses the language barrier).
        """
        if language in receiver.languages:
            return receiver.write_name(name)
        writer = convention(FOR_LANGUAGE[language])
        return write_name(name, writer, self.names, 0.0, self.variation)

    def _stop(self, spec: DatedStop) -> None:
        fugitive = self.fugitive
        if fugitive.place == spec.place and not fugitive.in_custody:
            self.check(self.ctx.directory.agencies[spec.agency], spec.hold, self.stream, spec.name)
