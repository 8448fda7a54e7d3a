"""The record's counters: the names kept during a run and the annotations the type checker reads."""

from __future__ import annotations

from sim.record import COUNTERS, Counters


def test_every_counter_is_annotated_once_in_order():
    assert tuple(Counters.__annotations__) == COUNTERS


def test_counters_start_at_zero():
    counters = Counters()
    assert all(getattr(counters, name) == 0 for name in COUNTERS)
