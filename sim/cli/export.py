"""``sim export``: stored replications (or their summaries) as CSV, JSON lines or Parquet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:  # imported where used: `sim --help` loads neither the store nor pandas
    import pandas as pd

    from sim.experiments.store import ResultsStore
    from sim.scenario import Scenario

#: The formats ``sim export`` writes (the library's ``sim.outputs.tables.FORMATS``).
FORMATS = ("csv", "jsonl", "parquet")


def export(
    scenarios: Annotated[
        list[Path], typer.Argument(help="The scenarios whose stored replications to export.")
    ],
    seed: Seed = 0,
    sets: Sets = None,
    store: StorePath = DEFAULT_STORE,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv, jsonl or parquet (default: what --out ends in, else csv).",
            show_default=False,
        ),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="One summary row per scenario, not every replication.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: stdout; Parquet needs a file)."),
    ] = None,
) -> None:
    """Write the stored replications of scenarios and a seed, one row each, or their summaries.

    Every row names its scenario, scenario hash, seed and model revision; a Parquet file also
    carries the provenance in its metadata. Every row is checked (checksum and schema) first:
    nothing the store cannot vouch for is exported.
    """
    from sim.experiments.store import ResultsStore, StoreError
    from sim.outputs.tables import MissingExtraError, format_of, write_table

    loaded = [load_or_exit(path, sets) for path in scenarios]
    kind = format_of(out, fmt)
    if kind not in FORMATS:
        bad_input(f"--format: unknown format {kind!r}; use {', '.join(FORMATS)}")
    if kind == "parquet" and out is None:
        bad_input("--format parquet: Parquet is a binary file; give one with --out FILE.parquet")
    check_file(out)
    if not store.exists():
        bad_input(f"--store: {store} does not exist; run the scenario first (sim run ...)")
    try:
        with ResultsStore(store, read_only=True) as results:
            frame = (_summaries if summary else _records)(results, loaded, seed)
    except StoreError as err:
        bad_input(str(err))
    rows = "scenarios" if summary else "replications"
    names = ", ".join(s.name for s in loaded)
    what = f"{len(frame):,} {rows} of {names} (seed {seed}) from {store}"
    try:
        if out is None:
            write_table(frame, kind, None, sys.stdout)
            errors.print(f"exported {what} as {kind.upper()} to stdout", markup=False)
            return
        with writing(f"the {kind.upper()} file", out.parent):
            out.parent.mkdir(parents=True, exist_ok=True)
            write_table(frame, kind, out)
    except MissingExtraError as err:
        bad_input(f"--format parquet: {err}")
    console.print(f"exported {what}: {out}", markup=False)


def _stored(results: ResultsStore, scenario: Scenario, seed: int) -> int:
    """How many replications of ``scenario`` with ``seed`` the store holds; exit 2 if none."""
    from sim.experiments.store import MODEL_REVISION
    from sim.scenario import scenario_hash

    count = len(results.done(scenario_hash(scenario), seed, 2**62))
    others = results.other_revisions(scenario_hash(scenario), seed)
    for revision, held in others.items():  # said, so that nothing is left out unawares
        errors.print(
            f"{results.path}: {held} replications of {scenario.name} with seed {seed} from model "
            f"revision {revision} are not exported (this version's model is revision "
            f"{MODEL_REVISION})",
            markup=False,
        )
    if not count:
        bad_input(
            f"{results.path}: no stored replications of {scenario.name} with seed {seed} "
            f"(model revision {MODEL_REVISION}); run it first, or see 'sim store info'"
        )
    return count


def _records(results: ResultsStore, scenarios: list[Scenario], seed: int) -> pd.DataFrame:
    """Every stored replication, each row led by its provenance."""
    from sim.experiments.frames import RecordArm, RecordSource
    from sim.experiments.store import MODEL_REVISION
    from sim.scenario import scenario_hash

    for scenario in scenarios:
        _stored(results, scenario, seed)
    arms = tuple(
        RecordArm(
            scenario_hash(s),
            (
                ("scenario", s.name),
                ("scenario_hash", scenario_hash(s)),
                ("seed", seed),
                ("model_revision", MODEL_REVISION),
            ),
        )
        for s in scenarios
    )
    source = RecordSource(results.path, arms, seed, None, live=results)
    return source.frame()


def _summaries(results: ResultsStore, scenarios: list[Scenario], seed: int) -> pd.DataFrame:
    """One summary row per scenario, over its stored replications 0..n-1."""
    from sim.experiments.frames import table
    from sim.experiments.store import MODEL_REVISION
    from sim.experiments.summary import Tally
    from sim.scenario import scenario_hash

    rows = []
    for scenario in scenarios:
        key = scenario_hash(scenario)
        count = _stored(results, scenario, seed)
        if len(results.done(key, seed, count)) != count:
            bad_input(
                f"{results.path}: the {count} stored replications of {scenario.name} with seed "
                f"{seed} are not replications 0-{count - 1}; finish them with "
                f"'sim run SCENARIO --seed {seed} --runs {count}' and export again"
            )
        tally = Tally(scenario.name, key, seed, scenario.horizon / 24)
        for record in results.records(key, seed, below=count):
            tally.add(record)
        rows.append({**tally.summary().row(), "model_revision": MODEL_REVISION})
    hashes = {s.name: scenario_hash(s) for s in scenarios}
    return table(rows, scenario_hashes=hashes, seed=seed, store=results.path)
