"""``sim compare``: several setups on the same fugitive and tips, with paired differences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import (
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
    Seed,
    Sets,
    StorePath,
    bad_input,
    check_folder,
    console,
    experiment_setup,
    load_or_exit,
    report_plots,
    writing,
)
from sim.cli.run import format_days
from sim.experiments.compare import Comparison
from sim.experiments.compare import compare as compare_scenarios
from sim.experiments.store import DEFAULT_PATH
from sim.outputs.figures import compare_figures, write_figures
from sim.outputs.files import slug


def compare(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Two or more scenario files; the first is the baseline.")
    ],
    runs: Runs = 1000,
    seed: Seed = 0,
    sets: Sets = None,
    as_json: Json = False,
    precision: Precision = None,
    max_runs: MaxRuns = 100_000,
    jobs: Jobs = None,
    executor: ExecutorName = "local",
    address: Address = None,
    store: StorePath = DEFAULT_PATH,
    quiet: Quiet = False,
    out: Out = None,
    no_plots: NoPlots = False,
) -> None:
    """Compare scenarios on common random numbers: capture rates and paired differences.

    Plots (rates, paired differences, survival curves, tip-loss waterfalls, frictions per run) go
    to --out, by default reports/compare-<first>-vs-<second>/.
    """
    if len(scenarios) < 2:
        bad_input("sim compare: give at least two scenario files (the first is the baseline)")
    loaded = [load_or_exit(path, sets) for path in scenarios]
    folder = out or Path("reports") / ("compare-" + "-vs-".join(slug(s.name) for s in loaded))
    if not no_plots:
        check_folder(folder)
    with experiment_setup(jobs, executor, address, store, quiet) as setup:
        result = compare_scenarios(
            loaded,
            runs,
            seed,
            precision=precision,
            max_runs=max_runs,
            store=setup.store,
            executor=setup.executor,
            progress=setup.progress,
        )
    if as_json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        console.print(comparison_table(result))
        if result.pairwise:
            console.print(pairwise_table(result))
    if not no_plots:
        with writing("the plots", folder):
            paths = write_figures(compare_figures(result), folder)
        report_plots(paths, folder, as_json)


def comparison_table(result: Comparison) -> Table:
    """One table: the baseline, then every other scenario ranked by its paired gain over it."""
    base = result.summaries[0]
    table = Table(
        title=f"{base.runs} paired runs, seed {base.seed} (difference from {base.scenario})"
    )
    table.add_column("rank", justify="right")
    table.add_column("scenario")
    table.add_column("captured", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("median days", justify="right")
    table.add_column("difference", justify="right")
    table.add_column("paired 95% CI", justify="right")
    table.add_column("unpaired 95% CI", justify="right")
    table.add_column("p (exact)", justify="right")
    table.add_column("p (Holm)", justify="right")
    diffs = {d.b: d for d in result.differences}
    ranked = sorted(result.summaries[1:], key=lambda s: -diffs[s.scenario].capture_rate_diff)
    for rank, summary in enumerate([base, *ranked]):
        low, high = summary.ci95
        row = [
            str(rank) if rank else "",
            summary.scenario,
            f"{summary.capture_rate:.3f}",
            f"{low:.3f}-{high:.3f}",
            format_days(summary.median_days_to_capture),
        ]
        d = diffs.get(summary.scenario)
        if d is None:
            row += ["(baseline)", "", "", "", ""]
        else:
            row += [
                f"{d.capture_rate_diff:+.3f}",
                f"{d.ci95[0]:+.3f} to {d.ci95[1]:+.3f}",
                f"{d.unpaired_ci95[0]:+.3f} to {d.unpaired_ci95[1]:+.3f}",
                format_p(d.p_value),
                format_p(d.p_adjusted) + (" *" if d.clear else ""),
            ]
        table.add_row(*row)
    if len(result.differences) > 1:
        table.caption = (
            f"* clear after Holm's adjustment across the {len(result.differences)} differences "
            "(family-wise 5 %); p: exact McNemar test on the replications that differ"
        )
    return table


def format_p(p: float) -> str:
    """A p-value as a table shows it."""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def pairwise_table(result: Comparison) -> Table:
    """Which setup beats which: every pair after the baseline, the better one first."""
    table = Table(title="Pairwise: which beats which (same paired runs; Holm across the pairs)")
    table.add_column("better")
    table.add_column("than")
    table.add_column("by", justify="right")
    table.add_column("paired 95% CI", justify="right")
    table.add_column("p (Holm)", justify="right")
    table.add_column("verdict")
    ordered = sorted(result.pairwise, key=lambda d: -abs(d.capture_rate_diff))
    for d in ordered:
        better, worse = (d.b, d.a) if d.capture_rate_diff >= 0 else (d.a, d.b)
        # The difference is b - a; said the other way round, its interval flips too.
        low, high = d.ci95 if d.capture_rate_diff >= 0 else (-d.ci95[1], -d.ci95[0])
        verdict = "beats" if d.clear else "not distinguishable"
        table.add_row(
            better,
            worse,
            f"{abs(d.capture_rate_diff):+.3f}",
            f"{low:+.3f} to {high:+.3f}",
            format_p(d.p_adjusted),
            verdict,
        )
    return table
