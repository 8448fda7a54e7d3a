"""Agencies: the services that receive, triage, identify, act on and pass on tips.

What happens to a tip at an agency (DESIGN.md §2.3) is one process, :meth:`Agency._visit`, read top
to bottom: a service that escalates wanted names calls at once; otherwise the dossier waits for
office hours and an analyst and is triaged (:mod:`sim.model.desk`); it may be forgotten (it dies
here) or judged not credible; then **identify** (does the written name match a wanted identity in
the agency's own files or a database it can read? a hit/no-hit database costs a round trip to its
owner); then **act**: if identified, the place is in its jurisdiction and it has raid teams, plan a
search; forward copies along its channels (filters apply) and write the tip to the databases it
feeds.

Names: the agency writes every name it takes down (an informant's call, a translated message, a
flag, the papers at a stop) in its own convention (:mod:`sim.names`), and its own files compare
names with its matcher.

Randomness: ``agency:NAME`` (triage times), ``agency:NAME.verdicts`` (forgetting, belief),
``agency:NAME.calls`` (escalation delays), ``agency:NAME.feed`` (database writes) and
``names:NAME`` (how it spells names) are the agency's own streams. False tips bring their triage
already drawn from their source's streams (:mod:`sim.model.noise`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Protocol

from sim.core.clock import WorkingHours
from sim.core.streams import Stream
from sim.model.channel import Channel
from sim.model.context import Context
from sim.model.database import Database
from sim.model.desk import BulkLine, Desk
from sim.model.grounds import DETAIN, NONE, REPORT, Ground
from sim.model.loop import Waits, start
from sim.model.noise import NoiseTip, Travelling
from sim.model.observe import Seen
from sim.model.raid import RaidOffice
from sim.model.register import Register
from sim.model.tip import Fate, Tip
from sim.names.conventions import convention
from sim.names.matchers import matcher_of
from sim.names.variants import write_name
from sim.scenario.schema import Agency as AgencySpec
from sim.scenario.schema import convention_of


class Decider(Protocol):
    """What decides whether an agency enters him as wanted on a tip it keeps."""

    def consider(self, agency: Agency, tip: Tip) -> None:
        """``agency`` has kept ``tip``: apply its rules that raise records."""
        ...


class Agency:
    """One agency during a replication.

    Args:
        name: the agency's name.
        spec: its block of the scenario.
        ctx: what the replication's components share.
        hours: its working hours (None: around the clock).
        jurisdiction: the places where it may search.
        bulk: the false tips that end at its triage (served by arithmetic).
        variation: how strongly writers re-spell names (the scenario's ``names.variation``).
    """

    def __init__(
        self,
        name: str,
        spec: AgencySpec,
        ctx: Context,
        hours: WorkingHours | None,
        jurisdiction: frozenset[str],
        bulk: BulkLine | None = None,
        variation: float = 0.0,
    ) -> None:
        self.name = name
        self.spec = spec
        self.ctx = ctx
        self.env = ctx.env
        self.languages: frozenset[str] = frozenset(spec.languages)
        self.language: str = spec.languages[0]
        self.bilingual_share = spec.bilingual_share
        self.hours = hours
        self.jurisdiction = jurisdiction
        self.desk = Desk(spec.staff, hours, bulk)
        self.raid_teams = Desk(spec.raid_teams, None) if spec.raid_teams else None
        self.raid_prep = spec.raid_prep
        self.raid_duration = spec.raid_duration
        self.feeding = spec.feeding
        self._triage_stream: Stream | None = None
        self._verdicts: Stream | None = None
        self._calls: Stream | None = None
        self._feed_stream: Stream | None = None
        self._names_stream: Stream | None = None
        self._raises_stream: Stream | None = None
        self.convention = convention(convention_of(spec))
        self.variation = variation
        self.files = Register(matcher_of(spec.matcher, spec.normalise), spec.wanted)
        self.raids: RaidOffice | None = None  # set when the raid office exists
        self.decisions: Decider | None = None  # set when the agency has rules that raise records
        self.out: list[Channel] = []
        self.reads: list[Database] = []
        self.hits: list[Database] = []
        self.feeds: list[Database] = []
        self.seen: set[int] = set()
        self._escalation = spec.escalation
        self.register_changes: list[float] = []  # when registers change (set by the model)
        self._open_places: frozenset[str] = frozenset()  # see ready()
        self._may_lead_on = False
        # Believed false tips settled on arrival: (triage end, the tip when tracing, missed
        # match?, database writes skipped)
        self._quiet: list[tuple[float, Tip | None, bool, int]] = []
        self._quiet_feeds: list[Database] = []  # the databases a believed false tip is fed to

    # One stream per purpose, so that the k-th triage of this agency lasts as long in every setup
    # compared, whatever else changed in between (common random numbers). Each is registered
    # when first drawn from: most services of a scenario never need most of them.

    @property
    def triage_stream(self) -> Stream:
        """Triage times (``agency:NAME``)."""
        stream = self._triage_stream
        if stream is None:  # registered when first drawn from
            stream = self._triage_stream = self.ctx.streams.stream(f"agency:{self.name}")
        return stream

    @property
    def verdicts(self) -> Stream:
        """Forgetting and belief (``agency:NAME.verdicts``)."""
        stream = self._verdicts
        if stream is None:  # registered when first drawn from
            stream = self._verdicts = self.ctx.streams.stream(f"agency:{self.name}.verdicts")
        return stream

    @property
    def calls(self) -> Stream:
        """Escalation delays (``agency:NAME.calls``)."""
        stream = self._calls
        if stream is None:  # registered when first drawn from
            stream = self._calls = self.ctx.streams.stream(f"agency:{self.name}.calls")
        return stream

    @property
    def feed_stream(self) -> Stream:
        """Database writes (``agency:NAME.feed``)."""
        stream = self._feed_stream
        if stream is None:  # registered when first drawn from
            stream = self._feed_stream = self.ctx.streams.stream(f"agency:{self.name}.feed")
        return stream

    @property
    def names_stream(self) -> Stream:
        """How it spells names (``names:NAME``)."""
        stream = self._names_stream
        if stream is None:  # registered when first drawn from
            stream = self._names_stream = self.ctx.streams.stream(f"names:{self.name}")
        return stream

    @property
    def raises_stream(self) -> Stream:
        """Its decisions to enter him as wanted, and their delays (``agency:NAME.raises``)."""
        stream = self._raises_stream
        if stream is None:  # registered when first drawn from
            stream = self._raises_stream = self.ctx.streams.stream(f"agency:{self.name}.raises")
        return stream

    def ready(self) -> None:
        """Wiring is done: note what decides whether a believed false tip can lead anywhere."""
        # Places about which some channel carries a tip nobody identified (filters "all" and
        # "jurisdiction"); and whether a database it feeds raises alerts.
        self._open_places = frozenset[str]().union(
            *(ch.unidentified_places(self.ctx.geography.places) for ch in self.out)
        )
        feeds = self._quiet_feeds = self.feeds if self.feeding.when != "wanted" else []
        # A believed false tip may lead on through a database that alerts; and when records are
        # raised by decisions, registers change at moments nobody knows in advance, so no false
        # tip can be settled on arrival (see _leads_nowhere).
        self._may_lead_on = any(db.alert_targets for db in feeds) or self.ctx.records_decided

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

    # --- names --------------------------------------------------------------------------------

    def write_name(self, name: str, heard: bool = True) -> str:
        """``name`` as this agency writes it down: heard (re-spelt) or copied from papers."""
        return write_name(
            name, self.convention, self.names_stream, self.spec.typo_rate, self.variation, heard
        )

    def written(self, tip: Tip) -> str | None:
        """The tip's name as this agency wrote it down, writing a name heard on the phone now.

        A false tip's name is written only when someone needs it (escalation, or a tip kept at
        triage): the law of the spelling is the same, and most false tips are dismissed first.
        """
        if tip.heard is not None:
            tip.name = self.write_name(tip.heard)
            tip.heard = None
        return tip.name

    def recognises(self, name: str | None) -> bool:
        """True when ``name`` matches a wanted record this agency sees directly (no hit/no-hit)."""
        if name is None:
            return False
        if self.files.matches(name):
            return True
        # A loop, not any(): a generator per call costs more on the path of every believed tip.
        for db in self.reads:  # noqa: SIM110
            if db.matches(name):
                return True
        return False

    def identify(self, name: str | None) -> float | None:
        """Hours until ``name`` is recognised as wanted here (0: at once), or None if it is not."""
        if name is None:
            return None
        if self.recognises(name):  # own files (names as this agency wrote them), or a read
            return 0.0
        for db in self.hits:
            if db.matches(name):
                return db.hit_delay()
        return None

    def direct_ground(self, name: str | None) -> Ground:
        """The strongest ground of the records it sees without a hop (own files and reads)."""
        if not self.ctx.weak_grounds:  # every record detains: recognised is a ground to detain
            return DETAIN if self.recognises(name) else NONE
        return max((self.files.ground(name), *(db.files.ground(name) for db in self.reads)))

    def grounds(self, name: str | None) -> tuple[float, Ground] | None:
        """Hours until the strongest ground on which ``name`` is recorded is known here, and it.

        Own files and databases read answer at once; a hit/no-hit database with a stronger
        ground answers after a round trip to its owner (as :meth:`identify`). None when no
        record it sees matches.
        """
        if not self.ctx.weak_grounds:
            delay = self.identify(name)
            return None if delay is None else (delay, DETAIN)
        direct = self.direct_ground(name)
        if direct is not DETAIN:
            for db in self.hits:
                ground = db.files.ground(name)
                if ground > direct:
                    return db.hit_delay(), ground
        return (0.0, direct) if direct else None

    def reported_to(self, name: str) -> list[str]:
        """The keepers of the registers it sees that hold ``name`` for a discreet check."""
        keepers = {self.name} if self.files.ground(name) is REPORT else set()
        for db in (*self.reads, *self.hits):
            if db.spec.owner and db.files.ground(name) is REPORT:
                keepers.add(db.spec.owner)
        return sorted(keepers)  # sorted: set order must not decide who is told first

    # --- a tip's visit ------------------------------------------------------------------------

    def receive(self, tip: Tip) -> None:
        """A copy of a tip reaches this agency (once per original tip; repeats add nothing)."""
        if self._repeat(tip):
            return
        start(self.env, self._visit(tip, None))

    def receive_noise(self, tips: Travelling, k: int) -> None:
        """A false tip that will be believed (or must be checked on arrival) reaches the agency.

        It is the ``k``-th of a source's travelling tips. Most of them lead nowhere: nobody can
        identify the name, no channel takes an unidentified tip, and the databases fed raise no
        alerts. Such a tip is settled here, on arrival, by looking at what its triage will find
        (:meth:`_leads_nowhere`); the others go through the whole visit. (Outside a trace a
        settled tip needs no :class:`Tip`, nor even its :class:`NoiseTip`: its columns are read
        where they are.)
        """
        ctx = self.ctx
        if self._escalation is not None:  # the name is checked on arrival: the whole visit
            noise = tips.tip(k)
            start(self.env, self._visit(self._noise_tip(noise), noise))
            return
        _start, done = self.desk.admit(self.env._now, tips.triage[k])
        heard = tips.heard[k]
        name = self.write_name(heard) if heard is not None else None
        if self._leads_nowhere(tips.place[k], name, done):
            tip = self._noise_tip(tips.tip(k), name) if ctx.seen.tracing else None
            if tip is None:
                ctx.seen.counters.tips_false += 1
            skipped = 0
            for db in self._quiet_feeds:  # a loop: a generator per tip costs more
                if not db.write_later(tip, self, done):
                    skipped += 1
            missed = name is not None and not tips.names_other[k] and ctx.wanted_anywhere
            self._quiet.append((done, tip, missed, skipped))
            return
        noise = tips.tip(k)
        tip = self._noise_tip(noise, name)
        tip.waits(Fate.AWAITING_TRIAGE)
        start(self.env, self._after_triage(tip, noise, done))

    def _noise_tip(self, noise: NoiseTip, written: str | None = None) -> Tip:
        """The false tip as a :class:`Tip`, counted and (when tracing) logged as it arrives."""
        ctx = self.ctx
        tip = ctx.tips.new("noise", ctx.env._now, noise.place, None, None, False, self.language)
        ctx.seen.note(Seen.CREATED, tip, also=("tips_false",), detail="noise; true=False")
        if written is not None:
            tip.name = written
        else:
            tip.heard = noise.heard  # written down when someone needs it (see written())
        tip.names_other = noise.names_other
        self._repeat(tip)
        return tip

    def _repeat(self, tip: Tip) -> bool:
        """True (and the copy ends) when this agency already had the tip."""
        root_id = tip.root.id
        ctx = self.ctx
        if root_id in self.seen:
            ctx.seen.note(Seen.DUPLICATE, tip, self.name)
            ctx.tips.end(tip, Fate.DUPLICATE)
            return True
        self.seen.add(root_id)
        if ctx.seen.tracing:
            ctx.seen.log(Seen.ARRIVED, tip, self.name)
        return False

    def _visit(self, tip: Tip, drawn: NoiseTip | None) -> Waits:
        """The tip's passage through this agency, in the order DESIGN.md §2.3 tells it."""
        env = self.env
        if self._escalation is not None:
            ground = tip.identified
            if ground is not DETAIN:
                ground = max(ground, self.direct_ground(self.written(tip)))
            if ground:
                # The officer who reads a wanted name calls at once (Committee P's view after
                # the Mechelen case, docs/sources.md §5): no office hours, no queue, no forgetting.
                self.ctx.seen.note(Seen.ESCALATED, tip, self.name)
                self._act(tip, ground, urgent=True)
                return
        tip.waits(Fate.AWAITING_TRIAGE)
        triage = drawn.triage if drawn else self.spec.triage_time.sample(self.triage_stream)
        _start, done = self.desk.admit(env._now, triage)  # office hours, the line, the triage
        yield from self._after_triage(tip, drawn, done)

    def _after_triage(self, tip: Tip, drawn: NoiseTip | None, done: float) -> Waits:
        """From the end of triage (at ``done``): the verdict, identification, then acting on it."""
        env = self.env
        yield done - env._now
        if not self._kept(tip, drawn):
            return
        if self.decisions is not None:  # it may enter him as wanted on what the tip says
            self.decisions.consider(self, tip)
        name = self.written(tip)
        identified = tip.identified
        if identified is not DETAIN:  # a ground to detain is the strongest: nothing to look up
            found = self.grounds(name)
            if found is not None:
                delay, ground = found
                if delay:  # a hit/no-hit answer: the owner sends the record's content later
                    yield delay
                identified = max(identified, ground)
        self._act(tip, identified)

    def _kept(self, tip: Tip, drawn: NoiseTip | None) -> bool:
        """Triage's verdict: False (and the copy ends) when forgotten or judged not credible."""
        if drawn is not None:
            forget_u, belief_u = drawn.forget_u, drawn.belief_u
        else:
            forget_u, belief_u = self.verdicts.uniform(), self.verdicts.uniform()
        ctx = self.ctx
        if forget_u < self.spec.forget:
            ctx.seen.note(Seen.FORGOTTEN, tip, self.name)
            ctx.tips.end(tip, Fate.FORGOTTEN)
            return False
        belief = self.spec.belief
        if belief_u >= (belief.true_tip if tip.true else belief.false_tip):
            ctx.seen.note(Seen.DISMISSED, tip, self.name)
            ctx.tips.end(tip, Fate.DISMISSED)
            return False
        return True

    # --- false tips that lead nowhere ---------------------------------------------------------

    def _leads_nowhere(self, place: str, name: str | None, done: float) -> bool:
        """True when a believed false tip about ``place`` naming ``name`` will lead nowhere.

        It leads nowhere when no register changes before its triage ends at ``done`` (so what
        can be identified then can be identified now), nobody can identify the name, no channel
        carries an unidentified tip about that place, it feeds no database that raises alerts,
        and no rule of the scenario raises records (which change registers at moments not known
        in advance). Its effects (the verdict on the name, the database entries) then happen at
        ``done`` without an event: they are written down now and counted at the end of the run
        if ``done`` came before it.
        """
        changes = self.register_changes
        if changes and bisect_right(changes, self.env._now) != bisect_right(changes, done):
            return False
        if place in self._open_places or self._may_lead_on:
            return False
        return not self.identify_quietly(name)

    def identify_quietly(self, name: str | None) -> bool:
        """True when ``name`` may be identified here (asking a hit/no-hit owner counts)."""
        if name is None:
            return False
        if self.recognises(name):
            return True
        for db in self.hits:  # noqa: SIM110 (as in recognises)
            if db.matches(name):
                return True
        return False

    def close(self, end: float) -> None:
        """The run is over at ``end``: settle the quiet false tips whose triage ended by then."""
        ctx = self.ctx
        seen = ctx.seen
        if not seen.tracing:  # nothing to log: count the settled ones together
            settled = [(missed, skipped) for done, _, missed, skipped in self._quiet if done <= end]
            misses = sum(missed for missed, _ in settled)
            seen.count(Seen.NOT_IDENTIFIED, misses, ("name_matches_missed",))
            seen.count(Seen.NOT_IDENTIFIED, len(settled) - misses)
            seen.count(Seen.DB_SKIPPED, sum(skipped for _, skipped in settled))
            return
        for done, tip, missed, skipped in self._quiet:
            if done > end:
                continue  # still in triage: a traced tip ends where it waits (TipBook.close)
            also = ("name_matches_missed",) if missed else ()
            detail = (tip.name or "") if tip is not None else ""
            seen.note(Seen.NOT_IDENTIFIED, tip, self.name, detail=detail, also=also, at=done)
            for _ in range(skipped):
                seen.note(Seen.DB_SKIPPED, tip, self.name, at=done)
            if tip is not None:
                ctx.tips.end(tip, unmatched(tip))

    # --- acting on it -------------------------------------------------------------------------

    def _act(self, tip: Tip, identified: Ground, urgent: bool = False) -> None:
        """After triage (or at once when escalated): search, pass the tip on, feed databases.

        Only a ground to detain leads to a search: a record that watches or reports makes the
        name recognised (and passed on) but gives no ground to enter an address.
        """
        tip.identified = identified
        self._note_identification(tip, identified)
        raids = self.raids
        searches = (
            identified is DETAIN
            and self.raid_teams is not None
            and raids is not None
            and tip.place in self.jurisdiction
        )
        if searches and raids is not None:
            raids.plan(self, tip)
        passed_on = self._pass_on(tip, urgent) + self._feed(tip, identified)
        self._conclude(tip, identified, searches, passed_on)

    def _note_identification(self, tip: Tip, identified: Ground) -> None:
        also: tuple[str, ...] = ()
        if tip.names_other:  # somebody else's name: linking it to a wanted record is false
            also = ("name_false_links",) if identified else ()
        elif not identified and tip.name is not None and self.ctx.wanted_anywhere:
            also = ("name_matches_missed",)
        kind = Seen.IDENTIFIED if identified else Seen.NOT_IDENTIFIED
        self.ctx.seen.note(kind, tip, self.name, detail=tip.name or "", also=also)

    def _pass_on(self, tip: Tip, urgent: bool) -> int:
        """Send copies along every channel whose filter lets the tip through."""
        escalation = self._escalation
        urgent_delay = escalation.delay.sample(self.calls) if urgent and escalation else None
        sent = 0
        for channel in self.out:
            if channel.passes(tip):
                channel.send(tip, urgent_delay)
                sent += 1
        return sent

    def _feed(self, tip: Tip, identified: Ground) -> int:
        """Write the tip to the databases this agency feeds; count the entries that raise alerts."""
        if self.feeding.when == "wanted" and not identified:
            return 0
        alerting = 0
        for db in self.feeds:
            # An entry in a database that raises alerts carries the tip on like a message.
            alerting += db.write(tip, self) and bool(db.alert_targets)
        return alerting

    def _conclude(self, tip: Tip, identified: Ground, searches: bool, passed_on: int) -> None:
        """How this copy ends here."""
        ctx = self.ctx
        if searches:
            fate = Fate.RAID_PENDING
        elif passed_on:
            # Its copies carry it on: how they end is how it ends, unless each of them reaches a
            # service that already had it (a loop of channels): then it ends where it was taken
            # furthest.
            tip.settles(Fate.NO_JURISDICTION if identified else unmatched(tip))
            fate = Fate.PASSED_ON
        elif identified:
            ctx.seen.note(Seen.NO_JURISDICTION, tip, self.name)
            fate = Fate.NO_JURISDICTION
        else:
            fate = unmatched(tip)
        ctx.tips.end(tip, fate)


def unmatched(tip: Tip) -> Fate:
    """How a tip ends that nobody identified: misread, or no name (as written) matched."""
    return Fate.MISREAD if tip.garbled else Fate.NAME_NOT_MATCHED
