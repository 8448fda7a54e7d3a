"""How many replications a run starts with, when the user does not say (commands and the API)."""

from __future__ import annotations

#: Replications a run does by default, and the first round of a run with a precision target
#: (which then grows only as far as the target needs).
DEFAULT_RUNS = 1000
PILOT_RUNS = 100


def first_runs(runs: int | None, precision: float | None, max_runs: int) -> int:
    """Replications to start with: the user's number, or the default for this kind of run.

    With a precision target the first round is small, and never more than ``max_runs``.
    """
    if runs is not None:
        return runs
    return min(PILOT_RUNS, max_runs) if precision is not None else DEFAULT_RUNS
