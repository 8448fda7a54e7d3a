"""The results store through the real command line: what it refuses, what it says, what it keeps.

Each case of the store's part of issue 18's break list has a test here: another program's SQLite
file, a FIFO, a damaged store, an edited row, a store of a newer layout, rows of another model
revision, and a store on read-only media that must still be readable (exported). The full disk
is in ``test_faults.py``. Most run the command in this process (typer's runner); the FIFO and
the read-only media run ``python -m sim`` as a separate process, as a user would.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments import layout

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"
LAYOUT_1 = ROOT / "tests" / "data" / "store-layout-1.sqlite"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
RUN = ["run", str(MINIMAL), "--runs", "20", "--seed", "3", "--jobs", "1", "-q", "--no-plots"]
runner = CliRunner()


def sim(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, err
    return lines[0]


@pytest.fixture
def stored(tmp_path) -> Path:
    """A store holding replications 0-19 of the minimal scenario with seed 3."""
    store = tmp_path / "results.sqlite"
    code, _, err = sim(*RUN, "--store", store)
    assert code == 0, err
    return store


def test_another_programs_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "accounts.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (owner TEXT, balance REAL)")
    db.close()
    before = path.read_bytes()
    code, out, err = sim(*RUN, "--store", path)
    assert code == 2 and out == ""
    assert one_line(err) == (
        f"results store {path}: an SQLite database of another program (no application id; "
        "accounts), not a results store; it was left unchanged; choose another file with "
        "--store PATH (a new one is created)"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.db"]  # no -wal, no -shm
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()


def python_sim(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
    )


@pytest.mark.parametrize("command", ["run", "export"])
def test_a_fifo_store_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "results.sqlite"
    os.mkfifo(fifo)
    args = RUN if command == "run" else ["export", MINIMAL]
    done = python_sim(*args, "--store", fifo, timeout=60)  # opening it would wait forever
    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr) == (
        f"results store {fifo}: is a named pipe (FIFO), not a file; give a regular file with "
        "--store PATH (it is created if missing)"
    )


def test_a_damaged_store_is_called_damaged(stored):
    data = bytearray(stored.read_bytes())
    for i in range(4096, len(data), 5):  # every page after the header's, scribbled on
        data[i] = 0x5A
    stored.write_bytes(bytes(data))
    for args in (RUN, ["export", MINIMAL, "--seed", "3"], ["store", "check"]):
        code, _, err = sim(*args, "--store", stored)
        assert code == 2, err
        line = err.strip().splitlines()[-1]
        assert line.startswith(f"results store {stored}: "), err
        assert "the store is damaged; move it aside and run again" in line, err
        assert "not a results store" not in err and "internal error" not in err


def edit_replication(store: Path, replication: int, sql: str) -> None:
    with sqlite3.connect(store) as db:
        db.execute(f"UPDATE records SET record = {sql} WHERE replication = ?", (replication,))
    db.close()


def test_an_edited_row_is_named_refused_and_repaired(stored):
    clean = sim(*RUN, "--store", stored, "--json")[1]
    edit_replication(stored, 11, "json_set(record, '$.tips_true', 1000000000000)")
    for args in (RUN, ["export", MINIMAL, "--seed", "3"]):
        code, out, err = sim(*args, "--store", stored)
        assert code == 2 and out == "", err
        line = one_line(err)
        assert line.startswith(f"results store {stored}: the record of minimal (scenario "), line
        assert "seed 3, replication 11, model revision" in line
        assert "fails its checksum (edited since written?)" in line
        assert f"'sim store repair --store {stored}'" in line
    code, out, err = sim("store", "check", "--store", stored)
    assert code == 2, err
    assert "replication 11: fails its checksum" in err and "1 bad rows" in err
    code, out, err = sim("store", "repair", "--store", stored)
    assert code == 0 and "deleted 1 bad rows" in out, err
    code, out, err = sim(*RUN, "--store", stored, "--json")
    assert code == 0 and out == clean, err


@pytest.mark.parametrize(
    "sql",
    ["'not json'", "json_remove(record, '$.captured')", "json_set(record, '$.captured', 'yes')"],
    ids=["malformed", "missing-key", "text"],
)
def test_rows_broken_in_other_ways_are_refused_by_export(stored, sql):
    edit_replication(stored, 4, sql)
    code, out, err = sim("export", MINIMAL, "--seed", "3", "--store", stored)
    assert code == 2 and out == "", err
    assert "seed 3, replication 4, model revision" in one_line(err)


def test_a_store_of_a_newer_layout_is_refused(stored):
    with sqlite3.connect(stored) as db:
        db.execute(f"PRAGMA user_version = {layout.CURRENT + 5}")
    db.close()
    code, _, err = sim(*RUN, "--store", stored)
    assert code == 2
    assert one_line(err) == (
        f"results store {stored}: it was written by a newer version of brussels-sim (store "
        f"layout {layout.CURRENT + 5}; this version reads layouts 1 to {layout.CURRENT}); "
        "upgrade brussels-sim to read it, or choose another store with --store PATH"
    )


def test_rows_of_a_newer_model_revision_survive_an_older_version(stored, monkeypatch):
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "1000")  # a future version
    code, newer, err = sim(*RUN, "--store", stored, "--json")
    assert code == 0, err
    monkeypatch.undo()  # this version again: its own rows, the future ones untouched
    code, out, err = sim("store", "info", "--store", stored, "--json")
    holdings = {h["model_revision"]: h["replications"] for h in json.loads(out)["holdings"]}
    assert set(holdings.values()) == {20} and "1000" in holdings and len(holdings) == 2
    code, out, err = sim("store", "prune", "--store", stored)
    assert code == 0 and "deleted 0 replications" in out, err
    code, out, err = sim("export", MINIMAL, "--seed", "3", "--store", stored)
    assert code == 0 and len(out.strip().splitlines()) == 21, err
    assert "20 replications of minimal with seed 3 from model revision 1000 are not exported" in err
    monkeypatch.setattr("sim.experiments.store.MODEL_REVISION", "1000")
    assert sim(*RUN, "--store", stored, "--json")[1] == newer


def test_store_info_prints_what_a_store_holds(stored):
    assert sim("compare", MINIMAL, MINIMAL, *RUN[2:], "--store", stored)[0] == 0
    code, out, err = sim("store", "info", "--store", stored)
    assert code == 0, err
    assert f"{stored}: store layout {layout.CURRENT}" in out
    for heading in ("scenario", "hash", "seed", "model revision", "replications", "range"):
        assert heading in out
    assert "minimal" in out and "0-19" in out


def test_store_info_upgrades_a_layout_1_store(tmp_path):
    store = tmp_path / "old.sqlite"
    shutil.copy(LAYOUT_1, store)
    code, out, err = sim("store", "info", "--store", store, "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found["layout"] == layout.CURRENT and "migrated from layout 1" in found["notes"]
    assert sum(h["replications"] for h in found["holdings"]) == 30
    assert sim("store", "check", "--store", store)[0] == 0


def test_prune_refuses_this_versions_own_revision(stored):
    from sim.experiments.store import MODEL_REVISION

    code, _, err = sim("store", "prune", "--store", stored, "--revision", MODEL_REVISION)
    assert code == 2 and "that is this version's model revision" in one_line(err)


def test_vacuum_reports_the_sizes(stored):
    code, out, err = sim("store", "vacuum", "--store", stored)
    assert code == 0 and " -> " in out, err


# --- read-only media ----------------------------------------------------------------------------


def read_only_mount(folder: Path, *command: object) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sim COMMAND`` with ``folder`` bind-mounted read-only over itself.

    A private mount namespace (``unshare -m``, as root) gives real read-only media (EROFS);
    where that is not allowed the test is skipped.
    """
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs unshare and root to mount a folder read-only")
    inner = " ".join(f"'{a}'" for a in [sys.executable, "-m", "sim", *map(str, command)])
    script = (
        f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' "
        f"|| exit 99; exec {inner}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=ENV, timeout=120
    )
    if done.returncode == 99:
        pytest.skip(f"cannot mount read-only here: {done.stderr.strip()}")
    return done


