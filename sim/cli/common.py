"""What every command shares: option types, loading scenarios, and failing cleanly.

Exit codes (DESIGN.md §4): 0 ok, 2 bad input (a message per problem, never a traceback), 1 an
internal error (one line, and the advice to report it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from sim.scenario import Scenario, ScenarioError, load_scenario

#: Where tables go; JSON goes to stdout directly so that it stays one parseable object.
console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

ScenarioPath = Annotated[Path, typer.Argument(help="A scenario YAML file.", show_default=False)]
Runs = Annotated[int, typer.Option("--runs", "-n", help="Number of replications.", min=1)]
Seed = Annotated[int, typer.Option("--seed", "-s", help="Master random seed (>= 0).", min=0)]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a scenario value: dotted.path=value (repeatable), e.g. agencies.DR3.staff=12.",
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
