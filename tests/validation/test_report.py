"""docs/validation.md: the generator writes every section, and the committed page is complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.validation.__main__ import main
from sim.validation.analytic import CASES
from sim.validation.report import COMMAND

pytestmark = pytest.mark.validation

SECTIONS = (
    "## 1. Analytic cases",
    "### Theory against simulation",
    "## 2. Do the 95 % intervals cover 95 % of the time?",
    "## 3. The 2015-16 manhunt replayed",
    "### The night rule and the search of 15-16 November",
    "### Stopped and released at the border",
    "## 4. Caveats",
)
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.filterwarnings("ignore:The confidence interval is undefined")
def test_quick_report_writes_every_section_and_figure(tmp_path: Path):
    out = tmp_path / "validation.md"
    assert main(["--quick", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in SECTIONS:
        assert heading in text
    for case in CASES:
        assert case.title in text
    for figure in ("replay-capture-day.png", "replay-at-large.png"):
        assert (tmp_path / "validation" / figure).stat().st_size > 1000
        assert f"validation/{figure}" in text


def test_committed_page_is_complete():
    text = (DOCS / "validation.md").read_text(encoding="utf-8")
    assert COMMAND in text
    for heading in SECTIONS:
        assert heading in text
    assert (DOCS / "validation" / "replay-capture-day.png").exists()
    rows = _table_rows(text, "### Theory against simulation")
    assert len({row[0] for row in rows}) == len(CASES)
    for row in rows:
        assert row[9] == "pass", row  # the model passes every check
        assert row[10].endswith("(**FAIL**)") or row[10].endswith("(pass)"), row
    faults_seen = {row[0] for row in rows if row[10].endswith("(**FAIL**)")}
    assert len(faults_seen) == len(CASES)  # and every case sees its fault in some check


def _table_rows(text: str, heading: str) -> list[list[str]]:
    """Cells of the table under ``heading`` (header and rule lines dropped)."""
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[1:]]
