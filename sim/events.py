"""Scheduled events: dated flags, tips and checks (DESIGN.md §2.2).

History is full of dated moments: an international arrest warrant entered in the files, a warning
from a foreign service, a call about an address, a motorway check. Each scenario event happens at
its date: a flag makes a name wanted in a database or an agency's own files; a tip reaches an
agency; a stop checks him if he is at that place then. Flags dated before the start hold from the
start; tips and stops dated before it are history the run does not replay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.scenario.schema import DatedStop, DatedTip, Event, Flag
from sim.sources import check_at_stop

if TYPE_CHECKING:
    from sim.model import Model


def schedule_events(model: Model) -> None:
    """Schedule every event of the scenario in model time."""
    stream = model.streams.stream("events")
    for event in model.scenario.events:
        t = model.calendar.to_hours(event.at)
        if t < 0 and event.flag is None:
            continue
        model.env.timeout(max(t, 0.0)).callbacks.append(
            lambda _e, ev=event: _happen(model, ev, stream)
        )


def _happen(model: Model, event: Event, stream: object) -> None:
    if event.flag is not None:
        _flag(model, event.flag)
    elif event.tip is not None:
        _tip(model, event.tip)
    elif event.stop is not None:
        _stop(model, event.stop, stream)


def _flag(model: Model, flag: Flag) -> None:
    if flag.database is not None:
        model.databases[flag.database].flag(flag.name)
    else:
        model.agencies[flag.agency].flag(flag.name)
    if flag.name in model.fugitive.names:
        model.wanted_anywhere = True


def _tip(model: Model, spec: DatedTip) -> None:
    fugitive = model.fugitive
    agency = model.agencies[spec.to]
    if spec.current:
        place, house = fugitive.place, fugitive.house
    elif spec.house is not None:
        place, house = fugitive.address_place(spec.house), spec.house
    else:  # a commune only: if he is there, the caller points at his address
        place = spec.place
        house = fugitive.house if place == fugitive.place else None
    true = place == fugitive.place and house == fugitive.house
    name = spec.name if spec.name is not None else fugitive.spec.name
    tip = model.new_tip("event", place, house, name, true, spec.language or agency.language)
    if tip.language not in agency.languages:
        model.language.deliver(tip, agency)
    else:
        agency.receive(tip)


def _stop(model: Model, spec: DatedStop, stream: object) -> None:
    if model.fugitive.place == spec.place:
        check_at_stop(model, model.agencies[spec.agency], spec.hold, stream)  # type: ignore[arg-type]
