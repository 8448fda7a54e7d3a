"""Refresh the regression baseline: a pinned summary of a fixed small run of brussels-2015.

Usage (from the repository root)::

    python tests/regression/update_baseline.py          # rewrite baseline.json
    python tests/regression/update_baseline.py --check  # say what would change, write nothing

``tests/regression/test_regression.py`` recomputes the same summary (200 replications of
``scenarios/brussels-2015.yaml`` with seed 3, one process) and fails on any difference: the
captured count, who captured him and how, and the mean of every counter of the flat record.

Run this script **only** when a change is meant to move the model's output, and in the same
change add a line marked **Model output** to CHANGELOG.md saying what moved and why (STYLE.md,
tests in tiers: "regression"). A refactoring that moves the baseline is a bug, not a reason to
refresh it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BASELINE = HERE / "baseline.json"
SCENARIO = ROOT / "scenarios" / "brussels-2015.yaml"
RUNS = 200
SEED = 3


def compute() -> dict:
    """The summary the baseline pins (plain JSON types, floats rounded to 9 significant digits)."""
    from sim.model.record import COUNTERS, TRUE_TIP_FATES
    from sim.model.replication import Model
    from sim.scenario import load_scenario, scenario_hash

    scenario = load_scenario(SCENARIO)
    records = [Model(scenario, SEED, r).run() for r in range(RUNS)]
    captured = [r for r in records if r["captured"]]
    by: dict[str, int] = {}
    for r in captured:
        key = f"{r['capture_how']}:{r['capture_by']}"
        by[key] = by.get(key, 0) + 1
    fates = [f"true_tips_{f.name.lower()}" for f in TRUE_TIP_FATES]
    return {
        "scenario": SCENARIO.name,
        "scenario_hash": scenario_hash(scenario),
        "runs": RUNS,
        "seed": SEED,
        "captured": len(captured),
        "captured_by": dict(sorted(by.items())),
        "mean_capture_day": _round(sum(r["capture_day"] for r in captured) / len(captured)),
        "means": {k: _round(sum(r[k] for r in records) / RUNS) for k in (*COUNTERS, *fates)},
    }


def _round(value: float) -> float:
    return float(f"{value:.9g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    fresh = compute()
    old = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    changed = sorted(
        k for k in set(fresh) | set(old) if fresh.get(k) != old.get(k) and k != "means"
    ) + sorted(
        f"means.{k}"
        for k in set(fresh["means"]) | set(old.get("means", {}))
        if fresh["means"].get(k) != old.get("means", {}).get(k)
    )
    for key in changed:
        print(f"changed: {key}")
    if args.check:
        return int(bool(changed))
    BASELINE.write_text(json.dumps(fresh, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE.relative_to(ROOT)}; add a 'Model output' line to CHANGELOG.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
