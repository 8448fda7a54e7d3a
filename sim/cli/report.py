"""``sim report``: a self-contained HTML report of one or more scenarios."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli import folders
from sim.cli.common import (
    DEFAULT_STORE,
    MAX_RUNS,
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
    first_runs,
    load_or_exit,
    report_store,
    say_precision,
    writing,
)
from sim.cli.preflight import Yes


def report(
    scenarios: Annotated[
        list[Path],
        typer.Argument(help="One or more scenario files; the first is the baseline."),
    ],
    runs: Runs = None,
    seed: Seed = 0,
    sets: Sets = None,
    precision: Precision = None,
    max_runs: MaxRuns = 100_000,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_STORE,
    quiet: Quiet = False,
    yes: Yes = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The report's folder (index.html and its files; default: "
            "reports/report-<scenario names>/).",
            show_default=False,
        ),
    ] = None,
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
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="With --uncertainty: add a section on what this history file (the record) says "
            "about the assumptions, and the menu under the posterior (sim calibrate).",
            show_default=False,
        ),
    ] = None,
    calibrate_points: Annotated[
        int,
        typer.Option("--calibrate-points", help="With --history: prior points.", min=1, max=20_000),
    ] = 200,
    calibrate_runs: Annotated[
        int,
        typer.Option(
            "--calibrate-runs", help="With --history: runs per point.", min=1, max=MAX_RUNS
        ),
    ] = 50,
) -> None:
    """Write an HTML report: headline numbers, what differs, figures, a typical story, method.

    The folder holds everything the page needs; it opens offline in any browser.
    """
    loaded = [load_or_exit(path, sets) for path in scenarios]  # every problem before any run
    names = [folders.label(p, s, sets) for p, s in zip(scenarios, loaded, strict=True)]
    out = out or folders.report_folder(names)
    from sim.experiments.designs import DESIGNS
    from sim.outputs.report import CalibrateRequest, ExploreRequest, make_report
    from sim.scenario import ScenarioError

    if uncertainty is not None and sets:
        bad_input("--uncertainty: the exploration ranges over the files as written; drop --set")
    if design not in DESIGNS:
        bad_input(f"--design: unknown design {design!r}; use one of {', '.join(DESIGNS)}")
    request = ExploreRequest(uncertainty, design, points, explore_runs) if uncertainty else None
    if history is not None and uncertainty is None:
        bad_input("--history: give the uncertainty file too (--uncertainty FILE), the priors")
    if history is not None:  # its problems before any run
        from sim.scenario.history import load_history

        try:
            load_history(history)
        except ScenarioError as err:
            bad_input(str(err))
    calibration = (
        CalibrateRequest(history, uncertainty, calibrate_points, calibrate_runs)
        if history is not None and uncertainty is not None
        else None
    )
    check_folder(out)
    command = shlex.join(["sim", *sys.argv[1:]])
    with experiment_setup(jobs, executor, address, store, quiet, yes) as setup:
        try:
            with writing("the report", out):
                data = make_report(
                    scenarios,
                    out,
                    first_runs(runs, precision, max_runs),
                    seed,
                    overrides=sets or (),
                    precision=precision,
                    max_runs=max_runs,
                    store=setup.store,
                    executor=setup.executor,
                    progress=setup.progress,
                    preflight=setup.preflight,
                    command=command,
                    exploration=request,
                    calibration=calibration,
                )
        except ScenarioError as err:
            bad_input(str(err))
        except ImportError:
            bad_input("--uncertainty needs the explore extra: pip install -e '.[explore]'")
    console.print(f"report: {data.index} (and its figures and stories beside it)", markup=False)
    report_store(setup, as_json=False)
    what = "the widest paired difference" if len(scenarios) > 1 else "the capture probability"
    say_precision(data.precision, what, as_json=False)
