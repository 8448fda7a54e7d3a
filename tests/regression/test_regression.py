"""Regression: a fixed small run of brussels-2015 gives exactly the pinned summary.

The baseline (baseline.json beside this file) is refreshed only by ``update_baseline.py``, whose
docstring says when that is right (and that CHANGELOG.md then needs a **Model output** line).
"""

from __future__ import annotations

import json

import pytest
from update_baseline import BASELINE, compute

pytestmark = pytest.mark.slow

REFRESH = "python tests/regression/update_baseline.py (and a 'Model output' line in CHANGELOG.md)"


@pytest.fixture(scope="module")
def fresh() -> dict:
    return compute()


@pytest.fixture(scope="module")
def pinned() -> dict:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def test_same_scenario_as_the_baseline(fresh, pinned):
    assert fresh["scenario_hash"] == pinned["scenario_hash"], (
        "scenarios/brussels-2015.yaml changed since the baseline was taken; if on purpose, "
        f"refresh it with {REFRESH}"
    )


def test_same_captures(fresh, pinned):
    got = {k: fresh[k] for k in ("runs", "seed", "captured", "captured_by")}
    want = {k: pinned[k] for k in ("runs", "seed", "captured", "captured_by")}
    assert got == want, f"captures moved (got left, pinned right); if on purpose: {REFRESH}"
    assert fresh["mean_capture_day"] == pytest.approx(pinned["mean_capture_day"], rel=1e-8)


def test_same_counter_means(fresh, pinned):
    assert fresh["means"].keys() == pinned["means"].keys(), "the record's counters changed"
    moved = {
        key: (fresh["means"][key], pinned["means"][key])
        for key in pinned["means"]
        if fresh["means"][key] != pytest.approx(pinned["means"][key], rel=1e-8, abs=1e-9)
    }
    assert not moved, f"counter means moved (got, pinned): {moved}; if on purpose: {REFRESH}"
