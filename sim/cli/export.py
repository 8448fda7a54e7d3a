"""``sim export``: the stored records of a scenario as CSV, one row per replication."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Annotated

import typer

from sim.cli.common import (
    DEFAULT_STORE,
    Seed,
    Sets,
    StorePath,
    bad_input,
    check_file,
    console,
    errors,
    load_or_exit,
    writing,
)


def export(
    scenario: Annotated[Path, typer.Argument(help="The scenario whose records to export.")],
    seed: Seed = 0,
    sets: Sets = None,
    store: StorePath = DEFAULT_STORE,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV file to write (default: stdout).")
    ] = None,
) -> None:
    """Write the stored replications of a scenario and seed as CSV."""
    from sim.experiments.store import ResultsStore, StoreError
    from sim.outputs.files import atomic_writer
    from sim.scenario import scenario_hash

    loaded = load_or_exit(scenario, sets)
    check_file(out)
    if not store.exists():
        bad_input(f"--store: {store} does not exist; run the scenario first (sim run ...)")
    try:
        with ResultsStore(store) as results:
            rows = list(results.records(scenario_hash(loaded), seed))
    except StoreError as err:
        bad_input(str(err))
    if not rows:
        bad_input(f"{store}: no stored replications of {loaded.name} with seed {seed}")
    what = f"{len(rows):,} replications of {loaded.name} (seed {seed}) from {store}"
    if out is None:
        _write(sys.stdout, rows)
        errors.print(f"exported {what} as CSV to stdout", markup=False)
        return
    with writing("the CSV", out.parent):
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(out) as handle:  # a reader never sees half a file
            _write(handle, rows)
    console.print(f"exported {what}: {out}", markup=False)


def _write(handle: IO[str], rows: Iterable[Mapping[str, object]]) -> None:
    from sim.model.record import RECORD_KEYS

    writer = csv.DictWriter(handle, fieldnames=list(RECORD_KEYS))
    writer.writeheader()
    writer.writerows(rows)
