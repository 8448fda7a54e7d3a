"""``sim calibrate`` on the command line: its JSON and figures, and bad history files refused.

A history file with a mistake is refused by ``sim validate`` and by ``sim calibrate`` alike,
before anything runs: exit code 2, one ``FILE:LINE: key.path: message`` line per problem, the
line and key of the mistake, how to fix it, and no traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from calibrate_cases import write_history
from explore_cases import write_case
from test_bad_input import real_sim
from typer.testing import CliRunner

from sim.cli import app

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")
runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "scenarios" / "brussels-2015-replay.yaml"
UNCERTAINTY = ROOT / "scenarios" / "uncertainty" / "brussels-2015.yaml"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-calibrate")
    uncertainty, reform = write_case(folder)
    return write_history(folder, (48.0, 96.0), "record"), uncertainty, reform


def test_json_has_prior_and_posterior_ranges_the_ess_and_the_menu_and_figures_are_written(
    case, tmp_path
):
    history, uncertainty, reform = case
    out = tmp_path / "figures"
    args = [history, uncertainty, reform, "--points", "12", "--runs", "30", "--seed", "4"]
    more = ["--draws", "8", "--check-runs", "10", "--nominal-runs", "40", "--json", "-q"]
    where = ["--out", out, "--store", tmp_path / "s.sqlite"]
    result = runner.invoke(app, ["calibrate", *map(str, [*args, *more, *where])])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["settings"]["points"] == 12 and answer["settings"]["runs"] == 30
    rate = next(f for f in answer["factors"] if f["name"] == "rate")
    low, high = rate["prior"]["p05"], rate["prior"]["p95"]
    assert low < rate["posterior"]["p50"] < high
    assert answer["ess"] > 1 and "importance" in answer["method"]
    assert set(answer["menu"]) == {"nominal", "prior", "posterior"}
    assert 0 <= answer["predictive"]["posterior"]["p_at_large"] <= 1
    names = {p.stem for p in out.glob("*.png")}
    assert names == {"calibration-factors", "calibration-check", "calibration-gains"}


def test_the_table_says_the_weights_the_check_and_the_menu(case, tmp_path):
    history, uncertainty, reform = case
    args = [history, uncertainty, reform, "--points", "12", "--runs", "30", "--seed", "4"]
    more = ["--draws", "8", "--check-runs", "10", "--nominal-runs", "40", "--no-plots"]
    result = runner.invoke(
        app, ["calibrate", *map(str, [*args, *more, "--store", tmp_path / "s.sqlite"])]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "effective sample size" in text and "still at large on day 2.0" in text
    assert "(all 2 factors; ESS" in text
    assert "What each reform buys" in text and "more-informants" in text


#: A history file with everything right (the mistakes below say the line each one is on).
GOOD = """\
name: bad-on-purpose
replay: {replay}
observations:
  at_large:
    not_captured_before: "2016-03-18 16:30"
    sources: FACTS §4
  forest:
    search:
      house: flat-forest
      from: "2016-03-15 07:00"
      until: "2016-03-15 15:00"
      outcome: escaped
    sources: FACTS §4
  mechelen:
    tip: {{at: "2015-12-07 10:00", to: Mechelen, searched: false}}
    sources: FACTS §5
"""

#: (what is replaced, by what, line, key path, words of the fix)
MISTAKES = [
    ("name: bad-on-purpose", "nmae: bad", 1, "nmae", "did you mean 'name'"),
    ("replay: ", "replay: nowhere/", 2, "replay", "give the replay's path"),
    (
        '"2016-03-18 16:30"',
        '"2017-03-18 16:30"',
        5,
        "observations.at_large.not_captured_before",
        "give a date-time or days from its start",
    ),
    (
        "house: flat-forest",
        "house: flat-forst",
        9,
        "observations.forest.search.house",
        "did you mean 'flat-forest'",
    ),
    (
        "outcome: escaped",
        "outcome: escapd",
        12,
        "observations.forest.search.outcome",
        "is not one of empty, escaped",
    ),
    (
        'until: "2016-03-15 15:00"',
        'until: "2016-03-15 06:00"',
        11,
        "observations.forest.search.until",
        "until must come after from",
    ),
    (
        '"2015-12-07 10:00"',
        '"2015-12-08 10:00"',
        15,
        "observations.mechelen.tip.at",
        "its dated tips: ",
    ),
    (
        "searched: false",
        "searched: maybe",
        15,
        "observations.mechelen.tip.searched",
        "true or false",
    ),
    ("    sources: FACTS §5", "    sources: ''", 16, "observations.mechelen.sources", "cite FACTS"),
    (
        "    sources: FACTS §5",
        "    sources: FACTS §5\n    not_captured_before: 3",
        14,
        "observations.mechelen",
        "give exactly one of",
    ),
]


def _history(folder: Path, old: str = "", new: str = "") -> Path:
    text = GOOD.format(replay=REPLAY)
    if old:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / "history.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _one_problem_per_line(stderr: str, path: Path, line: int, key: str, fix: str) -> None:
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert "Traceback" not in stderr, stderr
    assert all(x.startswith(f"{path}:") for x in lines), stderr
    assert re.search(rf"^{re.escape(f'{path}:{line}: {key}: ')}.*{re.escape(fix)}", stderr, re.M), (
        f"wanted {path.name}:{line}: {key}: ...{fix}...; got:\n{stderr}"
    )


def test_a_good_history_file_validates(tmp_path):
    result = runner.invoke(app, ["validate", str(_history(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "3 observations" in result.stdout


@pytest.mark.parametrize(("old", "new", "line", "key", "fix"), MISTAKES, ids=lambda x: str(x)[:20])
@pytest.mark.parametrize("command", ["validate", "calibrate"])
def test_a_bad_history_file_is_refused_with_its_line_and_key(
    tmp_path, command, old, new, line, key, fix
):
    path = _history(tmp_path, old, new)
    args = [command, str(path)]
    if command == "calibrate":
        args += [str(UNCERTAINTY), "--store", str(tmp_path / "s.sqlite"), "--no-plots"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    _one_problem_per_line(result.stderr, path, line, key, fix)
    assert not (tmp_path / "s.sqlite").exists(), "a refused calibration opened the store"


def test_the_real_program_refuses_a_bad_history_file_the_same_way(tmp_path):
    path = _history(tmp_path, "house: flat-forest", "house: flat-forst")
    code, stderr = real_sim("calibrate", path, UNCERTAINTY, "--no-plots", cwd=tmp_path)
    assert code == 2, stderr
    _one_problem_per_line(stderr, path, 9, "observations.forest.search.house", "flat-forest")


def test_a_replay_scenario_without_its_history_is_refused(tmp_path):
    result = runner.invoke(app, ["calibrate", str(REPLAY), str(UNCERTAINTY), "--no-plots"])
    assert result.exit_code == 2, result.output
    assert "is not a history file" in result.stderr and "--history FILE" in result.stderr
    assert "Traceback" not in result.stderr
