"""What happens to a tip at an agency, exact event logs (DESIGN §2.3).

Office hours, the analyst queue, forgetting, dismissal, identification against the agency's own
files, jurisdiction, and repeated copies of one tip.
"""

from __future__ import annotations

from builders import (
    NAME,
    WEEK,
    events,
    fate_counts,
    new_agency,
    police,
    rows,
    run,
    scenario,
    tip_event,
)

FRIDAY_19H = 4 * 24 + 19.0
MONDAY_08H = WEEK + 8.0


def test_tip_arriving_friday_1900_is_triaged_monday_0800():
    record, m = run(scenario(events(tip_event(FRIDAY_19H)), police(hours="office")))
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (FRIDAY_19H, "created", "", "A", "event; true=True"),
        (FRIDAY_19H, "arrived", "Police", "A", ""),
        (MONDAY_08H, "identified", "Police", "A", NAME),
        (MONDAY_08H, "raid_planned", "Police", "A", "home (A)"),
        (MONDAY_08H, "raid", "Police", "A", "home (A): captured"),
        (MONDAY_08H, "capture", "Police", "A", "raid"),
    ]
    assert record["analyst_wait_hours"] == MONDAY_08H - FRIDAY_19H  # 61 h
    assert record["triages"] == 1


def test_office_hours_with_a_triage_time_and_custom_days():
    # Open Saturday only, 10:00-12:00; triage takes 1 h. A tip on Monday 09:00 waits for Saturday.
    hours = {"days": ["sat"], "opens": "10:00", "closes": "12:00"}
    sc = scenario(events(tip_event(9.0)), police(hours=hours, triage_time="1h"))
    _, m = run(sc)
    assert rows(m, "arrived", "identified") == [
        (9.0, "arrived", "Police", "A", ""),
        (5 * 24 + 11.0, "identified", "Police", "A", NAME),
    ]


def test_tip_arriving_in_office_hours_is_triaged_at_once():
    _, m = run(scenario(events(tip_event(10.0)), police(hours="office", triage_time="30min")))
    assert rows(m, "identified") == [(10.5, "identified", "Police", "A", NAME)]


def test_one_analyst_triages_one_tip_at_a_time_in_arrival_order():
    three = events(tip_event(1.0, place="B"), tip_event(1.0, place="C"), tip_event(1.0))
    record, m = run(scenario(three, police(triage_time="2h")))
    assert rows(m, "identified") == [
        (3.0, "identified", "Police", "B", NAME),
        (5.0, "identified", "Police", "C", NAME),
        (7.0, "identified", "Police", "A", NAME),
    ]
    assert record["analyst_wait_hours"] == 0 + 2 + 4
    assert record["capture_day"] == 7.0 / 24


def test_two_analysts_triage_two_tips_at_a_time():
    three = events(tip_event(1.0, place="B"), tip_event(1.0, place="C"), tip_event(1.0))
    record, m = run(scenario(three, police(triage_time="2h", staff=2)))
    assert rows(m, "identified") == [
        (3.0, "identified", "Police", "B", NAME),
        (3.0, "identified", "Police", "C", NAME),
        (5.0, "identified", "Police", "A", NAME),
    ]
    assert record["analyst_wait_hours"] == 0 + 0 + 2


def test_forgotten_tip_dies_at_triage():
    record, m = run(scenario(events(tip_event(1.0)), police(forget=1.0, triage_time="1h")))
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (1.0, "created", "", "A", "event; true=True"),
        (1.0, "arrived", "Police", "A", ""),
        (2.0, "forgotten", "Police", "A", ""),
    ]
    assert record["tips_forgotten"] == 1
    assert record["captured"] == 0
    assert fate_counts(record) == {"forgotten": 1}


def test_tip_judged_not_credible_is_dismissed():
    record, m = run(scenario(events(tip_event(1.0)), police(belief={"true_tip": 0.0})))
    assert rows(m, "dismissed", "identified", "raid") == [(1.0, "dismissed", "Police", "A", "")]
    assert record["tips_dismissed"] == 1
    assert fate_counts(record) == {"dismissed": 1}


