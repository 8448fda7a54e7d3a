"""Databases, exact event logs: feeding (delay, skip), reading, hit/no-hit, alerts (§2.3-2.4).

``Desk`` (no raid teams, the fugitive's name not in its files) feeds database ``DB``, which holds
his name as wanted; ``Police`` (the local police of his commune) reads it or is alerted by it.
"""

from __future__ import annotations

import pytest
from builders import (
    NAME,
    events,
    fate_counts,
    flag_event,
    new_agency,
    police,
    rows,
    run,
    scenario,
    stop_event,
    tip_event,
)


def db(**body: object) -> dict:
    """An override for database ``DB`` holding his name as wanted."""
    return {"databases": {"DB": {"wanted": [NAME], "hit_delay": "0h", **body}}}


def fed_by_desk(feeding: dict, alerts: dict | None = None, place: str = "A"):
    tip = tip_event(1.0, to="Desk") if place == "A" else tip_event(1.0, to="Desk", place=place)
    return scenario(
        events(tip),
        new_agency("Desk", databases={"DB": "feed"}, feeding=feeding),
        police(wanted=[]),
        db(alerts=alerts) if alerts else db(),
    )


ALERT_LOCAL = {"to": ["local"], "delay": "1h"}


def test_feeding_writes_after_the_delay_and_the_alert_reaches_the_local_police():
    record, m = run(fed_by_desk({"delay": "2h"}, ALERT_LOCAL))
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (1.0, "created", "", "A", "event; true=True"),
        (1.0, "arrived", "Desk", "A", ""),
        (1.0, "not_identified", "Desk", "A", NAME),
        (3.0, "db_entered", "DB", "A", "Desk"),
        (3.0, "db_alert", "DB", "A", "Police"),
        (4.0, "arrived", "Police", "A", ""),
        (4.0, "identified", "Police", "A", NAME),
        (4.0, "raid_planned", "Police", "A", "home (A)"),
        (4.0, "raid", "Police", "A", "home (A): captured"),
        (4.0, "capture", "Police", "A", "raid"),
    ]
    assert record["db_writes"] == 1
    assert record["db_alerts"] == 1
    assert record["db_writes_skipped"] == 0


def test_skipped_write_is_never_entered():
    record, m = run(fed_by_desk({"delay": "2h", "skip": 1.0}, ALERT_LOCAL))
    assert rows(m, "db_skipped", "db_entered", "db_alert") == [
        (1.0, "db_skipped", "Desk", "A", "DB"),
    ]
    assert record["db_writes_skipped"] == 1
    assert record["db_writes"] == 0
    assert record["captured"] == 0


def test_database_without_alerts_only_stores():
    record, m = run(fed_by_desk({"delay": "2h"}))
    assert rows(m, "db_entered", "db_alert", "arrived") == [
        (1.0, "arrived", "Desk", "A", ""),
        (3.0, "db_entered", "DB", "A", "Desk"),
    ]
    assert record["db_alerts"] == 0
    assert fate_counts(record) == {"name_not_matched": 1}


def test_alert_to_local_goes_to_the_zone_of_the_place_named():
    # A tip about C (zone Z2): the local police of Z2 is alerted, not Police (zone Z1).
    sc = scenario(
        events(tip_event(1.0, to="Desk", place="C")),
        new_agency("Desk", databases={"DB": "feed"}, feeding={"delay": "2h"}),
        new_agency("Police2", kind="local_police", zone="Z2"),
        police(wanted=[]),
        db(alerts=ALERT_LOCAL),
    )
    record, m = run(sc)
    assert rows(m, "db_alert") == [(3.0, "db_alert", "DB", "C", "Police2")]
    assert record["db_alerts"] == 1


def test_alert_to_local_without_a_local_police_reaches_nobody():
    record, m = run(fed_by_desk({"delay": "2h"}, ALERT_LOCAL, place="C"))
    assert rows(m, "db_alert") == []
    assert record["db_alerts"] == 0


