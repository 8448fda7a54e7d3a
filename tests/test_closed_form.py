"""Closed-form checks: tiny scenarios whose capture law is known exactly, over many replications.

Each check runs ``N`` replications with a fixed seed and applies a proper test at false-alarm
probability ``ALPHA`` = 0.001 (a correct model fails a given check with probability at most 0.001
for a random seed; with the fixed seeds the outcome is deterministic). To show the checks can fail,
each one also asserts that the *same* data reject a plausible wrong model at the same level (the
power of the test against that alternative is essentially 1 at these ``N``).

Tests used:

* ``binomtest``: exact two-sided binomial test of P(captured by the horizon T);
* ``censored_gof``: chi-square goodness of fit of the capture times, binned on [0, T) in equal
  widths, plus one bin for "not captured by T" (the censored runs), against the closed-form CDF;
* ``poisson_gof``: chi-square goodness of fit of counts against a Poisson law (tails pooled).

The models, with a fugitive who never moves unless said otherwise, sightings only where he is,
accuracy 1, every tip naming him, the agency that can search knowing his name and every delay 0
unless said otherwise:

(a) sightings at rate λ to an agency that searches at once: P(capture by t) = 1 − e^(−λt);
(b) sightings to ``Desk`` (no raid teams), one analyst with Exp(μ) triage, then an instant channel
    to ``Police``: the first tip is triaged first, so capture = S₁ + T₁, hypoexponential:
    F(t) = 1 − (μ e^(−λt) − λ e^(−μt)) / (μ − λ);
(b') sightings to ``Desk`` with instant triage and an Exp(μ) channel delay to ``Police``: every
    tip travels with its own delay, so arrivals at Police are a Poisson process of intensity
    λ(1 − e^(−μt)) (displacement theorem) and F(t) = 1 − exp(−λ(t − (1 − e^(−μt))/μ)). This is
    *not* hypoexponential (the first tip sent need not arrive first); (b) and (b') reject each
    other's formula, which is what makes them sharp;
(c) the searching agency forgets each tip with probability f, or the channel to it loses each with
    probability f: the useful tips are a thinned Poisson process, F(t) = 1 − e^(−λ(1−f)t);
(d) a search deferred by the night rule for w hours with the address contained and an escape
    hazard r: P(capture) = e^(−rw);
(e) patrol stops at rate ρ, his papers showing an alias (not in the files) with probability a:
    F(t) = 1 − e^(−ρ(1−a)t);
(f) he alternates 5 h in a covered commune and 5 h in an uncovered one: the number of sightings
    in 100 h is Poisson(λ · 50 h) (the hazard clock follows his moves);
(g) a check at hour t₀ holds him on a record whose detentions last Exp(mean m): he is held at
    the horizon T (captured) with probability e^(−(T−t₀)/m), and then on the day of the check;
(h) k reports of a breach reach a court whose rule raises a ground to detain with probability p
    (once raised, never again), and a later check finds him: P(capture) = 1 − (1 − p)^k.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from builders import (
    NAME,
    at,
    channel,
    channels,
    events,
    exponential,
    houses,
    new_agency,
    night_rule,
    police,
    scenario,
    tip_event,
)
from scipy import stats

from sim.model.replication import Model
from sim.scenario.schema import Scenario

pytestmark = pytest.mark.validation

ALPHA = 0.001
N = 4000
DAY = 24.0

LAMBDA = 1 / (5 * DAY)  # sightings: one per 5 days while he is in a covered place
HORIZON = 7 * DAY


def capture_hours(sc: Scenario, runs: int, seed: int) -> np.ndarray:
    """Hours to capture of ``runs`` replications (``inf`` when not captured by the horizon)."""
    out = np.empty(runs)
    for r in range(runs):
        record = Model(sc, seed, r).run()
        out[r] = record["capture_day"] * DAY if record["captured"] else math.inf
    return out


def binom_p(times: np.ndarray, horizon: float, p: float) -> float:
    """Exact two-sided binomial p-value of P(captured by the horizon) = ``p``."""
    return stats.binomtest(int(np.sum(times <= horizon)), times.size, p).pvalue


def censored_gof(
    times: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray], horizon: float, bins: int = 12
) -> float:
    """Chi-square p-value of capture times against ``cdf``, censored at ``horizon``."""
    edges = np.linspace(0.0, horizon, bins + 1)
    observed = np.append(np.histogram(times[times < horizon], edges)[0], np.sum(times >= horizon))
    probs = np.append(np.diff(cdf(edges)), 1.0 - cdf(np.array([horizon]))[0])
    expected = probs * times.size
    assert expected.min() >= 5, f"bins too thin for a chi-square test: {expected.round(1)}"
    return stats.chisquare(observed, expected).pvalue


def poisson_gof(counts: np.ndarray, mean: float) -> float:
    """Chi-square p-value of ``counts`` against Poisson(``mean``), sparse tails pooled."""
    lo, hi = int(stats.poisson.ppf(0.005, mean)), int(stats.poisson.ppf(0.995, mean))
    observed = [np.sum(counts <= lo)]
    probs = [stats.poisson.cdf(lo, mean)]
    for k in range(lo + 1, hi):
        observed.append(np.sum(counts == k))
        probs.append(stats.poisson.pmf(k, mean))
    observed.append(np.sum(counts >= hi))
    probs.append(stats.poisson.sf(hi - 1, mean))
    expected = np.array(probs) * counts.size
    return stats.chisquare(observed, expected).pvalue


def exponential_cdf(rate: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda t: 1.0 - np.exp(-rate * t)


def hypoexponential_cdf(lam: float, mu: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda t: 1.0 - (mu * np.exp(-lam * t) - lam * np.exp(-mu * t)) / (mu - lam)


def displaced_poisson_cdf(lam: float, mu: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda t: 1.0 - np.exp(-lam * (t - (1.0 - np.exp(-mu * t)) / mu))


def sightings(to: str = "Police", rate: float = LAMBDA, places: list | None = None) -> dict:
    spec = {"rate": f"{rate * DAY}/day", "places": places or ["A"], "reporters": {to: 1}}
    return {"horizon": f"{HORIZON / DAY}d", "tips": {"sightings": [spec]}}


def accept(p: float, what: str) -> None:
    assert p > ALPHA, f"{what}: p = {p:.2e} <= {ALPHA} (the model disagrees with the closed form)"


def reject(p: float, what: str) -> None:
    assert p < ALPHA, f"{what}: p = {p:.2e} >= {ALPHA} (the check cannot tell the wrong model)"


# --- (a) ------------------------------------------------------------------------------------


def test_a_stationary_fugitive_poisson_sightings_exponential_capture():
    times = capture_hours(scenario(sightings()), N, seed=101)
    p_by_t = 1 - math.exp(-LAMBDA * HORIZON)
    accept(binom_p(times, HORIZON, p_by_t), f"P(capture by T) = 1 - e^-λT = {p_by_t:.4f}")
    accept(censored_gof(times, exponential_cdf(LAMBDA), HORIZON), "capture time ~ Exp(λ)")
    reject(censored_gof(times, exponential_cdf(1.2 * LAMBDA), HORIZON), "wrong rate 1.2λ")


# --- (b) ------------------------------------------------------------------------------------

MU = 1 / (3 * DAY)  # triage or channel delay with a mean of 3 days


def test_b_one_analyst_then_a_channel_hypoexponential_capture():
    sc = scenario(
        sightings(to="Desk"),
        new_agency("Desk", triage_time=exponential("3d")),
        channels(channel("Desk", "Police")),
    )
    times = capture_hours(sc, 2 * N, seed=202)
    hypo = hypoexponential_cdf(LAMBDA, MU)
    accept(binom_p(times, HORIZON, hypo(np.array([HORIZON]))[0]), "P(capture by T), hypoexp.")
    accept(censored_gof(times, hypo, HORIZON), "capture time ~ Exp(λ) + Exp(μ)")
    reject(censored_gof(times, displaced_poisson_cdf(LAMBDA, MU), HORIZON), "displaced Poisson")
    reject(censored_gof(times, exponential_cdf(LAMBDA), HORIZON), "no triage delay")


def test_b_exponential_channel_delay_displaced_poisson_capture():
    sc = scenario(
        sightings(to="Desk"),
        new_agency("Desk"),
        channels(channel("Desk", "Police", delay=exponential("3d"))),
    )
    times = capture_hours(sc, 2 * N, seed=203)
    law = displaced_poisson_cdf(LAMBDA, MU)
    accept(binom_p(times, HORIZON, law(np.array([HORIZON]))[0]), "P(capture by T), displaced")
    accept(censored_gof(times, law, HORIZON), "arrivals Poisson(λ(1 - e^-μt))")
    reject(censored_gof(times, hypoexponential_cdf(LAMBDA, MU), HORIZON), "first tip only")


# --- (c) ------------------------------------------------------------------------------------

F = 0.5


@pytest.mark.parametrize(
    "thinning",
    [
        pytest.param(police(forget=F), id="forget"),
        pytest.param(
            {
                **sightings(to="Desk"),
                **new_agency("Desk"),
                **channels(channel("Desk", "Police", loss=F)),
            },
            id="channel-loss",
        ),
    ],
)
def test_c_forgetting_or_losing_thins_the_rate(thinning):
    times = capture_hours(scenario(sightings(), thinning), N, seed=303)
    thinned = LAMBDA * (1 - F)
    p_by_t = 1 - math.exp(-thinned * HORIZON)
    accept(binom_p(times, HORIZON, p_by_t), f"P(capture by T) = 1 - e^-λ(1-f)T = {p_by_t:.4f}")
    accept(censored_gof(times, exponential_cdf(thinned), HORIZON), "capture ~ Exp(λ(1-f))")
    reject(binom_p(times, HORIZON, 1 - math.exp(-LAMBDA * HORIZON)), "no thinning")


# --- (d) ------------------------------------------------------------------------------------


def test_d_containment_escape_hazard_over_the_deferral():
    rate, wait = 0.1, 6.5  # escape hazard per hour; a search due at 22:30 waits until 05:00
    sc = scenario(
        events(tip_event(22.5)),
        night_rule(containment={"escape_rate": f"{rate}/h"}),
        houses(home="A", other="C"),
        {"horizon": "2d", "fugitive": {"start_house": "home"}},
    )
    times = capture_hours(sc, N, seed=404)
    assert set(times[np.isfinite(times)]) == {29.0}
    p = math.exp(-rate * wait)
    accept(binom_p(times, 48.0, p), f"P(capture) = e^-rw = {p:.4f}")
    reject(binom_p(times, 48.0, math.exp(-2 * rate * wait)), "double hazard")


# --- (e) ------------------------------------------------------------------------------------


def test_e_stops_with_an_alias_thin_the_stop_rate():
    rho, alias = 1 / (4 * DAY), 0.4
    sc = scenario(
        {
            "horizon": f"{HORIZON / DAY}d",
            "fugitive": {"aliases": ["Amine Choukri"], "alias_at_stops": alias},
            "tips": {"stops": [{"rate": f"{rho * DAY}/day", "places": ["A"]}]},
        }
    )
    times = capture_hours(sc, N, seed=505)
    law = exponential_cdf(rho * (1 - alias))
    accept(censored_gof(times, law, HORIZON), "capture by stop ~ Exp(ρ(1-a))")
    reject(censored_gof(times, exponential_cdf(rho), HORIZON), "alias ignored")


# --- (f) ------------------------------------------------------------------------------------


def test_f_sightings_follow_his_moves_poisson_counts():
    lam = 0.2  # per hour while he is in A
    sc = scenario(
        houses(home="A", other="C"),
        police(raid_teams=0, wanted=[]),
        {
            "horizon": "100h",
            "fugitive": {"start_house": "home", "dwell": "5h"},
            "tips": {
                "sightings": [{"rate": f"{lam}/h", "places": ["A"], "reporters": {"Police": 1}}]
            },
        },
    )
    counts = np.array([Model(sc, 606, r).run()["tips_true"] for r in range(2000)])
    accept(poisson_gof(counts, lam * 50), "sightings ~ Poisson(λ · 50 h in A)")
    reject(poisson_gof(counts, lam * 100), "rate on all the time")


def test_f_sightings_window_poisson_counts():
    lam = 0.5
    sc = scenario(
        police(raid_teams=0, wanted=[]),
        {
            "horizon": "3d",
            "tips": {
                "sightings": [
                    {"rate": f"{lam}/h", "places": ["A"], "from": at(10), "until": at(30)}
                ]
            },
        },
    )
    counts = np.array([Model(sc, 607, r).run()["tips_true"] for r in range(2000)])
    accept(poisson_gof(counts, lam * 20), "sightings ~ Poisson(λ · 20 h window)")
    reject(poisson_gof(counts, lam * 22), "window 10% too long")


# --- (g) ------------------------------------------------------------------------------------


def test_g_a_detention_that_may_end_holds_him_at_the_horizon_with_the_tail_of_its_length():
    mean, check = 100.0, 5.0
    sc = scenario(
        police(wanted=[]),
        events(
            {
                "at": at(-1.0),
                "flag": {"agency": "Police", "name": NAME, "holds": exponential(f"{mean}h")},
            },
            {"at": at(check), "stop": {"agency": "Police", "place": "A"}},
        ),
        {"horizon": f"{HORIZON / DAY}d"},
    )
    times = capture_hours(sc, N, seed=707)
    assert set(times[np.isfinite(times)]) == {check}, "captured on the day the detention began"
    p = math.exp(-(HORIZON - check) / mean)
    accept(binom_p(times, HORIZON, p), f"P(held at T) = e^-(T-t0)/m = {p:.4f}")
    reject(binom_p(times, HORIZON, 1 - (1 - p) ** 2), "the longer of two draws")


# --- (h) ------------------------------------------------------------------------------------


def test_h_a_rule_that_may_decide_on_each_of_k_reports_raises_with_one_minus_the_misses():
    p, k = 0.3, 3
    reports = [{"at": at(1.0 + i), "tip": {"to": "Court", "news": "breach"}} for i in range(k)]
    sc = scenario(
        police(wanted=[], databases={"DB": "read"}),
        new_agency(
            "Court",
            kind="court",
            raises=[{"news": ["breach"], "databases": ["DB"], "probability": p}],
        ),
        {"databases": {"DB": {}}, "horizon": "2d"},
        events(*reports, {"at": at(10.0), "stop": {"agency": "Police", "place": "A"}}),
    )
    times = capture_hours(sc, N, seed=808)
    law = 1 - (1 - p) ** k
    accept(binom_p(times, 48.0, law), f"P(capture) = 1 - (1-p)^k = {law:.4f}")
    reject(binom_p(times, 48.0, p), "only the first report decides")
