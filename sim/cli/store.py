"""``sim store info|check|repair|prune|vacuum``: see, check and tidy a results store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli.common import DEFAULT_STORE, Json, StorePath, bad_input, console, errors

if TYPE_CHECKING:  # imported where used: `sim --help` loads neither the store nor the model
    from sim.experiments import store_admin
    from sim.experiments.store import ResultsStore

store_app = typer.Typer(
    name="store",
    help="See what a results store holds, check every row, and tidy it.",
    no_args_is_help=True,
)

#: Bad rows listed before "... and N more".
SHOWN_ROWS = 20


@contextmanager
def opened(path: Path) -> Iterator[ResultsStore]:
    """The store at ``path`` for reading (it must exist), or exit 2 saying why not."""
    from sim.experiments.store import ResultsStore, StoreError

    if not path.exists() and not path.is_symlink():
        bad_input(f"--store: {path} does not exist; give the store a command wrote (--store PATH)")
    try:
        with ResultsStore(path, read_only=True) as results:
            yield results
    except StoreError as err:
        bad_input(str(err))


@store_app.command("info")
def info_command(store: StorePath = DEFAULT_STORE, as_json: Json = False) -> None:
    """What the store holds: replications by scenario, seed and model revision, and sizes."""
    from sim.experiments import store_admin

    with opened(store) as results:
        found = store_admin.info(results)
    if as_json:
        print(json.dumps(_info_dict(found)))
        return
    console.print(info_table(found))


def _info_dict(found: store_admin.StoreInfo) -> dict[str, object]:
    from sim.experiments import store_admin

    return {
        "store": found.path,
        "layout": found.layout,
        "file_bytes": found.file_bytes,
        "notes": found.notes,
        "model_revision": store_admin.current_revision(),
        "holdings": [
            {
                "scenario": h.scenario,
                "scenario_hash": h.scenario_hash,
                "seed": h.seed,
                "model_revision": h.model_revision,
                "current": h.current,
                "replications": h.replications,
                "first": h.first,
                "last": h.last,
                "record_bytes": h.record_bytes,
            }
            for h in found.holdings
        ],
    }


def info_table(found: store_admin.StoreInfo) -> Table:
    """The table ``sim store info`` prints."""
    from sim.experiments import store_admin

    notes = "; ".join(f"{k} {v}" for k, v in found.notes.items())
    table = Table(
        title=Text(
            f"{found.path}: store layout {found.layout}, {_megabytes(found.file_bytes)}"
            + (f" ({notes})" if notes else "")
        ),
        caption=f"this version reads model revision {store_admin.current_revision()}",
    )
    for name, justify in (
        ("scenario", "left"),
        ("hash", "left"),
        ("seed", "right"),
        ("model revision", "left"),
        ("replications", "right"),
        ("range", "right"),
        ("records", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for h in found.holdings:
        table.add_row(
            Text(h.scenario),
            h.scenario_hash,
            str(h.seed),
            h.model_revision + ("" if h.current else f" ({_age(h.model_revision)})"),
            f"{h.replications:,}",
            f"{h.first}-{h.last}",
            _megabytes(h.record_bytes),
        )
    if not found.holdings:
        table.add_row("(empty)", "", "", "", "0", "", "")
    return table


def _age(revision: str) -> str:
    from sim.experiments import store_admin

    if store_admin.is_older(revision):
        return "older: 'sim store prune' drops it"
    return "not this version's: kept"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1_000_000 else f"{size / 1e3:.0f} kB"


@store_app.command("check")
def check_command(store: StorePath = DEFAULT_STORE) -> None:
    """Check every row against its checksum and the record's schema, and the file itself.

    Exit 0 when everything is sound, 2 when anything is not (each bad row is named).
    """
    from sim.experiments import store_admin

    with opened(store) as results:
        bad = list(store_admin.bad_rows(results))
        damage = store_admin.integrity(results)
    for line in damage[:SHOWN_ROWS]:
        errors.print(f"{store}: SQLite integrity check: {line}", markup=False)
    _list_bad(store, bad)
    if bad or damage:
        errors.print(
            f"{store}: {len(bad)} bad rows"
            + (", and the file is damaged" if damage else "")
            + f"; 'sim store repair --store {store}' deletes the bad rows (the next run computes "
            "them again)" + ("; a damaged file is best moved aside" if damage else ""),
            markup=False,
        )
        raise typer.Exit(2)
    console.print(f"{store}: every row is sound", markup=False)


def _list_bad(store: Path, bad: list[store_admin.BadRow]) -> None:
    for row in bad[:SHOWN_ROWS]:
        errors.print(
            f"{store}: scenario {row.scenario_hash}, seed {row.seed}, model revision "
            f"{row.model_revision}, replication {row.replication}: {row.problem}",
            markup=False,
        )
    if len(bad) > SHOWN_ROWS:
        errors.print(f"{store}: ... and {len(bad) - SHOWN_ROWS} more", markup=False)


@store_app.command("repair")
def repair_command(store: StorePath = DEFAULT_STORE) -> None:
    """Delete the rows that fail their checksum or the record's schema (they are recomputed)."""
    from sim.experiments import store_admin
    from sim.experiments.store import StoreError

    with opened(store) as results:
        bad = list(store_admin.bad_rows(results))
        _list_bad(store, bad)
        try:
            deleted = store_admin.repair(results, bad)
        except StoreError as err:
            bad_input(str(err))
    console.print(
        f"{store}: deleted {deleted} bad rows; the next run of the same command computes them "
        "again",
        markup=False,
    )


@store_app.command("prune")
def prune_command(
    store: StorePath = DEFAULT_STORE,
    revisions: Annotated[
        list[str] | None,
        typer.Option(
            "--revision",
            help="Drop this model revision (repeatable; default: every one older than this "
            "version's).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Drop the replications of old model revisions (this version never reads them)."""
    from sim.experiments import store_admin
    from sim.experiments.store import StoreError

    with opened(store) as results:
        chosen = revisions or store_admin.older_revisions(results)
        this = store_admin.current_revision()
        if this in chosen:
            bad_input(
                f"--revision {this}: that is this version's model revision; its rows are the "
                "results it reads (use a new --store to start afresh)"
            )
        try:
            deleted = store_admin.prune(results, chosen) if chosen else 0
        except StoreError as err:
            bad_input(str(err))
    what = ", ".join(chosen) if chosen else "none older than this version's"
    console.print(
        f"{store}: deleted {deleted:,} replications of model revisions {what}; "
        "'sim store vacuum' gives the space back",
        markup=False,
    )


@store_app.command("vacuum")
def vacuum_command(store: StorePath = DEFAULT_STORE) -> None:
    """Compact the file: give the space of deleted rows back to the disk."""
    from sim.experiments import store_admin
    from sim.experiments.store import StoreError

    with opened(store) as results:
        try:
            before, after = store_admin.vacuum(results)
        except StoreError as err:
            bad_input(str(err))
    console.print(f"{store}: {_megabytes(before)} -> {_megabytes(after)}", markup=False)
