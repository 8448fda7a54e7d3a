"""Scheduled events and tip sources, exact event logs (DESIGN §2.2).

Dated flags, tips and stops; sightings, intercepts and noise as sources whose timing is random but
whose content, reporter and activity window are fixed by the scenario.
"""

from __future__ import annotations

from builders import (
    NAME,
    at,
    entries,
    events,
    flag_event,
    houses,
    new_agency,
    police,
    rows,
    run,
    scenario,
    stop_event,
    tip_event,
)

# --- dated events ---------------------------------------------------------------------------


def test_flag_dated_before_the_start_holds_from_the_start():
    sc = scenario(events(flag_event(-24.0, agency="Police"), tip_event(1.0)), police(wanted=[]))
    record, m = run(sc)
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (0.0, "flag", "Police", "", NAME),
        (1.0, "created", "", "A", "event; true=True"),
        (1.0, "arrived", "Police", "A", ""),
        (1.0, "identified", "Police", "A", NAME),
        (1.0, "raid_planned", "Police", "A", "home (A)"),
        (1.0, "raid", "Police", "A", "home (A): captured"),
        (1.0, "capture", "Police", "A", "raid"),
    ]
    assert record["capture_day"] == 1.0 / 24


def test_flag_in_a_database_dated_before_the_start_holds_from_the_start():
    sc = scenario(
        events(flag_event(-100.0, database="DB"), tip_event(1.0)),
        police(wanted=[], databases={"DB": "read"}),
        {"databases": {"DB": {"hit_delay": "0h"}}},
    )
    _, m = run(sc)
    assert rows(m, "flag", "identified") == [
        (0.0, "flag", "DB", "", NAME),
        (1.0, "identified", "Police", "A", NAME),
    ]


def test_flag_happens_at_its_date():
    sc = scenario(
        events(tip_event(1.0, place="B"), flag_event(2.0, agency="Police"), tip_event(3.0)),
        police(wanted=[]),
    )
    _, m = run(sc)
    assert rows(m, "flag", "identified", "not_identified") == [
        (1.0, "not_identified", "Police", "B", NAME),
        (2.0, "flag", "Police", "", NAME),
        (3.0, "identified", "Police", "A", NAME),
    ]


def test_tips_and_stops_dated_before_the_start_are_not_replayed():
    sc = scenario(events(tip_event(-2.0), stop_event(-1.0)))
    record, m = run(sc)
    assert rows(m) == [(0.0, "move", "", "A", "home: start")]
    assert record["tips_true"] == 0
    assert record["stops"] == 0


def test_dated_tip_about_a_commune_points_at_his_address_if_he_is_there():
    _, m = run(scenario(events(tip_event(1.0, place="A"))))
    assert rows(m, "created", "raid") == [
        (1.0, "created", "", "A", "event; true=True"),
        (1.0, "raid", "Police", "A", "home (A): captured"),
    ]


def test_dated_tip_about_his_current_place_follows_him():
    sc = scenario(
        events(tip_event(7.0, current=True)),
        houses(home="A", other="B"),
        {"fugitive": {"start_house": "home", "dwell": "5h"}},
    )
    _, m = run(sc)
    assert rows(m, "created", "raid") == [
        (7.0, "created", "", "B", "event; true=True"),
        (7.0, "raid", "Police", "B", "other (B): captured"),
    ]


def test_dated_tip_about_a_house_he_is_not_in_is_false():
    sc = scenario(
        events(tip_event(1.0, house="other")),
        houses(home="A", other="B"),
        {"fugitive": {"start_house": "home"}},
    )
    record, m = run(sc)
    assert rows(m, "created", "raid") == [
        (1.0, "created", "", "B", "event; true=False"),
        (1.0, "raid", "Police", "B", "other (B): empty"),
    ]
    assert record["tips_false"] == 1


def test_dated_tip_names_the_name_as_written():
    _, m = run(scenario(events(tip_event(1.0, name="S. Abdeslam"))))
    assert rows(m, "not_identified") == [(1.0, "not_identified", "Police", "A", "S. Abdeslam")]


