"""What the 2015-16 record says about the assumptions, as a section of docs/robustness.md.

Regenerate with one command (one line; finished replications are reused from the store)::

    python -m sim.outputs.calibration --points 400 --runs 100 --draws 40 --check-runs 50
        --menu-runs 1000 --attribution-points 2 --attribution-runs 30 --orders 8 --seed 1

It runs the nominal reform menu (``brussels-2015`` against every reform in
``scenarios/reforms/``, as docs/robustness.md does), takes the three reforms with the largest
nominal gain, and calibrates ``scenarios/uncertainty/brussels-2015.yaml`` on
``scenarios/history/brussels-2015-replay.yaml`` (:func:`sim.analysis.calibration.calibrate`):
which factors the record constrains, the effective sample size, the posterior predictive check,
the menu and the friction attribution nominal, under the prior and under the posterior. The
section sits between two markers at the end of docs/robustness.md (which its own generator keeps
when it rewrites the page); the figures go to ``docs/calibration/``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sim.outputs.figures import calibrate_figures, write_figures
from sim.outputs.files import atomic_writer
from sim.outputs.robustness import BASELINE, BEGIN, END, REFORMS, replace_section, top_reforms

if TYPE_CHECKING:
    from sim.analysis.calibration import Calibration

ROOT = Path(__file__).resolve().parent.parent.parent
HISTORY = ROOT / "scenarios" / "history" / "brussels-2015-replay.yaml"
UNCERTAINTY = ROOT / "scenarios" / "uncertainty" / "brussels-2015.yaml"
PAGE = ROOT / "docs" / "robustness.md"
COMMAND = (
    "python -m sim.outputs.calibration --points {points} --runs {runs} --draws {draws} "
    "--check-runs {check} --menu-runs {menu} --attribution-points {apoints} "
    "--attribution-runs {aruns} --orders {orders} --seed {seed}"
)
TITLE = "## What the 2015-16 record says about the assumptions"


def _f(value: float | None, sign: bool = True) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _factors(result: Calibration, most: int = 12) -> list[str]:
    ranked = sorted(result.factors, key=lambda f: (f.p_adjusted, -f.shift.distance))[:most]
    lines = [
        "| factor | prior 90 % | posterior 90 % | posterior median | width ratio | p (Holm) |",
        "|---|---|---|---|---|---|",
    ]
    for f in ranked:
        prior = " to ".join(f.shown((f.prior[0], f.prior[2])))
        post = " to ".join(f.shown((f.posterior[0], f.posterior[2])))
        name = f"**{f.factor.label}**" if f.constrained else f.factor.label
        lines.append(
            f"| {name} | {prior} | {post} | {f.shown((f.posterior[1],))[0]} | "
            f"{_f(f.width_ratio, False)} | {_p(f.p_adjusted)} |"
        )
    return lines


def _observations(result: Calibration) -> list[str]:
    lines = [
        "| observation | share of the prior's runs bearing it out | CPO (given the rest) |",
        "|---|---|---|",
    ]
    lines += [f"| {o.label} | {o.prior:.4f} | {_f(o.cpo, False)} |" for o in result.observations]
    return lines


def _menu(result: Calibration) -> list[str]:
    beliefs = list(result.menus)
    head = " | ".join(f"{b} gain [95 % CI] | p (Holm)" for b in beliefs)
    lines = [f"| reform | {head} |", "|---|" + "---|---|" * len(beliefs)]
    first = result.menus.get("posterior") or next(iter(result.menus.values()))
    for name in first.ranking():
        cells = []
        for belief in beliefs:
            e = result.menus[belief].reform(name)
            clear = " *" if e.clear else ""
            cells.append(f"{_f(e.value)} [{_f(e.ci95[0])}, {_f(e.ci95[1])}] | {_p(e.p_adjusted)}")
            cells[-1] += clear
        lines.append(f"| {name} | {' | '.join(cells)} |")
    ranks = {b: m.ranking() for b, m in result.menus.items()}
    same = len({tuple(r) for r in ranks.values()}) == 1
    lines += [
        "",
        "The ranking "
        + (
            "is the same under every belief."
            if same
            else "changes: " + "; ".join(f"{b}: {', '.join(r)}" for b, r in ranks.items()) + "."
        ),
    ]
    return lines


def _attribution(result: Calibration, most: int = 6) -> list[str]:
    beliefs = list(result.attributions)
    head = " | ".join(f"{b} [95 % CI]" for b in beliefs)
    lines = [f"| friction | {head} |", "|---|" + "---|" * len(beliefs)]
    first = result.attributions.get("posterior") or next(iter(result.attributions.values()))
    for key in first.ranking()[:most]:
        cells = []
        for belief in beliefs:
            e = next(x for x in result.attributions[belief].shapley if x.name == key)
            cells.append(f"{_f(e.value)} [{_f(e.ci95[0])}, {_f(e.ci95[1])}]")
        lines.append(f"| {first.labels[key]} | {' | '.join(cells)} |")
    return lines


def section(result: Calibration, figures: Sequence[str], command: str, seconds: float) -> str:
    """The section's markdown (figures are paths relative to the page)."""
    s, w = result.settings, result.weights
    check = result.predictive
    constrained = [f.factor.label for f in result.constrained]
    text = [
        BEGIN,
        TITLE,
        "",
        f"Generated by `{command}` on {date.today():%Y-%m-%d}; this run took "
        f"{seconds / 60:.1f} minutes (replications already in the store are reused). Method and "
        "observation model: [calibration.md](calibration.md).",
        "",
        f"The replay ran {s.runs} replications at each of {s.points} prior points of "
        f"`scenarios/uncertainty/brussels-2015.yaml` (seed {s.seed}); each point is weighted by "
        f"the share of them that reproduce the whole record of "
        f"`scenarios/history/brussels-2015-replay.yaml`. {w.accepted:,} of {s.points * s.runs:,} "
        f"runs did, at {w.points_held} points: **effective sample size {w.ess:.1f}**"
        + (f" (about {w.ess_exact:.0f} with exact likelihoods)." if w.ess_exact else "."),
        "",
    ]
    if w.ess < 30:
        text += [
            f"**An ESS of {w.ess:.0f} is small: the posterior ranges below are rough, and a "
            "factor not flagged may still be one the record constrains. Regenerate with more "
            "points and runs before leaning on them.**",
            "",
        ]
    text += ["### What was observed", "", *_observations(result), ""]
    text += [
        "### Which assumptions the record constrains",
        "",
        "Factors in bold are constrained (Holm-adjusted permutation p at most 0.05): "
        + (", ".join(constrained) if constrained else "none at this size")
        + f". The {min(12, len(result.factors))} most moved of {len(result.factors)}:",
        "",
        *_factors(result),
        "",
    ]
    if check is not None:
        text += [
            "### The posterior predictive check",
            "",
            f"Still at large on day {check.day:.1f} (the record): {check.prior.value:.3f} of the "
            f"replay's runs under the prior; **{check.posterior.value:.3f} "
            f"[{_f(check.posterior.ci95[0], False)}, {_f(check.posterior.ci95[1], False)}]** "
            f"under the posterior ({s.check_runs} fresh runs at each of {s.draws} posterior "
            "draws, never the runs that weighed the points).",
            "",
        ]
    if result.menus:
        text += [
            "### The reform menu, nominal, under the prior and under the posterior",
            "",
            "Paired gains on common random numbers, Holm-adjusted across the menu within each "
            "belief (* clear after Holm).",
            "",
            *_menu(result),
            "",
        ]
    if result.attributions:
        few = s.attribution_points < 10
        text += [
            "### Which friction costs most, under the same three",
            "",
            f"Shapley shares of the gap at {s.attribution_points} prior and "
            f"{s.attribution_points} posterior draws ({s.attribution_runs} runs per variant, "
            f"{s.orders} sampled orders)"
            + (
                ": with so few draws the intervals hold the Monte Carlo noise at those points, "
                "not the spread between the worlds each belief allows; indicative only."
                if few
                else "."
            ),
            "",
            *_attribution(result),
            "",
        ]
    text += [f"![{Path(p).stem}]({p})" for p in figures]
    text += ["", END]
    return "\n".join(text)


