"""Agencies: the services that receive, triage, identify, act on and pass on tips.

What happens to a tip at an agency (DESIGN.md §2.3): wait for working hours, queue for an analyst
(a simpy resource), triage; the dossier may be forgotten (it dies here) or judged not credible;
then **identify** (does the written name match a wanted identity in the agency's own files or a
database it can read? a hit/no-hit database costs a round trip to its owner); if identified and the
place is in its jurisdiction and it has raid teams, **plan a search**; then forward copies along its
channels (filters apply) and write the tip to the databases it feeds.

Names: the agency writes every name it takes down (an informant's call, a translated message, a
flag, the papers at a stop) in its own convention (:mod:`sim.names`), and its own files compare
names with its matcher.

Randomness: ``agency:NAME`` (triage time, forgetting, belief), ``agency:NAME.feed`` (database
writes) and ``names:NAME`` (how it spells names) are the agency's own streams.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, cast

import simpy

from sim.model.desk import Desk
from sim.model.register import Register
from sim.model.tip import Fate, Tip
from sim.names.conventions import convention
from sim.names.matchers import matcher
from sim.names.variants import write_name
from sim.scenario.schema import Agency as AgencySpec
from sim.scenario.schema import convention_of

if TYPE_CHECKING:
    from sim.model.channel import Channel
    from sim.model.database import Database
    from sim.model.replication import Model


class Agency:
    """One agency during a replication."""

    def __init__(self, name: str, spec: AgencySpec, model: Model) -> None:
        self.name = name
        self.spec = spec
        self.model = model
        self.env = model.env
        self.languages = frozenset(spec.languages)
        self.language = spec.languages[0]
        self.analysts = Desk(spec.staff)
        self.hours = model.working_hours(spec.hours)
        self.jurisdiction: frozenset[str] = model.jurisdiction_of(spec)
        self.raid_teams = simpy.Resource(model.env, spec.raid_teams) if spec.raid_teams else None
        # One stream per purpose, so that the k-th triage of this agency lasts as long in every
        # setup compared, whatever else changed in between (common random numbers).
        self.stream = model.streams.stream(f"agency:{name}")  # triage times
        self.verdicts = model.streams.stream(f"agency:{name}.verdicts")  # forget, belief
        self.calls = model.streams.stream(f"agency:{name}.calls")  # escalation delays
        self.feed_stream = model.streams.stream(f"agency:{name}.feed")
        self.names_stream = model.streams.stream(f"names:{name}")
        self.convention = convention(convention_of(spec))
        self.files = Register(matcher(spec.matcher.normalised(spec.normalise)), spec.wanted)
        self.out: list[Channel] = []
        self.reads: list[Database] = []
        self.hits: list[Database] = []
        self.feeds: list[Database] = []
        self.seen: set[int] = set()
        # Tips waiting for office hours or an analyst, with their arrival times: waits still
        # running when the replication ends are counted then (Model.run), so that a congested
        # agency does not look idle because its longest waits never finished.
        self.waiting: dict[Tip, float] = {}
        self._forget = spec.forget
        self._believe_true = spec.belief.true_tip
        self._believe_false = spec.belief.false_tip
        self._triage_time = spec.triage_time
        self._escalates = spec.escalation is not None

    def connect(self, databases: dict[str, Database]) -> None:
        """Wire the databases this agency reads, queries by hit/no-hit, or feeds."""
        for db_name, access in self.spec.databases.items():
            db = databases[db_name]
            if access in ("read", "read_feed"):
                self.reads.append(db)
            if access == "hit":
                self.hits.append(db)
            if access in ("feed", "read_feed"):
                self.feeds.append(db)

    def write_name(self, name: str, heard: bool = True) -> str:
        """``name`` as this agency writes it down: heard (re-spelt) or copied from papers."""
        spec = self.spec
        variation = self.model.scenario.names.variation
        return write_name(
            name, self.convention, self.names_stream, spec.typo_rate, variation, heard
        )

    def _written(self, tip: Tip) -> str | None:
        """The tip's name as this agency wrote it down, writing a name heard on the phone now.

        A false tip's name is written only when someone needs it (escalation, or a tip kept at
        triage): the law of the spelling is the same, and most false tips are dismissed first.
        """
        if tip.heard is not None:
            tip.name = self.write_name(tip.heard)
            tip.heard = None
        return tip.name

    # --- identification -----------------------------------------------------------------------

    def recognises(self, name: str | None) -> bool:
        """True when ``name`` matches a wanted record this agency sees directly (no hit/no-hit)."""
        if name is None:
            return False
        return self.files.matches(name) or any(db.matches(name) for db in self.reads)

    def identify(self, name: str | None) -> float | None:
        """Hours until ``name`` is recognised as wanted here (0: at once), or None if it is not."""
        if name is None:
            return None
        if self.files.matches(name):  # own files: names as this agency wrote them
            return 0.0
        for db in self.reads:
            if db.matches(name):
                return 0.0
        for db in self.hits:
            if db.matches(name):
                return db.hit_delay()
        return None

    # --- handling a tip -----------------------------------------------------------------------

    def receive(self, tip: Tip) -> None:
        """A copy of a tip reaches this agency (once per original tip; repeats add nothing).

        The handling is a chain of callbacks rather than a simpy process per tip: the same
        waits in the same order, without a generator and its start-up event on the hot path.
        """
        model = self.model
        root_id = tip.root.id
        if root_id in self.seen:
            model.counters.tips_duplicate += 1
            model.end(tip, Fate.DUPLICATE)
            return
        self.seen.add(root_id)
        now = self.env.now
        if model.tracing:
            model.ledger.log(now, "arrived", tip.id, root_id, self.name, tip.place)
        if self._escalates and (tip.identified or self.recognises(self._written(tip))):
            # The officer who reads a wanted name calls at once (Committee P's view after the
            # Mechelen case, FACTS §5): no office hours, no queue, no forgetting.
            model.counters.tips_escalated += 1
            if model.tracing:
                model.ledger.log(now, "escalated", tip.id, root_id, self.name, tip.place)
            self._act(tip, True, urgent=True)
            return
        tip.stage = Fate.AWAITING_TRIAGE
        self.waiting[tip] = now
        if self.hours is not None:
            wait = self.hours.wait(now)
            if wait > 0:  # closed: the dossier waits for the office to open
                self.env.timeout(wait, value=tip).callbacks.append(self._opened)
                return
        self._queue(tip)

    def _opened(self, event: simpy.Event) -> None:
        self._queue(cast(Tip, event.value))  # the timer carries the dossier

    def _queue(self, tip: Tip) -> None:
        self.analysts.request(tip, self._triage)

    def _triage(self, tip: Tip) -> None:
        counters = self.model.counters
        counters.analyst_wait_hours += self.env.now - self.waiting.pop(tip)
        counters.triages += 1
        done = self.env.timeout(self._triage_time.sample(self.stream), value=tip)
        done.callbacks.append(self._triaged)

    def _triaged(self, done: simpy.Event) -> None:
        tip = cast(Tip, done.value)  # the timer carries the dossier
        keeps = self._keeps(tip)  # the analyst gives the verdict, then takes the next dossier
        self.analysts.release()
        if not keeps:
            return
        self._written(tip)
        if tip.identified:
            self._act(tip, True)
            return
        delay = self.identify(tip.name)
        if delay:  # a hit/no-hit answer: the owner sends the record's content later
            self.env.timeout(delay).callbacks.append(lambda _e: self._act(tip, True))
        else:
            self._act(tip, delay is not None)

    def _keeps(self, tip: Tip) -> bool:
        """Triage's verdict: False when the dossier is forgotten or judged not credible."""
        model = self.model
        uniform = self.verdicts.uniform
        if uniform() < self._forget:
            model.counters.tips_forgotten += 1
            if model.tracing:
                model.ledger.log(
                    self.env.now, "forgotten", tip.id, tip.root.id, self.name, tip.place
                )
            model.end(tip, Fate.FORGOTTEN)
            return False
        if uniform() >= (self._believe_true if tip.true else self._believe_false):
            model.counters.tips_dismissed += 1
            if model.tracing:
                model.ledger.log(
                    self.env.now, "dismissed", tip.id, tip.root.id, self.name, tip.place
                )
            model.end(tip, Fate.DISMISSED)
            return False
        return True

    def _act(self, tip: Tip, identified: bool, urgent: bool = False) -> None:
        """After triage (or at once when escalated): search, pass the tip on, feed databases."""
        model = self.model
        now = self.env.now
        tip.identified = identified
        if tip.names_other:  # somebody else's name: linking it to a wanted record is false
            model.counters.name_false_links += identified
        elif not identified and tip.name is not None and model.wanted_anywhere:
            model.counters.name_matches_missed += 1
        if model.tracing:
            event = "identified" if identified else "not_identified"
            model.ledger.log(now, event, tip.id, tip.root.id, self.name, tip.place, tip.name or "")
        searches = identified and self.raid_teams is not None and tip.place in self.jurisdiction
        if searches:
            model.raids.plan(self, tip)
        passed_on = 0
        escalation = self.spec.escalation
        urgent_delay = escalation.delay.sample(self.calls) if urgent and escalation else None
        for channel in self.out:
            if channel.passes(tip):
                channel.send(tip, urgent_delay)
                passed_on += 1
        if self.spec.feeding.when != "wanted" or identified:
            for db in self.feeds:
                # An entry in a database that raises alerts carries the tip on like a message.
                passed_on += db.write(tip, self) and bool(db.alert_targets)
        if searches:
            fate = Fate.RAID_PENDING
        elif passed_on:
            fate = Fate.DUPLICATE  # its copies carry it on: how they end is how it ends
            # ... unless each of them reaches a service that already had it (a loop of channels):
            # then it ends where it was taken furthest (Model.end).
            here = Fate.NO_JURISDICTION if identified else model.unmatched_fate(tip)
            tip.root.settled = max(tip.root.settled, here)
        elif identified:
            fate = Fate.NO_JURISDICTION
            model.counters.tips_no_jurisdiction += 1
        else:
            fate = model.unmatched_fate(tip)
        model.end(tip, fate)

    def serve(self, duration: float) -> Generator[simpy.Event, object, None]:
        """Occupy one of this agency's staff for ``duration`` hours in working hours (a warrant)."""
        env = self.env
        if self.hours is not None:
            wait = self.hours.wait(env.now)
            if wait > 0:
                yield env.timeout(wait)
        granted = env.event()
        self.analysts.request(granted, simpy.Event.succeed)
        yield granted
        if duration > 0:
            yield env.timeout(duration)
        self.analysts.release()
