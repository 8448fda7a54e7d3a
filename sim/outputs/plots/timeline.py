"""The timeline of one replication: where he was, which service knew what, and every search.

Two panels share the time axis (days as the story counts them: day 1 is the start date, each day
runs midnight to midnight). Above, the fugitive's place: one lane per police zone, a bar for each
stay labelled with the address. Below, one lane per agency and database: tips coming in (stars for
true tips, grey ticks for false ones), arrows for each copy passed from one service to another
(dashed to a cross when the message was lost), database alerts, searches (triangles; a purple line
before one shows the wait the night rule imposed), stops and the capture. The night-ban windows
are shaded across both panels (in windows of up to three weeks: over a whole run they would be a
barcode), and the office hours of one agency are shaded in its lane. The figure is page-sized
(10 inches wide, the legend under the panels); a long run is readable as a whole and in detail
through a window of days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.outputs.plots.style import (
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    Provenance,
    finish,
    legend_below,
    new_figure,
)
from sim.outputs.trace import Search, Trace

_TRUE = OKABE_ITO["vermillion"]
_NIGHT = "#C6DBEF"
_OFFICE = OKABE_ITO["yellow"]
_CAPTURE = OKABE_ITO["bluish_green"]
_DEFERRED = OKABE_ITO["reddish_purple"]
_ZONE_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["black"],
    GREY,
)


#: The widest window (days) whose nightly bans and office hours are shaded.
SHADED_DAYS = 21

#: Width of the timeline, inches (1,200 pixels in the PNG).
WIDTH = 10.0


class _Axis:
    """Converts model hours to the story's day coordinate (day N spans [N, N + 1))."""

    def __init__(self, trace: Trace) -> None:
        start = trace.calendar.start
        self.offset_h = start.hour + start.minute / 60

    def x(self, t: float) -> float:
        return (self.offset_h + t) / 24 + 1

    def hours(self, day: float) -> float:
        return (day - 1) * 24 - self.offset_h


def window_hours(trace: Trace, days: tuple[int, int] | None) -> tuple[float, float]:
    """Model hours covered by story days ``first..last`` (inclusive), within the replication."""
    if days is None:
        return 0.0, trace.end_h
    axis = _Axis(trace)
    first, last = days
    if last < first:
        raise ValueError(f"the window's last day ({last}) comes before its first ({first})")
    t0, t1 = max(axis.hours(first), 0.0), min(axis.hours(last + 1), trace.end_h)
    if t1 <= t0:
        raise ValueError(
            f"days {first}-{last} are outside this replication (it runs to "
            f"{trace.calendar.describe(trace.end_h)})"
        )
    return t0, t1


def busiest_office(trace: Trace) -> str | None:
    """The agency with office hours that received the most tips (the one worth shading)."""
    counts: dict[str, int] = {}
    for entry in trace.entries:
        if entry.event == "arrived" and trace.hours.get(entry.agency) is not None:
            counts[entry.agency] = counts.get(entry.agency, 0) + 1
    return max(counts, key=lambda a: (counts[a], a)) if counts else None


def timeline(
    trace: Trace,
    provenance: Provenance,
    days: tuple[int, int] | None = None,
    office_hours_of: str | None = None,
) -> Figure:
    """The timeline of one replication.

    Args:
        trace: the replication (see :func:`sim.outputs.trace.trace`).
        provenance: scenario, seed and replication (the footer and file metadata).
        days: story days ``(first, last)`` to show, inclusive (default: the whole run).
        office_hours_of: the agency whose office hours are shaded (default: the office-hours
            agency that received the most tips; none when every agency works around the clock).

    Raises:
        ValueError: the window is empty or outside the run, or the agency is unknown.
    """
    t0, t1 = window_hours(trace, days)
    office = office_hours_of if office_hours_of is not None else busiest_office(trace)
    lanes = {name: i for i, name in enumerate([*trace.agencies, *trace.databases][::-1])}
    if office is not None and office not in lanes:
        raise ValueError(f"unknown agency {office!r}; choose one of: {', '.join(trace.agencies)}")
    axis = _Axis(trace)
    zones = list(dict.fromkeys(trace.zone_of.get(p, p) for _, p, _, _ in trace.path))
    shaded = (t1 - t0) / 24 <= SHADED_DAYS
    office = office if shaded or office_hours_of is not None else None
    heights = [0.8 + 0.3 * len(zones), 0.3 * len(lanes), 1.3]
    figure = new_figure(WIDTH, 2.6 + sum(heights))
    layout = figure.add_gridspec(3, 1, height_ratios=heights)
    top = figure.add_subplot(layout[0])
    bottom = figure.add_subplot(layout[1], sharex=top)
    top.tick_params(axis="x", labelbottom=False)
    if shaded:
        for ax in (top, bottom):
            for a, b in trace.night_bans(t0, t1):
                ax.axvspan(axis.x(a), axis.x(b), color=_NIGHT, alpha=0.55, linewidth=0, zorder=0)
    _fugitive_panel(top, trace, axis, zones, t0, t1)
    if office is not None:
        spans = [(axis.x(a), axis.x(b) - axis.x(a)) for a, b in trace.office_hours(office, t0, t1)]
        bottom.broken_barh(
            spans, (lanes[office] - 0.42, 0.84), color=_OFFICE, alpha=0.35, linewidth=0, zorder=0
        )
    _agency_panel(bottom, trace, axis, lanes, t0, t1)
    # a little room on the right, so that a capture at the very end is not cut in half
    bottom.set_xlim(axis.x(t0), axis.x(t1) + (axis.x(t1) - axis.x(t0)) * 0.01)
    start = trace.calendar.start
    bottom.set_xlabel(
        f"day of the run (day 1 = {start:%a %d %b %Y}; each day runs from midnight to midnight, "
        "as in the story)"
    )
    legend_below(figure, layout[2], _legend(trace, office, shaded), 3)
    span = f"days {days[0]}-{days[1]}" if days is not None else "the whole run"
    title = f"One replication, {span}: where he was, who knew what, every search"
    return finish(figure, title, provenance)


