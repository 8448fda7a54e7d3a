"""The report's calibration section: what the record says about the assumptions, as HTML.

When the report is asked to calibrate on a history file (``sim report ... --uncertainty FILE
--history FILE``), :func:`calibration_section` says how many replay runs reproduced the record and
the effective sample size, which factors the record constrains (prior and posterior 90 % ranges),
the posterior predictive check, and the reform menu nominal, under the prior and under the
posterior, with the three figures of ``sim calibrate``. Every value is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from sim.outputs.figures import calibrate_figures, write_figures

if TYPE_CHECKING:
    from sim.analysis.calibration import Calibration

#: File stems of the calibration figures (``calibration-...``) keep their own names.
SECTION = "calibration"


def _f(value: float | None, sign: bool = True) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def _p(p: float) -> str:
    return "&lt;0.001" if p < 0.001 else f"{p:.3f}"


def calibration_figures(result: Calibration, folder: Path) -> list[str]:
    """Write the calibration's figures into the report's folder; return their stems."""
    figures = calibrate_figures(result)
    write_figures(figures, folder)
    return list(figures)


def _factors(result: Calibration, most: int = 8) -> str:
    ranked = sorted(result.factors, key=lambda f: (f.p_adjusted, -f.shift.distance))[:most]
    rows = "".join(
        f"<tr><td>{'<strong>' if f.constrained else ''}{escape(f.factor.label)}"
        f"{'</strong>' if f.constrained else ''}</td>"
        f"<td class='num'>{escape(' to '.join(f.shown((f.prior[0], f.prior[2]))))}</td>"
        f"<td class='num'>{escape(' to '.join(f.shown((f.posterior[0], f.posterior[2]))))}</td>"
        f"<td class='num'>{_f(f.width_ratio, False)}</td>"
        f"<td class='num'>{_p(f.p_adjusted)}</td></tr>"
        for f in ranked
    )
    return (
        f"<h3>Which assumptions the record constrains</h3><p class='note'>The {len(ranked)} "
        f"most moved of {len(result.factors)} factors; in bold those the record constrains "
        "(a permutation test of the weights, Holm-adjusted across the factors, p at most "
        "0.05).</p><table><thead><tr><th>factor</th><th class='num'>prior 90 %</th>"
        "<th class='num'>posterior 90 %</th><th class='num'>width ratio</th>"
        f"<th class='num'>p (Holm)</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _menu(result: Calibration) -> str:
    beliefs = list(result.menus)
    head = "".join(
        f"<th class='num'>{escape(b)} gain [95 % CI]</th><th class='num'>p (Holm)</th>"
        for b in beliefs
    )
    first = result.menus.get("posterior") or next(iter(result.menus.values()))
    rows = []
    for name in first.ranking():
        cells = "".join(
            f"<td class='num'>{_f(e.value)}<br><small>[{_f(e.ci95[0])}, {_f(e.ci95[1])}]"
            f"</small></td><td class='num'>{_p(e.p_adjusted)}{' *' if e.clear else ''}</td>"
            for e in (result.menus[b].reform(name) for b in beliefs)
        )
        rows.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    return (
        "<h3>What each reform buys in the worlds the record leaves</h3><p class='note'>Paired "
        "gains on common random numbers, Holm-adjusted across the menu within each belief "
        "(* clear after Holm).</p>"
        f"<table><thead><tr><th>reform</th>{head}</tr></thead><tbody>{''.join(rows)}"
        "</tbody></table>"
    )


def _figure(stem: str) -> str:
    return (
        f'<figure id="figure-{escape(stem)}"><a href="{escape(stem)}.svg">'
        f'<img src="{escape(stem)}.png" alt="{escape(stem.replace("-", " "))}" '
        f'loading="eager"></a></figure>'
    )


def calibration_section(result: Calibration | None, figures: Sequence[str]) -> str:
    """The calibration section (empty when no calibration was asked for)."""
    if result is None:
        return ""
    s, w = result.settings, result.weights
    parts = [
        f'<section id="{SECTION}"><h2>What the record says about the assumptions</h2>',
        f"<p>The replay <code>{escape(result.plan.replay.name)}</code> ran {s.runs} "
        f"replications at each of {s.points} prior points of "
        f"<code>{escape(result.plan.uncertainty.path)}</code> (seed {s.seed}); each point is "
        "weighted by the share of them that reproduce the whole record of "
        f"<code>{escape(result.plan.history.path)}</code> (importance weighting by the "
        f"estimated likelihood; ABC rejection with zero tolerance). {w.accepted:,} of "
        f"{s.points * s.runs:,} runs did, at {w.points_held} points: effective sample size "
        f"<strong>{w.ess:.1f}</strong>.</p>",
    ]
    if w.empty:
        parts.append(
            "<p>No replication reproduced the record: its likelihood is below about "
            f"1/{s.points * s.runs:,} everywhere, and nothing can be said of the posterior.</p>"
        )
    else:
        parts.append(_factors(result))
    check = result.predictive
    if check is not None:
        parts.append(
            f"<p>Still at large on day {check.day:.1f} (the record): {check.prior.value:.3f} of "
            f"the replay's runs under the prior, <strong>{check.posterior.value:.3f}</strong> "
            f"[{_f(check.posterior.ci95[0], False)}, {_f(check.posterior.ci95[1], False)}] "
            "under the posterior (fresh runs at the posterior's draws).</p>"
        )
    if result.menus:
        parts.append(_menu(result))
    parts += [_figure(stem) for stem in figures]
    parts.append("</section>")
    return "\n".join(parts)
