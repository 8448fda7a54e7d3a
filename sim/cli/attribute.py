"""``sim attribute``: how much of the gap to a frictionless setup each friction causes."""

from __future__ import annotations

import json
from pathlib import Path
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
    NoPlots,
    Out,
    Quiet,
    ScenarioPath,
    Seed,
    Sets,
    StorePath,
    bad_input,
    check_folder,
    console,
    experiment_setup,
    load_or_exit,
    report_plots,
    report_store,
    writing,
)
from sim.cli.preflight import Yes

if TYPE_CHECKING:
    from sim.analysis.attribution import Attribution

#: Sampled removal orders when a scenario has more than eight frictions (the library's
#: ``sim.analysis.attribution.DEFAULT_ORDERS``; repeated so that the command line starts without
#: importing the model, and kept equal by a test).
DEFAULT_ORDERS = 24


def attribute_command(
    scenario: ScenarioPath,
    runs: Annotated[
        int, typer.Option("--runs", "-n", help="Replications per variant.", min=1)
    ] = 200,
    seed: Seed = 0,
    sets: Sets = None,
    orders: Annotated[
        int,
        typer.Option("--orders", help="Sampled removal orders when there are more than 8.", min=2),
    ] = DEFAULT_ORDERS,
    as_json: Json = False,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_STORE,
    quiet: Quiet = False,
    yes: Yes = False,
    out: Out = None,
    no_plots: NoPlots = False,
) -> None:
    """Each friction's cost: removed alone, and its Shapley share of the gap (paired runs).

    The tornado plots go to --out, by default reports/<scenario>-attribution/.
    """
    loaded = load_or_exit(scenario, sets)  # every problem of the file before the store is opened
    from sim.analysis.attribution import attribute
    from sim.scenario import ScenarioError

    if not no_plots:
        check_folder(out or Path("reports"))
    with experiment_setup(jobs, executor, address, store, quiet, yes) as setup:
        try:
            result = attribute(
                scenario,
                runs,
                seed,
                overrides=sets or (),
                orders=orders,
                store=setup.store,
                executor=setup.executor,
                progress=setup.progress,
                preflight=setup.preflight,
            )
        except ScenarioError as err:
            bad_input(str(err))
        except ValueError as err:
            bad_input(str(err))
    if not no_plots:
        folder = out or folders.folder(folders.label(scenario, loaded, sets), "attribution")
        with writing("the plots", folder):
            paths = write_tornadoes(result, folder)
        report_plots(paths, folder, as_json)
    if as_json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        console.print(attribution_table(result))
    report_store(setup, as_json)


def write_tornadoes(result: Attribution, folder: Path) -> list[Path]:
    """Draw the Shapley and the removed-alone tornadoes into ``folder``."""
    from sim.outputs.figures import write_figures
    from sim.outputs.plots.style import Provenance
    from sim.outputs.plots.tornado import FrictionEffect, friction_tornado

    provenance = Provenance(((result.scenario, result.scenario_hash),), result.seed, result.runs)
    shapley = [FrictionEffect(f.label, f.shapley, f.shapley_ci95) for f in result.frictions]
    alone = [FrictionEffect(f.label, f.remove_alone_delta, f.ci95) for f in result.frictions]
    figures = {
        "frictions-shapley": friction_tornado(shapley, result.baseline_rate, provenance, "shapley"),
        "frictions-alone": friction_tornado(alone, result.baseline_rate, provenance, "alone"),
    }
    return write_figures(figures, folder)


def attribution_table(result: Attribution) -> Table:
    """One row per friction, largest Shapley share first."""
    low, high = result.total_gap_ci95
    how = (
        "exact over all subsets"
        if result.orders is None
        else f"{result.orders} sampled orders, sampling error ±{result.sampling_error:.3f}"
    )
    table = Table(
        title=(
            f"{result.scenario}: capture {result.baseline_rate:.3f} with every friction, "
            f"{result.frictionless_rate:.3f} without; gap {result.total_gap:+.3f} "
            f"[{low:+.3f}, {high:+.3f}] ({result.runs} paired runs per variant, {how})"
        )
    )
    table.add_column("friction")
    table.add_column("removed alone", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("Shapley share", justify="right")
    table.add_column("95% CI", justify="right")
    for f in result.frictions:
        table.add_row(
            f.label,
            f"{f.remove_alone_delta:+.3f}",
            f"{f.ci95[0]:+.3f} to {f.ci95[1]:+.3f}",
            f"{f.shapley:+.3f}",
            f"{f.shapley_ci95[0]:+.3f} to {f.shapley_ci95[1]:+.3f}",
        )
    table.add_row(
        "total (the gap)", "", "", f"{result.total_gap:+.3f}", f"{low:+.3f} to {high:+.3f}"
    )
    return table
