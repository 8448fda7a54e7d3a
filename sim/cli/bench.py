"""``sim bench``: how fast and how lean the model is, measured in one run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import Json, console, errors, load_or_exit


@dataclass(frozen=True)
class Sizes:
    """How much a bench run measures: replications for each figure, and what it costs."""

    runs: int
    speedup_runs: int
    with_10k: bool
    what: str


QUICK = Sizes(100, 400, False, "quick figures (about a minute on two cores; --full for more)")
FULL = Sizes(300, 600, True, "full figures (about three minutes on two idle cores)")

#: What each figure should reach (DESIGN targets; ratios, since absolute times are noisy).
TARGETS: dict[str, tuple[str, float]] = {
    "reps_per_simpy_mevent": (">=", 87.0),  # 3x revision 3 (about 29), pure Python
    "speedup_2_procs": (">=", 1.8),
    "seconds_10k": ("<=", 20.0),
}

#: Targets set for the full sizes: on a quick run the workers' start-up weighs more.
JUDGED_ON_FULL = frozenset({"speedup_2_procs"})


def bench(
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenario to time (default: the bundled scenarios/brussels-2015.yaml).",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            help=f"Replications for the rates (default {QUICK.runs}; {FULL.runs} with --full).",
            min=10,
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="The long figures too: larger samples and the 10,000-replication memory and "
            "time run (about three minutes on two idle cores instead of one).",
        ),
    ] = False,
    skip_10k: Annotated[
        bool,
        typer.Option("--skip-10k", hidden=True, help="Accepted for old scripts: now the default."),
    ] = False,
    as_json: Json = False,
) -> None:
    """Measure replications/s, event rate against bare simpy, 2-process speed-up and memory.

    Quick by default (about a minute on an idle two-core machine, longer on a shared one);
    --full adds the 10,000-replication run behind seconds_10k and the memory growth.
    """
    from sim.experiments.bench import BUNDLED
    from sim.experiments.bench import bench as measure

    scenario = scenario or BUNDLED
    load_or_exit(scenario)  # a bad file is bad input (exit code 2), not an internal error
    sizes = FULL if full else QUICK
    say = None if as_json else (lambda text: errors.print(text, markup=False))
    if say:
        say(f"sim bench: {sizes.what}")
    figures = measure(
        scenario,
        runs=runs or sizes.runs,
        speedup_runs=sizes.speedup_runs,
        with_10k=sizes.with_10k,
        say=say,
    )
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
            if key in JUDGED_ON_FULL and not full:
                verdict = f"{op} {bound:g} (judged with --full)"
        table.add_row(key, f"{value:,.3f}", verdict)
    console.print(table)
