"""The commands that write files: trace, report, and the plots of run, compare and sweep."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from conftest import BASE, CENTRAL
from PIL import Image
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def _sim(*args: str) -> object:
    return runner.invoke(app, [str(a) for a in args])


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_trace_writes_ledger_timeline_and_story(tmp_path: Path) -> None:
    out = tmp_path / "trace"
    result = _sim("trace", BASE, "--seed", 1, "--replication", 0, "--out", out, "--days", "0-10")
    assert result.exit_code == 0, result.output
    assert _names(out) == {"ledger.csv", "timeline.png", "timeline.svg", "story.txt"}
    assert "he is captured on" in result.output or "still at large" in result.output
    with (out / "ledger.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    story = (out / "story.txt").read_text(encoding="utf-8")
    for row in rows:
        if row["event"] == "raid":
            assert f"{row['when']}: {row['agency']} searches" in story


def test_trace_jsonl_and_printed_story(tmp_path: Path) -> None:
    result = _sim("trace", BASE, "-r", 2, "--out", tmp_path, "--format", "jsonl", "--print")
    assert result.exit_code == 0, result.output
    first = json.loads((tmp_path / "ledger.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["event"] == "move"
    assert "day 2, 09:00: he arrives in Cambrai" in result.output


def test_trace_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _sim("trace", BASE, "--seed", 4, "--replication", 1)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports/brussels-2015/trace-s4-r1/story.txt").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "unknown ledger format"),
        (["--days", "9-3"], "--days"),
        (["--days", "500-510"], "outside this replication"),
        (["--office-hours", "Interpol"], "no agency 'Interpol'"),
    ],
)
def test_trace_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = _sim("trace", BASE, "--out", tmp_path / "t", *args)
    assert result.exit_code == 2
    assert message in result.output


def _experiment(tmp_path: Path) -> list[str]:
    return ["--seed", "1", "--jobs", "1", "-q", "--store", str(tmp_path / "s.sqlite")]


def test_run_writes_its_plots_and_keeps_json_clean(tmp_path: Path) -> None:
    out = tmp_path / "plots"
    result = runner.invoke(
        app, ["run", str(BASE), "--runs", "8", "--json", "--out", str(out), *_experiment(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # stdout is exactly one JSON object
    assert summary["runs"] == 8
    assert _names(out) == {
        f"{n}.{x}" for n in ("rates", "survival", "waterfall") for x in ("png", "svg")
    }


def test_run_default_folder_and_no_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", str(BASE), "--runs", "5", *_experiment(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "plots (rates, survival, waterfall" in result.output
    assert (tmp_path / "reports/brussels-2015/survival.svg").is_file()
    result = runner.invoke(
        app,
        [
            "run",
            str(BASE),
            "--runs",
            "5",
            "--no-plots",
            "--out",
            "elsewhere",
            *_experiment(tmp_path),
        ],
    )
    assert result.exit_code == 0 and not (tmp_path / "elsewhere").exists()


def test_compare_writes_its_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["compare", str(BASE), str(CENTRAL), "--runs", "6", *_experiment(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "reports/compare-brussels-2015-vs-brussels-2015-centralised"
    assert {p.stem for p in folder.iterdir()} == {
        "rates",
        "differences",
        "survival",
        "waterfall",
        "frictions",
    }


def test_sweep_writes_a_heatmap(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    args = [
        "sweep",
        str(BASE),
        "--vary",
        "agencies.DR3.staff=3,6",
        "--vary",
        "raids.escape_on_raid=0,0.2",
        "--runs",
        "4",
        "--out",
        str(out),
        *_experiment(tmp_path),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _names(out) == {"sweep.png", "sweep.svg"}


def test_report_command(tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = [
        "report",
        str(BASE),
        str(CENTRAL),
        "--runs",
        "6",
        "--out",
        str(out),
        *_experiment(tmp_path),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"report: {out / 'index.html'}" in result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("<img ") >= 5


def test_report_bad_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(bad), "--out", str(tmp_path / "r"), "-q"])
    assert result.exit_code == 2
    assert not (tmp_path / "r").exists()


# --- output folders and labels: an override or a variant never writes over another's ------------

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"


def test_an_override_gets_its_own_folder_and_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    plain = _sim("run", MINIMAL, "--runs", "5", *_experiment(tmp_path))
    assert plain.exit_code == 0, plain.output
    changed = _sim(
        "run", MINIMAL, "--runs", "5", "--set", "raids.night_rule=null", *_experiment(tmp_path)
    )
    assert changed.exit_code == 0, changed.output
    reports = tmp_path / "reports"
    assert _names(reports) >= {"minimal", "minimal-set-raids.night_rule-null"}
    assert "minimal --set raids.night_rule=null: 5 runs, seed 1" in changed.output
    assert f"plots (rates, survival, waterfall, PNG and SVG): reports{os.sep}minimal-set" in (
        changed.output
    )
    assert "results: " in changed.output and "5 replications computed and saved" in changed.output
    with Image.open(reports / "minimal-set-raids.night_rule-null" / "rates.png") as image:
        assert "minimal --set raids.night_rule=null" in image.text["Description"]


def test_a_variant_that_keeps_its_parents_name_gets_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIM_SCENARIO_PATH", str(MINIMAL.parent))  # a parent outside the folder
    (tmp_path / "mine.yaml").write_text(
        f"extends: {MINIMAL}\nraids: {{night_rule: null}}\n", encoding="utf-8"
    )
    result = _sim("run", "mine.yaml", "--runs", "5", *_experiment(tmp_path))
    assert result.exit_code == 0, result.output
    from sim import load_scenario, scenario_hash

    short = scenario_hash(load_scenario(tmp_path / "mine.yaml"))[:8]
    assert (tmp_path / "reports" / f"minimal-{short}" / "rates.png").is_file()
    assert not (tmp_path / "reports" / "minimal").exists()
    assert f"minimal [{short}]: 5 runs" in result.output


def test_a_long_comparison_gets_a_short_readable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIM_SCENARIO_PATH", str(MINIMAL.parent))  # a parent outside the folder
    files = []
    for i in range(4):
        path = tmp_path / f"v{i}.yaml"
        name = f"minimal-variant-with-a-rather-long-name-{i}"
        path.write_text(f"extends: {MINIMAL}\nname: {name}\n", encoding="utf-8")
        files.append(path)
    result = _sim("compare", MINIMAL, *files, "--runs", "4", *_experiment(tmp_path))
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "reports").iterdir()
    assert len(folder.name) <= 60, folder.name
    assert re.fullmatch(r"compare-minimal-vs-4-others-[0-9a-f]{8}", folder.name), folder.name


@pytest.mark.parametrize(("name", "short"), [("a" * 60, "a" * 60), ("x-" * 40, None)])
def test_long_names_are_cut_at_a_dash_with_a_hash_of_the_whole(name: str, short) -> None:
    from sim.outputs.files import shorten

    got = shorten(name)
    assert len(got) <= 60
    if short is not None:
        assert got == short
    else:
        assert re.fullmatch(r"(x-)+x-[0-9a-f]{8}", got), got
        assert shorten("y" + name) != got  # another name, another folder


def test_export_says_what_it_wrote(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    assert _sim("run", MINIMAL, "--runs", "3", "--no-plots", *_experiment(tmp_path)).exit_code == 0
    out = tmp_path / "runs.csv"
    result = _sim("export", MINIMAL, "--seed", "1", "--store", store, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"exported 3 replications of minimal (seed 1) from {store}: {out}" in result.stdout
    to_stdout = _sim("export", MINIMAL, "--seed", "1", "--store", store)
    assert to_stdout.stdout.count("\n") == 4  # the header and three rows, nothing else
    assert "exported 3 replications" in to_stdout.stderr
