"""The cases section of docs/findings.md: from real runs, said only where intervals allow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim.outputs.case_findings as case_findings
from sim.analysis.attribution import Attribution, FrictionShare, attribute
from sim.experiments.store import ResultsStore
from sim.outputs.case_findings import (
    BEGIN,
    CASES,
    END,
    Case,
    cases_section,
    findings_lines,
    put_section,
    rank_agreement,
    ranks,
    run_cases,
)

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "scenarios" / "minimal.yaml"


def share(key: str, value: float, low: float, high: float) -> FrictionShare:
    """A friction's share with its interval (the other fields do not matter here)."""
    return FrictionShare(key, f"the {key}", value, (low, high), value, (low, high))


def attribution(name: str, shares: list[FrictionShare]) -> Attribution:
    """An attribution with the given shares (gap: their sum)."""
    gap = sum(s.shapley for s in shares)
    return Attribution(
        name, "0" * 16, 1, 100, 0.2, 0.2 + gap, gap, (gap - 0.1, gap + 0.1), shares,
        "exact", None, None, 2 ** len(shares),
    )  # fmt: skip


def test_rank_agreement_is_spearmans_over_the_shared_frictions():
    a = attribution("a", [share("x", 0.3, 0.1, 0.5), share("y", 0.2, 0.1, 0.3),
                          share("z", 0.1, 0.0, 0.2), share("w", 0.05, -0.1, 0.2)])  # fmt: skip
    same = attribution("b", [share("x", 0.9, 0.1, 1), share("y", 0.5, 0, 1), share("z", 0.1, 0, 1)])
    reverse = attribution(
        "c", [share("x", 0.1, 0, 1), share("y", 0.5, 0, 1), share("z", 0.9, 0, 1)]
    )
    assert rank_agreement(a, same) == (pytest.approx(1.0), 3)  # w is not shared: no effect
    assert rank_agreement(a, reverse) == (pytest.approx(-1.0), 3)
    assert rank_agreement(a, attribution("d", [share("x", 0.1, 0, 1)])) is None
    assert ranks(reverse) == {"z": 1, "y": 2, "x": 3}


def test_findings_say_recurring_and_specific_only_where_intervals_are_clear():
    brussels = attribution(
        "brussels", [share("names", 0.2, 0.1, 0.3), share("night", 0.05, -0.01, 0.1)]
    )
    case = Case("other", "Other: held?", "other", ())
    other = attribution("other", [share("names", 0.1, 0.02, 0.2), share("losses", 0.3, 0.2, 0.4),
                                  share("night", 0.2, -0.1, 0.5)])  # fmt: skip
    lines = "\n".join(findings_lines(brussels, [case_findings.CaseResult(case, None, other)]))
    assert "**Recurring**" in lines and "the names (Brussels, other)" in lines
    assert "**Specific to one question**: the losses (other)." in lines
    assert (
        "**Clearly costly in none** at this precision (every interval reaches zero): the night."
        in lines
    )
    assert "the names, ranks 3 of 3" in lines  # Brussels' top friction, last in the other case
    assert "Its own largest is the losses (+0.300 (+0.200 to +0.400), clearly above zero)" in lines


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    """A case with one variant and a case without, from the minimal scenario, really run."""
    folder = tmp_path_factory.mktemp("cases")
    shutil.copy(MINIMAL, folder / "tiny.yaml")
    (folder / "tiny-staffed.yaml").write_text(
        "extends: tiny.yaml\nname: tiny-staffed\nagencies:\n  Police-Ouest: {staff: 10}\n",
        encoding="utf-8",
    )
    store = ResultsStore(folder / "f.sqlite")
    cases = (
        Case("tiny", "Tiny: caught?", "tiny", ("tiny-staffed",)),
        Case("alone", "Alone", "tiny", ()),
    )
    patch = pytest.MonkeyPatch()
    patch.setattr(case_findings, "CASES_DIR", folder)
    try:
        results = run_cases(40, 20, 1, store=store, cases=cases)
        brussels = attribute(folder / "tiny.yaml", 20, 1, store=store)
    finally:
        patch.undo()
    return brussels, results


def test_the_section_holds_each_menu_and_the_top_frictions_side_by_side(computed):
    brussels, results = computed
    menu, alone = results
    assert menu.comparison is not None and alone.comparison is None
    assert [s.scenario for s in menu.comparison.summaries] == ["minimal", "tiny-staffed"]
    text = "\n".join(
        cases_section(brussels, results, "python -m sim.outputs.findings --cases-only")
    )
    assert text.startswith(BEGIN) and text.endswith(END)
    assert "### Tiny: caught?" in text and "### Alone" not in text  # no variant, no menu
    assert "| tiny-staffed |" in text and "| minimal (as it was) |" in text
    top = sorted(brussels.frictions, key=lambda f: -f.shapley)[: case_findings.TOP]
    first_row = next(line for line in text.splitlines() if line.startswith("| 1 | "))
    assert first_row.count(top[0].label) == 3  # the same scenario three times: the same top
    # The same scenario with the same seed ranks its frictions identically.
    assert f"frictions both have: {1.0:+.2f}" in text


def test_the_section_replaces_itself_and_otherwise_goes_before_the_caveats():
    section = [BEGIN, "## Cases", "one", END]
    page = "# Findings\n\n## Menu\n\n## What these numbers can and cannot support\n\n- x\n"
    once = put_section(page, section, "## What these numbers can and cannot support")
    assert once.index("## Cases") < once.index("## What these numbers")
    again = put_section(once, [BEGIN, "## Cases", "two", END], "## What these numbers")
    assert again.count(BEGIN) == 1 and "two" in again and "one" not in again


def test_every_bundled_case_names_files_that_exist():
    for case in CASES:
        for path in case.paths():
            assert path.is_file(), path
    assert {c.base for c in CASES} >= {"el-bakraoui-2015", "amri-2016", "amri-2016-flight"}
