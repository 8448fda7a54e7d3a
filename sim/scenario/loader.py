"""Loading a scenario file: safe YAML, ``extends``, ``--set`` overrides, and messages with lines.

A scenario goes from disk to a validated :class:`~sim.scenario.schema.Scenario` in four steps:

1. **Read** the file with safe YAML only. The node tree is walked by hand (not constructed by
   PyYAML) so that every key's line is recorded in a :data:`LineMap`, anchors, aliases and ``<<``
   merge keys work, and hostile input is refused with a :class:`Problem` instead of a traceback:
   missing or binary files, bad UTF-8, syntax errors (with line and column), Python object tags,
   files over :data:`MAX_BYTES` and alias bombs over :data:`MAX_NODES` nodes. Map keys are always
   read as the text written (``on:`` or ``2015:`` stays a name, never a boolean or number), and a
   key written twice in one map is an error rather than YAML's silent "last one wins".
2. **Extend**: ``extends: base.yaml`` (relative to the extending file) loads the parent first and
   applies the child as a JSON merge patch (RFC 7386): maps merge key by key, any other value
   (lists included) replaces the parent's, and ``null`` deletes the key so its schema default
   applies. Chains are followed; a cycle or a missing parent is reported at the ``extends`` line.
3. **Override**: each ``--set dotted.path=value`` assigns a YAML value (``30d``, ``null``,
   ``{local: 1}``) at a path whose parent exists; list items are addressed by number
   (``channels.2.loss=0.1``). Unlike a merge patch, ``--set`` replaces a map instead of merging
   into it; ``null`` still deletes a map key.
4. **Validate** with the schema and :func:`~sim.scenario.refs.check_references`, turning every
   problem into ``FILE:LINE: key.path: message`` and raising them all together (at most
   :data:`~sim.scenario.limits.MAX_PROBLEMS`). A document with more agencies, channels... than
   :mod:`sim.scenario.limits` allows is refused before the schema sees it; a valid one whose
   replications would make absurd numbers of tips or moves, after.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import stat
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.core.distributions import KINDS as DISTRIBUTION_KINDS
from sim.scenario.errors import (
    KeyPath,
    Problem,
    ScenarioError,
    did_you_mean,
    listing,
    schema_findings,
)
from sim.scenario.identifiers import check_lookalikes
from sim.scenario.limits import (
    DOCUMENTED,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EXTENDS,
    MAX_NODES,
    MAX_PROBLEMS,
    check_counts,
    check_scenario,
)
from sim.scenario.notices import ScenarioWarning, notices
from sim.scenario.parents import Trusted, parent_problem
from sim.scenario.refs import check_references
from sim.scenario.schema import Scenario

#: The ``file`` of problems found in command-line overrides.
OVERRIDE_FILE = "--set"

LineMap = dict[KeyPath, tuple[str, int | None]]
"""For each key path, the file and 1-based line its key (or list item) was written on."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE_TAG = _TAG + "merge"


class _LimitExceededError(Exception):
    """Reading a document went past a size limit; it is abandoned, not partly used."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclasses.dataclass
class _Loaded:
    """A document being resolved: its data (None when unusable), lines and problems so far."""

    doc: Any
    lines: LineMap
    problems: list[Problem]


# --- reading one file -----------------------------------------------------------------------


def _read_text(path: Path, label: str) -> tuple[str | None, Problem | None]:
    """Read a scenario file as UTF-8 text, or say why it cannot be one."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None, Problem(label, None, "", "file not found; check the path and its spelling")
    except (OSError, ValueError) as err:  # ValueError: a NUL character in the path
        return None, Problem(label, None, "", f"cannot be read: {err}")
    if stat.S_ISDIR(mode):
        return None, Problem(label, None, "", "is a directory; give a scenario .yaml file")
    not_a_file = "is a device or a named pipe, not a regular file; give a scenario .yaml file"
    if not stat.S_ISREG(mode):
        return None, Problem(label, None, "", not_a_file)
    try:
        data = _read_regular(path, MAX_BYTES + 1)
    except OSError as err:
        return None, Problem(label, None, "", f"cannot be read: {err.strerror or err}")
    if data is None:  # it was swapped for a pipe or a device after the check above
        return None, Problem(label, None, "", not_a_file)
    if len(data) > MAX_BYTES:
        limit = f"{MAX_BYTES // (1024 * 1024)} MB"
        return None, Problem(label, None, "", f"is larger than {limit}; is this a scenario file?")
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        return None, Problem(label, line, "", "holds binary data (a NUL byte); a scenario is text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, Problem(
            label, line, "", f"is not valid UTF-8 (byte 0x{data[err.start]:02x}); save it as UTF-8"
        )
    return text, None