def test_a_store_on_read_only_media_can_be_exported_and_inspected(stored, tmp_path):
    out = tmp_path / "elsewhere"
    out.mkdir()
    readable = stored.parent / "media"
    readable.mkdir()
    shutil.move(stored, readable / "results.sqlite")
    store = readable / "results.sqlite"
    assert not Path(f"{store}-wal").exists()
    before = store.read_bytes()
    done = read_only_mount(readable, "export", MINIMAL, "--seed", "3", "--store", store)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 21  # the header and 20 replications
    done = read_only_mount(readable, "store", "info", "--store", store)
    assert done.returncode == 0 and "minimal" in done.stdout, done.stderr
    done = read_only_mount(readable, *RUN, "--store", store)
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        f"results store {store}: is read-only (read-only media, or a folder this user may not "
        "write in); it can be read (sim export, sim store info) but not added to; choose "
        "another with --store PATH"
    )
    assert store.read_bytes() == before


def test_store_commands_name_a_missing_store(tmp_path):
    for command in ("info", "check", "repair", "prune", "vacuum"):
        code, _, err = sim("store", command, "--store", tmp_path / "none.sqlite")
        assert code == 2 and "none.sqlite does not exist" in one_line(err), (command, err)
    assert not (tmp_path / "none.sqlite").exists()
