"""``sim bench``: how fast and how lean the model is, measured in one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import Json, console, errors, load_or_exit
from sim.experiments.bench import BUNDLED
from sim.experiments.bench import bench as measure

#: What each figure should reach (DESIGN targets; ratios, since absolute times are noisy).
TARGETS: dict[str, tuple[str, float]] = {
    "reps_per_simpy_mevent": (">=", 87.0),  # 3x revision 3 (about 29), pure Python
    "speedup_2_procs": (">=", 1.8),
    "seconds_10k": ("<=", 20.0),
}


def bench(
    scenario: Annotated[Path, typer.Option("--scenario", help="Scenario to time.")] = BUNDLED,
    runs: Annotated[int, typer.Option("--runs", help="Replications for the rates.", min=10)] = 300,
    skip_10k: Annotated[
        bool, typer.Option("--skip-10k", help="Skip the 10,000-replication memory run.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Measure replications/s, event rate against bare simpy, 2-process speed-up and memory."""
    load_or_exit(scenario)  # a bad file is bad input (exit code 2), not an internal error
    say = None if as_json else (lambda text: errors.print(text, markup=False))
    figures = measure(scenario, runs=runs, with_10k=not skip_10k, say=say)
    if "peak_rss_mb_10k" in figures:
        figures["memory_growth_10k_over_1k"] = round(
            figures["peak_rss_mb_10k"] / figures["peak_rss_mb_1k"], 3
        )
    if as_json:
        print(json.dumps(figures))
        return
    table = Table(title=f"sim bench ({scenario.name})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target")
    for key, value in figures.items():
        target = TARGETS.get(key)
        verdict = ""
        if target:
            op, bound = target
            ok = value >= bound if op == ">=" else value <= bound
            verdict = f"{op} {bound:g} {'ok' if ok else 'MISSED'}"
        table.add_row(key, f"{value:,.3f}", verdict)
    console.print(table)