def _read_regular(path: Path, most: int) -> bytes | None:
    """Up to ``most`` bytes of ``path``, or None when it is not a regular file once opened.

    Opened without blocking, so that a named pipe put in the file's place never hangs the read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return stream.read(most)


_TOO_MANY_NODES = (
    f"expands to more than {MAX_NODES:,} values (aliases count each time they are used); a "
    "scenario is far smaller: look for an alias bomb or a wrong file"
)


class _Composer(yaml.SafeLoader):
    """PyYAML's safe loader, giving up once the text holds more than :data:`MAX_NODES` nodes.

    Composing is the slow part of reading (about 50,000 values a second); stopping at the limit
    keeps the answer to a huge generated file within seconds. Aliases are counted later, by the
    builder, each time they are used.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.composed = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        """Compose the next node, counting it."""
        self.composed += 1
        if self.composed > MAX_NODES:
            raise _LimitExceededError(_TOO_MANY_NODES)
        # types-PyYAML declares index an int; PyYAML passes a list index, a key node or None.
        return super().compose_node(parent, index)  # type: ignore[arg-type]


class _Builder:
    """Turns a composed YAML node tree into plain data while recording each key's line."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: LineMap = {}
        self.problems: list[Problem] = []
        self._nodes = 0
        self._open: set[int] = set()  # collection nodes being walked: an alias back is a cycle
        self._constructor = yaml.constructor.SafeConstructor()

    def _problem(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        dotted = ".".join(str(p) for p in path)
        self.problems.append(Problem(self.label, node.start_mark.line + 1, dotted, message))

    def build(self, node: yaml.Node, path: KeyPath = ()) -> Any:
        """Return the plain value of ``node`` (maps, lists, scalars), recording lines under path.

        Raises:
            _LimitExceededError: the document is too large, too deep or refers to itself.
        """
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LimitExceededError(_TOO_MANY_NODES)
        if len(path) > MAX_DEPTH:
            raise _LimitExceededError(f"nests maps and lists deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._open:
            # The node is the anchor's; the alias that loops back sits at the current key.
            line = self.lines.get(path, (self.label, node.start_mark.line + 1))[1]
            raise _LimitExceededError(
                "an alias refers to a map or list that contains it; a scenario cannot be circular",
                line,
            )
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
                return [self.build(item, (*path, i)) for i, item in self._numbered(node, path)]
        finally:
            self._open.discard(id(node))
        self._refuse_tag(node, path)
        return None

    def _numbered(self, node: yaml.SequenceNode, path: KeyPath) -> Iterator[tuple[int, yaml.Node]]:
        for i, item in enumerate(node.value):
            self.lines[(*path, i)] = (self.label, item.start_mark.line + 1)
            yield i, item

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        if _is_exponent_number(node):  # 1e-3: a number in YAML 1.2, text to YAML 1.1
            return float(node.value)
        if node.tag == _TAG + "str" or _kept_as_text(node):
            # One spelling of a name in the document (Liège composed or decomposed alike).
            return unicodedata.normalize("NFC", node.value)
        if node.tag not in _SCALAR_TAGS:
            self._refuse_tag(node, path)
            return None
        try:
            return self._constructor.yaml_constructors[node.tag](self._constructor, node)
        except (ValueError, yaml.YAMLError):
            self._problem(node, path, f"{node.value!r} cannot be read as {_short_tag(node.tag)}")
            return None

    def _refuse_tag(self, node: yaml.Node, path: KeyPath) -> None:
        self._problem(
            node,
            path,
            f"YAML tag {_short_tag(node.tag)} is not allowed: a scenario holds only plain maps, "
            "lists, text, numbers and dates (safe loading); remove the tag",
        )

    def _key(self, node: yaml.Node, path: KeyPath) -> str | None:
        """A map key as the text written, or None (with a problem) when it is not a plain name."""
        if not isinstance(node, yaml.ScalarNode):
            self._problem(node, path, "a key must be a plain name, not a list or map")
            return None
        if node.tag not in _SCALAR_TAGS:
            self._refuse_tag(node, path)
            return None
        return unicodedata.normalize("NFC", node.value)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            line = key_node.start_mark.line + 1
            if key in result:
                first = self.lines[(*path, key)][1]
                encoded = "" if key == key_node.value else ", with its accents encoded otherwise"
                self._problem(
                    key_node,
                    (*path, key),
                    f"key {key!r} is written twice in this map (first on line {first}"
                    f"{encoded}); remove one (YAML would silently keep only the last)",
                )
                continue
            self.lines[(*path, key)] = (self.label, line)
            result[key] = self.build(value_node, (*path, key))
        for merge in merges:
            self._merge_into(result, merge, path)
        return result

    def _merge_into(self, result: dict[str, Any], merge: yaml.Node, path: KeyPath) -> None:
        """Apply a ``<<:`` merge key: keys written in the map win, then earlier sources win."""
        sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._problem(source, path, "<< merges a map (an alias like *defaults) or a list")
                continue
            # Walk the source with its own line records, then keep only the keys it adds.
            own_lines, self.lines = self.lines, {}
            try:
                merged = self.build(source, path)
            finally:
                source_lines, self.lines = self.lines, own_lines
            added = [key for key in merged if key not in result]
            for key in added:
                result[key] = merged[key]
            for key_path, where in source_lines.items():
                if len(key_path) > len(path) and key_path[len(path)] in added:
                    self.lines[key_path] = where


#: YAML 1.1 readings of plain words and numbers that a scenario does not take (YAML 1.2 dropped
#: them): ``yes``, ``no``, ``on``, ``off`` as booleans (only ``true`` and ``false`` are), ``1:20``
#: as 80 (base 60) and ``010`` as 8 (octal). Such a value stays the text written: a name may be
#: ``no`` or ``007``, and where a number or a yes/no value is expected the schema refuses it.
#: The other way round, ``1e-3`` is a number (YAML 1.1 wanted ``1.0e-3``).
_BOOLEAN_WORDS = {"true", "false"}
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")


_EXPONENT_NUMBER = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")


def _is_exponent_number(node: yaml.ScalarNode) -> bool:
    """True for a plain ``1e-3`` or ``2E5``, which YAML 1.1 (needing a dot) leaves as text."""
    return (
        node.style is None and node.tag == _TAG + "str" and bool(_EXPONENT_NUMBER.match(node.value))
    )


def _kept_as_text(node: yaml.ScalarNode) -> bool:
    """True for a plain scalar that YAML 1.1 would turn into a boolean or number by old rules."""
    if node.style is not None:  # quoted or a block: text anyway
        return False
    if node.tag == _TAG + "bool":
        return node.value.lower() not in _BOOLEAN_WORDS
    if node.tag in (_TAG + "int", _TAG + "float"):
        return ":" in node.value or bool(_OCTAL.match(node.value))
    return False


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _syntax_problem(err: yaml.YAMLError, text: str, label: str) -> Problem:
    """Say where YAML could not parse the text, with line and column."""
    if isinstance(err, yaml.reader.ReaderError):
        line = text[: err.position].count("\n") + 1
        code = err.character if isinstance(err.character, int) else ord(str(err.character)[0])
        return Problem(label, line, "", f"control character U+{code:04X} is not allowed in YAML")
    if not isinstance(err, yaml.MarkedYAMLError):
        return Problem(label, None, "", f"YAML error: {err}")
    mark = err.problem_mark or err.context_mark
    what = err.problem or "invalid YAML"
    if isinstance(err, yaml.composer.ComposerError) and "single document" in str(err.context):
        what = "a second YAML document ('---'); a scenario file holds one document"
    elif err.context:
        what = f"{what} ({err.context}); check the indentation (spaces, not tabs), colons and "
        what += "quotes here or just above"
    if mark is None:
        return Problem(label, None, "", f"YAML syntax error: {what}")
    where = f"YAML syntax error at column {mark.column + 1}"
    return Problem(label, mark.line + 1, "", f"{where}: {what}")


def _parse(text: str, label: str) -> _Loaded:
    """Parse YAML text into plain data and its line map (doc None if unusable)."""
    try:
        root = yaml.compose(text, Loader=_Composer)
    except yaml.YAMLError as err:
        return _Loaded(None, {}, [_syntax_problem(err, text, label)])
    except _LimitExceededError as err:
        return _Loaded(None, {}, [Problem(label, err.line, "", str(err))])
    except RecursionError:
        message = "nests maps and lists too deep to read (a scenario needs about 6 levels)"
        return _Loaded(None, {}, [Problem(label, None, "", message)])
    if root is None:
        message = (
            "is empty; a scenario is a map with at least name, start, horizon, zones, "
            "agencies and fugitive"
        )
        return _Loaded(None, {}, [Problem(label, None, "", message)])
    builder = _Builder(label)
    builder.lines[()] = (label, root.start_mark.line + 1)
    try:
        data = builder.build(root)
    except _LimitExceededError as err:
        return _Loaded(None, {}, [Problem(label, err.line, "", str(err))])
    return _Loaded(data, builder.lines, builder.problems)


def _load_file(path: Path, label: str) -> _Loaded:
    """Read one scenario file (no ``extends``): its top level must be a map."""
    text, problem = _read_text(path, label)
    if problem is not None or text is None:
        return _Loaded(None, {}, [problem] if problem else [])
    loaded = _parse(text, label)
    if loaded.doc is not None and not isinstance(loaded.doc, dict):
        # Said without quoting it: the file may not be a scenario at all (a parent named by a
        # file someone else wrote), and its content is none of this message's business.
        message = (
            "the top level must be a map of keys (name:, start:, ...), not "
            f"{_kind_of(loaded.doc)}; is this a scenario file?"
        )
        return _Loaded(None, {}, [Problem(label, loaded.lines[()][1], "", message)])
    return loaded


def _kind_of(value: Any) -> str:
    """What a YAML value is, in a word (never the value itself)."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    return "a single text"


