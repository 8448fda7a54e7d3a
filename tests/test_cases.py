"""The bundled cases beyond Brussels (scenarios/cases/): they validate, they run, they cite facts
that exist, and their runs respect the dated record the current format can express.

Each case file under docs/cases/ numbers its facts (B7, BU4, BR1; A14, AU3, AR1); a scenario's
`sources:` notes cite those numbers, so a citation of a fact that does not exist is a broken
reference. The run checks are properties of the scenarios' dated record, not figures: nobody can be
detained on a record before the record can exist (a dated flag, or a rule's decision on a dated
report), and each replay's dated checks end as the record says whatever the random draws.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from sim.model.record import RECORD_KEYS
from sim.model.replication import Model
from sim.scenario import load_scenario
from sim.scenario.notices import notices
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "scenarios" / "cases"
SCENARIOS = sorted(CASES.glob("*.yaml"))
#: The facts file of each case, and the prefixes of its fact numbers.
FACT_FILES = {
    "el-bakraoui": (ROOT / "docs" / "cases" / "el-bakraoui.md", ("B", "BU", "BR")),
    "amri": (ROOT / "docs" / "cases" / "amri.md", ("A", "AU", "AR")),
}
RUNS = 3


def case_of(path: Path) -> str:
    """The case a scenario file belongs to: the start of its name."""
    return next(case for case in FACT_FILES if path.stem.startswith(case))


def defined_facts(case: str) -> set[str]:
    """The fact numbers a case file defines: "**B7." or "**BU4.**" at the start of an entry."""
    path, prefixes = FACT_FILES[case]
    alternatives = "|".join(sorted(prefixes, key=len, reverse=True))
    return set(re.findall(rf"\*\*((?:{alternatives})\d+)\.", path.read_text(encoding="utf-8")))


def cited_facts(path: Path) -> set[str]:
    """The fact numbers a scenario file cites."""
    _facts, prefixes = FACT_FILES[case_of(path)]
    alternatives = "|".join(sorted(prefixes, key=len, reverse=True))
    return set(re.findall(rf"\b((?:{alternatives})\d+)\b", path.read_text(encoding="utf-8")))


def hours(scenario: Scenario, moment: datetime) -> float:
    """Model hours from the scenario's start to ``moment``."""
    return (moment - scenario.start).total_seconds() / 3600


def detain_record_hours(scenario: Scenario) -> list[float]:
    """Model hours, in order, from which a record that can detain him may exist.

    A dated flag whose action is ``detain``, and a dated tip whose news a rule that raises a
    ``detain`` record listens to (the rule decides after the tip, never before it).
    """
    detaining_news = {
        word
        for agency in scenario.agencies.values()
        for rule in agency.raises
        if rule.action == "detain"
        for word in rule.news
    }
    return sorted(
        hours(scenario, event.at)
        for event in scenario.events
        if (event.flag is not None and event.flag.action == "detain")
        or (event.tip is not None and event.tip.news in detaining_news)
    )


def event_day(scenario: Scenario, kind: str, place: str) -> float:
    """The day of the scenario's dated stop at ``place`` (kind ``stop``)."""
    return next(
        hours(scenario, e.at) / 24
        for e in scenario.events
        if getattr(e, kind) is not None and getattr(e, kind).place == place
    )


