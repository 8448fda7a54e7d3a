"""Loading scenario files: safe YAML, line numbers, extends, --set overrides and messages."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from sim.core.distributions import Exponential, Fixed, LogNormal
from sim.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    load_document,
    load_scenario,
    scenario_hash,
)
from sim.scenario import loader as loader_module
from sim.scenario.errors import did_you_mean, listing

HERE = Path(__file__).parent
MINIMAL = HERE / "scenarios" / "minimal.yaml"
BUNDLED = sorted((HERE.parent / "scenarios").glob("*.yaml"))


# --- helpers --------------------------------------------------------------------------------


def minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """Replace a snippet that must occur exactly once (so a changed fixture fails loudly)."""
    assert text.count(old) == 1, f"snippet {old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line of the only line containing ``needle`` (which may end with a newline)."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line + "\n"]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def write(directory: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, overrides: tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, overrides)
    return caught.value.problems


# --- a valid scenario -----------------------------------------------------------------------


def test_minimal_scenario_loads_with_units_parsed():
    scenario = load_scenario(MINIMAL)
    assert isinstance(scenario, Scenario)
    assert scenario.horizon == 30 * 24
    assert scenario.agencies["Police-Nord"].staff == 4
    assert scenario.agencies["Federal"].jurisdiction == "all"
    assert scenario.agencies["Police-Nord"].triage_time == LogNormal(4.0, 48.0)
    assert scenario.channels[0].from_ == "Police-Ouest"
    assert scenario.channels[0].delay == Exponential(48.0)
    assert scenario.channels[1].delay == Fixed(24.0)
    assert scenario.tips.sightings[0].rate == pytest.approx(1 / 168)
    assert scenario.raids.night_rule is not None
    assert (scenario.raids.night_rule.ban_from, scenario.raids.night_rule.ban_until) == (21, 5)


def test_load_scenario_accepts_a_string_path():
    assert load_scenario(str(MINIMAL)).name == "minimal"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_scenarios_load(path):
    assert load_scenario(path).name


def test_line_map_records_every_key_and_list_item():
    text = minimal_text()
    doc, lines = load_document(MINIMAL)
    assert doc["agencies"]["Federal"]["raid_teams"] == 2
    assert lines[("agencies", "Federal", "raid_teams")] == (str(MINIMAL), line_of(text, "raid_te"))
    assert lines[("channels", 1)] == (str(MINIMAL), line_of(text, "- from: Federal"))
    assert lines[("channels", 1, "to")] == (str(MINIMAL), line_of(text, "to: Police-Ouest"))
    assert lines[("zones", "Ouest", "communes", 1)][1] == line_of(text, "[Molenbeek, Jette]")
    assert lines[()] == (str(MINIMAL), line_of(text, "name: minimal"))


def test_anchors_and_merge_keys_work_and_point_at_the_anchor(tmp_path):
    text = edit(minimal_text(), "  Police-Nord:\n", "  Police-Nord: &local\n")
    text = edit(
        text,
        "  Police-Ouest:\n    kind: local_police\n",
        "  Police-Ouest:\n    <<: *local\n",
    )
    path = write(tmp_path, text)
    scenario = load_scenario(path)
    ouest = scenario.agencies["Police-Ouest"]
    assert ouest.kind == "local_police"  # taken from the anchor
    assert ouest.hours is not None  # taken from the anchor
    assert (ouest.zone, ouest.staff) == ("Ouest", 2)  # written keys win over merged ones
    _, lines = load_document(path)
    assert lines[("agencies", "Police-Ouest", "hours")][1] == line_of(text, "hours: office")
    assert lines[("agencies", "Police-Ouest", "zone")][1] == line_of(text, "zone: Ouest")


def test_keys_are_read_as_written_not_as_yaml_booleans(tmp_path):
    path = write(tmp_path, "on: 1\nno: 2\n2015: 3\nnull: 4\n")
    doc, _ = load_document(path)
    assert doc == {"on": 1, "no": 2, "2015": 3, "null": 4}


# --- schema problems: one per case, at the right file, line and key path --------------------

# (snippet, replacement, text on the expected line, key path, message pattern)
SCHEMA_CASES = [
    (
        "    staff: 4\n",
        "    staf: 4\n",
        "staf: 4",
        "agencies.Police-Nord.staf",
        r"unknown key 'staf' \(did you mean 'staff'\?\); allowed keys: sources, kind, zone, ",
    ),
    (
        "staff: 4",
        "staff: three",
        "staff: three",
        "agencies.Police-Nord.staff",
        r"expected a whole number from 1 to 100000, got 'three'$",
    ),
    (
        "staff: 2\n",
        "staff: 0\n",
        "staff: 0",
        "agencies.Police-Ouest.staff",
        r"must be from 1 to 100000, got 0$",
    ),
    (
        "staff: 2\n",
        "staff: 2.5\n",
        "staff: 2.5",
        "agencies.Police-Ouest.staff",
        r"expected a whole number from 1 to 100000, got 2\.5$",
    ),
    (
        "raid_teams: 2",
        "raid_teams: -1",
        "raid_teams",
        "agencies.Federal.raid_teams",
        r"must be from 0 to 10000, got -1$",
    ),
    (
        "loss: 0.1",
        "loss: 1.5",
        "loss",
        "channels.0.loss",
        r"must be a probability from 0 to 1, got 1\.5$",
    ),
    (
        "loss: 0.1",
        "loss: high",
        "loss",
        "channels.0.loss",
        r"expected a number from 0 to 1, got 'high'$",
    ),
    (
        "accuracy: 0.8",
        "accuracy: -0.1",
        "accuracy",
        "tips.sightings.0.accuracy",
        r"must be a probability from 0 to 1, got -0\.1$",
    ),
    (
        "kind: judge",
        "kind: juge",
        "kind: juge",
        "agencies.Judge.kind",
        r"'juge' is not allowed \(did you mean 'judge'\?\); use one of: local_police, ",
    ),
    (
        "{BNG: feed}",
        "{BNG: write}",
        "{BNG: write}",
        "agencies.Police-Ouest.databases.BNG",
        r"'write' is not allowed; use one of: read, feed, read_feed, hit$",
    ),
    (
        "    hours: office\n",
        "    hours: office\n    languages: [fr, xx]\n",
        "languages",
        "agencies.Police-Nord.languages.1",
        r"'xx' is not allowed; use one of: fr, nl, ",
    ),
    (
        "    hours: office\n",
        "    hours: office\n    languages: []\n",
        "languages",
        "agencies.Police-Nord.languages",
        r"needs at least 1 entry, got none; add more$",
    ),
    (
        "jurisdiction: all",
        "jurisdiction: Nord",
        "jurisdiction",
        "agencies.Federal.jurisdiction",
        r"expected a list \[a, b, \.\.\.\] or 'all', got 'Nord'; for a single name write \[Nord\]",
    ),
    (
        "jurisdiction: all",
        "jurisdiction: [Nord, 5]",
        "jurisdiction",
        "agencies.Federal.jurisdiction.1",
        r"expected a text, got 5; put it in quotes if it is a name$",
    ),
    (
        "hours: office",
        "hours: sometimes",
        "hours",
        "agencies.Police-Nord.hours",
        r"expected \"24/7\", \"office\" or a map of days, opens and closes, got 'sometimes'$",
    ),
    (
        "hours: office",
        "hours: {days: [mon, funday]}",
        "hours",
        "agencies.Police-Nord.hours",
        r"unknown day 'funday'; use mon, tue",
    ),
    (
        "delay: 1d",
        "delay: 1x",
        "delay: 1x",
        "channels.1.delay",
        r"unknown time unit 'x' in '1x'; use one of d, day",
    ),
    (
        "{exponential: {mean: 14d}}",
        "{exponential: {mean: 14d, sd: 2d}}",
        "dwell",
        "fugitive.dwell",
        r"exponential has no parameter 'sd'; it takes mean$",
    ),
    ("horizon: 30d", "horizon: 0", "horizon", "horizon", r"must be > 0 and <= 7300d, got 0$"),
    (
        "horizon: 30d",
        "horizon: 30",
        "horizon",
        "horizon",
        r"a duration needs a unit: 30 is ambiguous; write a number and a unit",
    ),
    (
        'start: "2015-11-13 22:00"',
        "start: yesterday",
        "start: yesterday",
        "start",
        r"'yesterday' is not a date-time; write it as \"YYYY-MM-DD HH:MM\"",
    ),
    (
        "rate: 1/week",
        "rate: often",
        "rate",
        "tips.sightings.0.rate",
        r"'often' is not a rate; write events per unit of time",
    ),
    (
        'from: "21:00"',
        'from: "25:00"',
        '"25:00"',
        "raids.night_rule.from",
        r"'25:00' is not a time of day between 00:00 and 24:00$",
    ),
    (
        "  - from: Federal\n    to: Police-Ouest\n",
        "  - to: Police-Ouest\n",
        "- to: Police-Ouest",
        "channels.1.from",  # the YAML key, not the Python field name from_
        r"missing required key 'from' \(a text\)$",
    ),
    (
        'until: "05:00"',
        "until: 5am",
        "until: 5am",
        "raids.night_rule.until",
        r"'5am' is not a time of day; write it as \"HH:MM\"",
    ),
    (
        "      accuracy: 0.8\n",
        "      accuracy: 0.8\n      from: last week\n",
        "from: last week",
        "tips.sightings.0.from",
        r"'last week' is not a date-time",
    ),
    (
        "weight: 2",
        "weight: heavy",
        "weight",
        "fugitive.safe_houses.hideout.weight",
        r"expected a number >= 0, got 'heavy'$",
    ),
    (
        "sources: docs/sources.md §2",
        "sources: 5",
        "sources: 5",
        "databases.BNG.sources",
        r"expected a text or a list \[a, b, \.\.\.\], got 5$",
    ),
    ("name: minimal", 'name: ""', 'name: ""', "name", r"must not be empty$"),
    (
        "  Judge:\n    kind: judge\n",
        "  Judge:\n    staff: 1\n",
        "  Judge:",
        "agencies.Judge.kind",
        r"missing required key 'kind'; one of: local_police, federal_police, ",
    ),
    (
        "flag: {name: Salah Abdeslam, database: BNG}",
        "flag: {name: Salah Abdeslam, database: BNG, agency: Federal}",
        "flag:",
        "events.0.flag",
        r"give exactly one of database or agency$",
    ),
    (
        '  - at: "2015-11-15 10:00"\n',
        '  - at: "2015-11-15 10:00"\n    tip: {to: Federal, current: true}\n',
        '- at: "2015-11-15',
        "events.0",
        r"an event needs exactly one of flag, link, resolve, tip or stop$",
    ),
    (
        "raids:\n",
        "seed: 3\nraids:\n",
        "seed: 3",
        "seed",
        r"unknown key 'seed'; allowed keys: sources, name, description, start, horizon, ",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "on_line", "key_path", "message"),
    SCHEMA_CASES,
    ids=[case[3] + ":" + case[1].strip()[:24] for case in SCHEMA_CASES],
)
def test_schema_problem_names_file_line_path_and_fix(
    tmp_path, old, new, on_line, key_path, message
):
    text = edit(minimal_text(), old, new)
    path = write(tmp_path, text)
    line = line_of(text, on_line)
    prefix = re.escape(f"{path}:{line}: {key_path}: ")
    with pytest.raises(ScenarioError, match=prefix + message) as caught:
        load_scenario(path)
    assert len(caught.value.problems) == 1, str(caught.value)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.path) == (str(path), line, key_path)


def test_missing_top_level_keys_point_at_the_document(tmp_path):
    path = write(tmp_path, "# comment\nname: x\n")
    problems = problems_of(path)
    assert {p.path for p in problems} == {"start", "horizon", "zones", "agencies", "fugitive"}
    assert {p.line for p in problems} == {2}
    horizon = next(p for p in problems if p.path == "horizon")
    assert horizon.message == 'missing required key \'horizon\' (a duration like "6h" or "2d")'


def test_every_problem_is_reported_at_once(tmp_path):
    text = edit(minimal_text(), "staff: 4", "staff: three")
    text = edit(text, "to: Federal", "to: Fedral")
    text = edit(text, "loss: 0.1", "los: 0.1")
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert [(p.path, p.line) for p in problems] == [
        ("agencies.Police-Nord.staff", line_of(text, "staff: three")),
        ("channels.0.to", line_of(text, "to: Fedral")),
        ("channels.0.los", line_of(text, "los: 0.1")),
    ]
    assert "did you mean 'Federal'?" in problems[1].message
    assert "did you mean 'loss'?" in problems[2].message


def test_reference_problems_come_with_schema_problems_and_lines(tmp_path):
    text = edit(minimal_text(), "start_house: flat", "start_house: flet")
    text = edit(text, "judge: Judge", "judge: Federal")
    text = edit(text, "kind: judge", "kind: jduge")
    path = write(tmp_path, text)
    rendered = [str(p) for p in problems_of(path)]
    assert rendered == [
        f"{path}:{line_of(text, 'kind: jduge')}: agencies.Judge.kind: 'jduge' is not allowed "
        "(did you mean 'judge'?); use one of: local_police, federal_police, intelligence, "
        "coordination, judge, prosecutor, foreign_service, probation, court, immigration, "
        "diplomatic, border_police",
        f"{path}:{line_of(text, 'flet')}: fugitive.start_house: unknown safe house 'flet' "
        "(did you mean 'flat'?); known safe houses: flat, hideout",
        f"{path}:{line_of(text, 'judge: Federal')}: raids.warrant.judge: 'Federal' is a "
        "federal_police agency, not a judge or prosecutor; name an agency of kind judge or "
        "prosecutor",
    ]


def test_a_misspelt_required_key_gives_both_its_problems(tmp_path):
    text = edit(minimal_text(), "  name: Salah Abdeslam", "  nme: Salah Abdeslam")
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert [(p.path, p.line) for p in problems] == [
        ("fugitive.name", line_of(text, "fugitive:")),  # missing: the line of its parent
        ("fugitive.nme", line_of(text, "nme:")),
    ]
    assert problems[1].message.startswith("unknown key 'nme' (did you mean 'name'?)")


# --- refusing files that are not scenarios --------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError, match=re.escape(f"{path}: file not found")):
        load_scenario(path)


def test_directory(tmp_path):
    with pytest.raises(ScenarioError, match=r"is a directory; give a scenario \.yaml file"):
        load_scenario(tmp_path)


@pytest.mark.parametrize(
    ("content", "line", "match"),
    [
        (b"", None, r"is empty; a scenario is a map with at least name, start, horizon"),
        (b"# only a comment\n\n", None, r"is empty"),
        (b"name: x\nstart: \x00\x01\n", 2, r"holds binary data \(a NUL byte\); a scenario is text"),
        (b"name: x\n\nstart: \xff\xfe\n", 3, r"is not valid UTF-8 \(byte 0xff\); save it as UTF-8"),
        (
            b"- a\n- b\n",
            1,
            r"the top level must be a map of keys \(name:, start:, \.\.\.\), not a list",
        ),
        (
            b"just text\n",
            1,
            r"the top level must be a map .* not a single text; is this a scenario file",
        ),
        (b"a: 1\n---\nb: 2\n", 2, r"a second YAML document \('---'\); a scenario file holds one"),
        (b"a: \x07\n", 1, r"control character U\+0007 is not allowed in YAML"),
        (b"a: &x\n  b: *x\n", 2, r"an alias refers to a map or list that contains it"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, None, r"nests maps and lists too deep"),
    ],
)
def test_unreadable_content_is_a_problem_not_a_traceback(tmp_path, content, line, match):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    problems = problems_of(path)
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line) == (str(path), line)
    assert re.search(match, problems[0].message), problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "column", "what"),
    [
        ("name: x\nzones:\n  Nord:\n\tcommunes: [a]\n", 4, 1, r"found character '\\t'"),
        ("name: x\nzones: [a, b\nhorizon: 3d\n", 3, 8, r"expected ',' or '\]'"),
        ("name: 'unclosed\nhorizon: 3d\n", 3, 1, r"found unexpected end of stream"),
        ("name: x\n  horizon: 3d\n", 2, 10, r"mapping values are not allowed here"),
    ],
)
def test_syntax_errors_give_line_and_column(tmp_path, text, line, column, what):
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].line == line
    assert re.match(rf"YAML syntax error at column {column}: {what}", problems[0].message), problems
    assert str(problems[0]).startswith(f"{path}:{line}: YAML syntax error")


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system [echo hacked]",
        "!!python/name:os.system",
        "!include secrets.yaml",
        "!!set {a, b}",
    ],
)
def test_object_tags_are_refused_at_their_line(tmp_path, tagged):
    text = edit(minimal_text(), "name: minimal", f"name: {tagged}")
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert [(p.line, p.path) for p in problems] == [(line_of(text, "name: !"), "name")]
    assert re.match(
        r"YAML tag \S+ is not allowed: .*\(safe loading\); remove the tag", problems[0].message
    )


def test_a_key_written_twice_is_an_error(tmp_path):
    text = edit(minimal_text(), "    staff: 2\n", "    staff: 2\n    staff: 3\n")
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert [(p.line, p.path) for p in problems] == [
        (line_of(text, "staff: 3"), "agencies.Police-Ouest.staff")
    ]
    first = line_of(text, "staff: 2\n")
    assert problems[0].message.startswith(
        f"key 'staff' is written twice in this map (first on line {first})"
    )


def test_file_larger_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(loader_module, "MAX_BYTES", 1000)
    path = write(tmp_path, "name: x\n" + "# padding\n" * 200)
    with pytest.raises(ScenarioError, match=r"is larger than 0 MB; is this a scenario file\?"):
        load_scenario(path)


def test_size_limit_is_one_megabyte():
    assert loader_module.MAX_BYTES == 1024 * 1024
    assert loader_module.MAX_NODES == 200_000


def test_alias_bomb_is_stopped(tmp_path):
    # Each level refers ten times to the one before: 10**8 values once expanded, a few lines here.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write(tmp_path, "\n".join(levels) + "\n")
    with pytest.raises(ScenarioError, match=r"expands to more than 200,000 values"):
        load_scenario(path)


# --- extends --------------------------------------------------------------------------------


BASE = """\
name: base
settings:
  kept: 1
  replaced: [1, 2, 3]
  nested: {a: 1, b: 2}
  removed: 5
