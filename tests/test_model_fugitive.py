"""The fugitive, exact event logs: safe houses, dwell, itinerary, alert moves (DESIGN §2.1)."""

from __future__ import annotations

import pytest
from builders import at, events, houses, rows, run, scenario, tip_event


def moves(m):
    return rows(m, "move")


def test_moves_between_safe_houses_after_each_dwell():
    sc = scenario(
        houses(home="A", other="C"),
        {"horizon": "1d", "fugitive": {"start_house": "home", "dwell": "5h"}},
    )
    record, m = run(sc)
    assert moves(m) == [
        (0.0, "move", "", "A", "home: start"),
        (5.0, "move", "", "C", "other: dwell over"),
        (10.0, "move", "", "A", "home: dwell over"),
        (15.0, "move", "", "C", "other: dwell over"),
        (20.0, "move", "", "A", "home: dwell over"),
    ]
    assert record["fugitive_moves"] == 4
    assert m.fugitive.left_at == {"home": 15.0, "other": 20.0}


def test_transition_weights_zero_is_never_chosen():
    sc = scenario(
        houses(home="A", never="B", other="C"),
        {
            "horizon": "1d",
            "fugitive": {
                "start_house": "home",
                "dwell": "10h",
                "safe_houses": {"never": {"weight": 0}},
            },
        },
    )
    _, m = run(sc)
    assert [r[4] for r in moves(m)] == ["home: start", "other: dwell over", "home: dwell over"]


def test_itinerary_is_followed_then_safe_house_movement_takes_over():
    sc = scenario(
        houses(home="A", other="B"),
        {
            "horizon": "1d",
            "fugitive": {
                "dwell": "5h",
                "itinerary": [{"at": at(0), "place": "C"}, {"at": at(10), "house": "home"}],
            },
        },
    )
    record, m = run(sc)
    assert moves(m) == [
        (0.0, "move", "", "C", "C: itinerary"),
        (10.0, "move", "", "A", "home: itinerary"),
        (15.0, "move", "", "B", "other: dwell over"),
        (20.0, "move", "", "A", "home: dwell over"),
    ]
    assert record["fugitive_moves"] == 3


def test_itinerary_legs_before_the_start_place_him_at_the_last_of_them():
    sc = scenario(
        houses(home="A", other="B"),
        {
            "horizon": "12h",
            "fugitive": {
                "itinerary": [
                    {"at": at(-5), "place": "C"},
                    {"at": at(-1), "place": "B"},
                    {"at": at(3), "house": "home"},
                ],
            },
        },
    )
    _, m = run(sc)
    assert moves(m) == [
        (0.0, "move", "", "B", "B: itinerary"),
        (3.0, "move", "", "A", "home: itinerary"),
    ]


def test_itinerary_only_he_stays_at_the_last_leg():
    sc = scenario(
        {
            "horizon": "2d",
            "fugitive": {
                "safe_houses": None,
                "itinerary": [{"at": at(0), "place": "C"}, {"at": at(10), "place": "B"}],
            },
        }
    )
    _, m = run(sc)
    assert moves(m) == [
        (0.0, "move", "", "C", "C: itinerary"),
        (10.0, "move", "", "B", "B: itinerary"),
    ]


def test_searches_do_not_divert_him_from_his_itinerary():
    sc = scenario(
        events(tip_event(5.0, place="C")),
        houses(home="A", other="B"),
        {
            "horizon": "12h",
            "agencies": {"Police": {"jurisdiction": "all"}},
            "fugitive": {
                "alert": {"probability": 1.0, "delay": "1h"},
                "itinerary": [{"at": at(0), "place": "C"}, {"at": at(10), "house": "home"}],
            },
        },
    )
    record, m = run(sc)
    assert rows(m, "raid", "move") == [
        (0.0, "move", "", "C", "C: itinerary"),
        (5.0, "raid", "Police", "C", "an address in C: empty"),
        (10.0, "move", "", "A", "home: itinerary"),
    ]
    assert record["alert_moves"] == 0


def alerted(radius: str, tip: dict, probability: float = 1.0):
    """He is at home (A); ``decoy`` is another address in A, ``far`` one in C; Police may search
    anywhere."""
    return scenario(
        events(tip),
        houses(home="A", decoy="A", far="C"),
        {
            "horizon": "2d",
            "agencies": {"Police": {"jurisdiction": "all"}},
            "fugitive": {
                "start_house": "home",
                "safe_houses": {"decoy": {"weight": 0}},
                "alert": {"radius": radius, "probability": probability, "delay": "3h"},
            },
        },
    )


def test_search_in_his_commune_makes_him_move_after_the_alert_delay():
    record, m = run(alerted("commune", tip_event(10.0, house="decoy")))
    assert rows(m, "raid", "move") == [
        (0.0, "move", "", "A", "home: start"),
        (10.0, "raid", "Police", "A", "decoy (A): empty"),
        (13.0, "move", "", "C", "far: alerted by a search nearby"),
    ]
    assert record["alert_moves"] == 1
    assert record["fugitive_moves"] == 1


@pytest.mark.parametrize(
    ("radius", "place", "house", "moves_away"),
    [
        ("commune", "A", "decoy", True),
        ("commune", "B", None, False),  # another commune of his zone
        ("zone", "B", None, True),
        ("zone", "C", None, False),  # another zone
    ],
)
def test_alert_radius(radius, place, house, moves_away):
    tip = tip_event(10.0, house=house) if house else tip_event(10.0, place=place)
    sc = alerted(radius, tip)
    record, m = run(sc)
    assert rows(m, "raid")[0][0] == 10.0
    assert record["alert_moves"] == int(moves_away)
    expected = [(13.0, "move", "", "C", "far: alerted by a search nearby")] if moves_away else []
    assert moves(m)[1:] == expected


def test_alert_with_probability_zero_changes_nothing():
    record, m = run(alerted("commune", tip_event(10.0, house="decoy"), probability=0.0))
    assert moves(m) == [(0.0, "move", "", "A", "home: start")]
    assert record["alert_moves"] == 0


def test_alert_never_delays_a_move_already_due_sooner():
    sc = scenario(
        events(tip_event(10.0, house="decoy")),
        houses(home="A", decoy="A", far="C"),
        {
            "horizon": "20h",
            "fugitive": {
                "start_house": "home",
                "dwell": "12h",
                "safe_houses": {"decoy": {"weight": 0}},
                "alert": {"radius": "commune", "probability": 1.0, "delay": "3h"},
            },
        },
    )
    record, m = run(sc)
    assert moves(m)[1] == (12.0, "move", "", "C", "far: dwell over")
    assert record["alert_moves"] == 0
