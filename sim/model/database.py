"""Databases: shared registers of wanted identities, fed by agencies, that may raise alerts.

A database holds wanted names *as written* by whoever flagged them (a
:class:`~sim.model.register.Register` with the database's matcher, aliases linked only by link
events, ambiguous flags held until resolved). Agencies read it (a direct lookup), read it only by
hit/no-hit (a match costs a round trip to the owner for the content, as in the 2016 common
foreign-fighter database, FACTS.md §2: the owner answers in its working hours, after the database's
``hit_delay``), and feed it with the tips they triage, each entry holding the name as the feeding
agency has it (after a write delay; some writes are never made: the Mechelen tip was decided on 31
Dec 2015 and never entered, FACTS.md §5). A database set up to alert pushes a tip naming a wanted
identity to the services that should act on it: the centralised setup's answer to fragmented
channels.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from sim.model.register import Register
from sim.model.tip import Fate, Tip
from sim.names.matchers import matcher
from sim.names.population import wanted_others
from sim.scenario.schema import LOCAL
from sim.scenario.schema import Database as DatabaseSpec

if TYPE_CHECKING:
    import simpy

    from sim.model.agency import Agency
    from sim.model.replication import Model


class Database:
    """One database during a replication."""

    def __init__(self, name: str, spec: DatabaseSpec, model: Model) -> None:
        self.name = name
        self.spec = spec
        self.model = model
        self.files = Register(
            matcher(spec.matcher.normalised(spec.normalise)),
            spec.wanted,
            wanted_others(model.fugitive.names, spec.others_wanted),
        )
        self.matches = self.files.matches  # the lookup every reader makes, without a hop
        self.stream = model.streams.stream(f"database:{name}")
        self.alert_targets: tuple[str, ...] = spec.alerts.to if spec.alerts else ()
        self.owner: Agency | None = None  # set once the agencies exist (Model._build)

    def hit_delay(self) -> float:
        """Hours until the owner answers a hit/no-hit query with the record's content.

        The owner answers only in its working hours, and then takes the database's ``hit_delay``.
        """
        self.model.counters.db_hit_queries += 1
        delay = self.spec.hit_delay.sample(self.stream)
        owner = self.owner
        if owner is not None and owner.hours is not None:
            delay += owner.hours.wait(self.model.env.now)
        return delay

    def write(self, tip: Tip, writer: Agency) -> bool:
        """``writer`` enters ``tip``: after its write delay, unless the write is skipped.

        Returns:
            False when the entry is never made.
        """
        model = self.model
        feeding = writer.spec.feeding
        if writer.feed_stream.chance(feeding.skip):
            model.counters.db_writes_skipped += 1
            model.ledger.log(
                model.env.now, "db_skipped", tip.id, tip.root.id, writer.name, tip.place, self.name
            )
            return False
        delay = feeding.delay.sample(writer.feed_stream)
        if not self.alert_targets:
            # Storage only: nothing follows from the entry, so no copy of the tip travels.
            stored: Callable[[simpy.Event], None] = self._stored
            if model.tracing:
                stored = lambda _e: self._stored_traced(tip, writer)  # noqa: E731
            model.env.timeout(delay).callbacks.append(stored)
            return True
        entry = model.copy(tip, language="")
        model.env.timeout(delay).callbacks.append(lambda _e: self._entered(entry, writer))
        return True

    def _stored(self, _event: object) -> None:
        self.model.counters.db_writes += 1

    def _stored_traced(self, tip: Tip, writer: Agency) -> None:
        model = self.model
        model.counters.db_writes += 1
        model.ledger.log(
            model.env.now, "db_entered", tip.id, tip.root.id, self.name, tip.place, writer.name
        )

    def _entered(self, entry: Tip, writer: Agency) -> None:
        model = self.model
        model.counters.db_writes += 1
        model.ledger.log(
            model.env.now,
            "db_entered",
            entry.id,
            entry.root.id,
            self.name,
            entry.place,
            writer.name,
        )
        if not self.alert_targets:
            model.end(entry, Fate.DUPLICATE)  # stored, nothing more follows from it
            return
        if not self.matches(entry.name):
            model.end(entry, model.unmatched_fate(entry))
            return
        entry.identified = True
        delay = self.spec.alerts.delay.sample(self.stream) if self.spec.alerts else 0.0
        resolved = (self._resolve(t, entry) for t in self.alert_targets)
        targets = {t for t in resolved if t is not None} - {writer.name}
        for target in sorted(targets):  # sorted: set order must not decide the stream order
            agency = model.agencies[target]
            alert = model.copy(entry, language=agency.language)
            model.counters.db_alerts += 1
            model.ledger.log(
                model.env.now, "db_alert", alert.id, alert.root.id, self.name, alert.place, target
            )
            model.env.timeout(delay).callbacks.append(partial(_deliver, agency, alert))
        # The alerts carry the tip on; with nobody to alert but the writer, it stops here.
        model.end(entry, Fate.DUPLICATE if targets else Fate.NO_JURISDICTION)

    def _resolve(self, target: str, tip: Tip) -> str | None:
        if target == LOCAL:
            return self.model.local_police.get(self.model.geography.zone_of.get(tip.place, ""))
        return target


def _deliver(agency: Agency, tip: Tip, _timer: simpy.Event) -> None:
    """Hand ``tip`` to ``agency`` when the timer fires."""
    agency.receive(tip)
