"""``sim calibrate``: weigh the assumptions by how well the replay reproduces the record."""

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
    errors,
    experiment_setup,
    load_or_exit,
    report_plots,
    writing,
)
from sim.cli.preflight import Yes
from sim.outputs.files import slug

if TYPE_CHECKING:
    from sim.analysis.calibration import Calibration

#: Factors shown in the table (the most moved first; --json has them all).
SHOWN = 15


def calibrate(
    replay: Annotated[
        Path,
        typer.Argument(
            help="The history file (what was observed; it names its replay), or the replay "
            "scenario with --history.",
            show_default=False,
        ),
    ],
    uncertainty: Annotated[
        Path, typer.Argument(help="The uncertainty file (the priors).", show_default=False)
    ],
    reforms: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Reform scenarios for the menu under the posterior.", show_default=False
        ),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="The history file, when REPLAY is the replay scenario."),
    ] = None,
    points: Annotated[
        int,
        typer.Option("--points", help="Design points (draws from the prior).", min=1, max=20_000),
    ] = 1000,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            "-n",
            help="Replications per point (replay, and each arm).",
            min=1,
            max=MAX_RUNS,
        ),
    ] = 200,
    seed: Seed = 0,
    as_json: Json = False,
    draws: Annotated[
        int,
        typer.Option(
            "--draws", help="Draws standing for the posterior (and the prior).", min=1, max=10_000
        ),
    ] = 100,
    check_runs: Annotated[
        int,
        typer.Option(
            "--check-runs",
            help="Fresh replay runs per posterior point (the check).",
            min=1,
            max=MAX_RUNS,
        ),
    ] = 100,
    nominal_runs: Annotated[
        int,
        typer.Option(
            "--nominal-runs",
            help="Paired runs of the menu at the nominal point (0: none).",
            min=0,
            max=MAX_RUNS,
        ),
    ] = 1000,
    attribution_points: Annotated[
        int,
        typer.Option(
            "--attribution-points",
            help="Draws at which the friction attribution is recomputed (0: none).",
            min=0,
            max=1000,
        ),
    ] = 0,
    attribution_runs: Annotated[
        int,
        typer.Option(
            "--attribution-runs", help="Runs per attribution variant.", min=1, max=MAX_RUNS
        ),
    ] = 50,
    orders: Annotated[
        int,
        typer.Option(
            "--orders", help="Sampled orders of removal per attribution.", min=2, max=1000
        ),
    ] = 24,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_STORE,
    quiet: Quiet = False,
    yes: Yes = False,
    out: Out = None,
    no_plots: NoPlots = False,
) -> None:
    """Calibrate on history: weigh the uncertainty file's space by the record's likelihood.

    The replay runs at every point of a prior Latin hypercube; each point is weighted by the share
    of its runs that reproduce every observation of the history file. Says each factor's prior and
    posterior 90 % ranges, the effective sample size, the posterior predictive check and the reform
    menu nominal, under the prior and under the posterior. Finished replications are kept in the
    store, so an interrupted calibration resumes. Figures go to --out (reports/calibrate-<name>/).
    """
    from sim.analysis.calibration import Settings, calibrate_plan
    from sim.experiments.calibrate import StageProgress, plan_calibration
    from sim.outputs.figures import calibrate_figures, write_figures
    from sim.scenario import ScenarioError
    from sim.scenario.history import is_history_file

    if is_history_file(replay):
        if history is not None:
            bad_input(f"--history: {replay} is a history file already; give one history")
        history_path, replay_path = replay, None
    else:
        if history is None:
            bad_input(
                f"REPLAY: {replay} is not a history file (observations: and replay:); give the "
                "history file (e.g. scenarios/history/brussels-2015-replay.yaml), or the replay "
                "scenario with --history FILE"
            )
        load_or_exit(replay)
        history_path, replay_path = history, replay
    for path in reforms or []:
        load_or_exit(path)
    try:  # every file, and the replay at every point, checked before the store is opened
        plan = plan_calibration(history_path, uncertainty, reforms or [], points, seed, replay_path)
    except ScenarioError as err:
        bad_input(str(err))
    except ValueError as err:
        bad_input(f"sim calibrate: {err}")
    folder = out or Path("reports") / f"calibrate-{slug(plan.history.name)}"
    if not no_plots:
        check_folder(folder)
    settings = Settings(
        points,
        runs,
        seed,
        draws,
        check_runs,
        nominal_runs,
        attribution_points,
        attribution_runs,
        orders,
    )
    with experiment_setup(jobs, executor, address, store, quiet, yes) as setup:
        staged = StageProgress(setup.progress)
        try:
            result = calibrate_plan(
                plan,
                settings,
                store=setup.store,
                executor=setup.executor,
                progress=staged,
                preflight=setup.preflight,
            )
        except ScenarioError as err:
            bad_input(str(err))
    if as_json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        for table in calibration_tables(result):
            console.print(table)
        for line in calibration_lines(result):
            console.print(line, markup=False)
    if not (as_json and quiet):
        where = errors if as_json else console
        where.print(
            f"results: {setup.store.path} ({staged.computed:,} replications computed and saved, "
            f"{staged.reused:,} reused)",
            markup=False,
        )
    if not no_plots:
        with writing("the plots", folder):
            paths = write_figures(calibrate_figures(result), folder)
        if paths:
            report_plots(paths, folder, as_json)


