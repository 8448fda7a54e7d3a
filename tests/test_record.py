"""The record's counters: the names kept during a run and the annotations the type checker reads."""

from __future__ import annotations

from sim.model.record import COUNTERS, Counters


def test_every_counter_is_annotated_once_in_order():
    assert tuple(Counters.__annotations__) == COUNTERS


def test_counters_start_at_zero():
    counters = Counters()
    assert all(getattr(counters, name) == 0 for name in COUNTERS)


def test_each_counter_has_the_type_its_annotation_says():
    # Hours are floats even when nothing was added (a record never says 0 hours as an int).
    import typing

    from sim.model import record as record

    counters = Counters()
    hints = typing.get_type_hints(Counters, vars(record))
    for name in COUNTERS:
        assert type(getattr(counters, name)) is hints[name], name
