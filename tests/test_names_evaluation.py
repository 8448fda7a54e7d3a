"""The test bed of ``sim names``: population, recall and precision, and the command's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analysis.matcher_quality import default_writers, evaluate
from sim.cli import app
from sim.core.streams import Stream
from sim.names.matchers import parse_matcher
from sim.names.population import MAX_SIZE, ORIGINS, population

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "brussels-2015.yaml"


def test_population_is_deterministic_distinct_and_mixed():
    people = population(Stream(0, 0, "p"), 2000)
    assert people == population(Stream(0, 0, "p"), 2000)
    assert len({name for _, name in people}) == 2000
    for origin, *_, share in ORIGINS:
        count = sum(o == origin for o, _ in people)
        assert abs(count / 2000 - share) < 0.05, (origin, count)
    with pytest.raises(ValueError, match="at most"):
        population(Stream(0, 0, "p"), MAX_SIZE + 1)


@pytest.fixture(scope="module")
def scores():
    specs = [parse_matcher(m) for m in ("exact", "soundex", "levenshtein")]
    specs += [spec.normalised() for spec in specs]
    found = evaluate(default_writers(), ("Salah Abdeslam",), 1.0, specs, size=400, seed=3)
    return {score.spec.label: score for score in found}


def test_exact_matching_is_precise_and_misses_variants(scores):
    exact = scores["exact"]
    assert exact.precision > 0.98
    assert exact.recall < 0.6  # four conventions rarely write a name alike


def test_the_normaliser_raises_recall_without_losing_much_precision(scores):
    for method in ("exact", "soundex", "levenshtein<=0.2"):
        plain, normalised = scores[method], scores[f"normalised {method}"]
        assert normalised.recall > plain.recall + 0.1, method
        assert normalised.precision > plain.precision - 0.1, method


def test_figures_are_counts_over_people(scores):
    for score in scores.values():
        assert 0 <= score.true_links <= score.people == 400
        assert score.recall == score.true_links / 400
        links = score.true_links + score.false_links
        assert score.precision == pytest.approx(score.true_links / links)


def test_sim_names_json_lists_matchers_with_recall_precision_and_intervals():
    result = CliRunner().invoke(
        app, ["names", "--scenario", str(BASE), "--json", "--population", "300"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    entries = document["matchers"]
    assert len(entries) >= 5
    by_name = {entry["matcher"]: entry for entry in entries}
    exact = by_name["exact"]
    for entry in entries:
        for key in ("recall", "precision", "fugitive_recall"):
            low, high = entry[f"{key}_ci95"]
            assert low <= entry[key] <= high, (entry["matcher"], key)
    assert max(e["recall"] for e in entries) > exact["recall"]
    assert document["writers"] == {"fr": 11, "nl": 2, "tr": 1}
    assert document["best_f1"] in by_name


def test_sim_names_scores_the_matchers_asked_for():
    result = CliRunner().invoke(
        app,
        [
            *("names", "--json", "--population", "100", "--matcher", "exact"),
            *("--matcher", "{jaro_winkler: 0.95}", "--matcher", "normalised metaphone"),
        ],
    )
    assert result.exit_code == 0, result.output
    labels = [e["matcher"] for e in json.loads(result.output)["matchers"]]
    assert labels == ["exact", "jaro_winkler>=0.95", "normalised metaphone"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--matcher", "fuzzy"], "unknown matcher 'fuzzy'"),
        (["--set", "horizon=10d"], "--set needs a --scenario"),
        (["--population", "100000"], "--population: at most"),
    ],
)
def test_sim_names_refuses_bad_input(args, message):
    result = CliRunner().invoke(app, ["names", *args])
    assert result.exit_code == 2
    assert message in result.output
