"""The reform menu's multiplicity-honest statements: exact p-values, Holm, reform against reform.

Tiny scenarios where informants call the police at a known rate: a setup with more informants
captures him more often, one that differs only in a number the model never reads captures him in
exactly the same replications (common random numbers), so its p-value is 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from builders import doc, validate
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.compare import compare
from sim.experiments.stats import holm, mcnemar_exact


def _informants(rate: str, name: str, near_miss: str = "12h") -> dict:
    return {
        "name": name,
        "horizon": "10d",
        "tips": {"sightings": [{"rate": rate, "reporters": {"Police": 1}}]},
        "raids": {"near_miss_window": near_miss},
    }


def _menu_docs() -> list[dict]:
    return [
        doc(_informants("1/20d", "base")),
        doc(_informants("1/4d", "many-informants")),
        doc(_informants("1/15d", "a-few-more")),
        doc(_informants("1/20d", "same-but-a-counter", near_miss="48h")),
    ]


def _menu():
    return [validate(d) for d in _menu_docs()]


@pytest.fixture(scope="module")
def menu():
    return compare(_menu(), runs=300, seed=3)


def _discordant(a: bytearray, b: bytearray) -> tuple[int, int]:
    only_a = sum(x and not y for x, y in zip(a, b, strict=True))
    only_b = sum(y and not x for x, y in zip(a, b, strict=True))
    return only_a, only_b


def test_each_difference_carries_its_exact_p_value_and_holm_across_the_menu(menu):
    base = menu.tallies[0]
    for d, tally in zip(menu.differences, menu.tallies[1:], strict=True):
        expected = mcnemar_exact(*_discordant(base.outcomes, tally.outcomes))
        assert d.p_value == pytest.approx(expected)
    assert [d.p_adjusted for d in menu.differences] == pytest.approx(
        holm([d.p_value for d in menu.differences])
    )


def test_a_large_gain_is_clear_and_a_number_the_model_never_reads_changes_nothing(menu):
    by_name = {d.b: d for d in menu.differences}
    assert by_name["many-informants"].clear, by_name["many-informants"]
    same = by_name["same-but-a-counter"]
    assert (same.replications_that_differ, same.p_value, same.p_adjusted) == (0, 1.0, 1.0)
    assert not same.clear


def test_simultaneous_intervals_are_wider_than_the_single_ones(menu):
    for d in menu.differences:
        low, high = d.simultaneous_ci95
        assert low <= d.ci95[0] and d.ci95[1] <= high, d


def test_every_pair_of_reforms_is_compared_once_and_adjusted_as_its_own_family(menu):
    pairs = {(d.a, d.b) for d in menu.pairwise}
    assert pairs == {
        ("many-informants", "a-few-more"),
        ("many-informants", "same-but-a-counter"),
        ("a-few-more", "same-but-a-counter"),
    }
    assert [d.p_adjusted for d in menu.pairwise] == pytest.approx(
        holm([d.p_value for d in menu.pairwise])
    )
    beaten = {d.b: d for d in menu.pairwise if d.a == "many-informants"}
    assert beaten["same-but-a-counter"].capture_rate_diff < 0 and beaten["same-but-a-counter"].clear


def test_compare_json_gives_p_value_and_p_adjusted(tmp_path: Path):
    paths = []
    for raw in _menu_docs()[:3]:
        path = tmp_path / f"{raw['name']}.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        paths.append(str(path))
    store = str(tmp_path / "store.sqlite")
    result = CliRunner().invoke(
        app, ["compare", *paths, "--runs", "50", "--json", "--no-plots", "-q", "--store", store]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for d in out["differences"]:
        assert 0 <= d["p_value"] <= d["p_adjusted"] <= 1
    assert len(out["pairwise"]) == 1
