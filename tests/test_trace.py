"""One replication's ledger, story and timeline agree with each other and with its record."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from sim.model.record import TRUE_TIP_FATES
from sim.model.replication import run_replication
from sim.outputs.story import tell
from sim.outputs.trace import ledger_counts, trace, write_ledger
from sim.outputs.trace_files import parse_days, write_trace

CASES = [("base_scenario", 1, r) for r in range(6)] + [("central_scenario", 1, r) for r in range(6)]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("scenario", "seed", "replication"), CASES)
def test_ledger_file_agrees_with_the_record(
    scenario: str, seed: int, replication: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    traced = trace(request.getfixturevalue(scenario), seed, replication)
    rows = _read_csv(write_ledger(traced, tmp_path / "ledger.csv"))
    record = traced.record
    events = Counter(row["event"] for row in rows)
    created = Counter(
        row["detail"].endswith("true=True") for row in rows if row["event"] == "created"
    )
    # counted here by hand, independently of sim.outputs.trace.ledger_counts
    assert created[True] == record["tips_true"]
    assert created[False] == record["tips_false"]
    assert events["raid"] == record["raids_done"]
    assert events["raid_planned"] == record["raids_planned"]
    assert events["raid_deferred"] == record["raids_deferred_night"]
    assert events["lost"] == record["tips_lost_in_channel"]
    assert events["forgotten"] == record["tips_forgotten"]
    assert events["dismissed"] == record["tips_dismissed"]
    assert events["misread"] == record["tips_misread"]
    assert events["translated"] == record["tips_translated"]
    assert events["capture"] == record["captured"]
    assert events["ended"] == record["tips_true"] + record["tips_false"]  # every tip ends once
    ended = Counter(
        row["detail"].rsplit(";", 1)[0]
        for row in rows
        if row["event"] == "ended" and row["detail"].endswith("true=True")
    )
    for fate in TRUE_TIP_FATES:
        assert ended[fate.label] == record[f"true_tips_{fate.name.lower()}"], fate
    # and every counter the ledger can vouch for, through the library's own recount
    mismatched = {k: (v, record[k]) for k, v in ledger_counts(rows).items() if v != record[k]}
    assert mismatched == {}


def test_tracing_changes_nothing(base_scenario) -> None:
    for replication in (0, 3):
        assert trace(base_scenario, 2, replication).record == run_replication(
            base_scenario, 2, replication
        )


def test_jsonl_ledger_has_the_same_rows(base_scenario, tmp_path: Path) -> None:
    traced = trace(base_scenario, 1, 0)
    rows_csv = _read_csv(write_ledger(traced, tmp_path / "l.csv"))
    path = write_ledger(traced, tmp_path / "l.jsonl", "jsonl")
    rows_json = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows_json) == len(rows_csv) == len(traced.entries)
    assert [r["event"] for r in rows_json] == [r["event"] for r in rows_csv]
    assert rows_json[0]["when"] == "day 1, 22:00"
    with pytest.raises(ValueError, match="unknown ledger format"):
        write_ledger(traced, tmp_path / "l.xml", "xml")


def test_ledger_is_in_time_order(base_scenario) -> None:
    times = [e.time_h for e in trace(base_scenario, 1, 1).entries]
    assert times == sorted(times)


def test_story_mentions_every_search(base_scenario) -> None:
    traced = trace(base_scenario, 1, 0)
    story = tell(traced)
    assert traced.searches, "this replication should search somewhere"
    for search in traced.searches:
        when = traced.calendar.describe(search.time_h)
        said = [
            line
            for line in story
            if line.startswith(f"{when}: {search.agency} searches {search.address}")
        ]
        assert len(said) >= 1, f"no line for the search at {when} of {search.address}"


def test_story_of_a_deferred_search_names_the_night_rule(base_scenario) -> None:
    traced = trace(base_scenario, 1, 0)
    deferred = [s for s in traced.searches if s.deferred_h > 0]
    assert deferred
    story = tell(traced)
    said = [line for line in story if "falls inside the night ban" in line]
    # Every deferred search is told at the time it would have begun; a deferral may also outlast the
    # run (planned after 21:00 on the last evening), told but never carried out.
    for search in deferred:
        when = traced.calendar.describe(search.time_h - search.deferred_h)
        assert any(line.startswith(f"{when}: {search.agency}'s search") for line in said), when
    assert len(deferred) <= len(said) <= len(deferred) + 1
    assert all("by the night rule" in line for line in said)
    assert any("deferred to 05:00 by the night rule" in line for line in said)


def test_story_headline_and_capture(base_scenario) -> None:
    traced = trace(base_scenario, 1, 0)
    story = tell(traced)
    if traced.captured:
        assert story[0].endswith(f"by {traced.record['capture_by']} in a search.")
        assert any("he is captured by" in line for line in story)
    assert story[-1].startswith("Besides, ")
    assert any("he arrives in Cambrai" in line for line in story)  # the itinerary
    assert any("stops him in Cambrai" in line for line in story)  # the Cambrai check


def test_story_follows_true_tips_to_their_end(base_scenario) -> None:
    traced = trace(base_scenario, 1, 2)
    story = "\n".join(tell(traced))
    for tip in traced.tips.values():
        if tip.true:
            assert f"tip #{tip.id} goes no further" in story


def test_when_he_left_a_house(base_scenario) -> None:
    traced = trace(base_scenario, 1, 0)
    (arrived, _, house, _), (left, _, _, _) = traced.path[2], traced.path[3]
    assert house == "flat-schaerbeek" and arrived == 16.0
    assert traced.left_house_before("flat-schaerbeek", left + 1) == left
    assert traced.left_house_before("flat-schaerbeek", left - 1) is None  # still there
    assert traced.left_house_before("no-such-house", 1e6) is None


def test_night_bans_and_office_hours(base_scenario) -> None:
    traced = trace(base_scenario, 1, 0)
    bans = traced.night_bans(0.0, 48.0)  # start is 22:00: in the ban until 05:00
    assert bans == [(0.0, 7.0), (23.0, 31.0), (47.0, 48.0)]
    # a Brussels zone works 08:00-18:00 Monday to Friday; the start is a Friday 22:00
    hours = traced.office_hours("Bruxelles-Ouest", 0.0, 100.0)
    assert hours[0] == (58.0, 68.0)  # Monday 08:00-18:00
    assert traced.office_hours("Juge-instruction", 0.0, 5.0) == [(0.0, 5.0)]  # 24/7


@pytest.mark.parametrize(("text", "days"), [("3", (3, 3)), ("0-10", (0, 10)), ("12-40", (12, 40))])
def test_parse_days(text: str, days: tuple[int, int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["x", "5-2", "-3", "1-b", ""])
def test_parse_days_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="day"):
        parse_days(text)


def test_write_trace_files_agree(base_scenario, tmp_path: Path) -> None:
    traced = trace(base_scenario, 1, 0)
    files = write_trace(traced, tmp_path / "t", "csv", days=(0, 10))
    assert {p.name for p in (tmp_path / "t").iterdir()} == {
        "ledger.csv",
        "timeline.png",
        "timeline.svg",
        "story.txt",
    }
    story = files.story.read_text(encoding="utf-8")
    raids = [r for r in _read_csv(files.ledger) if r["event"] == "raid"]
    assert len(raids) == story.count(" searches ") - story.count("searches were made")
    for row in raids:
        assert row["when"] in story
