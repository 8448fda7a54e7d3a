"""What the bundled model says: the reform menu and the friction attribution, as docs/findings.md.

Regenerate with one command (about 10 minutes on two cores; finished replications are reused from
the results store, so a second run takes seconds)::

    python -m sim.outputs.findings --runs 1000 --attribution-runs 300 --seed 1

It compares ``scenarios/brussels-2015.yaml`` with every reform in ``scenarios/reforms/`` on
common random numbers (the reform menu, ranked by paired gain), shares the gap between
brussels-2015 and its frictionless reference among the frictions (Shapley values), draws the
figures into ``docs/findings/`` and writes ``docs/findings.md`` with the numbers and the caveats.
It then does the same for each bundled case beyond Brussels (``scenarios/cases/``) and writes the
section that compares them (:mod:`sim.outputs.case_findings`). With ``--cases-only`` it computes
only that section (and the Brussels attribution at the same number of runs, for its side-by-side
columns) and puts it into the existing page, leaving the Brussels sections as they are::

    python -m sim.outputs.findings --cases-only --runs 1000 --attribution-runs 100 --seed 1
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sim.analysis.attribution import Attribution, attribute
from sim.experiments.compare import Comparison, compare
from sim.experiments.executors import make_executor
from sim.experiments.store import DEFAULT_PATH, ResultsStore
from sim.outputs.case_findings import cases_section, put_section, run_cases
from sim.outputs.figures import write_figures
from sim.outputs.files import atomic_writer
from sim.outputs.plots.rates import capture_differences
from sim.outputs.plots.style import Provenance
from sim.outputs.plots.tornado import FrictionEffect, friction_tornado
from sim.outputs.wording import is_clear, verdict
from sim.scenario import load_scenario
from sim.version import __version__

ROOT = Path(__file__).resolve().parents[2]  # the repository: sim/outputs/ is two levels down
BASELINE = ROOT / "scenarios" / "brussels-2015.yaml"
REFORMS = ROOT / "scenarios" / "reforms"
COMMAND = "python -m sim.outputs.findings --runs {runs} --attribution-runs {aruns} --seed {seed}"


def reform_menu(comparison: Comparison) -> list[tuple[int, str, float, tuple[float, float]]]:
    """(rank, reform, paired gain, 95 % CI), largest gain first."""
    ranked = sorted(comparison.differences, key=lambda d: -d.capture_rate_diff)
    return [(i + 1, d.b, d.capture_rate_diff, d.ci95) for i, d in enumerate(ranked)]


def _menu_table(comparison: Comparison) -> list[str]:
    rates = {s.scenario: s for s in comparison.summaries}
    base = comparison.summaries[0]
    lines = [
        "| rank | reform | captured (95 % CI) | gain over 2015 | paired 95 % CI "
        "| the paired CI supports | unpaired 95 % CI | p (exact McNemar) | p (Holm) "
        "| simultaneous 95 % CI |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| | {base.scenario} (baseline) | {_rate(base.capture_rate, base.ci95)} | | | | | | | |",
    ]
    diffs = {d.b: d for d in comparison.differences}
    for rank, name, gain, ci in reform_menu(comparison):
        s, d = rates[name], diffs[name]
        clear = " **clear**" if d.clear else ""
        lines.append(
            f"| {rank} | {name} | {_rate(s.capture_rate, s.ci95)} | {gain:+.3f} | "
            f"{ci[0]:+.3f} to {ci[1]:+.3f} | {verdict(ci, 'more captures', 'fewer captures')} | "
            f"{d.unpaired_ci95[0]:+.3f} to {d.unpaired_ci95[1]:+.3f} | {_p(d.p_value)} | "
            f"{_p(d.p_adjusted)}{clear} | "
            f"{d.simultaneous_ci95[0]:+.3f} to {d.simultaneous_ci95[1]:+.3f} |"
        )
    return lines


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def pairwise_table(comparison: Comparison) -> list[str]:
    """Which reform beats which: every pair, the better first, Holm-adjusted across the pairs."""
    lines = [
        "| better | than | by | paired 95 % CI | p (Holm) | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for d in sorted(comparison.pairwise, key=lambda d: -abs(d.capture_rate_diff)):
        better, worse = (d.b, d.a) if d.capture_rate_diff >= 0 else (d.a, d.b)
        low, high = d.ci95 if d.capture_rate_diff >= 0 else (-d.ci95[1], -d.ci95[0])
        say = "beats it" if d.clear else "not distinguishable"
        lines.append(
            f"| {better} | {worse} | {abs(d.capture_rate_diff):+.3f} | "
            f"{low:+.3f} to {high:+.3f} | {_p(d.p_adjusted)} | {say} |"
        )
    return lines


def _rate(rate: float, ci: tuple[float, float]) -> str:
    return f"{rate:.3f} ({ci[0]:.3f}-{ci[1]:.3f})"


def _attribution_table(result: Attribution) -> list[str]:
    lines = [
        "| friction | removed alone | 95 % CI | Shapley share | 95 % CI |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {f.label} | {f.remove_alone_delta:+.3f} | {f.ci95[0]:+.3f} to {f.ci95[1]:+.3f} | "
        f"{f.shapley:+.3f} | {f.shapley_ci95[0]:+.3f} to {f.shapley_ci95[1]:+.3f} |"
        for f in result.frictions
    ]
    low, high = result.total_gap_ci95
    lines.append(f"| **total gap** | | | **{result.total_gap:+.3f}** | {low:+.3f} to {high:+.3f} |")
    return lines


def _headlines(comparison: Comparison, result: Attribution) -> list[str]:
    """The page's summary: every direction it states has a 95 % interval clear of zero."""
    menu = reform_menu(comparison)
    diffs = {d.b: d for d in comparison.differences}
    helps = [m for m in menu if m[3][0] > 0 and diffs[m[1]].clear]
    lucky = [m[1] for m in menu if m[3][0] > 0 and not diffs[m[1]].clear]
    hurts = [m[1] for m in menu if m[3][1] < 0]
    neutral = [m[1] for m in menu if not is_clear(m[3])]
    low, high = result.total_gap_ci95
    gap = f"{result.total_gap:+.3f} (95 % CI {low:+.3f} to {high:+.3f})"
    lines = [
        f"- With the 2015 organisation the fugitive is caught within 126 days in "
        f"{comparison.summaries[0].capture_rate:.1%} of runs; with every friction removed, in "
        f"{result.frictionless_rate:.1%}: "
        + (f"a gap of {gap}." if is_clear(result.total_gap_ci95) else f"no clear gap: {gap}.")
    ]
    top = result.frictions[0]
    share = f"{top.shapley:+.3f}, 95 % CI {top.shapley_ci95[0]:+.3f} to {top.shapley_ci95[1]:+.3f}"
    if is_clear(top.shapley_ci95):
        lines.append(f"- The largest Shapley share of that gap goes to **{top.label}** ({share}).")
    else:
        lines.append(
            "- No friction's Shapley share is clearly different from zero at this precision; "
            f"the largest estimate is {top.label}'s ({share})."
        )
    if helps:
        best = helps[0]
        lines.append(
            f"- Of the reforms, **{best[1]}** has the largest estimated gain among those clear of "
            f"zero: {best[2]:+.3f} (paired 95 % CI {best[3][0]:+.3f} to {best[3][1]:+.3f}); "
            f"{len(helps)} of {len(menu)} reforms help with intervals clear of zero after Holm's "
            f"adjustment across the {len(menu)} (family-wise 5 %; overlapping intervals do not "
            "rank them)."
        )
    else:
        lines.append(
            "- No reform helps with an interval clear of zero at this precision once the menu is "
            "adjusted for its number of tries (Holm)."
        )
    if lucky:
        lines.append(
            "- Clear of zero alone but not once the menu is adjusted for trying "
            f"{len(menu)} reforms (Holm): " + ", ".join(lucky) + "."
        )
    if hurts:
        worse = ", ".join(hurts)
        lines.append(f"- Fewer captures than 2015, with intervals clear of zero: {worse}.")
    if neutral:
        lines.append(
            "- No clear difference from 2015 at this precision (the paired interval covers zero): "
            + ", ".join(neutral)
            + "."
        )
    return lines


