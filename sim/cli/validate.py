"""``sim validate``: check scenario files and say everything that is wrong with each.

An uncertainty file (one with ``factors:``) is checked against the scenario it names: paths,
ranges within the fields' bounds, and declared assumptions (:mod:`sim.scenario.assumptions`). A
history file (one with ``observations:``) is checked against its replay: places, addresses,
services and dated tips that exist there, times within it (:mod:`sim.scenario.history`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Sets, console, errors
from sim.cli.notices import shown_warnings


def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario (or uncertainty, or history) YAML files.", show_default=False
        ),
    ],
    sets: Sets = None,
) -> None:
    """Validate scenario files: exit 0 when all are valid, 2 when any is not."""
    from sim.scenario import ScenarioError, load_scenario, scenario_hash
    from sim.scenario.history import is_history_file
    from sim.scenario.uncertainty import is_uncertainty_file

    failed = False
    for path in paths:
        if is_uncertainty_file(path):
            failed |= not _uncertainty(path)
            continue
        if is_history_file(path):
            failed |= not _history(path)
            continue
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


def _uncertainty(path: Path) -> bool:
    from sim.scenario import ScenarioError
    from sim.scenario.assumptions import load_checked

    try:
        uncertainty, _, _ = load_checked(path)
    except ScenarioError as err:
        errors.print(str(err), markup=False)
        return False
    groups = len(uncertainty.groups)
    console.print(
        f"{path}: ok ({uncertainty.name}: {len(uncertainty.factors)} factors in {groups} "
        f"groups over {uncertainty.scenario})",
        markup=False,
    )
    return True


def _history(path: Path) -> bool:
    from sim.scenario import ScenarioError
    from sim.scenario.history import load_history

    try:
        history = load_history(path)
    except ScenarioError as err:
        errors.print(str(err), markup=False)
        return False
    console.print(
        f"{path}: ok ({history.name}: {len(history.observations)} observations of "
        f"{history.replay}, key {history.key})",
        markup=False,
    )
    return True
