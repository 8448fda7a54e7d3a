"""Which of the bundled model's conclusions survive its assumptions, as docs/robustness.md.

Regenerate with one command (finished replications are reused from the results store)::

    python -m sim.outputs.robustness --points 10 --runs 200 --menu-runs 1000 --seed 1

It runs the reform menu at the nominal point (``brussels-2015`` against every reform in
``scenarios/reforms/``, as docs/findings.md does), takes the three reforms with the largest
nominal gain, and screens ``scenarios/uncertainty/brussels-2015.yaml`` with a Morris design:
``points`` trajectories over its groups, the baseline and the three reforms at every point on the
same ``runs`` replications. The page says, for each nominal finding, across what share of the
space it holds; it lists the factors that move the capture probability and the top reform's
gain, each reform's robustness and the PRIM boxes, with figures in ``docs/robustness/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from sim.analysis.exploration import Exploration, Output, explore
from sim.experiments.compare import Comparison, compare
from sim.experiments.executors import make_executor
from sim.experiments.store import DEFAULT_PATH, ResultsStore
from sim.outputs.calibration import kept_section
from sim.outputs.figures import explore_figures, write_figures
from sim.outputs.files import atomic_writer
from sim.scenario import load_scenario
from sim.version import __version__

ROOT = Path(__file__).resolve().parent.parent.parent
BASELINE = ROOT / "scenarios" / "brussels-2015.yaml"
REFORMS = ROOT / "scenarios" / "reforms"
UNCERTAINTY = ROOT / "scenarios" / "uncertainty" / "brussels-2015.yaml"
COMMAND = (
    "python -m sim.outputs.robustness --points {points} --runs {runs} --menu-runs {menu} "
    "--seed {seed}"
)
#: How many of the nominal menu's best reforms are explored.
TOP = 3


def top_reforms(comparison: Comparison, paths: Sequence[Path], count: int = TOP) -> list[Path]:
    """The files of the ``count`` reforms with the largest nominal gain."""
    by_name = {load_scenario(p).name: p for p in paths}
    ranked = sorted(comparison.differences, key=lambda d: -d.capture_rate_diff)
    return [by_name[d.b] for d in ranked[:count]]


def _findings(comparison: Comparison, result: Exploration) -> list[str]:
    """Each nominal finding beside the share of the space where it holds."""
    reforms = {r.name: r for r in result.reforms}
    menu = sorted(comparison.differences, key=lambda d: -d.capture_rate_diff)
    lines = [
        "| nominal finding (reform menu, Holm-adjusted) | across the space explored |",
        "|---|---|",
    ]
    best = menu[0].b
    if best in reforms:
        r = reforms[best]
        lines.append(
            f"| **{best}** buys the most ({menu[0].capture_rate_diff:+.3f}) | ranks first at "
            f"{r.rank1_probability:.0%} of the points; regret median {r.regret_median:.3f}, "
            f"90th percentile {r.regret_p90:.3f} |"
        )
    for d in menu:
        if d.b not in reforms:
            continue
        r = reforms[d.b]
        nominal = "helps (clear after Holm)" if d.clear else "no clear effect after Holm"
        lines.append(
            f"| {d.b}: {nominal}, {d.capture_rate_diff:+.3f} (p Holm {_p(d.p_adjusted)}) | "
            f"clear gain at {r.share_clear_gain:.0%} of the points, clear harm at "
            f"{r.share_clear_harm:.0%}; gain median {r.gain_median:+.3f} (5th-95th "
            f"{r.gain_p05:+.3f} to {r.gain_p95:+.3f}) |"
        )
    low, high = np.percentile(result.run.capture(0), [5, 95])
    base = comparison.summaries[0]
    lines.append(
        f"| brussels-2015 captures him in {base.capture_rate:.1%} of runs | from {low:.1%} to "
        f"{high:.1%} (5th-95th percentiles of the points): the level rests on the assumptions |"
    )
    return lines


#: The documented screening: below this size the page says its numbers are a smoke test.
FULL_TRAJECTORIES, FULL_RUNS = 10, 200


def _size_warning(trajectories: int, runs: int) -> list[str]:
    if trajectories >= FULL_TRAJECTORIES and runs >= FULL_RUNS:
        return []
    return [
        f"**This page was generated at a small size ({trajectories} trajectories, {runs} runs "
        "per point): it shows what the page says, not what the model says. Regenerate with "
        f"`--points {FULL_TRAJECTORIES} --runs {FULL_RUNS}` before reading its numbers.**",
        "",
    ]


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _factor_table(output: Output, result: Exploration, most: int = 10) -> list[str]:
    labels = {f.name: f.label for f in result.run.uncertainty.factors}
    lines = [
        "| rank | factor or group | μ* [95 % CI] | noise floor |",
        "|---|---|---|---|",
    ]
    ranked = sorted(output.indices, key=lambda i: -i.values.get("mu_star", 0.0))
    for rank, index in enumerate(ranked[:most], start=1):
        low, high = index.intervals["mu_star"]
        name = labels.get(index.unit, index.unit)
        members = f" ({', '.join(index.factors)})" if len(index.factors) > 1 else ""
        lines.append(
            f"| {rank} | {name}{members} | {index.values['mu_star']:.3f} [{low:.3f}, "
            f"{high:.3f}] | {index.values.get('noise_floor', 0.0):.3f} |"
        )
    return lines


def _reform_table(result: Exploration) -> list[str]:
    lines = [
        "| reform | gain median [5th, 95th] | clear gain | clear harm | P(ranks first) "
        "| regret median / 90th | Monte Carlo share of the gain's spread |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in sorted(result.reforms, key=lambda r: -r.gain_median):
        share = "-" if r.monte_carlo_share is None else f"{r.monte_carlo_share:.2f}"
        lines.append(
            f"| {r.name} | {r.gain_median:+.3f} [{r.gain_p05:+.3f}, {r.gain_p95:+.3f}] | "
            f"{r.share_clear_gain:.0%} | {r.share_clear_harm:.0%} | {r.rank1_probability:.2f} | "
            f"{r.regret_median:.3f} / {r.regret_p90:.3f} | {share} |"
        )
    return lines


CAVEATS = """\
## What this can and cannot say

