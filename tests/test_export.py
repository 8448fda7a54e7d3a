"""``sim export``: records and summaries as CSV, JSON lines and Parquet, each with provenance."""

from __future__ import annotations

import builtins
import io
import json

import pandas as pd
import pytest
from test_store_cli import MINIMAL, RUN, one_line, sim

from sim.experiments.runner import run
from sim.experiments.store import MODEL_REVISION, ResultsStore
from sim.model.record import RECORD_KEYS
from sim.outputs.tables import read_provenance
from sim.scenario import load_scenario, scenario_hash

LEADING = ["scenario", "scenario_hash", "seed", "model_revision"]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Replications 0-19 of the minimal scenario (seed 3) and of a variant of it."""
    store = tmp_path_factory.mktemp("export") / "results.sqlite"
    for sets in ([], ["--set", "agencies.Federal.raid_teams=1"]):
        code, _, err = sim(*RUN, *sets, "--store", store)
        assert code == 0, err
    return store


def test_csv_rows_carry_their_provenance(stored):
    code, out, err = sim("export", MINIMAL, "--seed", "3", "--store", stored)
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns) == [*LEADING, *RECORD_KEYS]
    assert list(frame["replication"]) == list(range(20))
    assert set(frame["scenario_hash"]) == {scenario_hash(load_scenario(MINIMAL))}
    assert set(frame["model_revision"].astype(str)) == {MODEL_REVISION}
    uncaptured = frame[~frame["captured"]]
    assert uncaptured["capture_day"].isna().all() and "NaN" in out


def test_jsonl_is_standard_json_with_null_for_no_capture(stored):
    code, out, err = sim("export", MINIMAL, "--seed", "3", "--store", stored, "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]  # standard JSON: no NaN
    assert len(rows) == 20 and list(rows[0]) == [*LEADING, *RECORD_KEYS]
    assert all((r["capture_day"] is None) == (not r["captured"]) for r in rows)


def test_parquet_carries_the_provenance_in_its_metadata(stored, tmp_path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "runs.parquet"
    variant = ["--set", "agencies.Federal.raid_teams=1"]
    code, _, err = sim("export", MINIMAL, "--seed", "3", "--store", stored, "--out", out)
    assert code == 0, err
    frame = pd.read_parquet(out)
    assert len(frame) == 20 and frame["captured"].dtype == bool
    provenance = read_provenance(out)
    assert provenance["seed"] == 3 and provenance["model_revision"] == MODEL_REVISION
    assert provenance["scenario_hashes"] == {"minimal": scenario_hash(load_scenario(MINIMAL))}
    assert provenance["version"] and provenance["store"] == str(stored)
    code, _, err = sim("export", MINIMAL, "--seed", "3", "--store", stored, "--out", out, *variant)
    assert code == 0, err
    assert read_provenance(out)["scenario_hashes"] != provenance["scenario_hashes"]


def test_a_summary_export_is_the_runs_summary(stored):
    code, out, err = sim("export", MINIMAL, "--seed", "3", "--store", stored, "--summary")
    assert code == 0, err
    (row,) = pd.read_csv(io.StringIO(out)).to_dict(orient="records")
    expected = run(load_scenario(MINIMAL), runs=20, seed=3, store=ResultsStore(stored))
    assert row["runs"] == 20 and row["captured"] == expected.captured
    assert row["capture_rate"] == pytest.approx(expected.capture_rate, abs=1e-15)
    low, high = expected.ci95
    assert (row["capture_rate_ci95_low"], row["capture_rate_ci95_high"]) == pytest.approx(
        (low, high), abs=1e-15
    )
    assert row["mean_tips_true"] == pytest.approx(expected.metrics["tips_true"])
    assert str(row["model_revision"]) == MODEL_REVISION


def test_several_scenarios_export_one_after_another(tmp_path, stored):
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("raid_teams: 2", "raid_teams: 1"),
        encoding="utf-8",
    )
    code, out, err = sim("export", MINIMAL, variant, "--seed", "3", "--store", stored)
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out))
    assert len(frame) == 40 and frame["scenario_hash"].nunique() == 2


def test_a_summary_of_replications_with_a_gap_is_refused(stored, tmp_path):
    store = tmp_path / "gap.sqlite"
    results = ResultsStore(store)
    run(load_scenario(MINIMAL), runs=10, seed=3, store=results)
    results.connection.execute("DELETE FROM records WHERE replication = 4")
    results.close()
    code, _, err = sim("export", MINIMAL, "--seed", "3", "--store", store, "--summary")
    assert code == 2
    assert "are not replications 0-8; finish them with" in one_line(err)
    assert sim("export", MINIMAL, "--seed", "3", "--store", store)[0] == 0  # records: as stored


def test_parquet_needs_a_file_and_says_what_to_install(stored, tmp_path, monkeypatch):
    code, _, err = sim("export", MINIMAL, "--seed", "3", "--store", stored, "--format", "parquet")
    assert code == 2 and "give one with --out FILE.parquet" in one_line(err)
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    code, _, err = sim("export", MINIMAL, "--seed", "3", "--store", stored, "-o", tmp_path / "r.pq")
    assert code == 2
    assert one_line(err) == (
        "--format parquet: Parquet needs pyarrow: pip install -e '.[parquet]' (or pip install "
        "pyarrow)"
    )
    assert not (tmp_path / "r.pq").exists()


def test_an_unknown_format_is_refused(stored):
    code, _, err = sim("export", MINIMAL, "--store", stored, "--format", "xlsx")
    assert code == 2 and one_line(err) == "--format: unknown format 'xlsx'; use csv, jsonl, parquet"
