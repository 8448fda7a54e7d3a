"""The Python API: one shape for every function, the command line's defaults, DataFrames."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.api import commands
from sim.cli import attribute as attribute_cli
from sim.cli import compare as compare_cli
from sim.cli import report as report_cli
from sim.cli import run as run_cli
from sim.cli import sweep as sweep_cli
from sim.cli import trace as trace_cli
from sim.experiments.frames import RECORD_DTYPES
from sim.model.record import RECORD_KEYS

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"

#: Each API function and the command it mirrors; API option names differ only where noted.
PAIRS = [
    (commands.run, run_cli.run),
    (commands.compare, compare_cli.compare),
    (commands.sweep, sweep_cli.sweep),
    (commands.attribute, attribute_cli.attribute_command),
    (commands.trace, trace_cli.trace_command),
    (commands.report, report_cli.report),
]
#: Command options that are about the terminal or files, not the computation.
CLI_ONLY = {
    "as_json",
    "quiet",
    "out",
    "no_plots",
    "fmt",
    "days",
    "office_hours",
    "show",
    "vary",
    "yes",
}


def cli_default(parameter: inspect.Parameter) -> object:
    return parameter.default


@pytest.mark.parametrize(("api", "cli"), PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_every_function_has_the_commands_options_and_defaults(api, cli):
    ours = inspect.signature(api).parameters
    theirs = {
        name: p for name, p in inspect.signature(cli).parameters.items() if name not in CLI_ONLY
    }
    for name, parameter in theirs.items():
        if name in ("scenario", "scenarios"):
            continue
        assert name in ours, f"{api.__name__} lacks the command's option {name}"
        if name == "store":
            assert ours[name].default == parameter.default
            continue
        assert ours[name].default == cli_default(parameter), (
            f"{api.__name__}({name}=) defaults to {ours[name].default!r}, the command to "
            f"{parameter.default!r}"
        )
    if "quiet" in inspect.signature(cli).parameters:
        assert ours["progress"].default is True  # the command shows progress unless --quiet


def test_all_lists_every_command_function():
    for name in ("load_scenario", "run", "compare", "sweep", "attribute", "trace", "report"):
        assert name in sim.__all__ and callable(getattr(sim, name))
    assert set(sim.__all__) == {"__version__", *sim._EXPORTS}


def test_import_sim_loads_neither_matplotlib_nor_pandas():
    code = (
        "import sys, sim; sim.load_scenario; "
        "print(sorted({'matplotlib', 'pandas'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_path_and_a_scenario_give_the_same_results(tmp_path):
    store = tmp_path / "s.sqlite"
    by_path = sim.run(MINIMAL, runs=30, seed=2, sets=["agencies.Federal.staff=3"], store=store)
    scenario = sim.load_scenario(MINIMAL)
    calls = []
    by_object = sim.run(
        scenario,
        runs=30,
        seed=2,
        sets=["agencies.Federal.staff=3"],
        store=store,
        jobs=1,
        progress=lambda done, wanted: calls.append(done),
    )
    assert by_object == by_path
    assert calls == [30], "the second call should have found everything in the store"


def test_records_are_typed_and_in_replication_order(tmp_path):
    summary = sim.run(MINIMAL, runs=25, seed=4, store=tmp_path / "s.sqlite", jobs=1)
    records = summary.records()
    assert list(records.columns) == ["scenario", *RECORD_KEYS]
    assert list(records["replication"]) == list(range(25))
    for key, dtype in RECORD_DTYPES.items():
        assert str(records[key].dtype) in (dtype, "str"), (key, records[key].dtype)
    assert int(records["captured"].sum()) == summary.captured
    assert records.attrs["seed"] == 4


def test_records_are_read_a_batch_at_a_time(tmp_path, monkeypatch):
    store = sim.ResultsStore(tmp_path / "s.sqlite")
    summary = sim.run(MINIMAL, runs=30, seed=1, store=store, jobs=1)
    sizes = []
    real = store.record_batches

    def counted(*args, **kwargs):
        for batch in real(*args, **{**kwargs, "size": 7}):
            sizes.append(len(batch))
            yield batch

    monkeypatch.setattr(store, "record_batches", counted)
    assert len(summary.records()) == 30
    assert sizes == [7, 7, 7, 7, 2]


def test_a_result_in_a_closed_memory_store_says_why_it_has_no_records():
    store = sim.ResultsStore(":memory:")
    summary = sim.run(MINIMAL, runs=5, seed=1, store=store, jobs=1)
    store.close()
    with pytest.raises(ValueError, match="in-memory store that is closed"):
        summary.records()


def test_a_sweep_takes_a_map_of_values_and_types_its_columns():
    grid = sim.sweep(
        MINIMAL, {"agencies.Federal.raid_teams": [1, 3]}, runs=10, seed=1, store=None, jobs=1
    )
    frame = grid.to_frame()
    assert list(frame["agencies.Federal.raid_teams"]) == [1, 3]
    records = grid.records()
    assert len(records) == 20 and set(records["agencies.Federal.raid_teams"]) == {1, 3}


def test_attribution_of_a_path_and_of_its_scenario_agree():
    by_path = sim.attribute(MINIMAL, runs=15, seed=2, store=None, jobs=1)
    by_object = sim.attribute(sim.load_scenario(MINIMAL), runs=15, seed=2, store=None, jobs=1)
    assert by_path.to_dict() == by_object.to_dict()
    frame = by_path.to_frame()
    assert list(frame["friction"]) == [f.friction for f in by_path.frictions]
    assert frame.attrs["total_gap"] == by_path.total_gap
    assert len(by_path.records()) == 15 * by_path.variants


def test_a_reform_applies_to_a_scenario_built_in_code():
    base = sim.load_scenario(ROOT / "scenarios" / "brussels-2015.yaml")
    reform = ROOT / "scenarios" / "reforms" / "night-searches.yaml"
    assert sim.apply_reform(base, reform) == sim.load_scenario(reform)
    staffed = sim.load_scenario(
        ROOT / "scenarios" / "brussels-2015.yaml", ["agencies.DR3.staff=40"]
    )
    reformed = sim.apply_reform(staffed, reform)
    assert (
        reformed.agencies["DR3"].staff == 40 and reformed.raids == sim.load_scenario(reform).raids
    )


def test_removing_an_unknown_friction_names_the_known_ones():
    with pytest.raises(ValueError, match="no friction 'night'; the frictions are: night_rule"):
        sim.remove_frictions(MINIMAL, "night")


def test_every_bundled_scenario_writes_back_to_itself():
    from sim.scenario.document import to_document
    from sim.scenario.loader import validate_document

    # Every scenario file; uncertainty/ and history/ hold ranges and observations, not scenarios.
    files = [*ROOT.glob("scenarios/**/*.yaml"), *ROOT.glob("tests/scenarios/*.yaml")]
    for path in [p for p in files if not {"uncertainty", "history"} & set(p.parts)]:
        scenario = sim.load_scenario(path)
        assert validate_document(to_document(scenario)) == scenario, path
