"""The HTML report: a folder with everything the page refers to, and nothing from the network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASE, CENTRAL, fake_tally
from PIL import Image

from sim.outputs.report import build_report, document_diff, typical_replication
from sim.outputs.report.diff import grouped, readable


@pytest.fixture
def report(two_scenario_report: Path) -> Path:
    return two_scenario_report


def _references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_every_referenced_file_exists(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    refs = [r for r in _references(html) if not r.startswith("#")]
    assert "style.css" in refs and "story.txt" in refs
    for ref in refs:
        assert (report.parent / ref).is_file(), f"{ref} is referenced but missing"


def test_no_network_anywhere(report: Path) -> None:
    for name in ("index.html", "style.css"):
        text = (report.parent / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://|//[a-z]|@import|url\(", text), name


def test_at_least_five_figures_with_svg_links(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)\.png"', html)
    assert {"rates", "differences", "survival", "waterfall", "frictions", "timeline"} <= set(images)
    for stem in images:
        assert f'href="{stem}.svg"' in html
        with Image.open(report.parent / f"{stem}.png") as image:
            assert "seed 5" in image.text["Description"]


def test_contents(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<title>Does brussels-2015-centralised catch the fugitive more often" in html
    for section in ("numbers", "scenarios", "figures", "losses", "story", "provenance", "method"):
        assert f'<section id="{section}">' in html
    assert "raids.night_rule.exempt" in html  # the diff names what differs
    assert "drug_trafficking, terrorism]" in html
    assert "agencies.{VSSE, ADIV, OCAM, MIT}.bilingual_share" in html  # grouped rows
    assert "Wilson" in html and "Tango" in html and "Kaplan-Meier" in html
    assert "sim report test" in html  # the command line
    assert "led to capture" in html  # the loss table
    story = (report.parent / "story.txt").read_text(encoding="utf-8")
    assert story.splitlines()[0].split(":")[0] in html  # the story is on the page


def test_headline_numbers_match_a_comparison(report: Path) -> None:
    from sim import load_scenario
    from sim.experiments.compare import compare

    result = compare([load_scenario(BASE), load_scenario(CENTRAL)], runs=20, seed=5)
    html = report.read_text(encoding="utf-8")
    for summary in result.summaries:
        assert f"{summary.capture_rate:.3f}" in html
        assert summary.scenario_hash in html
    assert f"{result.differences[0].capture_rate_diff:+.3f}" in html


def test_single_scenario_report(tmp_path: Path) -> None:
    index = build_report([BASE], tmp_path, runs=10, seed=1)
    html = index.read_text(encoding="utf-8")
    assert "How often does brussels-2015 catch the fugitive?" in html
    assert "differences.png" not in html
    assert len(re.findall(r"<img ", html)) == 6
    assert "What differs" not in html


def test_rebuilt_report_retires_the_old_builds_files_only(tmp_path: Path) -> None:
    build_report([BASE, CENTRAL], tmp_path, runs=10, seed=1)
    assert (tmp_path / "differences.png").is_file()
    (tmp_path / "notes.md").write_text("the analyst's own notes\n", encoding="utf-8")
    build_report([BASE], tmp_path, runs=10, seed=1)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    # Nothing of the comparison is left beside the single-scenario page...
    assert not (tmp_path / "differences.png").exists()
    assert not (tmp_path / "differences.svg").exists()
    shown = set(re.findall(r'(?:src|href)="([^"#][^"]*)"', html))
    pictures = {p.name for p in tmp_path.iterdir() if p.suffix in (".png", ".svg")}
    assert pictures <= shown
    # ... and what the report never wrote stays.
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "the analyst's own notes\n"


def test_a_tampered_manifest_cannot_reach_outside_the_folder(tmp_path: Path) -> None:
    from sim.outputs.report.build import MANIFEST, retire_stale

    folder = tmp_path / "report"
    folder.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep", encoding="utf-8")
    (folder / "old.png").write_bytes(b"png")
    (folder / MANIFEST).write_text('["../precious.txt", "old.png", 3]', encoding="utf-8")
    assert retire_stale(folder, ["index.html"]) == ["old.png"]
    assert outside.read_text(encoding="utf-8") == "keep"


def test_typical_replication_is_closest_to_the_median() -> None:
    tally = fake_tally("t", [10.0, 50.0, 20.0, 30.0, None])
    replication, why = typical_replication(tally)
    assert replication == 3  # Kaplan-Meier: 4/5 at large after day 10, 3/5 after 20, 2/5 after 30
    assert "30.0" in why


def test_typical_replication_when_most_runs_fail() -> None:
    tally = fake_tally("t", [None, 12.0, None, None])
    replication, why = typical_replication(tally)
    assert replication == 0
    assert "still at large" in why


def test_document_diff_lists_dotted_paths() -> None:
    a = {
        "name": "a",
        "x-anchor": {"k": 1},
        "raids": {"escape": 0.1, "sources": "s1"},
        "channels": [{"loss": 0.1}, {"loss": 0.2}],
        "only_a": [1, 2],
    }
    b = {
        "name": "b",
        "x-anchor": {"k": 2},
        "raids": {"escape": 0.2, "sources": "s2"},
        "channels": [{"loss": 0.1}, {"loss": 0.3}],
        "only_b": {"p": True},
    }
    rows = {d.path: d.values for d in document_diff([a, b])}
    assert rows == {
        "name": ("a", "b"),
        "raids.escape": ("0.1", "0.2"),
        "channels.1.loss": ("0.2", "0.3"),
        "only_a": ("[1, 2]", "not set (default)"),
        "only_b": ("not set (default)", "{p: true}"),
    }


def test_document_diff_of_equal_documents_is_empty() -> None:
    doc = {"name": "a", "agencies": {"X": {"staff": 2, "sources": "note"}}}
    assert document_diff([doc, {**doc, "description": "other words"}]) == []


def test_grouped_merges_the_same_change_made_to_many() -> None:
    a = {"agencies": {"A": {"s": 1}, "B": {"s": 1}, "C": {"s": 2}}}
    b = {"agencies": {"A": {"s": 3}, "B": {"s": 3}, "C": {"s": 3}}}
    rows = grouped(document_diff([a, b]))
    assert [(r.path, r.values) for r in rows] == [
        ("agencies.{A, B}.s", ("1", "3")),
        ("agencies.C.s", ("2", "3")),
    ]


def test_readable_values() -> None:
    assert readable({"lognormal": {"median": "2h", "p90": "8h"}}) == (
        "{lognormal: {median: 2h, p90: 8h}}"
    )
    assert readable(None) == "null" and readable(False) == "false"


def test_contrasting_replication_is_one_where_only_the_better_setup_catches_him() -> None:
    from sim.outputs.report.build import contrasting_replication

    base = fake_tally("base", [None, 8.0, None, None, None, 3.0])
    other = fake_tally("other", [40.0, 8.0, 10.0, None, 25.0, 3.0])
    replication, why = contrasting_replication(base, other)
    # only "other" catches him in replications 0, 2 and 4 (days 40, 10, 25): the middle is day 25
    assert replication == 4
    assert "in 3 of them other catches him and base does not" in why
    assert contrasting_replication(base, base) is None


def test_a_comparison_without_a_clear_difference_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    minimal = Path(__file__).resolve().parent / "scenarios" / "minimal.yaml"
    monkeypatch.setenv("SIM_SCENARIO_PATH", str(minimal.parent))  # a parent outside the folder
    twin = tmp_path / "twin.yaml"
    twin.write_text(f"extends: {minimal}\nname: twin\n", encoding="utf-8")
    index = build_report([minimal, twin], tmp_path / "report", runs=30, seed=2)
    html = index.read_text(encoding="utf-8")
    lede = html.split('<p class="lede">', 1)[1].split("</p>", 1)[0]
    assert "no clear difference (+0.0 points)" in lede
    assert "more often" not in lede and "less often" not in lede
    numbers = html.split('<section id="numbers">', 1)[1].split("</section>", 1)[0]
    assert "no clear difference" in numbers and "more often" not in numbers
    assert "the setups end alike in every replication" in html
    assert "timeline-contrast" not in html


def test_a_comparison_tells_a_replication_where_the_setups_differ(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "the setups end differently in" in html
    assert 'src="timeline-contrast.png"' in html and 'href="story-contrast.txt"' in html
    story = html.split('<section id="story">', 1)[1]
    # both setups' runs of the same replication are told, over the same days
    assert story.count("<h3>brussels-2015") == 2 and story.count("): days ") == 2
    ends = re.findall(r"<li>In <strong>[^<]+</strong>: ([^<]+)\.</li>", story)
    assert len(ends) == 2 and ends[0] != ends[1]
