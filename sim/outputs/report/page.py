"""The report page: HTML from the report's data, with the standard library's ``string.Template``.

Every value is escaped; the page links only files in its own folder (its stylesheet, the figures'
PNG and SVG, the story), so it opens offline and makes no network requests.
"""

from __future__ import annotations

import shlex
from html import escape
from importlib import resources
from string import Template
from typing import TYPE_CHECKING

from sim.analysis.losses import CAPTURE_LABEL
from sim.outputs.wording import NO_CLEAR_DIFFERENCE, points, verdict

if TYPE_CHECKING:
    from sim.experiments.compare import Difference
    from sim.experiments.summary import Summary
    from sim.outputs.report.data import ReportData

#: What each figure shows: (alt text, caption).
FIGURES: dict[str, tuple[str, str]] = {
    "rates": (
        "Probability of capture per scenario with 95 % intervals",
        "Share of runs in which he is captured within the horizon, with its 95 % Wilson interval.",
    ),
    "differences": (
        "Paired differences in capture probability from the baseline",
        "Each setup's capture probability minus the baseline's, estimated replication by "
        "replication on the same fugitive and the same tips (paired 95 % interval, in colour); "
        "the grey bar is the interval two independent samples of the same size would give.",
    ),
    "survival": (
        "Probability still at large against days",
        "Kaplan-Meier estimate of the probability that he is still at large, with its pointwise "
        "95 % band; runs that end uncaught are censored at the horizon.",
    ),
    "waterfall": (
        "Where the true tips stopped",
        "Of all the true tips of all runs, how many stopped at each step; the last bar is what "
        "is left: tips that led to the capture.",
    ),
    "frictions": (
        "Friction counters per run",
        "Mean per run of each counter that measures friction, one panel each on its own linear "
        "scale (compare a setup with another within a panel, not across panels).",
    ),
    "timeline": (
        "Timeline of the whole replication told above",
        "The whole run of the same replication in the baseline: his police zone over time "
        "(top); tips, messages, searches and the capture by agency (bottom). At this scale the "
        "nightly bans are not shaded; the close-ups above show them.",
    ),
    "timeline-detail": (
        "Close-up of the replication told below, in the baseline",
        "The days up to the end of the story in detail: when each tip came in and moved on, "
        "when each search was planned, how long the night rule made it wait, and what it found.",
    ),
    "timeline-contrast": (
        "Close-up of the same replication in the setup it is contrasted with",
        "The same days of the same replication (the same fugitive, the same raw tips) in the "
        "other setup: where its tips travel and its searches differ, the outcome differs.",
    ),
}

_METHOD = """
<ul>
<li><strong>Common random numbers.</strong> Replication <em>r</em> of every scenario draws from
the same named random streams (master seed, replication index, stable hash of the stream's name),
so it sees the same fugitive path and the same raw sightings; only the organisation differs.
Comparisons are paired replication by replication.</li>
<li><strong>Capture probability</strong>: the share of runs ending in capture within the horizon,
with a <strong>Wilson score interval</strong> (good coverage near 0 and 1 and for few runs).</li>
<li><strong>Differences</strong>: a difference of paired proportions (each replication is
captured or not in both setups) with <strong>Tango's score interval</strong>, which keeps its
coverage even when few replications end differently; the unpaired Newcombe hybrid score interval
is shown beside it to show what the pairing buys.</li>
<li><strong>Time to capture</strong>: a survival question. Runs that reach the horizon
uncaught are censored there; the <strong>Kaplan-Meier</strong> estimator gives the probability
still at large
against days with a pointwise 95 % band, and the median is "not reached" when fewer than half the
runs end in capture.</li>
<li><strong>The waterfall</strong> counts each true tip once, at the furthest step any copy of it
reached (forgotten, lost, still waiting at the end, judged not credible, misread, not matched,
nobody with jurisdiction, search pending, searched empty, deferred by the night rule and then empty,
led to the capture).</li>
<li><strong>Directions</strong> ("more often", "less often") are stated only when the paired 95 %
interval excludes zero; otherwise the page says <em>no clear difference</em> and gives the estimate
and its interval.</li>
<li><strong>The replication told</strong>: with one scenario, the captured run whose day of capture
is closest to the Kaplan-Meier median (or, when fewer than half the runs end in capture, the first
run in which he is still at large). In a comparison, a replication in which the setups end
differently (the middle one, by day of capture, of the replications that only one setup ends in
capture), told in both setups over the same days. Its full ledger is one command away:
<code>$trace</code>.</li>
<li>Numbers are as good as the scenario's assumptions: every calibrated value cites its source in
the scenario's <code>sources:</code> notes, and what no source supports is declared an
assumption.</li>
</ul>
"""


