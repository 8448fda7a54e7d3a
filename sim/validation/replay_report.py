"""The history-replay section of ``docs/validation.md``: run the arms, summarise, draw, write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.schema import Scenario
from sim.validation.figures import capture_day_histogram, save, survival_figure
from sim.validation.replay import (
    MOLENBEEK_NIGHT,
    REPLAY,
    ReplayRun,
    arms,
    replay_runs,
    with_early_sis_flag,
)
from sim.validation.replay_summary import (
    REAL_DAY,
    ArmSummary,
    Paired,
    paired,
    share,
    summarise,
)
from sim.validation.tables import num, table

#: The statuses of the 15-16 Nov search, in the order the table shows them.
NIGHT_STATUSES = ("deferred", "not deferred", "later", "pending", "none")


@dataclass(frozen=True)
class ReplayResults:
    """Every arm of one replay file, run on the same replications."""

    path: Path
    base: Scenario
    runs: dict[str, list[ReplayRun]]

    @property
    def summaries(self) -> list[ArmSummary]:
        """One summary per arm."""
        return [summarise(label, runs) for label, runs in self.runs.items()]

    def paired(self) -> list[Paired]:
        """Every arm against the 2015 rules."""
        base = self.runs["2015 rules"]
        return [paired(label, base, r) for label, r in self.runs.items() if label != "2015 rules"]


def run_replay(path: Path, seed: int, runs: int, jobs: int) -> ReplayResults:
    """Run every arm of a replay file."""
    scenarios = arms(path)
    results = {label: replay_runs(s, seed, runs, jobs) for label, s in scenarios.items()}
    return ReplayResults(path, scenarios["2015 rules"], results)


# --- text -------------------------------------------------------------------------------------


def itinerary_table(scen: Scenario) -> str:
    """The fugitive's dated itinerary with the source or assumption of each leg."""
    rows = []
    for leg in scen.fugitive.itinerary:
        where = leg.house or leg.place or ""
        if leg.house:
            where = f"{leg.house} ({scen.fugitive.safe_houses[leg.house].place})"
        rows.append([f"{leg.at:%d %b %Y %H:%M}", where, _note(leg.sources)])
    return table(["from", "where", "source or assumption"], rows)


def events_table(scen: Scenario) -> str:
    """The dated events with their sources."""
    rows = []
    for ev in scen.events:
        if ev.flag is not None:
            what = f"flag {ev.flag.name} in {ev.flag.database or ev.flag.agency}"
        elif ev.tip is not None:
            where = ev.tip.house or ev.tip.place or "where he is"
            what = f"tip to {ev.tip.to}: {where}"
        elif ev.stop is not None:
            what = f"stop by {ev.stop.agency} at {ev.stop.place}"
        else:  # the replay scenario dates flags, tips and stops only
            raise ValueError(f"no description for the event at {ev.at}")
        rows.append([f"{ev.at:%d %b %Y %H:%M}", what, _note(ev.sources)])
    return table(["when", "event", "source or assumption"], rows)


def _note(sources: object) -> str:
    if isinstance(sources, list):
        return " ".join(str(s) for s in sources)
    return " ".join(str(sources or "").split())


def arms_table(results: ReplayResults) -> str:
    """Capture-day summary of every arm of one replay."""
    rows = []
    for s in results.summaries:
        median, (low, high) = s.median_days
        q1, q2, q3 = s.quartiles
        rows.append(
            [
                s.label,
                s.captured.text(),
                s.before_forest.text(),
                s.at_forest.text(),
                s.by_stop.text(),
                f"{num(median, 3)} [{num(low, 3)}, {num(high, 3)}]" if median else "not reached",
                f"{num(q1, 3)} / {num(q2, 3)} / {num(q3, 3)}",
                f"{s.deferred_per_run:.2f}",
                taken_in(s),
            ]
        )
    header = [
        "arm",
        "caught by day 126 [95 % CI]",
        "caught before the Forest search (tips alone)",
        "caught at the Forest search",
        "caught at a patrol stop",
        "KM median day [95 % CI]",
        "capture day quartiles (captured runs)",
        "searches deferred by the night rule per run",
        "where he was taken (share of captures)",
    ]
    return table(header, rows)


