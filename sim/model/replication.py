"""One replication: a validated scenario and a seed in, a flat record out.

:class:`Model` wires the runtime objects of one replication (fugitive, agencies, channels,
databases, language desk, raid office, tip sources, dated events) into a simpy environment, runs
it until capture or the horizon and returns the record of :mod:`sim.model.record`. The parts share
a small :class:`~sim.model.context.Context` (clock, streams, observations, map, tips, directory);
what the scenario alone fixes is prepared once per process (:mod:`sim.model.plan`).
"""

from __future__ import annotations

import simpy

from sim.core.collector import collector_paused
from sim.core.streams import Stream, Streams
from sim.model.agency import Agency
from sim.model.channel import Channel
from sim.model.context import Context, Directory
from sim.model.database import Database
from sim.model.decisions import Decisions
from sim.model.events import Events, Keeper
from sim.model.fugitive import Fugitive
from sim.model.language import LanguageDesk
from sim.model.loop import call_at, run_until
from sim.model.noise import NoiseDraw, bulk_lines, draw
from sim.model.observe import Observations, Seen
from sim.model.plan import Plan, plan_of
from sim.model.raid import RaidOffice
from sim.model.record import Record, build_record
from sim.model.sources import (
    InterceptSource,
    SightingSource,
    Source,
    StopSource,
    TravellingNoise,
    stop_check,
)
from sim.model.tip import Fate, TipBook
from sim.scenario.schema import Scenario


