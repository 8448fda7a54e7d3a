"""Every bad input is refused through the command line: exit code 2, one clear line per problem.

Each class of mistake a user makes (a wrong path, a broken or hostile file, a wrong value, an absurd
size, a bad option) goes through the real command (typer's ``CliRunner`` in this process, and a
few through a ``python -m sim`` subprocess to show the real program ends the same way). For each,
the test checks the exit code (2), that stderr names the file (with line and key where there is
one) or the option, that it says how to fix the mistake, that every line is one problem, and that
no traceback is printed. Limits are checked to refuse quickly and in bounded memory.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import cli as sim_cli
from sim.cli import app
from sim.cli.common import MAX_JOBS, MAX_RUNS, MAX_SEED
from sim.core.units import MAX_DURATION_HOURS
from sim.scenario import ScenarioError, load_scenario, loader, refs
from sim.scenario.limits import (
    COUNTS,
    MAX_BYTES,
    MAX_EXPECTED_COPIES,
    MAX_EXPECTED_MOVES,
    MAX_EXPECTED_TIPS,
    MAX_NODES,
    MAX_PROBLEMS,
)

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "scenarios" / "minimal.yaml"
runner = CliRunner()


def sim(*args: object) -> tuple[int, str]:
    """Run a command in this process: (exit code, stderr)."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stderr


