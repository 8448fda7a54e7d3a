"""The results store knows what it holds: its layout, migrations, checksums and record schema.

Through the library here; through the real command line in ``test_store_cli.py``.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from pathlib import Path

import pytest

from sim.experiments import layout, store_admin
from sim.experiments.record_check import record_problem
from sim.experiments.runner import run
from sim.experiments.store import ResultsStore, StoreError
from sim.model.record import RECORD_KEYS
from sim.model.replication import Model
from sim.scenario import load_scenario, scenario_hash

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "scenarios" / "minimal.yaml"
#: A store written by the version before layouts existed (layout 1): 30 replications of
#: tests/scenarios/minimal.yaml with seed 1, model revision 3, the last five relabelled
#: revision 2 (a store that had outlived a model change).
LAYOUT_1 = HERE / "data" / "store-layout-1.sqlite"

#: The layout-1 schema as that version created it (for stores made here of the current model).
LAYOUT_1_SQL = """
CREATE TABLE scenarios (hash TEXT PRIMARY KEY, name TEXT NOT NULL, document TEXT NOT NULL,
    version TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE records (hash TEXT NOT NULL, seed INTEGER NOT NULL, replication INTEGER NOT NULL,
    model TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (hash, seed, replication));
"""


@pytest.fixture(scope="module")
def minimal():
    return load_scenario(MINIMAL)


def layout_1_store(path: Path, scenario, seed: int, runs: int, model: str) -> None:
    """Write a layout-1 store the way the version before layouts did."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(LAYOUT_1_SQL)
        key = scenario_hash(scenario)
        document = scenario.model_dump_json(by_alias=True)
        db.execute(
            "INSERT INTO scenarios VALUES (?, ?, ?, ?, 0)", (key, scenario.name, document, "0")
        )
        rows = [
            (key, seed, r, model, json.dumps(Model(scenario, seed, r).run())) for r in range(runs)
        ]
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows)
    db.close()


def header(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        return (
            db.execute("PRAGMA application_id").fetchone()[0],
            db.execute("PRAGMA user_version").fetchone()[0],
        )


def test_a_new_store_says_what_it_is(tmp_path):
    path = tmp_path / "s.sqlite"
    ResultsStore(path).close()
    assert header(path) == (layout.APPLICATION_ID, layout.CURRENT)


def test_a_store_of_this_version_migrated_from_layout_1_gives_identical_results(
    minimal, tmp_path, monkeypatch
):
    import sim.experiments.store as store_module

    path = tmp_path / "old.sqlite"
    layout_1_store(path, minimal, seed=4, runs=40, model=store_module.MODEL_REVISION)
    assert header(path) == (0, 0)
    fresh = run(minimal, runs=40, seed=4)
    calls = []
    migrated = run(
        minimal, runs=40, seed=4, store=ResultsStore(path), progress=lambda d, w: calls.append(d)
    )
    assert migrated == fresh
    assert calls == [40], "the migrated store should have held every replication"
    assert header(path) == (layout.APPLICATION_ID, layout.CURRENT)


def test_the_committed_layout_1_store_keeps_every_row_and_revision(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    shutil.copy(LAYOUT_1, path)
    with sqlite3.connect(path) as db:
        before = db.execute("SELECT hash, seed, replication, model, record FROM records").fetchall()
    db.close()
    with ResultsStore(path) as store:
        found = store_admin.info(store)
        assert found.layout == layout.CURRENT and "migrated from layout 1" in found.notes
        assert {(h.model_revision, h.replications) for h in found.holdings} == {("2", 5), ("3", 25)}
        assert list(store_admin.bad_rows(store)) == []
        after = store.connection.execute(
            "SELECT hash, seed, replication, model, record FROM records"
        ).fetchall()
        # The rows of revision 3 read back as records (whatever revision this version is).
        monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "3")
        key = before[0][0]
        assert [r["replication"] for r in store.records(key, 1)] == list(range(25))
    assert sorted(after) == sorted(before)


def test_a_migration_interrupted_leaves_the_old_layout_whole(minimal, tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    layout_1_store(path, minimal, seed=1, runs=5, model="3")

    def fails(db):
        db.execute("DROP TABLE records")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(layout.MIGRATIONS, 1, fails)
    with pytest.raises(StoreError, match="disk I/O error"):
        ResultsStore(path)
    assert header(path) == (0, 0)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 5
    db.close()


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "people.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"another program \(no application id; people\)"):
        ResultsStore(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.db"]


def test_a_store_of_a_newer_layout_is_refused(tmp_path):
    path = tmp_path / "s.sqlite"
    with ResultsStore(path) as store:
        store.connection.execute(f"PRAGMA user_version = {layout.CURRENT + 1}")
    with pytest.raises(StoreError, match=r"newer version of brussels-sim \(store layout 3;"):
        ResultsStore(path, read_only=True)


def test_rows_of_another_model_revision_are_kept_not_overwritten(minimal, tmp_path, monkeypatch):
    store = ResultsStore(tmp_path / "s.sqlite")
    this = store_admin.current_revision()
    first = run(minimal, runs=10, seed=1, store=store)
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "999")  # a newer version
    run(minimal, runs=10, seed=1, store=store)
    monkeypatch.undo()
    revisions = {h.model_revision: h.replications for h in store_admin.info(store).holdings}
    assert revisions == {this: 10, "999": 10}
    assert store_admin.older_revisions(store) == [], "a newer revision's rows are not older"
    assert run(minimal, runs=10, seed=1, store=store) == first


def edit(store: ResultsStore, sql: str) -> None:
    store.connection.execute(sql)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("json_set(record, '$.captured', 1 - json_extract(record, '$.captured'))", "checksum"),
        ("json_set(record, '$.tips_true', 1e12)", "fails its checksum"),
        ("'{not json'", "fails its checksum"),
    ],
    ids=["captured", "tips_true", "malformed"],
)
def test_an_edited_row_is_detected_and_named(minimal, tmp_path, change, problem):
    store = ResultsStore(tmp_path / "s.sqlite")
    run(minimal, runs=10, seed=1, store=store)
    edit(store, f"UPDATE records SET record = {change} WHERE replication = 7")
    with pytest.raises(StoreError) as caught:
        list(store.records(scenario_hash(minimal), 1))
    message = str(caught.value)
    assert f"results store {tmp_path / 's.sqlite'}: the record of minimal" in message
    assert "seed 1, replication 7" in message and problem in message
    assert "sim store repair" in message
    (bad,) = store_admin.bad_rows(store)
    assert bad.replication == 7
    assert store_admin.repair(store, [bad]) == 1
    assert store.done(scenario_hash(minimal), 1, 10) == set(range(10)) - {7}


