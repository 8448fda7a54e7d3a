"""The bundled cases beyond Brussels (scenarios/cases/): they validate, they run, they cite facts
that exist, and their runs respect the dated record the current format can express.

Each case file under docs/cases/ numbers its facts (B7, BU4, BR1; A14, AU3, AR1); a scenario's
`sources:` notes cite those numbers, so a citation of a fact that does not exist is a broken
reference. The run checks are properties of the scenarios' dated flags, not figures: nobody can be
detained on a record before the record exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.model.record import RECORD_KEYS
from sim.model.replication import Model
from sim.scenario import load_scenario
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


def flag_hours(scenario: Scenario) -> list[float]:
    """Model hours of the scenario's flags (records that can detain him), in order."""
    start = scenario.start
    return sorted(
        (event.at - start).total_seconds() / 3600 for event in scenario.events if event.flag
    )


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
    """A capture needs a record that matches: none can come before the scenario's first flag."""
    scenario = load_scenario(case_path)
    flags = flag_hours(scenario)
    for r in range(RUNS):
        record = Model(scenario, 2, r).run()
        if record["captured"]:
            assert flags, f"{case_path.name}: captured with no flag at all ({record})"
            first = flags[0] / 24
            assert record["capture_day"] >= first, (
                f"{case_path.name} run {r}: captured on day {record['capture_day']:.2f}, "
                f"before the first record (day {first:.2f})"
            )


@pytest.mark.parametrize("stem", ["amri-2016", "amri-2016-replay"])
def test_amri_as_it_was_holds_no_ground_to_detain_him(stem: str):
    """As it was, no register held a ground to detain Amri (amri.md A12, A14, A18, A19)."""
    scenario = load_scenario(CASES / f"{stem}.yaml")
    assert not flag_hours(scenario), f"{stem}: a flag would be a ground to detain him"
    records = [Model(scenario, 1, r).run() for r in range(RUNS)]
    assert not any(record["captured"] for record in records), records
    # ... yet the services heard of him and checked him (A3, A8, A11, A14, A17).
    assert all(record["tips_true"] > 0 and record["stops_released"] > 0 for record in records)


def test_a_provisional_arrest_in_july_can_stop_him_at_schiphol():
    """With the July 2015 counterfactual (el-bakraoui.md B11), the Schiphol check (B14) can hold
    him; in the base scenario the same check releases him (no record yet)."""
    base = load_scenario(CASES / "el-bakraoui-2015.yaml")
    arrest = load_scenario(CASES / "el-bakraoui-2015-provisional-arrest.yaml")
    schiphol_day = next((e.at - base.start).total_seconds() / 86400 for e in base.events if e.stop)
    runs = range(6)
    arrested = [Model(arrest, 1, r).run() for r in runs]
    at_schiphol = [
        rec for rec in arrested if rec["capture_by"] == "KMar" and rec["capture_how"] == "stop"
    ]
    assert at_schiphol, [(rec["capture_by"], rec["capture_day"]) for rec in arrested]
    assert all(rec["capture_day"] == pytest.approx(schiphol_day) for rec in at_schiphol)
    for r in runs:
        record = Model(base, 1, r).run()
        assert not (record["captured"] and record["capture_day"] <= schiphol_day), record