def real_sim(*args: object, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``python -m sim`` from this checkout in a subprocess: (exit code, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=600,  # a hang, however loaded the machine
    )
    return done.returncode, done.stderr


def refused(code: int, stderr: str, *expected: str) -> list[str]:
    """Exit code 2, no traceback, one problem per line, each expected pattern on some line."""
    lines = stderr.strip().splitlines()
    assert code == 2, f"exit code {code}: {stderr}"
    assert "Traceback" not in stderr and "Error:" not in stderr, stderr
    assert lines, "nothing said"
    assert not any(set(line) & set("╭╮│╰╯") for line in lines), f"a boxed panel: {stderr}"
    for pattern in expected:
        assert any(re.search(pattern, line) for line in lines), f"{pattern!r} not in:\n{stderr}"
    return lines


def minimal(old: str = "", new: str = "") -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# --- the file: reading it -------------------------------------------------------------------

BOMB = "\n".join(
    [f"a0: &a0 [{', '.join(['x'] * 9)}]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 8)]
)

UNREADABLE = {
    "empty": ("", r"empty\.yaml: is empty; a scenario is a map with at least name"),
    "only a comment": ("# nothing yet\n", r"comment\.yaml: is empty"),
    "binary": (b"name: x\n\x00\x01\x02", r"binary\.yaml:2: holds binary data .*a scenario is text"),
    "invalid UTF-8": (
        b"name: caf\xe9\n",
        r"invalid-utf-8\.yaml:1: is not valid UTF-8 \(byte 0xe9\); save it as UTF-8",
    ),
    "YAML syntax": (
        "name: x\nzones:\n  Nord: [a, b\n  Sud: c\n",
        r"yaml-syntax\.yaml:4: YAML syntax error at column \d+: .*check the indentation",
    ),
    "a tab for indentation": (
        "name: x\nzones:\n\tNord: {}\n",
        r"tab-for-indentation\.yaml:3: YAML syntax error at column 1: .*spaces, not tabs",
    ),
    "python object tag": (
        '!!python/object/apply:os.system ["touch pwned"]\n',
        r"python-object-tag\.yaml:1: YAML tag !!python/object/apply:os.system is not allowed"
        r".*remove the tag",
    ),
    "custom tag": ("name: !include other.yaml\n", r"custom-tag\.yaml:1: name: YAML tag !include"),
    "alias bomb": (BOMB, r"alias-bomb\.yaml: expands to more than 200,000 values .*alias bomb"),
    "a list at the top": ("- name: x\n- name: y\n", r"list-at-the-top\.yaml:1: the top level must"),
    "a number at the top": ("42\n", r"number-at-the-top\.yaml:1: the top level must be a map"),
    "two documents": (minimal() + "---\nname: b\n", r"two-documents\.yaml:\d+: .*second YAML"),
}


def _file_name(case: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", case.lower().removeprefix("a ")).strip("-") + ".yaml"


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_unreadable_file_is_refused(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the hostile tag must not run (no "pwned" file appears)
    content, pattern = UNREADABLE[case]
    name = "comment.yaml" if case == "only a comment" else _file_name(case)
    write(tmp_path, name, content)
    refused(*sim("validate", name), pattern)
    refused(*sim("run", name, "--runs", 2, "--store", "s.sqlite"), pattern)
    assert not (tmp_path / "pwned").exists()
    assert not (tmp_path / "s.sqlite").exists(), "the store was opened for a bad file"


@pytest.mark.parametrize(
    "command",
    [
        "validate",
        "run",
        "compare",
        "sweep",
        "explore",
        "trace",
        "report",
        "attribute",
        "export",
        "bench",
    ],
)
def test_every_command_refuses_a_missing_file_and_a_folder(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for scenario, pattern in (
        (tmp_path / "nope.yaml", r"nope\.yaml: file not found; check the path and its spelling"),
        (tmp_path, r": is a directory; give a scenario \.yaml file"),
    ):
        args = {
            "compare": [scenario, MINIMAL],
            "explore": [scenario, MINIMAL],
            "sweep": [scenario, "--vary", "horizon=1d,2d"],
            "bench": ["--scenario", scenario, "--skip-10k"],
        }.get(command, [scenario])
        refused(*sim(command, *args), pattern)
    assert list(tmp_path.iterdir()) == [], "a refused command wrote something"


def test_the_real_program_refuses_without_a_traceback(tmp_path):
    write(tmp_path, "tag.yaml", "!!python/object/new:os.system [echo pwned]\n")
    refused(*real_sim("run", "tag.yaml", cwd=tmp_path), r"tag\.yaml:1: YAML tag")
    refused(*real_sim("run", "nope.yaml", cwd=tmp_path), r"nope\.yaml: file not found")
    refused(
        *real_sim("run", MINIMAL, "--runs", 0, cwd=tmp_path),
        r"^sim run: Invalid value for '--runs' / '-n': .*1; see 'sim run --help'$",
    )
    assert not any(tmp_path.glob("reports*")), "a refused command wrote output"


# --- the file: its content ------------------------------------------------------------------

CONTENT = {
    "unknown key": (
        ("staff: 20", "staf: 20"),
        "staf: 20",
        r":{line}: agencies\.Federal\.staf: unknown key 'staf' \(did you mean 'staff'\?\); "
        r"allowed keys: ",
    ),
    "wrong type": (
        ("staff: 20", "staff: many"),
        "staff: many",
        r":{line}: agencies\.Federal\.staff: expected a whole number from 1 to 100000, got 'many'",
    ),
    "a list for a map": (
        ("staff: 20", "staff: [20]"),
        "staff: [20]",
        r":{line}: agencies\.Federal\.staff: expected a whole number .*got a list",
    ),
    "out of range": (
        ("loss: 0.1", "loss: 5"),
        "loss: 5",
        r":{line}: channels\.0\.loss: must be a probability from 0 to 1, got 5",
    ),
    "a negative count": (
        ("raid_teams: 2", "raid_teams: -1"),
        "raid_teams: -1",
        r":{line}: agencies\.Federal\.raid_teams: must be from 0 to 10000, got -1",
    ),
    "a duration without unit": (
        ("raid_prep: 6h", "raid_prep: 6"),
        "raid_prep: 6",
        r":{line}: agencies\.Federal\.raid_prep: a duration needs a unit.*e\.g\. \"90min\"",
    ),
    "dangling reference": (
        ("    to: Federal\n", "    to: Fedral\n"),
        "to: Fedral",
        r":{line}: channels\.0\.to: unknown agency 'Fedral' \(did you mean 'Federal'\?\); known",
    ),
    "a blank name": (
        ("  name: Salah Abdeslam", '  name: "  "'),
        'name: "  "',
        r":{line}: fugitive\.name: must not be blank; give a name",
    ),
    "a control character in a name": (
        ("  name: Salah Abdeslam", '  name: "Salah\\x07"'),
        "Salah\\x07",
        r":{line}: fugitive\.name: contains the control character U\+0007; .*remove it",
    ),
    "a horizon of a billion days": (
        ("horizon: 30d", "horizon: 1000000000d"),
        "horizon:",
        r":{line}: horizon: .*longest duration allowed \(1000000d\); write a shorter one",
    ),
    "a horizon of 30 years": (
        ("horizon: 30d", "horizon: 10950d"),
        "horizon:",
        r":{line}: horizon: must be > 0 and <= 7300d, got '10950d'",
    ),
    "a 400-digit number": (
        ("staff: 20", "staff: 1" + "0" * 400),
        "staff: 1000",
        r":{line}: agencies\.Federal\.staff: must be from 1 to 100000, got 1000+\.\.\.$",
    ),
    "an infinite weight": (
        ("weight: 2}", "weight: .inf}"),
        "weight: .inf",
        r":{line}: fugitive\.safe_houses\.hideout\.weight: expected a number >= 0, got inf",
    ),
    "a million tips a day": (
        ("rate: 1/week", "rate: 1000000/day"),
        "rate: 1000000/day",
        r":{line}: tips\.sightings\.0\.rate: one replication would make about 30,000,000 tips; "
        r"at most 100,000 are allowed \(docs/scenarios\.md §17\): lower the rates",
    ),
    "a dwell of zero": (
        ("dwell: {exponential: {mean: 14d}}", "dwell: 0h"),
        "dwell: 0h",
        r":{line}: fugitive\.dwell: one replication would make endlessly many moves",
    ),
    "a start at the end of time": (
        ('start: "2015-11-13 22:00"', 'start: "9999-12-15 00:00"'),
        "start:",
        r":{line}: start: start 9999-12-15 plus the horizon runs past the end of the year 9999",
    ),
}


@pytest.mark.parametrize("case", list(CONTENT))
def test_a_wrong_value_names_file_line_key_and_fix(case, tmp_path):
    (old, new), needle, pattern = CONTENT[case]
    path = write(tmp_path, "scenario.yaml", minimal(old, new))
    line = line_of(path, needle)
    code, stderr = sim("run", path, "--runs", 2, "--store", tmp_path / "s.sqlite")
    lines = refused(code, stderr, re.escape(str(path)) + pattern.format(line=line))
    assert all(line.startswith(f"{path}:") for line in lines), stderr
    assert not (tmp_path / "s.sqlite").exists()


def test_every_problem_of_a_file_at_once_each_on_its_line(tmp_path):
    text = minimal("staff: 20", "staf: 20").replace("loss: 0.1", "loss: 5")
    path = write(tmp_path, "two.yaml", text)
    lines = refused(*sim("validate", path), r"staf", r"loss")
    assert len(lines) == 2
    assert [int(line.split(":")[1]) for line in lines] == [
        line_of(path, "staf: 20"),
        line_of(path, "loss: 5"),
    ]


@pytest.mark.parametrize(
    ("files", "pattern"),
    [
        (
            {"a.yaml": "extends: b.yaml\nname: a\n", "b.yaml": "extends: a.yaml\nname: b\n"},
            r"b\.yaml:1: extends: circular extends \(a\.yaml -> b\.yaml -> a\.yaml\)",
        ),
        ({"a.yaml": "extends: a.yaml\nname: a\n"}, r"a\.yaml:1: extends: circular extends"),
        (
            {"a.yaml": "name: a\nextends: nope.yaml\n"},
            r"a\.yaml:2: extends: parent scenario 'nope\.yaml' not found \(looked for .*\)",
        ),
        ({"a.yaml": "extends: [x.yaml]\n"}, r"a\.yaml:1: extends: give one scenario file"),
    ],
    ids=["circular", "extends itself", "missing parent", "not a file name"],
)
def test_circular_or_missing_extends(files, pattern, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        write(tmp_path, name, text)
    refused(*sim("validate", "a.yaml"), pattern)


# --- absurd sizes: refused by a documented limit, fast and in bounded memory ------------------


def agencies_file(folder: Path, count: int) -> Path:
    """A generated scenario with ``count`` judges, one line each (about 30 bytes per agency)."""
    head = minimal().split("agencies:\n", 1)[0] + "agencies:\n"
    tail = "  Federal: {kind: federal_police, jurisdiction: all, raid_teams: 1}\n" + (
        "fugitive: {name: X, safe_houses: {flat: {place: Molenbeek}}}\n"
    )
    body = "".join(f"  judge-{i}: {{kind: judge}}\n" for i in range(count))
    return write(folder, f"agencies-{count}.yaml", head + body + tail)


class CountingReads:
    """Wraps the loader's one file read so that a test can count the bytes it reads from files."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from sim.scenario import loader

        self.bytes = 0
        read = loader._read_regular

        def counted(path: Path, most: int) -> bytes | None:
            data = read(path, most)
            self.bytes += len(data or b"")
            return data

        monkeypatch.setattr(loader, "_read_regular", counted)


def test_millions_of_agencies_are_refused_by_the_size_limit(tmp_path, monkeypatch):
    # The work is bounded by what is read and held, not timed: at most one byte past the limit
    # is read, and memory stays within a few times the limit.
    path = agencies_file(tmp_path, 1_000_000)
    assert path.stat().st_size > 20 * MAX_BYTES
    reads = CountingReads(monkeypatch)
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert "is larger than 1 MB; is this a scenario file?" in str(caught.value)
    assert reads.bytes == MAX_BYTES + 1, reads.bytes
    assert peak_mb < 5 * MAX_BYTES / 1e6, peak_mb
    refused(*sim("run", path), r"agencies-1000000\.yaml: is larger than 1 MB")


#: Loads a file in a fresh interpreter and prints (peak resident megabytes, error).
MEASURE = """
import resource, sys
from sim.scenario import ScenarioError, load_scenario
try:
    load_scenario(sys.argv[1])
except ScenarioError as err:
    message = str(err)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{peak_mb:.0f} {message}")
"""


def test_thirty_thousand_agencies_are_refused_by_the_count_limit_before_the_schema(
    tmp_path, monkeypatch
):
    # Under the byte and node limits: the count limit refuses it before the schema (which would
    # validate each of the 30,000 agencies) or the cross-references ever see it.
    path = agencies_file(tmp_path, 30_000)
    assert path.stat().st_size < MAX_BYTES

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the schema or the references were consulted")

    monkeypatch.setattr(loader.Scenario, "model_validate", never)
    monkeypatch.setattr(loader, "check_references", never)
    line = line_of(path, "agencies:")
    expected = (
        f"{path}:{line}: agencies: 30,001 agencies; a scenario may hold at most 500 "
        "(docs/scenarios.md §17): is this file generated by mistake?"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == expected
    # The real program, in a fresh interpreter, says the same in bounded memory.
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    peak_mb, message = done.stdout.split(" ", 1)
    assert message.strip() == expected
    # About 190 MB on the machine of docs/reliability.md.
    assert float(peak_mb) < 500, peak_mb


def test_one_agency_over_the_count_limit(tmp_path):
    refused(
        *sim("validate", agencies_file(tmp_path, 500)),
        r"agencies-500\.yaml:\d+: agencies: 501 agencies; a scenario may hold at most 500",
    )
    assert load_scenario(agencies_file(tmp_path, 499)).name == "minimal"


def test_a_file_with_thousands_of_mistakes_shows_the_first_hundred(tmp_path, monkeypatch):
    channels = "".join(f"  - {{from: ghost-{i}, to: Federal}}\n" for i in range(3_000))
    text = minimal().replace("channels:\n", "channels:\n" + channels, 1)
    path = write(tmp_path, "many.yaml", text)
    # The costly part of a wrong name is the suggestion (a comparison with every known name):
    # the work is bounded by making at most one suggestion per problem shown, not 3,000.
    suggestions = []
    suggest = refs.did_you_mean

    def counted(word: str, options: object) -> str:
        suggestions.append(word)
        return suggest(word, options)

    monkeypatch.setattr(refs, "did_you_mean", counted)
    lines = refused(*sim("validate", path), r"channels\.0\.from: unknown agency 'ghost-0'")
    assert len(suggestions) <= MAX_PROBLEMS + 1, len(suggestions)
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == (
        f"{path}: more than 100 problems: the first 100 are shown; fix them (or the program "
        "that wrote this file) and validate again"
    )


# --- the command line -----------------------------------------------------------------------

USAGE = (
    r"^sim {command}: Invalid value for '{option}'.*: Input should be {what}.*; "
    r"see 'sim {command} --help'$"
)


@pytest.mark.parametrize(
    ("args", "option", "what"),
    [
        (["--runs", 0], "--runs", "greater than or equal to 1"),
        (["--runs", -5], "--runs", "greater than or equal to 1"),
        (["--runs", 20_000_001], "--runs", "less than or equal to 10000000"),
        (["--runs", "many"], "--runs", "a valid integer"),
        (["--seed", -1], "--seed", "greater than or equal to 0"),
        (["--seed", 2**64], "--seed", "less than or equal to 9223372036854775807"),
        (["--jobs", 0], "--jobs", "greater than or equal to 1"),
        (["--precision", 0], "--precision", "greater than or equal to 0.0001"),
        (["--precision", "nan"], "--precision", "less than or equal to 0.5"),
        (["--max-runs", 0], "--max-runs", "greater than or equal to 1"),
    ],
    ids=lambda value: str(value),
)
def test_an_option_out_of_range_is_one_line(args, option, what, tmp_path):
    for command in ("run", "sweep"):
        extra = ["--vary", "horizon=1d,2d"] if command == "sweep" else []
        code, stderr = sim(command, MINIMAL, *extra, *args, "--store", tmp_path / "s.sqlite")
        pattern = USAGE.format(command=command, option=option, what=re.escape(what))
        lines = refused(code, stderr, pattern)
        assert len(lines) == 1
    assert not (tmp_path / "s.sqlite").exists()


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["run"], r"^sim run: Missing argument 'scenario'; see 'sim run --help'$"),
        (["run", MINIMAL, "--frob"], r"^sim run: No such option: --frob.*; see 'sim run --help'"),
        (["rnu"], r"^sim: No such command 'rnu'\. Did you mean 'run'\?; see 'sim --help'$"),
        (["compare", MINIMAL], r"^sim compare: give at least two scenario files"),
        (["trace", MINIMAL, "--replication", -1], r"^sim trace: Invalid value for '--replica"),
    ],
    ids=["missing argument", "unknown option", "unknown command", "compare one", "replication"],
)
def test_a_usage_mistake_is_one_line(args, pattern):
    assert len(refused(*sim(*args), pattern)) == 1


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (
            ["--set", "agencies.Nope.staff=3"],
            r"^--set: agencies\.Nope\.staff: 'agencies' has no key 'Nope'; existing keys: Federal",
        ),
        (["--set", "agencies.Federal.staff"], r"^--set: agencies\.Federal\.staff: no '=' in"),
        (["--set", "agencies..staff=3"], r"^--set: agencies\.\.staff: empty key in path"),
        (["--set", "horizon="], r"^--set: horizon: no value after '='; write null to remove"),
        (["--set", "channels.7.loss=0"], r"^--set: channels\.7\.loss: 'channels' is a list: give"),
        (
            ["--set", "horizon=1000000000d"],
            r"^--set: horizon: '1000000000d' is longer than the longest duration allowed",
        ),
        (["--set", "agencies.Federal.staff=0"], r"^--set: agencies\.Federal\.staff: must be from"),
    ],
    ids=["missing path", "no =", "empty key", "no value", "no item", "a billion days", "range"],
)
def test_a_bad_set_names_the_override(args, pattern, tmp_path):
    store = tmp_path / "s.sqlite"
    for command in ("validate", "run"):
        extra = ["--store", store] if command == "run" else []
        assert len(refused(*sim(command, MINIMAL, *args, *extra), pattern)) == 1
    assert not store.exists()


@pytest.mark.parametrize(
    ("vary", "pattern"),
    [
        ("horizon", r"^--vary: horizon: 'horizon' is not dotted\.path=v1,v2,\.\.\.; e\.g\. --vary"),
        ("horizon=", r"^--vary: horizon: 'horizon=' is not dotted\.path=v1,v2"),
        ("horizon=1d,,2d", r"^--vary: horizon: 'horizon=1d,,2d' is not dotted\.path=v1,v2"),
        ("=1,2", r"^--vary: '=1,2' is not dotted\.path=v1,v2"),
        ("nope.x=1,2", r"^--vary: nope\.x: the top level has no key 'nope'; existing keys:"),
        ("horizon=1d,soon", r"^--vary: horizon: 'soon' is not a duration; write a number"),
        ("agencies.Federal.staf=1,2", r"^--vary: agencies\.Federal\.staf: unknown key 'staf'"),
    ],
    ids=["no =", "no values", "empty value", "no path", "unknown path", "bad value", "bad key"],
)
def test_a_malformed_vary_is_refused(vary, pattern, tmp_path):
    code, stderr = sim("sweep", MINIMAL, "--vary", vary, "--runs", 2, "--store", tmp_path / "s")
    refused(code, stderr, pattern)


def test_executor_mistakes(tmp_path):
    store = tmp_path / "s.sqlite"
    refused(
        *sim("run", MINIMAL, "--executor", "spark", "--store", store),
        r"^--executor: unknown executor 'spark'; use local or dask$",
    )
    refused(
        *sim("run", MINIMAL, "--executor", "dask", "--store", store),
        r"^--address: the dask executor needs a scheduler address, e.g\. tcp://HOST:8786$",
    )


def test_store_mistakes(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    refused(
        *sim("run", MINIMAL, "--runs", 2, "--store", folder),
        rf"^results store {re.escape(str(folder))}: is a folder; give a file in it, e\.g\. "
        r"--store .*results\.sqlite$",
    )
    text = write(tmp_path, "notes.txt", "not a database, just some notes\n" * 100)
    refused(
        *sim("run", MINIMAL, "--runs", 2, "--store", text),
        r"notes\.txt: is not an SQLite file, so not a results store; it was left unchanged; "
        r"choose another file",
    )
    assert text.read_text() == "not a database, just some notes\n" * 100  # untouched
    blocker = write(tmp_path, "blocker", "a file")
    refused(
        *sim("run", MINIMAL, "--runs", 2, "--store", blocker / "s.sqlite"),
        r"^results store .*blocker/s\.sqlite: .*blocker is a file, not a folder; choose another",
    )
    refused(
        *sim("export", MINIMAL, "--store", tmp_path / "none.sqlite"),
        r"^--store: .*none\.sqlite does not exist; run the scenario first",
    )


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "trace", "report", "attribute"])
def test_an_output_folder_that_is_a_file(command, tmp_path):
    blocker = write(tmp_path, "blocker", "a file")
    extra = {
        "compare": [MINIMAL],
        "sweep": ["--vary", "horizon=1d,2d"],
        "trace": [],
    }.get(command, [])
    common = [] if command == "trace" else ["--runs", 2, "--store", tmp_path / "s.sqlite"]
    for out, pattern in (
        (blocker, r"^--out: .*blocker is a file; give a folder \(it is created if missing\)$"),
        (blocker / "sub", r"^--out: .*blocker/sub cannot be made: .*blocker is a file; give a"),
    ):
        refused(*sim(command, MINIMAL, *extra, *common, "--out", out), pattern)
    assert not (tmp_path / "s.sqlite").exists(), "work started before the folder was checked"


def test_an_export_file_that_is_a_folder_or_under_a_file(tmp_path):
    blocker = write(tmp_path, "blocker", "a file")
    for out, pattern in (
        (tmp_path, r"^--out: .* is a folder; give a file name, e\.g\. .*runs\.csv$"),
        (blocker / "x.csv", r"^--out: .*blocker/x\.csv cannot be written: .*blocker is a file"),
    ):
        refused(*sim("export", MINIMAL, "--store", tmp_path / "s.sqlite", "--out", out), pattern)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders (test_faults.py)")
def test_a_read_only_output_folder_is_refused_before_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    refused(
        *sim("run", MINIMAL, "--runs", 2, "--store", tmp_path / "s", "--out", locked / "plots"),
        r"^--out: .*locked/plots: .*locked is read-only; choose a folder you can write in$",
    )


def test_an_internal_error_is_one_line_and_exit_code_1(monkeypatch, capsys):
    def broken() -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(sim_cli, "app", broken)
    with pytest.raises(SystemExit) as stopped:
        sim_cli.main()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "sim: internal error: RuntimeError: something nobody expected (this is a bug; please "
        "report it with the command you ran)"
    ]


def test_every_limit_is_documented():
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8").split("## 17. Limits")[1]
    for limit in COUNTS:
        assert f"| {limit.most:,} |" in text, limit
    for number in (MAX_EXPECTED_TIPS, MAX_EXPECTED_COPIES, MAX_EXPECTED_MOVES, MAX_NODES):
        assert f"{number:,}" in text, number
    assert f"{MAX_DURATION_HOURS / 24:,.0f} days" in text
    assert f"the first {MAX_PROBLEMS}" in text
    assert f"at most {MAX_BYTES // 2**20} MB" in text
    assert f"at most {MAX_RUNS:,}" in text and f"{MAX_SEED:,}" in text
    assert f"at most {MAX_JOBS:,}" in text
