"""What an experiment command says before it starts: the work ahead, and a refusal if it is vast.

A long run is announced in one line on stderr (replications to run, minutes expected, workers),
so a user knows at once what a command costs; a run expected to outlast the ceiling is refused
with exit code 2 unless ``--yes`` confirms it. ``--quiet`` hides the announcement, never the
refusal. The estimate is :mod:`sim.experiments.preflight`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from sim.scenario import Scenario

#: How a user confirms a run longer than the ceiling.
CONFIRM = "--yes"

Yes = Annotated[
    bool,
    typer.Option(
        CONFIRM,
        "-y",
        help="Start the run even if it is expected to take more than an hour.",
    ),
]


class WorkRefused(Exception):  # noqa: N818 (what the user meets: the run was refused)
    """The run is expected to take longer than the ceiling and the user did not confirm it."""


class Announcer:
    """The experiment's preflight: says how long the work will take, refuses what is too long.

    Args:
        quiet: do not announce (a refusal is still said).
        confirmed: the user gave ``--yes``: never refuse.
        say: where the announcement goes (stderr).
    """

    def __init__(self, quiet: bool, confirmed: bool, say: Console) -> None:
        self.quiet = quiet
        self.confirmed = confirmed
        self.say = say
        self.started = False

    def __call__(self, todo: Sequence[tuple[Scenario, int]], jobs: int) -> None:
        """Look at the work about to start (each scenario's missing replications, workers)."""
        from sim.experiments.preflight import CEILING_HOURS, SHOWN_FROM_SECONDS, estimate

        ahead = estimate(todo, jobs)
        text = ahead.describe(more=self.started)
        if ahead.over_ceiling and not self.confirmed:
            saved = "; what is finished is saved" if self.started else ""
            raise WorkRefused(
                f"sim: {text}, more than the {CEILING_HOURS:g}-hour ceiling (an estimate from the "
                f"scenario's expected tips and copies; docs/experiments.md){saved}: add {CONFIRM} "
                "to start it anyway, or ask for fewer replications"
            )
        if not self.quiet and ahead.seconds >= SHOWN_FROM_SECONDS:
            self.say.print(f"sim: {text} (an estimate)", markup=False)
        self.started = True


def note_jobs(requested: int | None, used: int, say: Console) -> None:
    """Say in one line that ``--jobs`` asked for more workers than the machine holds."""
    if requested is None or used >= requested:
        return
    from sim.experiments.capacity import capacity

    say.print(
        f"sim: --jobs {requested}: this machine holds {used} at a time ({capacity().reason}); "
        f"using {used}",
        markup=False,
    )
