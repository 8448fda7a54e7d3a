"""What an adversarial user tried (issue 18's break list), each case through the command line.

Every case here once broke: a message that rewrote the user's words, an ``extends`` that read and
printed any file, a deep chain blamed on the wrong file, look-alike names taken for different
agencies, YAML 1.1 readings of ``true`` and ``1:20``, events that could never happen accepted
without a word, unbounded work started without an estimate. Workers left behind by kill -9 are
tested in ``test_interrupts.py`` and ``test_faults.py``.
"""

from __future__ import annotations

import re

from test_bad_input import minimal, refused, sim, write
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def run(*args: object) -> tuple[int, str, str]:
    """A command in this process: (exit code, stdout, stderr)."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


# --- the user's words are printed as written -------------------------------------------------


def test_names_and_paths_are_printed_as_written_never_as_rich_markup_or_emoji(tmp_path):
    name = "plan:x:v2 [red]not red[/red] :thumbs_up:"
    path = write(tmp_path, "plan:x:v2.yaml", minimal("name: minimal", f'name: "{name}"'))
    code, out, err = run("run", path, "--runs", 5, "--jobs", 1, "--no-plots", "--store", ":memory:")
    assert code == 0, err
    assert out.startswith(f"{name}: 5 runs"), out
    assert "❌" not in out and "👍" not in out
    code, out, _ = run("validate", path)
    assert out.startswith(f"{path}: ok ({name}, hash "), out
    broken = write(tmp_path, "bad:x:.yaml", "name: [\n")
    refused(*sim("validate", broken), "^" + re.escape(f"{broken}:2: YAML syntax error"))
