"""Faults lose nothing finished and corrupt nothing: a full disk, a read-only store or folder, a
stopped or killed command on a Dask cluster, a killed worker, kill -9 of compare and sweep.

Stops of local runs (SIGINT, SIGTERM, kill -9 of ``run``) are in ``test_interrupts.py``. Here:

* **Dask**: a scheduler and two workers started by the test as ``dask scheduler`` / ``dask worker``
  processes (with ``PYTHONPATH`` set to this checkout, so the workers import this code), and
  ``sim run|compare|sweep --executor dask`` stopped by SIGINT or SIGTERM, or losing a worker
  to SIGKILL; the re-run (or the run itself) must print exactly what a clean local run prints.
* **A full disk** is emulated by SQLite's own limit on the store's size (``PRAGMA
  max_page_count``), which fails a write with the very error a full disk gives
  (``SQLITE_FULL``: "database or disk is full"); **a read-only store** by opening it with
  SQLite's ``mode=ro``; **a read-only or full output folder** by making the atomic writer fail
  as the file system would (EACCES, ENOSPC). Tests run as root in CI containers, where
  ``chmod`` does not stop writes: the ``chmod`` variants run only for other users.
* **Nothing is written outside** the chosen ``--out`` folder and ``--store``: every command runs
  in an empty working folder whose contents are compared before and after.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from PIL import Image
from test_interrupts import HANG, wait_for_rows
from typer.testing import CliRunner

from sim.cli import app
from sim.outputs import files as files_module

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
#: False tips at 10 a day: about 5 ms a replication. A run is cut in about eight batches (four
#: per worker), so it can be stopped after its first batch for most of its two seconds.
SLOW = ["--set", "tips.noise=[{rate: 10/day, reporters: {Federal: 1}}]"]
runner = CliRunner()
_CLEAN: dict[tuple[str, ...], dict] = {}


def start(*args: object) -> subprocess.Popen:
    """``python -m sim ARGS`` from this checkout, in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def finish(*args: object) -> dict:
    """Run ``python -m sim ARGS`` to the end and return its JSON output."""
    done = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=HANG,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def clean(args: list[str]) -> dict:
    """The output of an uninterrupted run of ``args`` in this process (computed once)."""
    key = tuple(args)
    if key not in _CLEAN:
        code, out, err = sim(*args, "--jobs", "1", "--store", ":memory:")
        assert code == 0, err
        _CLEAN[key] = json.loads(out)
    return _CLEAN[key]


