"""The ``sim`` command line: thin commands over the library (one module per command)."""

from __future__ import annotations

import sys

import typer

from sim.cli import attribute as attribute_command
from sim.cli import bench as bench_command
from sim.cli import compare as compare_command
from sim.cli import export as export_command
from sim.cli import names as names_command
from sim.cli import report as report_command
from sim.cli import run as run_command
from sim.cli import sweep as sweep_command
from sim.cli import trace as trace_command
from sim.cli import validate as validate_command
from sim.cli.common import internal_error

app = typer.Typer(
    name="sim",
    help="Inter-agency information-sharing simulator: how much each friction costs a manhunt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("validate")(validate_command.validate)
app.command("run")(run_command.run)
app.command("compare")(compare_command.compare)
app.command("sweep")(sweep_command.sweep)
app.command("export")(export_command.export)
app.command("trace")(trace_command.trace_command)
app.command("report")(report_command.report)
app.command("attribute")(attribute_command.attribute_command)
app.command("bench")(bench_command.bench)
app.command("names")(names_command.names)


def main() -> None:
    """Entry point of the ``sim`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        print("sim: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as err:  # the one place an unexpected error becomes exit code 1
        internal_error(err)