def test_alert_skips_the_writer_and_names_agencies_in_order():
    sc = scenario(
        events(tip_event(1.0, to="Desk")),
        new_agency("Desk", databases={"DB": "feed"}, feeding={"delay": "2h"}),
        new_agency("Analysts"),
        police(wanted=[]),
        db(alerts={"to": ["Police", "Desk", "Analysts"], "delay": "0h"}),
    )
    _, m = run(sc)
    assert rows(m, "db_alert") == [
        (3.0, "db_alert", "DB", "A", "Analysts"),
        (3.0, "db_alert", "DB", "A", "Police"),
    ]


def test_unwanted_name_raises_no_alert():
    sc = scenario(
        events(tip_event(1.0, to="Desk", name="Someone Else")),
        new_agency("Desk", databases={"DB": "feed"}, feeding={"delay": "2h"}),
        db(alerts=ALERT_LOCAL),
    )
    record, m = run(sc)
    assert rows(m, "db_entered", "db_alert") == [(3.0, "db_entered", "DB", "A", "Desk")]
    assert record["db_alerts"] == 0


@pytest.mark.parametrize(("identified", "written"), [(True, 1), (False, 0)])
def test_feeding_when_wanted_writes_only_identified_tips(identified, written):
    sc = scenario(
        events(tip_event(1.0, to="Desk")),
        new_agency(
            "Desk",
            databases={"DB": "feed"},
            feeding={"when": "wanted", "delay": "0h"},
            wanted=[NAME] if identified else [],
        ),
        db(),
    )
    record, _ = run(sc)
    assert record["db_writes"] == written


def test_reading_a_database_identifies_at_once():
    sc = scenario(events(tip_event(1.0)), police(wanted=[], databases={"DB": "read"}), db())
    record, m = run(sc)
    assert rows(m, "arrived", "identified", "capture") == [
        (1.0, "arrived", "Police", "A", ""),
        (1.0, "identified", "Police", "A", NAME),
        (1.0, "capture", "Police", "A", "raid"),
    ]
    assert record["db_hit_queries"] == 0


def test_feeding_does_not_give_read_access():
    sc = scenario(
        events(tip_event(1.0)),
        police(wanted=[], databases={"DB": "feed"}, feeding={"delay": "0h"}),
        db(),
    )
    record, m = run(sc)
    assert rows(m, "not_identified") == [(1.0, "not_identified", "Police", "A", NAME)]
    assert record["captured"] == 0


def test_hit_no_hit_costs_the_owners_answer_delay():
    sc = scenario(
        events(tip_event(1.0)),
        police(wanted=[], databases={"DB": "hit"}),
        db(hit_delay="4h"),
    )
    record, m = run(sc)
    assert rows(m, "arrived", "identified", "raid") == [
        (1.0, "arrived", "Police", "A", ""),
        (5.0, "identified", "Police", "A", NAME),
        (5.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["db_hit_queries"] == 1


def test_a_flag_entered_later_identifies_only_later_tips():
    sc = scenario(
        events(tip_event(1.0), flag_event(2.0, database="DB"), tip_event(3.0)),
        police(wanted=[], databases={"DB": "read"}),
        {"databases": {"DB": {"hit_delay": "0h"}}},
    )
    record, m = run(sc)
    assert rows(m, "flag", "identified", "not_identified") == [
        (1.0, "not_identified", "Police", "A", NAME),
        (2.0, "flag", "DB", "", NAME),
        (3.0, "identified", "Police", "A", NAME),
    ]
    assert record["capture_day"] == 3.0 / 24


def test_hit_answer_slower_than_the_hold_releases_him_at_a_stop():
    base = (events(stop_event(5.0)), police(wanted=[], databases={"DB": "hit"}))
    record, m = run(scenario(*base, db(hit_delay="1h")))
    assert rows(m, "stop") == [(5.0, "stop", "Police", "A", "released: the answer came too late")]
    assert record["db_hit_queries"] == 1
    assert record["stops_released"] == 1
    record, m = run(scenario(*base, db(hit_delay="20min")))
    assert rows(m, "stop", "capture") == [
        (5.0, "stop", "Police", "A", "captured"),
        (5.0, "capture", "Police", "A", "stop"),
    ]
