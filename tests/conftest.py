"""Shared fixtures: bundled scenarios, and records and tallies made by hand for the plot tests."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest

import sim
from sim.experiments.summary import Tally
from sim.model.record import RECORD_KEYS

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "brussels-2015.yaml"
CENTRAL = ROOT / "scenarios" / "brussels-2015-centralised.yaml"


@pytest.fixture(scope="session")
def base_scenario() -> sim.Scenario:
    return sim.load_scenario(BASE)


@pytest.fixture(scope="session")
def central_scenario() -> sim.Scenario:
    return sim.load_scenario(CENTRAL)


@pytest.fixture(scope="session")
def two_scenario_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the bundled comparison (20 runs, seed 5): built once for every test."""
    from sim.outputs.report import build_report

    folder = tmp_path_factory.mktemp("report")
    return build_report([BASE, CENTRAL], folder, runs=20, seed=5, command="sim report test")


def fake_record(replication: int, capture_day: float | None, **counters: int) -> dict:
    """A flat record with every key, zero counters except those given."""
    record: dict = dict.fromkeys(RECORD_KEYS, 0)
    record.update(replication=replication, capture_how="", capture_by="")
    record["captured"] = int(capture_day is not None)
    record["capture_day"] = math.nan if capture_day is None else capture_day
    if capture_day is not None:
        record.update(capture_how="raid", capture_by="DR3")
    record.update(counters)
    return record


def fake_tally(name: str, days: list[float | None], **counters: int) -> Tally:
    """A tally of hand-made replications (capture day per run, None when not captured)."""
    tally = Tally(name, hashlib.sha256(name.encode()).hexdigest()[:16], 7, 126.0)
    for r, day in enumerate(days):
        tally.add(fake_record(r, day, **counters))
    return tally
