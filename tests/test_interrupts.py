"""Stopping a long command (Ctrl-C, SIGTERM, kill -9) keeps what is finished; a re-run completes it.

Each test starts a real ``sim`` process, stops it once some batches are in the store, checks what
the stop left behind, runs the same command again and compares its output with an uninterrupted run.
"""

import contextlib
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


def test_kill_9_of_a_two_process_run_leaves_no_process_behind_and_frees_the_callers_pipes(
    tmp_path,
):
    """The workers and the resource tracker end with the command, and let go of its pipes."""
    psutil = pytest.importorskip("psutil")
    store = tmp_path / "results.sqlite"
    process = sim(*COMMANDS["run"], "--store", str(store), "--jobs", "2")
    wait_for_rows(store, process)
    helpers = psutil.Process(process.pid).children(recursive=True)
    assert len(helpers) >= 2, helpers  # two workers (and the resource tracker)
    process.kill()
    try:
        # What subprocess.run(capture_output=True) waits for: both pipes closed by every holder.
        process.communicate(timeout=60)
        _, alive = psutil.wait_procs(helpers, timeout=60)
        assert not alive, [" ".join(p.cmdline())[:120] for p in alive]
    finally:
        for helper in helpers:
            with contextlib.suppress(psutil.NoSuchProcess):
                helper.kill()


DRIVER = """
import sys, threading
from sim.experiments.executors import ProcessExecutor
from sim.experiments.experiment import Experiment
from sim.experiments.store import ResultsStore
from sim.scenario import load_scenario

def work():
    # Made off the main thread: no kernel request (Linux ties it to the thread), so the workers'
    # own watcher thread is what ends them, as on macOS.
    scenario = load_scenario(sys.argv[1], ["tips.noise=[{rate: 10/day, reporters: {Federal: 1}}]"])
    store = ResultsStore(sys.argv[2])
    Experiment([scenario], 1, store, ProcessExecutor(2)).ensure(1_000_000)

if __name__ == "__main__":
    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
"""


def test_workers_started_off_the_main_thread_die_with_their_parent_too(tmp_path):
    """The watcher thread alone (the macOS way) ends the workers of a killed parent."""
    psutil = pytest.importorskip("psutil")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    store = tmp_path / "results.sqlite"
    process = subprocess.Popen(
        [sys.executable, str(driver), str(MINIMAL), str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    wait_for_rows(store, process, at_least=200)  # both workers are busy with batches
    helpers = psutil.Process(process.pid).children(recursive=True)
    workers = [p for p in helpers if "spawn_main" in " ".join(p.cmdline())]
    process.kill()
    try:
        process.communicate(timeout=60)
        _, alive = psutil.wait_procs(helpers, timeout=60)
        assert len(workers) == 2 and not alive, alive
    finally:
        for helper in helpers:
            with contextlib.suppress(psutil.NoSuchProcess):
                helper.kill()
