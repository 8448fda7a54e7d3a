"""docs/scenarios.md stays true to the scenario format: its examples validate, its tables match.

The page marks its examples with an HTML comment on the line just before a fenced block (invisible
once rendered):

- ``<!-- base: first.yaml -->`` (one ``yaml`` block): a complete scenario, saved under that name;
  the fragments below are laid over it.
- ``<!-- complete: NAME.yaml -->``: a complete scenario file; it may extend a bundled scenario. If
  NAME is a bundled scenario's file name, the example must describe the same model (same hash).
- ``<!-- fragment -->``: one or a few blocks, valid once laid over the base, i.e. as a file that
  starts with ``extends: first.yaml`` (as the page tells readers to try them).
- ``<!-- invalid: NAME.yaml -->``: a broken file whose ``sim validate`` output is exactly the
  ``text`` block that follows (``$ `` lines are the command, not output).
- ``<!-- fails -->`` before a ``sh`` block: its ``--set`` overrides fail with exactly the messages
  of the ``text`` block that follows. Every other ``sim`` command in ``sh`` blocks must load its
  scenarios with its ``--set`` and ``--vary`` values.
- ``<!-- fields: Model -->`` before a table: one row per field of that schema model, with its
  default (checked against the schema) and allowed range; the prose up to the next heading is that
  model's section, where each inline example written `` `key: value` `` must validate.

Every ``yaml`` block carries one of the yaml markers, so no example escapes the checks.
"""

from __future__ import annotations

import re
import shlex
import shutil
import textwrap
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo

from sim.scenario import ScenarioError, load_scenario, scenario_hash
from sim.scenario.loader import MAX_BYTES, MAX_DEPTH, MAX_NODES
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scenarios.md"
BUNDLED = ROOT / "scenarios"

MARKER = re.compile(r"<!--\s*([a-z]+)(?::\s*(\S+))?\s*-->")
FENCE = re.compile(r"^\s*```(\w*)\s*$")  # may be indented in a list item
YAML_MARKERS = {"base", "complete", "fragment", "invalid"}


# --- reading the page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block of the page and the marker on the line before it."""

    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    marker: str | None
    arg: str | None

    @property
    def id(self) -> str:
        return f"{self.marker or self.lang}@line{self.line}"


def _read_page() -> tuple[list[str], list[Block]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].lstrip().startswith("```"))
        marker = MARKER.fullmatch(lines[i - 1].strip()) if i else None
        blocks.append(
            Block(
                line=i + 1,
                lang=fence.group(1),
                text=textwrap.dedent("\n".join(lines[i + 1 : end])) + "\n",
                marker=marker.group(1) if marker else None,
                arg=marker.group(2) if marker else None,
            )
        )
        i = end + 1
    return lines, blocks


LINES, BLOCKS = _read_page()
YAML_BLOCKS = [b for b in BLOCKS if b.lang == "yaml"]
(BASE,) = [b for b in YAML_BLOCKS if b.marker == "base"]


def _followed_by_text(block: Block) -> list[str]:
    """The expected output: the ``text`` block right after ``block``, without ``$`` lines."""
    following = BLOCKS[BLOCKS.index(block) + 1]
    assert following.lang == "text", f"line {block.line}: expected a ```text block after it"
    return [line for line in following.text.splitlines() if not line.startswith("$ ")]