def read_yaml(path: str | Path) -> tuple[dict[str, Any], LineMap]:
    """Read one YAML map file (no ``extends``) with the scenario's safe loading and line numbers.

    For files that sit beside scenarios (an uncertainty declaration): the same refusals of hostile
    input, duplicate keys and tags, and a line for every key path.

    Raises:
        ScenarioError: the file cannot be read as a map; every problem found.
    """
    label = str(path)
    loaded = _load_file(Path(path), label)
    if loaded.problems or loaded.doc is None:
        raise ScenarioError(loaded.problems)
    return loaded.doc, loaded.lines


# --- extends --------------------------------------------------------------------------------


def _walk_paths(value: Any, path: KeyPath = ()) -> Iterator[KeyPath]:
    """Every key path inside ``value`` (not including ``path`` itself)."""
    if isinstance(value, dict):
        children: Iterator[tuple[str | int, Any]] = iter(value.items())
    elif isinstance(value, list):
        children = iter(enumerate(value))
    else:
        return
    for key, child in children:
        yield (*path, key)
        yield from _walk_paths(child, (*path, key))


def merge_patch(base: Any, patch: Any) -> Any:
    """Apply ``patch`` to ``base`` as an RFC 7386 JSON merge patch (neither is modified).

    Maps are merged key by key; ``None`` in the patch deletes the key; any other value (a list
    too) replaces the base value. A map patched onto a non-map starts from an empty map, so its
    own ``None`` values vanish too.
    """
    if not isinstance(patch, dict) or _is_distribution(patch):
        # A distribution ({lognormal: {...}}) is one value: a new one replaces the old outright,
        # so {uniform: ...} over {lognormal: ...} does not leave both behind.
        return patch
    result = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _is_distribution(value: dict[Any, Any]) -> bool:
    return len(value) == 1 and next(iter(value)) in DISTRIBUTION_KINDS


