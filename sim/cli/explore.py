"""``sim explore``: which conclusions survive the assumptions (designs over an uncertainty file)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from sim.cli.common import (
    DEFAULT_STORE,
    MAX_RUNS,
    Address,
    ExecutorName,
    Jobs,
    Json,
    NoPlots,
    Out,
    Quiet,
    Seed,
    StorePath,
    bad_input,
    check_folder,
    console,
    experiment_setup,
    load_or_exit,
    report_plots,
    writing,
)

if TYPE_CHECKING:  # imported where used: `sim --help` loads neither the store nor the model
    pass

if TYPE_CHECKING:  # the analysis needs the explore extra: imported when the command runs
    from sim.analysis.exploration import Exploration, Output

MISSING_EXTRA = (
    "sim explore needs the explore extra (SALib, prim, pandas): pip install -e '.[explore]'"
)


def explore(
    scenario: Annotated[Path, typer.Argument(help="The baseline scenario.", show_default=False)],
    uncertainty: Annotated[
        Path, typer.Argument(help="Its uncertainty file (factors and ranges).", show_default=False)
    ],
    reforms: Annotated[
        list[Path] | None,
        typer.Argument(help="Reform scenarios, each run at every point.", show_default=False),
    ] = None,
    design: Annotated[
        str, typer.Option("--design", help="morris (screening), sobol (indices) or lhs.")
    ] = "morris",
    points: Annotated[
        int,
        typer.Option(
            "--points",
            help="Morris trajectories, Sobol base samples (a power of two) or LHS points.",
            min=1,
            max=100_000,
        ),
    ] = 10,
    runs: Annotated[
        int,
        typer.Option("--runs", "-n", help="Replications per point and arm.", min=1, max=MAX_RUNS),
    ] = 200,
    seed: Seed = 0,
    as_json: Json = False,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", help="A reform 'stops paying' below this gain (PRIM).", min=-1, max=1
        ),
    ] = 0.02,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_STORE,
    quiet: Quiet = False,
    out: Out = None,
    no_plots: NoPlots = False,
) -> None:
    """Explore the assumptions: indices per factor, each reform's robustness, PRIM boxes.

    At every design point the baseline and every reform run the same replications (common
    random numbers); finished replications are kept in the store, so an interrupted exploration
    resumes. Figures go to --out, by default reports/explore-<scenario>/.
    """
    from sim.experiments.designs import DESIGNS
    from sim.outputs.files import slug
    from sim.scenario import ScenarioError

    if design not in DESIGNS:
        bad_input(f"--design: unknown design {design!r}; use one of {', '.join(DESIGNS)}")
    try:
        from sim.analysis.exploration import explore_plan
        from sim.experiments.explore import plan_exploration
        from sim.outputs.figures import explore_figures, write_figures
    except ImportError:
        bad_input(MISSING_EXTRA)
    for path in [scenario, *(reforms or [])]:  # each file's problems first, as every command
        load_or_exit(path)
    try:  # everything else is checked, and every point resolved, before the store is opened
        plan = plan_exploration(uncertainty, reforms or [], design, points, seed, scenario)
    except ScenarioError as err:
        bad_input(str(err))
    except ImportError:
        bad_input(MISSING_EXTRA)
    except ValueError as err:
        bad_input(f"sim explore: {err}")
    folder = out or Path("reports") / f"explore-{slug(scenario.stem)}"
    if not no_plots:
        check_folder(folder)
    with experiment_setup(jobs, executor, address, store, quiet) as setup:
        result = explore_plan(
            plan,
            runs,
            threshold,
            store=setup.store,
            executor=setup.executor,
            progress=setup.progress,
        )
    if as_json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        for table in exploration_tables(result):
            console.print(table)
        for box in result.boxes:
            console.print(box.sentence, markup=False)
    if not no_plots:
        with writing("the plots", folder):
            paths = write_figures(explore_figures(result), folder)
        report_plots(paths, folder, as_json)


def exploration_tables(result: Exploration) -> list[Table]:
    """The factors ranked for the baseline and the top reform's gain, then the reforms."""
    tables = [_factor_table(result, result.output("capture"), "capture probability")]
    top = result.top
    if top is not None:
        output = result.output(f"gain:{top.name}")
        tables.append(_factor_table(result, output, f"gain of {top.name}"))
        tables.append(_reform_table(result))
    return tables


def _fmt(value: float | None, sign: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def _factor_table(result: Exploration, output: Output, what: str) -> Table:
    run = result.run
    share = output.monte_carlo_share
    noise = f"; Monte Carlo share of its spread {share:.2f}" if share is not None else ""
    table = Table(
        title=f"What moves the {what} ({run.design}, {run.points} points x {run.runs} runs, "
        f"seed {run.seed}{noise})"
    )
    table.add_column("rank", justify="right")
    table.add_column("factor (or group)")
    keys = {"morris": ("mu_star", "sigma", "noise_floor"), "sobol": ("st", "s1"), "lhs": ("s1",)}
    for key in keys[run.design]:
        table.add_column(key.replace("_", " "), justify="right")
        if key in ("mu_star", "st", "s1"):
            table.add_column("95% CI", justify="right")
    ranked = sorted(output.indices, key=lambda i: -_finite(i.importance))
    for rank, index in enumerate(ranked, start=1):
        name = index.unit if len(index.factors) > 1 else index.factors[0]
        if len(index.factors) > 1:
            name += f" ({len(index.factors)} factors)"
        cells = [str(rank), name]
        for key in keys[run.design]:
            cells.append(_fmt(index.values.get(key)))
            if key in ("mu_star", "st", "s1"):
                low, high = index.intervals.get(key, (math.nan, math.nan))
                cells.append(f"{_fmt(low)}-{_fmt(high)}")
        table.add_row(*cells)
    return table


def _finite(value: float) -> float:
    return value if math.isfinite(value) else -math.inf


def _reform_table(result: Exploration) -> Table:
    table = Table(title=f"Each reform across the {result.run.points} points (gain over baseline)")
    for name in (
        "reform",
        "median gain",
        "5th-95th",
        "clear gain",
        "clear harm",
        "P(rank 1)",
        "regret median",
        "regret p90",
    ):
        table.add_column(name, justify="left" if name == "reform" else "right")
    for r in sorted(result.reforms, key=lambda r: -r.gain_median):
        table.add_row(
            r.name,
            _fmt(r.gain_median, True),
            f"{_fmt(r.gain_p05, True)} to {_fmt(r.gain_p95, True)}",
            f"{r.share_clear_gain:.0%}",
            f"{r.share_clear_harm:.0%}",
            f"{r.rank1_probability:.2f}",
            _fmt(r.regret_median),
            _fmt(r.regret_p90),
        )
    return table
