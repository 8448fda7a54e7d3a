"""What one replication observes: each thing that happens is counted and, when tracing, logged.

Every component reports through :meth:`Observations.note` with a :class:`Seen` kind: the kind says
which record counters go up (the caller may add the counters that depend on the case, such as
``raids_near_miss``), and a traced replication writes the same row to its ledger, so the ledger
and the record cannot disagree. Hours (queue waits, night deferrals) are added with
:meth:`Observations.hours`.
"""

from __future__ import annotations

from enum import Enum

from sim.model.ledger import Entry
from sim.model.record import Counters
from sim.model.tip import Tip


class Seen(Enum):
    """The kinds of observation; the value is the ledger's event name and the counters it adds."""

    CREATED = ("created", ())  # tips_true or tips_false (and reports_from_checks) by the caller
    ARRIVED = ("arrived", ())
    DUPLICATE = ("duplicate", ("tips_duplicate",))
    ESCALATED = ("escalated", ("tips_escalated",))
    FORGOTTEN = ("forgotten", ("tips_forgotten",))
    DISMISSED = ("dismissed", ("tips_dismissed",))
    IDENTIFIED = ("identified", ())  # name_false_links when the name was somebody else's
    NOT_IDENTIFIED = ("not_identified", ())  # name_matches_missed when he was wanted somewhere
    NO_JURISDICTION = ("no_jurisdiction", ("tips_no_jurisdiction",))
    SENT = ("sent", ())
    LOST = ("lost", ("tips_lost_in_channel",))
    TRANSLATED = ("translated", ("tips_translated",))
    MISREAD = ("misread", ("tips_misread",))
    DB_SKIPPED = ("db_skipped", ("db_writes_skipped",))
    DB_ENTERED = ("db_entered", ("db_writes",))
    DB_ALERT = ("db_alert", ("db_alerts",))
    DB_HIT_QUERY = ("db_hit_query", ("db_hit_queries",))
    RAID_PLANNED = ("raid_planned", ("raids_planned",))
    RAID_JOINED = ("raid_joined", ("raids_joined",))
    RAID_DEFERRED = ("raid_deferred", ("raids_deferred_night",))
    RAID = ("raid", ("raids_done",))  # raids_empty, raids_near_miss... as the search went
    CONTAINMENT_ESCAPE = ("containment_escape", ("containment_escapes",))
    CAPTURE = ("capture", ("detentions",))  # the detention that holds him to the end
    DETAINED = ("detained", ("detentions",))  # a detention that will end before the horizon
    RELEASED = ("released", ("releases",))
    STOP = ("stop", ("stops",))  # stops_released when he was let go
    MOVE = ("move", ())  # fugitive_moves for every arrival after the first
    ALERTED = ("alerted", ("alert_moves",))
    FLAG = ("flag", ())
    RECORD_RAISED = ("record_raised", ("records_raised",))  # a decision entered him as wanted
    RAISE_DECLINED = ("raise_declined", ())  # a decision not to
    FLAG_HELD = ("flag_held", ())
    LINK = ("link", ())

    @property
    def event(self) -> str:
        """The ledger's name for it."""
        return self.value[0]

    @property
    def counters(self) -> tuple[str, ...]:
        """The record counters it always adds one to."""
        return self.value[1]


class Observations:
    """The counters of one replication and, when tracing, its ledger.

    Attributes:
        counters: the record's counters.
        tracing: whether rows are kept.
        entries: the ledger rows (empty unless tracing).
    """

    __slots__ = ("clock", "counters", "entries", "tracing")

    def __init__(self, clock: object, tracing: bool = False) -> None:
        self.clock = clock  # anything with a ``now`` (the simpy environment)
        self.counters = Counters()
        self.tracing = tracing
        self.entries: list[Entry] = []

    def note(
        self,
        kind: Seen,
        tip: Tip | None = None,
        agency: str = "",
        place: str | None = None,
        detail: str = "",
        also: tuple[str, ...] = (),
        at: float | None = None,
    ) -> None:
        """Count ``kind`` (and the counters in ``also``) and, when tracing, log it.

        Args:
            kind: what happened.
            tip: the copy concerned, if any.
            agency: where it happened.
            place: the commune concerned (default: the tip's).
            detail: words for the reader (build them only when :attr:`tracing`).
            also: further counters this occurrence adds one to.
            at: when it happened, if not now (something settled at the end of the run).
        """
        counters = self.counters
        counted = kind._value_[1] + also if also else kind._value_[1]  # _value_: no descriptor
        for name in counted:
            setattr(counters, name, getattr(counters, name) + 1)
        if self.tracing:
            self.log(kind, tip, agency, place, detail, counted, at)

    def count(self, kind: Seen, times: int, also: tuple[str, ...] = ()) -> None:
        """Count ``times`` occurrences of ``kind``, each adding to the counters in ``also`` too.

        What ``times`` calls of :meth:`note` count, without logging: for occurrences settled
        together at the end of a run that is not traced.
        """
        counters = self.counters
        for name in kind._value_[1] + also:
            setattr(counters, name, getattr(counters, name) + times)

    def log(
        self,
        kind: Seen,
        tip: Tip | None = None,
        agency: str = "",
        place: str | None = None,
        detail: str = "",
        counted: tuple[str, ...] = (),
        at: float | None = None,
    ) -> None:
        """Append a ledger row (nothing is counted: see :meth:`note`)."""
        if place is None:
            place = tip.place if tip is not None else ""
        tip_id, root_id = (tip.id, tip.root.id) if tip is not None else (-1, -1)
        when = self.clock.now if at is None else at  # type: ignore[attr-defined]
        self.entries.append(
            Entry(when, kind.event, tip_id, root_id, agency, place, detail, counted)
        )

    def hours(self, counter: str, hours: float) -> None:
        """Add ``hours`` to an hour counter (queue waits, night deferrals)."""
        setattr(self.counters, counter, getattr(self.counters, counter) + hours)