def _f(value: float | None, sign: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def calibration_lines(result: Calibration) -> list[str]:
    """The weights and the check in sentences."""
    w, s = result.weights, result.settings
    lines = [
        f"{w.accepted:,} of {s.points * s.runs:,} replay runs ({w.points_held:,} of {s.points:,} "
        f"points) reproduced the whole record; effective sample size {w.ess:.1f}"
        + (f" (about {w.ess_exact:.0f} with exact likelihoods)" if w.ess_exact else "")
    ]
    if w.empty:
        lines.append(
            "no replication at any point reproduced the record: its likelihood is below about "
            f"1/{s.points * s.runs:,} everywhere; run more points or runs, or check the "
            "observations (see the prior share of each above)"
        )
    check = result.predictive
    if check is not None:
        lines.append(
            f"still at large on day {check.day:.1f} (the record): {check.prior.value:.3f} of runs "
            f"under the prior, {check.posterior.value:.3f} [{_f(check.posterior.ci95[0])}, "
            f"{_f(check.posterior.ci95[1])}] under the posterior (fresh runs)"
        )
    return lines


def calibration_tables(result: Calibration) -> list[Table]:
    """The observations, the factors the record moved most, the menu and the attribution."""
    tables = [_observations(result), _factors(result)]
    if result.menus:
        tables.append(_menu(result))
    if result.attributions:
        tables.append(_attribution(result))
    return tables


def _observations(result: Calibration) -> Table:
    table = Table(title="What was observed, and how often the replay bears it out")
    for name in ("observation", "prior share of runs", "CPO (given the rest)"):
        table.add_column(name, justify="left" if name == "observation" else "right")
    for o in result.observations:
        table.add_row(o.label, f"{o.prior:.4f}", _f(o.cpo))
    return table


def _factors(result: Calibration) -> Table:
    ranked = sorted(result.factors, key=lambda f: f.shift.p_value)[:SHOWN]
    count = len(result.factors)
    shown = f"{SHOWN} most moved of {count}" if count > SHOWN else f"all {count} factors"
    table = Table(
        title=f"What the record says about the assumptions ({shown}; ESS {result.weights.ess:.1f})"
    )
    for name in ("factor", "prior 90 %", "posterior 90 %", "median", "width", "p (Holm)", ""):
        table.add_column(name, justify="left" if name in ("factor", "") else "right")
    for f in ranked:
        prior = " - ".join(f.shown((f.prior[0], f.prior[2])))
        post = " - ".join(f.shown((f.posterior[0], f.posterior[2])))
        table.add_row(
            f.factor.label,
            prior,
            post,
            f.shown((f.posterior[1],))[0],
            _f(f.width_ratio),
            f"{f.p_adjusted:.3f}",
            "constrained" if f.constrained else "",
        )
    return table


def _menu(result: Calibration) -> Table:
    beliefs = list(result.menus)
    table = Table(title="What each reform buys (Holm-adjusted across the menu)")
    table.add_column("reform")
    for belief in beliefs:
        table.add_column(f"{belief} gain [95 % CI]", justify="right")
        table.add_column("p (Holm)", justify="right")
    first = result.menus.get("posterior") or next(iter(result.menus.values()))
    for name in first.ranking():
        cells = [name]
        for belief in beliefs:
            e = result.menus[belief].reform(name)
            cells.append(f"{_f(e.value, True)} [{_f(e.ci95[0], True)}, {_f(e.ci95[1], True)}]")
            cells.append(f"{e.p_adjusted:.3f}{' *' if e.clear else ''}")
        table.add_row(*cells)
    return table


def _attribution(result: Calibration) -> Table:
    beliefs = list(result.attributions)
    table = Table(title="Which friction costs most (Shapley share of the gap)")
    table.add_column("friction")
    for belief in beliefs:
        table.add_column(f"{belief} [95 % CI]", justify="right")
    first = result.attributions.get("posterior") or next(iter(result.attributions.values()))
    for key in first.ranking():
        cells = [first.labels[key]]
        for belief in beliefs:
            e = next(x for x in result.attributions[belief].shapley if x.name == key)
            cells.append(f"{_f(e.value, True)} [{_f(e.ci95[0], True)}, {_f(e.ci95[1], True)}]")
        table.add_row(*cells)
    return table