def stylesheet() -> str:
    """The report's CSS."""
    return resources.files("sim.outputs.report").joinpath("style.css").read_text(encoding="utf-8")


def render(data: ReportData) -> str:
    """The report as one HTML page."""
    template = Template(
        resources.files("sim.outputs.report").joinpath("template.html").read_text(encoding="utf-8")
    )
    names = [s.name for s in data.scenarios]
    return template.substitute(
        version=escape(data.version),
        date=escape(data.date),
        title=escape(_title(names)),
        question=escape(_question(names, data.summaries[0].horizon_days)),
        lede=_lede(data),
        numbers=_numbers(data) + data.menu,
        scenarios=_scenarios(data),
        figures="\n".join(_figure(s) for s in data.figures if not s.startswith("timeline")),
        losses=_losses(data),
        story=_story(data),
        provenance=_provenance(data),
        method=Template(_METHOD).substitute(trace=escape(_trace_command(data))),
        robustness=data.robustness + data.calibration,
        robustness_nav=(
            '<li><a href="#robustness">Which conclusions survive the assumptions</a></li>'
            if data.robustness
            else ""
        )
        + (
            '<li><a href="#calibration">What the record says about the assumptions</a></li>'
            if data.calibration
            else ""
        ),
    )


def _title(names: list[str]) -> str:
    if len(names) == 1:
        return f"How often does {names[0]} catch the fugitive?"
    if len(names) == 2:
        return f"Does {names[1]} catch the fugitive more often than {names[0]}?"
    return f"Which of {len(names) - 1} setups catch the fugitive more often than {names[0]}?"


def _question(names: list[str], horizon_days: float) -> str:
    what = "this organisation" if len(names) == 1 else "each organisation"
    return (
        f"How likely is {what} of police and intelligence services to capture the fugitive "
        f"within {horizon_days:g} days, how long does it take, and where do the tips that could "
        "have found him get lost?"
    )


def _pct(p: float) -> str:
    return f"{100 * p:.1f} %"


def _lede(data: ReportData) -> str:
    s0 = data.summaries[0]
    parts = [
        f"Within {s0.horizon_days:g} days, <strong>{escape(s0.scenario)}</strong> captures him in "
        f"<strong>{_pct(s0.capture_rate)}</strong> of {s0.runs:,} runs "
        f"(95 % interval {_pct(s0.ci95[0])} to {_pct(s0.ci95[1])})."
    ]
    if len(data.differences) == 1:
        parts.append(_one_difference(data.summaries[1], data.differences[0]))
    elif data.differences:
        parts.append(_many_differences(data))
    if data.precision is not None:
        what = "the widest paired difference" if data.differences else "the capture probability"
        parts.append(escape(data.precision.sentence(what).capitalize() + "."))
    return " ".join(parts)


def _one_difference(s: Summary, d: Difference) -> str:
    return (
        f"<strong>{escape(s.scenario)}</strong> captures him in "
        f"<strong>{_pct(s.capture_rate)}</strong> ({_pct(s.ci95[0])} to {_pct(s.ci95[1])}): "
        f"on the same fugitive and the same tips, <strong>{points(d.capture_rate_diff, d.ci95)}"
        f"</strong> (paired 95 % interval {100 * d.ci95[0]:+.1f} to {100 * d.ci95[1]:+.1f} points)."
    )


def _many_differences(data: ReportData) -> str:
    """The other setups grouped by what their paired intervals support (many would not read)."""
    groups: dict[str, list[str]] = {}
    for d in sorted(data.differences, key=lambda d: -d.capture_rate_diff):
        said = verdict(d.ci95)
        if said == NO_CLEAR_DIFFERENCE:
            groups.setdefault(said, []).append(f"<strong>{escape(d.b)}</strong>")
        else:
            groups.setdefault(said, []).append(
                f"<strong>{escape(d.b)}</strong> ({abs(100 * d.capture_rate_diff):.1f} points; "
                f"paired 95 % interval {100 * d.ci95[0]:+.1f} to {100 * d.ci95[1]:+.1f})"
            )
    sentences = [
        f"Of the {len(data.differences)} other setups, on the same fugitive and the same tips:"
    ]
    for said, opening in (
        ("more often", "more often:"),
        ("less often", "less often:"),
        (NO_CLEAR_DIFFERENCE, f"{NO_CLEAR_DIFFERENCE} for"),
    ):
        if said in groups:
            sentences.append(f"{opening} {', '.join(groups[said])};")
    return " ".join(sentences).rstrip(";") + ". The table below gives every number."


def _days(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.1f}"