CAVEATS_HEADING = "## What these numbers can and cannot support"
CAVEATS = f"""\
{CAVEATS_HEADING}

- **One historical case.** The model is calibrated on one manhunt (docs/sources.md §4) plus sourced
  structural facts (zones, staffing ratios, the night rule, the database reforms). One case cannot
  calibrate rates such as how often informants call or how long a dossier waits: those are
  declared assumptions in each scenario's `sources:` notes. Read the differences between setups,
  which common random numbers measure precisely, with more confidence than the levels.
- **Assumptions carry the magnitudes.** Sighting and intercept rates, triage times, forgetting and
  belief shares, channel delays and losses, the translator pool, the fugitive's outings, containment
  escapes: every one is an assumption and a sweep (`sim sweep ... --vary path=v1,v2`) shows how a
  finding moves with it. A reform that helps here helps *in this model of the case*.
- **Intervals are Monte Carlo intervals.** They say how precisely the model's own probability is
  known, not how uncertain the world is; structural uncertainty (is the mechanism right?) is not in
  them.
- **Shapley shares depend on the frictionless reference.** Removing a friction means a precise
  change to the scenario (listed in `sim/analysis/frictions.py`); a different reference (e.g.
  halving delays instead of removing them) would share the gap differently. With more than eight
  frictions the shares come from sampled orders of removal; their sampling error is stated beside
  them.
- **Reform scenarios are stylised.** Each changes only what its file says, with values declared as
  assumptions; the 2016 reforms are applied from the start of the hunt, which did not happen.
"""