# --- tip sources ----------------------------------------------------------------------------


def test_sightings_come_only_while_he_is_in_a_covered_place():
    # He is in C (not covered) until hour 10, then in A (covered): every sighting is after 10.
    sc = scenario(
        houses(home="A"),
        police(wanted=[]),
        {
            "horizon": "2d",
            "fugitive": {
                "itinerary": [{"at": at(0), "place": "C"}, {"at": at(10), "house": "home"}]
            },
            "tips": {"sightings": [{"rate": "2/h", "places": ["A"], "reporters": {"Police": 1}}]},
        },
    )
    record, m = run(sc)
    created = entries(m, "created")
    assert len(created) > 20
    assert all(e.time_h >= 10.0 and e.place == "A" for e in created)
    assert all(e.detail == "sighting; true=True" for e in created)
    assert record["tips_true"] == len(created)


def test_sightings_with_accuracy_zero_point_next_door_and_are_false():
    sc = scenario(
        police(wanted=[]),
        {
            "horizon": "1d",
            "tips": {"sightings": [{"rate": "1/h", "places": ["Z1"], "accuracy": 0.0}]},
        },
    )
    record, m = run(sc)
    created = entries(m, "created")
    assert created
    assert {(e.place, e.detail) for e in created} == {("B", "sighting; true=False")}
    assert record["tips_true"] == 0
    assert record["tips_false"] == len(created)


def test_sightings_window_from_until():
    sc = scenario(
        police(wanted=[]),
        {
            "horizon": "3d",
            "tips": {
                "sightings": [
                    {"rate": "4/h", "from": at(24.0), "until": at(36.0), "reporters": {"Police": 1}}
                ]
            },
        },
    )
    _, m = run(sc)
    times = [e.time_h for e in entries(m, "created")]
    assert len(times) > 10
    assert all(24.0 <= t < 36.0 for t in times)


def test_unnamed_sightings_carry_no_name():
    sc = scenario(
        {"horizon": "1d", "tips": {"sightings": [{"rate": "1/h", "places": ["A"], "named": 0.0}]}},
    )
    record, m = run(sc)
    assert {e.detail for e in entries(m, "not_identified")} == {""}
    assert record["raids_planned"] == 0
    assert record["name_matches_missed"] == 0


def test_intercept_reaches_its_agency_after_the_lag():
    sc = scenario(
        new_agency("Intel", kind="intelligence"),
        {
            "horizon": "2d",
            "tips": {"intercepts": [{"agency": "Intel", "rate": "1/h", "lag": "5h"}]},
        },
    )
    _, m = run(sc)
    created = {e.root_id: e.time_h for e in entries(m, "created")}
    arrived = {e.root_id: e.time_h for e in entries(m, "arrived")}
    assert created
    assert {e.detail for e in entries(m, "created")} == {"intercept; true=True"}
    for root, t in arrived.items():
        assert t == created[root] + 5.0
    assert set(arrived) == {r for r, t in created.items() if t + 5.0 <= 48.0}
    assert {e.agency for e in entries(m, "arrived")} == {"Intel"}


def test_noise_tips_are_false_and_point_only_at_covered_places():
    sc = scenario(
        police(wanted=[], raid_teams=0),
        {
            "horizon": "2d",
            "places": {"A": {"population": 1}, "B": {"population": 3}},
            "tips": {"noise": [{"rate": "10/h", "places": ["Z1"], "reporters": {"Police": 1}}]},
        },
    )
    record, m = run(sc)
    created = entries(m, "created")
    assert len(created) > 300
    assert {e.detail for e in created} == {"noise; true=False"}
    assert {e.place for e in created} == {"A", "B"}
    share_b = sum(e.place == "B" for e in created) / len(created)
    assert 0.65 < share_b < 0.85, share_b  # population weights 1:3
    assert record["tips_false"] == len(created)
    assert record["tips_true"] == 0
