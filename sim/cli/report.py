"""``sim report``: a self-contained HTML report of one or more scenarios."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    Address,
    ExecutorName,
    Jobs,
    MaxRuns,
    Precision,
    Quiet,
    Runs,
    Seed,
    Sets,
    StorePath,
    bad_input,
    check_folder,
    console,
    experiment_setup,
    load_or_exit,
    writing,
)
from sim.experiments.designs import DESIGNS
from sim.experiments.store import DEFAULT_PATH
from sim.outputs.report import ExploreRequest, build_report
from sim.scenario import ScenarioError


def report(
    scenarios: Annotated[
        list[Path],
        typer.Argument(help="One or more scenario files; the first is the baseline."),
    ],
    runs: Runs = 1000,
    seed: Seed = 0,
    sets: Sets = None,
    precision: Precision = None,
    max_runs: MaxRuns = 100_000,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_PATH,
    quiet: Quiet = False,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The report's folder (index.html and its files).")
    ] = Path("reports/report"),
    uncertainty: Annotated[
        Path | None,
        typer.Option(
            "--uncertainty",
            help="Add a robustness section: explore this uncertainty file (the first scenario is "
            "the baseline, the others the reforms).",
            show_default=False,
        ),
    ] = None,
    design: Annotated[
        str, typer.Option("--design", help="With --uncertainty: morris, sobol or lhs.")
    ] = "morris",
    points: Annotated[
        int, typer.Option("--points", help="With --uncertainty: the design's size.", min=1)
    ] = 10,
    explore_runs: Annotated[
        int,
        typer.Option("--explore-runs", help="With --uncertainty: runs per point and arm.", min=1),
    ] = 200,
) -> None:
    """Write an HTML report: headline numbers, what differs, figures, a typical story, method.

    The folder holds everything the page needs; it opens offline in any browser.
    """
    for path in scenarios:  # every problem of every file before any run starts
        load_or_exit(path, sets)
    if uncertainty is not None and sets:
        bad_input("--uncertainty: the exploration ranges over the files as written; drop --set")
    if design not in DESIGNS:
        bad_input(f"--design: unknown design {design!r}; use one of {', '.join(DESIGNS)}")
    request = ExploreRequest(uncertainty, design, points, explore_runs) if uncertainty else None
    check_folder(out)
    command = shlex.join(["sim", *sys.argv[1:]])
    with experiment_setup(jobs, executor, address, store, quiet) as setup:
        try:
            with writing("the report", out):
                index = build_report(
                    scenarios,
                    out,
                    runs,
                    seed,
                    overrides=sets or (),
                    precision=precision,
                    max_runs=max_runs,
                    store=setup.store,
                    executor=setup.executor,
                    progress=setup.progress,
                    command=command,
                    exploration=request,
                )
        except ScenarioError as err:
            bad_input(str(err))
        except ImportError:
            bad_input("--uncertainty needs the explore extra: pip install -e '.[explore]'")
    console.print(f"report: {index}", markup=False)