def write_findings(
    comparison: Comparison,
    result: Attribution,
    out: Path,
    command: str,
    cases: Sequence[str] = (),
) -> list[Path]:
    """Write docs/findings.md and its figures; ``cases``: the cases section's lines, if any."""
    figures_dir = out.parent / out.stem
    base = comparison.summaries[0]
    provenance = Provenance(
        tuple((s.scenario, s.scenario_hash) for s in comparison.summaries), base.seed, base.runs
    )
    ranked = sorted(comparison.differences, key=lambda d: -d.capture_rate_diff)
    attribution_prov = Provenance(
        ((result.scenario, result.scenario_hash),), result.seed, result.runs
    )
    shapley = [FrictionEffect(f.label, f.shapley, f.shapley_ci95) for f in result.frictions]
    alone = [FrictionEffect(f.label, f.remove_alone_delta, f.ci95) for f in result.frictions]
    paths = write_figures(
        {
            "reform-menu": capture_differences(ranked, provenance),
            "frictions-shapley": friction_tornado(
                shapley, result.baseline_rate, attribution_prov, "shapley"
            ),
            "frictions-alone": friction_tornado(alone, result.baseline_rate, attribution_prov),
        },
        figures_dir,
    )
    how = (
        "exact over all subsets of frictions"
        if result.orders is None
        else f"{result.orders} sampled orders of removal "
        f"(sampling error ±{result.sampling_error:.3f})"
    )
    text = [
        "# Findings: what the bundled model says",
        "",
        f"Generated by `{command}` on {date.today():%Y-%m-%d} with brussels-sim {__version__}: "
        f"{base.runs:,} paired runs per reform, {result.runs:,} per attribution variant, seed "
        f"{base.seed}. Do not edit by hand; change the model or the scenarios and regenerate.",
        "",
        "## In short",
        "",
        *_headlines(comparison, result),
        "",
        "## The reform menu",
        "",
        "Each reform in `scenarios/reforms/` extends `brussels-2015` and changes only what its "
        "file says (each cites docs/sources.md). All run on common random numbers, so the gain is "
        "a paired difference of proportions (Tango's score interval); the unpaired (Newcombe) "
        "interval shows what the pairing buys. Seven reforms are seven tries: each gain's exact "
        "McNemar p-value is adjusted by Holm's method across the menu, and a reform is "
        "**clear** only when its adjusted p is at most 0.05; the simultaneous (Bonferroni) "
        "intervals hold for the whole menu at once.",
        "",
        *_menu_table(comparison),
        "",
        f"![Reform menu](findings/{paths[0].name})",
        "",
        "### Which reform beats which",
        "",
        "Every pair of reforms on the same paired runs (Holm across the pairs):",
        "",
        *pairwise_table(comparison),
        "",
        "## Which friction costs most",
        "",
        f"`sim attribute scenarios/brussels-2015.yaml --runs {result.runs} --seed {result.seed}`: "
        f"the gap between brussels-2015 ({result.baseline_rate:.3f}) and its frictionless "
        f"reference ({result.frictionless_rate:.3f}), shared among its {len(result.frictions)} "
        f"frictions by Shapley value ({how}; {result.variants} variants). Shares add up to the "
        "gap; 'removed alone' is the paired gain from removing that friction only.",
        "",
        *_attribution_table(result),
        "",
        f"![Shapley shares](findings/{paths[1].name})",
        "",
        f"![Removed alone](findings/{paths[2].name})",
        "",
        *([*cases, ""] if cases else []),
        CAVEATS,
    ]
    with atomic_writer(out) as handle:
        handle.write("\n".join(text))
    return [out, *paths]


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate docs/findings.md (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m sim.outputs.findings", description=__doc__)
    parser.add_argument("--runs", type=int, default=1000, help="paired runs per reform")
    parser.add_argument("--attribution-runs", type=int, default=300, help="runs per variant")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--store", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "findings.md")
    parser.add_argument(
        "--cases-only",
        action="store_true",
        help="only the section comparing the cases; the Brussels sections stay as they are",
    )
    args = parser.parse_args(argv)
    command = COMMAND.format(runs=args.runs, aruns=args.attribution_runs, seed=args.seed)
    if args.cases_only:
        command += " --cases-only"
    executor = make_executor("local", args.jobs)
    store = ResultsStore(args.store)
    try:
        result = attribute(
            BASELINE, args.attribution_runs, args.seed, store=store, executor=executor
        )
        comparison = None
        if not args.cases_only:
            reforms = sorted(REFORMS.glob("*.yaml"))
            scenarios = [load_scenario(BASELINE), *(load_scenario(p) for p in reforms)]
            comparison = compare(scenarios, args.runs, args.seed, store=store, executor=executor)
        cases = run_cases(
            args.runs, args.attribution_runs, args.seed, store=store, executor=executor
        )
    finally:
        executor.close()
        store.close()
    section = cases_section(result, cases, command)
    if comparison is None:
        page = put_section(args.out.read_text(encoding="utf-8"), section, CAVEATS_HEADING)
        with atomic_writer(args.out) as handle:
            handle.write(page)
        written = [args.out]
    else:
        written = write_findings(comparison, result, args.out, command, section)
    for path in written:
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
