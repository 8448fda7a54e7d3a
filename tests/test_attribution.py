"""Friction attribution: each removal does one thing, and Shapley shares add up to the gap."""

import copy
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim.analysis.attribution as attribution
from sim.analysis.attribution import _exact_shares, _sampled_shares, attribute
from sim.analysis.frictions import FRICTIONS, present_frictions, without
from sim.experiments.store import ResultsStore
from sim.scenario import load_document
from sim.scenario.loader import validate_document

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "scenarios" / "minimal.yaml"
BRUSSELS = HERE.parent / "scenarios" / "brussels-2015.yaml"


@pytest.fixture(scope="module")
def brussels_doc():
    return load_document(BRUSSELS)[0]


def test_the_bundled_scenario_has_every_friction(brussels_doc):
    assert {f.key for f in present_frictions(brussels_doc)} == {f.key for f in FRICTIONS}


def test_each_removal_makes_its_friction_absent_and_leaves_a_valid_scenario(brussels_doc):
    for friction in FRICTIONS:
        changed = without(brussels_doc, [friction])
        assert not friction.present(changed), friction.key
        validate_document(changed)  # raises if the removal broke the scenario


def test_removals_commute_and_do_not_touch_the_original(brussels_doc):
    before = copy.deepcopy(brussels_doc)
    for a, b in itertools.combinations(FRICTIONS, 2):
        one_way = copy.deepcopy(brussels_doc)
        a.remove(one_way)
        b.remove(one_way)
        other_way = copy.deepcopy(brussels_doc)
        b.remove(other_way)
        a.remove(other_way)
        assert one_way == other_way, (a.key, b.key)
    assert brussels_doc == before


def test_the_common_database_copies_register_events_as_they_are_and_skips_foreign_services(
    brussels_doc,
):
    from sim.analysis.frictions import BY_KEY, COMMON_DATABASE

    changed = without(brussels_doc, [BY_KEY["fragmented_channels"]])
    copies = [
        e["flag"] for e in changed["events"] if e.get("flag", {}).get("database") == COMMON_DATABASE
    ]
    originals = [e["flag"] for e in brussels_doc["events"] if "flag" in e]
    assert len(copies) == len(originals)
    assert sum(bool(c.get("ambiguous")) for c in copies) == sum(
        bool(o.get("ambiguous")) for o in originals
    )
    for name, agency in changed["agencies"].items():
        reads = COMMON_DATABASE in (agency.get("databases") or {})
        assert reads == (agency["kind"] != "foreign_service"), name


def test_exact_shapley_of_a_known_game():
    # Per-replication outcomes of a 3-friction game: removing A alone or B and C together captures.
    keys = ["A", "B", "C"]
    y = {}
    for n in range(4):
        for combo in itertools.combinations(keys, n):
            s = frozenset(combo)
            y[s] = np.array([float("A" in s or {"B", "C"} <= s)])
    shares = _exact_shares(keys, y)
    # v(N) - v(empty) = 1; by hand: A gets 2/3, B and C 1/6 each.
    assert shares["A"][0] == pytest.approx(2 / 3)
    assert shares["B"][0] == pytest.approx(1 / 6)
    assert shares["C"][0] == pytest.approx(1 / 6)


def test_sampled_orders_add_up_and_approach_the_exact_values():
    keys = ["A", "B", "C", "D"]
    y = {}
    for n in range(5):
        for combo in itertools.combinations(keys, n):
            s = frozenset(combo)
            y[s] = np.array([0.1 * len(s) + 0.5 * ("A" in s and "B" in s)])
    exact = _exact_shares(keys, y)
    orders = list(itertools.permutations(keys))  # all 24 orders: sampling is then exact
    sampled, error = _sampled_shares(keys, y, orders)
    for key in keys:
        assert sampled[key][0] == pytest.approx(exact[key][0])
    assert sum(v[0] for v in sampled.values()) == pytest.approx(
        y[frozenset(keys)][0] - y[frozenset()][0]
    )
    assert error >= 0


