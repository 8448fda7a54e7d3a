"""What one replication returns: a flat record of plain values, units in the names.

The record crosses process and machine boundaries unchanged (it is a ``dict`` of ``str`` to ``int``,
``float`` or ``str``) and is what the runner aggregates and the results store keeps. Counters are
attributes of :class:`Counters` during the run because attribute increments are the cheapest thing
Python does on the per-tip path.
"""

from __future__ import annotations

import math

from sim.model.tip import ROOT_FATES, Fate

#: One replication's record: plain values by name (see the module docstring).
Record = dict[str, int | float | str]

#: Counters kept during a replication, in the order they appear in a record.
COUNTERS: tuple[str, ...] = (
    "tips_true",
    "tips_false",
    "tip_copies",
    "tips_forgotten",
    "tips_lost_in_channel",
    "tips_translated",
    "tips_misread",
    "tips_dismissed",
    "tips_duplicate",
    "name_matches_missed",
    "name_false_links",
    "tips_no_jurisdiction",
    "tips_escalated",
    "db_writes",
    "db_writes_skipped",
    "db_alerts",
    "db_hit_queries",
    "raids_planned",
    "raids_joined",
    "raids_done",
    "raids_deferred_night",
    "night_deferral_hours",
    "raids_empty",
    "raids_near_miss",
    "raids_on_false_tips",
    "raid_escapes",
    "containment_escapes",
    "stops",
    "stops_released",
    "triages",
    "analyst_dossiers",
    "analyst_wait_hours",
    "translation_wait_hours",
    "fugitive_moves",
    "alert_moves",
)

#: The fates counted for true tips (the tip-loss waterfall), in order of progress.
TRUE_TIP_FATES: tuple[Fate, ...] = ROOT_FATES

#: Every key of a record, in order.
RECORD_KEYS: tuple[str, ...] = (
    "replication",
    "captured",
    "capture_day",
    "capture_how",
    "capture_by",
    *COUNTERS,
    *(f"true_tips_{f.name.lower()}" for f in TRUE_TIP_FATES),
    "sim_events",
)

#: Record keys that a model revision added, and the revision: a stored record of an earlier
#: revision lacks them and is whole (the results store keeps each revision's rows apart).
ADDED_IN_REVISION: dict[str, int] = {"analyst_dossiers": 4}


class Counters:
    """Mutable counters of one replication (see :data:`COUNTERS`)."""

    __slots__ = COUNTERS

    # One annotation per name of COUNTERS, for the type checker (tests/test_record.py keeps the
    # two lists equal). Hours are floats, from the start: a record says 0.0 hours, not 0.
    tips_true: int
    tips_false: int
    tip_copies: int
    tips_forgotten: int
    tips_lost_in_channel: int
    tips_translated: int
    tips_misread: int
    tips_dismissed: int
    tips_duplicate: int
    name_matches_missed: int
    name_false_links: int
    tips_no_jurisdiction: int
    tips_escalated: int
    db_writes: int
    db_writes_skipped: int
    db_alerts: int
    db_hit_queries: int
    raids_planned: int
    raids_joined: int
    raids_done: int
    raids_deferred_night: int
    night_deferral_hours: float
    raids_empty: int
    raids_near_miss: int
    raids_on_false_tips: int
    raid_escapes: int
    containment_escapes: int
    stops: int
    stops_released: int
    triages: int
    analyst_dossiers: int
    analyst_wait_hours: float
    translation_wait_hours: float
    fugitive_moves: int
    alert_moves: int

    def __init__(self) -> None:
        for name in COUNTERS:
            setattr(self, name, 0.0 if name.endswith("_hours") else 0)


def build_record(
    replication: int,
    counters: Counters,
    capture_time: float | None,
    capture_how: str,
    capture_by: str,
    true_fates: dict[Fate, int],
    sim_events: int,
) -> Record:
    """Assemble the flat record of one replication.

    Args:
        replication: replication index.
        counters: the run's counters.
        capture_time: model hours at capture, or None if the horizon came first.
        capture_how: "raid" or "stop" (empty when not captured).
        capture_by: the agency that captured him (empty when not captured).
        true_fates: how many true tips ended in each fate.
        sim_events: simpy events the replication scheduled.
    """
    record: Record = {
        "replication": replication,
        "captured": int(capture_time is not None),
        "capture_day": capture_time / 24 if capture_time is not None else math.nan,
        "capture_how": capture_how,
        "capture_by": capture_by,
    }
    for name in COUNTERS:
        value = getattr(counters, name)
        record[name] = round(value, 6) if isinstance(value, float) else value
    for fate in TRUE_TIP_FATES:
        record[f"true_tips_{fate.name.lower()}"] = true_fates.get(fate, 0)
    record["sim_events"] = sim_events
    return record
