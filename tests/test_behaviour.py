"""Behavioural tests: the direction of an effect under common random numbers (STYLE.md).

Replication *r* of two variants of one scenario draws the same numbers from every named stream the
two share, so most comparisons below are made **replication by replication**: a friction added must
never make that replication's capture earlier, a resource added must never make its queue longer.
Such a per-replication claim is only a theorem where the variants consume each stream in the same
order; the tiny scenarios are built for that (a fugitive who never moves, or whose moves nothing
can change; fixed durations wherever a stream serves several purposes). Aggregates over many runs
cover the cases with randomised durations. Every assertion message prints both observed values.
(That the fragmented and centralised setups see the same fugitive and raw tips is checked in
test_common_random_numbers.py.)
"""

from __future__ import annotations

import math

import numpy as np
from builders import (
    BRUSSELS,
    NAME,
    bundled,
    bundled_doc,
    channel,
    channels,
    exponential,
    new_agency,
    night_rule,
    police,
    scenario,
)

from sim.model.replication import Model

SEED = 17
LOGNORMAL = {"lognormal": {"median": "3h", "p90": "1d"}}


def hours_to_capture(record: dict) -> float:
    return record["capture_day"] * 24 if record["captured"] else math.inf


def records(sc, runs: int, seed: int = SEED) -> list[dict]:
    return [Model(sc, seed, r).run() for r in range(runs)]


def sightings(to: str = "Police", rate: str = "1/2d", **extra: object) -> dict:
    spec = {"rate": rate, "places": ["A"], "reporters": {to: 1}, **extra}
    return {"tips": {"sightings": [spec]}}


def noise(to: str = "Police", rate: str = "6/day") -> dict:
    return {"rate": rate, "places": ["Z1"], "reporters": {to: 1}}


# --- analysts -------------------------------------------------------------------------------


def busy_desk(**police_body: object) -> dict:
    """Sightings and noise pile up at Police (office hours, no searches: nothing moves him)."""
    return scenario(
        sightings(rate="2/day"),
        {"tips": {"noise": [noise()]}, "horizon": "20d"},
        police(hours="office", raid_teams=0, **police_body),
    )


def test_more_analysts_never_slow_triage_in_any_replication():
    variants = {staff: busy_desk(staff=staff, triage_time="3h") for staff in (1, 2, 4)}
    for r in range(60):
        waits = {
            staff: Model(sc, SEED, r).run()["analyst_wait_hours"] for staff, sc in variants.items()
        }
        assert waits[1] >= waits[2] >= waits[4], f"replication {r}: wait by staff {waits}"
        assert waits[1] > 0, f"replication {r}: no queue at all, the test shows nothing"


def test_more_analysts_shorten_random_triage_waits_on_average():
    one = records(busy_desk(staff=1, triage_time=LOGNORMAL), 60)
    two = records(busy_desk(staff=2, triage_time=LOGNORMAL), 60)
    w1 = np.mean([r["analyst_wait_hours"] / r["triages"] for r in one])
    w2 = np.mean([r["analyst_wait_hours"] / r["triages"] for r in two])
    assert w2 < 0.9 * w1, f"mean wait per triage: 1 analyst {w1:.2f} h, 2 analysts {w2:.2f} h"


def test_slower_triage_never_makes_a_capture_earlier():
    # One analyst serialises the agency's stream (triage time, then verdicts, tip after tip), so
    # tip k draws the same uniforms in both variants and inversion makes each triage longer.
    fast = scenario(sightings(), police(triage_time=exponential("6h"), forget=0.3))
    slow = scenario(sightings(), police(triage_time=exponential("12h"), forget=0.3))
    later = 0
    for r in range(200):
        t_fast = hours_to_capture(Model(fast, SEED, r).run())
        t_slow = hours_to_capture(Model(slow, SEED, r).run())
        assert t_slow >= t_fast, f"replication {r}: capture at {t_slow} h slow, {t_fast} h fast"
        later += t_slow > t_fast
    assert later > 100, f"only {later} of 200 replications differ"


# --- the night rule -------------------------------------------------------------------------


def test_night_rule_never_makes_a_capture_earlier_in_any_replication():
    # A fugitive who never moves; random triage, warrant and preparation times.
    body = (
        sightings(rate="1/day"),
        police(triage_time=LOGNORMAL, raid_prep=LOGNORMAL, hours="office"),
        {"raids": {"warrant": {"delay": LOGNORMAL}}},
    )
    free, ruled = scenario(*body), scenario(*body, night_rule())
    deferred = 0
    for r in range(300):
        a, b = Model(free, SEED, r).run(), Model(ruled, SEED, r).run()
        t_free, t_ruled = hours_to_capture(a), hours_to_capture(b)
        assert t_ruled >= t_free, f"replication {r}: {t_ruled} h with the rule, {t_free} h without"
        assert a["raids_deferred_night"] == 0
        deferred += b["raids_deferred_night"] > 0
    assert deferred > 20, f"only {deferred} replications had a deferred search"


