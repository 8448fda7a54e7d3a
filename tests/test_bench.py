"""The benchmark behind ``sim bench`` measures what it names (tiny sizes: figures, not speed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.experiments.bench import Rounds, bare_simpy_rate, bench, model_rate, rounds
from sim.model.replication import Model
from sim.scenario import load_scenario

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    lines: list[str] = []
    out = bench(MINIMAL, runs=5, speedup_runs=8, say=lines.append, memory_runs=(6, 12))
    out["steps"] = len(lines)
    return out


def test_every_figure_is_measured(figures: dict[str, float]) -> None:
    expected = {
        "simpy_events_per_s",
        "reps_per_s",
        "model_events_per_s",
        "event_rate_ratio",
        "reps_per_simpy_mevent",
        "speedup_2_procs",
        "speedup_2_procs_warm",
        "peak_rss_mb_1k",
        "seconds_1k",
        "peak_rss_mb_10k",
        "seconds_10k",
        "cpu_count",
    }
    assert expected <= set(figures)
    assert all(figures[k] > 0 for k in expected)
    assert figures["steps"] == 4  # each step said what it was doing


def test_the_ratio_is_model_events_over_bare_simpy_events(figures: dict[str, float]) -> None:
    ratio = figures["model_events_per_s"] / figures["simpy_events_per_s"]
    assert figures["event_rate_ratio"] == pytest.approx(ratio, abs=1e-3)


def test_the_speed_unit_is_replications_per_million_bare_events() -> None:
    timed = rounds(load_scenario(MINIMAL), 6, count=2)
    cost = sum(t * b for t, b in zip(timed.seconds, timed.bare, strict=True))  # bare events
    assert timed.reps_per_simpy_mevent == pytest.approx(6 / (cost / 1e6), rel=1e-9)
    assert timed.reps_per_s == pytest.approx(6 / sum(timed.seconds), rel=1e-9)
    assert timed.events_per_s == pytest.approx(sum(timed.events) / sum(timed.seconds), rel=1e-9)
    assert timed.simpy_events_per_s == pytest.approx(sum(timed.bare) / 2, rel=1e-9)


def test_the_build_is_named(figures: dict[str, float]) -> None:
    assert figures["compiled"] in (0.0, 1.0)


def test_each_round_is_counted_in_the_bare_events_of_its_own_moment() -> None:
    timed = rounds(load_scenario(MINIMAL), 7, count=3)
    assert timed.runs == (2, 2, 3)
    rounds_ = zip(timed.runs, timed.seconds, timed.bare, strict=True)
    ratios = [n / t / (b / 1e6) for n, t, b in rounds_]
    assert min(ratios) <= timed.reps_per_simpy_mevent <= max(ratios)
    # The same machine twice as fast in one round: that round's bare loop says so, and the
    # figure does not move.
    seconds = (timed.seconds[0] / 2, *timed.seconds[1:])
    bare = (timed.bare[0] * 2, *timed.bare[1:])
    faster = Rounds(timed.runs, seconds, timed.events, bare)
    assert faster.reps_per_simpy_mevent == pytest.approx(timed.reps_per_simpy_mevent, rel=1e-9)


def test_model_events_are_the_events_the_replications_scheduled() -> None:
    scenario = load_scenario(MINIMAL)
    reps_per_s, events_per_s = model_rate(scenario, 4)
    scheduled = sum(int(Model(scenario, 1, r).run()["sim_events"]) for r in range(4))
    # events per replication = events per second / replications per second
    assert events_per_s / reps_per_s == pytest.approx(scheduled / 4)


def test_bare_simpy_counts_its_timeouts() -> None:
    assert bare_simpy_rate(1000) > 0


def test_the_command_is_quick_by_default_and_prints_json() -> None:
    command = ["bench", "--scenario", str(MINIMAL), "--runs", "10", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "sim", *command],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert "peak_rss_mb_1k" in figures and "peak_rss_mb_10k" not in figures


def test_the_default_scenario_is_the_bundled_one() -> None:
    from sim.experiments.bench import BUNDLED

    assert BUNDLED.is_file() and BUNDLED.name == "brussels-2015.yaml"
