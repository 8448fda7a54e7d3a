"""How well each matcher links the spellings a scenario's writers produce: recall and precision.

The test bed (what ``sim names`` reports):

1. a generated population of other people (:mod:`sim.names.population`);
2. for each person, two writings of the name by two writers drawn from the scenario's agencies
   (each agency's convention, typing-error rate and the scenario's ``names.variation``): the
   **query** (a tip) and the **record** (a database entry);
3. every query is looked up among every record, as a database lookup would.

**Recall** is the share of people whose query the matcher links to their own record. **Precision**
is the share of all links made that point to the right person (a link to somebody else with a
similar, or the same, name is a false link). Both get Wilson intervals; the links of one query are
not independent draws, so the precision interval is indicative. **Fugitive recall** is the recall
on the scenario's own fugitive: pairs of writings of his name, the case the model plays out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from sim.core.streams import Stream
from sim.experiments.stats import wilson_interval
from sim.names.conventions import CONVENTIONS, Convention, convention
from sim.names.matchers import METHODS, MatcherSpec, link_matrix, matcher, parse_matcher
from sim.names.population import DEFAULT_SIZE, population
from sim.names.variants import write_name
from sim.scenario.schema import Scenario, convention_of


@dataclass(frozen=True)
class Writer:
    """Someone who writes names: a convention and a typing-error rate."""

    convention: Convention
    typo_rate: float


class ScoreDict(TypedDict):
    """One matcher's figures as plain values (:meth:`Score.as_dict`)."""

    matcher: str
    method: str
    threshold: float | None
    normalise: bool
    recall: float
    recall_ci95: list[float]
    precision: float
    precision_ci95: list[float]
    true_links: int
    false_links: int
    false_links_per_query: float
    f1: float
    fugitive_recall: float
    fugitive_recall_ci95: list[float]


@dataclass(frozen=True)
class Score:
    """One matcher's figures on one test bed."""

    spec: MatcherSpec
    people: int
    true_links: int
    false_links: int
    fugitive_pairs: int
    fugitive_links: int

    @property
    def recall(self) -> float:
        """Share of people whose two writings the matcher links."""
        return self.true_links / self.people

    @property
    def precision(self) -> float:
        """Share of links made that are right (1 when the matcher links nothing)."""
        links = self.true_links + self.false_links
        return self.true_links / links if links else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of recall and precision: one number to rank matchers by."""
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0

    @property
    def fugitive_recall(self) -> float:
        """Share of pairs of writings of the fugitive's name that the matcher links."""
        return self.fugitive_links / self.fugitive_pairs

    def as_dict(self) -> ScoreDict:
        """The figures as plain values (the ``sim names --json`` entry)."""
        links = self.true_links + self.false_links
        return {
            "matcher": self.spec.label,
            "method": self.spec.method,
            "threshold": self.spec.threshold,
            "normalise": self.spec.normalise,
            "recall": self.recall,
            "recall_ci95": list(wilson_interval(self.true_links, self.people)),
            "precision": self.precision,
            "precision_ci95": list(wilson_interval(self.true_links, links)) if links else [1, 1],
            "true_links": self.true_links,
            "false_links": self.false_links,
            "false_links_per_query": self.false_links / self.people,
            "f1": self.f1,
            "fugitive_recall": self.fugitive_recall,
            "fugitive_recall_ci95": list(wilson_interval(self.fugitive_links, self.fugitive_pairs)),
        }


def default_matchers() -> list[MatcherSpec]:
    """Every method at its default threshold, without and then with the normaliser."""
    plain = [parse_matcher(method) for method in METHODS]
    return plain + [spec.normalised() for spec in plain]


def writers_of(scenario: Scenario) -> list[Writer]:
    """One writer per agency of the scenario, in its convention and with its typing errors."""
    return [
        Writer(convention(convention_of(spec)), spec.typo_rate)
        for spec in scenario.agencies.values()
    ]


def default_writers() -> list[Writer]:
    """One writer per convention, without typing errors (when no scenario is given)."""
    return [Writer(convention(name), 0.0) for name in CONVENTIONS]


def _written(
    names: Sequence[str], writers: Sequence[Writer], stream: Stream, variation: float
) -> list[str]:
    out = []
    for name in names:
        writer = writers[min(int(stream.uniform() * len(writers)), len(writers) - 1)]
        out.append(write_name(name, writer.convention, stream, writer.typo_rate, variation))
    return out


def evaluate_scenario(
    scenario: Scenario,
    matchers: Sequence[MatcherSpec] | None = None,
    size: int = DEFAULT_SIZE,
    seed: int = 0,
) -> list[Score]:
    """Recall and precision of each matcher on the spellings ``scenario``'s writers produce."""
    fugitive = (scenario.fugitive.name, *scenario.fugitive.aliases)
    return evaluate(
        writers_of(scenario), fugitive, scenario.names.variation, matchers, size, seed=seed
    )


def evaluate(
    writers: Sequence[Writer],
    fugitive: Sequence[str],
    variation: float = 1.0,
    matchers: Sequence[MatcherSpec] | None = None,
    size: int = DEFAULT_SIZE,
    fugitive_pairs: int = 1000,
    seed: int = 0,
) -> list[Score]:
    """Recall and precision of each matcher on the spellings some writers produce.

    Args:
        writers: who writes the names (each writing picks one at random).
        fugitive: the fugitive's names (true name and aliases) for the fugitive recall.
        variation: the factor on every re-spelling chance (a scenario's ``names.variation``).
        matchers: the matchers to score (default: :func:`default_matchers`).
        size: people in the generated population.
        fugitive_pairs: pairs of writings of the fugitive's name (and aliases) to score.
        seed: the seed of the population and of the writings (streams ``names.population``,
            ``names.queries``, ``names.records``, ``names.fugitive``).
    """
    people = [name for _, name in population(Stream(seed, 0, "names.population"), size)]
    queries = _written(people, writers, Stream(seed, 0, "names.queries"), variation)
    records = _written(people, writers, Stream(seed, 0, "names.records"), variation)
    base = [fugitive[i % len(fugitive)] for i in range(fugitive_pairs)]
    fugitive_stream = Stream(seed, 0, "names.fugitive")
    tips = _written(base, writers, fugitive_stream, variation)
    files = _written(base, writers, fugitive_stream, variation)
    scores = []
    for spec in matchers if matchers is not None else default_matchers():
        links = link_matrix(spec, queries, records)
        true_links = int(np.trace(links))
        same = matcher(spec).same
        scores.append(
            Score(
                spec=spec,
                people=size,
                true_links=true_links,
                false_links=int(links.sum()) - true_links,
                fugitive_pairs=fugitive_pairs,
                fugitive_links=sum(same(a, b) for a, b in zip(tips, files, strict=True)),
            )
        )
    return scores