def test_night_rule_never_makes_a_capture_earlier_in_brussels_2015():
    # The whole Brussels scenario with his reactions to searches switched off (no alert moves, no
    # escapes, no containment: his path cannot depend on the searches) and fixed warrant and
    # preparation times (the ``raids`` stream serves several purposes in event order, so random
    # durations would not stay paired across the two variants). His evening outings are off too:
    # with them, a search of his home deferred to 05:00 can find him back from a night out that
    # an immediate search would have missed, so the rule can make a *capture* earlier even
    # though it never makes a *search* earlier.
    raw = bundled_doc(BRUSSELS)
    calm = (
        {"fugitive": {"alert": {"probability": 0}, "outings": None}},
        {"raids": {"escape_on_raid": 0, "warrant": {"delay": "2h"}}},
        {"raids": {"night_rule": {"containment": None}}},
        {"agencies": {name: {"raid_prep": "3h"} for name in raw["agencies"]}},
    )
    ruled = bundled(BRUSSELS, *calm)
    free = bundled(BRUSSELS, *calm, {"raids": {"night_rule": None}})
    differ = 0
    for r in range(80):
        t_ruled = hours_to_capture(Model(ruled, SEED, r).run())
        t_free = hours_to_capture(Model(free, SEED, r).run())
        assert t_ruled >= t_free, f"replication {r}: {t_ruled} h with the rule, {t_free} h without"
        differ += t_ruled != t_free
    assert differ >= 5, f"only {differ} of 80 replications differ"


# --- forgetting, losses, identification -----------------------------------------------------


def test_removing_forgetting_never_lowers_captures():
    short = {"horizon": "4d"}
    forgetful = scenario(sightings(), short, police(forget=0.6, triage_time=LOGNORMAL))
    diligent = scenario(sightings(), short, police(forget=0.0, triage_time=LOGNORMAL))
    a, b = records(forgetful, 300), records(diligent, 300)
    for r, (x, y) in enumerate(zip(a, b, strict=True)):
        t_forget, t_none = hours_to_capture(x), hours_to_capture(y)
        assert t_none <= t_forget, f"replication {r}: {t_none} h without, {t_forget} h with forget"
    caught_a, caught_b = sum(x["captured"] for x in a), sum(y["captured"] for y in b)
    assert caught_b > caught_a, f"captures: {caught_b} without forgetting, {caught_a} with"


def via_desk(**link: object):
    return scenario(
        sightings(to="Desk"),
        new_agency("Desk", wanted=[NAME]),
        channels(channel("Desk", "Police", **link)),
    )


def test_more_channel_loss_never_helps():
    low, high = via_desk(delay="6h", loss=0.2), via_desk(delay="6h", loss=0.6)
    for r in range(300):
        t_low, t_high = (
            hours_to_capture(Model(low, SEED, r).run()),
            hours_to_capture(Model(high, SEED, r).run()),
        )
        assert t_high >= t_low, f"replication {r}: {t_high} h at loss 0.6, {t_low} h at 0.2"


def test_slower_channel_never_makes_a_capture_earlier():
    # Inversion sampling: the same uniform gives a longer delay when the mean is longer.
    quick, slow = via_desk(delay=exponential("1d")), via_desk(delay=exponential("2d"))
    for r in range(300):
        t_quick = hours_to_capture(Model(quick, SEED, r).run())
        t_slow = hours_to_capture(Model(slow, SEED, r).run())
        assert t_slow >= t_quick, f"replication {r}: {t_slow} h slow channel, {t_quick} h quick"


def test_hit_no_hit_is_never_faster_than_reading():
    def access(kind: str):
        return scenario(
            sightings(),
            police(wanted=[], databases={"DB": kind}),
            {"databases": {"DB": {"wanted": [NAME], "hit_delay": exponential("1d")}}},
        )

    read, hit = access("read"), access("hit")
    slower = 0
    for r in range(300):
        t_read = hours_to_capture(Model(read, SEED, r).run())
        t_hit = hours_to_capture(Model(hit, SEED, r).run())
        assert t_hit >= t_read, f"replication {r}: {t_hit} h by hit/no-hit, {t_read} h by read"
        slower += t_hit > t_read
    assert slower > 100, f"only {slower} replications slower"


def test_more_aliases_at_stops_never_raise_captures():
    def stops(alias: float):
        return scenario(
            {
                "fugitive": {"aliases": ["Amine Choukri"], "alias_at_stops": alias},
                "tips": {"stops": [{"rate": "1/5d", "places": ["A"]}]},
            }
        )

    low, high = stops(0.2), stops(0.7)
    for r in range(300):
        t_low, t_high = (
            hours_to_capture(Model(low, SEED, r).run()),
            hours_to_capture(Model(high, SEED, r).run()),
        )
        assert t_high >= t_low, f"replication {r}: {t_high} h at alias 0.7, {t_low} h at 0.2"


# --- the language barrier -------------------------------------------------------------------


def dutch_reports(bilingual_share: float = 0.0, **desk: object):
    """Sightings and noise reported to a Dutch-speaking service, passed on to Police (French)."""
    return scenario(
        sightings(to="Vlaams", rate="1/day"),
        {"tips": {"noise": [noise(to="Vlaams")]}, "horizon": "10d"},
        new_agency("Vlaams", kind="local_police", zone="Z2", languages=["nl"], wanted=[NAME]),
        channels(channel("Vlaams", "Police")),
        police(raid_teams=0, bilingual_share=bilingual_share),
        {"language": {"translation_time": "4h", "hours": "office", **desk}},
    )


def test_more_translators_never_slow_translation():
    variants = {n: dutch_reports(translators=n) for n in (1, 2, 3)}
    for r in range(60):
        waits = {
            n: Model(sc, SEED, r).run()["translation_wait_hours"] for n, sc in variants.items()
        }
        assert waits[1] >= waits[2] >= waits[3], f"replication {r}: wait by translators {waits}"


def test_more_bilingual_officers_never_need_more_translations():
    low, high = dutch_reports(bilingual_share=0.3), dutch_reports(bilingual_share=0.8)
    for r in range(60):
        a, b = Model(low, SEED, r).run(), Model(high, SEED, r).run()
        assert b["tips_translated"] <= a["tips_translated"], (
            f"replication {r}: {b['tips_translated']} translated at 0.8, "
            f"{a['tips_translated']} at 0.3"
        )
