"""Building the report: run the experiment, draw every figure, tell one replication's story.

:func:`build_report` is what ``sim report`` does: it loads the scenarios, runs them on common random
numbers (through the results store, so a repeated report costs nothing), writes the figures, traces
the replication whose story it tells and renders ``index.html`` with its stylesheet. With one
scenario that is the *typical* replication (the one whose capture came closest to the median time
to capture, or an uncaptured one when fewer than half the runs end in capture); in a comparison it
is one where the setups end differently (typical of the replications that only one of them ends
in capture), told in both setups over the same days, so that the story shows what the
difference between them does. Every file is written atomically into one folder, which holds
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
from typing import TYPE_CHECKING

import numpy as np

import sim.outputs.report.page as page
from sim.analysis.exploration import Exploration
from sim.analysis.losses import from_summary
from sim.experiments.compare import differences, pairwise_differences
from sim.experiments.executors import Executor
from sim.experiments.experiment import Experiment, Preflight, Progress
from sim.experiments.stats import half_width
from sim.experiments.store import ResultsStore
from sim.experiments.summary import Summary, Tally
from sim.outputs.figures import compare_figures, provenance_of, run_figures, write_figures
from sim.outputs.files import write_text
from sim.outputs.plots.counters import friction_counts
from sim.outputs.plots.save import save_figure
from sim.outputs.plots.style import Provenance, today
from sim.outputs.plots.timeline import timeline
from sim.outputs.report.calibration import calibration_figures, calibration_section
from sim.outputs.report.data import ReportData, ScenarioInfo, Shown, Typical
from sim.outputs.report.diff import document_diff, grouped
from sim.outputs.report.robustness import menu_notes, robustness_figures, robustness_section
from sim.outputs.story import tell
from sim.outputs.trace import trace
from sim.outputs.wording import is_clear
from sim.scenario import Scenario, load_scenario, scenario_hash
from sim.scenario.document import scenario_document, with_overrides
from sim.version import __version__

if TYPE_CHECKING:
    from sim.analysis.calibration import Calibration


@dataclass(frozen=True)
class CalibrateRequest:
    """A calibration for the report's section on the record (:mod:`sim.analysis.calibration`).

    The report's first scenario is the baseline (the uncertainty file's scenario) and the others
    the reforms of the menu; it runs with the report's seed, store and executor, and its nominal
    menu on the report's own replications.
    """

    history: str | Path
    uncertainty: str | Path
    points: int = 200
    runs: int = 50
    draws: int = 40
    check_runs: int = 50


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
    paths: Sequence[Scenario | str | Path],
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
    preflight: Preflight | None = None,
    command: str = "",
    exploration: ExploreRequest | None = None,
    calibration: CalibrateRequest | None = None,
) -> Path:
    """Run the scenarios and write a self-contained HTML report into ``out``; its page's path.

    See :func:`make_report` for the arguments.
    """
    return make_report(
        paths,
        out,
        runs,
        seed,
        overrides=overrides,
        precision=precision,
        max_runs=max_runs,
        store=store,
        executor=executor,
        progress=progress,
        preflight=preflight,
        command=command,
        exploration=exploration,
        calibration=calibration,
    ).index


def make_report(
    paths: Sequence[Scenario | str | Path],
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
    preflight: Preflight | None = None,
    command: str = "",
    exploration: ExploreRequest | None = None,
    calibration: CalibrateRequest | None = None,
) -> ReportData:
    """Run the scenarios and write a self-contained HTML report into ``out``.

    Args:
        paths: scenario files or objects; the first is the baseline the others are compared
            with.
        out: the report's folder (created if missing).
        runs: replications per scenario (with ``precision``, the number to start with).
        seed: the master seed.
        overrides: ``--set`` assignments applied to every scenario.
        precision: run until the 95 % half-width that matters is at most this.
        max_runs: the most replications a precision target may ask for.
        store: where replications are kept and reused (a throwaway in-memory store if None).
        executor: where replications run (this process if None).
        progress: called with (done, wanted) as replications finish.
        preflight: told what is about to run before it starts (it may refuse it).
        command: the command line that asked for the report (shown under provenance).
        exploration: explore an uncertainty file for the robustness section (None: no section).
        calibration: calibrate on a history file for the section on the record (None: none).

    Returns:
        What the page shows, with the page's path (``index``) and, with a precision target,
        whether it was reached.

    Raises:
        ScenarioError: a scenario file is not valid.
    """
    if not paths:
        raise ValueError("a report needs at least one scenario")
    scenarios = [
        with_overrides(p, overrides) if isinstance(p, Scenario) else load_scenario(p, overrides)
        for p in paths
    ]
    documents = [scenario_document(p, overrides) for p in paths]
    experiment = Experiment(
        scenarios, seed, store, executor, progress, __version__, preflight=preflight
    )
    tallies = experiment.run(runs, precision, max_runs, _widest)
    summaries = [t.summary() for t in tallies]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(tallies, summaries, folder)
    typical = _typical(scenarios, tallies, seed, folder)
    figures += ["timeline", *(shown.figure for shown in typical.shown)]
    compared = differences(tallies) if len(tallies) > 1 else []
    robust_figures: list[str] = []
    robustness = ""
    if exploration is not None:
        explored = _explore(exploration, paths, seed, store, executor, progress)
        robust_figures = robustness_figures(explored, folder)
        robustness = robustness_section(explored, robust_figures)
    calibrated = ""
    if calibration is not None:
        found = _calibrate(calibration, paths, runs, seed, store, executor, progress)
        drawn = calibration_figures(found, folder)
        robust_figures += drawn
        calibrated = calibration_section(found, drawn)
    data = ReportData(
        scenarios=[
            ScenarioInfo(s.name, _where(p), scenario_hash(s), s.description)
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
        precision=experiment.outcome,
        index=folder / "index.html",
        overrides=tuple(overrides),
        changes=[
            (s.name, grouped(document_diff([documents[0], d])))
            for s, d in zip(scenarios[1:], documents[1:], strict=True)
        ],
        menu=menu_notes(compared, pairwise_differences(tallies)),
        robustness=robustness,
        calibration=calibrated,
    )
    write_text(folder / "style.css", page.stylesheet())
    write_text(data.index, page.render(data))
    written = [f"{stem}.{kind}" for stem in figures + robust_figures for kind in ("png", "svg")]
    stories = [shown.story_file for shown in typical.shown]
    retire_stale(folder, [*written, *stories, "style.css", "index.html"])
    return data


def _where(scenario: Scenario | str | Path) -> str:
    """Where a scenario of the report comes from: its file, or code."""
    return "(built in code)" if isinstance(scenario, Scenario) else str(scenario)


def _explore(
    request: ExploreRequest,
    paths: Sequence[Scenario | str | Path],
    seed: int,
    store: ResultsStore | None,
    executor: Executor | None,
    progress: Progress | None,
) -> Exploration:
    from sim.analysis.exploration import explore

    files = [p for p in paths if not isinstance(p, Scenario)]
    if len(files) != len(paths):
        raise ValueError("the robustness section explores scenario files; give files, not objects")
    return explore(
        request.uncertainty,
        files[1:],
        request.design,
        request.points,
        request.runs,
        seed,
        threshold=request.threshold,
        baseline=files[0],
        store=store,
        executor=executor,
        progress=progress,
    )


def _calibrate(
    request: CalibrateRequest,
    paths: Sequence[Scenario | str | Path],
    runs: int,
    seed: int,
    store: ResultsStore | None,
    executor: Executor | None,
    progress: Progress | None,
) -> Calibration:
    from sim.analysis.calibration import calibrate

    files = [p for p in paths if not isinstance(p, Scenario)]
    if len(files) != len(paths):
        raise ValueError("the calibration section reads scenario files; give files, not objects")
    return calibrate(
        request.history,
        request.uncertainty,
        files[1:],
        request.points,
        request.runs,
        seed,
        draws=request.draws,
        check_runs=request.check_runs,
        nominal_runs=runs,
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


def contrasting_replication(base: Tally, other: Tally) -> tuple[int, str] | None:
    """A replication where the two setups end differently, typical of that difference.

    Of the replications that only one setup ends in capture (in the direction of the difference:
    those the other setup catches and the baseline does not when it catches more often), the one
    whose capture day is the median of theirs. None when the setups end alike in every run.
    """
    caught_base = ~np.isnan(base.capture_days)
    caught_other = ~np.isnan(other.capture_days)
    only_other = np.flatnonzero(caught_other & ~caught_base)
    only_base = np.flatnonzero(caught_base & ~caught_other)
    if only_other.size == 0 and only_base.size == 0:
        return None
    if only_other.size >= only_base.size:
        catcher, missed, candidates = other, base, only_other
    else:
        catcher, missed, candidates = base, other, only_base
    days = catcher.capture_days[candidates]
    order = np.argsort(days, kind="stable")
    r = int(candidates[order[(len(order) - 1) // 2]])
    runs = base.runs
    why = (
        f"the setups end differently in {only_other.size + only_base.size} of {runs} "
        f"replications; in {candidates.size} of them {catcher.scenario} catches him and "
        f"{missed.scenario} does not, and replication {r} is the middle one of those by the day "
        f"of capture ({catcher.capture_days[r]:.1f} days after the start), so its story shows "
        f"what the difference between the setups does"
    )
    return r, why


def _contrast(tallies: list[Tally]) -> tuple[int, int, str] | None:
    """(replication, index of the other setup, why): the setup that differs most clearly."""
    base = tallies[0]
    found = []
    for i, tally in enumerate(tallies[1:], start=1):
        chosen = contrasting_replication(base, tally)
        if chosen is not None:
            d = differences([base, tally])[0]
            found.append((is_clear(d.ci95), abs(d.capture_rate_diff), -i, chosen[0], i, chosen[1]))
    if not found:
        return None
    clear, *_, r, i, why = max(found)
    if len(tallies) > 2:
        which = "the largest clear one" if clear else "the largest, though none is clear"
        why += (
            f" ({tallies[i].scenario} is shown beside the baseline: of the setups compared, its "
            f"difference in capture probability from the baseline is {which})"
        )
    return r, i, why


def _outcome(tally: Tally, r: int) -> str:
    day = tally.capture_days[r]
    return "still at large at the end" if math.isnan(day) else f"captured {day:.1f} days in"


def _typical(scenarios: list[Scenario], tallies: list[Tally], seed: int, folder: Path) -> Typical:
    contrast = _contrast(tallies) if len(tallies) > 1 else None
    if contrast is None:
        r, why = typical_replication(tallies[0])
        if len(tallies) > 1:
            why += "; the setups end alike in every replication"
        told = [0]
    else:
        r, other, why = contrast
        told = [0, other]
    traces = {i: trace(scenarios[i], seed, r) for i in told}
    # The close-up: the ten days up to the capture of whichever run ends first in capture.
    ends = [t.end_h for t in traces.values() if t.captured] or [traces[0].end_h]
    last = traces[0].calendar.day_number(min(ends))
    days = (max(last - 9, 1), last)
    first = traces[0]
    provenance = Provenance(((first.scenario, first.scenario_hash),), seed, replication=r)
    save_figure(timeline(first, provenance), folder, "timeline")
    shown = []
    for n, (i, traced) in enumerate(traces.items()):
        stem, story_file = (
            ("timeline-detail", "story.txt")
            if n == 0
            else (
                "timeline-contrast",
                "story-contrast.txt",
            )
        )
        provenance = Provenance(((traced.scenario, traced.scenario_hash),), seed, replication=r)
        save_figure(timeline(traced, provenance, days=days), folder, stem)
        story = tell(traced)
        write_text(folder / story_file, "\n".join(story) + "\n")
        shown.append(Shown(traced.scenario, story, _outcome(tallies[i], r), stem, story_file))
    elsewhere = [(t.scenario, _outcome(t, r)) for i, t in enumerate(tallies) if i not in told]
    return Typical(r, why, shown, days, elsewhere)


def _software() -> list[tuple[str, str]]:
    out = [("brussels-sim", __version__), ("Python", platform.python_version())]
    for name in ("simpy", "numpy", "scipy", "matplotlib"):
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:  # pragma: no cover - all are dependencies
            out.append((name, "unknown"))
    return out
