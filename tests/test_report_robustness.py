"""The report's Holm-adjusted menu and its robustness section (``sim report --uncertainty``)."""

from __future__ import annotations

import pytest
from explore_cases import write_case, write_weaker

from sim.outputs.report import ExploreRequest, build_report

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")


def test_the_report_adjusts_its_menu_and_says_which_conclusions_survive(tmp_path):
    uncertainty, reform = write_case(tmp_path / "case")
    second = write_weaker(tmp_path / "case")
    baseline = tmp_path / "case" / "one-rate.yaml"
    index = build_report(
        [baseline, reform, second],
        tmp_path / "report",
        runs=60,
        seed=1,
        exploration=ExploreRequest(uncertainty, "morris", 3, 40),
    )
    html = index.read_text(encoding="utf-8")
    assert "Adjusted for trying 2 setups" in html and "p (Holm)" in html
    assert "Which setup beats which" in html
    assert '<section id="robustness">' in html and 'href="#robustness"' in html
    assert "What moves the capture probability" in html
    assert "how often informants call" in html  # factors by their labels
    for stem in ("robustness-importance-capture", "robustness-gains", "robustness-ranks"):
        assert (tmp_path / "report" / f"{stem}.png").exists()
        assert f'src="{stem}.png"' in html


def test_without_an_uncertainty_file_there_is_no_robustness_section(tmp_path):
    _, reform = write_case(tmp_path / "case")
    index = build_report([tmp_path / "case" / "one-rate.yaml", reform], tmp_path / "r", runs=20)
    html = index.read_text(encoding="utf-8")
    assert 'id="robustness"' not in html and "Adjusted for trying" not in html