def runs(stem: str, seed: int = 1, count: int = RUNS) -> tuple[Scenario, list[dict]]:
    """A bundled case scenario and ``count`` of its replications."""
    scenario = load_scenario(CASES / f"{stem}.yaml")
    return scenario, [Model(scenario, seed, r).run() for r in range(count)]


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def case_path(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_both_cases_are_bundled_with_their_variants():
    stems = {path.stem for path in SCENARIOS}
    for case in FACT_FILES:
        variants = {stem for stem in stems if stem.startswith(case)}
        assert len(variants) >= 3, f"{case}: the organisation, its replay and a reform: {variants}"
        assert any("replay" in stem for stem in variants), f"{case} has no replay: {variants}"


def test_every_case_scenario_has_its_own_name():
    names = [load_scenario(path).name for path in SCENARIOS]
    assert len(set(names)) == len(names), names


def test_every_cited_fact_exists_in_its_case_file(case_path: Path):
    case = case_of(case_path)
    missing = cited_facts(case_path) - defined_facts(case)
    assert not missing, (
        f"{case_path.name} cites facts docs/cases/{case}.md does not define: {missing}"
    )


def test_case_files_number_their_facts_without_gaps():
    for case, (path, prefixes) in FACT_FILES.items():
        facts = defined_facts(case)
        for prefix in prefixes:
            numbers = sorted(
                int(f[len(prefix) :]) for f in facts if re.fullmatch(rf"{prefix}\d+", f)
            )
            assert numbers == list(range(1, len(numbers) + 1)), f"{path.name} {prefix}: {numbers}"


def test_runs_and_returns_a_complete_flat_record(case_path: Path):
    scenario = load_scenario(case_path)
    horizon_days = scenario.horizon / 24
    for r in range(RUNS):
        record = Model(scenario, 1, r).run()
        assert tuple(record) == RECORD_KEYS
        assert record["tips_true"] + record["tips_false"] > 0
        if record["captured"]:
            assert 0 < record["capture_day"] <= horizon_days
            assert record["capture_how"] in ("raid", "stop")
        else:
            assert record["capture_how"] == record["capture_by"] == ""


def test_nobody_is_detained_before_the_first_record_exists(case_path: Path):
    """A detention that holds needs a record to detain: none can come before the first dated
    flag to detain, or the first dated report a rule to detain can decide on."""
    scenario = load_scenario(case_path)
    first_hours = detain_record_hours(scenario)
    for r in range(RUNS):
        record = Model(scenario, 2, r).run()
        if record["captured"]:
            assert first_hours, f"{case_path.name}: captured with no ground at all ({record})"
            first = first_hours[0] / 24
            assert record["capture_day"] >= first, (
                f"{case_path.name} run {r}: captured on day {record['capture_day']:.2f}, "
                f"before the first ground to detain could exist (day {first:.2f})"
            )


def test_every_case_scenario_says_nothing_that_never_takes_effect(case_path: Path):
    """No warnings: no news that no rule hears, no rule that no report feeds, nothing too late."""
    found = notices(load_scenario(case_path))
    assert not found, f"{case_path.name}: {found}"


def test_el_bakraoui_replay_keeps_its_dated_record():
    """On the replay's dates: the Schiphol check of 14 July 2015 releases him in every run (he is in
    no register yet, B14); nobody detains him before the revocation of 21 August (B19); the
    decisions are dated, so no rule raises anything."""
    scenario, records = runs("el-bakraoui-2015-replay", count=8)
    revocation = min(detain_record_hours(scenario)) / 24
    assert revocation == pytest.approx(hours(scenario, datetime(2015, 8, 21, 12)) / 24)
    for record in records:
        assert record["stops_released"] >= 1, record  # Schiphol
        assert record["records_raised"] == 0, record
        assert record["detentions"] == record["captured"], record  # no record that ends
        if record["captured"]:
            assert record["capture_day"] >= revocation, record


def test_el_bakraoui_base_raises_the_revocation_once_after_the_first_breach_report():
    """The court's rule (B19) enters the order in every run, once, after the reports (B6, B10)."""
    scenario, records = runs("el-bakraoui-2015")
    report = min(detain_record_hours(scenario)) / 24
    assert report == pytest.approx(hours(scenario, datetime(2015, 6, 16, 12)) / 24)
    assert all(record["records_raised"] == 1 for record in records), records
    _reforms, reformed = runs("el-bakraoui-2016-reforms", count=6)
    # ... and under the 2016 reforms the liaison officer's news of a foreign fighter (B16, BR3)
    # raises the common database's record too (a run that detains him on it may end before the
    # court's decision takes effect).
    for record in reformed:
        assert record["records_raised"] == 2 or (
            record["captured"] and record["records_raised"] == 1
        ), record
    assert any(record["records_raised"] == 2 for record in reformed), reformed


def test_amri_replay_keeps_its_dated_record():
    """On the replay's dates: Freiburg releases him (no record yet, A3); Friedrichshafen holds him
    and the custody ends after two days (A14, A18), unless a typing error hides his name; a
    detention that holds needs the drug report of 1 November 2016 (A19) to make the prosecutor
    act."""
    scenario, records = runs("amri-2016-replay", count=8)
    report = hours(scenario, datetime(2016, 11, 1, 12)) / 24
    assert detain_record_hours(scenario)[-1] / 24 == pytest.approx(report)
    for record in records:
        assert record["stops_released"] >= 1, record  # Freiburg
        assert record["detentions"] - record["releases"] == record["captured"], record
        if record["captured"]:
            assert record["capture_day"] >= report, record
            assert record["records_raised"] == 1, record
    ravensburg = [r for r in records if r["detentions"] >= 1 and r["releases"] >= 1]
    assert len(ravensburg) >= 6, records  # 2 % typing errors: nearly every run


def test_amri_as_it_was_the_only_ground_before_the_report_lets_him_go():
    """Before the drug report, the only ground to detain him is the two-day custody (A14): in the
    base scenario a detention before the report always ends in release."""
    scenario, records = runs("amri-2016", count=6)
    report = hours(scenario, datetime(2016, 11, 1, 12)) / 24
    assert sum(record["releases"] >= 1 for record in records) >= 4, records
    for record in records:
        if record["captured"]:
            assert record["capture_day"] >= report, record


def test_amri_2017_custody_holds_him_at_friedrichshafen_at_the_latest():
    """Under the 2017 law (AR1) the custody no longer ends: a detention holds him to the horizon,
    none ends in release (once he is in custody every ground counts, the order without an end
    among them), and most runs hold him by the Friedrichshafen check."""
    scenario, records = runs("amri-2017-deportation-custody", count=6)
    friedrichshafen = event_day(scenario, "stop", "Friedrichshafen")
    order = hours(scenario, datetime(2016, 6, 25, 12)) / 24
    held = [r for r in records if r["captured"] and r["capture_day"] <= friedrichshafen + 1e-9]
    assert len(held) >= 4, records
    for record in records:
        assert record["captured"] and record["capture_day"] >= order, record
        assert record["releases"] == 0, record  # the two-day ground no longer lets him go


def test_amri_flight_replay_ends_at_sesto_san_giovanni():
    """On the flight's dates the routine check at Sesto San Giovanni (A29) catches him, at the
    check's moment, in the runs in which his name as the officers type it matches the alert as the
    German office wrote it (no fingerprints in the format, FORMAT-NEEDS.md N7)."""
    scenario, records = runs("amri-2016-flight-replay", count=8)
    sesto = event_day(scenario, "stop", "Sesto-San-Giovanni")
    alert = min(detain_record_hours(scenario)) / 24
    at_sesto = [
        r
        for r in records
        if r["capture_by"] == "Polizia"
        and r["capture_how"] == "stop"
        and r["capture_day"] == pytest.approx(sesto)
    ]
    assert len(at_sesto) >= 4, records
    for record in records:
        if record["captured"]:
            assert record["capture_day"] >= alert, record


def test_sim_run_and_compare_say_the_cases_outcome_in_its_words(tmp_path: Path):
    """Through the commands: the case's words head the rate, and the records' rows appear."""
    from typer.testing import CliRunner

    from sim.cli import app

    store = tmp_path / "r.sqlite"
    base = CASES / "amri-2016.yaml"
    ran = CliRunner().invoke(
        app, ["run", str(base), "--runs", "2", "--seed", "1", "--no-plots", "--store", str(store)]
    )
    assert ran.exit_code == 0, ran.output
    assert "detained before the attack (by 19 Dec 2016 20:00, the Berlin attack)" in ran.output
    assert "detentions that ended in release" in ran.output  # Ravensburg
    compared = CliRunner().invoke(
        app,
        ["compare", str(base), str(CASES / "amri-2017-deportation-custody.yaml"), "--runs", "2",
         "--seed", "1", "--no-plots", "--store", str(store), "--quiet"],
    )  # fmt: skip
    assert compared.exit_code == 0, compared.output
    assert "detained" in compared.output and "amri-2017-depo" in compared.output
