"""The ``sim`` command line: thin commands over the library (one module per command)."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

try:  # recent typer carries its own copy of click
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on click
    # Distinct classes to the type checker, which reads recent typer; the same role at run time.
    from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[assignment]

from sim.cli import attribute as attribute_command
from sim.cli import bench as bench_command
from sim.cli import calibrate as calibrate_command
from sim.cli import compare as compare_command
from sim.cli import explore as explore_command
from sim.cli import export as export_command
from sim.cli import names as names_command
from sim.cli import report as report_command
from sim.cli import run as run_command
from sim.cli import store as store_command
from sim.cli import sweep as sweep_command
from sim.cli import trace as trace_command
from sim.cli import validate as validate_command
from sim.cli.common import internal_error


class _Commands(TyperGroup):
    """The ``sim`` command group, saying a mistake on the command line in one line.

    Typer draws a usage mistake (``--runs 0``, an unknown option, a missing file argument) as a
    usage line and a boxed panel; like every other mistake (DESIGN.md §4) it is said in one line
    that names the option and what it accepts, with exit code 2.
    """

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command line; print usage mistakes in one line and exit with code 2."""
        kwargs["standalone_mode"] = False  # typer's own standalone handling is replaced here
        if not standalone_mode:
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **kwargs)
        except NoArgsIsHelpError as err:
            err.show()  # "sim" alone: the help page is the answer
            sys.exit(err.exit_code)
        except UsageError as err:
            print(usage_line(err), file=sys.stderr)
            sys.exit(err.exit_code)
        except typer.Abort:
            print("sim: aborted", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def usage_line(err: UsageError) -> str:
    """A usage mistake in one line: the command, what is wrong, where to read more."""
    names = []
    context = err.ctx
    while context is not None and context.parent is not None:
        names.append(context.info_name or "")
        context = context.parent
    command = " ".join(["sim", *reversed(names)])
    message = " ".join(err.format_message().split()).rstrip(".")
    return f"{command}: {message}; see '{command} --help'"


app = typer.Typer(
    name="sim",
    cls=_Commands,
    help="Inter-agency information-sharing simulator: how much each friction costs a manhunt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("validate")(validate_command.validate)
app.command("run")(run_command.run)
app.command("compare")(compare_command.compare)
app.command("sweep")(sweep_command.sweep)
app.command("explore")(explore_command.explore)
app.command("calibrate")(calibrate_command.calibrate)
app.command("export")(export_command.export)
app.command("trace")(trace_command.trace_command)
app.command("report")(report_command.report)
app.command("attribute")(attribute_command.attribute_command)
app.command("bench")(bench_command.bench)
app.command("names")(names_command.names)
app.add_typer(store_command.store_app, name="store")


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
