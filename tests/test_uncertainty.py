"""Uncertainty files: their format, their checks against the scenario, and the bundled one.

Every mistake is one ``FILE:LINE: key.path: message`` line with a fix, and exit code 2 from the
command line, as for scenario files.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from explore_cases import write_case
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import ScenarioError, load_document
from sim.scenario.assumptions import (
    check_arms,
    declares_assumption,
    governing_note,
    load_checked,
)
from sim.scenario.uncertainty import Factor, load_uncertainty, scaled

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios" / "uncertainty" / "brussels-2015.yaml"
REFORMS = sorted((ROOT / "scenarios" / "reforms").glob("*.yaml"))

GOOD = """\
scenario: one-rate.yaml
factors:
  rate:
    paths: [tips.sightings.0.rate]
    log_uniform: {low: 1/20d, high: 1/2d}
    sources: judgement
  idle:
    paths: [agencies.Idle.staff]
    integers: {low: 1, high: 4}
    sources: judgement
"""


@pytest.fixture
def folder(tmp_path):
    write_case(tmp_path)
    return tmp_path


def _write(folder: Path, text: str) -> Path:
    path = folder / "u.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_and_checks(folder):
    uncertainty, doc, _ = load_checked(_write(folder, GOOD))
    assert [f.name for f in uncertainty.factors] == ["rate", "idle"]
    assert uncertainty.factors[0].unit == "rate"
    assert doc["name"] == "one-rate"


BAD = [
    ("scenario: one-rate.yaml", "scenario: missing.yaml", 1, "scenario", "cannot be used"),
    ("  rate:\n", "  rate:\n    colour: red\n", 4, "factors.rate.colour", "unknown key 'colour'"),
    (
        "log_uniform: {low: 1/20d, high: 1/2d}",
        "uniform: {low: 1/2d, high: 1/20d}",
        5,
        "factors.rate.uniform",
        "bounds must be in order",
    ),
    (
        "log_uniform: {low: 1/20d, high: 1/2d}",
        "uniform: {low: 1/2d, high: 3}",
        5,
        "factors.rate.uniform",
        "all numbers, all durations",
    ),
    ("log_uniform: {low: 1/20d, high: 1/2d}", "", 3, "factors.rate", "exactly one distribution"),
    (
        "integers: {low: 1, high: 4}",
        "integers: {low: 1.5, high: 4}",
        9,
        "factors.idle.integers",
        "whole numbers",
    ),
    (
        "tips.sightings.0.rate",
        "tips.sighting.0.rate",
        4,
        "factors.rate.paths.0",
        "no key 'sighting' (did you mean 'sightings'?)",
    ),
    (
        "integers: {low: 1, high: 4}",
        "integers: {low: 0, high: 4}",
        9,
        "factors.idle.integers",
        "at 0, agencies.Idle.staff leaves its own bounds",
    ),
    (
        "agencies.Idle.staff",
        "agencies.Police.staff",
        8,
        "factors.idle.paths.0",
        "not declared an assumption",
    ),
    (
        "agencies.Idle.staff",
        "tips.sightings.0.rate",
        8,
        "factors.idle.paths.0",
        "also moved by factor 'rate'",
    ),
    ("    sources: judgement\n  idle:", "  idle:", 3, "factors.rate.sources", "argue the range"),
    (
        "integers: {low: 1, high: 4}",
        "choice: [1, 2]\n    scale: true",
        9,
        "factors.idle.choice",
        "cannot scale",
    ),
]


@pytest.mark.parametrize(("old", "new", "line", "key", "message"), BAD)
def test_each_mistake_is_one_line_with_file_line_key_and_fix(folder, old, new, line, key, message):
    assert old in GOOD
    path = _write(folder, GOOD.replace(old, new, 1))
    with pytest.raises(ScenarioError) as err:
        load_checked(path)
    first = err.value.problems[0]
    assert (first.line, first.path) == (line, key), str(err.value)
    assert message in first.message, str(err.value)
    assert str(first).startswith(f"{path}:{line}: {key}: "), str(first)


def test_sim_validate_says_the_problem_in_one_line_and_exits_2(folder):
    path = _write(folder, GOOD.replace("high: 4}", "high: 200000}"))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}:9: factors.idle.integers: at 200000, agencies.Idle.staff" in result.output


def test_two_parameters_of_one_delay_belong_to_one_factor():
    from sim.scenario.assumptions import _overlaps  # the rule itself, on two paths
    from sim.scenario.uncertainty import Uncertainty

    a = Factor("a", "a", ("x.delay.lognormal.median",), "uniform", (1.0, 2.0))
    b = Factor("b", "b", ("x.delay.lognormal.p90",), "uniform", (1.0, 2.0))
    stub = Uncertainty("stub", "stub.yaml", Path("s.yaml"), (a, b))
    owners: dict[str, str] = {}
    assert not _overlaps(stub, a, owners)
    assert "merge them" in _overlaps(stub, b, owners)[0].message


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law", "params", "u", "expected"),
    [
        ("uniform", (2.0, 4.0), 0.25, 2.5),
        ("log_uniform", (1.0, 100.0), 0.5, 10.0),
        ("triangular", (0.0, 1.0, 2.0), 0.5, 1.0),
        ("integers", (1.0, 4.0), 0.999, 4),
        ("integers", (1.0, 4.0), 0.0, 1),
    ],
)
def test_a_quantile_becomes_the_value_by_the_inverse_distribution(law, params, u, expected):
    factor = Factor("f", "f", ("p",), law, params)
    assert factor.value(u) == pytest.approx(expected)


def test_a_choice_splits_the_unit_interval_evenly():
    factor = Factor("f", "f", ("p",), "choice", choices=("exact", "nysiis", "soundex"))
    assert [factor.value(u) for u in (0, 0.33, 0.34, 0.99, 1.0)] == [
        "exact",
        "exact",
        "nysiis",
        "soundex",
        "soundex",
    ]


def test_scaling_keeps_a_delay_shape_and_a_count_whole():
    assert scaled({"lognormal": {"median": "2h", "p90": "8h"}}, 1.5) == {
        "lognormal": {"median": "3h", "p90": "12h"}
    }
    assert scaled("1/60d", 2.0) == f"{2 / 1440:.15f}".rstrip("0") + "/h"
    assert scaled(3, 0.5) == 2 and scaled(1, 0.3) == 1 and scaled(0.05, 2.0) == 0.1
    with pytest.raises(ValueError, match="yes/no"):
        scaled(True, 2.0)


# --- declared assumptions -------------------------------------------------------------------


def test_the_governing_note_is_the_nearest_above_the_number():
    doc, lines = load_document(ROOT / "scenarios" / "brussels-2015.yaml")
    text, _, line = governing_note(doc, lines, "agencies.Midi.forget")
    assert "Assumptions:" in text and line is not None  # the zones' shared note (an anchor)
    text, _, _ = governing_note(doc, lines, "horizon")
    assert not declares_assumption(text)  # the top note cites FACTS only
    assert declares_assumption("values assumed") and not declares_assumption("FACTS §4")


# --- the bundled file -----------------------------------------------------------------------


def test_the_bundled_file_ranges_over_every_declared_assumption_group():
    uncertainty, _, _ = load_checked(BUNDLED)
    assert len(uncertainty.factors) >= 20
    assert all(f.sources.strip() for f in uncertainty.factors)
    assert 10 <= len(uncertainty.groups) < len(uncertainty.factors)


def test_the_bundled_file_says_where_each_factor_acts_in_every_bundled_reform():
    uncertainty, doc, _ = load_checked(BUNDLED)
    arms = []
    for path in [*REFORMS, ROOT / "scenarios" / "brussels-2015-centralised.yaml"]:
        reform, lines = load_document(path)
        arms.append((reform["name"], reform, lines))
    assert check_arms(uncertainty, doc, arms) == []


def test_a_reform_that_changes_a_factor_number_must_say_where_the_factor_acts(tmp_path):
    mapping = "      reform-doubled-analysts: [agencies.VSSE.staff, agencies.ADIV.staff, "
    text = BUNDLED.read_text(encoding="utf-8")
    assert mapping in text
    text = text.replace(mapping + "agencies.OCAM.staff]\n", "")
    copy = tmp_path / "u.yaml"
    copy.write_text(
        text.replace(
            "scenario: ../brussels-2015.yaml",
            f"scenario: {ROOT / 'scenarios' / 'brussels-2015.yaml'}",
        ),
        encoding="utf-8",
    )
    uncertainty, doc, _ = load_checked(copy)
    reform, lines = load_document(ROOT / "scenarios" / "reforms" / "doubled-analysts.yaml")
    (problem,) = check_arms(uncertainty, doc, [("reform-doubled-analysts", reform, lines)])
    assert problem.path == "factors.intel_staff.paths"
    assert "in: {reform-doubled-analysts: [PATHS]}" in problem.message


def test_every_bundled_factor_value_is_finite_at_both_ends():
    for factor in load_uncertainty(BUNDLED).factors:
        for value in factor.extremes():
            assert factor.law == "choice" or math.isfinite(value), factor.name
