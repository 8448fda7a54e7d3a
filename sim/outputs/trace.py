"""One replication, traced: its ledger, the fugitive's path, the searches, and the rules in force.

:func:`trace` runs replication *r* of a scenario with the ledger on (the same numbers as in a batch:
the ledger only records) and gathers what a reader needs to follow it: every ledger row, plus one
``ended`` row per tip saying where it stopped (its :class:`~sim.model.tip.Fate`), the fugitive's
moves, every search with its outcome, and the night-ban and office-hours windows for the timeline.
:func:`write_ledger` saves the ledger as CSV or JSON lines; :func:`ledger_counts` recounts the
record's counters from the ledger rows, so a test (and ``sim trace``) can check that both agree.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.core.clock import WEEK_HOURS, Calendar, WorkingHours
from sim.model.curfew import NightRule
from sim.model.ledger import Entry
from sim.model.record import COUNTERS, TRUE_TIP_FATES, Record
from sim.model.replication import Model
from sim.model.tip import Fate, Tip
from sim.outputs.files import atomic_writer
from sim.scenario import Scenario, scenario_hash

if TYPE_CHECKING:
    import pandas as pd

#: Columns of the ledger file: the ledger's own fields, plus the time in words.
LEDGER_COLUMNS = ("time_h", "when", *(f for f in Entry._fields if f != "time_h"))
_COUNTS_SEPARATOR = " "  # the counters a row added one to, in one column

#: Fates reached by still waiting when the run ends: their ``ended`` row is dated at the end.
_AT_THE_END = (Fate.AWAITING_TRIAGE, Fate.AWAITING_TRANSLATION, Fate.RAID_PENDING)


@dataclass(frozen=True)
class Search:
    """One house search of the replication, as it happened.

    Attributes:
        time_h: when it took place (model hours).
        planned_h: when it was planned.
        agency: the service that searched.
        place: the commune.
        house: the safe house searched (None: an address that is none of his).
        address: the address in words.
        outcome: ``captured``, ``escaped during the search``, ``empty`` or ``empty; he left ...``.
        deferred_h: hours the night rule made it wait (0 when it did not).
        tip_id: the first root tip that led to it.
        on_true_tip: whether any tip behind it was true.
    """

    time_h: float
    planned_h: float
    agency: str
    place: str
    house: str | None
    address: str
    outcome: str
    deferred_h: float
    tip_id: int
    on_true_tip: bool


@dataclass
class Trace:
    """Everything one replication did, in order.

    Attributes:
        scenario: the scenario's name.
        scenario_hash: its content hash.
        seed: the master seed.
        replication: the replication index.
        record: the flat record the replication returned (the same as in a batch).
        entries: the ledger, with one ``ended`` row per tip, in time order.
        tips: every original tip by id.
        path: the fugitive's arrivals (model hour, commune, safe house or None, why).
        searches: every search that took place, in time order.
        end_h: when the replication ended (capture or horizon), model hours.
        calendar: model hours to wall-clock time.
        zone_of: the police zone of each commune.
        agencies: agency names in the scenario's order.
        databases: database names in the scenario's order.
        night_rule: the ban on night searches (None when the scenario has none).
        hours: each agency's working hours (None: around the clock).
    """

    scenario: str
    scenario_hash: str
    seed: int
    replication: int
    record: Record
    entries: list[Entry]
    tips: dict[int, Tip]
    path: list[tuple[float, str, str | None, str]]
    searches: list[Search]
    end_h: float
    calendar: Calendar
    zone_of: dict[str, str]
    agencies: tuple[str, ...]
    databases: tuple[str, ...]
    night_rule: NightRule | None
    hours: dict[str, WorkingHours | None] = field(default_factory=dict)

    @property
    def captured(self) -> bool:
        """True when the replication ended in his capture."""
        return bool(self.record["captured"])

    def night_bans(self, start_h: float, end_h: float) -> list[tuple[float, float]]:
        """The night-ban windows (model hours) within [start_h, end_h], while the rule binds."""
        rule = self.night_rule
        if rule is None or rule.length == 0:
            return []
        first = start_h - (self.calendar.hour_of_day(start_h) - rule.ban_from) % 24
        out = []
        t = first
        while t < end_h:
            a, b = max(t, start_h), min(t + rule.length, end_h, rule.exempt_from)
            if b > a:
                out.append((a, b))
            t += 24
        return out

    def office_hours(self, agency: str, start_h: float, end_h: float) -> list[tuple[float, float]]:
        """When ``agency`` works (model hours) within [start_h, end_h] (all of it if 24/7)."""
        hours = self.hours.get(agency)
        if hours is None:
            return [(start_h, end_h)]
        week = -hours.calendar_offset + WEEK_HOURS * (
            (start_h + hours.calendar_offset) // WEEK_HOURS
        )
        out = []
        while week < end_h:
            for a, b in hours.intervals:
                lo, hi = max(week + a, start_h), min(week + b, end_h)
                if hi > lo:
                    out.append((lo, hi))
            week += WEEK_HOURS
        return out

    def to_frame(self) -> pd.DataFrame:
        """The ledger as a DataFrame: one row per step of every tip (:func:`ledger_rows`)."""
        import pandas as pd

        return pd.DataFrame(ledger_rows(self), columns=list(LEDGER_COLUMNS))

    def records(self) -> pd.DataFrame:
        """The replication's record as a one-row DataFrame, typed as every result's records."""
        from sim.experiments.frames import records_frame

        return records_frame([[self.record]], (("scenario", self.scenario),))

    def left_house_before(self, house: str, t: float) -> float | None:
        """When he last left ``house`` before model hour ``t`` (None if he was never there)."""
        left = None
        for (arrived, _, at, _), nxt in zip(self.path, [*self.path[1:], None], strict=True):
            if at != house or arrived >= t:
                continue
            if nxt is not None and nxt[0] <= t:
                left = nxt[0]
        return left


def trace(scenario: Scenario, seed: int, replication: int) -> Trace:
    """Run replication ``replication`` of ``scenario`` with seed ``seed`` and keep its story."""
    model = Model(scenario, seed, replication, ledger=True)
    record = model.run()
    end_h = model.capture_time if model.capture_time is not None else scenario.horizon
    entries = list(model.ledger.entries)
    entries.extend(_ended_rows(model.tips.roots, entries, end_h))
    entries.sort(key=lambda e: e.time_h)  # stable: rows at the same time keep their order
    searches = [
        Search(
            t,
            raid.planned,
            raid.agency.name,
            raid.place,
            raid.house,
            raid.address,
            outcome,
            raid.deferred_h,
            raid.roots[0].id,
            any(r.true for r in raid.roots),
        )
        for t, raid, outcome in model.raids.done
    ]
    return Trace(
        scenario=scenario.name,
        scenario_hash=scenario_hash(scenario),
        seed=seed,
        replication=replication,
        record=record,
        entries=entries,
        tips={tip.id: tip for tip in model.tips.roots},
        path=list(model.fugitive.path),
        searches=searches,
        end_h=end_h,
        calendar=model.calendar,
        zone_of=dict(model.geography.zone_of),
        agencies=tuple(scenario.agencies),
        databases=tuple(scenario.databases),
        night_rule=model.raids.night_rule,
        hours=dict(model.plan.hours),
    )


def _ended_rows(roots: Sequence[Tip], entries: Iterable[Entry], end_h: float) -> list[Entry]:
    """One ``ended`` row per original tip: where it stopped, dated at its last step."""
    last: dict[int, Entry] = {}
    for entry in entries:
        if entry.root_id >= 0:
            last[entry.root_id] = entry
    rows = []
    for root in roots:
        final = last.get(root.id)
        fate = root.fate if root.fate is not None else root.stage
        when = end_h if fate in _AT_THE_END or final is None else final.time_h
        agency = final.agency if final is not None else ""
        detail = f"{fate.label}; true={root.true}"
        counts = (f"true_tips_{fate.name.lower()}",) if root.true else ()
        rows.append(Entry(when, "ended", root.id, root.id, agency, root.place, detail, counts))
    return rows


# --- the ledger file -----------------------------------------------------------------------


def ledger_rows(trace: Trace) -> list[dict[str, object]]:
    """The ledger as plain rows (the columns of :data:`LEDGER_COLUMNS`)."""
    describe = trace.calendar.describe
    return [
        {
            "time_h": round(e.time_h, 4),
            "when": describe(e.time_h),
            "event": e.event,
            "tip_id": e.tip_id,
            "root_id": e.root_id,
            "agency": e.agency,
            "place": e.place,
            "detail": e.detail,
            "counts": _COUNTS_SEPARATOR.join(e.counts),
        }
        for e in trace.entries
    ]


def write_ledger(trace: Trace, path: str | Path, fmt: str = "csv") -> Path:
    """Write the ledger to ``path`` as ``csv`` or ``jsonl`` (atomically)."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown ledger format {fmt!r}; use csv or jsonl")
    rows = ledger_rows(trace)
    with atomic_writer(path) as stream:
        if fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=list(LEDGER_COLUMNS), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return Path(path)


