"""Stops and checkpoints, exact event logs: flagged, not flagged, aliases (DESIGN §2.2)."""

from __future__ import annotations

import pytest
from builders import (
    NAME,
    at,
    events,
    flag_event,
    new_agency,
    police,
    rows,
    run,
    scenario,
    stop_event,
)

ALIAS = "Amine Choukri"


def test_flagged_name_at_a_stop_is_a_capture_on_the_spot():
    record, m = run(scenario(events(stop_event(5.0))))
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (5.0, "stop", "Police", "A", "captured"),
        (5.0, "capture", "Police", "A", "stop"),
    ]
    assert record["captured"] == 1
    assert record["capture_how"] == "stop"
    assert record["capture_by"] == "Police"
    assert record["stops"] == 1
    assert record["stops_released"] == 0


def test_name_not_in_the_files_he_is_released():
    record, m = run(scenario(events(stop_event(5.0)), police(wanted=[])))
    assert rows(m, "stop", "capture") == [
        (5.0, "stop", "Police", "A", "released: not in the files he checked"),
    ]
    assert record["stops"] == 1
    assert record["stops_released"] == 1
    assert record["captured"] == 0


def test_stop_where_he_is_not_checks_nobody():
    record, m = run(scenario(events(stop_event(5.0, place="B"))))
    assert rows(m, "stop") == []
    assert record["stops"] == 0


def test_stop_by_another_agency_checks_its_own_files():
    sc = scenario(
        events(stop_event(5.0, agency="Border")),
        new_agency("Border", kind="foreign_service"),
    )
    record, m = run(sc)
    assert rows(m, "stop") == [
        (5.0, "stop", "Border", "A", "released: not in the files he checked")
    ]
    sc = scenario(
        events(flag_event(1.0, agency="Border"), stop_event(5.0, agency="Border")),
        new_agency("Border", kind="foreign_service"),
    )
    record, _ = run(sc)
    assert record["capture_by"] == "Border"


@pytest.mark.parametrize(
    ("wanted", "outcome"),
    [
        ([NAME], "released: not in the files he checked"),  # his papers show the alias
        ([ALIAS], "captured"),
        ([NAME, ALIAS], "captured"),
    ],
)
def test_alias_at_stops(wanted, outcome):
    sc = scenario(
        events(stop_event(5.0)),
        police(wanted=wanted),
        {"fugitive": {"aliases": [ALIAS], "alias_at_stops": 1.0}},
    )
    _, m = run(sc)
    assert rows(m, "stop") == [(5.0, "stop", "Police", "A", outcome)]


def test_alias_never_shown_when_its_probability_is_zero():
    sc = scenario(
        events(stop_event(5.0)),
        {"fugitive": {"aliases": [ALIAS], "alias_at_stops": 0.0}},
    )
    _, m = run(sc)
    assert rows(m, "stop") == [(5.0, "stop", "Police", "A", "captured")]


def test_stop_source_local_police_of_his_zone_checks_him():
    # Stops at 1 per hour while he is in A: the first one catches him (Police has his name).
    sc = scenario({"tips": {"stops": [{"rate": "1/h", "places": ["A"], "agency": "local"}]}})
    record, m = run(sc)
    (stop,) = rows(m, "stop")
    assert stop[1:] == ("stop", "Police", "A", "captured")
    assert record["capture_how"] == "stop"
    assert record["capture_day"] * 24 == pytest.approx(stop[0], abs=1e-6)


def test_stop_source_inactive_outside_its_places_and_window():
    sc = scenario(
        {
            "horizon": "2d",
            "tips": {
                "stops": [
                    {"rate": "100/h", "places": ["B"]},
                    {"rate": "100/h", "places": ["A"], "from": at(30.0)},
                ]
            },
        }
    )
    record, m = run(sc)
    (stop,) = rows(m, "stop")
    assert 30.0 <= stop[0] < 30.5
    assert record["stops"] == 1
