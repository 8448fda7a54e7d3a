"""What every command shares: option types, loading scenarios, and failing cleanly.

Exit codes (DESIGN.md §4): 0 ok, 2 bad input (a message per problem, never a traceback), 1 an
internal error (one line, and the advice to report it).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress

from sim.executors import Executor, make_executor
from sim.experiment import InterruptedRun, Progress
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.store import ResultsStore, StoreError

#: Where tables go; JSON goes to stdout directly so that it stays one parseable object.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

ScenarioPath = Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)]
Runs = Annotated[int, typer.Option("--runs", "-n", help="Number of replications.", min=1)]
Seed = Annotated[int, typer.Option("--seed", "-s", help="Master random seed (>= 0).", min=0)]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a value: dotted.path=value (repeatable), e.g. agencies.DR3.staff=12.",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


def bad_input(message: str) -> NoReturn:
    """Print ``message`` to stderr and exit with code 2 (bad input)."""
    errors.print(message, markup=False)
    raise typer.Exit(2)


def load_or_exit(path: Path, overrides: list[str] | None = None) -> Scenario:
    """Load a scenario, or print every problem of it and exit with code 2."""
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
    typer.Option("--jobs", "-j", help="Local worker processes (default: all cores).", min=1),
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
    int, typer.Option("--max-runs", help="Upper bound on replications with --precision.", min=1)
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
Out = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Folder for the plots (PNG and SVG).", show_default=False),
]
NoPlots = Annotated[bool, typer.Option("--no-plots", help="Do not draw or write plots.")]


def report_plots(paths: list[Path], folder: Path, as_json: bool) -> None:
    """Say where the plots went: on stdout with the table, on stderr beside --json output."""
    where = errors if as_json else console
    names = ", ".join(p.stem for p in paths)
    where.print(f"plots ({names}, PNG and SVG): {folder}", markup=False)


@dataclass
class Setup:
    """What an experiment command runs with."""

    store: ResultsStore
    executor: Executor
    progress: Progress | None


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def experiment_setup(
    jobs: int | None, executor: str, address: str | None, store: Path, quiet: bool
) -> Iterator[Setup]:
    """Open the store and the executor, show progress, and stop cleanly on Ctrl-C or SIGTERM."""
    if executor not in ("local", "dask"):
        bad_input(f"--executor: unknown executor {executor!r}; use local or dask")
    if executor == "dask" and not address:
        bad_input("--address: the dask executor needs a scheduler address, e.g. tcp://HOST:8786")
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        results = ResultsStore(store)
    except StoreError as err:
        signal.signal(signal.SIGTERM, previous)
        bad_input(str(err))
    try:
        runner = make_executor(executor, jobs, address)
    except (RuntimeError, OSError) as err:
        results.close()
        signal.signal(signal.SIGTERM, previous)
        bad_input(f"--executor {executor}: {err}")
    show = not quiet and sys.stdout.isatty() and sys.stderr.isatty()
    try:
        with progress_bar(show) as progress:
            yield Setup(results, runner, progress)
    except InterruptedRun as stop:
        errors.print(f"sim: {stop}; run the same command again to finish from there.", markup=False)
        raise typer.Exit(130) from None
    except StoreError as err:
        bad_input(str(err))
    finally:
        runner.close()
        results.close()
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def progress_bar(show: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr (replications done, rate, time left), or nothing."""
    if not show:
        yield None
        return
    columns = (
        TextColumn("replications"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("run", total=None, rate="")
        started: list[tuple[float, int]] = []

        def update(done: int, wanted: int) -> None:
            now = time.monotonic()
            if not started:
                started.append((now, done))
            t0, d0 = started[0]
            rate = f"{(done - d0) / (now - t0):.0f}/s" if now > t0 and done > d0 else ""
            bar.update(task, completed=done, total=wanted, rate=rate)

        yield update
