"""What a record lets a service do (docs/cases/FORMAT-NEEDS.md N1): detain, report or watch.

Exact event logs of tiny scenarios: a watch record makes the name recognised and passed on but
holds nobody and plans no search; a report record lets him go and tells the register's keeper
where he was checked; the strongest ground of the records that match wins.
"""

from __future__ import annotations

import pytest
from builders import (
    NAME,
    channel,
    channels,
    doc,
    events,
    flag_event,
    new_agency,
    police,
    rows,
    run,
    scenario,
    stop_event,
    tip_event,
)

from sim.model.grounds import DETAIN, NONE, REPORT, WATCH
from sim.model.register import Register
from sim.names.matchers import matcher_of, parse_matcher
from sim.scenario import ScenarioError
from sim.scenario.loader import validate_document

ALIAS = "Amine Choukri"


def register() -> Register:
    return Register(matcher_of(parse_matcher("exact"), False))


# --- the register ---------------------------------------------------------------------------


def test_the_strongest_ground_of_the_matching_records_wins():
    files = register()
    files.flag(NAME, NAME, WATCH)
    assert files.ground(NAME) is WATCH
    files.flag(NAME, NAME, REPORT)
    assert files.ground(NAME) is REPORT
    files.flag(NAME, NAME, WATCH)  # a weaker record later takes nothing away
    assert files.ground(NAME) is REPORT
    files.flag(NAME, NAME, DETAIN)
    assert files.ground(NAME) is DETAIN
    assert files.ground("Somebody Else") is NONE


def test_records_without_a_ground_say_detain_as_before():
    files = Register(matcher_of(parse_matcher("exact"), False), [NAME])
    assert files.ground(NAME) is DETAIN and files.matches(NAME)
    assert files.detentions == {NAME: [None]}  # held for good


def test_a_link_gives_the_alias_the_strongest_ground_of_the_group():
    files = register()
    files.flag(NAME, NAME, WATCH)
    files.link(ALIAS, ALIAS, NAME, NAME)
    assert files.ground(ALIAS) is WATCH
    files.flag(NAME, NAME, DETAIN)
    assert files.ground(ALIAS) is DETAIN


def test_only_records_that_detain_say_how_long_they_hold():
    files = register()
    files.flag(NAME, NAME, WATCH)
    files.flag(NAME, NAME, DETAIN, None)
    assert files.detentions == {NAME: [None]}


# --- at a check -----------------------------------------------------------------------------


def test_a_watch_record_at_a_check_recognises_him_and_lets_him_go():
    sc = scenario(
        police(wanted=[]),
        events(flag_event(-1.0, agency="Police", action="watch"), stop_event(5.0)),
    )
    record, m = run(sc)
    assert rows(m, "flag", "stop", "capture") == [
        (0.0, "flag", "Police", "", f"{NAME} (watch)"),
        (
            5.0,
            "stop",
            "Police",
            "A",
            "released: recognised, but no record of him is a ground to hold him",
        ),
    ]
    assert (record["captured"], record["stops_released"], record["detentions"]) == (0, 1, 0)


def test_a_report_record_lets_him_go_and_tells_its_keeper_where_he_was():
    # A discreet check (Schengen article 36): the border police read DB; DB's keeper, the
    # police, hold their own ground to detain him and search the address the report gives.
    sc = scenario(
        police(wanted=[NAME], databases={"DB": "read"}),
        new_agency("Border", kind="border_police", databases={"DB": "read"}),
        {"databases": {"DB": {"owner": "Police"}}},
        events(flag_event(-1.0, database="DB", action="report"), stop_event(5.0, agency="Border")),
    )
    record, m = run(sc)
    assert rows(m, "stop", "created", "identified", "raid_planned", "capture") == [
        (5.0, "stop", "Border", "A", "released: a discreet check: reported"),
        (5.0, "created", "", "A", "check by Border; true=True"),
        (5.0, "identified", "Police", "A", NAME),
        (5.0, "raid_planned", "Police", "A", "home (A)"),
        (5.0, "capture", "Police", "A", "raid"),
    ]
    assert record["reports_from_checks"] == 1
    assert record["stops_released"] == 1
    assert record["tips_true"] == 1


