"""Writing one traced replication to a folder: its ledger, its timeline and its story.

Kept apart from :mod:`sim.outputs.trace` because the timeline and the story read traces: this
module sits above all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.outputs.files import atomic_writer
from sim.outputs.plots.save import save_figure
from sim.outputs.plots.style import Provenance
from sim.outputs.plots.timeline import timeline
from sim.outputs.story import tell
from sim.outputs.trace import Trace, write_ledger

# --- writing a trace to a folder --------------------------------------------------------------


@dataclass(frozen=True)
class TraceFiles:
    """The files ``sim trace`` writes for one replication."""

    ledger: Path
    timeline_png: Path
    timeline_svg: Path
    story: Path


def parse_days(text: str) -> tuple[int, int]:
    """Parse a window of story days: ``"3"`` or ``"0-10"`` (inclusive).

    Raises:
        ValueError: the text is not of that form.
    """
    first, sep, last = text.partition("-")
    try:
        a = int(first)
        b = int(last) if sep else a
    except ValueError:
        raise ValueError(f"{text!r} is not a day or a range of days such as 0-10") from None
    if a < 0 or b < a:
        raise ValueError(f"{text!r}: give days FIRST-LAST with 0 <= FIRST <= LAST, e.g. 0-10")
    return a, b


def write_trace(
    trace: Trace,
    folder: str | Path,
    fmt: str = "csv",
    days: tuple[int, int] | None = None,
    office_hours_of: str | None = None,
) -> TraceFiles:
    """Write a replication's ledger, timeline (PNG and SVG) and story into ``folder``.

    Args:
        trace: the replication (see :func:`trace`).
        folder: the output folder (created if missing).
        fmt: ledger format, ``csv`` or ``jsonl``.
        days: story days to show on the timeline (default: the whole run).
        office_hours_of: the agency whose office hours the timeline shades.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ledger = write_ledger(trace, out / f"ledger.{fmt}", fmt)
    provenance = Provenance(
        ((trace.scenario, trace.scenario_hash),), trace.seed, replication=trace.replication
    )
    figure = timeline(trace, provenance, days=days, office_hours_of=office_hours_of)
    png, svg = save_figure(figure, out, "timeline")
    story = out / "story.txt"
    with atomic_writer(story) as stream:
        stream.write("\n".join(tell(trace)) + "\n")
    return TraceFiles(ledger, png, svg, story)
