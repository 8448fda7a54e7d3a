"""Do the 95 % intervals mean what they claim? A repeated-experiment coverage study.

An *experiment* is what a user does: run ``n`` replications under one master seed and report an
interval. Here the same experiment is repeated with many master seeds on scenarios whose true
answer is known in closed form, and we count how often the interval covers the truth.

* **Capture probability** (Wilson interval, :func:`sim.experiments.stats.wilson_interval`): Poisson
  tips at rate λ to a service that searches at once, horizon T, so p = 1 − e^{−λT} exactly.
* **Paired difference** (Tango's score interval, :func:`sim.experiments.stats.paired_proportions`,
  the one ``sim compare`` reports; and, for comparison, the paired t interval it replaced): the same
  scenario and a variant whose service forgets a share f of dossiers, run on common random numbers.
  Forgetting can only delay the capture, so replication r differs between the two setups only when A
  catches him and B does not: d_r ∈ {−1, 0}, with P(d_r = −1) = δ = p_A − p_B = e^{−λ(1−f)T} −
  e^{−λT}.

Because a run's outcome is Bernoulli, the *exact* coverage of both intervals for given n is a
finite sum over the binomial number of captures (or of discordant pairs): the simulated coverage
is compared with that exact value, not with a loose "about 95 %". The Wilson interval's exact
coverage wanders around 95 % with n and p (Brown, Cai and DasGupta 2001); the paired t interval
collapses to [0, 0] when no replication differs, so it under-covers when n·δ is small, which is why
the tool reports Tango's interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.experiments.stats import (
    newcombe_difference,
    paired_difference,
    paired_proportions,
    wilson_interval,
)
from sim.model.replication import Model
from sim.validation.builders import document, scenario, searcher, sightings

#: Informants call once a day; the horizon sets the capture probability.
RATE = 1 / 24

#: Master seeds of the repeated experiments start here (experiment e uses FIRST_SEED + e).
FIRST_SEED = 1000


def horizon_for(p: float) -> float:
    """Hours of horizon that give capture probability ``p`` at :data:`RATE`."""
    return -math.log1p(-p) / RATE


def capture_document(horizon: float, forget: float = 0.0) -> dict[str, object]:
    """Poisson tips to a service that searches at once (and forgets a share ``forget``)."""
    police = searcher(forget=forget)
    return document(horizon, {"Police": police}, tips={"sightings": [sightings(RATE, "Police")]})


def outcomes(doc: dict[str, object], seed: int, runs: int) -> np.ndarray:
    """Captured (1) or not (0) in replications 0..runs-1 of one experiment."""
    scen = scenario(doc)
    return np.array([int(Model(scen, seed, r).run()["captured"]) for r in range(runs)])


def _experiment(job: tuple[list[dict[str, object]], int, int]) -> list[np.ndarray]:
    docs, seed, runs = job
    return [outcomes(doc, seed, runs) for doc in docs]


def experiments(
    docs: list[dict[str, object]], count: int, runs: int, jobs: int = 1
) -> list[list[np.ndarray]]:
    """Outcomes of ``count`` experiments of ``runs`` replications of each document.

    Experiment e runs every document with master seed ``FIRST_SEED + e``: the documents of one
    experiment share common random numbers, different experiments are independent.
    """
    work = [(docs, FIRST_SEED + e, runs) for e in range(count)]
    if jobs <= 1:
        return [_experiment(w) for w in work]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_experiment, work, chunksize=max(1, count // (4 * jobs))))


# --- exact coverage ---------------------------------------------------------------------------


def exact_wilson_coverage(n: int, p: float, confidence: float = 0.95) -> float:
    """Probability that the Wilson interval from Bin(n, p) captures covers p."""
    total = 0.0
    for k in range(n + 1):
        low, high = wilson_interval(k, n, confidence)
        if low <= p <= high:
            total += float(stats.binom.pmf(k, n, p))
    return total


def paired_interval(
    discordant: int, n: int, confidence: float = 0.95, method: str = "tango"
) -> tuple[float, float]:
    """The paired interval when ``discordant`` of ``n`` replications have d = −1, the rest 0.

    ``method`` is ``"tango"`` (what ``sim compare`` reports) or ``"t"`` (the paired t interval).
    """
    a = np.ones(n)
    b = np.ones(n)
    b[:discordant] = 0.0
    if method == "t":
        return paired_difference(a, b, confidence)[1]
    return paired_proportions(a, b, confidence)[1]


def exact_paired_coverage(
    n: int, delta: float, confidence: float = 0.95, method: str = "tango"
) -> float:
    """Probability that the paired interval covers −δ when d_r = −1 w.p. δ, else 0."""
    total = 0.0
    for k in range(n + 1):
        low, high = paired_interval(k, n, confidence, method)
        if low <= -delta <= high:
            total += float(stats.binom.pmf(k, n, delta))
    return total


# --- the study --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """Coverage of one interval at one (truth, n) over repeated experiments.

    Attributes:
        interval: which interval ("Wilson", "paired t", "Newcombe (unpaired)").
        truth: the true capture probability or difference.
        runs: replications per experiment (n).
        experiments: how many experiments were repeated.
        covered: in how many the interval covered the truth.
        exact: the exact coverage for this n and truth (NaN where not computed).
        p_value: exact binomial test of ``covered`` against ``exact`` (NaN where not computed).
        mean_width: the interval's mean width.
    """

    interval: str
    truth: float
    runs: int
    experiments: int
    covered: int
    exact: float
    p_value: float
    mean_width: float

    @property
    def coverage(self) -> float:
        """Share of experiments whose interval covered the truth."""
        return self.covered / self.experiments

    @property
    def coverage_ci(self) -> tuple[float, float]:
        """Wilson 95 % interval of the coverage itself."""
        return wilson_interval(self.covered, self.experiments)


def _row(
    name: str, truth: float, n: int, intervals: list[tuple[float, float]], exact: float
) -> CoverageRow:
    covered = sum(low <= truth <= high for low, high in intervals)
    count = len(intervals)
    p = math.nan if math.isnan(exact) else float(stats.binomtest(covered, count, exact).pvalue)
    width = float(np.mean([high - low for low, high in intervals]))
    return CoverageRow(name, truth, n, count, covered, exact, p, width)


def wilson_study(
    probabilities: Sequence[float], sizes: Sequence[int], count: int, jobs: int = 1
) -> list[CoverageRow]:
    """Coverage of the Wilson interval of the capture probability.

    The experiments of size n are the first n replications of experiments of the largest size
    (prefixes), so every row uses the same ``count`` independent experiments.
    """
    docs = [capture_document(horizon_for(p)) for p in probabilities]
    truths = [1 - math.exp(-RATE * scenario(d).horizon) for d in docs]
    results = experiments(docs, count, max(sizes), jobs)
    rows = []
    for i, truth in enumerate(truths):
        for n in sizes:
            intervals = [wilson_interval(int(r[i][:n].sum()), n) for r in results]
            rows.append(_row("Wilson", truth, n, intervals, exact_wilson_coverage(n, truth)))
    return rows


def paired_study(
    capture: float, forgets: Sequence[float], sizes: Sequence[int], count: int, jobs: int = 1
) -> list[CoverageRow]:
    """Coverage of the paired (Tango, and paired t) and the unpaired Newcombe interval.

    Setup A catches him with probability ``capture``; each setup B forgets a share f of the
    dossiers. Returns paired and Newcombe rows for every f and n.
    """
    horizon = horizon_for(capture)
    docs = [capture_document(horizon), *(capture_document(horizon, f) for f in forgets)]
    t = scenario(docs[0]).horizon
    results = experiments(docs, count, max(sizes), jobs)
    rows = []
    for j, f in enumerate(forgets, start=1):
        delta = math.exp(-RATE * (1 - f) * t) - math.exp(-RATE * t)
        _check_coupling(results, j)
        for n in sizes:
            pairs = [(r[0][:n], r[j][:n]) for r in results]
            tango = [paired_proportions(a, b)[1] for a, b in pairs]
            t_intervals = [paired_difference(a, b)[1] for a, b in pairs]
            unpaired = [newcombe_difference(int(a.sum()), n, int(b.sum()), n)[1] for a, b in pairs]
            rows.append(_row("paired (Tango)", -delta, n, tango, exact_paired_coverage(n, delta)))
            exact_t = exact_paired_coverage(n, delta, method="t")
            rows.append(_row("paired t", -delta, n, t_intervals, exact_t))
            rows.append(_row("Newcombe (unpaired)", -delta, n, unpaired, math.nan))
    return rows


def _check_coupling(results: list[list[np.ndarray]], j: int) -> None:
    """Common random numbers: the forgetting setup never catches him when the other does not."""
    reversed_pairs = sum(int(((r[j] == 1) & (r[0] == 0)).sum()) for r in results)
    if reversed_pairs:
        raise AssertionError(f"{reversed_pairs} replications caught him only with forgetting")