def _extend(
    child: _Loaded, path: Path, label: str, chain: tuple[Path, ...], trusted: Trusted
) -> _Loaded:
    """Resolve the child's ``extends`` (if any) and merge the child onto its parent."""
    if "extends" not in child.doc:
        return child
    doc = dict(child.doc)
    parent_name = doc.pop("extends")
    where = child.lines[("extends",)]
    lines = {p: v for p, v in child.lines.items() if p[:1] != ("extends",)}

    def fail(message: str) -> _Loaded:
        return _Loaded(None, {}, [*child.problems, Problem(*where, "extends", message)])

    if not isinstance(parent_name, str) or not parent_name.strip():
        return fail("give one scenario file to extend, relative to this file: extends: base.yaml")
    parent_path = path.parent / parent_name
    parent_label = os.path.normpath(os.path.join(os.path.dirname(label), parent_name))
    refusal = parent_problem(parent_name, parent_path, trusted)
    if refusal is not None:
        return fail(refusal)
    if parent_path.resolve() in chain:
        loop = " -> ".join([*(p.name for p in chain), parent_path.name])
        return fail(f"circular extends ({loop}); a scenario cannot extend itself")
    if len(chain) >= MAX_EXTENDS:
        return fail(_too_long(chain, parent_path))
    parent = _load_tree(parent_path, parent_label, chain, trusted)
    problems = [*child.problems, *parent.problems]
    if parent.doc is None:
        return _Loaded(None, {}, problems)
    merged = merge_patch(parent.doc, doc)
    # A value's line is where the child wrote it, else where the parent did.
    merged_lines = {
        p: lines.get(p) or parent.lines.get(p) or lines[()] for p in _walk_paths(merged)
    }
    merged_lines[()] = lines[()]
    return _Loaded(merged, merged_lines, problems)