# --- agreement with the record ---------------------------------------------------------------


def ledger_counts(rows: Iterable[dict[str, object]]) -> dict[str, int]:
    """Recount the record's counters from ledger rows (as written to, or read from, a file).

    Every row names the counters it added one to (its ``counts`` column), so the recount reads
    no free text.

    Returns:
        For each counter the ledger can vouch for, the count the rows imply.
    """
    counts: Counter[str] = Counter()
    captured = 0
    for row in rows:
        names = row.get("counts") or ()
        if isinstance(names, str):
            names = names.split(_COUNTS_SEPARATOR) if names else ()
        if isinstance(names, list | tuple):
            counts.update(str(n) for n in names)
        captured += row["event"] == "capture"
    vouched = {name: counts.get(name, 0) for name in VOUCHED}
    vouched["captured"] = captured
    return vouched


#: The counters every ledger row accounts for (the hour counters and copies are not rows).
VOUCHED: tuple[str, ...] = (
    *(
        c
        for c in COUNTERS
        if not c.endswith("_hours") and c not in ("tip_copies", "triages", "analyst_dossiers")
    ),
    *(f"true_tips_{fate.name.lower()}" for fate in TRUE_TIP_FATES),
)


def disagreements(trace: Trace) -> list[str]:
    """Every counter on which the ledger and the record disagree, in words (empty: they agree)."""
    counts = ledger_counts(ledger_rows(trace))
    return [
        f"{key}: ledger {value}, record {trace.record.get(key, 'no such counter')}"
        for key, value in sorted(counts.items())
        if value != trace.record.get(key)
    ]