def _fugitive_panel(
    ax: Axes, trace: Trace, axis: _Axis, zones: Sequence[str], t0: float, t1: float
) -> None:
    lane = {zone: len(zones) - 1 - i for i, zone in enumerate(zones)}
    ends = [t for t, _, _, _ in trace.path[1:]] + [trace.end_h]
    # A label is about 0.075 inch a character at 7.5 points; the data span about 7 inches.
    days_per_char = (axis.x(t1) - axis.x(t0)) * 0.075 / 7
    free_from: dict[str, float] = {}  # where each lane's last label ends (story days)
    last_label: dict[str, str] = {}  # a house visited again and again is named once
    for (arrived, place, house, _), left in zip(trace.path, ends, strict=True):
        a, b = max(arrived, t0), min(left, t1)
        if b <= a:
            continue
        zone = trace.zone_of.get(place, place)
        colour = _ZONE_COLOURS[zones.index(zone) % len(_ZONE_COLOURS)]
        y = lane[zone]
        ax.broken_barh([(axis.x(a), axis.x(b) - axis.x(a))], (y - 0.3, 0.6), color=colour)
        label = house or place
        starts = axis.x(a)
        fits = starts >= free_from.get(zone, -math.inf)  # never over the lane's previous label
        if fits and last_label.get(zone) != label:
            ax.annotate(
                label,
                (starts, y + 0.32),
                xytext=(2, 1),
                textcoords="offset points",
                fontsize=7.5,
                va="bottom",
            )
            free_from[zone] = starts + (len(label) + 2) * days_per_char
            last_label[zone] = label
    ax.set_yticks(list(lane.values()), list(lane), fontsize=8.5)
    ax.set_ylim(-0.6, len(zones) - 0.1)
    ax.set_ylabel("his police zone")


def _arrivals(trace: Trace) -> dict[int, tuple[float, str]]:
    """Where and when each tip copy arrived (the first ``arrived`` or ``translated`` row)."""
    out: dict[int, tuple[float, str]] = {}
    for e in trace.entries:
        if e.event in ("arrived", "translated") and e.tip_id not in out:
            out[e.tip_id] = (e.time_h, e.agency)
    return out


def _agency_panel(
    ax: Axes, trace: Trace, axis: _Axis, lanes: dict[str, int], t0: float, t1: float
) -> None:
    arrivals = _arrivals(trace)
    tips = trace.tips
    false_x: list[float] = []
    false_y: list[int] = []
    true_x: list[float] = []
    true_y: list[int] = []
    db_x: list[float] = []
    db_y: list[int] = []

    def visible(t: float) -> bool:
        return t0 <= t <= t1

    for e in trace.entries:
        if not visible(e.time_h):
            continue
        tip = tips.get(e.root_id)
        true = tip is not None and tip.true
        if e.event == "arrived" and e.tip_id == e.root_id:  # a tip comes in from outside
            (true_x if true else false_x).append(axis.x(e.time_h))
            (true_y if true else false_y).append(lanes[e.agency])
        elif e.event in ("sent", "db_alert"):
            end = arrivals.get(e.tip_id, (e.time_h, e.detail))
            _arrow(ax, axis.x(e.time_h), lanes[e.agency], axis.x(end[0]), lanes[e.detail], true)
        elif e.event == "lost":
            _lost(ax, axis.x(e.time_h), lanes[e.agency], lanes[e.detail], true)
        elif e.event == "db_entered":
            db_x.append(axis.x(e.time_h))
            db_y.append(lanes[e.agency])
        elif e.event == "stop":
            ax.plot(axis.x(e.time_h), lanes[e.agency], "D", color="black", markersize=6, zorder=5)
    ax.scatter(
        false_x, false_y, marker="|", s=40, color=GREY, linewidths=0.6, zorder=2, rasterized=True
    )
    ax.scatter(db_x, db_y, marker="s", s=8, color=GREY, zorder=2, rasterized=True)
    ax.scatter(
        true_x, true_y, marker="*", s=140, color=_TRUE, edgecolors="black", linewidths=0.5, zorder=6
    )
    for search in trace.searches:
        if visible(search.time_h):
            _search(ax, axis, search, lanes[search.agency])
    if trace.captured and visible(trace.end_h):
        for line_ax in (ax, ax.figure.axes[0]):
            line_ax.axvline(axis.x(trace.end_h), color=_CAPTURE, linewidth=2, zorder=1)
    ax.set_yticks(list(lanes.values()), list(lanes), fontsize=8)
    ax.set_ylim(-0.6, len(lanes) - 0.4)
    ax.set_ylabel("agency or database")
    for y in lanes.values():
        ax.axhline(y, color=LIGHT_GREY, linewidth=0.5, zorder=0)


