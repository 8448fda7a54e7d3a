"""The cycle collector held back during a replication (sim/core/collector.py)."""

from __future__ import annotations

import gc
import weakref

import pytest
from conftest import BASE

from sim.core.collector import collector_paused
from sim.model.replication import Model, run_replication
from sim.scenario import load_scenario


class _Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    """A two-object cycle nobody else refers to, watched by a weak reference."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def collector_on():
    """The collector enabled for the test, whatever state it found, and restored after."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_a_cycle_made_inside_is_kept_until_the_block_ends_and_freed_then() -> None:
    with collector_paused():
        watched = _cycle()
        # Far more new containers than it takes to trigger a young collection (700).
        churn = [[] for _ in range(20_000)]
        assert gc.isenabled() is False
        assert watched() is not None
    del churn
    assert gc.isenabled() is True
    assert watched() is None


@pytest.mark.usefixtures("collector_on")
def test_a_failure_inside_still_brings_the_collector_back() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a replication failed")
    assert gc.isenabled() is True


@pytest.mark.usefixtures("collector_on")
def test_a_collector_disabled_by_the_caller_stays_disabled_and_nothing_is_collected() -> None:
    gc.disable()
    with collector_paused():
        watched = _cycle()
    assert gc.isenabled() is False
    assert watched() is not None
    gc.enable()
    gc.collect()
    assert watched() is None


@pytest.mark.usefixtures("collector_on")
def test_run_replication_gives_the_plain_models_records_and_leaves_the_collector_on() -> None:
    scenario = load_scenario(BASE)
    for replication in range(6):
        assert run_replication(scenario, 3, replication) == Model(scenario, 3, replication).run()
    assert gc.isenabled() is True
    # The replication's own cycles went with it: the young generation was collected at its end.
    assert gc.get_count()[0] < 700