def _sections() -> dict[str, list[str]]:
    """For each ``<!-- fields: Model -->`` marker, the page's lines up to the next heading."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in LINES:
        if FENCE.match(line) or (in_fence and line.lstrip().startswith("```")):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            current = None
        marker = MARKER.fullmatch(line.strip())
        if marker and marker.group(1) == "fields":
            name = marker.group(2)
            assert name not in sections, f"two field tables for {name}"
            current = sections[name] = []
            continue
        if current is not None:
            current.append(line)
    return sections


SECTIONS = _sections()


@dataclass(frozen=True)
class Row:
    """One row of a field table: key, type, default and allowed cells."""

    key: str
    type: str
    default: str
    allowed: str


def _table(section: list[str]) -> list[Row]:
    body = [line for line in section if line.strip()]
    table = []
    for line in body:
        if not line.startswith("|"):
            break
        table.append(line)
    rows = []
    for line in table[2:]:  # header and separator first
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 4, f"field table row needs 4 cells: {line}"
        key = re.fullmatch(r"`([^`]+)`", cells[0])
        assert key, f"the first cell names the key in backticks: {line}"
        rows.append(Row(key.group(1), cells[1], cells[2], cells[3]))
    return rows


# --- the schema -----------------------------------------------------------------------------


def _models() -> dict[str, type[BaseModel]]:
    """Every block model reachable from :class:`Scenario`, by class name."""
    found: dict[str, type[BaseModel]] = {}

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ in found:
                return
            found[annotation.__name__] = annotation
            for info in annotation.model_fields.values():
                walk(info.annotation)
            return
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(Scenario)
    return found


MODELS = _models()


def _keys(model: type[BaseModel]) -> dict[str, tuple[str, FieldInfo]]:
    """The YAML keys of a model (aliases such as ``from``), without the ``sources`` note."""
    return {
        (info.alias or name): (name, info)
        for name, info in model.model_fields.items()
        if name != "sources"
    }


def _validate_field(model: type[BaseModel], key: str, *value: Any) -> Any:
    """Validate ``value`` (or the schema default when none is given) as field ``key`` would."""
    name, info = _keys(model)[key]
    probe = create_model(
        "Probe",
        __config__=ConfigDict(arbitrary_types_allowed=True, validate_default=True),
        **{name: (info.annotation, info)},
    )
    return getattr(probe.model_validate({key: value[0]} if value else {}), name)


def _literals(annotation: Any) -> list[str]:
    """Literal words allowed anywhere in a field's type (not inside nested blocks)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return []
    if typing.get_origin(annotation) is typing.Literal:
        return [str(v) for v in typing.get_args(annotation)]
    return [word for arg in typing.get_args(annotation) for word in _literals(arg)]


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


# --- examples -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the bundled scenarios and the page's base scenario."""
    folder = tmp_path_factory.mktemp("docs-examples")
    for path in BUNDLED.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    assert BASE.arg is not None
    (folder / BASE.arg).write_text(BASE.text, encoding="utf-8")
    return folder


def _load(path: Path, block: Block, overrides: tuple[str, ...] = ()) -> Any:
    try:
        return load_scenario(path, overrides)
    except ScenarioError as err:
        pytest.fail(f"docs/scenarios.md line {block.line}: example does not validate:\n{err}")


def test_every_yaml_block_is_marked():
    unmarked = [b.line for b in YAML_BLOCKS if b.marker not in YAML_MARKERS]
    assert not unmarked, f"yaml blocks without a marker ({sorted(YAML_MARKERS)}): lines {unmarked}"


def test_base_scenario_validates(examples: Path):
    assert BASE.arg is not None
    _load(examples / BASE.arg, BASE)


@pytest.mark.parametrize(
    "block", [b for b in YAML_BLOCKS if b.marker == "complete"], ids=lambda b: b.id
)
def test_complete_example_validates(block: Block, examples: Path):
    assert block.arg, f"line {block.line}: name the file: <!-- complete: NAME.yaml -->"
    path = examples / f"doc-{block.arg}"
    path.write_text(block.text, encoding="utf-8")
    scenario = _load(path, block)
    bundled = BUNDLED / block.arg
    if bundled.exists():
        assert scenario_hash(scenario) == scenario_hash(load_scenario(bundled)), (
            f"line {block.line}: the example differs from the bundled {block.arg}; copy it again"
        )


@pytest.mark.parametrize(
    "block", [b for b in YAML_BLOCKS if b.marker == "fragment"], ids=lambda b: b.id
)
def test_fragment_validates_on_the_base(block: Block, examples: Path):
    assert "extends:" not in block.text, f"line {block.line}: a fragment extends the base itself"
    path = examples / f"fragment-{block.line}.yaml"
    path.write_text(f"extends: {BASE.arg}\n{block.text}", encoding="utf-8")
    _load(path, block)


@pytest.mark.parametrize(
    "block", [b for b in YAML_BLOCKS if b.marker == "invalid"], ids=lambda b: b.id
)
def test_invalid_example_gives_the_documented_messages(
    block: Block, examples: Path, monkeypatch: pytest.MonkeyPatch
):
    assert block.arg, f"line {block.line}: name the file: <!-- invalid: NAME.yaml -->"
    (examples / block.arg).write_text(block.text, encoding="utf-8")
    monkeypatch.chdir(examples)  # messages name the file as the reader's command does
    with pytest.raises(ScenarioError) as caught:
        load_scenario(Path(block.arg))
    assert str(caught.value).splitlines() == _followed_by_text(block)


def _commands() -> list[tuple[Block, list[str]]]:
    """Every ``sim`` command of the page's ``sh`` blocks, split as the shell would."""
    return [
        (block, shlex.split(line))
        for block in BLOCKS
        if block.lang == "sh"
        for line in block.text.splitlines()
        if line.startswith("sim ")
    ]


