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

from functools import partial
from typing import TYPE_CHECKING

from sim.core.streams import Stream
from sim.model.register import Register
from sim.model.sources import check_at_stop
from sim.names.conventions import FOR_LANGUAGE, convention
from sim.names.variants import write_name
from sim.scenario.schema import DatedStop, DatedTip, Event, Flag, Link, RegisterEntry, Resolve

if TYPE_CHECKING:
    import simpy

    from sim.model.agency import Agency
    from sim.model.replication import Model

_STANDING = ("flag", "link", "resolve")  # events whose effect holds from the start if dated before


def schedule_events(model: Model) -> None:
    """Schedule every event of the scenario in model time."""
    stream = model.streams.stream("events")
    for event in model.scenario.events:
        t = model.calendar.to_hours(event.at)
        if t < 0 and all(getattr(event, kind) is None for kind in _STANDING):
            continue
        model.env.timeout(max(t, 0.0)).callbacks.append(partial(_happen, model, event, stream))


def _happen(model: Model, event: Event, stream: Stream, _timer: simpy.Event) -> None:
    if event.flag is not None:
        _flag(model, event.flag)
    elif event.link is not None:
        _link(model, event.link)
    elif event.resolve is not None:
        _resolve(model, event.resolve)
    elif event.tip is not None:
        _tip(model, event.tip)
    elif event.stop is not None:
        _stop(model, event.stop, stream)


def _register(model: Model, where: RegisterEntry) -> tuple[str, Register, Agency | None]:
    """The register an event writes into, its name, and who keeps it (writes its names)."""
    if where.database is not None:
        database = model.databases[where.database]
        return where.database, database.files, database.owner
    if where.agency is None:  # the schema refuses an entry with neither
        raise ValueError("a register entry names a database or an agency")
    agency = model.agencies[where.agency]
    return agency.name, agency.files, agency


def _flag(model: Model, flag: Flag) -> None:
    name, register, keeper = _register(model, flag)
    written = flag.name if flag.verbatim or keeper is None else keeper.write_name(flag.name)
    now = model.env.now
    if flag.ambiguous:
        register.hold(flag.name, written)
        model.ledger.log(now, "flag_held", agency=name, detail=f"{written} (ambiguous identity)")
        return
    register.flag(flag.name, written)
    model.ledger.log(now, "flag", agency=name, detail=written)
    if flag.name in model.fugitive.names:
        model.wanted_anywhere = True


def _resolve(model: Model, resolve: Resolve) -> None:
    name, register, _keeper = _register(model, resolve)
    if register.resolve(resolve.name):
        model.ledger.log(model.env.now, "flag", agency=name, detail=f"{resolve.name} (resolved)")
        if resolve.name in model.fugitive.names:
            model.wanted_anywhere = True


def _link(model: Model, link: Link) -> None:
    name, register, keeper = _register(model, link)
    alias, person = link.alias, link.name
    if keeper is not None:
        alias, person = keeper.write_name(alias), keeper.write_name(person)
    register.link(link.alias, alias, link.name, person)
    model.ledger.log(model.env.now, "link", agency=name, detail=f"{alias} = {person}")


def _tip(model: Model, spec: DatedTip) -> None:
    fugitive = model.fugitive
    agency = model.agencies[spec.to]
    if spec.current:
        place, house = fugitive.place, fugitive.house
    elif spec.house is not None:
        place, house = fugitive.address_place(spec.house), spec.house
    elif spec.place is not None:  # a commune only: if he is there, the caller points at his address
        place = spec.place
        house = fugitive.house if place == fugitive.place else None
    else:  # the schema refuses a tip with no place, house or current
        raise ValueError("a dated tip gives a place, a house or current: true")
    true = place == fugitive.place and house == fugitive.house
    language = spec.language or agency.language
    name = spec.name
    if name is None:
        name = _written(model, agency, fugitive.spec.name, language)
    tip = model.new_tip("event", place, house, name, true, language)
    if tip.language not in agency.languages:
        model.language.deliver(tip, agency)
    else:
        agency.receive(tip)


def _written(model: Model, receiver: Agency, name: str, language: str) -> str:
    """The name as a dated message gives it, written by its receiver or its author.

    The receiver writes it when the message is in its language; otherwise a writer of the
    message's language does (and the message then crosses the language barrier).
    """
    if language in receiver.languages:
        return receiver.write_name(name)
    writer = convention(FOR_LANGUAGE[language])
    return write_name(name, writer, model.event_names, 0.0, model.scenario.names.variation)


def _stop(model: Model, spec: DatedStop, stream: Stream) -> None:
    if model.fugitive.place == spec.place:
        check_at_stop(model, model.agencies[spec.agency], spec.hold, stream)