def test_false_tip_belief_is_separate_from_true_tip_belief():
    sc = scenario(
        events(tip_event(1.0, place="B"), tip_event(2.0)), police(belief={"false_tip": 0})
    )
    record, m = run(sc)
    assert rows(m, "dismissed", "raid") == [
        (1.0, "dismissed", "Police", "B", ""),
        (2.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["tips_dismissed"] == 1


def test_name_not_in_its_files_is_not_identified_and_nothing_is_planned():
    record, m = run(scenario(events(tip_event(1.0)), police(wanted=["Someone Else"])))
    assert rows(m, "identified", "not_identified", "raid_planned") == [
        (1.0, "not_identified", "Police", "A", NAME),
    ]
    assert record["raids_planned"] == 0
    assert fate_counts(record) == {"name_not_matched": 1}


def test_name_as_written_must_match_exactly():
    # The tip spells the name differently from the agency's files (exact matcher, DESIGN §2.4).
    sc = scenario(events(tip_event(1.0, name="Salah Abdeslem")))
    record, m = run(sc)
    assert rows(m, "identified", "not_identified") == [
        (1.0, "not_identified", "Police", "A", "Salah Abdeslem"),
    ]
    assert record["name_matches_missed"] == 1


def test_identified_outside_its_jurisdiction_no_search():
    record, m = run(scenario(events(tip_event(1.0, place="C"))))
    assert rows(m, "identified", "raid_planned") == [(1.0, "identified", "Police", "C", NAME)]
    assert record["tips_no_jurisdiction"] == 1
    assert record["raids_planned"] == 0


def test_agency_without_raid_teams_does_not_search():
    record, m = run(scenario(events(tip_event(1.0)), police(raid_teams=0)))
    assert rows(m, "raid_planned") == []
    assert record["tips_no_jurisdiction"] == 1
    assert fate_counts(record) == {"no_jurisdiction": 1}


def test_explicit_jurisdiction_overrides_the_zone():
    sc = scenario(
        events(tip_event(1.0, place="C", to="Federal"), tip_event(2.0, to="Federal")),
        new_agency("Federal", raid_teams=1, jurisdiction=["Z2"], wanted=[NAME]),
    )
    record, m = run(sc)
    assert rows(m, "raid_planned") == [(1.0, "raid_planned", "Federal", "C", "an address in C")]
    assert record["tips_no_jurisdiction"] == 1


def test_a_second_copy_of_the_same_tip_adds_nothing():
    sc = scenario(
        events(tip_event(1.0, to="Desk")),
        new_agency("Desk", wanted=[NAME]),
        new_agency("Relay"),
        police(raid_teams=0),
        {
            "channels": [
                {"from": "Desk", "to": "Police", "delay": "1h"},
                {"from": "Desk", "to": "Relay", "delay": "0h"},
                {"from": "Relay", "to": "Police", "delay": "2h"},
            ]
        },
    )
    record, m = run(sc)
    assert rows(m, "arrived") == [
        (1.0, "arrived", "Desk", "A", ""),
        (1.0, "arrived", "Relay", "A", ""),
        (2.0, "arrived", "Police", "A", ""),
    ]
    assert record["tips_duplicate"] == 1
    assert record["triages"] == 3


def test_waits_still_running_at_the_end_are_counted_up_to_the_end():
    # Three tips at hour 1, one analyst, 2 h each, the run ends at hour 4: the first waited 0 h,
    # the second 2 h (triaged at 3), the third was still waiting after 3 h.
    three = events(tip_event(1.0, place="B"), tip_event(1.0, place="C"), tip_event(1.0))
    record, _ = run(scenario(three, police(triage_time="2h"), {"horizon": "4h"}))
    assert record["triages"] == 2
    assert record["analyst_wait_hours"] == 0 + 2 + 3
    assert record["true_tips_awaiting_triage"] == 1


def test_wait_for_office_hours_counts_until_the_end_if_it_never_opens():
    record, _ = run(
        scenario(events(tip_event(FRIDAY_19H)), police(hours="office"), {"horizon": "6d"})
    )
    assert record["triages"] == 0
    assert record["analyst_wait_hours"] == 6 * 24 - FRIDAY_19H


def test_escalation_a_wanted_name_skips_office_hours_queue_and_forgetting():
    sc = scenario(events(tip_event(FRIDAY_19H)), police(hours="office", forget=1.0, escalation={}))
    record, m = run(sc)
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (FRIDAY_19H, "created", "", "A", "event; true=True"),
        (FRIDAY_19H, "arrived", "Police", "A", ""),
        (FRIDAY_19H, "escalated", "Police", "A", ""),
        (FRIDAY_19H, "identified", "Police", "A", NAME),
        (FRIDAY_19H, "raid_planned", "Police", "A", "home (A)"),
        (FRIDAY_19H, "raid", "Police", "A", "home (A): captured"),
        (FRIDAY_19H, "capture", "Police", "A", "raid"),
    ]
    assert record["tips_escalated"] == 1
    assert record["triages"] == 0
    assert record["tips_forgotten"] == 0


def test_escalated_tip_goes_up_as_a_call_never_lost_after_the_escalation_delay():
    sc = scenario(
        events(tip_event(FRIDAY_19H, to="Desk")),
        new_agency("Desk", wanted=[NAME], hours="office", escalation={"delay": "2h"}),
        {"channels": [{"from": "Desk", "to": "Police", "delay": "5d", "loss": 1.0}]},
    )
    record, m = run(sc)
    assert rows(m, "escalated", "arrived", "lost", "capture") == [
        (FRIDAY_19H, "arrived", "Desk", "A", ""),
        (FRIDAY_19H, "escalated", "Desk", "A", ""),
        (FRIDAY_19H + 2, "arrived", "Police", "A", ""),
        (FRIDAY_19H + 2, "capture", "Police", "A", "raid"),
    ]
    assert record["tips_lost_in_channel"] == 0


def test_escalation_does_not_apply_to_a_name_it_does_not_recognise():
    sc = scenario(events(tip_event(FRIDAY_19H)), police(hours="office", wanted=[], escalation={}))
    record, m = run(sc)
    assert rows(m, "escalated", "not_identified") == [
        (MONDAY_08H, "not_identified", "Police", "A", NAME),
    ]
    assert record["tips_escalated"] == 0
