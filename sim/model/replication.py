"""One replication: a validated scenario and a seed in, a flat record out.

:class:`Model` wires the runtime objects of one replication (fugitive, agencies, channels,
databases, language desk, raid office, tip sources, dated events) into a simpy environment, runs
it until capture or the horizon and returns the record of :mod:`sim.model.record`. It also keeps the
bookkeeping every component shares: tip ids, live copies and how each tip ended.
"""

from __future__ import annotations

import simpy

from sim.core.clock import DAY_NAMES, Calendar, WorkingHours
from sim.core.streams import Streams
from sim.model.agency import Agency
from sim.model.channel import Channel
from sim.model.curfew import NightRule
from sim.model.database import Database
from sim.model.events import schedule_events
from sim.model.fugitive import Fugitive
from sim.model.language import LanguageDesk
from sim.model.ledger import Ledger, NullLedger
from sim.model.places import Geography
from sim.model.raid import RaidOffice
from sim.model.record import Counters, Record, build_record
from sim.model.sources import InterceptSource, NoiseSource, SightingSource, Source, StopSource
from sim.model.tip import Fate, Tip
from sim.scenario.schema import Agency as AgencySpec
from sim.scenario.schema import OfficeHours, Scenario


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
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.counters = Counters()
        self.ledger: Ledger = Ledger() if ledger else NullLedger()
        self.tracing = ledger  # hot paths test this flag instead of building ledger text
        self.calendar = Calendar(scenario.start)
        self.geography = Geography(scenario)
        self.live: set[Tip] = set()
        self.true_roots: list[Tip] = []
        self._next_id = 0
        self.capture_time: float | None = None
        self.capture_how = ""
        self.capture_by = ""
        self.done = self.env.event()
        self._build()

    # --- wiring ---------------------------------------------------------------------------------

    def _build(self) -> None:
        sc = self.scenario
        self.fugitive = Fugitive(
            self.env,
            sc.fugitive,
            self.geography,
            self.calendar,
            self.streams,
            self.counters,
            self.ledger,
        )
        self.language = LanguageDesk(sc.language, self)
        self.databases = {name: Database(name, spec, self) for name, spec in sc.databases.items()}
        self.agencies = {name: Agency(name, spec, self) for name, spec in sc.agencies.items()}
        self.local_police = {
            a.zone: name
            for name, a in sc.agencies.items()
            if a.kind == "local_police" and a.zone is not None
        }
        for name, database in self.databases.items():
            database.owner = self.agencies.get(sc.databases[name].owner or "")
        for agency in self.agencies.values():
            agency.connect(self.databases)
        for spec in sc.channels:
            sender, receiver = self.agencies[spec.from_], self.agencies[spec.to]
            sender.out.append(Channel(spec, sender, receiver, self))
        self.raids = RaidOffice(sc.raids, self._night_rule(), self)
        judge = sc.raids.warrant.judge
        self.raids.judge = self.agencies[judge] if judge else None
        tips = sc.tips
        self.sources: list[Source] = [
            *(SightingSource(self, i, s) for i, s in enumerate(tips.sightings)),
            *(InterceptSource(self, i, s) for i, s in enumerate(tips.intercepts)),
            *(StopSource(self, i, s) for i, s in enumerate(tips.stops)),
            *(NoiseSource(self, i, s) for i, s in enumerate(tips.noise)),
        ]
        self.event_names = self.streams.stream("names:events")
        names = set(self.fugitive.names)
        registers = [*(db.files for db in self.databases.values())]
        registers += [agency.files for agency in self.agencies.values()]
        self.wanted_anywhere = any(names & register.flagged for register in registers)

    def _night_rule(self) -> NightRule | None:
        spec = self.scenario.raids.night_rule
        if spec is None:
            return None
        exempt_from = float("inf")
        for exemption in spec.exempt:
            if exemption.case == self.scenario.raids.case:
                since = self.calendar.to_hours(exemption.since) if exemption.since else -1e18
                exempt_from = min(exempt_from, since)
        return NightRule(self.calendar, spec.ban_from, spec.ban_until, exempt_from)

    def working_hours(self, spec: OfficeHours | None) -> WorkingHours | None:
        """Working hours of an office (None: around the clock)."""
        if spec is None:
            return None
        days = tuple(DAY_NAMES.index(d) for d in spec.days)
        return WorkingHours.daily(self.calendar, days, spec.opens, spec.closes)

    def jurisdiction_of(self, spec: AgencySpec) -> frozenset[str]:
        """The places where an agency may search."""
        if spec.jurisdiction is not None:
            return frozenset(self.geography.expand(spec.jurisdiction))
        if spec.zone is not None:
            return frozenset(self.geography.communes_of.get(spec.zone, ()))
        return frozenset()

    # --- tips -------------------------------------------------------------------------------

    def new_tip(
        self, kind: str, place: str, house: str | None, name: str | None, true: bool, language: str
    ) -> Tip:
        """A new original tip observed now."""
        self._next_id += 1
        tip = Tip(self._next_id, kind, self.env.now, place, house, name, true, language)
        tip.live = 1
        self.live.add(tip)
        counters = self.counters
        if true:
            counters.tips_true += 1
            self.true_roots.append(tip)
        else:
            counters.tips_false += 1
        if self.tracing:
            self.ledger.log(
                self.env.now, "created", tip.id, tip.id, "", place, f"{kind}; true={true}"
            )
        return tip

    def copy(self, tip: Tip, language: str) -> Tip:
        """A copy of ``tip`` to pass on (a message, a database entry, an alert)."""
        self._next_id += 1
        twin = tip.copy(self._next_id, self.env.now, language)
        twin.root.live += 1
        self.live.add(twin)
        self.counters.tip_copies += 1
        return twin

    def end(self, tip: Tip, fate: Fate) -> None:
        """``tip`` goes no further; its root remembers the furthest any copy got."""
        root = tip.root
        if fate > root.fate:
            root.fate = fate
        root.live -= 1
        if root.live == 0 and root.fate is Fate.DUPLICATE:
            # Every copy ended as a duplicate: the tip went round a loop of channels and ends
            # where a service last concluded something about it.
            root.fate = root.settled
        self.live.discard(tip)

    def unmatched_fate(self, tip: Tip) -> Fate:
        """How a tip ends that nobody identified: misread, or no name (as written) matched."""
        if tip.garbled:
            return Fate.MISREAD
        return Fate.NAME_NOT_MATCHED

    # --- the run ----------------------------------------------------------------------------

    def capture(self, how: str, by: str) -> None:
        """The fugitive is taken: the replication ends now."""
        if self.fugitive.captured:
            return
        self.fugitive.captured = True
        self.capture_time = self.env.now
        self.capture_how, self.capture_by = how, by
        self.ledger.log(self.env.now, "capture", agency=by, place=self.fugitive.place, detail=how)
        self.done.succeed()

    def _horizon(self, _event: simpy.Event) -> None:
        if not self.done.triggered:
            self.done.succeed()

    def run(self) -> Record:
        """Run until capture or the horizon and return the flat record."""
        env = self.env
        self.fugitive.start()
        for source in self.sources:
            source.start(follows_fugitive=not isinstance(source, InterceptSource | NoiseSource))
        schedule_events(self)
        env.timeout(self.scenario.horizon).callbacks.append(self._horizon)
        env.run(until=self.done)
        self._count_unfinished_waits()
        for tip in list(self.live):  # copies still waiting somewhere when the run ends
            self.end(tip, tip.stage)
        fates: dict[Fate, int] = {}
        for root in self.true_roots:
            fates[root.fate] = fates.get(root.fate, 0) + 1
        return build_record(
            self.replication,
            self.counters,
            self.capture_time,
            self.capture_how,
            self.capture_by,
            fates,
            next(env._eid),  # simpy's running event id: the events this replication scheduled
        )

    def _count_unfinished_waits(self) -> None:
        """Add the waits still running at the end (censored there) to the wait counters.

        Counting only the waits that ended would make the most congested setups look the least
        congested: a queue that never clears leaves its longest waits out of the record.
        """
        now = self.env.now
        counters = self.counters
        for agency in self.agencies.values():
            counters.analyst_wait_hours += sum(now - since for since in agency.waiting.values())
        counters.translation_wait_hours += sum(now - t for t in self.language.waiting.values())


def run_replication(scenario: Scenario, seed: int, replication: int) -> Record:
    """Run one replication and return its flat record."""
    return Model(scenario, seed, replication).run()