def _options(words: list[str], option: str) -> list[str]:
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word == option]


def _scenario_path(word: str, examples: Path) -> Path:
    return ROOT / word if word.startswith("scenarios/") else examples / word


@pytest.mark.parametrize(
    ("block", "words"),
    [(b, w) for b, w in _commands() if b.marker != "fails"],
    ids=lambda x: x.id if isinstance(x, Block) else " ".join(x[:2]),
)
def test_commands_load_their_scenarios_with_overrides(
    block: Block, words: list[str], examples: Path
):
    sets = tuple(_options(words, "--set"))
    paths = [_scenario_path(w, examples) for w in words[2:] if w.endswith(".yaml")]
    assert paths, f"line {block.line}: no scenario in {words}"
    variants = [sets]
    for vary in _options(words, "--vary"):
        path, _, values = vary.partition("=")
        variants += [(*sets, f"{path}={value}") for value in values.split(",")]
    for path in paths:
        for overrides in variants:
            _load(path, block, overrides)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.marker == "fails"], ids=lambda b: b.id)
def test_failing_overrides_give_the_documented_messages(block: Block, examples: Path):
    (words,) = [shlex.split(line) for line in block.text.splitlines() if line.startswith("sim ")]
    (path,) = [_scenario_path(w, examples) for w in words if w.endswith(".yaml")]
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, tuple(_options(words, "--set")))
    assert str(caught.value).splitlines() == _followed_by_text(block)


# --- fields ---------------------------------------------------------------------------------


def test_every_schema_model_has_a_field_table():
    assert set(SECTIONS) == set(MODELS), (
        f"models without a table: {sorted(set(MODELS) - set(SECTIONS))}; "
        f"tables for no model: {sorted(set(SECTIONS) - set(MODELS))}"
    )


@pytest.mark.parametrize("model", sorted(MODELS))
def test_field_table_lists_every_field_with_its_default(model: str):
    schema = MODELS[model]
    rows = _table(SECTIONS.get(model, []))
    keys = _keys(schema)
    written = [r.key for r in rows]
    assert len(written) == len(set(written)), f"{model}: a key has two rows"
    assert sorted(written) == sorted(keys), f"{model}: table keys differ from the schema's"
    for row in rows:
        _, info = keys[row.key]
        if info.is_required():
            assert row.default == "required", f"{model}.{row.key} is required"
            continue
        written = re.match(r"`([^`]*)`", row.default)
        assert written, f"{model}.{row.key}: default cell starts with the value in backticks"
        documented = _validate_field(schema, row.key, yaml.safe_load(written.group(1)))
        assert documented == _validate_field(schema, row.key), (
            f"{model}.{row.key}: documented default {written.group(1)!r} is not the schema's "
            f"({info.get_default(call_default_factory=True)!r})"
        )


@pytest.mark.parametrize("model", sorted(MODELS))
def test_field_table_gives_the_numeric_bounds(model: str):
    for row in _table(SECTIONS.get(model, [])):
        _, info = _keys(MODELS[model])[row.key]
        allowed = re.sub(r"(?<=\d)[,\u202f ](?=\d{3})", "", row.allowed)
        for bound in info.metadata:
            if isinstance(bound, Ge | Gt | Le | Lt):
                value = getattr(bound, type(bound).__name__.lower())  # Ge(ge=1).ge
                assert _number(value) in allowed, f"{model}.{row.key}: bound {value} not stated"


@pytest.mark.parametrize("model", sorted(MODELS))
def test_section_names_every_allowed_word(model: str):
    text = "\n".join(SECTIONS.get(model, []))
    for key, (_, info) in _keys(MODELS[model]).items():
        for word in _literals(info.annotation):
            assert f"`{word}`" in text, f"{model}.{key}: allowed value {word!r} not documented"


@pytest.mark.parametrize("model", sorted(MODELS))
def test_inline_examples_are_valid_values(model: str):
    keys = _keys(MODELS[model])
    for code in re.findall(r"`([^`\n]+)`", "\n".join(SECTIONS.get(model, []))):
        key = code.split(":", 1)[0]
        if key not in keys or ": " not in code:
            continue
        value = yaml.safe_load(code)[key]
        try:
            _validate_field(MODELS[model], key, value)
        except ValidationError as err:
            pytest.fail(f"{model}: inline example `{code}` is not valid: {err}")


def test_notes_and_limits_are_documented():
    text = "\n".join(LINES)
    assert "`sources:`" in text
    assert f"{MAX_BYTES // (1024 * 1024)} MB" in text
    assert f"{MAX_NODES:,}" in text
    assert f"{MAX_DEPTH} levels" in text