class Model:
    """One replication of a scenario.

    Args:
        scenario: the validated scenario.
        seed: the master seed (>= 0).
        replication: the replication index (>= 0); with the seed it fixes every random stream.
        ledger: keep the full ledger of tips, moves and raids (for ``sim trace``).
    """

    def __init__(
        self, scenario: Scenario, seed: int, replication: int, ledger: bool = False
    ) -> None:
        self.scenario = scenario
        self.replication = replication
        self.plan: Plan = plan_of(scenario)
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.ledger = Observations(self.env, tracing=ledger)
        self.tips = TipBook(keep_roots=ledger)
        self.ctx = Context(
            self.env,
            self.plan.calendar,
            self.streams,
            self.ledger,
            self.plan.geography,
            self.tips,
            Directory(local_police=dict(self.plan.local_police)),
        )
        self.calendar = self.plan.calendar
        self.geography = self.plan.geography
        self.ctx.weak_grounds = self.plan.weak_grounds
        self.ctx.records_decided = self.plan.records_decided
        self._custody_stream: Stream | None = None
        self.capture_time: float | None = None
        self.capture_how = ""
        self.capture_by = ""
        self.done = self.env.event()
        self._build()

    # --- wiring ---------------------------------------------------------------------------

    def _build(self) -> None:
        sc, plan, ctx = self.scenario, self.plan, self.ctx
        containment = sc.raids.night_rule.containment if sc.raids.night_rule else None
        self.fugitive = Fugitive(sc.fugitive, ctx, containment.escape_rate if containment else 0.0)
        self.language = LanguageDesk(sc.language, plan.language_hours, ctx)
        self.noise: list[NoiseDraw] = [draw(p, plan.readers, self.streams) for p in plan.noise]
        lines = bulk_lines(self.noise, len(plan.agencies), list(plan.noise))
        self.agencies = {
            name: Agency(
                name,
                spec,
                ctx,
                plan.hours[name],
                plan.jurisdictions[name],
                lines[i],
                sc.names.variation,
            )
            for i, (name, spec) in enumerate(sc.agencies.items())
        }
        ctx.directory.agencies.update(self.agencies)
        self.databases = {
            name: Database(name, spec, ctx, self.fugitive.names, plan.hours.get(spec.owner or ""))
            for name, spec in sc.databases.items()
        }
        for agency in self.agencies.values():
            agency.connect(self.databases)
        for spec in sc.channels:
            sender, receiver = self.agencies[spec.from_], self.agencies[spec.to]
            sender.out.append(
                Channel(spec, sender.name, sender.language, receiver, self.language, ctx)
            )
        judge = sc.raids.warrant.judge
        self.raids = RaidOffice(
            sc.raids,
            plan.night_rule,
            self.fugitive,
            ctx,
            self.agencies[judge].desk if judge else None,
            self.capture,
        )
        for agency in self.agencies.values():
            agency.raids = self.raids
            agency.ready()
        check = stop_check(self.fugitive, ctx, self.capture, self.language.deliver)
        tips = sc.tips
        self.sources: list[Source] = [
            *(SightingSource(i, s, ctx, self.fugitive) for i, s in enumerate(tips.sightings)),
            *(InterceptSource(i, s, ctx, self.fugitive) for i, s in enumerate(tips.intercepts)),
            *(StopSource(i, s, ctx, self.fugitive, check) for i, s in enumerate(tips.stops)),
        ]
        receivers = [self.agencies[name] for name in plan.agencies]
        self.travelling = [TravellingNoise(d.travelling, receivers, ctx) for d in self.noise]
        keepers = {("agency", n): Keeper(n, a.files, a) for n, a in self.agencies.items()}
        for name, db in self.databases.items():
            owner = self.agencies.get(sc.databases[name].owner or "")
            keepers[("database", name)] = Keeper(name, db.files, owner)
        self.events = Events(
            sc.events, ctx, self.fugitive, keepers, self.language.deliver, check, sc.names.variation
        )
        changes = self.events.register_changes()
        for agency in self.agencies.values():
            agency.register_changes = changes
        names = set(self.fugitive.names)
        ctx.wanted_anywhere = any(names & keeper.register.flagged for keeper in keepers.values())
        self.keepers = keepers
        if plan.records_decided:
            decisions = Decisions(
                ctx,
                sc.fugitive.name,
                {name: db.files for name, db in self.databases.items()},
                self._wanted,
            )
            for agency in self.agencies.values():
                if agency.spec.raises:
                    agency.decisions = decisions

    def _wanted(self) -> None:
        self.ctx.wanted_anywhere = True

    # --- the run ----------------------------------------------------------------------------

    def capture(self, how: str, by: str) -> None:
        """The fugitive is taken: held to the horizon (the replication ends now), or for a while.

        How long he is held is the longest hold of the records that are a ground to detain him,
        in any register (once he is in custody, every ground against him counts): a record
        without ``holds``, or none at all, holds him for good. A detention that ends before the
        horizon takes him into custody and lets him go when it ends; ``captured`` means held at
        the horizon.
        """
        fugitive = self.fugitive
        if fugitive.captured or fugitive.in_custody:
            return
        now = self.env._now
        hold = self._hold() if self.plan.detentions_end else None
        if hold is not None and now + hold < self.scenario.horizon:
            detail = f"{how}; held {hold:.1f}h" if self.ledger.tracing else ""
            self.ledger.note(Seen.DETAINED, agency=by, place=fugitive.place, detail=detail)
            fugitive.take_into_custody(now + hold)
            return
        fugitive.captured = True
        self.capture_time = now
        self.capture_how, self.capture_by = how, by
        self.ledger.note(Seen.CAPTURE, agency=by, place=fugitive.place, detail=how)
        self.done.succeed()

    @property
    def custody_stream(self) -> Stream:
        """How long detentions last (``custody``), registered when first drawn from."""
        stream = self._custody_stream
        if stream is None:
            stream = self._custody_stream = self.streams.stream("custody")
        return stream

    def _hold(self) -> float | None:
        """Hours a detention now lasts (None: for good), from his records' holds."""
        longest: float | None = None
        stream = self.custody_stream
        for keeper in self.keepers.values():
            for name in self.fugitive.names:
                for hold in keeper.register.detentions.get(name, ()):
                    if hold is None:
                        return None
                    longest = max(longest or 0.0, hold.sample(stream))
        return longest

    def _horizon(self, _event: simpy.Event) -> None:
        if not self.done.triggered:
            self.done.succeed()

    def run(self) -> Record:
        """Run until capture or the horizon and return the flat record."""
        env = self.env
        self.fugitive.start()
        for source in self.sources:
            source.start(follows_fugitive=not isinstance(source, InterceptSource))
        for travelling in self.travelling:
            travelling.start()
        self.events.schedule()
        call_at(env, self.scenario.horizon, self._horizon)
        run_until(env, self.done)
        self._close()
        return build_record(
            self.replication,
            self.ledger.counters,
            self.capture_time,
            self.capture_how,
            self.capture_by,
            self.tips.true_fates(),
            next(env._eid),  # simpy's running event id: the events this replication scheduled
        )

    def _close(self) -> None:
        """The run is over: settle the books of what was handled without events."""
        end = self.env._now
        seen = self.ledger
        counters = seen.counters
        for name, agency in self.agencies.items():
            books = agency.desk.close(end)
            counters.triages += books.triages
            counters.analyst_dossiers += books.dossiers
            counters.analyst_wait_hours += books.wait_hours
            counters.tips_forgotten += books.forgotten
            counters.tips_dismissed += books.dismissed
            counters.tips_false += books.bulk_arrived
            agency.close(end)
            if seen.tracing:
                self._log_bulk(name, agency, end)
        self.language.close()
        for db in self.databases.values():
            db.close()
        counters.tip_copies = self.tips.copies
        self.tips.close()
        if seen.tracing:
            seen.entries.sort(key=lambda e: e.time_h)  # stable: same-time rows keep their order

    def _log_bulk(self, name: str, agency: Agency, end: float) -> None:
        """Write the bulk false tips of ``agency`` into the ledger, as tips of their own."""
        line, starts = agency.desk.bulk_served()
        places = self.geography.places
        seen = self.ledger
        for k, start in enumerate(starts.tolist()):
            at = float(line.arrivals[k])
            place = places[int(line.places[k])]
            tip = self.tips.new("noise", at, place, None, None, False, agency.language)
            seen.log(
                Seen.CREATED, tip, "", detail="noise; true=False", counted=("tips_false",), at=at
            )
            seen.log(Seen.ARRIVED, tip, name, at=at)
            done = start + float(line.triage[k])
            if done <= end:
                forgot = int(line.verdicts[k]) == 1
                kind = Seen.FORGOTTEN if forgot else Seen.DISMISSED
                seen.log(kind, tip, name, counted=kind.counters, at=done)
                self.tips.end(tip, Fate.FORGOTTEN if forgot else Fate.DISMISSED)
            else:
                self.tips.end(tip, Fate.AWAITING_TRIAGE)


def run_replication(scenario: Scenario, seed: int, replication: int) -> Record:
    """Run one replication and return its flat record.

    The cycle collector is held back while it runs and collects once after it
    (:mod:`sim.core.collector`): the same records, about a fifth less time.
    """
    with collector_paused():
        return Model(scenario, seed, replication).run()
