"""What every component of a replication shares: the clock, the streams, what is observed, the map.

A component receives this small :class:`Context` instead of the whole model, so it can be built and
tested on its own (``tests/test_model_parts.py`` builds an agency, a channel and a database
alone). The :class:`Directory` tells a component who is who without importing the others: the
agencies a tip can be handed to, and the local police of each zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import simpy

from sim.core.clock import Calendar
from sim.core.streams import Streams
from sim.model.grounds import Ground
from sim.model.observe import Observations
from sim.model.places import Geography
from sim.model.tip import Tip, TipBook


class Service(Protocol):
    """A service a tip can be handed to (an agency, seen from a channel, a database, a source)."""

    @property
    def name(self) -> str:
        """The service's name."""
        ...

    @property
    def language(self) -> str:
        """The language it writes in."""
        ...

    @property
    def languages(self) -> frozenset[str]:
        """The languages it works in."""
        ...

    @property
    def bilingual_share(self) -> float:
        """The share of its staff who read both French and Dutch."""
        ...

    @property
    def jurisdiction(self) -> frozenset[str]:
        """The places where it may search."""
        ...

    def receive(self, tip: Tip) -> None:
        """A copy of a tip reaches this service."""
        ...

    def write_name(self, name: str, heard: bool = True) -> str:
        """``name`` as this service writes it down."""
        ...

    def identify(self, name: str | None) -> float | None:
        """Hours until ``name`` is recognised as wanted here (0: at once; None: never)."""
        ...

    def grounds(self, name: str | None) -> tuple[float, Ground] | None:
        """Hours until the strongest ground on which ``name`` is recorded is known, and it."""
        ...

    def reported_to(self, name: str) -> list[str]:
        """The keepers of the registers it sees that hold ``name`` for a discreet check."""
        ...


Receiver = Service  # what a channel or a database hands a tip to


@dataclass
class Directory:
    """Who is who: the agencies by name and the local police of each zone."""

    agencies: dict[str, Service] = field(default_factory=dict)
    local_police: dict[str, str] = field(default_factory=dict)  # zone -> agency name

    def local(self, zone: str | None) -> Service | None:
        """The local police of ``zone`` (None when the zone has none)."""
        name = self.local_police.get(zone or "")
        return self.agencies[name] if name is not None else None


@dataclass
class Context:
    """The shared parts of one replication.

    Attributes:
        env: the simpy environment (its ``now`` is model hours since the start).
        calendar: model hours to wall-clock time.
        streams: the named random streams of this replication.
        seen: the counters and, when tracing, the ledger.
        geography: communes, zones and neighbours.
        tips: every tip of the replication and how each copy ends.
        directory: the agencies, by name and by zone.
        wanted_anywhere: whether any register holds him as wanted (a tip naming him that nobody
            identifies then counts as a missed match).
        weak_grounds: whether a record of the scenario may watch or report instead of detain
            (otherwise every match is a ground to detain, and nothing needs looking up).
        records_decided: whether rules of the scenario raise records on what services are told
            (registers then change at moments not known in advance).
    """

    env: simpy.Environment
    calendar: Calendar
    streams: Streams
    seen: Observations
    geography: Geography
    tips: TipBook
    directory: Directory = field(default_factory=Directory)
    wanted_anywhere: bool = False
    weak_grounds: bool = False
    records_decided: bool = False

    @property
    def now(self) -> float:
        """Model hours since the start."""
        return self.env._now
