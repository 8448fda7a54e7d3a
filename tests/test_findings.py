"""docs/findings.md is generated from real results: the reform menu and the attribution."""

from pathlib import Path

import pytest

from sim.analysis.attribution import attribute
from sim.experiments.compare import compare
from sim.experiments.stats import holm
from sim.experiments.store import ResultsStore
from sim.outputs.findings import reform_menu, write_findings
from sim.scenario import load_scenario

MINIMAL = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"


@pytest.fixture(scope="module")
def menu(tmp_path_factory):
    """A three-setup menu and an attribution of the minimal scenario."""
    store = ResultsStore(tmp_path_factory.mktemp("findings") / "f.sqlite")
    base = load_scenario(MINIMAL)
    better = load_scenario(MINIMAL, ["agencies.Police-Ouest.staff=10", "name=more-staff"])
    worse = load_scenario(MINIMAL, ["channels.0.loss=0.9", "name=lossy"])
    comparison = compare([base, worse, better], runs=60, seed=1, store=store)
    return comparison, attribute(MINIMAL, runs=30, seed=1, store=store)


def test_findings_page_holds_the_ranked_menu_the_attribution_and_its_figures(menu, tmp_path):
    comparison, result = menu
    out = tmp_path / "docs" / "findings.md"
    out.parent.mkdir()
    written = write_findings(comparison, result, out, "python -m sim.outputs.findings --runs 60")
    text = out.read_text(encoding="utf-8")
    menu = reform_menu(comparison)
    assert [m[0] for m in menu] == [1, 2]
    assert menu[0][2] >= menu[1][2]  # ranked by gain
    assert text.index(f"| 1 | {menu[0][1]} |") < text.index(f"| 2 | {menu[1][1]} |")
    assert "**total gap**" in text and f"{result.total_gap:+.3f}" in text
    for friction in result.frictions:
        assert friction.label in text
    assert "## What these numbers can and cannot support" in text
    for path in written[1:]:
        assert path.exists() and path.parent == out.parent / "findings"
        assert f"findings/{path.name}" in text


def test_the_generator_finds_the_bundled_scenarios_and_the_docs():
    from sim.outputs import findings

    assert findings.BASELINE.is_file() and findings.BASELINE.parent.name == "scenarios"
    assert sorted(findings.REFORMS.glob("*.yaml")), findings.REFORMS
    assert (findings.ROOT / "docs" / "findings.md").is_file()


def test_the_menu_says_which_gains_survive_holm_and_which_reform_beats_which(menu, tmp_path):
    comparison, result = menu
    out = tmp_path / "findings.md"
    write_findings(comparison, result, out, "python -m sim.outputs.findings --runs 60")
    text = out.read_text(encoding="utf-8")
    assert "| p (exact McNemar) | p (Holm) | simultaneous 95 % CI |" in text
    adjusted = holm([d.p_value for d in comparison.differences])
    for d, p in zip(comparison.differences, adjusted, strict=True):
        row = next(
            line for line in text.splitlines() if line.startswith("| ") and f" {d.b} |" in line
        )
        assert (f"{p:.3f}" if p >= 0.001 else "<0.001") in row, row
    assert "### Which reform beats which" in text
    (pair,) = comparison.pairwise
    assert f"| {pair.a} |" in text.split("### Which reform beats which")[1]
