"""The README's examples run: every `sim` command and the Python snippet, on a few replications.

Each command is the README's own, run in a scratch folder that sees the repository's scenarios,
with the replications cut (``--runs 3``, a small ``--max-runs``, two sampled orders for the
attribution, a small name population, no plots but the report's) so that the whole README costs
seconds; what the commands print is checked where the README quotes it.
"""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Commands not run here, and why.
NOT_RUN = {
    "bench": "it measures the machine for a minute; tests/test_bench.py runs it at tiny sizes",
}

#: Options that set how much work a command does, and the value they get here.
SHRUNK = {"--runs": "3", "--max-runs": "12", "--population": "200"}


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def commands() -> list[list[str]]:
    """Every ``sim ...`` command of the README's shell blocks, as argument lists."""
    found = []
    for block in blocks("sh"):
        for line in block.splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words[:1] == ["sim"]:
                    found.append(words[1:])
    return found


def shrink(args: list[str]) -> list[str]:
    out = list(args)
    for option, value in SHRUNK.items():
        if option in out:
            out[out.index(option) + 1] = value
    if out[0] in ("run", "compare", "sweep", "attribute", "report") and "--runs" not in out:
        out += ["--runs", "3"]
    if out[0] == "attribute":
        out += ["--orders", "2"]
    if out[0] in ("run", "compare", "sweep", "attribute", "report"):
        out += ["--jobs", "1", "--quiet"]
    if out[0] in ("run", "compare", "sweep", "attribute"):
        out += ["--no-plots"]  # drawn by the report here, and by tests/test_cli_outputs.py
    if out[0] == "calibrate":  # a few points, draws and runs: the command, not its numbers
        out[out.index("--points") + 1] = "4"
        out += ["--draws", "2", "--check-runs", "2", "--nominal-runs", "3", "--jobs", "1"]
        out += ["--quiet", "--no-plots"]
    if out[0] == "names" and "--population" not in out:
        out += ["--population", SHRUNK["--population"]]
    expanded = []
    for word in out:  # the shell would expand the globs
        expanded += sorted(glob.glob(word)) if "*" in word else [word]
    return expanded


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that sees the repository's scenarios; outputs and the store land in it."""
    folder = tmp_path_factory.mktemp("readme")
    for name in ("scenarios", "tests"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def test_the_readme_has_commands_and_the_test_command_is_pytest() -> None:
    found = commands()
    assert len(found) >= 12 and {args[0] for args in found} >= {"run", "compare", "report"}
    assert any("pip install -e '.[test]' && pytest" in block for block in blocks("sh"))


def test_every_command_of_the_readme_runs(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(scratch)
    runner = CliRunner()
    ran = []
    for args in commands():
        if args[0] in NOT_RUN:
            continue
        shrunk = shrink(args)
        result = runner.invoke(app, shrunk)
        assert result.exit_code == 0, f"sim {shlex.join(shrunk)}: {result.output}"
        ran.append((args, result))
    assert {args[0] for args, _ in ran} >= {"validate", "run", "trace", "export", "report"}
    # The story line the README quotes is what its trace command tells.
    (traced,) = [r for args, r in ran if args[0] == "trace"]
    quoted = re.search(r"tells, among the rest:\n\n```text\n(.+)\n```", README)
    assert quoted, "the README quotes no story line"
    story = Path(re.search(r"story: (\S+)", traced.output).group(1)).read_text(encoding="utf-8")
    assert quoted.group(1) in story.splitlines(), (
        "the README's story line is stale; its trace command now tells, for instance:\n"
        + "\n".join(line for line in story.splitlines() if "true tip" in line)
    )


def test_the_python_snippet_runs(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(scratch)
    (snippet,) = blocks("python")
    code = re.sub(r"runs=\d+", "runs=3", snippet)
    code = code.replace("runs=3, seed=1).to_frame()", "runs=3, seed=1, orders=2).to_frame()")
    assert "orders=2" in code, "the attribution call changed: adapt this test"
    exec(compile(code, "README.md (python)", "exec"), {"__name__": "readme"})
