"""Detentions that end (docs/cases/FORMAT-NEEDS.md N2): exact event logs of tiny scenarios.

A record that detains may say how long a detention on it lasts (``holds``). A detention that
ends before the horizon takes him into custody and lets him go; ``captured`` means held at the
horizon. While he is held nobody sees or stops him and a search finds him gone; released, he
goes back to his safe house (or takes his itinerary up where it has got to).
"""

from __future__ import annotations

from builders import (
    DAY,
    at,
    events,
    flag_event,
    houses,
    police,
    rows,
    run,
    scenario,
    stop_event,
    tip_event,
)

from sim.scenario.schema import Scenario


def held(hours: str, *more: dict) -> Scenario:
    """The base scenario with his name in the police files on a record that holds ``hours``."""
    return scenario(
        police(wanted=[]), events(flag_event(-1.0, agency="Police", holds=hours), *more)
    )


def test_a_detention_that_ends_lets_him_go_and_he_goes_home():
    sc = held("48h", stop_event(5.0))
    record, m = run(sc)
    assert rows(m, "stop", "detained", "released", "capture", "move") == [
        (0.0, "move", "", "A", "home: start"),
        (5.0, "stop", "Police", "A", "captured"),
        (5.0, "detained", "Police", "A", "stop; held 48.0h"),
        (5.0, "move", "", "A", "A: taken into custody"),
        (53.0, "released", "", "A", ""),
        (53.0, "move", "", "A", "home: released"),
    ]
    assert (record["captured"], record["detentions"], record["releases"]) == (0, 1, 1)
    assert record["capture_how"] == ""


def test_held_beyond_the_horizon_is_a_capture_on_the_day_the_detention_began():
    record, m = run(held("40d", stop_event(5.0)))
    assert rows(m, "detained", "capture") == [(5.0, "capture", "Police", "A", "stop")]
    assert record["captured"] == 1
    assert record["capture_day"] == 5.0 / DAY
    assert (record["detentions"], record["releases"]) == (1, 0)


def test_a_record_without_holds_anywhere_holds_him_for_good():
    sc = scenario(
        police(wanted=[], databases={"DB": "read"}),
        {"databases": {"DB": {}}},
        events(
            flag_event(-1.0, agency="Police", holds="2h"),
            flag_event(-1.0, database="DB"),  # an arrest warrant, for good
            stop_event(5.0),
        ),
    )
    record, _ = run(sc)
    assert record["captured"] == 1 and record["releases"] == 0


def test_the_longest_hold_of_his_records_counts():
    sc = scenario(
        police(wanted=[], databases={"DB": "read"}),
        {"databases": {"DB": {}}},
        events(
            flag_event(-1.0, agency="Police", holds="2h"),
            flag_event(-1.0, database="DB", holds="10h"),
            stop_event(5.0),
        ),
    )
    _, m = run(sc)
    assert rows(m, "released") == [(15.0, "released", "", "A", "")]


def test_in_custody_he_is_not_checked_and_a_search_finds_him_gone():
    sc = held("10h", stop_event(5.0), stop_event(8.0), tip_event(9.0))
    record, m = run(sc)
    assert rows(m, "stop", "raid") == [
        (5.0, "stop", "Police", "A", "captured"),
        (9.0, "raid", "Police", "A", "home (A): empty; he left 4.0h before"),
    ]
    assert record["stops"] == 1 and record["raids_near_miss"] == 1


def test_released_he_can_be_held_again():
    record, m = run(held("10h", stop_event(5.0), stop_event(20.0)))
    assert [r[:2] for r in rows(m, "detained", "released")] == [
        (5.0, "detained"),
        (15.0, "released"),
        (20.0, "detained"),
        (30.0, "released"),
    ]
    assert (record["detentions"], record["releases"], record["stops"]) == (2, 2, 2)


def test_sightings_fall_silent_while_he_is_held():
    # One sighting an hour while free; held from hour 5 to hour 5 + 20 days, nothing is seen.
    sc = scenario(
        police(wanted=[], belief={"true_tip": 0.0}),
        {"tips": {"sightings": [{"rate": "1/h", "places": ["A"], "reporters": {"Police": 1}}]}},
        events(flag_event(-1.0, agency="Police", holds="20d"), stop_event(5.0)),
    )
    _, m = run(sc)
    created = [r[0] for r in rows(m, "created")]
    assert created and not [t for t in created if 5.0 < t < 5.0 + 20 * DAY]
    assert [t for t in created if t > 5.0 + 20 * DAY], "seen again once released"


def test_on_an_itinerary_he_takes_up_the_leg_that_came_due_while_held():
    sc = scenario(
        police(wanted=[]),
        houses(home="A", other="B"),
        {
            "fugitive": {
                "itinerary": [
                    {"at": at(0.0), "house": "home"},
                    {"at": at(10.0), "place": "C"},
                    {"at": at(12.0), "house": "other"},
                    {"at": at(100.0), "house": "home"},
                ]
            }
        },
        events(flag_event(-1.0, agency="Police", holds="20h"), stop_event(5.0)),
    )
    _, m = run(sc)
    assert rows(m, "move", "released") == [
        (0.0, "move", "", "A", "home: itinerary"),
        (5.0, "move", "", "A", "A: taken into custody"),
        (25.0, "released", "", "A", ""),
        (25.0, "move", "", "B", "other: itinerary"),  # the leg of hour 12; hour 10's is past
        (100.0, "move", "", "A", "home: itinerary"),
    ]
