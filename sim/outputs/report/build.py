"""Building the report: run the experiment, draw every figure, tell a typical replication's story.

:func:`build_report` is what ``sim report`` does: it loads the scenarios, runs them on common random
numbers (through the results store, so a repeated report costs nothing), writes the figures, traces
the *typical* replication of the first scenario (the one whose capture came closest to the median
time to capture, or an uncaptured one when fewer than half the runs end in capture) and renders
``index.html`` with its stylesheet. Every file is written atomically into one folder, which holds
all the page needs: it opens offline and makes no network requests.
"""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from sim.analysis.exploration import Exploration
from sim.analysis.losses import TipLosses, from_summary
from sim.experiments.compare import Difference, differences, pairwise_differences
from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Progress
from sim.experiments.stats import half_width
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally
from sim.outputs.figures import compare_figures, provenance_of, run_figures, write_figures
from sim.outputs.files import write_text
from sim.outputs.plots.counters import friction_counts
from sim.outputs.plots.save import save_figure
from sim.outputs.plots.style import Provenance, today
from sim.outputs.plots.timeline import timeline
from sim.outputs.report import page
from sim.outputs.report.diff import Difference as Setting
from sim.outputs.report.diff import document_diff, grouped
from sim.outputs.report.robustness import menu_notes, robustness_figures, robustness_section
from sim.outputs.story import tell
from sim.outputs.trace import trace
from sim.scenario import Scenario, load_document, load_scenario, scenario_hash
from sim.version import __version__


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario as the report introduces it."""

    name: str
    path: str
    hash: str
    description: str


@dataclass(frozen=True)
class Typical:
    """The replication whose story the report tells, and why it was chosen.

    Attributes:
        replication: its index.
        why: the reason, in words.
        story: the story's lines (see :func:`sim.outputs.story.tell`).
        elsewhere: (scenario, outcome in words) for the same replication in the other scenarios.
    """

    replication: int
    why: str
    story: list[str]
    elsewhere: list[tuple[str, str]]


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows."""

    scenarios: list[ScenarioInfo]
    summaries: list[Summary]
    differences: list[Difference]
    losses: list[TipLosses]
    settings: list[Setting]
    figures: list[str]
    typical: Typical
    seed: int
    runs: int
    command: str
    date: str
    version: str
    software: list[tuple[str, str]]
    menu: str = ""
    robustness: str = ""


@dataclass(frozen=True)
class ExploreRequest:
    """An exploration for the report's robustness section (see :mod:`sim.analysis.exploration`).

    The report's first scenario is the baseline and the others the reforms; the exploration runs
    with the report's seed, store and executor.
    """

    uncertainty: str | Path
    design: str = "morris"
    points: int = 10
    runs: int = 200
    threshold: float = 0.02


def build_report(
    paths: Sequence[str | Path],
    out: str | Path,
    runs: int = 1000,
    seed: int = 0,
    *,
    overrides: Sequence[str] = (),
    precision: float | None = None,
    max_runs: int = 100_000,
    store: ResultsStore | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    command: str = "",
    exploration: ExploreRequest | None = None,
) -> Path:
    """Run the scenarios and write a self-contained HTML report into ``out``.

    Args:
        paths: scenario files; the first is the baseline the others are compared with.
        out: the report's folder (created if missing).
        runs: replications per scenario (with ``precision``, the number to start with).
        seed: the master seed.
        overrides: ``--set`` assignments applied to every scenario.
        precision: run until the 95 % half-width that matters is at most this.
        max_runs: the most replications a precision target may ask for.
        store: where replications are kept and reused (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called with (done, wanted) as replications finish.
        command: the command line that asked for the report (shown under provenance).
        exploration: explore an uncertainty file for the robustness section (None: no section).

    Returns:
        The path of ``index.html``.

    Raises:
        ScenarioError: a scenario file is not valid.
    """
    if not paths:
        raise ValueError("a report needs at least one scenario")
    scenarios = [load_scenario(p, overrides) for p in paths]
    documents = [load_document(p, overrides)[0] for p in paths]
    experiment = Experiment(scenarios, seed, store, executor, progress, __version__)
    tallies = experiment.run(runs, precision, max_runs, _widest)
    summaries = [t.summary() for t in tallies]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(tallies, summaries, folder)
    typical = _typical(scenarios[0], tallies, seed, folder)
    figures += ["timeline", "timeline-detail"]
    compared = differences(tallies) if len(tallies) > 1 else []
    robust_figures: list[str] = []
    robustness = ""
    if exploration is not None:
        explored = _explore(exploration, paths, seed, store, executor, progress)
        robust_figures = robustness_figures(explored, folder)
        robustness = robustness_section(explored, robust_figures)
    data = ReportData(
        scenarios=[
            ScenarioInfo(s.name, str(p), scenario_hash(s), s.description)
            for s, p in zip(scenarios, paths, strict=True)
        ],
        summaries=summaries,
        differences=compared,
        losses=[from_summary(s) for s in summaries],
        settings=grouped(document_diff(documents)) if len(documents) > 1 else [],
        figures=figures,
        typical=typical,
        seed=seed,
        runs=summaries[0].runs,
        command=command,
        date=today(),
        version=__version__,
        software=_software(),
        menu=menu_notes(compared, pairwise_differences(tallies)),
        robustness=robustness,
    )
    write_text(folder / "style.css", page.stylesheet())
    index = write_text(folder / "index.html", page.render(data))
    written = [f"{stem}.{kind}" for stem in figures + robust_figures for kind in ("png", "svg")]
    retire_stale(folder, [*written, "story.txt", "style.css", "index.html"])
    return index


