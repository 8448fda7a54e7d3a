"""A scenario may leave out any delay or duration: the model then runs with the documented default.

The tiny scenarios of tests/builders.py rely on these defaults (instant triage, preparation,
warrants, channels, database writes and answers, translation, alert moves). An omitted delay once
reached the model as the bare float ``0.0`` (validators did not run on defaults) and crashed the
first ``.sample()`` on it mid-run; these tests keep that fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import NAME, at, doc, events, new_agency, run, scenario, tip_event, validate

from sim.core.distributions import Fixed
from sim.model.replication import Model
from sim.scenario import load_scenario


def test_every_omitted_delay_is_a_zero_distribution():
    sc = scenario(
        new_agency("Desk", databases={"DB": "feed"}),
        {
            "databases": {"DB": {"alerts": {"to": ["Police"]}}},
            "channels": [{"from": "Desk", "to": "Police"}],
            "tips": {"intercepts": [{"agency": "Desk", "rate": "1/d"}]},
        },
    )
    police = sc.agencies["Police"]
    for delay in (
        police.triage_time,
        police.raid_prep,
        police.feeding.delay,
        sc.channels[0].delay,
        sc.databases["DB"].hit_delay,
        sc.databases["DB"].alerts.delay,
        sc.language.translation_time,
        sc.fugitive.alert.delay,
        sc.tips.intercepts[0].lag,
        sc.raids.warrant.delay,
    ):
        assert delay == Fixed(0.0)


def test_other_defaults_in_hours():
    sc = scenario({"raids": {"night_rule": {}}, "agencies": {"Police": {"raid_duration": None}}})
    assert sc.agencies["Police"].raid_duration == 2.0
    assert sc.raids.near_miss_window == 12.0
    assert (sc.raids.night_rule.ban_from, sc.raids.night_rule.ban_until) == (21.0, 5.0)


@pytest.mark.parametrize(
    "path",
    [
        ("agencies", "Police", "triage_time"),
        ("agencies", "Police", "raid_prep"),
        ("raids", "warrant"),
    ],
)
def test_omitted_delay_runs_as_zero(path):
    raw = doc(events(tip_event(1.0)), {"raids": {"warrant": {"delay": "0h"}}})
    node = raw
    for key in path[:-1]:
        node = node[key]
    node.pop(path[-1], None)
    record, _ = run(validate(raw))
    assert record["capture_day"] == 1.0 / 24


def test_omitted_channel_feeding_and_alert_delays_run_as_zero():
    sc = scenario(
        events(tip_event(1.0, to="Desk")),
        new_agency("Desk", databases={"DB": "feed"}),
        new_agency("Analysts", wanted=[NAME]),
        {
            "databases": {"DB": {"wanted": [NAME], "alerts": {"to": ["Analysts"]}}},
            "channels": [{"from": "Desk", "to": "Police"}],
        },
    )
    record, m = run(sc)
    assert record["capture_day"] == 1.0 / 24
    assert {e.time_h for e in m.ledger.entries if e.time_h > 0} == {1.0}


def test_omitted_office_hours_default_to_weekdays_8_to_18():
    sc = scenario(
        events(tip_event(4 * 24 + 19.0)),
        {"agencies": {"Police": {"hours": {"days": ["mon"]}}}},
    )
    record, _ = run(sc)
    assert record["capture_day"] * 24 == 7 * 24 + 8.0
    assert at(7 * 24 + 8.0) == "2015-11-23 08:00:00"


def test_loader_fixture_scenario_runs():
    minimal = load_scenario(Path(__file__).parent / "scenarios" / "minimal.yaml")
    records = [Model(minimal, 1, replication).run() for replication in range(5)]
    assert all(r["tips_true"] + r["tips_false"] >= 0 for r in records)
    assert len({r["sim_events"] for r in records}) > 1
