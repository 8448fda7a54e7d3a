"""Analytic cases for what happens around a tip: queues, the night rule, moves and stops.

* the night rule on deterministic arrival times (exact) and on Poisson arrivals (binomial);
* the shared translator pool as an M/M/c queue (Erlang C);
* a fugitive alternating between two safe houses, searched after a fixed delay;
* patrol stops that release him before his name is flagged and catch him after.
"""

from __future__ import annotations

import math

from scipy import stats

from sim.model.ledger import Entry
from sim.validation.builders import (
    NAME,
    PLENTY,
    at,
    capture_hours,
    dated_tip,
    document,
    exponential,
    hop,
    hours,
    per_hour,
    records,
    replications,
    scenario,
    searcher,
    sightings,
)
from sim.validation.case import Case
from sim.validation.checks import Check, binomial_check, chisquare_check, exact_check, ks_check
from sim.validation.theory import (
    erlang_c,
    exponential_cdf,
    first_event_in_ban,
    mmc_mean_wait,
    mmc_sojourn_cdf,
    night_ban_start,
    truncated_cdf,
    two_house_stay,
)

# --- the night rule -------------------------------------------------------------------------

#: Warrant delay and preparation of the night-rule case (fixed, hours).
WARRANT, PREP = 1.0, 0.5

#: Dated tips every quarter of an hour over Tuesday (model hours 24 to 48).
ARRIVALS = tuple(24 + k / 4 for k in range(97))

#: The exemption date of the exemption check: Tuesday 02:00, inside Monday night's ban.
EXEMPT_FROM = 26.0


def _night_rule(until: str, since: float | None = None) -> dict[str, object]:
    rule: dict[str, object] = {"from": "21:00", "until": until}
    if since is not None:
        rule["exempt"] = [{"case": "terrorism", "since": at(since)}]
    return rule


def _deferred_start(t: float, exempt_from: float = math.inf) -> float:
    """Theory: a search due at ``t`` starts at the ban's end, or when the exemption starts."""
    if t >= exempt_from:
        return t
    return min(night_ban_start(t), exempt_from)


def _grid_starts(until: str, since: float | None) -> list[float]:
    starts = []
    for t in ARRIVALS:
        doc = document(
            72,
            {"Police": searcher(raid_prep=hours(PREP))},
            events=[dated_tip(t, "Police")],
            raids={"warrant": {"delay": hours(WARRANT)}, "night_rule": _night_rule(until, since)},
        )
        starts.extend(capture_hours(scenario(doc), 0, 1))
    return starts