@pytest.mark.parametrize("max_exact", [8, 2], ids=["exact", "sampled"])
def test_shapley_values_sum_to_the_total_gap(tmp_path, monkeypatch, max_exact):
    monkeypatch.setattr(attribution, "MAX_EXACT", max_exact)
    result = attribute(
        MINIMAL, runs=80, seed=2, orders=6, store=ResultsStore(tmp_path / "a.sqlite")
    )
    total = sum(f.shapley for f in result.frictions)
    assert total == pytest.approx(result.total_gap, abs=1e-5)
    assert result.method == ("exact" if max_exact == 8 else "sampled orders")
    assert result.total_gap == pytest.approx(
        result.frictionless_rate - result.baseline_rate, abs=1e-5
    )
    for f in result.frictions:
        assert f.ci95[0] <= f.remove_alone_delta <= f.ci95[1]
        assert f.shapley_ci95[0] <= f.shapley <= f.shapley_ci95[1]


def test_a_friction_that_changes_nothing_gets_nothing(tmp_path):
    # The minimal scenario's offices have no queue worth the name: removing it changes no run.
    result = attribute(MINIMAL, runs=60, seed=1, store=ResultsStore(tmp_path / "b.sqlite"))
    queues = next(f for f in result.frictions if f.friction == "analyst_queues")
    assert queues.remove_alone_delta == 0
    assert queues.ci95[0] < 0 < queues.ci95[1] and queues.ci95[1] - queues.ci95[0] < 0.15


def test_a_repeated_attribution_computes_nothing(tmp_path):
    store = ResultsStore(tmp_path / "c.sqlite")
    first = attribute(MINIMAL, runs=40, seed=3, store=store)
    calls = []
    again = attribute(
        MINIMAL, runs=40, seed=3, store=store, progress=lambda d, w: calls.append((d, w))
    )
    assert again == first
    assert all(done == wanted for done, wanted in calls)


def test_cli_json_shape(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "attribute",
            str(MINIMAL),
            "--runs",
            "30",
            "--seed",
            "1",
            "--json",
            "--quiet",
            "--store",
            str(tmp_path / "s.sqlite"),
            "--out",
            str(tmp_path / "p"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert {"total_gap", "frictions"} <= set(data)
    assert {"friction", "remove_alone_delta", "ci95", "shapley", "shapley_ci95"} <= set(
        data["frictions"][0]
    )
    assert (tmp_path / "p" / "frictions-shapley.png").exists()


CASES = HERE.parent / "scenarios" / "cases"


@pytest.mark.parametrize("stem", ["el-bakraoui-2015", "amri-2016", "amri-2016-flight"])
def test_each_removal_leaves_a_valid_case_scenario(stem):
    """The frictions apply to the cases as they are: every removal validates, alone or all."""
    doc = load_document(CASES / f"{stem}.yaml")[0]
    found = present_frictions(doc)
    assert len(found) >= 6, [f.key for f in found]
    for friction in found:
        changed = without(doc, [friction])
        assert not friction.present(changed), (stem, friction.key)
        validate_document(changed)
    validate_document(without(doc, found))


def test_the_common_database_also_receives_what_rules_raise():
    """A record a service's rule raises (the court's revocation, the prosecutor's warrant) goes
    into the common database too, so removing fragmentation reaches the raised records; the
    rule's other databases and its other keys stay as they were."""
    from sim.analysis.frictions import BY_KEY, COMMON_DATABASE

    for stem, agency in (("el-bakraoui-2015", "TAP"), ("amri-2016", "GenStA-Berlin")):
        doc = load_document(CASES / f"{stem}.yaml")[0]
        (rule,) = doc["agencies"][agency]["raises"]
        changed = without(doc, [BY_KEY["fragmented_channels"]])
        (moved,) = changed["agencies"][agency]["raises"]
        assert moved["databases"] == [*rule["databases"], COMMON_DATABASE], stem
        assert {k: v for k, v in moved.items() if k != "databases"} == {
            k: v for k, v in rule.items() if k != "databases"
        }
        assert doc["agencies"][agency]["raises"][0]["databases"] == rule["databases"]
