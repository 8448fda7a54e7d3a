"""``sim run``: many replications of one scenario, summarised as a table or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

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
from sim.outputs.wording import captured_label

if TYPE_CHECKING:
    from sim.experiments.summary import Summary

#: Counters shown in the table (all of them are in --json).
SHOWN = (
    ("tips_true", "true tips"),
    ("tips_false", "false tips"),
    ("tips_forgotten", "dossiers forgotten"),
    ("tips_lost_in_channel", "messages lost"),
    ("tips_translated", "messages translated"),
    ("tips_misread", "messages misread"),
    ("name_matches_missed", "names not matched"),
    ("name_false_links", "other people's names taken for his"),
    ("raids_planned", "searches planned"),
    ("raids_deferred_night", "searches deferred by the night rule"),
    ("night_deferral_hours", "hours of night deferral"),
    ("raids_empty", "searches that found nobody"),
    ("raids_near_miss", "near misses"),
    ("stops_released", "stops that released him"),
)
#: Rows shown only when a scenario's records make them happen (watch, report, holds, raises).
RECORDS_SHOWN = (
    ("records_raised", "records entered by a service's decision"),
    ("reports_from_checks", "discreet checks reported"),
    ("detentions", "detentions"),
    ("releases", "detentions that ended in release"),
)


def run(
    scenario: ScenarioPath,
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
    """Run a scenario many times: capture probability with its 95 % interval, and what happened.

    Plots (capture probability, survival curve, tip-loss waterfall) go to --out, by default
    reports/<scenario name>/ (with --set, a folder named for the overrides too).
    """
    loaded = load_or_exit(scenario, sets)  # bad input is answered before the model is loaded
    from sim.experiments.experiment import PrecisionOutcome
    from sim.experiments.runner import run_tallied
    from sim.experiments.stats import half_width
    from sim.outputs.figures import run_figures, write_figures

    name = folders.label(scenario, loaded, sets)
    folder = out or folders.folder(name)
    if not no_plots:
        check_folder(folder)
    with experiment_setup(jobs, executor, address, store, quiet, yes) as setup:
        summary, tally = run_tallied(
            loaded,
            runs=first_runs(runs, precision, max_runs),
            seed=seed,
            precision=precision,
            max_runs=max_runs,
            store=setup.store,
            executor=setup.executor,
            progress=setup.progress,
            preflight=setup.preflight,
        )
        tally.scenario = name  # the figures name the scenario as the folder does
    if as_json:
        print(json.dumps(summary.to_dict(), allow_nan=False))
    else:
        console.print(summary_table(summary, name, captured_label(loaded)))
    if precision is not None:
        width = half_width(summary.ci95)
        outcome = PrecisionOutcome(precision, width, summary.runs, max_runs)
        say_precision(outcome, "the capture probability", as_json)
    if not no_plots:
        with writing("the plots", folder):
            paths = write_figures(run_figures(tally), folder)
        report_plots(paths, folder, as_json)
    report_store(setup, as_json)


def format_days(days: float | None) -> str:
    """Median days to capture, or "not reached"."""
    return "not reached" if days is None else f"{days:.1f}"


def summary_table(summary: Summary, name: str | None = None, captured: str | None = None) -> Table:
    """The table ``sim run`` prints, titled with ``name`` (default: the scenario's name).

    ``captured`` is the first row's label, in the scenario's own words
    (:func:`sim.outputs.wording.captured_label`; default "captured within N days"). Detentions
    that ended in release (records with ``holds``) get a row when there were any.
    """
    low, high = summary.ci95
    title = f"{name or summary.scenario}: {summary.runs:,} runs, seed {summary.seed}"
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        captured or f"captured within {summary.horizon_days:g} days",
        f"{summary.capture_rate:.3f}  [95% CI {low:.3f}-{high:.3f}]",
    )
    low_d, high_d = summary.median_ci95
    table.add_row(
        "median days to capture",
        f"{format_days(summary.median_days_to_capture)}  [95% CI {format_days(low_d)}-"
        f"{format_days(high_d)}]"
        if summary.median_days_to_capture is not None
        else "not reached",
    )
    dossiers = summary.metrics.get("analyst_dossiers", summary.metrics["triages"])
    analyst_wait = summary.metrics["analyst_wait_hours"] / max(dossiers, 1e-9)
    for key, label in SHOWN:
        table.add_row(f"{label} (mean per run)", f"{summary.metrics[key]:.2f}")
    for key, label in RECORDS_SHOWN:
        if summary.metrics.get(key, 0):
            table.add_row(f"{label} (mean per run)", f"{summary.metrics[key]:.2f}")
    table.add_row("hours a dossier waits for an analyst (office and line)", f"{analyst_wait:.1f}")
    return table