- **The space is the uncertainty file's.** Every range is argued in its `sources:` note (FACTS
  sections or stated judgements); a conclusion that holds "across the space" holds across those
  ranges, read as uniform (or log-uniform) beliefs, not across every possible world.
- **Morris is a screening.** Its trajectories visit a coarse four-level grid; μ* ranks what
  matters, it does not apportion variance (a Sobol design, `--design sobol`, does, at many more
  runs). Factors of one group move together: a group's μ* says how much the group matters.
- **Monte Carlo noise is stated, not hidden.** Each point's capture probability and gain come from
  a finite number of paired runs: the noise floor beside each μ* is what noise alone would give,
  and the Monte Carlo share says how much of a gain's spread across the points is noise.
- **The friction attribution is not re-run here.** "Names spelt differently is the largest
  friction" (docs/findings.md) is a Shapley share at the nominal point; here the names group's μ*
  says only how much the capture probability moves with the spelling assumptions.
- **Reforms keep their own numbers.** Where a reform replaces a number a factor moves, the
  uncertainty file says where the factor acts in that reform (`in:`), or that the reform fixes it.
"""


def write_robustness(
    comparison: Comparison, result: Exploration, out: Path, command: str, seconds: float, jobs: int
) -> list[Path]:
    """Write docs/robustness.md and its figures.

    The page's calibration section (:mod:`sim.outputs.calibration`, its own generator) is kept
    as it stands, at the end.
    """
    kept = kept_section(out)
    figures_dir = out.parent / out.stem
    figures = explore_figures(result)
    paths = write_figures(figures, figures_dir)
    # The folder is this page's own: a figure an earlier build drew and this one does not
    # (a PRIM box that restricts nothing this time) goes, so the page never links a stale one.
    drawn = {p.stem for p in paths}
    for stale in [*figures_dir.glob("*.png"), *figures_dir.glob("*.svg")]:
        if stale.stem not in drawn:
            stale.unlink()
    run = result.run
    top = result.top
    reps = run.points * len(run.arms) * run.runs
    text = [
        "# Robustness: which conclusions survive the assumptions",
        "",
        f"Generated by `{command}` on {date.today():%Y-%m-%d} with brussels-sim {__version__}. "
        "Do not edit by hand; change the model, the scenarios or the uncertainty file and "
        "regenerate.",
        "",
        f"A Morris screening of `scenarios/uncertainty/brussels-2015.yaml` "
        f"({len(run.uncertainty.factors)} factors in {len(run.space.units)} groups): "
        f"{run.points} points, at each of which {', '.join(run.arms)} ran the same {run.runs} "
        f"replications (seed {run.seed}): {reps:,} replications; this run took "
        f"{seconds / 60:.1f} minutes on {jobs} worker processes (replications already in the "
        "store are reused). The reforms are the three with the largest gain in the nominal "
        f"menu ({comparison.summaries[0].runs:,} paired runs).",
        "",
        *_size_warning(run.points // max(len(run.space.units) + 1, 1), run.runs),
        "## The findings, across the space",
        "",
        *_findings(comparison, result),
        "",
        "## What moves the capture probability",
        "",
        *_factor_table(result.output("capture"), result),
        "",
    ]
    if top is not None:
        text += [
            f"## What moves the gain of {top.name}",
            "",
            *_factor_table(result.output(f"gain:{top.name}"), result),
            "",
            "## Each reform across the space",
            "",
            *_reform_table(result),
            "",
            "## Where the top reform stops paying",
            "",
            *[f"- {box.sentence}" for box in result.boxes],
            "",
        ]
    text += [f"![{p.stem}](robustness/{p.name})" for p in paths]
    text += ["", CAVEATS]
    if kept:
        text += ["", kept, ""]
    with atomic_writer(out) as handle:
        handle.write("\n".join(text))
    return [out, *paths]


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate docs/robustness.md (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m sim.outputs.robustness", description=__doc__)
    parser.add_argument("--points", type=int, default=10, help="Morris trajectories")
    parser.add_argument("--runs", type=int, default=200, help="runs per point and arm")
    parser.add_argument("--menu-runs", type=int, default=1000, help="paired runs per reform")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--store", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "robustness.md")
    args = parser.parse_args(argv)
    reforms = sorted(REFORMS.glob("*.yaml"))
    executor = make_executor("local", args.jobs)
    store = ResultsStore(args.store)
    started = time.monotonic()
    try:
        scenarios = [load_scenario(BASELINE), *(load_scenario(p) for p in reforms)]
        comparison = compare(scenarios, args.menu_runs, args.seed, store=store, executor=executor)
        explored = time.monotonic()
        result = explore(
            UNCERTAINTY,
            top_reforms(comparison, reforms),
            "morris",
            args.points,
            args.runs,
            args.seed,
            baseline=BASELINE,
            store=store,
            executor=executor,
        )
        seconds = time.monotonic() - explored
    finally:
        executor.close()
        store.close()
    command = COMMAND.format(
        points=args.points, runs=args.runs, menu=args.menu_runs, seed=args.seed
    )
    jobs = executor.jobs
    for path in write_robustness(comparison, result, args.out, command, seconds, jobs):
        print(path, file=sys.stderr)
    print(f"menu {explored - started:.0f} s, exploration {seconds:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