def test_a_neighbours_record_with_its_checksum_is_detected(minimal, tmp_path):
    store = ResultsStore(tmp_path / "s.sqlite")
    run(minimal, runs=10, seed=1, store=store)
    edit(
        store,
        "UPDATE records SET (record, checksum) = (SELECT record, checksum FROM records "
        "WHERE replication = 4) WHERE replication = 3",
    )
    with pytest.raises(StoreError, match=r"replication 3, model revision .* fails its checksum"):
        list(store.records(scenario_hash(minimal), 1))


def good_record() -> dict:
    record = Model(load_scenario(MINIMAL), 1, 0).run()
    assert record_problem(record, 0) is None
    return record


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("captured", "yes", "captured is 'yes', not a whole number >= 0"),
        ("captured", 2, "captured is 2, not 0 or 1"),
        ("tips_true", 1e12, "tips_true is 1000000000000.0, not a whole number >= 0"),
        ("tips_true", -1, "tips_true is -1, not a whole number >= 0"),
        ("tips_true", True, "tips_true is True, not a whole number >= 0"),
        ("analyst_wait_hours", math.inf, "analyst_wait_hours is inf, not a number of hours >= 0"),
        ("capture_by", 3, "capture_by is 3, not text"),
        ("replication", 1, "holds the record of replication 1"),
    ],
)
def test_a_record_that_breaks_the_schema_is_named(key, value, problem):
    record = {**good_record(), key: value}
    assert record_problem(record, 0) == problem


def test_a_record_missing_a_key_or_with_an_extra_one():
    record = good_record()
    del record["tips_true"]
    assert record_problem(record, 0) == "lacks tips_true"
    assert record_problem({**good_record(), "bonus": 1}, 0) == "has fields no record has (bonus)"
    assert record_problem([1, 2], 0) == "holds list, not a record (a JSON object)"


def test_capture_day_must_agree_with_captured():
    record = good_record()
    assert record["captured"] == 1
    assert record_problem({**record, "capture_day": math.nan}, 0) == (
        "captured is 1 but capture_day is nan"
    )
    assert record_problem({**record, "captured": 0}, 0).startswith("captured is 0 but capture_day")


def test_a_row_that_breaks_the_schema_with_a_valid_checksum_is_named(minimal, tmp_path):
    """A row written by a buggy or foreign writer that computed its checksum."""
    from sim.experiments.record_check import checksum

    store = ResultsStore(tmp_path / "s.sqlite")
    run(minimal, runs=3, seed=1, store=store)
    key = scenario_hash(minimal)
    row = {**Model(minimal, 1, 2).run(), "captured": "yes"}
    text = json.dumps(row)
    model = store.connection.execute("SELECT model FROM records LIMIT 1").fetchone()[0]
    store.connection.execute(
        "UPDATE records SET record=?, checksum=? WHERE replication=2",
        (text, checksum(key, 1, model, 2, text)),
    )
    with pytest.raises(StoreError, match=r"replication 2, .* captured is 'yes'"):
        list(store.records(key, 1))


def test_every_record_key_is_checked():
    assert set(RECORD_KEYS) == set(good_record())


def test_prune_drops_only_older_revisions_and_vacuum_shrinks(minimal, tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite"
    store = ResultsStore(path)
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "1")
    run(minimal, runs=200, seed=1, store=store)
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "7")
    run(minimal, runs=5, seed=1, store=store)
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "5")
    run(minimal, runs=5, seed=1, store=store)
    assert store_admin.older_revisions(store) == ["1"]
    assert store_admin.prune(store, store_admin.older_revisions(store)) == 200
    assert {h.model_revision for h in store_admin.info(store).holdings} == {"5", "7"}
    before, after = store_admin.vacuum(store)
    assert after < before