def _too_long(chain: tuple[Path, ...], parent: Path) -> str:
    """Say that a chain of ``extends`` goes on past the limit, naming where it started."""
    shown = " -> ".join(p.name for p in (*chain[:2], chain[-1]))
    return (
        f"the chain of extends is longer than {MAX_EXTENDS} files ({shown} -> {parent.name} -> "
        f"...; it starts at {chain[0]}); a variant needs a parent or two, at most {MAX_EXTENDS} "
        f"are followed ({DOCUMENTED}): is a generator extending files in a chain by mistake?"
    )


def _load_tree(
    path: Path, label: str, chain: tuple[Path, ...] = (), trusted: Trusted | None = None
) -> _Loaded:
    """Load a scenario file and, recursively, the files it extends (from trusted folders)."""
    loaded = _load_file(path, label)
    if loaded.doc is None:
        return loaded
    trusted = trusted or Trusted.of(path)
    return _extend(loaded, path, label, (*chain, path.resolve()), trusted)


# --- overrides ------------------------------------------------------------------------------


def _override_problem(path: str, message: str) -> Problem:
    return Problem(OVERRIDE_FILE, None, path, message)


def _split_override(text: str) -> tuple[list[str], Any] | Problem:
    """Split ``"a.b.0.c=value"`` into its key segments and the YAML value."""
    example = "write PATH=VALUE, e.g. --set agencies.VSSE.staff=10"
    if "=" not in text:
        return _override_problem(text, f"no '=' in the override; {example}")
    raw_path, raw_value = (part.strip() for part in text.split("=", 1))
    segments = raw_path.split(".")
    if not raw_path or not all(segments):
        return _override_problem(raw_path, f"empty key in path {raw_path!r}; {example}")
    if not raw_value:
        return _override_problem(raw_path, "no value after '='; write null to remove the key")
    parsed = _parse(raw_value, OVERRIDE_FILE)
    if parsed.problems:
        return _override_problem(raw_path, f"cannot read the value: {parsed.problems[0].message}")
    return segments, parsed.doc


def _step(container: Any, segment: str, where: str) -> tuple[Any, str | int] | str:
    """Find ``segment`` in ``container``; return (child, key) or a message saying why not."""
    if isinstance(container, dict):
        if segment in container:
            return container[segment], segment
        keys = [str(k) for k in container]
        return (
            f"{where} has no key {segment!r}{did_you_mean(segment, keys)}; "
            f"existing keys: {listing(keys) or 'none'}"
        )
    if isinstance(container, list):
        if segment.isdigit() and int(segment) < len(container):
            return container[int(segment)], int(segment)
        span = f"0-{len(container) - 1}" if container else "none: it is empty"
        return f"{where} is a list: give an item number ({span}), not {segment!r}"
    return f"{where} is a single value ({container!r}), not a map or list"


def _apply_override(doc: dict[str, Any], lines: LineMap, text: str) -> Problem | None:
    """Apply one ``--set`` override to ``doc`` in place, or say why it cannot be applied."""
    split = _split_override(text)
    if isinstance(split, Problem):
        return split
    segments, value = split
    return assign_at(doc, lines, segments, value)


