"""What an adversarial user tried (issue 18's break list), each case through the command line.

Every case here once broke: a message that rewrote the user's words, an ``extends`` that read and
printed any file, a deep chain blamed on the wrong file, look-alike names taken for different
agencies, YAML 1.1 readings of ``true`` and ``1:20``, events that could never happen accepted
without a word, unbounded work started without an estimate. Workers left behind by kill -9 are
tested in ``test_interrupts.py`` and ``test_faults.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from test_bad_input import MINIMAL, minimal, real_sim, refused, sim, write
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.preflight import Announcer, WorkRefused
from sim.experiments import preflight
from sim.experiments.capacity import capacity
from sim.scenario import load_scenario

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


# --- the work a command starts: announced, refused above the ceiling, --jobs capped -----------

#: False tips at 3,000 a day to an agency that passes each on: about 3-4 CPU-seconds a replication.
HEAVY = ["--set", "tips.noise=[{rate: 3000/day, reporters: {Federal: 1}}]"]


def test_a_run_expected_to_take_hours_is_refused_unless_confirmed(tmp_path):
    store = tmp_path / "s.sqlite"
    code, out, err = run(
        "run", MINIMAL, *HEAVY, "--runs", 20_000, "--jobs", 1, "--no-plots", "--store", store
    )
    lines = refused(
        code,
        err,
        r"^sim: 20,000 replications to run, about [\d.,]+ (hours|days) on 1 worker, more than "
        r"the 1-hour ceiling .*: add --yes to start it anyway",
    )
    assert len(lines) == 1 and out == ""
    assert stored(store) == 0


def test_yes_starts_a_run_above_the_ceiling_and_long_runs_are_announced(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "CEILING_HOURS", 1e-9)  # every run is "too long"
    monkeypatch.setattr(preflight, "SHOWN_FROM_SECONDS", 0.0)  # and announced
    args = ["run", MINIMAL, "--runs", 30, "--jobs", 1, "--no-plots", "--json", "--store"]
    refused(*sim(*args, tmp_path / "a.sqlite"), r"more than the 1e-09-hour ceiling")
    code, out, err = run(*args, tmp_path / "b.sqlite", "--yes")
    assert code == 0, err
    assert re.fullmatch(
        r"sim: 30 replications to run, about \d+ seconds? on 1 worker "
        r"\(an estimate\)\n(results: .*\(30 replications computed and saved, 0 reused\)\n)?",
        err,
    ), err
    assert json.loads(out)["runs"] == 30
    code, _, err = run(*args, tmp_path / "c.sqlite", "--yes", "--quiet")
    assert code == 0 and err == "", err


def test_a_precision_run_says_how_many_more_it_needs_and_stops_at_the_ceiling():
    announcer = Announcer(quiet=True, confirmed=False, say=None)  # type: ignore[arg-type]
    scenario = load_scenario(MINIMAL, HEAVY[1:])
    announcer([(scenario, 10)], 1)  # the first step, a few seconds: allowed
    with pytest.raises(WorkRefused, match=r"20,000 more replications .*what is finished is saved"):
        announcer([(scenario, 20_000)], 1)


def test_jobs_beyond_the_machine_are_capped_with_a_note(tmp_path):
    most = capacity().jobs
    code, out, err = run(
        "run", MINIMAL, "--runs", 10, "--jobs", 1000, "--no-plots", "--json", "--store", ":memory:"
    )
    assert code == 0, err
    assert err.splitlines()[0] == (
        f"sim: --jobs 1000: this machine holds {most} at a time ({capacity().reason}); using {most}"
    )
    assert err.splitlines()[1:] == [
        "results: :memory: (10 replications computed and saved, 0 reused)"
    ]
    assert json.loads(out)["runs"] == 10


def test_ten_million_runs_allocate_nothing_per_run_before_they_start(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "CEILING_HOURS", 1e-9)  # refused as work starts
    tracemalloc.start()
    try:
        code, _, err = run(
            "run",
            MINIMAL,
            "--runs",
            10_000_000,
            "--jobs",
            1,
            "--no-plots",
            "--store",
            tmp_path / "s.sqlite",
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    refused(code, err, r"^sim: 10,000,000 replications to run")
    assert peak < 30 * 2**20, f"{peak / 2**20:.0f} MB traced before any replication ran"


def stored(store: Path) -> int:
    if not store.exists():
        return 0
    with contextlib.closing(sqlite3.connect(store)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        return (
            db.execute("SELECT COUNT(*) FROM records").fetchone()[0] if "records" in tables else 0
        )


# --- extends: only scenario files from trusted folders, never quoted -------------------------


def variant_of(folder: Path, parent: str) -> Path:
    return write(folder, "variant.yaml", f"extends: {parent}\nname: variant\n")


def test_extends_of_a_system_file_is_refused_without_reading_it(tmp_path):
    path = variant_of(tmp_path, "/etc/passwd")
    lines = refused(
        *sim("validate", path),
        rf"^{re.escape(str(path))}:1: extends: .* is not a "
        r"\.yaml or \.yml file",
    )
    assert ":0:0:" not in "".join(lines)  # nothing of the file is quoted


def test_extends_outside_the_scenario_tree_is_refused_unless_its_folder_is_trusted(
    tmp_path, monkeypatch
):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    write(outside, "secret.yaml", "password: hunter2\n")
    inside = tmp_path / "mine"
    inside.mkdir()
    path = variant_of(inside, "../elsewhere/secret.yaml")
    lines = refused(
        *sim("validate", path),
        r"extends: parent scenario '\.\./elsewhere/secret\.yaml' is outside this scenario's "
        r"folder .*SIM_SCENARIO_PATH",
    )
    assert "hunter2" not in "".join(lines) and "password" not in "".join(lines)
    (inside / "link.yaml").symlink_to(outside / "secret.yaml")  # a way out through a link
    refused(*sim("validate", variant_of(inside, "link.yaml")), r"'link\.yaml' is outside")
    monkeypatch.setenv("SIM_SCENARIO_PATH", str(outside))  # the user trusts that folder
    refused(
        *sim("validate", variant_of(inside, "../elsewhere/secret.yaml")),
        r"secret\.yaml:1: password: unknown key 'password'",
    )


def test_extends_of_a_pipe_or_a_device_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would wait for a writer forever
    path = variant_of(tmp_path, "pipe.yaml")
    refused(
        *real_sim("validate", path, cwd=tmp_path),
        r"extends: parent scenario 'pipe\.yaml' is a device or a named pipe",
    )
    refused(
        *real_sim("validate", tmp_path / "pipe.yaml", cwd=tmp_path),
        r"pipe\.yaml: is a device or a named pipe, not a regular file",
    )
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    env = {"SIM_SCENARIO_PATH": "/dev"}
    refused(
        *real_sim("validate", variant_of(tmp_path, "zero.yaml"), cwd=tmp_path, env=env),
        r"'zero\.yaml' is a device or a named pipe",
    )


def test_a_parent_that_is_not_a_map_is_refused_without_quoting_it(tmp_path):
    write(tmp_path, "notes.yaml", "the launch codes are 0000\n")
    lines = refused(
        *sim("validate", variant_of(tmp_path, "notes.yaml")),
        r"notes\.yaml:1: the top level must be a map .*not a single text",
    )
    assert "launch" not in "".join(lines)


def test_a_thousand_deep_chain_of_extends_is_blamed_on_the_chain(tmp_path):
    write(tmp_path, "f0.yaml", minimal())
    for i in range(1, 1001):
        write(tmp_path, f"f{i}.yaml", f"extends: f{i - 1}.yaml\nname: n{i}\n")
    lines = refused(
        *sim("validate", tmp_path / "f1000.yaml"),
        r"^.*f981\.yaml:1: extends: the chain of extends is longer than 20 files \(f1000\.yaml "
        r"-> f999\.yaml -> f981\.yaml -> f980\.yaml -> \.\.\.; it starts at .*f1000\.yaml\)",
    )
    assert len(lines) == 1


# --- names that look alike, and values old YAML would have read otherwise --------------------

JE = "\u0408"  # CYRILLIC CAPITAL LETTER JE, drawn like J


def test_two_agencies_that_look_alike_are_refused(tmp_path):
    text = minimal(
        "  Judge:\n    kind: judge\n", f"  Judge:\n    kind: judge\n  {JE}udge:\n    kind: judge\n"
    )
    path = write(tmp_path, "twins.yaml", text)
    refused(
        *sim("validate", path),
        rf":\d+: agencies\.{JE}udge: '{JE}udge' looks like 'Judge' but is written with other "
        r"characters \(U\+0408 CYRILLIC CAPITAL LETTER JE\): they would be two different agencies",
    )


def test_a_reference_with_a_homoglyph_says_which_letter_differs(tmp_path):
    path = write(tmp_path, "ref.yaml", minimal("judge: Judge", f"judge: {JE}udge"))
    refused(*sim("validate", path), rf"unknown agency '{JE}udge' \(did you mean 'Judge'\? .*JE\)")


def test_composed_and_decomposed_accents_are_one_name(tmp_path):
    composed, decomposed = "Li\u00e8ge", "Lie\u0300ge"
    both = minimal("  Judge:\n    kind: judge\n", f"  {composed}:\n    kind: judge\n")
    nfc = write(tmp_path, "nfc.yaml", both.replace("judge: Judge", f"judge: {composed}"))
    nfd = write(tmp_path, "nfd.yaml", both.replace("judge: Judge", f"judge: {decomposed}"))
    assert hash_of(nfc) == hash_of(nfd)  # one agency, one scenario
    twice = minimal(
        "  Judge:\n    kind: judge\n",
        f"  Judge:\n    kind: judge\n  {composed}: {{kind: judge}}\n"
        f"  {decomposed}: {{kind: judge}}\n",
    )
    refused(
        *sim("validate", write(tmp_path, "twice.yaml", twice)),
        rf"key '{composed}' is written twice in this map .*accents encoded otherwise",
    )


def test_an_invisible_character_in_a_name_is_refused(tmp_path):
    path = write(
        tmp_path,
        "zw.yaml",
        minimal("  Judge:\n", "  Jud\u200bge:\n").replace("judge: Judge", "judge: Jud\u200bge"),
    )
    refused(
        *sim("validate", path),
        r"agencies\.Jud.ge: contains the invisible character U\+200B ZERO WIDTH SPACE",
    )


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ("staff: 20", "staff: true", r"staff: expected a whole number .*got true \(a yes/no value"),
        (
            "staff: 20",
            "staff: 1:20",
            r"staff: expected a whole number .*got '1:20' \(old YAML would read it in base 60\)",
        ),
        ("loss: 0.1", "loss: yes", r"loss: expected a number .*got 'yes'"),
        (
            "    zone: Nord\n",
            "    zone: Nord\n    normalise: on\n",
            r"normalise: expected true or false \(not yes/no, on/off or 1/0\), got 'on'",
        ),
    ],
    ids=["true for a count", "sexagesimal", "yes for a probability", "on for a yes/no"],
)
def test_old_yaml_readings_are_refused_where_a_number_or_yes_no_is_expected(
    old, new, pattern, tmp_path
):
    path = write(tmp_path, "old.yaml", minimal(old, new))
    refused(*sim("run", path, "--runs", 2, "--store", tmp_path / "s.sqlite"), pattern)


def test_unquoted_times_and_names_keep_their_meaning(tmp_path):
    text = minimal('    from: "21:00"\n    until: "05:00"', "    from: 21:00\n    until: 05:00")
    text = text.replace("  name: Salah Abdeslam", "  name: 'no'\n  aliases: [no]")
    quoted = write(
        tmp_path,
        "quoted.yaml",
        minimal().replace("  name: Salah Abdeslam", "  name: 'no'\n  aliases: ['no']"),
    )
    plain = write(tmp_path, "plain.yaml", text)
    assert hash_of(quoted) == hash_of(plain)


def test_what_can_never_take_effect_is_warned_about_and_the_run_goes_on(tmp_path):
    late = minimal('  - at: "2015-11-15 10:00"', '  - at: "2016-02-01 10:00"')
    path = write(
        tmp_path,
        "late.yaml",
        late.replace("flag: {name: Salah Abdeslam", "flag: {name: Salah Abdeslаm"),
    )
    code, out, err = run(
        "run", path, "--runs", 5, "--jobs", 1, "--json", "--no-plots", "--store", ":memory:"
    )
    assert code == 0, err
    lines = [line for line in err.splitlines() if not line.startswith("results: ")]
    assert len(lines) == 2, err
    assert re.match(
        rf"{re.escape(str(path))}:\d+: events\.0\.at: warning: 2016-02-01 10:00 is too late: "
        r"the chase ends at 2015-12-13 22:00",
        lines[0],
    ), lines
    assert re.match(
        r".*:\d+: events\.0\.flag\.name: warning: 'Salah Abdeslаm' looks like 'Salah Abdeslam' "
        r".*U\+0430 CYRILLIC SMALL LETTER A",
        lines[1],
    ), lines
    assert json.loads(out)["runs"] == 5


def hash_of(path: Path) -> str:
    """The content hash ``sim validate`` reports for a valid file."""
    code, out, err = run("validate", path)
    assert code == 0, err
    return re.search(r"hash ([0-9a-f]{16})\)", out).group(1)


def test_the_new_limits_and_prices_are_documented():
    from sim.experiments import capacity as capacity_module
    from sim.experiments.executors import NO_WORKER_PATIENCE
    from sim.scenario.limits import MAX_EXTENDS

    docs = Path(__file__).resolve().parents[1] / "docs"
    limits = (docs / "scenarios.md").read_text(encoding="utf-8").split("## 17. Limits")[1]
    assert f"| files in one chain of `extends` | at most {MAX_EXTENDS} " in limits
    assert f"{capacity_module.WORKER_BYTES // 2**20} MB a worker" in limits
    experiments = (docs / "experiments.md").read_text(encoding="utf-8")
    assert f"more than **{preflight.CEILING_HOURS:g} hour**" in experiments
    assert f"{preflight.SHOWN_FROM_SECONDS:g} seconds or more" in experiments
    assert f"waiting up to {NO_WORKER_PATIENCE:.0f} s" in experiments
    prices = [
        ("replication", preflight.SECONDS_PER_REPLICATION * 1e3, "ms"),
        ("tip created", preflight.SECONDS_PER_TIP * 1e6, "µs"),
        ("(office hours, queue, triage)", preflight.SECONDS_PER_TRIAGE * 1e6, "µs"),
        ("copy passed on (channel or alert)", preflight.SECONDS_PER_COPY * 1e6, "µs"),
        ("move of the fugitive", preflight.SECONDS_PER_MOVE * 1e6, "µs"),
    ]
    for what, price, unit in prices:
        assert re.search(rf"{re.escape(what)} \| {price:g} {unit} \|", experiments), what


def test_a_number_with_an_exponent_is_a_number_as_in_yaml_1_2(tmp_path):
    plain = write(tmp_path, "exp.yaml", minimal("loss: 0.1", "loss: 1e-1"))
    assert hash_of(plain) == hash_of(MINIMAL)
    quoted = write(tmp_path, "quoted.yaml", minimal("loss: 0.1", 'loss: "0.1"'))
    refused(*sim("validate", quoted), r"loss: expected a number .*got '0\.1' \(written as text\)")
