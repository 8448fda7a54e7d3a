"""Databases: shared registers of wanted identities, fed by agencies, that may raise alerts.

A database holds wanted names *as written* by whoever flagged them (a
:class:`~sim.model.register.Register` with the database's matcher, aliases linked only by link
events, ambiguous flags held until resolved). Agencies read it (a direct lookup), read it only by
hit/no-hit (a match costs a round trip to the owner for the content, as in the 2016 common
foreign-fighter database, docs/sources.md §2: the owner answers in its working hours, after the
database's ``hit_delay``), and feed it with the tips they triage, each entry holding the name as the
feeding agency has it (after a write delay; some writes are never made: the Mechelen tip was decided
on 31 Dec 2015 and never entered, docs/sources.md §5). A database set up to alert pushes a tip
naming a wanted identity to the services that should act on it: the centralised setup's answer to
fragmented channels.

An entry in a database that raises no alerts changes nothing in the run: it is only counted when
its write delay has passed (at the end of the run, by arithmetic, without a simulation event).
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

from sim.core.clock import WorkingHours
from sim.core.streams import Stream
from sim.model.context import Context, Service
from sim.model.loop import call_at
from sim.model.observe import Seen
from sim.model.register import Register
from sim.model.tip import Fate, Tip
from sim.names.matchers import matcher_of
from sim.names.population import wanted_others
from sim.scenario.schema import LOCAL, Feeding
from sim.scenario.schema import Database as DatabaseSpec


class Writer(Protocol):
    """A service that feeds databases: its name, its feeding habits and their stream."""

    name: str
    feeding: Feeding

    @property
    def feed_stream(self) -> Stream:
        """The stream its feeding draws from."""
        ...


class Database:
    """One database during a replication.

    Args:
        name: the database's name.
        spec: its block of the scenario.
        ctx: what the replication's components share.
        fugitive_names: his names (other people wanted here are drawn from everyone else).
        owner_hours: the working hours of the owner, who answers hit/no-hit queries.
    """

    def __init__(
        self,
        name: str,
        spec: DatabaseSpec,
        ctx: Context,
        fugitive_names: tuple[str, ...],
        owner_hours: WorkingHours | None = None,
    ) -> None:
        self.name = name
        self.spec = spec
        self.ctx = ctx
        self.owner_hours = owner_hours
        self.files = Register(
            matcher_of(spec.matcher, spec.normalise),
            spec.wanted,
            wanted_others(fugitive_names, spec.others_wanted),
        )
        self.matches = self.files.matches  # the lookup every reader makes, without a hop
        self._stream: Stream | None = None
        self.alert_targets: tuple[str, ...] = spec.alerts.to if spec.alerts else ()
        # Entries of a database that raises no alerts: (when made, tip, writer), counted at the end
        # (the tip is None for a false tip settled on arrival outside a trace).
        self._stored: list[tuple[float, Tip | None, str]] = []

    @property
    def stream(self) -> Stream:
        """Hit/no-hit and alert delays (``database:NAME``), registered when first drawn from."""
        stream = self._stream
        if stream is None:  # registered when first drawn from
            stream = self._stream = self.ctx.streams.stream(f"database:{self.name}")
        return stream

    def hit_delay(self) -> float:
        """Hours until the owner answers a hit/no-hit query with the record's content.

        The owner answers only in its working hours, and then takes the database's ``hit_delay``.
        """
        self.ctx.seen.note(Seen.DB_HIT_QUERY, agency=self.name)
        delay = self.spec.hit_delay.sample(self.stream)
        if self.owner_hours is not None:
            delay += self.owner_hours.wait(self.ctx.now)
        return delay

    def write(self, tip: Tip, writer: Writer) -> bool:
        """``writer`` enters ``tip``: after its write delay, unless the write is skipped.

        Returns:
            False when the entry is never made.
        """
        ctx = self.ctx
        feeding = writer.feeding
        if writer.feed_stream.chance(feeding.skip):
            ctx.seen.note(Seen.DB_SKIPPED, tip, writer.name, detail=self.name)
            return False
        delay = feeding.delay.sample(writer.feed_stream)
        if not self.alert_targets:
            self._stored.append((ctx.now + delay, tip, writer.name))
            return True
        entry = ctx.tips.copy(tip, ctx.now, language="")
        call_at(ctx.env, delay, lambda _e: self._entered(entry, writer.name))
        return True

    def write_later(self, tip: Tip | None, writer: Writer, at: float) -> bool:
        """``writer`` will enter ``tip`` at model hour ``at`` (a database without alerts).

        The same draws as :meth:`write` made then; the entry is counted at the end of the run if
        its write delay has passed by then.

        Returns:
            False when the entry is never made.
        """
        feeding = writer.feeding
        if writer.feed_stream.chance(feeding.skip):
            return False
        self._stored.append((at + feeding.delay.sample(writer.feed_stream), tip, writer.name))
        return True

    def _entered(self, entry: Tip, writer: str) -> None:
        """An entry is made in a database that alerts: pass it on if it names someone wanted."""
        ctx = self.ctx
        ctx.seen.note(Seen.DB_ENTERED, entry, self.name, detail=writer)
        ground = self.files.ground(entry.name)
        if not ground:
            ctx.tips.end(entry, Fate.MISREAD if entry.garbled else Fate.NAME_NOT_MATCHED)
            return
        entry.identified = max(entry.identified, ground)
        delay = self.spec.alerts.delay.sample(self.stream) if self.spec.alerts else 0.0
        resolved = (self._target(t, entry.place) for t in self.alert_targets)
        targets = {t for t in resolved if t is not None} - {writer}
        for target in sorted(targets):  # sorted: set order must not decide the stream order
            agency = ctx.directory.agencies[target]
            alert = ctx.tips.copy(entry, ctx.now, language=agency.language)
            ctx.seen.note(Seen.DB_ALERT, alert, self.name, detail=target)
            call_at(ctx.env, delay, partial(_hand_over, agency, alert))
        # The alerts carry the tip on; with nobody to alert but the writer, it stops here.
        ctx.tips.end(entry, Fate.PASSED_ON if targets else Fate.NO_JURISDICTION)

    def _target(self, target: str, place: str) -> str | None:
        """The agency an alert goes to (``local``: the local police of the tip's place)."""
        if target == LOCAL:
            zone = self.ctx.geography.zone_of.get(place, "")
            return self.ctx.directory.local_police.get(zone)
        return target

    def close(self) -> None:
        """The run is over: count the entries whose write delay has passed."""
        ctx = self.ctx
        now = ctx.now
        for at, tip, writer in self._stored:
            if at <= now:
                ctx.seen.note(Seen.DB_ENTERED, tip, self.name, detail=writer, at=at)


def _hand_over(agency: Service, tip: Tip, _timer: object) -> None:
    """An alert reaches ``agency`` when its timer fires."""
    agency.receive(tip)
