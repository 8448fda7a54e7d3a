"""Markdown tables of the validation results: analytic cases and interval coverage."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.validation.case import ALPHA, Case, CaseResult
from sim.validation.checks import Check
from sim.validation.coverage import CoverageRow


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table.

    Raises:
        ValueError: a row has more or fewer cells than the header (a column would shift).
    """
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row of {len(row)} cells under {len(header)} headers: {row}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def num(value: float | None, digits: int = 4) -> str:
    """A number with ``digits`` significant figures ("–" for NaN or None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return f"{value:.{digits}g}"


def p_text(check: Check) -> str:
    """The p-value, or "exact" for a deterministic check."""
    return "exact" if math.isnan(check.p_value) else f"{check.p_value:.3g}"


def verdict(check: Check) -> str:
    """The verdict of a check: pass or FAIL (bold)."""
    return "pass" if check.passed else "**FAIL**"


def cases_table(cases: Sequence[Case]) -> str:
    """What each case isolates, its closed form and the fault it must detect."""
    rows = [
        [f"{i}. {c.title}", c.mechanism, f"`{c.formula}`", c.wrong]
        for i, c in enumerate(cases, start=1)
    ]
    return table(["case", "what the scenario isolates", "closed form", "fault it must see"], rows)


def results_table(results: Sequence[CaseResult], wrong: Sequence[CaseResult]) -> str:
    """Theory against simulation, check by check, with the same check on the faulty model."""
    rows = []
    for i, (good, bad) in enumerate(zip(results, wrong, strict=True), start=1):
        for c, w in zip(good.checks, bad.checks, strict=True):
            low, high = c.interval
            sim = num(c.measured) if low == high else f"{num(c.measured)} [{num(low)}, {num(high)}]"
            alpha = "0 (exact)" if math.isnan(c.p_value) else f"{c.alpha:.2g}"
            rows.append(
                [
                    str(i),
                    c.quantity,
                    num(c.theory),
                    sim,
                    c.test,
                    num(c.statistic),
                    p_text(c),
                    alpha,
                    str(c.runs),
                    verdict(c),
                    f"{p_text(w)} ({verdict(w)})",
                ]
            )
    header = [
        "#",
        "quantity",
        "theory",
        "simulation [95 % CI]",
        "test",
        "statistic",
        "p-value",
        "α",
        "n",
        "result",
        "faulty model: p (result)",
    ]
    return table(header, rows)


def summary_line(results: Sequence[CaseResult], wrong: Sequence[CaseResult]) -> str:
    """How many cases pass, and how many faults were seen."""
    passed = sum(r.passed for r in results)
    seen = sum(not r.passed for r in wrong)
    return (
        f"**{passed} of {len(results)} cases pass** at the fixed seed; **{seen} of {len(wrong)} "
        f"deliberate faults are detected.** Each case fails on a correct model with probability "
        f"at most α = {ALPHA:g} over random seeds, so the whole suite does with probability at "
        f"most {ALPHA * len(results):.3g} (Bonferroni)."
    )


def coverage_table(rows: Sequence[CoverageRow], truth_label: str) -> str:
    """Coverage of one kind of interval: exact, simulated with its interval, and the test."""
    out = []
    for r in rows:
        low, high = r.coverage_ci
        out.append(
            [
                r.interval,
                num(r.truth, 4),
                str(r.runs),
                str(r.experiments),
                num(r.exact, 4),
                f"{r.coverage:.3f} [{low:.3f}, {high:.3f}]",
                num(r.p_value, 3),
                num(r.mean_width, 3),
            ]
        )
    header = [
        "interval",
        truth_label,
        "n (runs per experiment)",
        "experiments",
        "exact coverage",
        "simulated coverage [95 % CI]",
        "p-value vs exact",
        "mean width",
    ]
    return table(header, out)