def test_a_report_reaches_a_keeper_without_a_ground_and_nothing_more_happens():
    sc = scenario(
        police(wanted=[], databases={"DB": "read"}),
        new_agency("Border", kind="border_police", databases={"DB": "read"}),
        {"databases": {"DB": {"owner": "Police"}}},
        events(flag_event(-1.0, database="DB", action="report"), stop_event(5.0, agency="Border")),
    )
    record, m = run(sc)
    assert rows(m, "raid_planned", "capture") == []
    assert record["reports_from_checks"] == 1 and record["captured"] == 0


def test_a_detain_record_anywhere_it_looks_beats_a_watch_record():
    sc = scenario(
        police(wanted=[], databases={"DB": "read"}),
        {"databases": {"DB": {}}},
        events(
            flag_event(-1.0, agency="Police", action="watch"),
            flag_event(-1.0, database="DB"),
            stop_event(5.0),
        ),
    )
    record, _ = run(sc)
    assert (record["captured"], record["capture_how"]) == (1, "stop")


# --- tips -----------------------------------------------------------------------------------


def test_a_watch_record_identifies_a_tip_and_passes_it_on_but_plans_no_search():
    sc = scenario(
        police(wanted=[]),
        new_agency("Analysts", kind="intelligence"),
        channels(channel("Police", "Analysts", filter=["wanted"])),
        events(flag_event(-1.0, agency="Police", action="watch"), tip_event(1.0)),
    )
    record, m = run(sc)
    assert rows(m, "identified", "sent", "arrived", "raid_planned") == [
        (1.0, "arrived", "Police", "A", ""),
        (1.0, "identified", "Police", "A", NAME),
        (1.0, "sent", "Police", "A", "Analysts"),
        (1.0, "arrived", "Analysts", "A", ""),
        (1.0, "identified", "Analysts", "A", NAME),  # on the ground the copy carries
    ]
    assert record["raids_planned"] == 0


def test_a_tip_identified_on_a_watch_record_is_searched_where_a_ground_to_detain_is_held():
    # The watch ground travels with the copy; the receiver looks its own files up again.
    sc = scenario(
        police(wanted=[NAME]),
        new_agency("Analysts", kind="intelligence", wanted=[]),
        channels(channel("Analysts", "Police", filter=["wanted"])),
        events(flag_event(-1.0, agency="Analysts", action="watch"), tip_event(1.0, to="Analysts")),
    )
    record, m = run(sc)
    assert rows(m, "raid_planned", "capture") == [
        (1.0, "raid_planned", "Police", "A", "home (A)"),
        (1.0, "capture", "Police", "A", "raid"),
    ]
    assert record["capture_by"] == "Police"


# --- the format -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            flag_event(1.0, agency="Police", action="watch", holds="2d"),
            "events.0.flag: holds says how long a detention on the record lasts, but a watch "
            "record never holds him: remove holds, or write action: detain",
        ),
        (
            flag_event(1.0, agency="Police", action="arrest"),
            "events.0.flag.action: 'arrest' is not allowed; use one of: detain, report, watch",
        ),
        (
            flag_event(1.0, database="DB", action="report"),
            "events.0.flag.action: a report record tells the register's keeper where he was "
            "checked, but database 'DB' has no owner; give databases.DB.owner (the agency to "
            "tell)",
        ),
    ],
)
def test_bad_grounds_are_refused_with_the_fix(event, message):
    raw = doc(events(event), {"databases": {"DB": {}}})
    with pytest.raises(ScenarioError) as caught:
        validate_document(raw)
    assert message in str(caught.value)
