"""``sim validate``: check scenario files and say everything that is wrong with each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Sets, console, errors
from sim.cli.notices import shown_warnings


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)],
    sets: Sets = None,
) -> None:
    """Validate scenario files: exit 0 when all are valid, 2 when any is not."""
    from sim.scenario import ScenarioError, load_scenario, scenario_hash

    failed = False
    for path in paths:
        try:
            with shown_warnings(errors):
                scenario = load_scenario(path, sets or ())
        except ScenarioError as err:
            errors.print(str(err), markup=False)
            failed = True
            continue
        console.print(f"{path}: ok ({scenario.name}, hash {scenario_hash(scenario)})", markup=False)
    if failed:
        raise typer.Exit(2)
