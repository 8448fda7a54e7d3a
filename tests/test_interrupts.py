"""Stopping a long command (Ctrl-C, SIGTERM, kill -9) keeps what is finished; a re-run completes it.

Each test starts a real ``sim`` process, stops it once some batches are in the store, checks what
the stop left behind, runs the same command again and compares its output with an uninterrupted run.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"
#: The child imports this checkout's ``sim`` whatever folder pytest runs from.
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
RUNS = "2000"
#: Seconds after which a wait is a hang: never reached on a working machine, however loaded
#: (the suite bounds work by counts, never by the clock).
HANG = 600
_CLEAN: dict[str, dict] = {}


def sim(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def stored_rows(store: Path) -> int:
    try:
        with sqlite3.connect(store) as db:
            return db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    except sqlite3.Error:
        return 0


def wait_for_rows(store: Path, process: subprocess.Popen, at_least: int = 1) -> int:
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline:
        rows = stored_rows(store) if store.exists() else 0
        if rows >= at_least:
            return rows
        if process.poll() is not None:
            pytest.fail(f"sim ended before any batch was saved: {process.stderr.read()}")
        time.sleep(0.05)
    pytest.fail(f"no batch was saved within {HANG} s: a hang")


def clean_output(command: list[str], tmp_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "sim", *command, "--store", str(tmp_path / "clean.sqlite")],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    return json.loads(done.stdout)


COMMANDS = {
    "run": ["run", str(MINIMAL), "--runs", RUNS, "--seed", "5", "--json", "--quiet"],
    "compare": [
        "compare",
        str(MINIMAL),
        str(MINIMAL),
        "--set",
        "agencies.Federal.staff=3",
        "--runs",
        "1500",
        "--seed",
        "5",
        "--json",
        "--quiet",
    ],
    "sweep": [
        "sweep",
        str(MINIMAL),
        "--vary",
        "raids.escape_on_raid=0,0.5",
        "--runs",
        "1500",
        "--seed",
        "5",
        "--json",
        "--quiet",
    ],
}


@pytest.mark.parametrize(
    ("command", "how"),
    [
        ("run", signal.SIGINT),
        ("run", signal.SIGTERM),
        ("compare", signal.SIGTERM),
        ("sweep", signal.SIGINT),
    ],
    ids=["run-SIGINT", "run-SIGTERM", "compare-SIGTERM", "sweep-SIGINT"],
)
def test_a_stopped_command_saves_its_work_and_resumes_identically(command, how, tmp_path):
    args = COMMANDS[command]
    store = tmp_path / "results.sqlite"
    process = sim(*args, "--store", str(store), "--jobs", "2")
    wait_for_rows(store, process)
    process.send_signal(how)
    _, err = process.communicate(timeout=HANG)
    assert process.returncode == 130, err
    assert "run the same command again" in err and "Traceback" not in err
    saved = stored_rows(store)
    assert saved > 0
    resumed = subprocess.run(
        [sys.executable, "-m", "sim", *args, "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    assert json.loads(resumed.stdout) == clean_output(args, tmp_path)


def test_kill_9_leaves_a_readable_store_and_a_rerun_completes_identically(tmp_path):
    args = COMMANDS["run"]
    store = tmp_path / "results.sqlite"
    process = sim(*args, "--store", str(store), "--jobs", "1")
    wait_for_rows(store, process, at_least=100)
    process.kill()
    process.communicate(timeout=HANG)
    with sqlite3.connect(store) as db:  # readable, consistent
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert 0 < count < int(RUNS)
    resumed = subprocess.run(
        [sys.executable, "-m", "sim", *args, "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    assert json.loads(resumed.stdout) == clean_output(args, tmp_path)
