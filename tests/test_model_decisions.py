"""Records raised by decisions (docs/cases/FORMAT-NEEDS.md N4): news on tips, rules that act.

Exact event logs of tiny scenarios: a court that keeps a tip saying he breached his parole
enters him as wanted after its delay; a rule raises its record once; a declined decision can be
taken again on the next report; a tip with news but no place travels like any tip. And the
bulk path's shortcut stays exact: with rules in a scenario, a believed false tip is not settled
on arrival, so a record raised while it waits for triage identifies it as a dated flag would.
"""

from __future__ import annotations

import pytest
from builders import (
    NAME,
    doc,
    events,
    flag_event,
    new_agency,
    police,
    rows,
    run,
    scenario,
    stop_event,
)

from sim.scenario import ScenarioError
from sim.scenario.loader import validate_document
from sim.scenario.notices import notices


def news(hours: float, word: str = "breach", to: str = "Court", **tip: object) -> dict:
    from builders import at

    return {"at": at(hours), "tip": {"to": to, "news": word, **tip}}


def court(**rule: object) -> dict:
    """A sentence court that revokes on a breach report: enters him in DB (read by the police)."""
    body = {"news": ["breach"], "databases": ["DB"], **rule}
    return {
        **new_agency("Court", kind="court", raises=[body]),
        **{"databases": {"DB": {}}},
    }


def base(*more: dict, **rule: object) -> object:
    return scenario(police(wanted=[], databases={"DB": "read"}), court(**rule), events(*more))


def test_a_kept_report_raises_the_record_after_its_delay_and_a_check_then_holds_him():
    record, m = run(base(news(1.0), stop_event(5.0), stop_event(30.0), delay="1d"))
    assert rows(m, "created", "record_raised", "stop", "capture") == [
        (1.0, "created", "", "", "event; news=breach; true=True"),
        (5.0, "stop", "Police", "A", "released: not in the files he checked"),
        (25.0, "record_raised", "Court", "", f"{NAME} (detain) in DB"),
        (30.0, "stop", "Police", "A", "captured"),
        (30.0, "capture", "Police", "A", "stop"),
    ]
    assert record["records_raised"] == 1 and record["tips_true"] == 1


def test_a_rule_raises_its_record_once():
    record, m = run(base(news(1.0), news(2.0), news(3.0)))
    assert len(rows(m, "record_raised")) == 1
    assert record["records_raised"] == 1


def test_a_declined_decision_is_taken_again_on_the_next_report():
    record, m = run(base(news(1.0), news(2.0), probability=0.0))
    assert [r[:3] for r in rows(m, "raise_declined")] == [
        (1.0, "raise_declined", "Court"),
        (2.0, "raise_declined", "Court"),
    ]
    assert record["records_raised"] == 0


def test_news_no_rule_listens_to_changes_nothing():
    record, m = run(base(news(1.0, word="fraud"), stop_event(5.0)))
    assert rows(m, "record_raised", "raise_declined") == []
    assert record["captured"] == 0


def test_a_forgotten_report_raises_nothing():
    sc = scenario(
        police(wanted=[], databases={"DB": "read"}),
        court(),
        {"agencies": {"Court": {"forget": 1.0}}},
        events(news(1.0), stop_event(5.0)),
    )
    record, _ = run(sc)
    assert (record["records_raised"], record["tips_forgotten"], record["captured"]) == (0, 1, 0)


def test_a_raised_record_carries_its_ground_and_hold():
    record, m = run(
        base(news(1.0), stop_event(5.0), action="detain", holds="2h"),
    )
    assert [r[1] for r in rows(m, "detained", "released")] == ["detained", "released"]
    assert record["captured"] == 0


def test_news_with_a_place_is_true_where_he_is():
    sc = base(news(1.0, place="B"))
    _, m = run(sc)
    assert rows(m, "created") == [(1.0, "created", "", "B", "event; news=breach; true=False")]


def test_with_rules_a_false_tip_waiting_for_triage_is_identified_as_with_a_dated_flag():
    # False tips naming him reach the police from hour 0 and wait 2 h for triage; the record
    # appears at hour 3 by a decision in one scenario and by a dated flag in the other. The
    # tips whose triage ends after hour 3 are identified in both (the shortcut must not settle
    # them on arrival).
    noise = {
        "tips": {
            "noise": [
                {
                    "rate": "2/h",
                    "places": ["Z1"],
                    "names_fugitive": 1.0,
                    "until": "2015-11-16 06:00",
                }
            ]
        }
    }
    slow = police(wanted=[], databases={"DB": "read"}, triage_time="2h", staff=100, raid_teams=0)
    decided = scenario(slow, court(delay="2h"), noise, events(news(1.0)))
    dated = scenario(
        slow,
        {"databases": {"DB": {}}},
        new_agency("Court", kind="court"),
        noise,
        events(news(1.0, word="other"), flag_event(3.0, database="DB")),
    )
    a, _ = run(decided)
    b, _ = run(dated)
    # Identified, but the police have no raid teams and no channel: "no jurisdiction".
    assert a["tips_no_jurisdiction"] == b["tips_no_jurisdiction"] > 0
    assert a["tips_false"] == b["tips_false"] > a["tips_no_jurisdiction"]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"agencies": {"Court": {"raises": [{"news": ["Breach"], "databases": ["DB"]}]}}},
            "agencies.Court.raises.0.news.0: 'Breach' is not a news word: write it in lowercase",
        ),
        (
            {"agencies": {"Court": {"raises": [{"news": ["breach"], "databases": ["BD"]}]}}},
            "agencies.Court.raises.0.databases.0: unknown database 'BD'; known databases: DB",
        ),
        (
            {"agencies": {"Court": {"raises": [{"news": ["breach"], "databases": []}]}}},
            "agencies.Court.raises.0.databases: needs at least 1 entry",
        ),
        (
            {
                "events": [
                    {
                        "at": "2015-11-16 01:00",
                        "tip": {"to": "Court", "place": "A", "current": True, "news": "breach"},
                    }
                ]
            },
            "give at most one of place, house, or current: true",
        ),
        (
            {"events": [{"at": "2015-11-16 01:00", "tip": {"to": "Court"}}]},
            "or news (what he did) without a place",
        ),
    ],
)
def test_bad_rules_and_news_are_refused_with_the_fix(patch, message):
    raw = doc(police(wanted=[], databases={"DB": "read"}), court(), patch)
    with pytest.raises(ScenarioError) as caught:
        validate_document(raw)
    assert message in str(caught.value)


def test_news_nobody_acts_on_and_rules_nothing_triggers_are_warned_about():
    sc = base(news(1.0, word="fraud"))
    found = dict(notices(sc))
    assert (
        "no agency has a rule that raises a record on 'fraud'"
        in found[("events", 0, "tip", "news")]
    )
    assert "never fires" in found[("agencies", "Court", "raises", 0, "news", 0)]