def taken_in(s: ArmSummary) -> str:
    """Where the captures happened, as shares of the captures."""
    total = sum(s.taken_in.values()) or 1
    return ", ".join(f"{where} {count / total:.0%}" for where, count in s.taken_in.items())


def night_table(results: Sequence[ReplayResults]) -> str:
    """What became of the search the 15 Nov 21:10 tip led to, per replay and arm."""
    rows = []
    for res in results:
        for s in res.summaries:
            counts = [str(s.night_search.get(k, 0)) for k in NIGHT_STATUSES]
            rows.append([res.base.name, s.label, *counts, s.night_found.text()])
    header = [
        "replay",
        "arm",
        "deferred",
        "not deferred",
        "after 16 Nov 17:00",
        "pending at the end",
        "no search",
        "that search found him [95 % CI]",
    ]
    return table(header, rows)


def paired_table(results: Sequence[ReplayResults]) -> str:
    """Each arm against the 2015 rules, replication by replication."""
    rows = []
    for res in results:
        n = len(res.runs["2015 rules"])
        for p in res.paired():
            diff, (low, high) = p.difference
            rows.append(
                [
                    res.base.name,
                    p.label,
                    f"{diff:+.3f} [{low:+.3f}, {high:+.3f}]",
                    f"{p.changed} / {n}",
                    f"{p.earlier} / {n}",
                    f"{p.later} / {n}",
                    f"{p.found_tonight_only} / {n}",
                    f"{p.shift_hours:+.1f}",
                ]
            )
    header = [
        "replay",
        "arm vs 2015 rules",
        "Δ P(caught by day 126) [paired 95 % CI]",
        "runs whose capture status changes",
        "caught earlier",
        "caught later (or never)",
        "15-16 Nov search finds him only in this arm",
        "mean hours earlier (runs caught in both)",
    ]
    return table(header, rows)


def border_table(results: Sequence[ReplayResults], what_if: list[ReplayRun]) -> str:
    """The Cambrai check: released in every arm; caught if the flag had been in SIS."""
    rows = []
    for res in results:
        for label, runs in res.runs.items():
            released = share([r.border_released for r in runs])
            stops = sum(r.stops_released for r in runs) / len(runs)
            rows.append([res.base.name, label, released.text(), f"{stops:.3f}"])
    caught = share([r.captured and r.capture_how == "stop" and r.capture_day < 1 for r in what_if])
    rows.append(["what if: SIS flag before Cambrai", "2015 rules", f"caught: {caught.text()}", "–"])
    header = ["replay", "arm", "released at Cambrai [95 % CI]", "stops that released him, per run"]
    return table(header, rows)


@dataclass(frozen=True)
class ReplaySection:
    """Everything the replay section needs, computed once."""

    main: ReplayResults
    night: ReplayResults
    what_if: list[ReplayRun]
    figures: list[Path]


def compute(seed: int, runs: int, jobs: int, figures_dir: Path) -> ReplaySection:
    """Run both replays and the border what-if, and draw the figures."""
    main = run_replay(REPLAY, seed, runs, jobs)
    night = run_replay(MOLENBEEK_NIGHT, seed, runs, jobs)
    what_if = replay_runs(with_early_sis_flag(), seed, min(runs, 50), 1)
    days = {k: [r.capture_day for r in v] for k, v in main.runs.items() if k != "no night rule"}
    every = {k: [r.capture_day for r in v] for k, v in main.runs.items()}
    every["2015 rules, he was in Molenbeek on 15-16 Nov"] = [
        r.capture_day for r in night.runs["2015 rules"]
    ]
    paths = [
        save(capture_day_histogram(days, REAL_DAY), figures_dir / "replay-capture-day.png"),
        save(survival_figure(every, REAL_DAY), figures_dir / "replay-at-large.png"),
    ]
    return ReplaySection(main, night, what_if, paths)
