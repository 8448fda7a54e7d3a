"""Regression tests for model bugs found while validating the model against theory."""

from __future__ import annotations

import pytest

from sim.core.distributions import Fixed
from sim.model.replication import Model
from sim.scenario.loader import validate_document

pytestmark = pytest.mark.validation

NAME = "Salah Abdeslam"


def test_omitted_delays_are_zero_delay_distributions():
    """An agency without ``triage_time`` (and every other omitted delay) triages in no time.

    The schema's delay defaults were plain ``0.0`` floats that pydantic did not validate, so the
    first tip reaching such an agency crashed the replication with ``'float' object has no
    attribute 'sample'``.
    """
    doc = {
        "name": "defaults",
        "start": "2015-11-16 00:00",
        "horizon": "10d",
        "zones": {"Z": {"communes": ["A"]}},
        "agencies": {
            "Police": {"kind": "federal_police", "jurisdiction": "all", "raid_teams": 1},
        },
        "fugitive": {"name": NAME, "safe_houses": {"a": {"place": "A"}}, "dwell": "100000d"},
        "events": [{"at": "2015-11-16 03:00", "tip": {"to": "Police", "house": "a"}}],
        "raids": {},
    }
    scenario = validate_document(doc)
    police = scenario.agencies["Police"]
    assert police.triage_time == Fixed(0.0)
    assert police.raid_prep == Fixed(0.0)
    assert scenario.raids.warrant.delay == Fixed(0.0)
    record = Model(scenario, seed=1, replication=0).run()
    # The dated tip names no wanted person: it is triaged and ends unmatched, without a crash.
    assert record["triages"] == 1
    assert record["captured"] == 0
