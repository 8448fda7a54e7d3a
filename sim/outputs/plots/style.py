"""The look every figure shares: a colour-blind-safe palette, figure set-up and provenance.

Every figure is a :class:`matplotlib.figure.Figure` with its own Agg canvas: plotting never touches
pyplot's global state or the backend a notebook chose, and works on machines without a display.
Colours are the Okabe-Ito palette (Okabe & Ito 2008), distinguishable with the common forms of
colour blindness, extended to ten scenarios by three dark colours of Paul Tol's qualitative
schemes (wine, olive, indigo) that stay apart from it; where a second cue helps (several
scenarios on one plot) line styles and markers differ too. Figures are sized for a page: 8.5 inches
wide (1,020 pixels in the PNG), and never taller than :data:`PAGE_HEIGHT`.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.gridspec import SubplotSpec
from matplotlib.layout_engine import ConstrainedLayoutEngine

from sim.version import __version__

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: The order in which scenarios (series) take colours: the baseline blue, the next vermillion...
#: Ten, all different: a comparison of up to ten setups gives each its own colour.
SERIES = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    "#882255",  # Tol's wine
    "#999933",  # Tol's olive
    "#332288",  # Tol's indigo
)
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "h", "*", "d")

#: Width of every figure but the timeline, inches (a page's text width at 120 dpi: 1,020 px).
PAGE_WIDTH = 8.5

#: The tallest a figure may be, inches (a Letter page's text height).
PAGE_HEIGHT = 10.5
GREY = "#8C8C8C"
LIGHT_GREY = "#D9D9D9"


def series_colour(i: int) -> str:
    """Colour of the i-th scenario or series (unique up to ten; cycles after that)."""
    return SERIES[i % len(SERIES)]


def today() -> str:
    """Today's date (UTC), or the date of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Provenance:
    """Where a figure's numbers come from: what a reader needs to reproduce it.

    Attributes:
        scenarios: (name, content hash) of each scenario shown.
        seed: the master seed.
        runs: replications per scenario (None for one replication's trace).
        replication: the replication shown (only for a trace).
        version: the simulator's version.
        date: the day the figure was made (YYYY-MM-DD).
    """

    scenarios: tuple[tuple[str, str], ...]
    seed: int
    runs: int | None = None
    replication: int | None = None
    version: str = __version__
    date: str = field(default_factory=today)

    def footer(self) -> str:
        """One line for the bottom of a figure."""
        names = " vs ".join(f"{name} [{digest}]" for name, digest in self.scenarios)
        parts = [names, f"seed {self.seed}"]
        if self.runs is not None:
            parts.append(f"{self.runs:,} runs")
        if self.replication is not None:
            parts.append(f"replication {self.replication}")
        parts += [f"brussels-sim {self.version}", self.date]
        return " · ".join(parts)

    def png_metadata(self, title: str) -> dict[str, str]:
        """PNG text chunks: title, description (the footer), software and date."""
        return {
            "Title": title,
            "Description": self.footer(),
            "Software": f"brussels-sim {self.version}",
            "Creation Time": self.date,
        }

    def svg_metadata(self, title: str) -> dict[str, str]:
        """SVG (Dublin Core) metadata: title, description (the footer), creator and date."""
        return {
            "Title": title,
            "Description": self.footer(),
            "Creator": f"brussels-sim {self.version}",
            "Date": self.date,
        }


def new_figure(width: float, height: float) -> Figure:
    """An empty figure (inches) drawn by Agg, not registered with pyplot."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def finish(figure: Figure, title: str, provenance: Provenance) -> Figure:
    """Give ``figure`` its title and the provenance footer, and remember both for saving."""
    figure.suptitle(title, fontsize=12, fontweight="bold")
    # The footer is wrapped to the figure's width (about 17 characters an inch at 6.5 points),
    # so that eight scenarios' names and hashes are not cut off at the edge.
    lines = textwrap.wrap(provenance.footer(), int(figure.get_figwidth() * 17))
    figure.text(0.995, 0.006, "\n".join(lines), ha="right", va="bottom", fontsize=6.5, color=GREY)
    # Keep a strip under the axes for the footer (about 0.2 inch, and 0.11 more a line).
    strip = (0.2 + 0.11 * (len(lines) - 1)) / figure.get_figheight()
    engine = figure.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine):  # figure() makes constrained layouts
        raise TypeError(
            "finish a figure made by sim.outputs.plots.style.figure (constrained layout)"
        )
    engine.set(rect=(0, strip, 1, 1 - strip))
    figure.sim_title = title  # type: ignore[attr-defined]  # read back by save_figure
    figure.sim_provenance = provenance  # type: ignore[attr-defined]  # likewise
    return figure


#: The label of the frameless axes that hold a legend (see :func:`legend_below`).
LEGEND_LABEL = "<legend>"


def legend_below(
    figure: Figure,
    spec: SubplotSpec,
    handles: Sequence[Artist],
    ncols: int,
    fontsize: float = 8,
    title: str | None = None,
) -> Axes:
    """A legend in its own row of the layout, at ``spec``: never over the data, title or footer.

    Matplotlib's legends "outside" the axes are placed at the figure's edge, where the
    provenance footer is; a legend held by a frameless axes of its own takes part in the layout
    like any panel.
    """
    ax = figure.add_subplot(spec, label=LEGEND_LABEL)
    ax.axis("off")
    ax.legend(
        handles=handles,
        loc="center",
        ncols=ncols,
        fontsize=fontsize,
        frameon=False,
        title=title,
        title_fontsize=fontsize,
    )
    return ax


def grid(ax: Axes, axis: Literal["both", "x", "y"] = "both") -> None:
    """Light grid lines behind the data (never over bars or bands)."""
    ax.set_axisbelow(True)
    ax.grid(axis=axis, color="#E6E6E6", linewidth=0.8)


def wrap_labels(labels: Sequence[str], width: int = 28) -> list[str]:
    """Break long tick labels over lines at spaces or hyphens."""
    return [textwrap.fill(label, width) for label in labels]