other: true
"""


def test_extends_merges_maps_replaces_lists_and_null_deletes(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_SCENARIO_PATH", str(tmp_path))  # the parent is one folder up
    write(tmp_path, BASE, "base.yaml")
    child = write(
        tmp_path,
        "extends: ../base.yaml\nsettings:\n  replaced: [9]\n  nested: {b: 20, c: 30}\n"
        "  removed: null\nname: child\n",
        "variants/child.yaml",
    )
    doc, lines = load_document(child)
    assert doc == {
        "name": "child",
        "settings": {"kept": 1, "replaced": [9], "nested": {"a": 1, "b": 20, "c": 30}},
        "other": True,
    }
    base_file, child_file = str(tmp_path / "base.yaml"), str(child)
    assert lines[("settings", "kept")] == (base_file, 3)
    assert lines[("settings", "nested", "a")] == (base_file, 5)
    assert lines[("settings", "nested", "c")] == (child_file, 4)
    assert lines[("settings", "replaced", 0)] == (child_file, 3)
    assert lines[("name",)] == (child_file, 6)
    assert ("settings", "replaced", 2) not in lines
    assert ("settings", "removed") not in lines


def test_extends_a_real_scenario_and_reports_lines_in_each_file(tmp_path):
    base = write(tmp_path, minimal_text(), "base.yaml")
    child = write(
        tmp_path,
        "# a variant\nextends: base.yaml\nname: variant\nagencies:\n  Federal:\n    staff: many\n",
        "variant.yaml",
    )
    scenario = load_scenario(write(tmp_path, "extends: base.yaml\nhorizon: 60d\n", "longer.yaml"))
    assert scenario.horizon == 60 * 24
    assert scenario.agencies["Federal"].raid_teams == 2
    broken_base = edit(minimal_text(), "loss: 0.1", "loss: 2")
    base.write_text(broken_base, encoding="utf-8")
    rendered = [str(p) for p in problems_of(child)]
    assert rendered == [
        f"{child}:6: agencies.Federal.staff: expected a whole number from 1 to 100000, got 'many'",
        f"{base}:{line_of(broken_base, 'loss: 2')}: channels.0.loss: must be a probability from "
        "0 to 1, got 2",
    ]


def test_extends_chain_of_three(tmp_path):
    write(tmp_path, minimal_text(), "a.yaml")
    write(tmp_path, "extends: a.yaml\nhorizon: 10d\nname: b\n", "b.yaml")
    c = write(tmp_path, "extends: b.yaml\nname: c\n", "c.yaml")
    scenario = load_scenario(c)
    assert (scenario.name, scenario.horizon) == ("c", 240)


@pytest.mark.parametrize(
    ("files", "start", "bad_file", "message"),
    [
        (
            {"a.yaml": "name: a\nextends: b.yaml\n", "b.yaml": "\nextends: a.yaml\n"},
            "a.yaml",
            "b.yaml",
            r"circular extends \(a\.yaml -> b\.yaml -> a\.yaml\); a scenario cannot extend itself",
        ),
        (
            {"self.yaml": "name: s\nextends: ./self.yaml\n"},
            "self.yaml",
            "self.yaml",
            r"circular extends \(self\.yaml -> self\.yaml\)",
        ),
        (
            {"a.yaml": "name: a\n\nextends: nothere.yaml\n"},
            "a.yaml",
            "a.yaml",
            r"parent scenario 'nothere\.yaml' not found \(looked for .*nothere\.yaml\)",
        ),
        (
            {"a.yaml": "name: a\nextends: [b.yaml, c.yaml]\n"},
            "a.yaml",
            "a.yaml",
            r"give one scenario file to extend, relative to this file: extends: base\.yaml",
        ),
    ],
)
def test_extends_problems_point_at_the_extends_key(tmp_path, files, start, bad_file, message):
    for name, text in files.items():
        write(tmp_path, text, name)
    problems = problems_of(tmp_path / start)
    assert len(problems) == 1
    bad_text = files[bad_file]
    assert (problems[0].file, problems[0].line, problems[0].path) == (
        str(tmp_path / bad_file),
        line_of(bad_text, "extends:"),
        "extends",
    )
    assert re.search(message, problems[0].message), problems[0].message


def test_a_broken_parent_is_reported_in_the_parent(tmp_path):
    write(tmp_path, "name: [unclosed\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\n", "child.yaml")
    problems = problems_of(child)
    assert [(p.file, p.line) for p in problems] == [(str(tmp_path / "base.yaml"), 2)]


# --- overrides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "read"),
    [
        ("horizon=60d", lambda s: s.horizon == 60 * 24),
        ("agencies.Federal.staff=10", lambda s: s.agencies["Federal"].staff == 10),
        ("raids.night_rule=null", lambda s: s.raids.night_rule is None),
        ("raids.night_rule.from=20:00", lambda s: s.raids.night_rule.ban_from == 20),
        ("channels.1.loss=0.25", lambda s: s.channels[1].loss == 0.25),
        (
            "tips.sightings.0.reporters={Police-Ouest: 1}",
            lambda s: dict(s.tips.sightings[0].reporters) == {"Police-Ouest": 1.0},
        ),
        (
            " agencies.Federal.raid_prep = 2d ",
            lambda s: s.agencies["Federal"].raid_prep == Fixed(48),
        ),
        ("agencies.Judge.staff=3", lambda s: s.agencies["Judge"].staff == 3),  # a new key
        ("fugitive.aliases=[Abdeslam S., Soufiane Kayal]", lambda s: len(s.fugitive.aliases) == 2),
        ("description=a = b", lambda s: s.description == "a = b"),  # split at the first '='
    ],
)
def test_overrides_apply(override, read):
    scenario = load_scenario(MINIMAL, [override])
    assert read(scenario), override


def test_later_overrides_win_and_the_file_is_untouched():
    scenario = load_scenario(MINIMAL, ["horizon=10d", "horizon=20d"])
    assert scenario.horizon == 20 * 24
    assert load_scenario(MINIMAL).horizon == 30 * 24


def test_override_replaces_a_map_rather_than_merging():
    scenario = load_scenario(MINIMAL, ["agencies.Police-Ouest.databases={}"])
    assert scenario.agencies["Police-Ouest"].databases == {}


def test_override_lines_name_the_command_line():
    doc, lines = load_document(
        MINIMAL, ["agencies.Federal.staff=10", "places.Molenbeek={population: 1}"]
    )
    assert doc["agencies"]["Federal"]["staff"] == 10
    assert lines[("agencies", "Federal", "staff")] == ("--set", None)
    assert lines[("places", "Molenbeek", "population")] == ("--set", None)
    assert ("places", "Molenbeek", "neighbours") not in lines


@pytest.mark.parametrize(
    ("override", "path", "message"),
    [
        ("horizon", "horizon", r"no '=' in the override; write PATH=VALUE, e\.g\. --set "),
        ("=3", "", r"empty key in path ''"),
        ("agencies..staff=3", "agencies..staff", r"empty key in path 'agencies\.\.staff'"),
        ("horizon=", "horizon", r"no value after '='; write null to remove the key"),
        ("name=[unclosed", "name", r"cannot read the value: YAML syntax error"),
        ("name=!!python/name:os.system", "name", r"cannot read the value: YAML tag"),
        (
            "agencis.Federal.staff=3",
            "agencis.Federal.staff",
            r"the top level has no key 'agencis' \(did you mean 'agencies'\?\); existing keys: ",
        ),
        (
            "agencies.Fedral.staff=3",
            "agencies.Fedral.staff",
            r"'agencies' has no key 'Fedral' \(did you mean 'Federal'\?\); existing keys: Federal, "
            r"Judge, Police-Nord, Police-Ouest$",
        ),
        (
            "channels.5.loss=0.1",
            "channels.5.loss",
            r"'channels' is a list: give an item number \(0-1\), not '5'$",
        ),
        ("channels.first.loss=0.1", "channels.first.loss", r"give an item number \(0-1\)"),
        ("channels.2=null", "channels.2", r"give an item number \(0-1\)"),
        ("channels.1=null", "channels.1", r"null cannot remove a list item; set the whole list$"),
        ("horizon.days=3", "horizon.days", r"'horizon' is a single value \('30d'\), not a map"),
        ("language.translators=3", "language.translators", r"the top level has no key 'language'"),
    ],
)
def test_bad_overrides_are_problems_of_the_command_line(override, path, message):
    problems = problems_of(MINIMAL, (override,))
    assert len(problems) == 1, problems
    assert (problems[0].file, problems[0].line, problems[0].path) == ("--set", None, path)
    assert re.search(message, problems[0].message), problems[0].message
    assert str(problems[0]).startswith(f"--set: {path}: " if path else "--set: ")


def test_an_override_with_an_unknown_final_key_is_judged_by_the_schema():
    problems = problems_of(MINIMAL, ("agencies.Federal.staf=3",))
    assert [str(p) for p in problems] == [
        "--set: agencies.Federal.staf: unknown key 'staf' (did you mean 'staff'?); allowed keys: "
        + "sources, kind, zone, jurisdiction, languages, bilingual_share, staff, triage_time, "
        "hours, forget, belief, raid_teams, raid_prep, raid_duration, databases, feeding, wanted, "
        "escalation, convention, typo_rate, matcher, normalise, raises"
    ]


def test_override_and_file_problems_are_reported_together(tmp_path):
    text = edit(minimal_text(), "staff: 4", "staff: -4")
    path = write(tmp_path, text)
    problems = problems_of(path, ("horizon=0", "nope.x=1"))
    assert [(p.file, p.path) for p in problems] == [
        (str(path), "agencies.Police-Nord.staff"),
        ("--set", "nope.x"),
        ("--set", "horizon"),
    ]


# --- the content hash -----------------------------------------------------------------------


def hash_of(tmp_path: Path, text: str, name: str = "h.yaml") -> str:
    return scenario_hash(load_scenario(write(tmp_path, text, name)))


def test_hash_is_sixteen_hex_digits_and_repeatable():
    first = scenario_hash(load_scenario(MINIMAL))
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert scenario_hash(load_scenario(MINIMAL)) == first


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("# A tiny valid scenario", "# Another comment entirely,"),  # comments
        ("horizon: 30d", "horizon: 720h"),  # same number in another unit
        ("horizon: 30d", "horizon:    '30d'   # quoted, spaced, commented"),
        (
            "    communes: [Schaerbeek, Evere]\n",
            "    communes:\n      - Schaerbeek\n      - Evere\n",
        ),
        ("sources: docs/sources.md §2", "sources: [docs/sources.md §2, and more]"),  # notes
        ("    sources: docs/sources.md §1\n", ""),
        ("description: Smallest", "description: A different description,"),
        ("    hours: office\n", "    hours: office\n    raid_teams: 0\n"),  # a default spelt out
        ("name: minimal\n", ""),  # moved to the end below: key order
    ],
)
def test_hash_ignores_layout_and_notes(tmp_path, old, new):
    text = minimal_text()
    changed = edit(text, old, new)
    if old == "name: minimal\n":
        changed += "name: minimal\n"
    assert hash_of(tmp_path, changed, "b.yaml") == hash_of(tmp_path, text, "a.yaml")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("horizon: 30d", "horizon: 31d"),
        ("staff: 4", "staff: 5"),
        ("loss: 0.1", "loss: 0.11"),
        ("{exponential: {mean: 2d}}", "{exponential: {mean: 49h}}"),
        ("{exponential: {mean: 2d}}", "2d"),  # same mean, another distribution
        ("{lognormal: {median: 4h, p90: 2d}}", "{lognormal: {median: 4h, p90: 3d}}"),
        ("weight: 2", "weight: 3"),
        ("name: minimal", "name: minimal-2"),
        ("[Ouest, Schaerbeek]", "[Schaerbeek, Ouest]"),  # list order is content
    ],
)
def test_hash_changes_with_any_model_number(tmp_path, old, new):
    text = minimal_text()
    assert hash_of(tmp_path, edit(text, old, new), "b.yaml") != hash_of(tmp_path, text, "a.yaml")


def test_hash_of_a_variant_equals_the_flattened_file(tmp_path):
    write(tmp_path, minimal_text(), "base.yaml")
    variant = load_scenario(write(tmp_path, "extends: base.yaml\nhorizon: 60d\n", "v.yaml"))
    overridden = load_scenario(MINIMAL, ["horizon=60d"])
    flattened = load_scenario(write(tmp_path, edit(minimal_text(), "horizon: 30d", "horizon: 60d")))
    assert scenario_hash(variant) == scenario_hash(overridden) == scenario_hash(flattened)


# --- problems and errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            Problem("s.yaml", 12, "agencies.VSSE.staff", "fix it"),
            "s.yaml:12: agencies.VSSE.staff: fix it",
        ),
        (Problem("s.yaml", None, "horizon", "fix it"), "s.yaml: horizon: fix it"),
        (Problem("s.yaml", 3, "", "bad YAML"), "s.yaml:3: bad YAML"),
        (Problem("", None, "channels.3.to", "fix it"), "channels.3.to: fix it"),
        (Problem("", 7, "", "fix it"), "fix it"),  # a line without a file says nothing
        (Problem("--set", None, "horizon", "fix it"), "--set: horizon: fix it"),
    ],
)
def test_problem_text(problem, text):
    assert str(problem) == text


def test_scenario_error_lists_one_problem_per_line_and_pickles():
    error = ScenarioError([Problem("a.yaml", 1, "x", "one"), Problem("a.yaml", 2, "y", "two")])
    assert str(error) == "a.yaml:1: x: one\na.yaml:2: y: two"
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems
    assert str(copy) == str(error)


@pytest.mark.parametrize(
    ("word", "options", "suggestion"),
    [
        ("staf", ["staff", "kind"], " (did you mean 'staff'?)"),
        ("vsse", ["VSSE", "OCAM"], " (did you mean 'VSSE'?)"),  # case is ignored
        ("zzz", ["staff", "kind"], ""),
        ("x", [], ""),
    ],
)
def test_did_you_mean(word, options, suggestion):
    assert did_you_mean(word, options) == suggestion


def test_listing_sorts_and_cuts_long_lists():
    assert listing(["b", "a"]) == "a, b"
    assert listing([str(i) for i in range(20)], limit=3) == "0, 1, 10, ... (17 more)"


def test_problems_are_immutable():
    problem = Problem("a.yaml", 1, "x", "one")
    with pytest.raises(AttributeError):
        problem.line = 2  # type: ignore[misc]
