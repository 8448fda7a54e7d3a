"""``sim trace``: one replication's ledger, timeline and story, written to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import folders
from sim.cli.common import (
    ScenarioPath,
    Seed,
    Sets,
    bad_input,
    check_folder,
    console,
    load_or_exit,
    writing,
)


def trace_command(
    scenario: ScenarioPath,
    seed: Seed = 0,
    replication: Annotated[
        int, typer.Option("--replication", "-r", help="The replication to trace.", min=0)
    ] = 0,
    sets: Sets = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder (default: reports/<scenario>/trace-s<seed>-r<replication>/).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Ledger format: csv or jsonl.")] = "csv",
    days: Annotated[
        str | None,
        typer.Option(
            "--days",
            help="Show only these days on the timeline, as the story counts them (e.g. 0-10).",
        ),
    ] = None,
    office_hours: Annotated[
        str | None,
        typer.Option("--office-hours", help="Shade this agency's office hours on the timeline."),
    ] = None,
    show: Annotated[bool, typer.Option("--print", help="Also print the story.")] = False,
) -> None:
    """Tell one replication's story: its ledger (every tip's path), a timeline and the story."""
    from sim.outputs.story import tell
    from sim.outputs.trace import disagreements, trace
    from sim.outputs.trace_files import parse_days, write_trace

    if fmt not in ("csv", "jsonl"):
        bad_input(f"--format: unknown ledger format {fmt!r}; use csv or jsonl")
    window = None
    if days is not None:
        try:
            window = parse_days(days)
        except ValueError as err:
            bad_input(f"--days: {err}")
    loaded = load_or_exit(scenario, sets)
    if office_hours is not None and office_hours not in loaded.agencies:
        bad_input(
            f"--office-hours: no agency {office_hours!r} in {loaded.name}; "
            f"choose one of: {', '.join(loaded.agencies)}"
        )
    name = folders.label(scenario, loaded, sets)
    folder = out or folders.folder(name) / f"trace-s{seed}-r{replication}"
    check_folder(folder)
    traced = trace(loaded, seed, replication)
    wrong = disagreements(traced)
    if wrong:  # the ledger and the counters come from the same run: a mismatch is a bug
        raise RuntimeError("the ledger disagrees with the record: " + "; ".join(wrong))
    try:
        with writing("the trace", folder):
            files = write_trace(traced, folder, fmt, window, office_hours)
    except ValueError as err:
        bad_input(f"--days: {err}")
    story = tell(traced)
    if show:
        console.print("\n".join(story), markup=False)
    else:
        console.print(story[0], markup=False)
    console.print(
        f"ledger: {files.ledger}\ntimeline: {files.timeline_png} (and .svg)\nstory: {files.story}",
        markup=False,
    )
