"""Fuzzing the scenario format: mutated bundled scenarios never crash the loader or the model.

Each example takes the resolved document of a bundled scenario (after ``extends``) and applies a few
mutations of the kinds hand-written files get wrong: a key deleted, a value of the wrong type, an
extreme number (0, -1, 1e308, nan, inf, a 30-digit integer, a 400-digit duration), a name in
right-to-left script, emoji, combining accents or a NUL, a list written as a map or the reverse,
a name renamed everywhere it appears. The outcome must be one of two things:

* a :class:`~sim.scenario.ScenarioError` whose problems are one line each, ``FILE:LINE: key: ...``
  or ``key: ...``, with a message; nothing else escapes validation;
* a valid scenario, whose content hash can be taken and whose replications (with the horizon cut
  to three days, to keep the examples fast) run to a complete record without an exception.

Random *valid* tiny scenarios keeping the model's invariants are in ``test_invariants.py``; this
file adds unicode names to them (:func:`test_unicode_names_keep_the_invariants`).

Profiles: the default (CI) is bounded and derandomized, so the suite gives the same verdict every
run; ``HYPOTHESIS_PROFILE=long`` runs many more random examples (docs/reliability.md gives the
figures of the last long run).
"""

from __future__ import annotations

import copy
import math
import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from builders import NAME, merge, model, tiny
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from test_invariants import check_all, tiny_scenarios

from sim.model.record import RECORD_KEYS
from sim.outputs.story import tell
from sim.outputs.trace import disagreements, trace
from sim.scenario import Problem, ScenarioError, scenario_hash
from sim.scenario.loader import load_document, validate_document

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted(p for p in (ROOT / "scenarios").rglob("*.yaml") if "uncertainty" not in p.parts),
    ROOT / "tests" / "scenarios" / "minimal.yaml",
]
#: Each bundled document once, resolved: (label, document, line map).
DOCUMENTS = [(str(p.relative_to(ROOT)), *load_document(p)) for p in SOURCES]

