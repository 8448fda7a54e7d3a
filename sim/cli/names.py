"""``sim names``: how well each name matcher links the spellings a scenario's writers produce."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.table import Table

from sim.cli.common import Json, Seed, Sets, bad_input, console, load_or_exit
from sim.names.population import DEFAULT_SIZE, MAX_SIZE

if TYPE_CHECKING:
    from sim.analysis.matcher_quality import Score
    from sim.names.matchers import MatcherSpec

#: Whose name the fugitive recall is measured on when no scenario is given.
DEFAULT_FUGITIVE = ("Salah Abdeslam",)

ScenarioOption = Annotated[
    Path | None,
    typer.Option(
        "--scenario",
        help="Scenario whose agencies' conventions and typing errors write the names "
        "(default: one writer per convention, no typing errors).",
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
Population = Annotated[
    int,
    typer.Option("--population", help="Other people in the test population.", min=10),
]
Matchers = Annotated[
    list[str] | None,
    typer.Option(
        "--matcher",
        help="Score this matcher instead of the default list (repeatable): soundex, "
        "'{jaro_winkler: 0.95}', 'normalised metaphone'...",
        show_default=False,
    ),
]


def _parse(text: str) -> MatcherSpec:
    from sim.names.matchers import parse_matcher

    normalised = text.startswith("normalised ")
    value = yaml.safe_load(text.removeprefix("normalised ").strip())
    try:
        return parse_matcher(value).normalised(normalised)
    except ValueError as err:
        bad_input(f"--matcher {text}: {err}")


def names(
    scenario: ScenarioOption = None,
    as_json: Json = False,
    population: Population = DEFAULT_SIZE,
    seed: Seed = 0,
    matcher: Matchers = None,
    sets: Sets = None,
) -> None:
    """Recall and precision of each name matcher, with 95 % intervals, to choose one on evidence."""
    from sim.analysis.matcher_quality import (
        default_matchers,
        default_writers,
        evaluate,
        writers_of,
    )

    if population > MAX_SIZE:
        bad_input(f"--population: at most {MAX_SIZE} (the name lists run out of distinct names)")
    specs = [_parse(text) for text in matcher] if matcher else default_matchers()
    if scenario is not None:
        loaded = load_or_exit(scenario, sets)
        writers = writers_of(loaded)
        fugitive = (loaded.fugitive.name, *loaded.fugitive.aliases)
        variation, label = loaded.names.variation, loaded.name
    else:
        if sets:
            bad_input("--set needs a --scenario to apply to")
        writers, fugitive, variation, label = default_writers(), DEFAULT_FUGITIVE, 1.0, None
    scores = evaluate(writers, fugitive, variation, specs, population, seed=seed)
    conventions: dict[str, int] = dict(sorted(Counter(w.convention.name for w in writers).items()))
    if as_json:
        print(json.dumps(_document(label, population, seed, conventions, fugitive, scores)))
        return
    _table(label, population, conventions, fugitive, scores)


def _document(
    label: str | None,
    population: int,
    seed: int,
    conventions: dict[str, int],
    fugitive: tuple[str, ...],
    scores: list[Score],
) -> dict[str, object]:
    best = max(scores, key=lambda s: s.f1)
    return {
        "scenario": label,
        "population": population,
        "seed": seed,
        "writers": conventions,
        "fugitive": list(fugitive),
        "matchers": [s.as_dict() for s in scores],
        "best_f1": best.spec.label,
    }


def _interval(value: float, ci: Sequence[float]) -> str:
    low, high = ci
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def _table(
    label: str | None,
    population: int,
    conventions: dict[str, int],
    fugitive: tuple[str, ...],
    scores: list[Score],
) -> None:
    writers = ", ".join(f"{name} x{count}" for name, count in conventions.items())
    title = (
        f"{label or 'default writers'}: {population} people; writers {writers}; "
        "95 % intervals in brackets"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("matcher")
    for column in ("recall", "precision", "false/query", f"recall on {fugitive[0]}"):
        table.add_column(column, justify="right")
    for score in scores:
        d = score.as_dict()
        table.add_row(
            score.spec.label,
            _interval(score.recall, d["recall_ci95"]),
            _interval(score.precision, d["precision_ci95"]),
            f"{score.false_links / score.people:.3f}",
            _interval(score.fugitive_recall, d["fugitive_recall_ci95"]),
        )
    console.print(table)
    best = max(scores, key=lambda s: s.f1)
    console.print(f"best balance (F1 of recall and precision): {best.spec.label}", markup=False)
