"""``sim explore`` on the command line: its JSON, its figures, bad input, and a stop mid-run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from explore_cases import write_case
from test_interrupts import ENV, stored_rows, wait_for_rows
from typer.testing import CliRunner

from sim.cli import app

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")
runner = CliRunner()


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-explore")
    uncertainty, reform = write_case(folder)
    return folder / "one-rate.yaml", uncertainty, reform


def _args(case, *more: str) -> list[str]:
    scenario, uncertainty, reform = case
    return ["explore", str(scenario), str(uncertainty), str(reform), *more]


def test_json_has_factors_reforms_and_boxes_and_figures_are_written(case, tmp_path):
    out = tmp_path / "figures"
    result = runner.invoke(
        app,
        _args(
            case,
            "--points",
            "4",
            "--runs",
            "40",
            "--json",
            "-q",
            "--out",
            str(out),
            "--store",
            str(tmp_path / "s.sqlite"),
        ),
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {"factors", "reforms", "boxes"} <= set(answer)
    assert answer["design"] == "morris" and answer["runs"] == 40
    assert {p.stem for p in out.glob("*.png")} >= {"importance-capture", "gains", "ranks"}


def test_the_table_names_the_top_reform_and_ranks_the_factors(case, tmp_path):
    result = runner.invoke(
        app,
        _args(
            case,
            "--design",
            "lhs",
            "--points",
            "16",
            "--runs",
            "30",
            "--no-plots",
            "-q",
            "--store",
            str(tmp_path / "s.sqlite"),
        ),
    )
    assert result.exit_code == 0, result.output
    assert "What moves the gain of more-informants" in result.stdout
    factors = result.stdout.split("What moves the gain")[0]
    assert factors.index("rate") < factors.index("idle_staff")  # ranked: the rate first


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--design", "factorial"], "--design: unknown design 'factorial'"),
        (["--points", "0"], "--points"),
    ],
)
def test_bad_options_say_so_in_one_line_with_exit_2(case, extra, message):
    result = runner.invoke(app, _args(case, *extra, "--no-plots", "-q"))
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_bad_uncertainty_file_is_one_line_per_problem_with_exit_2(case, tmp_path):
    scenario, uncertainty, _ = case
    bad = tmp_path / "bad.yaml"
    text = uncertainty.read_text(encoding="utf-8").replace(
        "agencies.Idle.staff", "agencies.Idle.stafff"
    )
    bad.write_text(
        text.replace("scenario: one-rate.yaml", f"scenario: {scenario}"), encoding="utf-8"
    )
    result = runner.invoke(app, ["explore", str(scenario), str(bad), "--no-plots", "-q"])
    assert result.exit_code == 2
    assert f"{bad}:" in result.output and "factors.idle_staff.paths.0" in result.output
    assert "did you mean 'staff'?" in result.output


def test_a_stopped_exploration_saves_its_work_and_resumes_identically(case, tmp_path):
    args = _args(
        case,
        "--design",
        "lhs",
        "--points",
        "40",
        "--runs",
        "400",
        "--seed",
        "3",
        "--json",
        "--quiet",
        "--no-plots",
    )
    store = tmp_path / "results.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", *args, "--store", str(store), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    wait_for_rows(store, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "run the same command again" in err and "Traceback" not in err
    assert stored_rows(store) > 0
    resumed = subprocess.run(
        [sys.executable, "-m", "sim", *args, "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    clean = subprocess.run(
        [sys.executable, "-m", "sim", *args, "--store", str(tmp_path / "clean.sqlite")],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    assert json.loads(resumed.stdout) == json.loads(clean.stdout)
