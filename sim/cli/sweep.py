"""``sim sweep``: one scenario over a grid of parameter values, on common random numbers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from sim.cli import folders
from sim.cli.common import (
    DEFAULT_STORE,
    Address,
    ExecutorName,
    Jobs,
    Json,
    MaxRuns,
    NoPlots,
    Out,
    Precision,
    Quiet,
    Runs,
    ScenarioPath,
    Seed,
    Sets,
    StorePath,
    bad_input,
    check_folder,
    console,
    experiment_setup,
    first_runs,
    load_or_exit,
    report_plots,
    report_store,
    say_precision,
    writing,
)
from sim.cli.preflight import Yes
from sim.cli.run import format_days

if TYPE_CHECKING:
    from sim.experiments.sweep import SweepPoint


def sweep(
    scenario: ScenarioPath,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="A parameter and its values: dotted.path=v1,v2,... (repeat for a grid).",
            show_default=False,
        ),
    ],
    runs: Runs = None,
    seed: Seed = 0,
    sets: Sets = None,
    as_json: Json = False,
    precision: Precision = None,
    max_runs: MaxRuns = 100_000,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_STORE,
    quiet: Quiet = False,
    yes: Yes = False,
    out: Out = None,
    no_plots: NoPlots = False,
) -> None:
    """Run a scenario at every point of a parameter grid: one summary row per point.

    The plot (a line with its band for one parameter, a heatmap for two) goes to --out, by
    default reports/<scenario name>-sweep-<varied paths>/.
    """
    from sim.experiments.experiment import PrecisionOutcome
    from sim.experiments.stats import half_width
    from sim.experiments.sweep import parse_vary
    from sim.experiments.sweep import sweep as sweep_scenario
    from sim.outputs.figures import sweep_figures, write_figures
    from sim.scenario import ScenarioError

    try:
        axes = [parse_vary(text) for text in vary]
    except ScenarioError as err:
        bad_input(str(err))
    base = load_or_exit(scenario, sets)
    varied = [text.split("=", 1)[0] for text in vary]  # another grid, another folder
    folder = out or folders.folder(folders.label(scenario, base, sets), "sweep", *varied)
    if not no_plots:
        check_folder(folder)
    with experiment_setup(jobs, executor, address, store, quiet, yes) as setup:
        try:
            points = sweep_scenario(
                scenario,
                axes,
                first_runs(runs, precision, max_runs),
                seed,
                overrides=sets or (),
                precision=precision,
                max_runs=max_runs,
                store=setup.store,
                executor=setup.executor,
                progress=setup.progress,
                preflight=setup.preflight,
            )
        except ScenarioError as err:
            bad_input(str(err))
    if as_json:
        print(json.dumps([p.to_dict() for p in points], allow_nan=False))
    else:
        console.print(sweep_table(points))
    if precision is not None:
        width = max(half_width(p.summary.ci95) for p in points)
        outcome = PrecisionOutcome(precision, width, points[0].summary.runs, max_runs)
        say_precision(outcome, "the least precise grid point", as_json)
    if not no_plots:
        with writing("the plot", folder):
            paths = write_figures(sweep_figures(points, base), folder)
        report_plots(paths, folder, as_json)
    report_store(setup, as_json)


def sweep_table(points: Sequence[SweepPoint]) -> Table:
    """One row per grid point."""
    first = points[0].summary
    table = Table(title=f"{first.scenario}: {first.runs} runs per point, seed {first.seed}")
    for name in points[0].values:
        table.add_column(name)
    table.add_column("captured", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("median days", justify="right")
    for point in points:
        s = point.summary
        table.add_row(
            *point.values.values(),
            f"{s.capture_rate:.3f}",
            f"{s.ci95[0]:.3f}-{s.ci95[1]:.3f}",
            format_days(s.median_days_to_capture),
        )
    return table