def _arrow(ax: Axes, x0: float, y0: float, x1: float, y1: float, true: bool) -> None:
    colour, width, alpha = (_TRUE, 1.4, 1.0) if true else (GREY, 0.6, 0.6)
    ax.annotate(
        "",
        (x1, y1),
        (x0, y0),
        zorder=4 if true else 3,
        arrowprops={
            "arrowstyle": "-|>",
            "color": colour,
            "lw": width,
            "alpha": alpha,
            "shrinkA": 0,
            "shrinkB": 2,
            "mutation_scale": 8,
        },
    )


def _lost(ax: Axes, x: float, y0: float, y1: float, true: bool) -> None:
    colour = _TRUE if true else GREY
    middle = (y0 + y1) / 2
    ax.plot([x, x], [y0, middle], linestyle="--", color=colour, linewidth=0.8, zorder=3)
    ax.plot(x, middle, "x", color=colour, markersize=6, zorder=4)


def _search(ax: Axes, axis: _Axis, search: Search, y: int) -> None:
    x = axis.x(search.time_h)
    if search.deferred_h:
        ax.plot(
            [axis.x(search.time_h - search.deferred_h), x],
            [y + 0.25] * 2,
            color=_DEFERRED,
            linewidth=2.5,
            zorder=4,
            solid_capstyle="butt",
        )
    ax.plot(x, y, linestyle="", gid="search", **_search_style(search))


def _search_style(search: Search) -> dict[str, Any]:
    """Marker of a search: a star for the capture, triangles coloured by what it found."""
    edge = {"markeredgecolor": "black"}
    if search.outcome == "captured":
        return {"marker": "*", "color": _CAPTURE, "markersize": 18, "zorder": 7, **edge}
    if search.outcome.startswith("escaped"):
        return {"marker": "^", "color": _TRUE, "markersize": 9, "zorder": 6, **edge}
    if search.on_true_tip:
        return {"marker": "^", "color": OKABE_ITO["orange"], "markersize": 9, "zorder": 6, **edge}
    return {"marker": "^", "markerfacecolor": "white", "markersize": 6, "zorder": 5, **edge}


def _legend(trace: Trace, office: str | None, shaded: bool) -> list[Artist]:
    rule = trace.night_rule
    handles: list[Artist] = [
        Line2D(
            [],
            [],
            marker="*",
            linestyle="",
            color=_TRUE,
            markeredgecolor="black",
            markersize=11,
            label="true tip comes in",
        ),
        Line2D(
            [], [], marker="|", linestyle="", color=GREY, markersize=9, label="false tip comes in"
        ),
        Line2D([], [], color=_TRUE, marker=">", markersize=4, label="true tip passed on"),
        Line2D([], [], color=GREY, marker=">", markersize=4, label="false tip passed on / alert"),
        Line2D([], [], color=GREY, linestyle="--", marker="x", label="message lost"),
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            color=GREY,
            markersize=4,
            label="entered in a database",
        ),
        Line2D(
            [],
            [],
            marker="^",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor="black",
            label="search on a false tip: empty",
        ),
        Line2D(
            [],
            [],
            marker="^",
            linestyle="",
            color=OKABE_ITO["orange"],
            markeredgecolor="black",
            label="search on a true tip: empty",
        ),
        Line2D(
            [],
            [],
            marker="^",
            linestyle="",
            color=_TRUE,
            markeredgecolor="black",
            label="he escapes during the search",
        ),
        Line2D([], [], color=_DEFERRED, linewidth=2.5, label="search waits for the ban's end"),
        Line2D(
            [],
            [],
            marker="D",
            linestyle="",
            color="black",
            markersize=5,
            label="he is stopped and checked",
        ),
        Line2D(
            [],
            [],
            marker="*",
            linestyle="",
            color=_CAPTURE,
            markeredgecolor="black",
            markersize=13,
            label="capture",
        ),
    ]
    if rule is not None and rule.exempt_from > 0:  # a case exempt from the start has no bans
        ban = f"{_clock(rule.ban_from)}-{_clock(rule.ban_until)}"
        if shaded:
            handles.append(Patch(color=_NIGHT, label=f"night ban on searches ({ban})"))
        else:
            label = f"night ban ({ban}): shaded in close-ups only"
            handles.append(Patch(facecolor="white", edgecolor=GREY, label=label))
    if office is not None:
        handles.append(Patch(color=_OFFICE, alpha=0.35, label=f"office hours of {office}"))
    return handles


def _clock(hour: float) -> str:
    minutes = round(hour * 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