def _night_rule_case(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    until = "06:00" if wrong else "05:00"
    due = [t + WARRANT + PREP for t in ARRIVALS]
    plain = _grid_starts(until, None)
    exempted = _grid_starts(until, EXEMPT_FROM)
    rate = 1 / 24
    doc = document(
        24 * 400,
        {"Police": searcher()},
        tips={"sightings": [sightings(rate, "Police")]},
        raids={"night_rule": _night_rule(until)},
    )
    deferred = sum(r["raids_deferred_night"] > 0 for r in records(scenario(doc), seed, runs))
    return [
        exact_check(
            "search start, tips every 15 min (h)",
            plain,
            [_deferred_start(s) for s in due],
            "start = max(due, end of ban)",
        ),
        exact_check(
            "search start, exempt from Tue 02:00 (h)",
            exempted,
            [_deferred_start(s, EXEMPT_FROM) for s in due],
            "start = min(end of ban, exemption)",
        ),
        binomial_check("P(first search deferred)", deferred, runs, first_event_in_ban(rate), alpha),
    ]


NIGHT_RULE = Case(
    key="night_rule",
    title="Night rule: deferral to the end of the ban",
    mechanism=(
        "Dated tips every 15 min over a day, warrant 1 h, preparation 30 min, ban 21:00-05:00; "
        "the same with a terrorism exemption from Tue 02:00; then Poisson tips (1/day)."
    ),
    formula=(
        "start = max(due, end of the ban window containing due), or the exemption's start if "
        "earlier; P(first search deferred) = (1 − e^{−5λ}) + (e^{−21λ} − e^{−29λ})/(1 − e^{−24λ})"
    ),
    wrong="the ban ends at 06:00 instead of 05:00",
    runs=2000,
    tests=1,
    simulate=_night_rule_case,
)

# --- the translator pool as an M/M/c queue --------------------------------------------------

#: Translators, messages per hour reaching the desk, translations per hour per translator.
SERVERS, ARRIVAL_RATE, SERVICE_RATE = 2, 1.2, 1.0

#: The desk starts empty; the message observed in each replication is the one after this many.
#: (Not "the first after a fixed hour": that one follows a length-biased gap, the inspection
#: paradox, and finds the desk emptier than a typical arrival does.)
WARM_UP_MESSAGES = 40


def _desk_visit(ledger: list[Entry]) -> tuple[int, float]:
    """What message number ``WARM_UP_MESSAGES + 1`` meets at the translator desk.

    Returns:
        The messages in translation or queued when it arrives, and its time at the desk (wait
        plus translation).
    """
    arrivals = sorted((e.time_h, e.tip_id) for e in ledger if e.event == "sent")
    left = {e.tip_id: e.time_h for e in ledger if e.event == "translated"}
    t, tip = arrivals[WARM_UP_MESSAGES]
    present = sum(1 for a, i in arrivals if a < t and left.get(i, math.inf) > t)
    return present, left[tip] - t


def _translator_pool(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    mean_translation = (1.2 if wrong else 1.0) / SERVICE_RATE
    flemish = {"kind": "local_police", "zone": "Z", "languages": ["nl"], "staff": PLENTY}
    federal = {"kind": "intelligence", "languages": ["fr"], "staff": PLENTY}
    doc = document(
        65.0,  # the 41st message arrives after ~34 h (5.8 sd below 65 h) and leaves soon after
        {"Flemish": flemish, "Federal": federal},
        channels=[hop("Flemish", "Federal")],
        tips={"sightings": [sightings(ARRIVAL_RATE, "Flemish")]},
        language={
            "translators": SERVERS,
            "translation_time": exponential(mean_translation),
        },
    )
    visits = [_desk_visit(ledger) for _, ledger in replications(scenario(doc), seed, runs, True)]
    waited = sum(present >= SERVERS for present, _ in visits)
    a = ARRIVAL_RATE / SERVICE_RATE
    sojourn = mmc_sojourn_cdf(SERVERS, ARRIVAL_RATE, SERVICE_RATE)
    mean_sojourn = mmc_mean_wait(SERVERS, ARRIVAL_RATE, SERVICE_RATE) + 1 / SERVICE_RATE
    law = "M/M/2 sojourn (Erlang C mixture)"
    return [
        binomial_check("P(wait > 0) = Erlang C", waited, runs, erlang_c(SERVERS, a), alpha),
        ks_check("time at the desk (h)", [s for _, s in visits], sojourn, mean_sojourn, alpha, law),
    ]


TRANSLATOR_POOL = Case(
    key="translator_pool",
    title="Translator pool: M/M/c (Erlang C)",
    mechanism=(
        "Messages from a Dutch-speaking zone reach a French-speaking service with no bilingual "
        "staff as a Poisson stream (λ = 1.2/h); c = 2 translators, Exp(1 h) per translation; one "
        "message per replication, the 41st (after a warm-up of 40; PASTA: it sees the stationary "
        "queue)."
    ),
    formula=(
        "a = λ/μ = 1.2; P(wait > 0) = C(c, a) = [aᶜ/c! · c/(c − a)] / [Σ_{k<c} aᵏ/k! + aᶜ/c! · "
        "c/(c − a)] = 0.45; time at the desk: Exp(μ) w.p. 1 − C, Exp(cμ − λ) + Exp(μ) w.p. C; "
        "mean W_q + 1/μ = C/(cμ − λ) + 1/μ"
    ),
    wrong="translations take 20 % longer than the formula assumes",
    runs=1000,
    tests=2,
    simulate=_translator_pool,
)

# --- a fugitive alternating between two houses ----------------------------------------------

#: Moves per hour (a stay lasts 2 days on average) and the search delays tried.
MOVE_RATE = 1 / 48
SEARCH_DELAYS = (12.0, 24.0, 48.0)


def _two_houses(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    mean_stay = (2 if wrong else 1) / MOVE_RATE
    fugitive = {
        "name": NAME,
        "safe_houses": {"a": {"place": "A"}, "b": {"place": "B"}},
        "start_house": "a",
        "dwell": exponential(mean_stay),
    }
    checks = []
    for delay in SEARCH_DELAYS:
        doc = document(
            24 + delay + 24,
            {"Police": searcher()},
            fugitive=fugitive,
            events=[dated_tip(24, "Police", current=True)],
            raids={"warrant": {"delay": hours(delay)}},
        )
        caught = sum(int(r["captured"]) for r in records(scenario(doc), seed, runs))
        p = two_house_stay(MOVE_RATE, delay)
        checks.append(binomial_check(f"P(still there after {delay:g} h)", caught, runs, p, alpha))
    return checks


TWO_HOUSES = Case(
    key="two_houses",
    title="Two-house Markov fugitive searched after a delay D",
    mechanism=(
        "He alternates between two safe houses, each stay Exp(ν) with ν = 1/(2 days); a tip names "
        "the house he is in at day 1 and the search follows after D = 12, 24, 48 h."
    ),
    formula="P(found) = P(same house after D) = 1/2 + 1/2 e^{−2νD}",
    wrong="he moves half as often as the formula assumes (a move that may pick the same house)",
    runs=1500,
    tests=len(SEARCH_DELAYS),
    simulate=_two_houses,
)

# --- stops before and after the flag --------------------------------------------------------

#: Stops per hour, the hour his name is flagged, and hours observed after the flag.
STOP_RATE, FLAG_AT, AFTER_FLAG = 1 / 24, 72.0, 48.0


def _stops_and_flag(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    flagged = FLAG_AT - 12 if wrong else FLAG_AT
    doc = document(
        FLAG_AT + AFTER_FLAG,
        {"Police": searcher(wanted=[])},
        tips={"stops": [{"rate": per_hour(STOP_RATE), "agency": "Police", "hold": "30min"}]},
        events=[{"at": at(flagged), "flag": {"agency": "Police", "name": NAME}}],
    )
    recs = records(scenario(doc), seed, runs)
    caught = [float(r["capture_day"]) * 24 - FLAG_AT for r in recs if r["captured"]]
    released = [int(r["stops_released"]) for r in recs]
    p = 1 - math.exp(-STOP_RATE * AFTER_FLAG)
    after = truncated_cdf(exponential_cdf(STOP_RATE), AFTER_FLAG)
    mean_after = float(stats.truncexpon(b=AFTER_FLAG * STOP_RATE, scale=1 / STOP_RATE).mean())
    releases = stats.poisson(STOP_RATE * FLAG_AT)
    return [
        binomial_check("P(captured within 48 h of the flag)", len(caught), runs, p, alpha),
        ks_check("capture − flag (h)", caught, after, mean_after, alpha, "Exp(λ) on [0, 48 h]"),
        chisquare_check("stops that released him", released, releases, alpha, "Poisson(λF = 3)"),
    ]


STOPS_AND_FLAG = Case(
    key="stops_and_flag",
    title="Stop checks before and after the flag",
    mechanism=(
        "Patrols stop him at rate λ = 1/day; his name is flagged in the stopping service's files "
        "at F = 72 h; the run ends 48 h later."
    ),
    formula=(
        "capture = first stop after F: P(T ≤ t) = 1 − e^{−λ(t − F)} for t ≥ F; releases before F "
        "~ Poisson(λF)"
    ),
    wrong="the flag takes effect 12 h earlier than the formula assumes",
    runs=2000,
    tests=3,
    simulate=_stops_and_flag,
)

# --- containment: a watched address holds him, but he slips out at a rate -----------------------

#: The containment's slip-out rate (per hour), the hour of the tip (Monday 22:00) and the ban's end.
SLIP_RATE, TIP_AT, BAN_END = 0.15, 22.0, 29.0
#: Walking in: he goes out at 21:00 (within a minute) for exactly 3 hours, so he is back at 00:00.
OUT_FROM, OUT_HOURS = "21:00", 3.0


def _containment_doc(rate: float, goes_out: bool) -> dict[str, object]:
    fugitive: dict[str, object] = {
        "name": NAME,
        "safe_houses": {"a": {"place": "A"}, "b": {"place": "B"}},
        "start_house": "a",
        "dwell": "100000d",
    }
    if goes_out:
        fugitive["outings"] = {
            "rate": "1000/h",
            "starts": {"from": OUT_FROM, "until": "21:01"},
            "duration": hours(OUT_HOURS),
            "haunts": {"friend": {"place": "B"}},
        }
    return document(
        BAN_END + 2,
        {"Police": searcher()},
        fugitive=fugitive,
        events=[dated_tip(TIP_AT, "Police", house="a")],
        raids={
            "night_rule": {
                "from": "21:00",
                "until": "05:00",
                "containment": {"escape_rate": per_hour(rate)},
            }
        },
    )


def _walked_in_survival(rate: float) -> float:
    """P(still inside at the search) for one back home at 00:00 plus U(0, 1 min)."""
    inside = BAN_END - (TIP_AT - 1 + OUT_HOURS)  # 5 hours, less the minute's jitter
    jitter = 1 / 60
    return math.exp(-rate * inside) * (math.exp(rate * jitter) - 1) / (rate * jitter)


def _containment(seed: int, runs: int, wrong: bool, alpha: float) -> list[Check]:
    rate = SLIP_RATE * (0.75 if wrong else 1.0)
    inside = records(scenario(_containment_doc(rate, goes_out=False)), seed, runs)
    walked = records(scenario(_containment_doc(rate, goes_out=True)), seed + 1, runs)
    caught_inside = sum(int(r["captured"]) for r in inside)
    caught_walked = sum(int(r["captured"]) for r in walked)
    ends = [int(r["captured"]) + int(r["containment_escapes"]) for r in inside + walked]
    return [
        binomial_check(
            "P(found | inside when the search is deferred)",
            caught_inside,
            runs,
            math.exp(-SLIP_RATE * (BAN_END - TIP_AT)),
            alpha,
        ),
        binomial_check(
            "P(found | walked in at 00:00)",
            caught_walked,
            runs,
            _walked_in_survival(SLIP_RATE),
            alpha,
        ),
        exact_check(
            "captures + slip-outs per run", ends, [1] * len(ends), "found, or slipped out once"
        ),
    ]


CONTAINMENT = Case(
    key="containment",
    title="Containment of a watched address overnight",
    mechanism=(
        "A tip at Monday 22:00 names his safe house; the search waits for the end of the ban "
        "(05:00) and the address is watched meanwhile, with a slip-out rate γ = 0.15/h. He is "
        "either inside from the start, or out at a friend's from 21:00 and back at 00:00."
    ),
    formula=(
        "P(found) = e^{−γ·7 h} if inside when the search is deferred; e^{−γ·(5 h − U)} with U "
        "uniform on one minute if he walks in at 00:00 (the watch holds whoever is inside)"
    ),
    wrong="he slips out at 0.75 γ",
    runs=3000,
    tests=2,
    simulate=_containment,
)

ACTION_CASES: tuple[Case, ...] = (
    NIGHT_RULE,
    TRANSLATOR_POOL,
    TWO_HOUSES,
    STOPS_AND_FLAG,
    CONTAINMENT,
)
