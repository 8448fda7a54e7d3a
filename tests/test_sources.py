"""The facts the scenarios cite live in the repository: docs/sources.md, by numbered section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "docs" / "sources.md"
#: The Brussels scenarios: every one cites this page. (The cases under scenarios/cases/ cite their
#: own fact files, docs/cases/*.md, and this page for the Brussels facts they share.)
BUNDLED = sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/reforms/*.yaml")])
CASES = sorted((ROOT / "scenarios" / "cases").glob("*.yaml"))
#: What a reader is pointed to: the bundled scenarios and the pages that explain them.
CITING = [
    *BUNDLED,
    *CASES,
    *sorted((ROOT / "docs" / "cases").glob("*.md")),
    ROOT / "docs" / "scenarios.md",
    ROOT / "docs" / "names.md",
    ROOT / "README.md",
]
CITATION = re.compile(r"docs/sources\.md ((?:§\d+(?:, | and |-)?)+)")


def sections() -> dict[int, str]:
    text = SOURCES.read_text(encoding="utf-8")
    parts = re.split(r"^## §(\d+) .*$", text, flags=re.M)
    return {int(number): body for number, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_the_sections_keep_the_numbers_of_the_projects_notes() -> None:
    assert sorted(sections()) == list(range(1, 8))


def test_every_section_gives_its_sources() -> None:
    for number, body in sections().items():
        assert re.search(r"\bSources?\b", body), f"§{number} names no source"
        assert "http" in body or "NAACL" in body or "Koopman" in body, f"§{number} has no address"


@pytest.mark.parametrize("path", CITING, ids=lambda p: str(p.relative_to(ROOT)))
def test_citations_point_at_sections_that_exist(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "FACTS" not in text, f"{path.name} still cites the notes outside the repository"
    known = sections()
    for match in CITATION.finditer(text):
        for number in re.findall(r"§(\d+)", match.group(1)):
            assert int(number) in known, f"{path.name}: {match.group(0)!r} cites a missing section"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_scenario_cites_the_sources_page(path: Path) -> None:
    assert CITATION.search(path.read_text(encoding="utf-8")), f"{path.name} cites no section"
