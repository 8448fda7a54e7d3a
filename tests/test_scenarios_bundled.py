"""The bundled scenarios: they validate, they run, and one replication is one fixed story.

Smoke tests (every Brussels scenario under scenarios/, reforms included, is loaded and run a few
times, as Mesa smoke-runs its examples) and, for the two main setups, determinism (the same seed and
replication give the same record and the same ledger; other replications and other seeds give
other stories) and the public API running the same replications.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.model.record import RECORD_KEYS
from sim.model.replication import Model
from sim.scenario import load_scenario

BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"
# The two Brussels setups and the reforms/ variants; the other cases of scenarios/cases/ (their own
# fugitives and horizons) are tested by tests/test_cases.py; uncertainty/ holds ranges over the
# scenarios and history/ observations of a replay, not scenarios.
SCENARIOS = sorted(
    p
    for p in BUNDLED.rglob("*.yaml")
    if not {"cases", "uncertainty", "history"} & set(p.relative_to(BUNDLED).parts)
)
MAIN = [BUNDLED / "brussels-2015.yaml", BUNDLED / "brussels-2015-centralised.yaml"]
RUNS = 3


def test_both_main_scenarios_are_bundled():
    assert all(path in SCENARIOS for path in MAIN)


def test_every_bundled_scenario_has_its_own_name():
    names = [load_scenario(path).name for path in SCENARIOS]
    assert len(set(names)) == len(names), names


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def any_bundled(request):
    return load_scenario(request.param)


@pytest.fixture(scope="module", params=MAIN, ids=lambda p: p.stem)
def loaded(request):
    return load_scenario(request.param)


def test_validates_with_its_horizon_and_fugitive(any_bundled):
    assert any_bundled.horizon == 126 * 24
    assert any_bundled.fugitive.name == "Salah Abdeslam"


def test_runs_and_returns_a_complete_flat_record(any_bundled):
    for r in range(RUNS):
        record = Model(any_bundled, 1, r).run()
        assert tuple(record) == RECORD_KEYS
        assert record["replication"] == r
        assert all(isinstance(v, int | float | str) for v in record.values())
        assert record["tips_true"] + record["tips_false"] > 0
        if record["captured"]:
            assert 0 < record["capture_day"] <= 126
            assert record["capture_how"] in ("raid", "stop")
        else:
            assert record["capture_how"] == record["capture_by"] == ""


def test_same_seed_same_record_and_same_story(loaded):
    first, second = Model(loaded, 7, 2, ledger=True), Model(loaded, 7, 2, ledger=True)
    assert first.run() == second.run()
    assert first.ledger.entries == second.ledger.entries
    assert first.fugitive.path == second.fugitive.path
    # The ledger is only a record: keeping it changes nothing.
    assert Model(loaded, 7, 2).run() == Model(loaded, 7, 2, ledger=True).run()


def test_other_replications_and_seeds_tell_other_stories(loaded):
    def story(seed: int, r: int) -> tuple:
        record = Model(loaded, seed, r).run()
        return tuple(v for k, v in record.items() if k != "replication")

    stories = {story(7, r) for r in range(RUNS)}
    assert len(stories) == RUNS, "two replications gave the same record"
    assert story(7, 0) != story(8, 0), "two seeds gave the same record"


def test_public_api_runs_the_same_replications(loaded):
    summary = sim.run(loaded, runs=RUNS, seed=5, store=None, jobs=1)
    captured = sum(Model(loaded, 5, r).run()["captured"] for r in range(RUNS))
    assert summary.runs == RUNS
    assert summary.captured == captured