settings.register_profile(
    "ci",
    max_examples=600,
    deadline=None,
    derandomize=True,  # a fixed sequence of examples: the same verdict on every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=50_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

#: Longest a mutated scenario may take to validate and run two short replications before the
#: example counts as a hang (they take milliseconds; the margin is for a loaded machine: the
#: work itself is bounded by the scenario limits, not by this clock).
SECONDS_PER_EXAMPLE = 300

# --- what a mutation writes ----------------------------------------------------------------

UNICODE_NAMES = [
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",  # Hebrew and Arabic (RTL)
    "\u202eevil\u202c",  # a right-to-left override
    "police \U0001f46e\u200d\u2642\ufe0f",  # emoji with a zero-width joiner
    "Mole\u0301nbeek\u0327\u0308",  # combining accents
    "nul\x00byte",
    " ",
    "x" * 300,
    "Schaerbeek/../../etc",
    "a.b.c",
    "local",
]
EXTREME_NUMBERS = [
    0,
    -1,
    1,
    0.5,
    -0.0,
    1e-300,
    1e308,
    -1e308,
    math.nan,
    math.inf,
    -math.inf,
    10**30,
    2**63,
    10**400,
]
ODD_TEXT = [
    "",
    "0h",
    "-6h",
    "1" + "0" * 400 + "h",
    "1/0h",
    "1000000000/s",
    "99999999999999999999d",
    "24:00",
    "25:61",
    "2015-13-45",
    "0.000001s",
    "1000000d",
    "1/1000000d",
    "100/min",
    "9999-12-31 23:59",
    "0001-01-01",
    "all",
    "office",
    "24/7",
]
WRONG_TYPES: list[Any] = [None, True, [], {}, [1, 2], {"a": 1}, {"exponential": {"mean": "0h"}}]
VALUES = st.sampled_from(UNICODE_NAMES + EXTREME_NUMBERS + ODD_TEXT + WRONG_TYPES)

Path_ = tuple[Any, ...]


def paths(value: Any, here: Path_ = ()) -> Iterator[Path_]:
    """Every key path inside a document (not the top level itself)."""
    if not isinstance(value, dict | list):
        return
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in children:
        yield (*here, key)
        yield from paths(child, (*here, key))


def parent_of(doc: dict, path: Path_) -> Any:
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    return node


def delete(doc: dict, path: Path_, _: Any) -> None:
    del parent_of(doc, path)[path[-1]]


def replace(doc: dict, path: Path_, value: Any) -> None:
    parent_of(doc, path)[path[-1]] = copy.deepcopy(value)


def swap_shape(doc: dict, path: Path_, _: Any) -> None:
    """A list written as a map of its items, or a map as the list of its values."""
    parent = parent_of(doc, path)
    value = parent[path[-1]]
    if isinstance(value, list):
        parent[path[-1]] = {str(i): item for i, item in enumerate(value)}
    elif isinstance(value, dict):
        parent[path[-1]] = list(value.values())
    else:
        parent[path[-1]] = [value]


def rename_key(doc: dict, path: Path_, value: Any) -> None:
    """Rename one map key (references to it now dangle)."""
    parent = parent_of(doc, path)
    if isinstance(parent, dict):
        parent[str(value)] = parent.pop(path[-1])


def rename_everywhere(doc: dict, path: Path_, value: Any) -> None:
    """Rename a name wherever it appears, as a key or as a value (references still hold)."""
    old = path[-1] if isinstance(path[-1], str) else None
    if old is None or old in ("name", "kind", "from", "to", "place", "house"):
        return
    new = str(value)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {(new if k == old else k): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return new if node == old else node

    renamed = walk(doc)
    doc.clear()
    doc.update(renamed)


def duplicate(doc: dict, path: Path_, value: Any) -> None:
    """Write an entry twice: a list item repeated, or a map entry under a second name."""
    parent = parent_of(doc, path)
    item = copy.deepcopy(parent[path[-1]])
    if isinstance(parent, list):
        parent.insert(path[-1], item)
    else:
        parent[f"{path[-1]}{value}"] = item


MUTATIONS = [delete, replace, replace, swap_shape, rename_key, rename_everywhere, duplicate]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict, dict, list[str]]:
    """A bundled document with one to three mutations; returns (file, doc, lines, what was done)."""
    label, original, lines = draw(st.sampled_from(DOCUMENTS))
    doc = copy.deepcopy(original)
    done = []
    for _ in range(draw(st.integers(1, 3))):
        where = list(paths(doc))
        if not where:
            break
        path = draw(st.sampled_from(where))
        mutation = draw(st.sampled_from(MUTATIONS))
        value = draw(VALUES)
        mutation(doc, path, value)
        done.append(f"{mutation.__name__} {'.'.join(map(str, path))} {value!r}")
    return label, doc, lines, done


# --- the checks ----------------------------------------------------------------------------


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail an example that runs longer than ``seconds`` (a hang is a bug too)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s: a hang is a bug too")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_problems(err: ScenarioError) -> None:
    """Every problem is a located, one-line message."""
    assert err.problems, "a ScenarioError without problems"
    for problem in err.problems:
        assert isinstance(problem, Problem)
        assert problem.message.strip(), f"empty message: {problem!r}"
        text = str(problem)
        assert "\n" not in text and "\r" not in text, f"not one line: {text!r}"
        assert "Traceback" not in text and "pydantic" not in text.lower(), text


def check_runs(scenario: Any, seed: int) -> None:
    """The scenario hashes; two replications of at most three days run to full records; the
    first one's ledger agrees with its counters and its story can be told."""
    assert len(scenario_hash(scenario)) == 16
    short = scenario.model_copy(update={"horizon": min(scenario.horizon, 72.0)})
    record = model(short, seed, 1).run()
    assert set(RECORD_KEYS) <= set(record)
    traced = trace(short, seed, 0)
    assert not disagreements(traced)
    assert tell(traced)


@settings(settings.get_profile(PROFILE))
@given(case=mutated(), seed=st.integers(0, 2**32 - 1))
def test_mutated_bundled_scenarios_validate_cleanly_or_run(case, seed):
    label, doc, lines, done = case
    note(f"{label}: {'; '.join(done)}")
    with time_limit(SECONDS_PER_EXAMPLE):
        try:
            scenario = validate_document(doc, lines, label)
        except ScenarioError as err:
            check_problems(err)
            event("refused with a clean validation error")
            return
        check_runs(scenario, seed)
        event("valid: ran")


names = st.one_of(
    st.sampled_from(UNICODE_NAMES),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40),
)


def renamed(doc: dict, old: str, new: str) -> dict:
    """``doc`` with the name ``old`` replaced by ``new`` wherever it is a key or a value."""
    if isinstance(doc, dict):
        return {(new if k == old else k): renamed(v, old, new) for k, v in doc.items()}
    if isinstance(doc, list):
        return [renamed(v, old, new) for v in doc]
    return new if doc == old else doc


