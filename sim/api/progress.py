"""A progress bar for long work: replications done, rate and time left, on standard error."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress

Progress = Callable[[int, int], None]


def can_show() -> bool:
    """Whether a bar would be seen: standard output and error are both a terminal."""
    return sys.stdout.isatty() and sys.stderr.isatty()


@contextmanager
def progress_bar(show: bool, console: Console | None = None) -> Iterator[Progress | None]:
    """A rich progress bar on standard error (replications done, rate, time left), or nothing."""
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
    where = console or Console(stderr=True, highlight=False, soft_wrap=True)
    with RichProgress(*columns, console=where, transient=True) as bar:
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
