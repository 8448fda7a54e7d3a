"""Cross-references: every name a scenario block mentions exists, and points at the right thing."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError, load_document, load_scenario
from sim.scenario.refs import check_references

MINIMAL = Path(__file__).parent / "scenarios" / "minimal.yaml"
DELETE = object()


@pytest.fixture(scope="module")
def minimal_doc() -> dict[str, Any]:
    doc, _ = load_document(MINIMAL)
    return doc


def changed(doc: dict[str, Any], *edits: tuple[tuple, Any]) -> dict[str, Any]:
    """A deep copy of ``doc`` with each (path, value) set, or deleted when value is DELETE."""
    doc = copy.deepcopy(doc)
    for path, value in edits:
        parent = doc
        for key in path[:-1]:
            parent = parent.setdefault(key, {}) if isinstance(parent, dict) else parent[key]
        if value is DELETE:
            del parent[path[-1]]
        elif isinstance(parent, list) and path[-1] == len(parent):
            parent.append(value)
        else:
            parent[path[-1]] = value
    return doc


def test_the_minimal_scenario_has_no_dangling_reference(minimal_doc):
    assert check_references(minimal_doc) == []


# (edits, expected path, message pattern)
DANGLING = [
    (
        [(("zones", "Nord", "communes"), ["Schaerbeek", "Evere", "Jette"])],
        ("zones", "Ouest", "communes", 1),
        r"^commune 'Jette' is already in zone 'Nord'; a commune belongs to exactly one zone",
    ),
    (
        [(("zones", "Ouest", "communes"), ["Molenbeek", "Jette", "Molenbeek"])],
        ("zones", "Ouest", "communes", 2),
        r"^commune 'Molenbeek' is listed twice in this zone",
    ),
    (
        [(("places", "Molenbek"), {"population": 1})],
        ("places", "Molenbek"),
        r"^place 'Molenbek' is not a commune of any zone \(did you mean 'Molenbeek'\?\); fix the",
    ),
    (
        [(("places", "Molenbeek", "neighbours"), ["Jete"])],
        ("places", "Molenbeek", "neighbours", 0),
        r"^unknown place 'Jete' \(did you mean 'Jette'\?\); known places \(communes\): Evere, "
        r"Jette, Molenbeek, Schaerbeek$",
    ),
    (
        [(("agencies", "Federal", "zone"), "nord")],
        ("agencies", "Federal", "zone"),
        r"^unknown zone 'nord' \(did you mean 'Nord'\?\); known zones: Nord, Ouest$",
    ),
    (
        [(("agencies", "Federal", "jurisdiction"), ["Nord", "Jette", "Brussels"])],
        ("agencies", "Federal", "jurisdiction", 2),
        r"^unknown zone or place 'Brussels'; known zones: .*, or write jurisdiction: all$",
    ),
    (
        [(("agencies", "Police-Ouest", "databases"), {"BGN": "read"})],
        ("agencies", "Police-Ouest", "databases", "BGN"),
        r"^unknown database 'BGN' \(did you mean 'BNG'\?\); known databases: BNG$",
    ),
    (
        [(("agencies", "Federal", "jurisdiction"), DELETE)],
        ("agencies", "Federal", "raid_teams"),
        r"^an agency with raid teams needs somewhere to raid: give it a zone or a jurisdiction",
    ),
    (
        [(("agencies", "Federal", "jurisdiction"), [])],
        ("agencies", "Federal", "raid_teams"),
        r"needs somewhere to raid",
    ),
    (
        [(("agencies", "Police-Bis"), {"kind": "local_police", "zone": "Nord"})],
        ("agencies", "Police-Bis", "zone"),
        r"^zone 'Nord' already has a local police agency \('Police-Nord'\); a zone has at most one",
    ),
    (
        [(("channels", 0, "from"), "Police-West")],
        ("channels", 0, "from"),
        r"^unknown agency 'Police-West' \(did you mean 'Police-Ouest'\?\); known agencies: "
        r"Federal, Judge, Police-Nord, Police-Ouest$",
    ),
    (
        [(("channels", 1, "to"), "Fed")],
        ("channels", 1, "to"),
        r"^unknown agency 'Fed'",
    ),
    (
        [(("channels", 2), {"from": "Federal", "to": "Federal"})],
        ("channels", 2, "to"),
        r"^channel from 'Federal' to itself; remove it",
    ),
    (
        [(("channels", 2), {"from": "Federal", "to": "Police-Ouest", "delay": "2d"})],
        ("channels", 2),
        r"^duplicate channel Federal -> Police-Ouest \(also channels\.1\); keep one channel "
        r"per pair$",
    ),
    (
        [(("databases", "BNG", "owner"), "Federale")],
        ("databases", "BNG", "owner"),
        r"^unknown agency 'Federale' \(did you mean 'Federal'\?\); .*, or 'local'$",
    ),
    (
        [(("databases", "BNG", "alerts"), {"to": ["local", "Judge", "Juge"]})],
        ("databases", "BNG", "alerts", "to", 2),
        r"^unknown agency 'Juge' \(did you mean 'Judge'\?\)",
    ),
    (
        [(("fugitive", "safe_houses", "flat", "place"), "Molenbeck")],
        ("fugitive", "safe_houses", "flat", "place"),
        r"^unknown place 'Molenbeck' \(did you mean 'Molenbeek'\?\)",
    ),
    (
        [(("fugitive", "start_house"), "Flat")],
        ("fugitive", "start_house"),
        r"^unknown safe house 'Flat' \(did you mean 'flat'\?\); known safe houses: flat, hideout$",
    ),
    (
        [
            (
                ("fugitive", "itinerary"),
                [{"at": "2015-11-14", "place": "Evere"}, {"at": "2015-11-15", "place": "Everre"}],
            )
        ],
        ("fugitive", "itinerary", 1, "place"),
        r"^unknown place 'Everre' \(did you mean 'Evere'\?\)",
    ),
    (
        [(("fugitive", "itinerary"), [{"at": "2015-11-14", "house": "hidout"}])],
        ("fugitive", "itinerary", 0, "house"),
        r"^unknown safe house 'hidout' \(did you mean 'hideout'\?\)",
    ),
    (
        [
            (
                ("fugitive", "itinerary"),
                [
                    {"at": "2015-11-14 10:00", "place": "Evere"},
                    {"at": "2015-11-20", "house": "flat"},
                    {"at": "2015-11-14 09:00", "place": "Jette"},
                ],
            )
        ],
        ("fugitive", "itinerary", 2, "at"),
        r"^stop at 2015-11-14 09:00 comes before the previous stop \(2015-11-20 00:00\); list "
        r"itinerary stops in time order$",
    ),
    (
        [(("tips", "sightings", 0, "places"), ["Ouest", "Schaarbeek"])],
        ("tips", "sightings", 0, "places", 1),
        r"^unknown zone or place 'Schaarbeek' \(did you mean 'Schaerbeek'\?\); "
        r".*, or write places: all$",
    ),
    (
        [(("tips", "sightings", 0, "reporters"), {"Police-Nrod": 1})],
        ("tips", "sightings", 0, "reporters", "Police-Nrod"),
        r"^unknown agency 'Police-Nrod' \(did you mean 'Police-Nord'\?\)",
    ),
    (
        [(("agencies", "Police-Nord", "kind"), "intelligence")],
        ("tips", "sightings", 0),
        r"^'local' means the local police of the place concerned, but zone\(s\) Nord have no "
        r"local_police agency; add one \(kind: local_police, zone: <zone>\) or name the agency",
    ),
    (
        [
            (("agencies", "Police-Ouest", "zone"), DELETE),
            (("tips", "sightings", 0, "reporters"), {"local": 2, "Federal": 1}),
        ],
        ("tips", "sightings", 0, "reporters", "local"),
        r"zone\(s\) Ouest have no local_police agency",
    ),
    (
        [(("tips", "noise"), [{"rate": "1/day", "reporters": {"Federal": 1, "Nobody": 1}}])],
        ("tips", "noise", 0, "reporters", "Nobody"),
        r"^unknown agency 'Nobody'",
    ),
    (
        [
            (("agencies", "Police-Nord", "kind"), "intelligence"),
            (("tips", "sightings"), DELETE),
            (("tips", "noise"), [{"rate": "1/day", "places": ["Nord"]}]),
        ],
        ("tips", "noise", 0),
        r"zone\(s\) Nord have no local_police agency",
    ),
    (
        [(("tips", "intercepts"), [{"agency": "VSSE", "rate": "1/week"}])],
        ("tips", "intercepts", 0, "agency"),
        r"^unknown agency 'VSSE'; known agencies: ",
    ),
    (
        [(("tips", "stops"), [{"rate": "1/week", "agency": "Federl"}])],
        ("tips", "stops", 0, "agency"),
        r"^unknown agency 'Federl' \(did you mean 'Federal'\?\); .*, or 'local'$",
    ),
    (
        [
            (("agencies", "Police-Ouest", "kind"), "federal_police"),
            (("tips", "sightings"), DELETE),
            (("tips", "stops"), [{"rate": "1/week", "places": ["Molenbeek"]}]),
        ],
        ("tips", "stops", 0),
        r"zone\(s\) Ouest have no local_police agency",
    ),
    (
        [(("tips", "stops"), [{"rate": "1/week", "places": ["Nord", "Mars"]}])],
        ("tips", "stops", 0, "places", 1),
        r"^unknown zone or place 'Mars'",
    ),
    (
        [(("events", 0, "flag", "database"), "SIS")],
        ("events", 0, "flag", "database"),
        r"^unknown database 'SIS'; known databases: BNG$",
    ),
    (
        [(("events", 1), {"at": "2015-11-20", "flag": {"name": "S", "agency": "Judje"}})],
        ("events", 1, "flag", "agency"),
        r"^unknown agency 'Judje' \(did you mean 'Judge'\?\)",
    ),
    (
        [(("events", 1), {"at": "2015-11-20", "tip": {"to": "OCAM", "current": True}})],
        ("events", 1, "tip", "to"),
        r"^unknown agency 'OCAM'",
    ),
    (
        [(("events", 1), {"at": "2015-11-20", "tip": {"to": "Federal", "place": "Evre"}})],
        ("events", 1, "tip", "place"),
        r"^unknown place 'Evre' \(did you mean 'Evere'\?\)",
    ),
    (
        [(("events", 1), {"at": "2015-11-20", "tip": {"to": "Federal", "house": "flatt"}})],
        ("events", 1, "tip", "house"),
        r"^unknown safe house or haunt 'flatt' \(did you mean 'flat'\?\)",
    ),
    (
        [(("events", 1), {"at": "2015-11-20", "stop": {"agency": "Police", "place": "Evere"}})],
        ("events", 1, "stop", "agency"),
        r"^unknown agency 'Police'",
    ),
    (
        [(("events", 1), {"at": "2015-11-20", "stop": {"agency": "Federal", "place": "Cambrai"}})],
        ("events", 1, "stop", "place"),
        r"^unknown place 'Cambrai'",
    ),
    (
        [(("raids", "warrant", "judge"), "Juge")],
        ("raids", "warrant", "judge"),
        r"^unknown agency 'Juge' \(did you mean 'Judge'\?\); known agencies: Judge$",
    ),
    (
        [(("raids", "warrant", "judge"), "Police-Nord")],
        ("raids", "warrant", "judge"),
        r"^'Police-Nord' is a local_police agency, not a judge or prosecutor; name an agency of "
        r"kind judge or prosecutor \(Judge\)$",
    ),
    (
        [(("agencies", "Judge"), DELETE)],
        ("raids", "warrant", "judge"),
        r"^unknown agency 'Judge'; known agencies: Federal, Police-Nord, Police-Ouest$",
    ),
]


@pytest.mark.parametrize(
    ("edits", "path", "message"),
    DANGLING,
    ids=[".".join(str(k) for k in case[1]) for case in DANGLING],
)
def test_each_dangling_reference_is_named_with_a_fix(minimal_doc, edits, path, message):
    findings = check_references(changed(minimal_doc, *edits))
    assert len(findings) == 1, findings
    found_path, found_message = findings[0]
    assert found_path == path
    assert re.search(message, found_message), found_message


@pytest.mark.parametrize(
    "edits",
    [
        [(("agencies", "Federal", "jurisdiction"), ["Nord", "Jette"])],  # zones and places mix
        [(("agencies", "Judge", "kind"), "prosecutor")],
        [(("databases", "BNG", "owner"), "local")],
        [(("databases", "BNG", "alerts"), {"to": ["local", "Federal"]})],
        [(("tips", "stops"), [{"rate": "1/week"}])],  # local police everywhere: fine
        [(("tips", "sightings", 0, "places"), "all")],
        [(("fugitive", "itinerary"), [{"at": "2015-11-14", "place": "Evere"}] * 2)],  # same time
        [
            (("agencies", "Federal", "jurisdiction"), DELETE),
            (("agencies", "Federal", "zone"), "Nord"),
        ],
        [(("channels", 1, "from_"), "Federal"), (("channels", 1, "from"), DELETE)],
    ],
)
def test_valid_references_are_accepted(minimal_doc, edits):
    assert check_references(changed(minimal_doc, *edits)) == []


def test_all_dangling_references_are_found_together(minimal_doc):
    doc = changed(
        minimal_doc,
        (("channels", 0, "to"), "Nobody"),
        (("fugitive", "start_house"), "nowhere"),
        (("raids", "warrant", "judge"), "Nobody"),
    )
    assert [path for path, _ in check_references(doc)] == [
        ("channels", 0, "to"),
        ("fugitive", "start_house"),
        ("raids", "warrant", "judge"),
    ]


@pytest.mark.parametrize(
    "edits",
    [
        [(("zones",), ["Nord", "Ouest"])],
        [(("zones", "Nord"), "Schaerbeek")],
        [(("zones", "Nord", "communes"), [1, None, {"a": 1}])],
        [(("agencies",), "everyone")],
        [(("agencies", "Federal"), None)],
        [(("agencies", "Federal", "raid_teams"), "two")],
        [(("agencies", "Federal", "jurisdiction"), 5)],
        [(("channels",), {"from": "a"})],
        [(("channels", 0), "Federal -> Judge")],
        [(("fugitive",), [])],
        [(("fugitive", "itinerary"), [{"at": "soon", "place": 3}, None])],
        [(("tips", "sightings"), [None, {"reporters": ["local"], "places": 7}])],
        [(("events",), [{"flag": "BNG"}, {"tip": None}, 5])],
        [(("raids", "warrant"), "yes")],
    ],
)
def test_malformed_parts_are_skipped_not_crashed_on(minimal_doc, edits):
    findings = check_references(changed(minimal_doc, *edits))
    assert all(isinstance(message, str) for _, message in findings)


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    ["zones", "places", "agencies", "channels", "databases", "fugitive", "tips", "events", "raids"]
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, JUNK, max_size=6))
def test_any_document_shape_gives_findings_never_an_exception(doc):
    for path, message in check_references(doc):
        assert isinstance(path, tuple) and isinstance(message, str)


@settings(max_examples=100, deadline=None)
@given(
    block=KEYS,
    junk=JUNK,
)
def test_junk_in_one_block_of_a_real_scenario_never_crashes(minimal_doc, block, junk):
    check_references(changed(minimal_doc, ((block,), junk)))


def test_not_a_mapping_has_no_references():
    assert check_references(["a", "b"]) == []  # type: ignore[arg-type]


def test_dangling_reference_through_the_loader_has_file_and_line(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("to: Federal", "to: Federl")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "to: Federl" in row)
    with pytest.raises(
        ScenarioError, match=re.escape(f"{path}:{line}: channels.0.to: unknown agency 'Federl'")
    ):
        load_scenario(path)
