"""Channels between agencies, exact event logs: delay, loss and filters (DESIGN §2).

``Desk`` (an agency without raid teams) receives the tip and may pass it to ``Police`` (which can
search the fugitive's commune ``A``) along one channel.
"""

from __future__ import annotations

import pytest
from builders import (
    NAME,
    channel,
    channels,
    events,
    fate_counts,
    new_agency,
    rows,
    run,
    scenario,
    tip_event,
)


def desk_to_police(desk_knows: bool = True, place: str = "A", **link: object):
    """A tip about ``place`` (his address when ``A``) to Desk, and one channel Desk -> Police."""
    tip = tip_event(1.0, to="Desk") if place == "A" else tip_event(1.0, to="Desk", place=place)
    return scenario(
        events(tip),
        new_agency("Desk", wanted=[NAME] if desk_knows else []),
        channels(channel("Desk", "Police", **link)),
    )


def test_channel_delivers_after_its_delay():
    record, m = run(desk_to_police(delay="3h"))
    assert rows(m) == [
        (0.0, "move", "", "A", "home: start"),
        (1.0, "created", "", "A", "event; true=True"),
        (1.0, "arrived", "Desk", "A", ""),
        (1.0, "identified", "Desk", "A", NAME),
        (1.0, "sent", "Desk", "A", "Police"),
        (4.0, "arrived", "Police", "A", ""),
        (4.0, "identified", "Police", "A", NAME),
        (4.0, "raid_planned", "Police", "A", "home (A)"),
        (4.0, "raid", "Police", "A", "home (A): captured"),
        (4.0, "capture", "Police", "A", "raid"),
    ]
    assert record["tip_copies"] == 1
    assert record["capture_by"] == "Police"


def test_lost_message_never_arrives():
    record, m = run(desk_to_police(delay="3h", loss=1.0))
    assert rows(m, "sent", "lost", "arrived") == [
        (1.0, "arrived", "Desk", "A", ""),
        (1.0, "lost", "Desk", "A", "Police"),
    ]
    assert record["tips_lost_in_channel"] == 1
    assert record["captured"] == 0


def test_wanted_filter_passes_only_identified_tips():
    record, m = run(desk_to_police(desk_knows=False, filter=["wanted"]))
    assert rows(m, "not_identified", "sent", "arrived") == [
        (1.0, "arrived", "Desk", "A", ""),
        (1.0, "not_identified", "Desk", "A", NAME),
    ]
    assert record["tip_copies"] == 0
    assert fate_counts(record) == {"name_not_matched": 1}
    _, m = run(desk_to_police(desk_knows=True, filter=["wanted"]))
    assert rows(m, "sent") == [(1.0, "sent", "Desk", "A", "Police")]


def test_all_filter_passes_unidentified_tips_and_the_receiver_identifies_them():
    record, m = run(desk_to_police(desk_knows=False, filter=["all"]))
    assert rows(m, "identified", "not_identified", "sent", "capture") == [
        (1.0, "not_identified", "Desk", "A", NAME),
        (1.0, "sent", "Desk", "A", "Police"),
        (1.0, "identified", "Police", "A", NAME),
        (1.0, "capture", "Police", "A", "raid"),
    ]
    assert record["captured"] == 1


@pytest.mark.parametrize(("place", "passes"), [("A", True), ("B", True), ("C", False)])
def test_jurisdiction_filter_passes_only_places_of_the_receiver(place, passes):
    record, m = run(desk_to_police(place=place, filter=["jurisdiction"]))
    sent = rows(m, "sent")
    assert sent == ([(1.0, "sent", "Desk", place, "Police")] if passes else [])
    assert record["tip_copies"] == int(passes)


def test_filters_combine():
    record, _ = run(desk_to_police(desk_knows=False, filter=["wanted", "jurisdiction"]))
    assert record["tip_copies"] == 0
    record, _ = run(desk_to_police(place="C", filter=["wanted", "jurisdiction"]))
    assert record["tip_copies"] == 0
    record, _ = run(desk_to_police(filter=["wanted", "jurisdiction"]))
    assert record["tip_copies"] == 1


def test_an_identified_tip_stays_identified_downstream():
    # Police does not have the name in its own files, but the copy says Desk identified it.
    sc = scenario(
        events(tip_event(1.0, to="Desk")),
        new_agency("Desk", wanted=[NAME]),
        channels(channel("Desk", "Police", delay="2h")),
        {"agencies": {"Police": {"wanted": []}}},
    )
    record, m = run(sc)
    assert rows(m, "identified", "raid") == [
        (1.0, "identified", "Desk", "A", NAME),
        (3.0, "identified", "Police", "A", NAME),
        (3.0, "raid", "Police", "A", "home (A): captured"),
    ]
    assert record["captured"] == 1


def test_chain_of_channels_adds_delays_and_copies():
    sc = scenario(
        events(tip_event(1.0, to="Desk")),
        new_agency("Desk", wanted=[NAME]),
        new_agency("Relay", triage_time="30min"),
        channels(channel("Desk", "Relay", delay="2h"), channel("Relay", "Police", delay="1h")),
    )
    record, m = run(sc)
    assert rows(m, "sent", "arrived") == [
        (1.0, "arrived", "Desk", "A", ""),
        (1.0, "sent", "Desk", "A", "Relay"),
        (3.0, "arrived", "Relay", "A", ""),
        (3.5, "sent", "Relay", "A", "Police"),
        (4.5, "arrived", "Police", "A", ""),
    ]
    assert record["tip_copies"] == 2
    assert record["capture_day"] == 4.5 / 24
