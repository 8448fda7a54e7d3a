"""Reading a history's observations off replications of its replay.

An :class:`Observer` runs replication *r* of a replay (the same numbers as in any batch: the
ledger only records) and says, for each observation of a history file
(:mod:`sim.scenario.history`), whether that replication bore it out: one character per
observation, ``1`` or ``0``. It crosses process and machine boundaries (plain data), so the
executors run it like any batch, and the results store keeps what it saw beside each record
(:meth:`sim.experiments.store.ResultsStore.save_observed`).

What is read, and from where: the capture from the record and the fugitive; every search from
the raid office's own list of searches done; the dated tips' paths (passed on, entered in a
database) and the stops from the ledger, which is kept only when an observation needs it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sim.model.ledger import Entry
from sim.model.record import Record
from sim.model.replication import Model
from sim.model.tip import Tip
from sim.scenario.history import Happened, History, Observation, Searched, Stopped, TipPath
from sim.scenario.schema import Scenario

#: The key under which an observed replication's record carries what it bore out, on its way
#: from a worker to the store (never stored in the record itself).
OBSERVED = "observed"

#: Ledger events that mean a copy of a tip left a service as a message.
_SENT = ("sent", "lost")


class _LedgerModel(Model):
    """A replication whose ledger leaves out the false tips that ended at triage in bulk.

    Those rows (thousands per replication) are written at the end for ``sim trace`` and say
    nothing an observation reads; leaving them out makes an observed replication about twice as
    fast. Everything else, the record included, is exactly the plain model's
    (``tests/test_calibrate.py`` checks both).
    """

    def _log_bulk(self, *args: object) -> None:
        return None


@dataclass(frozen=True)
class Observer:
    """Says which observations of a history each replication of its replay bears out.

    Attributes:
        key: the history's content hash (its statements, not their words).
        observations: the observations, in the file's order.
    """

    key: str
    observations: tuple[Observation, ...]

    @classmethod
    def of(cls, history: History) -> Observer:
        """The observer of a history file's observations."""
        return cls(history.key, history.observations)

    @property
    def needs_ledger(self) -> bool:
        """Whether some observation reads the ledger."""
        return any(o.needs_ledger for o in self.observations)

    def observe(self, scenario: Scenario, seed: int, replication: int) -> Record:
        """Run one replication; its record, carrying what it bore out under :data:`OBSERVED`."""
        kind = _LedgerModel if self.needs_ledger else Model
        model = kind(scenario, seed, replication, ledger=self.needs_ledger)
        record = model.run()
        run = happened(model)
        record[OBSERVED] = "".join("1" if o.holds(run) else "0" for o in self.observations)
        return record


def happened(model: Model) -> Happened:
    """What a finished replication did, as the observations read it."""
    searches = tuple(
        Searched(t, raid.house, raid.place, raid.agency.name, raid.deferred_h > 0, _outcome(text))
        for t, raid, text in model.raids.done
    )
    entries = model.ledger.entries
    stops = tuple(
        Stopped(e.time_h, e.place, e.agency, e.detail.startswith("released"))
        for e in entries
        if e.event == "stop"
    )
    fugitive = model.fugitive
    captured = model.capture_time is not None
    end = model.capture_time if model.capture_time is not None else model.scenario.horizon
    return Happened(
        end_h=float(end),
        capture_h=model.capture_time,
        capture_how=model.capture_how,
        capture_by=model.capture_by,
        capture_house=fugitive.house if captured else None,
        capture_place=fugitive.place if captured else "",
        searches=searches,
        stops=stops,
        tips=_dated_tips(model, entries),
    )


def _outcome(text: str) -> str:
    """A search's outcome in the history's words: captured, escaped or empty."""
    if text == "captured":
        return "captured"
    return "escaped" if text.startswith("escaped") else "empty"


def _dated_tips(model: Model, entries: list[Entry]) -> tuple[TipPath, ...]:
    """Each dated tip's path at the service it was given to (needs the ledger; else none)."""
    if not model.ledger.tracing:
        return ()
    rows: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.root_id >= 0:
            rows[entry.root_id].append(entry)
    searched = {id(root) for _, raid, _ in model.raids.done for root in raid.roots}
    start = model.scenario.start
    given = {
        round((e.at - start).total_seconds() / 3600, 6): e.tip.to
        for e in model.scenario.events
        if e.tip is not None
    }
    out = []
    for root in model.tips.roots:
        if root.kind != "event":
            continue
        mine = rows.get(root.id, [])
        # The service it reached; one still being translated when the run ended was given to
        # the service its event names.
        arrived = (e.agency for e in mine if e.event == "arrived" and e.tip_id == root.id)
        to = next(arrived, given.get(round(root.observed, 6), ""))
        out.append(_path(root, to, mine, id(root) in searched))
    return tuple(out)


def _path(root: Tip, to: str, rows: list[Entry], searched: bool) -> TipPath:
    passed_on = any(e.event in _SENT and e.agency == to for e in rows)
    entered = any(e.event == "db_entered" and e.detail == to for e in rows)
    return TipPath(root.observed, to, passed_on, entered, searched)
