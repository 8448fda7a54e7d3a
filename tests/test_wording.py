"""A direction is stated only when its interval excludes zero, in every output that compares."""

from __future__ import annotations

import re

import pytest
from conftest import fake_tally

from sim.cli.compare import comparison_table
from sim.experiments.compare import Comparison, differences
from sim.outputs.wording import NO_CLEAR_DIFFERENCE, is_clear, points, verdict


@pytest.mark.parametrize(
    ("ci", "clear", "said"),
    [
        ((0.01, 0.2), True, "more often"),
        ((-0.3, -0.001), True, "less often"),
        ((-0.209, 0.076), False, NO_CLEAR_DIFFERENCE),
        ((0.0, 0.1), False, NO_CLEAR_DIFFERENCE),  # touching zero is not excluding it
    ],
)
def test_verdict_follows_the_interval(ci, clear, said) -> None:
    assert is_clear(ci) is clear
    assert verdict(ci) == said


def test_points_give_a_direction_only_when_clear() -> None:
    assert points(0.33, (0.231, 0.432)) == "33.0 points more often"
    assert points(-0.067, (-0.209, 0.076)) == "no clear difference (-6.7 points)"
    assert points(-0.1, (-0.15, -0.05)) == "10.0 points less often"


def comparison(a_days, b_days) -> Comparison:
    tallies = [fake_tally("a", a_days), fake_tally("b", b_days)]
    return Comparison([t.summary() for t in tallies], differences(tallies), tallies)


def rendered(table) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_the_compare_table_says_no_clear_difference_on_an_interval_across_zero() -> None:
    # one replication in ten differs: the paired interval covers zero
    result = comparison([None] * 9 + [5.0], [None] * 8 + [5.0, 5.0])
    assert not is_clear(result.differences[0].ci95)
    text = rendered(comparison_table(result))
    assert NO_CLEAR_DIFFERENCE in text and "more often" not in text
    baseline_row = next(line for line in text.splitlines() if " a " in line)
    assert "baseline" in baseline_row


def test_the_compare_table_states_a_clear_direction() -> None:
    result = comparison([None] * 40, [5.0] * 30 + [None] * 10)
    text = rendered(comparison_table(result))
    assert re.search(r"more often", text) and NO_CLEAR_DIFFERENCE not in text


def test_the_capture_row_says_the_outcome_in_the_scenarios_own_words():
    """Without outcome words the row is today's; with them, the words, the date and the horizon."""
    from pathlib import Path

    from sim.outputs.wording import captured_label
    from sim.scenario import load_scenario

    root = Path(__file__).resolve().parent.parent / "scenarios"
    assert captured_label(load_scenario(root / "brussels-2015.yaml")) == "captured within 126 days"
    assert captured_label(load_scenario(root / "cases" / "el-bakraoui-2015.yaml")) == (
        "detained before the attack (by 22 Mar 2016 07:58, the airport attack)"
    )
    flight = load_scenario(root / "cases" / "amri-2016-flight.yaml", ["outcome.horizon=null"])
    assert captured_label(flight) == "caught during the flight (by 18 Jan 2017 20:00)"
