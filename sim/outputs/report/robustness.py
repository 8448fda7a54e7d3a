"""The report's multiplicity-honest menu and its robustness section, as HTML parts.

Two parts the page places where it likes, each a function of the report's data:

* :func:`menu_notes`: under the headline numbers, when more than one setup is compared with
  the baseline, each difference's exact McNemar p-value, its Holm-adjusted p-value across the
  menu and which setup beats which (pairwise, Holm across the pairs);
* :func:`robustness_section`: when the report was asked to explore an uncertainty file, which
  conclusions survive the assumptions: the factors that move the capture probability and the top
  reform's gain, each reform's gain across the space, and the PRIM boxes in words, with figures.

Every value is escaped; figures are files in the report's folder.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from pathlib import Path

from sim.analysis.exploration import Exploration, Output
from sim.experiments.compare import Difference
from sim.outputs.figures import explore_figures, write_figures

#: File stems of the robustness figures get this prefix (beside the report's own figures).
PREFIX = "robustness-"


def _p(p: float) -> str:
    return "&lt;0.001" if p < 0.001 else f"{p:.3f}"


def menu_notes(differences: Sequence[Difference], pairwise: Sequence[Difference]) -> str:
    """The Holm-adjusted menu and the pairwise table (empty for a single difference)."""
    if len(differences) < 2:
        return ""
    rows = "".join(
        f"<tr><td>{escape(d.b)}</td><td class='num'>{d.capture_rate_diff:+.3f}</td>"
        f"<td class='num'>{_p(d.p_value)}</td><td class='num'>{_p(d.p_adjusted)}</td>"
        f"<td class='num'>[{d.simultaneous_ci95[0]:+.3f}, {d.simultaneous_ci95[1]:+.3f}]</td>"
        f"<td>{'clear' if d.clear else 'not clear'}</td></tr>"
        for d in sorted(differences, key=lambda d: -d.capture_rate_diff)
    )
    menu = (
        f"<h3>Adjusted for trying {len(differences)} setups</h3>"
        '<p class="note">Each difference\'s exact McNemar p-value (from the replications that '
        "end differently), adjusted by Holm's method across the menu: a setup clearly differs "
        "from the baseline when its adjusted p is at most 0.05. The simultaneous (Bonferroni) "
        "intervals hold for all the differences at once.</p>"
        "<table><thead><tr><th>setup</th><th class='num'>difference</th>"
        "<th class='num'>p (exact)</th><th class='num'>p (Holm)</th>"
        "<th class='num'>simultaneous 95 % CI</th><th>verdict</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    return menu + _pairwise(pairwise)


def _pairwise(pairwise: Sequence[Difference]) -> str:
    rows = []
    for d in sorted(pairwise, key=lambda d: -abs(d.capture_rate_diff)):
        better, worse = (d.b, d.a) if d.capture_rate_diff >= 0 else (d.a, d.b)
        low, high = d.ci95 if d.capture_rate_diff >= 0 else (-d.ci95[1], -d.ci95[0])
        rows.append(
            f"<tr><td>{escape(better)}</td><td>{escape(worse)}</td>"
            f"<td class='num'>{abs(d.capture_rate_diff):+.3f}<br><small>[{low:+.3f}, "
            f"{high:+.3f}]</small></td><td class='num'>{_p(d.p_adjusted)}</td>"
            f"<td>{'beats it' if d.clear else 'not distinguishable'}</td></tr>"
        )
    return (
        "<h3>Which setup beats which</h3>"
        '<p class="note">Every pair of setups after the baseline, on the same paired runs; '
        "Holm's adjustment across the pairs.</p>"
        "<table><thead><tr><th>better</th><th>than</th><th class='num'>by [paired 95 % CI]"
        "</th><th class='num'>p (Holm)</th><th>verdict</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def robustness_figures(exploration: Exploration, folder: Path) -> list[str]:
    """Write the exploration's figures into the report's folder; return their stems."""
    figures = {PREFIX + name: f for name, f in explore_figures(exploration).items()}
    write_figures(figures, folder)
    return list(figures)


def robustness_section(exploration: Exploration | None, figures: Sequence[str]) -> str:
    """The robustness section (empty when no exploration was asked for)."""
    if exploration is None:
        return ""
    run = exploration.run
    parts = [
        '<section id="robustness"><h2>Which conclusions survive the assumptions</h2>',
        f"<p>The assumptions of <code>{escape(run.uncertainty.path)}</code> "
        f"({len(run.uncertainty.factors)} factors in {len(run.space.units)} groups) were "
        f"explored with a {escape(run.design)} design: {run.points} points, each running "
        f"{', '.join(escape(a) for a in run.arms)} on the same {run.runs} replications "
        f"(seed {run.seed}).</p>",
        _factors(exploration.output("capture"), "the capture probability", exploration),
    ]
    top = exploration.top
    if top is not None:
        parts.append(
            _factors(exploration.output(f"gain:{top.name}"), f"the gain of {top.name}", exploration)
        )
        parts.append(_reforms(exploration))
    parts += [f"<p>{escape(b.sentence)}</p>" for b in exploration.boxes]
    parts += [_figure(stem) for stem in figures]
    parts.append("</section>")
    return "\n".join(parts)


def _factors(output: Output, what: str, exploration: Exploration, most: int = 8) -> str:
    key = {"morris": "mu_star", "sobol": "st", "lhs": "s1"}[exploration.run.design]
    ranked = sorted(output.indices, key=lambda i: -_finite(i.importance))
    labels = {f.name: f.label for f in exploration.run.uncertainty.factors}
    rows = "".join(
        f"<tr><td>{escape(labels.get(i.unit, i.unit))}{_members(i.factors)}</td>"
        f"<td class='num'>{i.values[key]:.3f}<br><small>[{i.intervals[key][0]:.3f}, "
        f"{i.intervals[key][1]:.3f}]</small></td>"
        f"<td class='num'>{_floor(i.values.get('noise_floor'))}</td></tr>"
        for i in ranked[:most]
    )
    share = output.monte_carlo_share
    noise = (
        f" Monte Carlo noise is {share:.0%} of its spread across the points."
        if share is not None
        else ""
    )
    return (
        f"<h3>What moves {escape(what)}</h3><p class='note'>The "
        f"{min(most, len(output.indices))} largest of {len(output.indices)} factors or groups "
        f"({escape(key.replace('_', ' '))} with its 95 % bootstrap "
        f"interval; beside it, what noise alone would give).{noise}</p>"
        "<table><thead><tr><th>factor or group</th><th class='num'>index [95 % CI]</th>"
        f"<th class='num'>noise floor</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _finite(value: float) -> float:
    return value if math.isfinite(value) else -math.inf


def _members(factors: Sequence[str]) -> str:
    return f" <small>({escape(', '.join(factors))})</small>" if len(factors) > 1 else ""


def _floor(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _reforms(exploration: Exploration) -> str:
    rows = "".join(
        f"<tr><td>{escape(r.name)}</td><td class='num'>{r.gain_median:+.3f}<br><small>"
        f"[{r.gain_p05:+.3f}, {r.gain_p95:+.3f}]</small></td>"
        f"<td class='num'>{r.share_clear_gain:.0%}</td><td class='num'>{r.share_clear_harm:.0%}"
        f"</td><td class='num'>{r.rank1_probability:.2f}</td>"
        f"<td class='num'>{r.regret_median:.3f} / {r.regret_p90:.3f}</td></tr>"
        for r in sorted(exploration.reforms, key=lambda r: -r.gain_median)
    )
    return (
        "<h3>Each reform across the space</h3>"
        "<table><thead><tr><th>reform</th><th class='num'>median gain [5th, 95th]</th>"
        "<th class='num'>points with a clear gain</th><th class='num'>clear harm</th>"
        "<th class='num'>P(ranks first)</th><th class='num'>regret median / 90th</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _figure(stem: str) -> str:
    return (
        f'<figure id="figure-{escape(stem)}"><a href="{escape(stem)}.svg">'
        f'<img src="{escape(stem)}.png" alt="{escape(stem.replace("-", " "))}" '
        f'loading="eager"></a></figure>'
    )
