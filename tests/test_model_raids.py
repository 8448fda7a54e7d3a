"""Searches, exact event logs: night rule, containment, warrants, teams, outcomes (DESIGN §2.5).

The base scenario (tests/builders.py) starts on Monday at 00:00, so model hour 22.5 is Monday
22:30; ``Police`` has the fugitive in its own files, triages at once and has one raid team.
"""

from __future__ import annotations

import pytest
from builders import (
    NAME,
    at,
    events,
    houses,
    new_agency,
    night_rule,
    police,
    rows,
    run,
    scenario,
    tip_event,
)

START_ROW = (0.0, "move", "", "A", "home: start")


def two_houses(dwell: str = "100000d", **extra: object) -> dict:
    """He starts at ``home`` (A) and can go to ``other`` (C)."""
    return {"fugitive": {"start_house": "home", "dwell": dwell, **extra}}


# --- the night rule -------------------------------------------------------------------------


def test_raid_due_at_2230_starts_at_0500_with_the_night_rule():
    record, m = run(scenario(events(tip_event(22.5)), night_rule()))
    assert rows(m) == [
        START_ROW,
        (22.5, "created", "", "A", "event; true=True"),
        (22.5, "arrived", "Police", "A", ""),
        (22.5, "identified", "Police", "A", NAME),
        (22.5, "raid_planned", "Police", "A", "home (A)"),
        (22.5, "raid_deferred", "Police", "A", "6.50h"),
        (29.0, "raid", "Police", "A", "home (A): captured"),
        (29.0, "capture", "Police", "A", "raid"),
    ]
    assert record["raids_deferred_night"] == 1
    assert record["night_deferral_hours"] == 6.5
    assert record["capture_day"] == 29.0 / 24
    assert record["capture_how"] == "raid"
    assert record["capture_by"] == "Police"


def test_raid_due_at_2230_starts_at_once_without_the_night_rule():
    record, m = run(scenario(events(tip_event(22.5))))
    assert rows(m, "raid", "capture", "raid_deferred") == [
        (22.5, "raid", "Police", "A", "home (A): captured"),
        (22.5, "capture", "Police", "A", "raid"),
    ]
    assert record["raids_deferred_night"] == 0
    assert record["night_deferral_hours"] == 0


@pytest.mark.parametrize(
    ("due", "starts"),
    [
        (20.99, 20.99),  # just before the ban: at once
        (21.0, 29.0),  # the ban starts at 21:00 sharp
        (23.5, 29.0),
        (24.0, 29.0),  # midnight
        (28.75, 29.0),  # 04:45
        (29.0, 29.0),  # 05:00: the ban is over
        (34.0, 34.0),  # 10:00
    ],
)
def test_night_rule_defers_to_the_end_of_the_window(due, starts):
    record, m = run(scenario(events(tip_event(due)), night_rule()))
    assert rows(m, "raid") == [(starts, "raid", "Police", "A", "home (A): captured")]
    assert record["raids_deferred_night"] == int(starts > due)
    assert record["night_deferral_hours"] == pytest.approx(starts - due)


def test_night_rule_window_that_does_not_cross_midnight():
    sc = scenario(events(tip_event(14.0)), night_rule(**{"from": "12:00", "until": "16:30"}))
    _, m = run(sc)
    assert rows(m, "raid_deferred", "raid") == [
        (14.0, "raid_deferred", "Police", "A", "2.50h"),
        (16.5, "raid", "Police", "A", "home (A): captured"),
    ]


def test_exempt_case_is_never_deferred():
    sc = scenario(events(tip_event(22.5)), night_rule(exempt=["terrorism"]))
    record, m = run(sc)
    assert rows(m, "raid") == [(22.5, "raid", "Police", "A", "home (A): captured")]
    assert record["raids_deferred_night"] == 0


def test_exemption_of_another_case_does_not_help():
    sc = scenario(events(tip_event(22.5)), night_rule(exempt=["fire"]))
    _, m = run(sc)
    assert rows(m, "raid") == [(29.0, "raid", "Police", "A", "home (A): captured")]