def _numbers(data: ReportData) -> str:
    diffs = {d.b: d for d in data.differences}
    rows = []
    for s in data.summaries:
        low, high = s.ci95
        m_low, m_high = s.median_ci95
        cells = [
            f'<td class="name">{escape(s.scenario)}</td>',
            f'<td class="num">{s.runs:,}</td>',
            f'<td class="num">{s.capture_rate:.3f}<br><small>[{low:.3f}, {high:.3f}]</small></td>',
            f'<td class="num">{_days(s.median_days_to_capture)}<br>'
            f"<small>[{_days(m_low)}, {_days(m_high)}]</small></td>",
        ]
        if data.differences:
            cells += _difference_cells(diffs.get(s.scenario))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = [
        ("scenario", ""),
        ("runs", "num"),
        (f"captured within {data.summaries[0].horizon_days:g} days [95 % CI, Wilson]", "num"),
        ("median days to capture [95 % CI]", "num"),
    ]
    if data.differences:
        head += [
            ("difference from the baseline [paired 95 % CI]", "num"),
            ("what the paired interval supports", ""),
            ("unpaired 95 % CI", "num"),
        ]
    header = "".join(f'<th class="{kind}">{escape(h)}</th>' for h, kind in head)
    table = f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return table + _captured_by(data)


def _difference_cells(d: Difference | None) -> list[str]:
    """The difference, its verdict and the unpaired interval; the baseline's row says so."""
    if d is None:
        return ['<td class="num">baseline</td>', "<td></td>", "<td></td>"]
    p_low, p_high = d.ci95
    u_low, u_high = d.unpaired_ci95
    return [
        f'<td class="num">{d.capture_rate_diff:+.3f}<br>'
        f"<small>[{p_low:+.3f}, {p_high:+.3f}]</small></td>",
        f"<td>{escape(verdict(d.ci95))}</td>",
        f'<td class="num"><small>[{u_low:+.3f}, {u_high:+.3f}]</small></td>',
    ]


def _captured_by(data: ReportData) -> str:
    items = []
    for s in data.summaries:
        if not s.captured_by:
            continue
        how = ", ".join(
            f"{escape(k.replace(':', ' by '))}: {v:,}" for k, v in s.captured_by.items()
        )
        items.append(f"<li>{escape(s.scenario)}: {how}</li>")
    if not items:
        return ""
    return (
        '<p class="note">How the captures happened (runs):</p><ul class="note">'
        + "".join(items)
        + "</ul>"
    )