def _explore(
    request: ExploreRequest,
    paths: Sequence[str | Path],
    seed: int,
    store: ResultsStore | None,
    executor: Executor | None,
    progress: Progress | None,
) -> Exploration:
    from sim.analysis.exploration import explore

    return explore(
        request.uncertainty,
        list(paths[1:]),
        request.design,
        request.points,
        request.runs,
        seed,
        threshold=request.threshold,
        baseline=paths[0],
        store=store,
        executor=executor,
        progress=progress,
    )


#: The report's list of the files it wrote, kept in its folder for the next build.
MANIFEST = ".report-files"


def retire_stale(folder: Path, written: Sequence[str]) -> list[str]:
    """Remove what the previous report in ``folder`` wrote and this one did not; list the rest.

    A report rebuilt into its folder with other scenarios (one instead of two, say) would
    otherwise leave the old build's figures beside the new page. Only files the previous build
    recorded in :data:`MANIFEST` are removed: whatever else the user keeps there is left alone.

    Returns:
        The names of the files removed.
    """
    manifest = folder / MANIFEST
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = []
    keep = set(written)
    removed = []
    for name in previous if isinstance(previous, list) else []:
        # Plain names only: a hand-edited manifest must not reach outside the folder.
        if isinstance(name, str) and name not in keep and name == Path(name).name:
            stale = folder / name
            if stale.is_file():
                stale.unlink()
                removed.append(name)
    write_text(manifest, json.dumps(sorted(keep), indent=1) + "\n")
    return removed


def _widest(tallies: list[Tally]) -> float:
    """The half-width that matters: of the paired differences, or of the one capture rate."""
    if len(tallies) > 1:
        return max(half_width(d.ci95) for d in differences(tallies))
    return half_width(tallies[0].summary().ci95)


def _figures(tallies: list[Tally], summaries: list[Summary], folder: Path) -> list[str]:
    if len(tallies) > 1:
        from sim.experiments.compare import Comparison

        figures = compare_figures(Comparison(summaries, differences(tallies), tallies))
    else:
        figures = run_figures(tallies[0])
        figures["frictions"] = friction_counts(summaries, provenance_of(summaries))
    write_figures(figures, folder)
    return list(figures)


def typical_replication(tally: Tally) -> tuple[int, str]:
    """The replication that best stands for the scenario, and why it was chosen.

    When at least half the runs end in capture, it is the captured replication whose day of capture
    is closest to the Kaplan-Meier median; otherwise the first replication in which he is still at
    large at the end (the typical outcome).
    """
    days = tally.capture_days
    median, _ = tally.survival().median()
    captured = np.flatnonzero(~np.isnan(days))
    if median is None or captured.size == 0:
        free = np.flatnonzero(np.isnan(days))
        r = int(free[0]) if free.size else 0
        return r, (
            "fewer than half the runs end in capture, so a typical run is one in which he is still "
            f"at large at the end: replication {r} is the first such run"
        )
    r = int(captured[np.argmin(np.abs(days[captured] - median))])
    return r, (
        f"half the runs end in capture by day {median:.1f} (Kaplan-Meier median); "
        f"replication {r}'s capture, {days[r]:.1f} days after the start, is the closest to it"
    )


def _typical(scenario: Scenario, tallies: list[Tally], seed: int, folder: Path) -> Typical:
    r, why = typical_replication(tallies[0])
    traced = trace(scenario, seed, r)
    provenance = Provenance(((traced.scenario, traced.scenario_hash),), seed, replication=r)
    save_figure(timeline(traced, provenance), folder, "timeline")
    # The whole run is dense; its last ten days (up to the capture, if any) are shown in detail.
    last = traced.calendar.day_number(traced.end_h)
    detail = timeline(traced, provenance, days=(max(last - 9, 1), last))
    save_figure(detail, folder, "timeline-detail")
    story = tell(traced)
    write_text(folder / "story.txt", "\n".join(story) + "\n")
    elsewhere = []
    for tally in tallies[1:]:
        day = tally.capture_days[r]
        outcome = "still at large at the end" if math.isnan(day) else f"captured {day:.1f} days in"
        elsewhere.append((tally.scenario, outcome))
    return Typical(r, why, story, elsewhere)


def _software() -> list[tuple[str, str]]:
    out = [("brussels-sim", __version__), ("Python", platform.python_version())]
    for name in ("simpy", "numpy", "scipy", "matplotlib"):
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:  # pragma: no cover - all are dependencies
            out.append((name, "unknown"))
    return out