def test_exemption_from_a_date_cuts_the_deferral_short():
    # The exemption comes into force at 02:00 on Tuesday (hour 26): a search due Monday 22:30
    # waits only until then; one due on Tuesday night is not deferred at all.
    exempt = [{"case": "terrorism", "since": at(26.0)}]
    sc = scenario(events(tip_event(22.5)), night_rule(exempt=exempt))
    record, m = run(sc)
    assert rows(m, "raid_deferred", "raid") == [
        (22.5, "raid_deferred", "Police", "A", "3.50h"),
        (26.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["night_deferral_hours"] == 3.5
    later = scenario(events(tip_event(22.5 + 24)), night_rule(exempt=exempt))
    _, m = run(later)
    assert rows(m, "raid_deferred", "raid") == [(46.5, "raid", "Police", "A", "home (A): captured")]


def test_night_rule_applies_at_the_search_not_at_the_plan():
    # Planned at 18:00 with 4 h of preparation: the search would start at 22:00, inside the ban.
    sc = scenario(events(tip_event(18.0)), night_rule(), police(raid_prep="4h"))
    record, m = run(sc)
    assert rows(m, "raid_planned", "raid_deferred", "raid") == [
        (18.0, "raid_planned", "Police", "A", "home (A)"),
        (22.0, "raid_deferred", "Police", "A", "7.00h"),
        (29.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["night_deferral_hours"] == 7.0


# --- containment overnight ------------------------------------------------------------------


def test_containment_keeps_him_in_the_watched_address_until_the_search():
    # His stay at home ends at 23:00, but the address is watched from 22:30 until the 05:00
    # search: he cannot leave unseen and is taken there.
    sc = scenario(
        events(tip_event(22.5)),
        night_rule(containment={"escape_rate": 0}),
        houses(home="A", other="C"),
        two_houses(dwell="23h"),
    )
    record, m = run(sc)
    assert rows(m) == [
        START_ROW,
        (22.5, "created", "", "A", "event; true=True"),
        (22.5, "arrived", "Police", "A", ""),
        (22.5, "identified", "Police", "A", NAME),
        (22.5, "raid_planned", "Police", "A", "home (A)"),
        (22.5, "raid_deferred", "Police", "A", "6.50h"),
        (29.0, "raid", "Police", "A", "home (A): captured"),
        (29.0, "capture", "Police", "A", "raid"),
    ]
    assert record["containment_escapes"] == 0


def test_without_containment_he_leaves_during_the_deferral_a_near_miss():
    sc = scenario(
        events(tip_event(22.5)),
        night_rule(),
        houses(home="A", other="C"),
        two_houses(dwell="23h"),
        {"horizon": "2d"},
    )
    record, m = run(sc)
    assert rows(m, "move", "raid_deferred", "raid", "capture") == [
        START_ROW,
        (22.5, "raid_deferred", "Police", "A", "6.50h"),
        (23.0, "move", "", "C", "other: dwell over"),
        (29.0, "raid", "Police", "A", "home (A): empty; he left 6.0h before"),
        (46.0, "move", "", "A", "home: dwell over"),
    ]
    assert record["captured"] == 0
    assert record["raids_empty"] == 1
    assert record["raids_near_miss"] == 1
    assert record["true_tips_deferred_then_empty"] == 1


def test_containment_escape_lets_him_slip_out():
    # An escape hazard of 1e9 per hour: he slips out within a few nanoseconds of the deferral.
    sc = scenario(
        events(tip_event(22.5)),
        night_rule(containment={"escape_rate": "1000000000/h"}),
        houses(home="A", other="C"),
        two_houses(dwell="23h"),
        {"horizon": "30h"},
    )
    record, m = run(sc)
    assert rows(m, "move", "raid_deferred", "raid", "capture") == [
        START_ROW,
        (22.5, "raid_deferred", "Police", "A", "6.50h"),
        (22.5, "move", "", "C", "other: slipped out of the watched address"),
        (29.0, "raid", "Police", "A", "home (A): empty; he left 6.5h before"),
    ]
    assert record["containment_escapes"] == 1
    assert record["raids_near_miss"] == 1


# --- outcomes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "near_miss"),
    [("1h", False), ("5h", False), ("6h", True), ("7h", True)],  # he left 6 h before the search
)
def test_near_miss_only_within_the_window(window, near_miss):
    base = (
        events(tip_event(22.5)),
        night_rule(),
        houses(home="A", other="C"),
        two_houses(dwell="23h"),
    )
    record, m = run(scenario(*base, {"raids": {"near_miss_window": window}}))
    outcome = "empty; he left 6.0h before" if near_miss else "empty"
    assert rows(m, "raid") == [(29.0, "raid", "Police", "A", f"home (A): {outcome}")]
    assert record["raids_near_miss"] == int(near_miss)
    assert record["raids_empty"] == 1


def test_escape_on_raid_he_flees_at_once():
    sc = scenario(
        events(tip_event(10.0)),
        houses(home="A", other="C"),
        two_houses(),
        {"raids": {"escape_on_raid": 1.0}},
    )
    record, m = run(sc)
    assert rows(m, "move", "raid", "capture") == [
        START_ROW,
        (10.0, "raid", "Police", "A", "home (A): escaped during the search"),
        (10.0, "move", "", "C", "other: escaped during the search"),
    ]
    assert record["captured"] == 0
    assert record["raid_escapes"] == 1
    assert record["raids_empty"] == 1
    assert record["true_tips_raided_empty"] == 1


def test_raid_on_a_false_tip_is_empty():
    sc = scenario(events(tip_event(10.0, place="B")))
    record, m = run(sc)
    assert rows(m, "created", "raid") == [
        (10.0, "created", "", "B", "event; true=False"),
        (10.0, "raid", "Police", "B", "an address in B: empty"),
    ]
    assert record["raids_on_false_tips"] == 1
    assert record["raids_near_miss"] == 0
    assert record["tips_false"] == 1


def test_raid_where_he_is_not_is_empty_even_in_his_commune():
    # A tip about his commune without his address cannot find him.
    sc = scenario(events(tip_event(10.0, house="decoy")), houses(home="A", decoy="A"), two_houses())
    record, m = run(sc)
    assert rows(m, "raid") == [(10.0, "raid", "Police", "A", "decoy (A): empty")]
    assert record["captured"] == 0


# --- coalescing, teams and warrants ---------------------------------------------------------


def test_plans_for_the_same_address_while_one_is_pending_are_one_search():
    sc = scenario(events(tip_event(1.0), tip_event(2.0)), {"raids": {"warrant": {"delay": "2h"}}})
    record, m = run(sc)
    assert rows(m, "raid_planned", "raid", "capture") == [
        (1.0, "raid_planned", "Police", "A", "home (A)"),
        (3.0, "raid", "Police", "A", "home (A): captured"),
        (3.0, "capture", "Police", "A", "raid"),
    ]
    assert record["raids_planned"] == 1
    assert record["raids_joined"] == 1
    assert record["raids_done"] == 1
    assert record["true_tips_captured"] == 2  # both tips led to the capture


def test_one_raid_team_searches_one_address_at_a_time():
    sc = scenario(
        events(tip_event(1.0, place="B"), tip_event(1.0, place="A")),
        police(raid_duration="3h"),
    )
    _, m = run(sc)
    # Both plans are made at 01:00 (their order within the instant is the event queue's); the
    # second search waits for the one team to finish the first, three hours later.
    assert sorted(rows(m, "raid_planned", "raid")) == [
        (1.0, "raid", "Police", "B", "an address in B: empty"),
        (1.0, "raid_planned", "Police", "A", "home (A)"),
        (1.0, "raid_planned", "Police", "B", "an address in B"),
        (4.0, "raid", "Police", "A", "home (A): captured"),
    ]
    two = scenario(
        events(tip_event(1.0, place="B"), tip_event(1.0, place="A")),
        police(raid_duration="3h", raid_teams=2),
    )
    _, m = run(two)
    assert rows(m, "raid")[-1] == (1.0, "raid", "Police", "A", "home (A): captured")


def test_warrant_waits_for_the_judges_working_hours():
    # The tip arrives on Friday at 19:00 (hour 115); the judge works Mon-Fri 08:00-18:00 and takes
    # 2 h: the warrant is signed on Monday at 10:00 (hour 178) and the search follows at once.
    sc = scenario(
        events(tip_event(4 * 24 + 19)),
        new_agency("Judge", kind="judge", hours="office"),
        {"raids": {"warrant": {"judge": "Judge", "delay": "2h"}}},
    )
    record, m = run(sc)
    assert rows(m, "raid_planned", "raid") == [
        (115.0, "raid_planned", "Police", "A", "home (A)"),
        (178.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["capture_day"] == 178.0 / 24


def test_judge_signs_one_warrant_at_a_time():
    sc = scenario(
        events(tip_event(10.0, place="B"), tip_event(10.0)),
        new_agency("Judge", kind="judge"),
        {"raids": {"warrant": {"judge": "Judge", "delay": "2h"}}},
    )
    _, m = run(sc)
    assert rows(m, "raid") == [
        (12.0, "raid", "Police", "B", "an address in B: empty"),
        (14.0, "raid", "Police", "A", "home (A): captured"),
    ]


def test_warrant_then_preparation_then_night_rule():
    # Warrant 3 h (19:00 -> 22:00), preparation 1 h (-> 23:00), then the ban until 05:00.
    sc = scenario(
        events(tip_event(19.0)),
        night_rule(),
        police(raid_prep="1h"),
        {"raids": {"warrant": {"delay": "3h"}}},
    )
    record, m = run(sc)
    assert rows(m, "raid_planned", "raid_deferred", "raid") == [
        (19.0, "raid_planned", "Police", "A", "home (A)"),
        (23.0, "raid_deferred", "Police", "A", "6.00h"),
        (29.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["night_deferral_hours"] == 6.0


def test_containment_escape_with_nowhere_to_go_is_no_escape():
    # One safe house: the escape hazard fires but he has nowhere to slip away to; the record must
    # not count an escape while the search at 05:00 takes him in that very house.
    sc = scenario(events(tip_event(22.5)), night_rule(containment={"escape_rate": "1000000000/h"}))
    record, m = run(sc)
    assert rows(m, "move", "raid", "capture") == [
        START_ROW,
        (29.0, "raid", "Police", "A", "home (A): captured"),
        (29.0, "capture", "Police", "A", "raid"),
    ]
    assert record["containment_escapes"] == 0