def _scenarios(data: ReportData) -> str:
    rows = "".join(
        f'<tr><td class="name">{escape(s.name)}<br><small class="path">{escape(s.path)}</small>'
        f'</td><td class="hash">{escape(s.hash)}</td><td>{escape(s.description)}</td></tr>'
        for s in data.scenarios
    )
    table = (
        "<table><thead><tr><th>scenario and file</th><th>content hash</th>"
        f"<th>description</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    if len(data.scenarios) == 1:
        return table
    if not data.settings:
        return table + "<p>The scenario files describe the same model: no setting differs.</p>"
    note = (
        '<p class="note">Values as written in the files (after <code>extends</code> and any '
        "<code>--set</code>); notes (<code>sources</code>, <code>description</code>) left out; "
        "<code>{a, b}</code> lists the services or databases a change applies to alike. "
        "Everything else, including the fugitive and the tip sources, is the same.</p>"
    )
    if len(data.scenarios) == 2:
        head = "".join(f"<th>{escape(s.name)}</th>" for s in data.scenarios)
        body = "".join(
            f'<tr><td class="path">{escape(d.path)}</td>'
            + "".join(f"<td>{escape(v)}</td>" for v in d.values)
            + "</tr>"
            for d in data.settings
        )
        rows = f"<thead><tr><th>setting</th>{head}</tr></thead><tbody>{body}</tbody>"
    else:  # one column per setup would not fit: each setup's changes to the baseline
        base = escape(data.scenarios[0].name)
        head = f"<th>setup</th><th>setting</th><th>{base} (baseline)</th><th>this setup</th>"
        widths = "".join(f'<col style="width: {w}%">' for w in (18, 42, 20, 20))
        rows = f"<colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>"
        rows += f"<tbody>{_changes(data)}</tbody>"
    return table + "<h3>What differs</h3>" + note + f'<table class="settings">{rows}</table>'


def _changes(data: ReportData) -> str:
    """Rows of what each setup changes from the baseline, the setup named once."""
    out = []
    for name, changed in data.changes:
        settings = [d for d in changed if d.path != "name"]  # every setup has its own name
        if not settings:
            out.append(
                f'<tr><td class="name">{escape(name)}</td><td colspan="3">no setting differs '
                "from the baseline</td></tr>"
            )
        first = f'<td class="name" rowspan="{len(settings)}">{escape(name)}</td>'
        for i, d in enumerate(settings):
            who = first if i == 0 else ""
            out.append(
                f'<tr>{who}<td class="path">{escape(d.path)}</td><td>{escape(d.values[0])}</td>'
                f"<td>{escape(d.values[1])}</td></tr>"
            )
    return "".join(out)


def _figure(stem: str) -> str:
    alt, caption = FIGURES.get(stem, (stem, ""))
    return (
        f'<figure id="figure-{escape(stem)}"><a href="{escape(stem)}.svg">'
        f'<img src="{escape(stem)}.png" alt="{escape(alt)}" loading="eager"></a>'
        f"<figcaption>{escape(caption)} "
        f'(<a href="{escape(stem)}.svg">SVG</a>)</figcaption></figure>'
    )


def _losses(data: ReportData) -> str:
    head = "".join(f'<th class="num">{escape(x.scenario)}</th>' for x in data.losses)
    labels = [label for label, _ in data.losses[0].lost]
    rows = [
        '<tr><td class="name">all true tips</td>'
        + "".join(f'<td class="num">{x.total:,}</td>' for x in data.losses)
        + "</tr>"
    ]
    for i, label in enumerate(labels):
        cells = "".join(
            f'<td class="num">{x.lost[i][1]:,} ({_share(x.lost[i][1], x.total)})</td>'
            for x in data.losses
        )
        rows.append(f'<tr><td class="name">{escape(label)}</td>{cells}</tr>')
    cells = "".join(
        f'<td class="num">{x.captured:,} ({_share(x.captured, x.total)})</td>' for x in data.losses
    )
    rows.append(f'<tr><td class="name"><strong>{CAPTURE_LABEL}</strong></td>{cells}</tr>')
    table = (
        f"<table><thead><tr><th>true tips summed over {data.runs:,} runs</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return table + '<p class="note">The same numbers are drawn as the waterfall above.</p>'


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.0f} %" if total else "-"


def _story(data: ReportData) -> str:
    t = data.typical
    first, last = t.days
    intro = (
        f"<p>Replication {t.replication}, chosen because {escape(t.why)}.</p>"
        + "<ul>"
        + "".join(
            f"<li>In <strong>{escape(x.scenario)}</strong>: {escape(x.outcome)}.</li>"
            for x in t.shown
        )
        + "".join(
            f"<li>In {escape(name)}: {escape(outcome)}.</li>" for name, outcome in t.elsewhere
        )
        + "</ul>"
    )
    told = []
    for n, shown in enumerate(t.shown):
        role = "the baseline" if n == 0 else "the setup it is contrasted with"
        told.append(
            f"<h3>{escape(shown.scenario)} ({role}): days {first}-{last}</h3>"
            + _figure(shown.figure)
            + f'<p class="note">The story follows his moves, every true tip and every search; '
            f'the false tips are summed up at the end (<a href="{escape(shown.story_file)}">'
            f"{escape(shown.story_file)}</a>).</p>"
            + f'<pre class="story">{escape(chr(10).join(shown.story))}</pre>'
        )
    overview = f"<h3>The whole run in {escape(t.shown[0].scenario)}</h3>" + _figure("timeline")
    return intro + "".join(told) + overview


def _trace_command(data: ReportData) -> str:
    """The command (or commands, one per setup told) that writes the told replication's ledger."""
    paths = {s.name: s.path for s in data.scenarios}
    sets = "".join(f" --set {shlex.quote(o)}" for o in data.overrides)
    return "; ".join(
        f"sim trace {shlex.quote(paths[shown.scenario])} --seed {data.seed} "
        f"--replication {data.typical.replication}{sets}"
        for shown in data.typical.shown
    )


def _provenance(data: ReportData) -> str:
    items: list[tuple[str, str]] = [
        ("command", data.command or "(built from Python: sim.outputs.report.build_report)"),
        ("date", data.date),
        ("seed", str(data.seed)),
        ("runs per scenario", f"{data.runs:,}"),
    ]
    items += [(f"scenario {s.name}", f"{s.path} (hash {s.hash})") for s in data.scenarios]
    if data.precision is not None:
        what = "the widest paired difference" if data.differences else "the capture probability"
        items.append(("precision", data.precision.sentence(what)))
    items += [(name, version) for name, version in data.software]
    items.append(("the ledger of the replication told", _trace_command(data)))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return (
        f'<dl class="provenance">{body}</dl>'
        '<p class="note">Every figure carries the same provenance in its footer and in its '
        "file's metadata (PNG text chunks, SVG metadata). The same command with the same seed "
        "gives the same numbers, whatever the number of worker processes.</p>"
    )