@settings(settings.get_profile(PROFILE))
@given(raw=tiny_scenarios(), agency=names, house=names, fugitive=names, seed=st.integers(0, 999))
def test_unicode_names_keep_the_invariants(raw, agency, house, fugitive, seed):
    doc = renamed(renamed(raw, "Police", agency), "home", house)
    doc = renamed(doc, NAME, fugitive)
    with time_limit(SECONDS_PER_EXAMPLE):
        try:
            scenario = validate_document(doc)
        except ScenarioError as err:  # e.g. a name clashing with another, or NUL-only
            check_problems(err)
            event("refused with a clean validation error")
            return
        m = model(scenario, seed, 0)
        check_all(m, m.run())
        event("valid: invariants hold")


def test_the_documents_are_the_bundled_ones():
    assert len(DOCUMENTS) == len(SOURCES) >= 3
    assert any(NAME in str(doc) for _, doc, _ in DOCUMENTS)
    assert tiny()["name"] == "tiny"


# --- what fuzzing found: each crash, now a clean validation error or a correct run ------------

BIG = "1" + "0" * 400


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"horizon": f"{BIG}h"}, r"^horizon: '1000.*' is longer than the longest duration allowed"),
        ({"agencies": {"Police": {"raid_prep": f"{BIG}d"}}}, r"raid_prep: .* longest duration"),
        ({"tips": {"noise": [{"rate": f"{BIG}/h"}]}}, r"rate: .* is too large a rate; write"),
        ({"tips": {"noise": [{"rate": "1/d", "reporters": {}}]}}, r"reporters: needs at least 1"),
        (
            {"tips": {"noise": [{"rate": "1/d", "reporters": {"Police": 0}}]}},
            r"reporters: the weights are all 0; give at least one a weight above 0",
        ),
        ({"tips": {"noise": [{"rate": "1/d", "places": []}]}}, r"places: needs at least 1 entry"),
        ({"places": {"A": {"population": 10**400}}}, r"population: must be from 0 to 1000000000"),
        ({"fugitive": {"safe_houses": {"home": {"weight": math.inf}}}}, r"weight: expected a num"),
        ({"fugitive": {"dwell": {"choice": {"1d": math.nan}}}}, r"choice weight for '1d' must"),
        ({"fugitive": {"dwell": {"choice": {"1d": 10**400}}}}, r"got 1000+\.\.\.$"),
        ({"fugitive": {"name": "Salah\x00"}}, r"contains the control character U\+0000"),
        ({"zones": {"Z1\nZ9": {"communes": ["D"]}}}, r"^zones\.Z1\\nZ9: .*"),
    ],
    ids=[
        "400-digit horizon",
        "400-digit delay",
        "400-digit rate",
        "no reporters",
        "reporters all 0",
        "no places",
        "400-digit population",
        "infinite weight",
        "nan choice weight",
        "400-digit choice weight",
        "NUL in a name",
        "line break in a key",
    ],
)
def test_what_fuzzing_found_is_refused_in_one_line(patch, message):
    with pytest.raises(ScenarioError) as caught:
        validate_document(merge(tiny(), patch))
    check_problems(caught.value)
    assert any(re.search(message, str(p)) for p in caught.value.problems), str(caught.value)


def test_a_tip_going_round_a_loop_of_channels_ends_where_it_was_taken_furthest():
    # Police and Desk pass every tip to each other: the copy coming back is a duplicate, and so
    # is every database entry; the tip must still end somewhere (it was not matched), and the
    # ledger must agree with the record (it crashed ``sim trace`` with a KeyError).
    sc = validate_document(
        merge(
            tiny(),
            {
                "agencies": {
                    "Police": {"wanted": None, "databases": {"DB": "feed"}},
                    "Desk": {"kind": "intelligence"},
                },
                "databases": {"DB": {}},
                "channels": [{"from": "Police", "to": "Desk"}, {"from": "Desk", "to": "Police"}],
                "events": [{"at": "2015-11-16 10:00", "tip": {"to": "Police", "house": "home"}}],
            },
        )
    )
    traced = trace(sc, 1, 0)
    assert traced.record["tips_true"] == 1
    assert traced.record["true_tips_name_not_matched"] == 1
    assert disagreements(traced) == []


def test_a_house_named_with_a_colon_is_told_right():
    # A name may hold ": " (quoted in YAML); the story once split the ledger's "house: outcome"
    # at the first one and told a capture as an empty flat.
    sc = validate_document(
        merge(
            tiny(),
            {
                "fugitive": {"safe_houses": {"home": None, "flat: 2nd floor": {"place": "A"}}},
                "events": [{"at": "2015-11-16 10:00", "tip": {"to": "Police", "current": True}}],
            },
        )
    )
    traced = trace(sc, 1, 0)
    story = "\n".join(tell(traced))
    assert traced.record["captured"] == 1
    assert "he is in flat: 2nd floor in A" in story
    assert "Police searches flat: 2nd floor (A) (" in story and "and finds him." in story