def write_section(result: Calibration, page: Path, command: str, seconds: float) -> list[Path]:
    """Write the figures beside ``page`` (``docs/calibration/``) and the section into it."""
    folder = page.parent / "calibration"
    paths = write_figures(calibrate_figures(result), folder)
    links = [f"calibration/{p.name}" for p in paths]
    old = page.read_text(encoding="utf-8") if page.is_file() else ""
    with atomic_writer(page) as handle:
        handle.write(replace_section(old, section(result, links, command, seconds)))
    return [page, *paths]


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the calibration section of docs/robustness.md (see the module docstring)."""
    from sim.analysis.calibration import calibrate
    from sim.experiments.compare import compare
    from sim.experiments.executors import make_executor
    from sim.experiments.store import DEFAULT_PATH, ResultsStore
    from sim.scenario import load_scenario

    parser = argparse.ArgumentParser(prog="python -m sim.outputs.calibration", description=__doc__)
    parser.add_argument("--points", type=int, default=400, help="prior points")
    parser.add_argument("--runs", type=int, default=100, help="runs per point (replay, arms)")
    parser.add_argument("--draws", type=int, default=40, help="prior and posterior draws")
    parser.add_argument("--check-runs", type=int, default=50, help="fresh runs per draw")
    parser.add_argument("--menu-runs", type=int, default=1000, help="nominal paired runs")
    parser.add_argument("--attribution-points", type=int, default=2)
    parser.add_argument("--attribution-runs", type=int, default=30)
    parser.add_argument("--orders", type=int, default=8, help="sampled orders per attribution")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--store", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--out", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    reforms = sorted(REFORMS.glob("*.yaml"))
    executor = make_executor("local", args.jobs)
    store = ResultsStore(args.store)
    started = time.monotonic()
    try:
        scenarios = [load_scenario(BASELINE), *(load_scenario(p) for p in reforms)]
        menu = compare(scenarios, args.menu_runs, args.seed, store=store, executor=executor)
        result = calibrate(
            HISTORY,
            UNCERTAINTY,
            top_reforms(menu, reforms),
            args.points,
            args.runs,
            args.seed,
            draws=args.draws,
            check_runs=args.check_runs,
            nominal_runs=args.menu_runs,
            attribution_points=args.attribution_points,
            attribution_runs=args.attribution_runs,
            orders=args.orders,
            store=store,
            executor=executor,
        )
    finally:
        executor.close()
        store.close()
    command = COMMAND.format(
        points=args.points,
        runs=args.runs,
        draws=args.draws,
        check=args.check_runs,
        menu=args.menu_runs,
        apoints=args.attribution_points,
        aruns=args.attribution_runs,
        orders=args.orders,
        seed=args.seed,
    )
    seconds = time.monotonic() - started
    for path in write_section(result, args.out, command, seconds):
        print(path, file=sys.stderr)
    print(f"calibration {seconds:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
