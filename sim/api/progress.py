"""The progress bar of long work: replications done, their rate, and an honest time left.

The time left is the replications still wanted divided by the **measured** rate, never a guess:
the rate is measured between finished batches, only once the first batch is in (the first batch
also pays for starting the worker processes, and replications already in the store arrive all at
once), over a sliding window of recent batches so that a neighbour's burst on a shared machine
moves the estimate without throwing it. Until there is a measurement the bar says so.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

#: Seconds of recent batches the rate is measured over.
WINDOW_SECONDS = 120.0

#: The rate is trusted once it spans this many seconds and this many batches after the first:
#: two workers finish their first batches together, and a rate over a fraction of a second
#: would promise the end in seconds.
MIN_SPAN_SECONDS = 5.0
MIN_BATCHES = 2


class Throughput:
    """Replications per second, measured between finished batches after the first one.

    Args:
        window: seconds of recent measurements the rate averages over.
        min_span: seconds the measurement must span before it is trusted.
        min_batches: batches (after the first) it must span before it is trusted.
    """

    def __init__(
        self,
        window: float = WINDOW_SECONDS,
        min_span: float = MIN_SPAN_SECONDS,
        min_batches: int = MIN_BATCHES,
    ) -> None:
        self.window = window
        self.min_span = min_span
        self.min_batches = min_batches
        self._start: int | None = None  # replications done at the first report
        self._samples: deque[tuple[float, int]] = deque()  # (time, done) from the first batch on
        self._batches = 0

    def update(self, now: float, done: int) -> None:
        """Note that ``done`` replications are finished at time ``now`` (seconds)."""
        if self._start is None:
            self._start = done  # what the store already held: not work done now
            return
        if done <= self._start or (self._samples and done <= self._samples[-1][1]):
            return
        if self._samples:
            self._batches += 1
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.popleft()

    @property
    def rate(self) -> float | None:
        """Replications per second over the window, or None while it is not yet measured."""
        if len(self._samples) < 2 or self._batches < self.min_batches:
            return None
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        if t1 - t0 < self.min_span:
            return None
        return (d1 - d0) / (t1 - t0)

    def seconds_left(self, done: int, wanted: int) -> float | None:
        """Seconds until ``wanted`` replications are done at the measured rate (None: unknown)."""
        rate = self.rate
        if rate is None or rate <= 0:
            return None
        return max(wanted - done, 0) / rate


def say_duration(seconds: float) -> str:
    """A time left in words, as precise as an estimate deserves: "about 7 min", "under 10 s"."""
    if seconds < 10:
        return "under 10 s"
    if seconds < 90:
        return f"about {round(seconds / 10) * 10:.0f} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60):.0f} min"
    return f"about {seconds / 3600:.1f} h"


def _time_left_column() -> ProgressColumn:
    """A rich column showing the time left, counting down between batches."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class TimeLeft(ProgressColumn):
        def render(self, task: Task) -> Text:
            finish_at = task.fields.get("finish_at")
            if task.finished:
                return Text("")
            if finish_at is None:
                return Text("measuring speed...", style="progress.remaining")
            left = finish_at - time.monotonic()
            text = "finishing..." if left <= 0 else f"{say_duration(left)} left"
            return Text(text, style="progress.remaining")

    return TimeLeft()


Update = Callable[[int, int], None]
Progress = Update  # what an experiment calls as replications finish: (done, wanted)


def can_show() -> bool:
    """Whether a bar would be seen: standard output and error are both a terminal."""
    return sys.stdout.isatty() and sys.stderr.isatty()


@contextmanager
def progress_bar(show: bool, console: Console | None = None) -> Iterator[Update | None]:
    """A rich progress bar on ``console`` (replications done, rate, time left), or nothing."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as RichProgress

    if console is None:
        console = Console(stderr=True, highlight=False, soft_wrap=True)

    columns = (
        TextColumn("replications"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        _time_left_column(),
    )
    with RichProgress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("run", total=None, rate="", finish_at=None)
        throughput = Throughput()

        def update(done: int, wanted: int) -> None:
            now = time.monotonic()
            throughput.update(now, done)
            rate = throughput.rate
            left = throughput.seconds_left(done, wanted)
            bar.update(
                task,
                completed=done,
                total=wanted,
                rate=f"{rate:.0f}/s" if rate else "",
                finish_at=None if left is None else now + left,
            )

        yield update