def sim(*args: object) -> tuple[int, str, str]:
    """A command in this process: (exit code, stdout, stderr)."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def readable(store: Path) -> int:
    """Check the store's integrity and return its number of records."""
    with contextlib.closing(sqlite3.connect(store)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT COUNT(*) FROM records").fetchone()[0]


# --- a Dask cluster of separate processes ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def cluster(logs: Path, workers: int = 2):
    """A ``dask scheduler`` and ``workers`` single-thread ``dask worker`` processes (behind a
    nanny that restarts them; a lone worker has none); yields the address and the processes."""
    distributed = pytest.importorskip("distributed", reason="the optional extra 'dask' is missing")
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed beside this Python")
    address = f"tcp://127.0.0.1:{free_port()}"
    commands = [[dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1]]]
    if workers == 1:
        commands.append([dask, "worker", address, "--nthreads", "1", "--no-nanny"])
    elif workers:
        commands.append([dask, "worker", address, "--nworkers", workers, "--nthreads", "1"])
    processes = []
    try:
        for i, command in enumerate(commands):
            with (logs / f"{i}.log").open("w") as log:
                processes.append(
                    subprocess.Popen(
                        [*map(str, command), "--no-dashboard"],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=ENV,
                        start_new_session=True,  # its own group: stopped as one at the end
                    )
                )
        with distributed.Client(address, timeout=f"{HANG}s") as client:
            if workers:
                client.wait_for_workers(workers, timeout=HANG)
        yield address, processes
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory):
    """The address of a cluster the module's tests share."""
    with cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal scenario with more federal staff: the second setup of a comparison."""
    folder = tmp_path_factory.mktemp("variant")
    (folder / "minimal.yaml").write_bytes(MINIMAL.read_bytes())  # a parent in its own folder
    path = folder / "more-staff.yaml"
    path.write_text(
        "extends: minimal.yaml\nname: more-staff\nagencies: {Federal: {staff: 40}}\n",
        encoding="utf-8",
    )
    return path


#: Each command, and the replications it wants in all.
COMMANDS = {
    "run": (["run", MINIMAL, *SLOW, "--runs", "400", "--seed", "9"], 400),
    "compare": (["compare", MINIMAL, "VARIANT", *SLOW, "--runs", "200", "--seed", "9"], 400),
    "sweep": (
        ["sweep", MINIMAL, *SLOW, "--vary", "raids.escape_on_raid=0,1", "--runs", "200"],
        400,
    ),
}
QUIET = ["--json", "--quiet", "--no-plots"]


def command_args(command: str, variant: Path) -> tuple[list[str], int]:
    args, wanted = COMMANDS[command]
    return [str(variant) if a == "VARIANT" else str(a) for a in args] + QUIET, wanted


@pytest.mark.parametrize(
    ("command", "how"),
    [("run", signal.SIGINT), ("compare", signal.SIGTERM), ("sweep", signal.SIGINT)],
    ids=["run-SIGINT", "compare-SIGTERM", "sweep-SIGINT"],
)
def test_a_stopped_dask_command_saves_its_work_and_resumes_identically(
    command, how, scheduler, variant, tmp_path
):
    args, wanted = command_args(command, variant)
    dask = ["--executor", "dask", "--address", scheduler]
    store = tmp_path / "results.sqlite"
    process = start(*args, *dask, "--store", store)
    wait_for_rows(store, process)
    process.send_signal(how)
    _, err = process.communicate(timeout=HANG)
    assert process.returncode == 130, err
    assert "run the same command again to finish from there" in err and "Traceback" not in err
    assert 0 < readable(store) < wanted
    assert finish(*args, *dask, "--store", store) == clean(args)


def test_a_dask_worker_killed_mid_run_changes_nothing(scheduler, variant, tmp_path):
    import distributed

    args, wanted = command_args("run", variant)
    store = tmp_path / "results.sqlite"
    process = start(*args, "--executor", "dask", "--address", scheduler, "--store", store)
    wait_for_rows(store, process)
    with distributed.Client(scheduler, timeout=f"{HANG}s") as client:
        pids = client.run(os.getpid)  # the worker processes of the test's own cluster
        os.kill(sorted(pids.values())[0], signal.SIGKILL)
        out, err = process.communicate(timeout=HANG)
        client.wait_for_workers(2, timeout=HANG)  # its nanny restarts it for the next tests
    assert process.returncode == 0, err
    assert json.loads(out) == clean(args)
    assert readable(store) == wanted


def test_kill_9_of_a_dask_client_leaves_no_process_and_the_cluster_drops_its_work(
    scheduler, variant, tmp_path
):
    import distributed
    import psutil

    args, _ = command_args("run", variant)
    store = tmp_path / "results.sqlite"
    process = start(*args, "--executor", "dask", "--address", scheduler, "--store", store)
    wait_for_rows(store, process)
    helpers = psutil.Process(process.pid).children(recursive=True)
    process.kill()
    process.communicate(timeout=60)  # returns: nothing else holds the caller's pipes
    _, alive = psutil.wait_procs(helpers, timeout=60)
    assert not alive, alive

    def tasks(dask_scheduler: object) -> int:
        return len(dask_scheduler.tasks)  # type: ignore[attr-defined]

    with distributed.Client(scheduler, timeout="30s") as client:
        deadline = time.monotonic() + 60  # a bound that only catches a cluster still busy
        while client.run_on_scheduler(tasks) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.run_on_scheduler(tasks) == 0


def test_a_lost_dask_scheduler_stops_in_one_line_and_a_local_rerun_finishes(variant, tmp_path):
    args, wanted = command_args("run", variant)
    store = tmp_path / "results.sqlite"
    with cluster(tmp_path) as (address, (scheduler_process, _)):
        process = start(*args, "--executor", "dask", "--address", address, "--store", store)
        wait_for_rows(store, process)
        os.killpg(scheduler_process.pid, signal.SIGKILL)
        _, err = process.communicate(timeout=HANG)
    assert process.returncode == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err and "ERROR" not in err, err
    assert err.startswith(f"sim: lost the Dask scheduler at {address}")
    assert "run the same command again to finish from there" in err
    assert 0 < readable(store) < wanted
    # The same command on this machine's processes finishes the run, identically.
    assert finish(*args, "--jobs", "2", "--store", store) == clean(args)


def test_a_killed_local_worker_process_stops_in_one_line_and_a_rerun_finishes(tmp_path):
    psutil = pytest.importorskip("psutil")
    args, wanted = command_args("run", tmp_path)
    store = tmp_path / "results.sqlite"
    process = start(*args, "--jobs", "2", "--store", store)
    wait_for_rows(store, process)
    workers = [
        child
        for child in psutil.Process(process.pid).children(recursive=True)
        # Forked workers carry the command's own command line; the tracker is a helper.
        if "resource_tracker" not in " ".join(child.cmdline())
    ]
    assert workers
    workers[0].kill()
    _, err = process.communicate(timeout=HANG)
    assert process.returncode == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("sim: a worker process died")
    assert 0 < readable(store) < wanted
    assert finish(*args, "--jobs", "2", "--store", store) == clean(args)


def test_a_dask_cluster_left_without_workers_says_so_and_stops_on_ctrl_c(variant, tmp_path):
    args, wanted = command_args("run", variant)
    store = tmp_path / "results.sqlite"
    said = tmp_path / "stderr.txt"
    with cluster(tmp_path, workers=1) as (address, (_, worker)), said.open("w") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim",
                *args,
                "--executor",
                "dask",
                "--address",
                address,
                "--store",
                str(store),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            env=ENV,
        )
        wait_for_rows(store, process)
        os.killpg(worker.pid, signal.SIGKILL)  # the only worker, and no nanny to restart it
        deadline = time.monotonic() + 120  # a bound that only catches a command gone silent
        while "no Dask worker left" not in said.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, said.read_text()
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    lines = said.read_text().splitlines()
    assert process.returncode == 130, lines
    assert lines[0] == (
        f"sim: no Dask worker left at {address}: waiting up to 120 s for one to join (Ctrl-C "
        "stops; finished replications are saved)"
    ), lines
    assert lines[1].startswith("sim: stopped with ") and len(lines) == 2, lines
    assert 0 < readable(store) < wanted


def test_a_dask_run_gives_up_when_no_worker_joins(tmp_path):
    from sim.experiments.executors import DaskExecutor, WorkersLost
    from sim.experiments.experiment import Experiment, InterruptedRun
    from sim.scenario import load_scenario

    with cluster(tmp_path, workers=0) as (address, _):
        heard: list[str] = []
        executor = DaskExecutor(address, notice=heard.append, patience=1)
        experiment = Experiment([load_scenario(MINIMAL)], 3, executor=executor)
        try:
            with pytest.raises(InterruptedRun, match=r"no Dask worker at .* for 1 s") as stop:
                experiment.ensure(10)
        finally:
            executor.close()
    assert isinstance(stop.value.__cause__, WorkersLost)
    assert stop.value.saved == 0
    assert len(heard) == 1 and heard[0].startswith(f"sim: no Dask worker left at {address}")


# --- kill -9 of compare and sweep -------------------------------------------------------------


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_kill_9_of_compare_and_sweep_leaves_a_readable_store(command, variant, tmp_path):
    args, wanted = command_args(command, variant)
    store = tmp_path / "results.sqlite"
    process = start(*args, "--jobs", "1", "--store", store)
    wait_for_rows(store, process, at_least=50)
    process.kill()
    process.communicate(timeout=HANG)
    assert 0 < readable(store) < wanted
    assert finish(*args, "--store", store) == clean(args)


# --- a full disk and a read-only store ---------------------------------------------------------

RUN = ["run", MINIMAL, "--runs", "1000", "--seed", "3", "--jobs", "1", *QUIET]


def test_a_full_disk_stops_cleanly_and_keeps_every_committed_batch(tmp_path, monkeypatch):
    real_connect = sqlite3.connect

    def small_disk(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = real_connect(*args, **kwargs)
        db.execute("PRAGMA max_page_count = 60")  # 240 KB: the tables and a few batches
        return db

    store = tmp_path / "results.sqlite"
    monkeypatch.setattr(sqlite3, "connect", small_disk)
    code, out, err = sim(*RUN, "--store", store)
    monkeypatch.undo()
    assert code == 2 and out == "", err
    saved = readable(store)
    assert 0 < saved < 1000 and saved % 100 == 0, saved  # whole batches of 100, nothing torn
    assert err.strip() == (
        f"results store {store}: database or disk is full; {saved} of 1000 replications are "
        "saved in it; free space on the disk or choose another place with --store PATH; the "
        "same command run again finishes from there"
    )
    code, out, err = sim(*RUN, "--store", store)
    assert code == 0, err
    assert json.loads(out) == clean([str(a) for a in RUN])


def test_a_read_only_store_is_refused_and_left_as_it_was(tmp_path, monkeypatch):
    store = tmp_path / "results.sqlite"
    assert sim(*RUN[:3], "200", *RUN[4:], "--store", store)[0] == 0
    before = store.read_bytes()
    real_connect = sqlite3.connect

    def read_only(path: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        uri = path.replace("mode=rw", "mode=ro") if path.startswith("file:") else None
        return real_connect(uri or f"file:{path}?mode=ro", *args, **{**kwargs, "uri": True})

    monkeypatch.setattr(sqlite3, "connect", read_only)
    code, out, err = sim(*RUN, "--store", store)
    monkeypatch.undo()
    assert code == 2 and out == "", err
    assert err.strip() == (
        f"results store {store}: attempt to write a readonly database; the file or its folder "
        "is read-only; choose another with --store PATH"
    )
    assert store.read_bytes() == before
    assert readable(store) == 200


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders (emulated above)")
def test_a_chmod_read_only_store_is_refused(tmp_path):
    store = tmp_path / "locked" / "results.sqlite"
    assert sim(*RUN[:3], "200", *RUN[4:], "--store", store)[0] == 0
    store.chmod(0o444)
    store.parent.chmod(0o555)
    try:
        code, _, err = sim(*RUN, "--store", store)
        assert code == 2 and "read-only" in err, err
    finally:
        store.parent.chmod(0o755)
    assert readable(store) == 200


# --- read-only and full output folders: refused, and nothing half-written ----------------------


class FailingFiles:
    """Stands in for ``os`` and ``tempfile`` in :mod:`sim.outputs.files`, failing some writes.

    ``fail`` is an errno: EACCES fails at creating the temporary file (a read-only folder);
    ENOSPC fails in the middle of writing the ``after``-th file (a disk filling up).
    """

    def __init__(self, folder: Path, fail: int, after: int = 1) -> None:
        self.folder = folder.resolve()
        self.fail = fail
        self.after = after
        self.opened = 0

    def _inside(self, path: object) -> bool:
        return Path(str(path)).resolve().is_relative_to(self.folder)

    def mkstemp(self, *args: object, dir: object = None, **kwargs: object) -> tuple[int, str]:
        import tempfile

        if self.fail == errno.EACCES and self._inside(dir):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
        return tempfile.mkstemp(*args, dir=dir, **kwargs)

    def fdopen(self, handle: int, mode: str, **kwargs: object) -> object:
        stream = os.fdopen(handle, mode, **kwargs)
        self.opened += 1
        if self.fail == errno.ENOSPC and self.opened >= self.after:
            return HalfWriter(stream)
        return stream

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)


class HalfWriter:
    """A file that takes the first 100 bytes (or characters), then fails as a full disk does."""

    def __init__(self, stream: IO) -> None:
        self.stream = stream
        self.written = 0

    def write(self, data: bytes | str) -> int:
        if self.written + len(data) > 100:
            self.stream.write(data[: 100 - self.written])
            self.stream.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += len(data)
        return self.stream.write(data)

    def __enter__(self) -> HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def failing(monkeypatch: pytest.MonkeyPatch, folder: Path, fail: int, after: int = 1) -> None:
    fake = FailingFiles(folder, fail, after)
    monkeypatch.setattr(files_module, "tempfile", fake)
    monkeypatch.setattr(files_module, "os", fake)


def complete(folder: Path) -> list[str]:
    """The files in ``folder``, each checked to be whole (no temporary or truncated file)."""
    names = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    for name in names:
        assert not name.startswith(".") and not name.endswith(".tmp"), f"left behind: {name}"
        path = folder / name
        if name.endswith(".png"):
            with Image.open(path) as image:
                image.load()
        elif name.endswith(".svg"):
            assert path.read_text(encoding="utf-8").rstrip().endswith("</svg>"), name
    return names


OUTPUTS = {
    "run": (["run", MINIMAL, "--runs", "20", "-j", "1", "-q", "--store", ":memory:"], "the plots"),
    "trace": (["trace", MINIMAL], "the trace"),
    "report": (
        ["report", MINIMAL, "-n", "10", "-j", "1", "-q", "--store", ":memory:"],
        "the report",
    ),
}


@pytest.mark.parametrize("command", list(OUTPUTS))
@pytest.mark.parametrize(
    ("fail", "hint"),
    [
        (errno.EACCES, "Permission denied; this user may not write there: choose another place"),
        (errno.ENOSPC, "No space left on device; the disk is full: free some space or choose"),
    ],
    ids=["read-only", "full"],
)
def test_an_output_folder_that_cannot_be_written(command, fail, hint, tmp_path, monkeypatch):
    args, what = OUTPUTS[command]
    out = tmp_path / "out"
    failing(monkeypatch, out, fail, after=2)
    code, _, err = sim(*args, "--out", out)
    assert code == 2, err
    (line,) = err.strip().splitlines()[-1:]
    assert line.startswith(f"--out: cannot write {what} in {out}") and hint in line, err
    assert "Traceback" not in err
    finished = complete(out)
    assert len(finished) <= 1, finished  # the one file finished before the failure, if any


def test_an_export_that_cannot_be_written_leaves_no_file(tmp_path, monkeypatch):
    store = tmp_path / "s.sqlite"
    assert sim("run", MINIMAL, "--runs", "5", "--jobs", "1", "--no-plots", "--store", store)[0] == 0
    out = tmp_path / "csv"
    failing(monkeypatch, out, errno.ENOSPC)
    code, _, err = sim("export", MINIMAL, "--store", store, "--out", out / "runs.csv")
    assert code == 2 and "--out: cannot write the CSV" in err and "disk is full" in err, err
    assert complete(out) == []


# --- nothing written outside the chosen folder and store ----------------------------------------


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_every_command_writes_only_in_its_out_folder_and_store(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = tree(tmp_path)
    store = work / "store" / "results.sqlite"
    small = ["--runs", "10", "--jobs", "1", "-q", "--store", store]
    commands = {
        "run": ["run", MINIMAL, *small],
        "compare": ["compare", MINIMAL, MINIMAL, *small],
        "sweep": ["sweep", MINIMAL, "--vary", "horizon=5d,10d", *small],
        "attribute": ["attribute", MINIMAL, *small, "--orders", "2"],
        "trace": ["trace", MINIMAL],
        "report": ["report", MINIMAL, *small],
    }
    for name, args in commands.items():
        code, _, err = sim(*args, "--out", work / f"out-{name}")
        assert code == 0, f"{name}: {err}"
    code, _, err = sim("export", MINIMAL, "--store", store, "--out", work / "out-export/runs.csv")
    assert code == 0, err
    assert sim("validate", MINIMAL)[0] == 0
    new = tree(tmp_path) - before
    allowed = {"work/store", "work/out-export", *(f"work/out-{name}" for name in commands)}
    outside = {p for p in new if not any(p == a or p.startswith(a + "/") for a in allowed)}
    assert not outside, f"written outside --out and --store: {sorted(outside)}"
    assert {Path(p).name for p in new if p.startswith("work/store/")} <= {
        "results.sqlite",
        "results.sqlite-wal",
        "results.sqlite-shm",
    }
    assert all(tree(work / f"out-{name}") for name in commands)


def test_without_out_and_store_everything_goes_under_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sim("run", MINIMAL, "--runs", "10", "--jobs", "1", "-q")[0] == 0
    assert sim("trace", MINIMAL)[0] == 0
    assert {p.split("/")[0] for p in tree(tmp_path)} == {"reports"}


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "story.txt"
    target.write_text("the finished story\n", encoding="utf-8")
    with (
        pytest.raises(OSError, match="No space left"),
        files_module.atomic_writer(target) as stream,
    ):
        stream.write("half a new sto")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert target.read_text(encoding="utf-8") == "the finished story\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.txt"]
