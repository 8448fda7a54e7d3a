"""What every command shares: option types, loading scenarios, and failing cleanly.

Exit codes (DESIGN.md §4): 0 ok, 2 bad input (a message per problem, never a traceback), 1 an
internal error (one line, and the advice to report it).
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from sim.api.progress import progress_bar
from sim.cli.notices import quiet_scenario_warnings, shown_warnings
from sim.cli.preflight import Announcer, WorkRefused, note_jobs
from sim.core.runs import DEFAULT_RUNS, PILOT_RUNS, first_runs  # noqa: F401 (commands import it from here)

if TYPE_CHECKING:  # imported where used: `sim --help` and typos load neither model nor numpy
    from sim.experiments.executors import Executor
    from sim.experiments.experiment import PrecisionOutcome, Progress
    from sim.experiments.store import ResultsStore
    from sim.scenario import Scenario

#: Where tables go; JSON goes to stdout directly so that it stays one parseable object. Every
#: text printed holds the user's words (names, paths, values): rich's markup (``[red]``) and
#: emoji codes (``:x:``) are never applied, so ``plan:x:v2.yaml`` prints as written.
console = Console(
    highlight=False,
    soft_wrap=True,
    markup=False,
    emoji=False,
    width=None if sys.stdout.isatty() else 160,
)
errors = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

#: Most replications one command may ask for (per scenario); ten million take days even on a
#: cluster, so more is surely a typing mistake.
MAX_RUNS = 10_000_000

#: Largest master seed: the store keeps seeds as SQLite integers (64-bit signed).
MAX_SEED = 2**63 - 1

#: Most local worker processes.
MAX_JOBS = 1024

#: The results store every experiment command uses unless told otherwise (the library's
#: ``sim.experiments.store.DEFAULT_PATH``, repeated here so that the command line starts without
#: importing the store and the model; a test keeps the two equal).
DEFAULT_STORE = Path("reports/results.sqlite")

ScenarioPath = Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)]

Runs = Annotated[
    int | None,
    typer.Option(
        "--runs",
        "-n",
        help=f"Number of replications (default {DEFAULT_RUNS:,}); with --precision, the first "
        f"round (default {PILOT_RUNS}).",
        min=1,
        max=MAX_RUNS,
        show_default=False,
    ),
]
Seed = Annotated[
    int, typer.Option("--seed", "-s", help="Master random seed (>= 0).", min=0, max=MAX_SEED)
]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a value: dotted.path=value (repeatable), e.g. agencies.DR3.staff=12.",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


def say_precision(outcome: PrecisionOutcome | None, of: str, as_json: bool) -> None:
    """Say whether a precision target was reached (stderr beside --json output)."""
    if outcome is None:
        return
    where = errors if as_json else console
    where.print(outcome.sentence(of), markup=False)


def bad_input(message: str) -> NoReturn:
    """Print ``message`` to stderr and exit with code 2 (bad input)."""
    errors.print(message, markup=False)
    raise typer.Exit(2)


def load_or_exit(path: Path, overrides: list[str] | None = None) -> Scenario:
    """Load a scenario, or print every problem of it and exit with code 2; say its warnings."""
    from sim.scenario import ScenarioError, load_scenario

    with shown_warnings(errors):
        try:
            return load_scenario(path, overrides or ())
        except ScenarioError as err:
            bad_input(str(err))


def internal_error(err: BaseException) -> NoReturn:
    """Report an unexpected failure in one line and exit with code 1."""
    print(
        f"sim: internal error: {type(err).__name__}: {err} "
        "(this is a bug; please report it with the command you ran)",
        file=sys.stderr,
    )
    raise SystemExit(1)


# --- options and set-up shared by the commands that run experiments ---------------------------

Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", help="Local worker processes (default: all cores).", min=1, max=MAX_JOBS
    ),
]
ExecutorName = Annotated[
    str, typer.Option("--executor", help="Where replications run: local or dask.")
]
Address = Annotated[
    str | None,
    typer.Option("--address", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."),
]
StorePath = Annotated[
    Path,
    typer.Option("--store", help="Results store (SQLite); finished replications are reused."),
]
Precision = Annotated[
    float | None,
    typer.Option(
        "--precision",
        help="Keep running until the 95 % half-width that matters is at most this (e.g. 0.02).",
        min=0.0001,
        max=0.5,
    ),
]
MaxRuns = Annotated[
    int,
    typer.Option(
        "--max-runs", help="Upper bound on replications with --precision.", min=1, max=MAX_RUNS
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
Out = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Folder for the plots (PNG and SVG).", show_default=False),
]
NoPlots = Annotated[bool, typer.Option("--no-plots", help="Do not draw or write plots.")]


# --- output folders and files ----------------------------------------------------------------

#: File-system errors that mean "this place cannot be written", each with how to fix it.
_WRITE_HINTS = {
    errno.ENOSPC: "the disk is full: free some space or choose another place",
    errno.EDQUOT: "the disk quota is used up: free some space or choose another place",
    errno.EROFS: "the file system is read-only: choose another place",
    errno.EACCES: "this user may not write there: choose another place",
    errno.EPERM: "this user may not write there: choose another place",
    errno.ENOTDIR: "part of the path is a file, not a folder: choose another place",
    errno.EISDIR: "a folder is in the way: choose another name",
    errno.EEXIST: "a file is in the way: choose another place",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter path",
}


def _nearest_existing(path: Path) -> Path:
    """``path`` itself, or its closest ancestor that exists (``.`` at worst)."""
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return candidate
        except OSError:  # e.g. permission denied on a parent: judge that parent
            continue
    return Path(".")


def check_folder(folder: Path | None, option: str = "--out") -> None:
    """Refuse an output folder that cannot be one, before any work is done (exit code 2).

    The folder itself need not exist (it is created), but what exists of it must be a folder
    this process may write in.
    """
    if folder is None:
        return
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        what = "is a file" if existing == folder else f"cannot be made: {existing} is a file"
        bad_input(f"{option}: {folder} {what}; give a folder (it is created if missing)")
    if not os.access(existing, os.W_OK | os.X_OK):
        bad_input(f"{option}: {folder}: {existing} is read-only; choose a folder you can write in")


def check_file(path: Path | None, option: str = "--out") -> None:
    """Refuse an output file that cannot be written, before any work is done (exit code 2)."""
    if path is None:
        return
    if path.is_dir():
        bad_input(f"{option}: {path} is a folder; give a file name, e.g. {path / 'runs.csv'}")
    existing = _nearest_existing(path.parent)
    if not existing.is_dir():
        bad_input(f"{option}: {path} cannot be written: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        bad_input(f"{option}: {path}: {existing} is read-only; choose a folder you can write in")


@contextmanager
def writing(what: str, where: Path, option: str = "--out") -> Iterator[None]:
    """Turn a failure to write ``what`` in ``where`` (full disk, read-only...) into exit code 2.

    Other errors pass through: a broken network connection is not the folder's fault.
    """
    try:
        yield
    except OSError as err:
        hint = _WRITE_HINTS.get(err.errno or 0)
        if hint is None:
            raise
        file = f" ({err.filename})" if err.filename and str(err.filename) != str(where) else ""
        reason = err.strerror or str(err)
        bad_input(f"{option}: cannot write {what} in {where}{file}: {reason}; {hint}")


def report_plots(paths: list[Path], folder: Path, as_json: bool) -> None:
    """Say where the plots went: on stdout with the table, on stderr beside --json output."""
    where = errors if as_json else console
    names = ", ".join(p.stem for p in paths)
    where.print(f"plots ({names}, PNG and SVG): {folder}", markup=False)


class Work:
    """Counts what a command's replications came to, passing progress on to the bar (if any).

    Attributes:
        reused: replications already in the store when the command started.
        done: replications in the store at the last report.
    """

    def __init__(self, bar: Progress | None) -> None:
        self.bar = bar
        self.reused: int | None = None
        self.done = 0

    def __call__(self, done: int, wanted: int) -> None:
        """Note ``done`` of ``wanted`` replications in the store."""
        if self.reused is None:
            self.reused = done
        self.done = done
        if self.bar:
            self.bar(done, wanted)

    @property
    def computed(self) -> int:
        """Replications this command computed and saved."""
        return self.done - (self.reused or 0)


@dataclass
class Setup:
    """What an experiment command runs with."""

    store: ResultsStore
    executor: Executor
    progress: Work
    preflight: Announcer


def say(text: str) -> None:
    """One line on stderr, as written (a note while a command runs)."""
    errors.print(text, markup=False)


def report_store(setup: Setup, as_json: bool) -> None:
    """Say what went into the results store and what was reused from it.

    With ``--json`` the line goes to stderr, and ``--quiet`` leaves it out there: a script that
    asks for both gets one JSON object and nothing else.
    """
    if as_json and setup.preflight.quiet:
        return
    work = setup.progress
    where = errors if as_json else console
    where.print(
        f"results: {setup.store.path} ({work.computed:,} replications computed and saved, "
        f"{work.reused or 0:,} reused)",
        markup=False,
    )


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def stop_signals() -> Iterator[None]:
    """Make Ctrl-C (SIGINT) and SIGTERM stop a run cleanly, then restore the previous handlers.

    SIGINT is installed explicitly: a process started as a background job inherits SIGINT
    ignored, and a user who signals it still expects it to stop and save what is finished.
    """
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {stop: signal.signal(stop, _raise_interrupt) for stop in stops}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


@contextmanager
def quiet_cluster_logs() -> Iterator[None]:
    """Keep Dask's own log records (tracebacks while it reconnects) off the command's stderr.

    A command reports a lost cluster in one line of its own; the API leaves logging alone.
    """
    # Importing distributed sets its loggers' levels: quieten them after that. Without the extra,
    # the executor says what is missing.
    with suppress(ImportError):
        import distributed  # noqa: F401
    # The event loop under Dask logs a callback cancelled by Ctrl-C, possibly as the command
    # exits: that logger stays quiet for the rest of the process.
    logging.getLogger("tornado.application").setLevel(logging.CRITICAL)
    names = ["distributed"] + [
        name for name in logging.root.manager.loggerDict if name.startswith("distributed.")
    ]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@contextmanager
def experiment_setup(
    jobs: int | None,
    executor: str,
    address: str | None,
    store: Path,
    quiet: bool,
    confirmed: bool = False,
) -> Iterator[Setup]:
    """Open the store and the executor, show progress, and stop cleanly on Ctrl-C or SIGTERM.

    Before work starts, the run's length is announced, and refused above the ceiling unless
    ``confirmed`` (``--yes``); ``--jobs`` beyond what the machine holds is capped with a note.
    """
    from sim.experiments.executors import make_executor
    from sim.experiments.experiment import InterruptedRun
    from sim.experiments.store import ResultsStore, StoreError

    if executor not in ("local", "dask"):
        bad_input(f"--executor: unknown executor {executor!r}; use local or dask")
    if executor == "dask" and not address:
        bad_input("--address: the dask executor needs a scheduler address, e.g. tcp://HOST:8786")
    cluster_logs = quiet_cluster_logs() if executor == "dask" else nullcontext()
    # The scenario's warnings were said as its files loaded; variants loaded while the command
    # runs (a sweep's points, attribution's frictionless setups) repeat them.
    with stop_signals(), cluster_logs, quiet_scenario_warnings():
        try:
            results = ResultsStore(store)
        except StoreError as err:
            bad_input(str(err))
        try:
            runner = make_executor(executor, jobs, address, notice=say)
        except (RuntimeError, OSError) as err:
            results.close()
            bad_input(f"--executor {executor}: {err}")
        if executor == "local" and not quiet:
            note_jobs(jobs, runner.jobs, errors)
        show = not quiet and sys.stdout.isatty() and sys.stderr.isatty()
        try:
            with progress_bar(show, errors) as progress:
                yield Setup(results, runner, Work(progress), Announcer(quiet, confirmed, errors))
        except WorkRefused as refusal:
            bad_input(str(refusal))
        except InterruptedRun as stop:
            if stop.cause:  # the workers went away: a failure of the machine, not of the input
                errors.print(
                    f"sim: {stop}; bring the workers back (or use --executor local) and run the "
                    "same command again to finish from there.",
                    markup=False,
                )
                raise typer.Exit(1) from None
            message = f"sim: {stop}; run the same command again to finish from there."
            errors.print(message, markup=False)
            raise typer.Exit(130) from None
        except StoreError as err:
            bad_input(str(err))
        finally:
            runner.close()
            results.close()
