"""The calibration's section of docs/robustness.md and of the HTML report, from real results."""

from __future__ import annotations

import pytest
from calibrate_cases import write_history
from explore_cases import write_case

from sim.analysis.calibration import calibrate
from sim.outputs.calibration import TITLE, write_section
from sim.outputs.report import CalibrateRequest, build_report
from sim.outputs.robustness import BEGIN, END, kept_section, replace_section

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    uncertainty, reform = write_case(folder)
    return folder, write_history(folder, (48.0, 96.0), "record"), uncertainty, reform


@pytest.fixture(scope="module")
def found(case):
    _, history, uncertainty, reform = case
    options = {"draws": 8, "check_runs": 10, "nominal_runs": 40}
    return calibrate(history, uncertainty, [reform], 12, 30, seed=4, **options)


def test_the_section_is_written_into_the_page_and_replaced_in_place(found, tmp_path):
    page = tmp_path / "docs" / "robustness.md"
    page.parent.mkdir()
    page.write_text("# Robustness\n\nThe exploration's findings.\n", encoding="utf-8")
    written = write_section(found, page, "python -m sim.outputs.calibration --seed 4", 6.0)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Robustness\n\nThe exploration's findings.")
    assert text.count(BEGIN) == 1 and text.rstrip().endswith(END) and TITLE in text
    assert f"effective sample size {found.weights.ess:.1f}" in text
    assert "how often informants call" in text and "posterior 90 %" in text
    assert "### The posterior predictive check" in text and "more-informants" in text
    assert "The ranking is the same under every belief." in text
    stems = {p.stem for p in written[1:]}
    assert stems == {"calibration-factors", "calibration-check", "calibration-gains"}
    for path in written[1:]:
        assert path.exists() and f"(calibration/{path.name})" in text
    # A second build replaces the section, and leaves what is around it alone.
    page.write_text(text + "\nA note after.\n", encoding="utf-8")
    write_section(found, page, "python -m sim.outputs.calibration --seed 4", 7.0)
    again = page.read_text(encoding="utf-8")
    assert again.count(BEGIN) == 1 and "took 0.1 minutes" in again
    assert again.endswith("A note after.\n")


def test_the_robustness_generator_keeps_the_section():
    page = "# R\n\nold findings\n\n" + BEGIN + "\nthe section\n" + END + "\n"
    assert replace_section(page, BEGIN + "\nnew\n" + END) == "# R\n\nold findings\n\n" + (
        BEGIN + "\nnew\n" + END + "\n"
    )
    assert replace_section("# R\n", "block") == "# R\n\nblock\n"


def test_kept_section_reads_what_the_page_has(tmp_path):
    page = tmp_path / "robustness.md"
    assert kept_section(page) == ""
    page.write_text("x\n" + BEGIN + "\nbody\n" + END + "\ny\n", encoding="utf-8")
    assert kept_section(page) == BEGIN + "\nbody\n" + END


def test_the_report_gains_a_section_on_the_record(case, tmp_path):
    folder, history, uncertainty, reform = case
    request = CalibrateRequest(history, uncertainty, 12, 30, draws=8, check_runs=10)
    scenarios = [folder / "one-rate.yaml", reform]
    index = build_report(scenarios, tmp_path / "report", runs=40, seed=4, calibration=request)
    html = index.read_text(encoding="utf-8")
    assert '<section id="calibration">' in html and 'href="#calibration"' in html
    assert "effective sample size <strong>" in html and "Still at large on day 2.0" in html
    assert "What each reform buys in the worlds the record leaves" in html
    for stem in ("calibration-factors", "calibration-check", "calibration-gains"):
        assert (tmp_path / "report" / f"{stem}.png").exists() and f'src="{stem}.png"' in html
