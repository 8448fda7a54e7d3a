"""Analytic cases for how information flows: tip arrivals, channel delays, forgetting and loss.

In each scenario a service that knows the fugitive's name searches the address a tip names at
once (no triage time, no warrant delay, no preparation, no night rule) and the fugitive never
moves, so the capture time is exactly the moment the first surviving tip reaches the searching
service. Only the mechanism under test stands between the tip and that moment.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from scipy import stats

from sim.validation.builders import (
    capture_hours,
    dated_tip,
    document,
    exponential,
    hop,
    hours,
    records,
    relay,
    replications,
    scenario,
    searcher,
    sightings,
)
from sim.validation.case import Case
from sim.validation.checks import Check, binomial_check, chisquare_check, exact_check, ks_check
from sim.validation.theory import (
    displaced_poisson_cdf,
    erlang_cdf,
    exponential_cdf,
    hypoexponential_cdf,
    hypoexponential_mean,
    mean_of,
)

#: Informants call once a day on average (a rate in events per hour).
DAILY = 1 / 24

#: Horizon long enough that no replication of an exponential case is ever censored.
NEVER = 24 * 2000

#: Dated tips reach the first service one hour after the start.
TIP_AT = 1.0


def _poisson_tips(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    rate = DAILY * (1.25 if wrong else 1.0)
    doc = document(NEVER, {"Police": searcher()}, tips={"sightings": [sightings(rate, "Police")]})
    t = capture_hours(scenario(doc), seed, runs)
    law = "Exp(λ = 1/24 h⁻¹)"
    return [ks_check("capture time (h)", t, exponential_cdf(DAILY), 1 / DAILY, alpha, law)]


POISSON_TIPS = Case(
    key="poisson_tips",
    title="Poisson tips: exponential capture time",
    mechanism="Informants call the searching service at rate λ while he is in his only safe house.",
    formula="P(T ≤ t) = 1 − e^{−λt}, λ = 1/day; E[T] = 24 h",
    wrong="informants call 25 % more often than the formula assumes",
    runs=2000,
    tests=1,
    simulate=_poisson_tips,
)


def _exponential_delay(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    mean = 6.0 * (1.25 if wrong else 1.0)
    doc = document(
        NEVER,
        {"Relay": relay(), "Police": searcher()},
        channels=[hop("Relay", "Police", exponential(mean))],
        events=[dated_tip(TIP_AT, "Relay")],
    )
    t = np.array(capture_hours(scenario(doc), seed, runs)) - TIP_AT
    law = "Exp(mean 6 h)"
    return [ks_check("channel delay (h)", t, exponential_cdf(1 / 6.0), 6.0, alpha, law)]


EXPONENTIAL_DELAY = Case(
    key="exponential_delay",
    title="Exponential channel delay",
    mechanism="One dated tip to a service that cannot search; one channel to the searching one.",
    formula="P(T − t₀ ≤ t) = 1 − e^{−t/m}, m = 6 h",
    wrong="the channel is 25 % slower than the formula assumes",
    runs=2000,
    tests=1,
    simulate=_exponential_delay,
)


def _fixed_delay(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    delay = 12.0
    doc = document(
        NEVER,
        {"Relay": relay(), "Police": searcher()},
        channels=[hop("Relay", "Police", hours(15.0 if wrong else delay))],
        tips={"sightings": [sightings(DAILY, "Relay")]},
    )
    caught, lags = [], []
    for record, ledger in replications(scenario(doc), seed, runs, ledger=True):
        t = float(record["capture_day"]) * 24
        created = {e.tip_id: e.time_h for e in ledger if e.event == "created"}
        raid = next(e for e in ledger if e.event == "raid" and e.detail.endswith("captured"))
        caught.append(t)
        lags.append(t - created[raid.root_id])
    law = "Exp(λ = 1/24 h⁻¹) shifted by 12 h"
    shifted = np.array(caught) - delay
    return [
        ks_check("capture time − 12 h (h)", shifted, exponential_cdf(DAILY), 24.0, alpha, law),
        exact_check("tip to capture (h)", lags, [delay] * len(lags), "T − S = d in every run"),
    ]


FIXED_DELAY = Case(
    key="fixed_delay",
    title="Deterministic channel delay",
    mechanism="Poisson tips to a relay; a fixed 12 h channel to the searching service.",
    formula="T = S + d with S ~ Exp(λ), d = 12 h: P(T ≤ t) = 1 − e^{−λ(t−d)} for t ≥ d",
    wrong="the channel takes 15 h instead of 12 h",
    runs=2000,
    tests=1,
    simulate=_fixed_delay,
)


def _erlang_chain(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    mean = 4.0 * (1.25 if wrong else 1.0)
    names = ["R1", "R2", "R3", "Police"]
    agencies = {n: relay() for n in names[:-1]} | {"Police": searcher()}
    channels = [hop(a, b, exponential(mean)) for a, b in pairwise(names)]
    doc = document(NEVER, agencies, channels=channels, events=[dated_tip(TIP_AT, "R1")])
    t = np.array(capture_hours(scenario(doc), seed, runs)) - TIP_AT
    law = "Erlang(3, mean 4 h per hop)"
    return [ks_check("three-hop delay (h)", t, erlang_cdf(3, 4.0), 12.0, alpha, law)]


ERLANG_CHAIN = Case(
    key="erlang_chain",
    title="Chain of three equal hops: Erlang",
    mechanism="A dated tip passed along three channels with exponential delays of mean 4 h.",
    formula="T − t₀ ~ Erlang(3, 1/4 h⁻¹): P(≤ t) = 1 − e^{−t/4} Σ_{k<3} (t/4)^k / k!",
    wrong="each hop is 25 % slower than the formula assumes",
    runs=2000,
    tests=1,
    simulate=_erlang_chain,
)


def _hypoexponential_chain(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    means = [2.0, 4.0, 8.0]
    simulated = [2.0, 4.0, 10.0] if wrong else means
    names = ["R1", "R2", "R3", "Police"]
    agencies = {n: relay() for n in names[:-1]} | {"Police": searcher()}
    channels = [
        hop(a, b, exponential(m)) for (a, b), m in zip(pairwise(names), simulated, strict=True)
    ]
    doc = document(NEVER, agencies, channels=channels, events=[dated_tip(TIP_AT, "R1")])
    t = np.array(capture_hours(scenario(doc), seed, runs)) - TIP_AT
    rates = [1 / m for m in means]
    law = "Hypoexp(1/2, 1/4, 1/8 h⁻¹)"
    cdf = hypoexponential_cdf(rates)
    return [ks_check("three-hop delay (h)", t, cdf, hypoexponential_mean(rates), alpha, law)]


HYPOEXPONENTIAL_CHAIN = Case(
    key="hypoexponential_chain",
    title="Chain of three unequal hops: hypoexponential",
    mechanism="A dated tip passed along three channels with exponential delays of mean 2, 4, 8 h.",
    formula="T − t₀ ~ Hypoexp(rᵢ = 1/2, 1/4, 1/8): P(≤ t) = 1 − Σᵢ e^{−rᵢt} Πⱼ≠ᵢ rⱼ/(rⱼ − rᵢ)",
    wrong="the last hop takes 10 h on average instead of 8 h",
    runs=2000,
    tests=1,
    simulate=_hypoexponential_chain,
)


def _overtaking(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    rate, first, second = 1 / 12, 6.0, 3.0
    doc = document(
        NEVER,
        {"R1": relay(), "R2": relay(), "Police": searcher()},
        channels=[
            hop("R1", "R2", exponential(first)),
            hop("R2", "Police", exponential(6.0 if wrong else second)),
        ],
        tips={"sightings": [sightings(rate, "R1")]},
    )
    t = capture_hours(scenario(doc), seed, runs)
    cdf = displaced_poisson_cdf(rate, [1 / first, 1 / second])
    law = "1 − exp(−λ∫F_D)"
    return [ks_check("capture time (h)", t, cdf, mean_of(cdf), alpha, law)]


OVERTAKING = Case(
    key="overtaking",
    title="Poisson tips through two hops: later tips overtake",
    mechanism=(
        "Tips at rate λ = 1/12 h⁻¹ each pass two channels with exponential delays of mean 6 h "
        "and 3 h; the first tip to arrive need not be the first one sent."
    ),
    formula=(
        "arrivals form a Poisson process of rate λF_D(t) (displacement theorem): "
        "P(T ≤ t) = 1 − exp(−λ ∫₀ᵗ F_D(u) du), D ~ Hypoexp(1/6, 1/3)"
    ),
    wrong="the second hop takes 6 h on average instead of 3 h",
    runs=2000,
    tests=1,
    simulate=_overtaking,
)


def _forgetting(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    forget = 0.6
    police = searcher(forget=0.5 if wrong else forget)
    doc = document(NEVER, {"Police": police}, tips={"sightings": [sightings(DAILY, "Police")]})
    recs = records(scenario(doc), seed, runs)
    t = [float(r["capture_day"]) * 24 for r in recs]
    kept = DAILY * (1 - forget)
    forgotten = [int(r["tips_forgotten"]) for r in recs]
    return [
        ks_check("capture time (h)", t, exponential_cdf(kept), 1 / kept, alpha, "Exp(0.4 λ)"),
        chisquare_check(
            "dossiers forgotten before capture",
            forgotten,
            stats.geom(1 - forget, loc=-1),
            alpha,
            "Geometric(q = 0.6)",
        ),
    ]


FORGETTING = Case(
    key="forgetting",
    title="Forgetting thins the tip stream",
    mechanism="Poisson tips (λ = 1/day) to a service that forgets each dossier with chance 0.6.",
    formula="T ~ Exp(λ(1 − f)); forgotten before capture K: P(K = k) = f^k (1 − f), f = 0.6",
    wrong="the service forgets 50 % of dossiers instead of 60 %",
    runs=2000,
    tests=2,
    simulate=_forgetting,
)


def _channel_loss(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    first, second = 0.3, 0.2
    doc = document(
        24 * 10,
        {"R1": relay(), "R2": relay(), "Police": searcher()},
        channels=[
            hop("R1", "R2", hours(2), loss=first),
            hop("R2", "Police", hours(2), loss=0.3 if wrong else second),
        ],
        events=[dated_tip(TIP_AT, "R1")],
    )
    caught = sum(int(r["captured"]) for r in records(scenario(doc), seed, runs))
    p = (1 - first) * (1 - second)
    return [binomial_check("P(tip survives both hops)", caught, runs, p, alpha)]


CHANNEL_LOSS = Case(
    key="channel_loss",
    title="Channel loss over two hops",
    mechanism="One dated tip passed along two channels that lose a message with 0.3 and 0.2.",
    formula="P(capture) = (1 − ℓ₁)(1 − ℓ₂) = 0.7 × 0.8 = 0.56",
    wrong="the second channel loses 30 % instead of 20 %",
    runs=2000,
    tests=1,
    simulate=_channel_loss,
)

FLOW_CASES: tuple[Case, ...] = (
    POISSON_TIPS,
    EXPONENTIAL_DELAY,
    FIXED_DELAY,
    ERLANG_CHAIN,
    HYPOEXPONENTIAL_CHAIN,
    OVERTAKING,
    FORGETTING,
    CHANNEL_LOSS,
)
