"""docs/robustness.md is generated from a real menu and a real exploration."""

from __future__ import annotations

import pytest
from explore_cases import write_case, write_weaker

from sim.analysis.exploration import explore
from sim.experiments.compare import compare
from sim.outputs.robustness import BEGIN, END, top_reforms, write_robustness
from sim.scenario import load_scenario

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")


def test_the_page_sets_each_nominal_finding_beside_the_space_and_draws_its_figures(tmp_path):
    uncertainty, reform = write_case(tmp_path / "case")
    second = write_weaker(tmp_path / "case")
    baseline = tmp_path / "case" / "one-rate.yaml"
    reforms = [second, reform]
    menu = compare([load_scenario(p) for p in [baseline, *reforms]], runs=80, seed=1)
    assert top_reforms(menu, reforms, 1) == [reform]  # the larger nominal gain first
    result = explore(uncertainty, top_reforms(menu, reforms), "morris", 3, 40, seed=1)
    out = tmp_path / "docs" / "robustness.md"
    out.parent.mkdir()
    calibration = f"{BEGIN}\n## What the record says\n{END}"  # another generator's section
    out.write_text(f"# an older page\n\n{calibration}\n", encoding="utf-8")
    written = write_robustness(menu, result, out, "python -m sim.outputs.robustness", 12.0, 2)
    text = out.read_text(encoding="utf-8")
    assert "an older page" not in text and text.count(calibration) == 1, "the section is lost"
    assert text.rstrip().endswith(END)
    assert "## The findings, across the space" in text
    assert "**more-informants** buys the most" in text and "ranks first at" in text
    assert "## What moves the capture probability" in text and "how often informants call" in text
    assert "## Where the top reform stops paying" in text
    assert "## What this can and cannot say" in text
    for path in written[1:]:
        assert path.exists() and f"robustness/{path.name}" in text
