"""Measure the preflight prices (sim/experiments/preflight.py) for the current model revision.

Times ``Model(scenario, seed, r).run()`` in CPU time over a set of scenarios from a few tips to
thousands of false tips a day and a mesh of channels, and fits the five prices (per replication,
tip, triage, copy and move) to the counts of :func:`sim.scenario.workload.expected_work` by
non-negative least squares on relative error, so that a small scenario weighs as much as a heavy
one. Prints the fitted prices and, per scenario, the estimate over the measured time.

    python tools/measure_prices.py            # about two minutes on one core
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

from sim.model.replication import Model
from sim.scenario import load_scenario
from sim.scenario.workload import expected_work

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"
BRUSSELS = ROOT / "scenarios" / "brussels-2015.yaml"


def _noise(per_day: int) -> list[str]:
    """Overrides giving the minimal scenario ``per_day`` false tips a day, each passed on."""
    return [f"tips.noise=[{{rate: {per_day}/day, reporters: {{Federal: 1}}}}]"]


CASES: list[tuple[str, Path, list[str], int]] = [
    ("minimal", MINIMAL, [], 400),
    ("minimal, 30 false tips a day", MINIMAL, _noise(30), 100),
    ("minimal, 300 false tips a day", MINIMAL, _noise(300), 20),
    ("minimal, 3,000 false tips a day", MINIMAL, _noise(3000), 3),
    ("brussels-2015", BRUSSELS, [], 60),
    ("brussels-2015-centralised", ROOT / "scenarios" / "brussels-2015-centralised.yaml", [], 60),
    ("brussels-2015-replay", ROOT / "scenarios" / "brussels-2015-replay.yaml", [], 60),
    *(
        (f"reform {path.stem}", path, [], 40)
        for path in sorted((ROOT / "scenarios" / "reforms").glob("*.yaml"))
    ),
    ("brussels-2015, noise x10", BRUSSELS, ["tips.noise.0.rate=40/day"], 10),
    ("brussels-2015, no noise", BRUSSELS, ["tips.noise=[]"], 60),
]


def measure(path: Path, overrides: list[str], runs: int) -> float:
    """CPU seconds of one replication, the mean over ``runs`` replications."""
    scenario = load_scenario(path, overrides)
    Model(scenario, seed=1, replication=0).run()  # warm the plan cache, as a worker's batch does
    start = time.process_time()
    for replication in range(1, runs + 1):
        Model(scenario, seed=1, replication=replication).run()
    return (time.process_time() - start) / runs


def main() -> None:
    """Measure every case, fit the prices and print them with each case's estimate ratio."""
    rows, measured, names = [], [], []
    for name, path, overrides, runs in CASES:
        try:
            work = expected_work(load_scenario(path, overrides))
        except Exception as error:  # a case the bundled files no longer support: say and skip
            print(f"skipped {name}: {error}")
            continue
        rows.append([1.0, work.tips, work.triages, work.copies, work.moves])
        measured.append(measure(path, overrides, runs))
        names.append(name)
        print(f"{name}: {measured[-1] * 1e3:.2f} ms a replication", flush=True)
    a, b = np.array(rows), np.array(measured)
    prices, _ = nnls(a / b[:, None], np.ones(len(b)))
    labels = ["replication", "tip", "triage", "copy", "move"]
    print("\nprices (CPU seconds):")
    for label, price in zip(labels, prices, strict=True):
        print(f"  {label}: {price:.3g}")
    print("\nestimate / measured:")
    for name, row, seconds in zip(names, a, b, strict=True):
        print(f"  {name}: {float(row @ prices) / seconds:.2f}")


if __name__ == "__main__":
    main()