def assign_at(
    doc: dict[str, Any], lines: LineMap, segments: Sequence[str], value: Any
) -> Problem | None:
    """Put an already-read value at a dotted path, as ``--set`` does (None deletes a map key).

    The path's parent must exist (a new key in an existing map is fine: the schema judges it);
    list items are addressed by number.

    Returns:
        Why the value cannot be put there, or None when it was.
    """
    dotted = ".".join(segments)
    container: Any = doc
    path: KeyPath = ()
    key: str | int = segments[-1]
    for depth, segment in enumerate(segments):
        is_last = depth == len(segments) - 1
        if is_last and isinstance(container, dict):
            key = segment  # a new key in an existing map is fine: the schema judges it
            break
        where = f"'{'.'.join(segments[:depth])}'" if depth else "the top level"
        found = _step(container, segment, where)
        if isinstance(found, str):
            return _override_problem(dotted, found)
        child, key = found
        if is_last:
            break
        container, path = child, (*path, key)
    if value is None and isinstance(container, list):
        return _override_problem(dotted, "null cannot remove a list item; set the whole list")
    _assign(container, key, value, (*path, key), lines)
    return None


def _assign(container: Any, key: str | int, value: Any, path: KeyPath, lines: LineMap) -> None:
    """Put ``value`` at ``container[key]`` (None deletes a map key) and update the line map."""
    for stale in [p for p in lines if p[: len(path)] == path]:
        del lines[stale]
    if value is None:
        container.pop(key, None)
        return
    container[key] = value
    lines[path] = (OVERRIDE_FILE, None)
    for inner in _walk_paths(value, path):
        lines[inner] = (OVERRIDE_FILE, None)


# --- resolving a document -------------------------------------------------------------------


def _resolve(path: str | Path, overrides: Sequence[str]) -> tuple[_Loaded, str]:
    label = str(path)
    loaded = _load_tree(Path(path), label)
    if loaded.doc is None:
        return loaded, label
    loaded.problems.extend(apply_overrides(loaded.doc, overrides, loaded.lines))
    return loaded, label


def apply_overrides(
    doc: dict[str, Any], overrides: Sequence[str], lines: LineMap | None = None
) -> list[Problem]:
    """Apply ``--set`` overrides (``"dotted.path=value"``, value in YAML) to a document in place.

    Args:
        doc: the document.
        overrides: the assignments.
        lines: the document's line map, updated for the keys the overrides write (optional).

    Returns:
        A problem for each override that could not be applied (the others are applied).
    """
    lines = lines if lines is not None else {}
    return [p for text in overrides if (p := _apply_override(doc, lines, text)) is not None]


def read_own_document(path: str | Path) -> dict[str, Any]:
    """What one scenario file writes itself (its ``extends`` not followed).

    Raises:
        ScenarioError: the file cannot be read, or its top level is not a map.
    """
    loaded = _load_file(Path(path), str(path))
    if loaded.problems or loaded.doc is None:
        raise ScenarioError(loaded.problems)
    return loaded.doc


