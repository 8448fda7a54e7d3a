"""``sim compare``: several setups on the same fugitive and tips, with paired differences."""

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
    first_runs,
    load_or_exit,
    report_plots,
    report_store,
    say_precision,
    writing,
)
from sim.cli.folders import compare_folder, label
from sim.cli.preflight import Yes
from sim.cli.run import format_days

if TYPE_CHECKING:
    from sim.experiments.compare import Comparison


def compare(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Two or more scenario files; the first is the baseline.")
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
    """Compare scenarios on common random numbers: capture rates and paired differences.

    Plots (rates, paired differences, survival curves, tip-loss waterfalls, frictions per run) go
    to --out, by default reports/compare-<first>-vs-<second>/ (with more setups,
    reports/compare-<first>-vs-<n>-others-<hash>/).
    """
    if len(scenarios) < 2:
        bad_input("sim compare: give at least two scenario files (the first is the baseline)")
    loaded = [load_or_exit(path, sets) for path in scenarios]
    from sim.experiments.compare import compare as compare_scenarios
    from sim.experiments.experiment import PrecisionOutcome
    from sim.experiments.stats import half_width
    from sim.outputs.figures import compare_figures, write_figures

    names = [label(p, s, sets, show_sets=False) for p, s in zip(scenarios, loaded, strict=True)]
    folder = out or compare_folder([*names, folders.overrides_text(sets)] if sets else names)
    if not no_plots:
        check_folder(folder)
    with experiment_setup(jobs, executor, address, store, quiet, yes) as setup:
        result = compare_scenarios(
            loaded,
            first_runs(runs, precision, max_runs),
            seed,
            precision=precision,
            max_runs=max_runs,
            store=setup.store,
            executor=setup.executor,
            progress=setup.progress,
            preflight=setup.preflight,
            labels=names,
        )
    if as_json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        words = loaded[0].outcome.captured
        console.print(comparison_table(result, folders.overrides_text(sets), words))
        if result.pairwise:
            console.print(pairwise_table(result))
    if precision is not None:
        width = max(half_width(d.ci95) for d in result.differences)
        outcome = PrecisionOutcome(precision, width, result.summaries[0].runs, max_runs)
        say_precision(outcome, "the widest paired difference", as_json)
    if not no_plots:
        with writing("the plots", folder):
            paths = write_figures(compare_figures(result), folder)
        report_plots(paths, folder, as_json)
    report_store(setup, as_json)


def comparison_table(result: Comparison, overrides: str = "", captured: str = "captured") -> Table:
    """One table: the baseline, then every other scenario ranked by its paired gain over it.

    ``overrides`` (the ``--set`` options applied to every setup) are named in the title;
    ``captured`` heads the rate's column, in the baseline's own words (its ``outcome``, e.g.
    "detained before the attack").

    A direction ("more often", "less often") is written only when the paired interval excludes
    zero; otherwise "no clear difference".
    """
    from sim.outputs.wording import verdict

    base = result.summaries[0]
    applied = f"; every setup with {overrides}" if overrides else ""
    table = Table(
        title=f"{base.runs:,} paired runs, seed {base.seed} (difference from {base.scenario}"
        f"{applied})"
    )
    table.add_column("rank", justify="right")
    table.add_column("scenario")
    table.add_column(captured, justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("median days", justify="right")
    table.add_column("difference", justify="right")
    table.add_column("paired 95% CI", justify="right")
    table.add_column("the paired CI supports")
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
            row += ["baseline", "", "", "", "", ""]
        else:
            row += [
                f"{d.capture_rate_diff:+.3f}",
                f"{d.ci95[0]:+.3f} to {d.ci95[1]:+.3f}",
                verdict(d.ci95),
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
