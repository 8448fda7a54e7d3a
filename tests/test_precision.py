"""A precision target: grow in rounds, stop at the first round that meets it, say whether it did."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.common import DEFAULT_RUNS, PILOT_RUNS, first_runs
from sim.experiments.experiment import Experiment, PrecisionOutcome, next_runs
from sim.experiments.stats import half_width
from sim.scenario import load_scenario

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"


def capture_half_width(tallies) -> float:
    return max(half_width(t.summary().ci95) for t in tallies)


class Recording(Experiment):
    """An experiment that notes the size of every round."""

    def ensure(self, runs: int) -> None:
        self.rounds = [*getattr(self, "rounds", []), runs]
        super().ensure(runs)


def test_it_stops_at_the_first_round_that_meets_the_target() -> None:
    experiment = Recording([load_scenario(MINIMAL)], seed=4)
    tallies = experiment.run(PILOT_RUNS, 0.05, 100_000, capture_half_width)
    widths = [capture_half_width(experiment.tallies(n)) for n in experiment.rounds]
    assert widths[-1] <= 0.05 < min(widths[:-1]), (experiment.rounds, widths)
    assert tallies[0].runs == experiment.rounds[-1]
    # a Wilson half-width of 0.05 near p = 1/2 takes about 384 runs: no 1,000 default, no margin
    assert experiment.rounds[-1] < 550, experiment.rounds
    outcome = experiment.outcome
    assert outcome is not None and outcome.reached and outcome.runs == experiment.rounds[-1]


def test_next_round_aims_at_the_estimate_within_bounds() -> None:
    assert next_runs(100, 0.1, 0.05, 100_000) == 400  # (0.1 / 0.05)^2 x 100
    assert next_runs(100, 0.5, 0.05, 100_000) == 400  # never more than four times as many
    assert next_runs(1000, 0.0501, 0.05, 100_000) == 1020  # at least a few more
    assert next_runs(1000, 0.1, 0.05, 1500) == 1500  # never past the limit


def test_an_outcome_says_whether_and_how_far() -> None:
    reached = PrecisionOutcome(0.02, 0.0195, 2400, 100_000)
    assert reached.reached
    assert reached.sentence("the capture probability") == (
        "precision reached: the 95 % interval of the capture probability is ±0.0195 after "
        "2,400 runs (target ±0.02)"
    )
    short = PrecisionOutcome(0.02, 0.03, 1000, 1000)
    assert not short.reached and short.runs_needed == math.ceil(1000 * 1.5**2)
    said = short.sentence("x")
    assert said.startswith("precision NOT reached: the 95 % interval of x is ±0.0300")
    assert "the --max-runs limit" in said and "about 2,250 runs" in said


def test_runs_default_to_a_small_first_round_only_with_a_target() -> None:
    assert first_runs(None, None, 100_000) == DEFAULT_RUNS
    assert first_runs(None, 0.05, 100_000) == PILOT_RUNS
    assert first_runs(None, 0.05, 40) == 40  # never past --max-runs
    assert first_runs(300, 0.05, 100_000) == 300


@pytest.mark.parametrize(
    ("max_runs", "said"),
    [("100000", "precision reached"), ("150", "precision NOT reached")],
    ids=["reached", "not-reached"],
)
def test_the_command_says_whether_the_target_was_reached(
    max_runs: str, said: str, tmp_path: Path
) -> None:
    args = ["run", str(MINIMAL), "--precision", "0.05", "--max-runs", max_runs, "--json"]
    args += ["--store", str(tmp_path / "s.sqlite"), "--no-plots", "--quiet", "--jobs", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert said in result.stderr, result.stderr
    width = half_width(tuple(summary["ci95"]))
    assert f"±{width:.4f} after {summary['runs']:,} runs" in result.stderr
    assert summary["runs"] <= int(max_runs)