def load_document(
    path: str | Path, overrides: Sequence[str] = ()
) -> tuple[dict[str, Any], LineMap]:
    """Read a scenario file into its resolved raw document, before schema validation.

    Args:
        path: the scenario YAML file.
        overrides: ``"dotted.path=value"`` assignments applied after ``extends`` (``--set``).

    Returns:
        The document (after ``extends`` and overrides) and the file and line of every key path.

    Raises:
        ScenarioError: the file (or a parent, or an override) cannot be read; every problem found.
    """
    loaded, _ = _resolve(path, overrides)
    if loaded.problems or loaded.doc is None:
        raise ScenarioError(loaded.problems)
    return loaded.doc, loaded.lines


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Load, resolve and validate a scenario file.

    Args:
        path: the scenario YAML file.
        overrides: ``"dotted.path=value"`` assignments applied after ``extends`` (``--set``).

    Returns:
        The validated, immutable scenario.

    Raises:
        ScenarioError: with every problem of the file at once (reading, ``extends``, overrides,
            schema and cross-references), each as ``FILE:LINE: key.path: message``.

    Warns:
        ScenarioWarning: for each line that can never take effect (an event after the horizon,
            a flag naming no one in the scenario); the scenario is returned all the same.
    """
    loaded, label = _resolve(path, overrides)
    if loaded.doc is None:
        raise ScenarioError(loaded.problems)
    return validate_document(loaded.doc, loaded.lines, label, loaded.problems)


def validate_document(
    doc: dict[str, Any],
    lines: LineMap | None = None,
    file: str = "",
    problems: Sequence[Problem] = (),
) -> Scenario:
    """Validate a raw scenario document (e.g. built in a notebook) with file-and-line messages.

    Args:
        doc: the raw document, as YAML would give it.
        lines: where each key path was written (from :func:`load_document`), if known.
        file: the file to name in problems without a line map entry.
        problems: problems already found while reading; they are reported with the others, and
            schema or reference problems at or under their paths are dropped as repeats.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: with every problem found.
    """
    lines = lines or {}
    oversized = check_counts(doc) if isinstance(doc, dict) else []
    if oversized:  # refused before the schema spends time on thousands of entries
        raise ScenarioError(_shown(list(problems) + _to_problems(oversized, lines, file, problems)))
    scenario: Scenario | None = None
    found: list[tuple[KeyPath, str]] = []
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as err:
        found.extend(schema_findings(err, doc))
    found.extend(check_references(doc, most=MAX_PROBLEMS + 1))
    if scenario is not None and not found and not problems:
        found.extend(check_lookalikes(scenario))
        found.extend(check_scenario(scenario))
    everything = list(problems) + _to_problems(found, lines, file, problems)
    if everything or scenario is None:
        raise ScenarioError(_shown(everything))
    for notice in _shown(_to_problems(notices(scenario), lines, file, ())):
        warnings.warn(ScenarioWarning(notice), stacklevel=2)
    return scenario


def _shown(problems: list[Problem]) -> list[Problem]:
    """The problems in file order, at most :data:`MAX_PROBLEMS` and a line saying more were cut."""
    ordered = _in_file_order(problems)
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    cut = Problem(
        ordered[0].file,
        None,
        "",
        f"more than {MAX_PROBLEMS} problems: the first {MAX_PROBLEMS} are shown; fix them "
        "(or the program that wrote this file) and validate again",
    )
    return [*ordered[:MAX_PROBLEMS], cut]


def _to_problems(
    found: list[tuple[KeyPath, str]], lines: LineMap, file: str, earlier: Sequence[Problem]
) -> list[Problem]:
    """Place findings in their file and line, dropping repeats of problems already reported."""
    seen_paths = {p.path for p in earlier if p.path}
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for path, message in found:
        dotted = ".".join(str(p) for p in path)
        covered = any(dotted == s or dotted.startswith(s + ".") for s in seen_paths)
        if covered or (dotted, message) in seen:
            continue
        seen.add((dotted, message))
        where_file, line = _where(path, lines, file)
        problems.append(Problem(where_file, line, dotted, message))
    return problems


def _where(path: KeyPath, lines: LineMap, file: str) -> tuple[str, int | None]:
    """File and line of ``path``, or of its nearest ancestor written in the file."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return file, None


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Sort by file (as first met, command-line overrides last), then by line."""
    rank: dict[str, int] = {}
    for problem in problems:
        rank.setdefault(problem.file, len(rank))
    rank[OVERRIDE_FILE] = len(rank)
    return sorted(problems, key=lambda p: (rank[p.file], p.line or 0))


# --- content hash ---------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A JSON-ready, deterministic form of a scenario value without notes (``sources``)."""
    if isinstance(value, BaseModel):
        return {
            (info.alias or name): _canonical(getattr(value, name))
            for name, info in type(value).model_fields.items()
            if name != "sources" and not _new_at_default(value, name, info)
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A distribution: its kind matters as much as its numbers (Fixed(6) is not Exponential(6)).
        fields = {
            f.name: _canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init  # derived fields (a lognormal's sigma) are not content
        }
        return {"kind": type(value).__name__, **fields}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _new_at_default(block: BaseModel, name: str, info: FieldInfo) -> bool:
    """True for a field added after the hash was defined that holds its default.

    Such a field (marked :data:`sim.scenario.schema.NEW`) is left out, so that a scenario which
    does not use it describes the same model, with the same hash, as before the field existed.
    """
    extra = info.json_schema_extra
    if not isinstance(extra, dict) or not extra.get("new_field"):
        return False
    return bool(getattr(block, name) == info.get_default(call_default_factory=True))


def scenario_hash(scenario: Scenario) -> str:
    """Return a stable content hash of a validated scenario (16 hex digits of SHA-256).

    Equal for two files that describe the same model however they are written (layout, comments,
    key order, units, ``extends``, defaults spelled out or not) and blind to notes: ``sources``,
    the top-level ``description`` and the ``outcome`` words. Any model number, name or setting
    changes it. Results are stored under this hash.
    """
    content = _canonical(scenario)
    content.pop("description", None)
    content.pop("outcome", None)  # words for reports, like the description
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
