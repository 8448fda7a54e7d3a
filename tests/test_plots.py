"""Every figure: labelled axes and its provenance; saved as PNG and SVG with the same metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import fake_tally
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from PIL import Image

from sim.analysis.losses import STEPS, from_records, from_summary
from sim.experiments.compare import differences
from sim.experiments.sweep import SweepPoint
from sim.outputs.plots import (
    FrictionEffect,
    Provenance,
    capture_differences,
    capture_rates,
    friction_counts,
    friction_tornado,
    loss_waterfall,
    save_figure,
    survival_curves,
    sweep_figure,
    timeline,
)
from sim.outputs.plots.style import LEGEND_LABEL, OKABE_ITO
from sim.outputs.trace import trace
from sim.version import __version__

PROVENANCE = Provenance((("fragmented", "0123456789abcdef"), ("central", "fedcba9876543210")), 7, 5)


@pytest.fixture(scope="module")
def tallies() -> list:
    a = fake_tally(
        "fragmented",
        [10.0, None, 40.0, None, 90.0],
        tips_true=3,
        true_tips_forgotten=1,
        true_tips_dismissed=1,
        true_tips_captured=1,
        raids_empty=2,
    )
    b = fake_tally(
        "central",
        [5.0, 30.0, 20.0, None, 60.0],
        tips_true=3,
        true_tips_forgotten=1,
        true_tips_raided_empty=1,
        true_tips_captured=1,
        raids_empty=1,
    )
    return [a, b]


def _texts(figure: Figure) -> str:
    return "\n".join(t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text")))


def _check(figure: Figure, provenance: Provenance = PROVENANCE) -> None:
    """Labelled axes with units, a title, the provenance footer."""
    assert isinstance(figure, Figure)
    assert figure._suptitle is not None and figure._suptitle.get_text()
    for ax in figure.axes:
        if ax.get_label() in ("<colorbar>", LEGEND_LABEL):
            continue
        siblings = ax.get_shared_x_axes().get_siblings(ax)  # a shared axis is labelled once
        labelled = any(a.get_xlabel() for a in siblings)
        assert labelled, f"unlabelled x axis in {figure._suptitle.get_text()!r}"
        rows = ax.get_shared_y_axes().get_siblings(ax)
        assert any(a.get_ylabel() or any(t.get_text() for t in a.get_yticklabels()) for a in rows)
    text = _texts(figure)
    assert provenance.footer() in text.replace("\n", " ")  # wrapped to the figure's width
    name, digest = provenance.scenarios[0]
    assert name in text and digest in text and f"seed {provenance.seed}" in text
    assert __version__ in text


def test_capture_rates(tallies: list) -> None:
    summaries = [t.summary() for t in tallies]
    figure = capture_rates(summaries, PROVENANCE)
    _check(figure)
    assert "probability of capture within 126 days" in figure.axes[0].get_xlabel()
    assert "0.600" in _texts(figure)  # 3 of 5 runs captured


def test_capture_differences(tallies: list) -> None:
    figure = capture_differences(differences(tallies), PROVENANCE)
    _check(figure)
    assert "+0.200" in _texts(figure)  # 4/5 - 3/5


def test_survival_curves_overlay_with_bands(tallies: list) -> None:
    curves = [(t.scenario, t.survival()) for t in tallies]
    figure = survival_curves(curves, 126.0, PROVENANCE)
    _check(figure)
    ax = figure.axes[0]
    assert ax.get_ylabel().startswith("probability still at large")
    lines = [line for line in ax.get_lines() if line.get_label().startswith(("frag", "cent"))]
    assert len(lines) == 2
    assert {line.get_color() for line in lines} <= set(OKABE_ITO.values())
    assert len(ax.collections) == 2  # one 95 % band per scenario
    assert lines[0].get_ydata()[0] == 1.0  # everyone is at large at day 0


def test_waterfall_bars_add_up(tallies: list) -> None:
    losses = [from_summary(t.summary()) for t in tallies]
    figure = loss_waterfall(losses, PROVENANCE)
    _check(figure)
    first = figure.axes[0]
    widths = [round(p.get_width()) for p in first.patches]
    assert widths[0] == 15  # 3 true tips in each of 5 runs
    assert widths[-1] == 5  # one led to the capture in each run
    assert len(widths) == len(STEPS) + 2
    assert sum(widths[1:-1]) + widths[-1] == widths[0]
    labels = [t.get_text() for t in first.get_yticklabels()]
    assert "deferred by the night rule, then empty" in labels
    assert "judged not credible" in labels


def test_waterfall_from_records_matches_summary(tallies: list) -> None:
    from conftest import fake_record

    records = [fake_record(r, None, tips_true=2, true_tips_misread=2) for r in range(4)]
    losses = from_records("x", records)
    assert losses.total == 8 and dict(losses.lost)["misread in translation"] == 8
    assert losses.unaccounted == 0
    summary_losses = from_summary(tallies[0].summary())
    assert summary_losses.total == 15 and summary_losses.captured == 5


def test_friction_counts(tallies: list) -> None:
    figure = friction_counts([t.summary() for t in tallies], PROVENANCE)
    _check(figure)
    assert "searches deferred by the night rule" in _texts(figure)


def test_friction_tornado_sorts_largest_first() -> None:
    effects = [
        FrictionEffect("lost messages", 0.01, (-0.01, 0.03)),
        FrictionEffect("the night rule", 0.08, (0.05, 0.11)),
        FrictionEffect("spelling of names", -0.02, (-0.04, 0.0)),
    ]
    figure = friction_tornado(effects, 0.58, PROVENANCE)
    _check(figure)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels[-1] == "the night rule"  # the top bar
    assert "0.580" in figure._suptitle.get_text()


def _points(tallies: list, axes: list[str]) -> list[SweepPoint]:
    import itertools

    grid = list(itertools.product(*[["1", "2"] for _ in axes]))
    summary = tallies[0].summary()
    return [SweepPoint(dict(zip(axes, combo, strict=True)), summary) for combo in grid]


def test_sweep_line_heatmap_and_ranked(tallies: list) -> None:
    line = sweep_figure(_points(tallies, ["agencies.DR3.staff"]), PROVENANCE)
    _check(line)
    assert line.axes[0].get_xlabel().startswith("agencies.DR3.staff")
    heat = sweep_figure(_points(tallies, ["a.b", "c.d"]), PROVENANCE)
    _check(heat)
    assert any(isinstance(a, AxesImage) for a in heat.axes[0].get_children())
    ranked = sweep_figure(_points(tallies, ["a", "b", "c"]), PROVENANCE)
    _check(ranked)
    assert len(ranked.axes[0].get_yticklabels()) == 8


def test_empty_inputs_are_refused() -> None:
    for function, args in [
        (capture_rates, ([], PROVENANCE)),
        (survival_curves, ([], 126.0, PROVENANCE)),
        (loss_waterfall, ([], PROVENANCE)),
        (sweep_figure, ([], PROVENANCE)),
        (friction_tornado, ([], 0.5, PROVENANCE)),
    ]:
        with pytest.raises(ValueError, match="at least one"):
            function(*args)


def _night_spans(ax) -> list:
    from matplotlib.colors import to_hex

    from sim.outputs.plots.timeline import _NIGHT

    return [p for p in ax.patches if to_hex(p.get_facecolor()) == _NIGHT.lower()]


@pytest.fixture(scope="module")
def traced(base_scenario):
    return trace(base_scenario, 1, 0)


def test_timeline_of_one_replication(traced) -> None:
    provenance = Provenance(((traced.scenario, traced.scenario_hash),), 1, replication=0)
    figure = timeline(traced, provenance)
    _check(figure, provenance)
    top, bottom = [ax for ax in figure.axes if ax.get_label() != LEGEND_LABEL]
    assert top.get_ylabel() == "his police zone"
    assert "Bruxelles-Nord" in [t.get_text() for t in top.get_yticklabels()]
    searches = [a for a in bottom.get_lines() if a.get_gid() == "search"]
    assert len(searches) == len(traced.searches) == traced.record["raids_done"]
    # over a whole run the nightly bans would be a barcode: shaded in close-ups only
    assert "night ban (21:00-05:00): shaded in close-ups only" in _texts(figure)
    assert not _night_spans(top) and not _night_spans(bottom)
    assert "replication 0" in _texts(figure)
    figure.canvas.draw()  # the safe-house labels never overlap one another
    labels = [t.get_window_extent() for t in top.texts]
    assert labels
    for i, a in enumerate(labels):
        assert not any(a.overlaps(b) for b in labels[i + 1 :]), [t.get_text() for t in top.texts]


def test_timeline_window_zooms(traced) -> None:
    provenance = Provenance(((traced.scenario, traced.scenario_hash),), 1, replication=0)
    figure = timeline(traced, provenance, days=(3, 10), office_hours_of="DR3")
    low, high = figure.axes[1].get_xlim()
    assert low == 3.0 and 11.0 <= high <= 11.1
    inside = [s for s in traced.searches if 3 <= traced.calendar.day_number(s.time_h) <= 10]
    drawn = [a for a in figure.axes[1].get_lines() if a.get_gid() == "search"]
    assert len(drawn) == len(inside)
    assert "office hours of DR3" in _texts(figure)
    assert "night ban on searches (21:00-05:00)" in _texts(figure)
    assert len(_night_spans(figure.axes[0])) == 9  # the end of night 2, then nights 3 to 10
    with pytest.raises(ValueError, match="outside this replication"):
        timeline(traced, provenance, days=(400, 410))
    with pytest.raises(ValueError, match="unknown agency"):
        timeline(traced, provenance, office_hours_of="Interpol")


def test_save_writes_png_and_svg_with_provenance(tallies: list, tmp_path: Path) -> None:
    figure = capture_rates([t.summary() for t in tallies], PROVENANCE)
    png, svg = save_figure(figure, tmp_path / "out", "rates")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["rates.png", "rates.svg"]
    with Image.open(png) as image:
        assert image.text["Title"] == "How often is he caught?"
        assert image.text["Description"] == PROVENANCE.footer()
        assert image.size[0] > 800
    text = svg.read_text(encoding="utf-8")
    assert "<dc:title>How often is he caught?</dc:title>" in text
    assert re.search(r"<dc:description>[^<]*0123456789abcdef", text)
    assert PROVENANCE.date in text


def test_save_stays_inside_its_folder(tallies: list, tmp_path: Path) -> None:
    figure = capture_rates([t.summary() for t in tallies], PROVENANCE)
    for stem in ("../escape", "a/b", "", ".hidden"):
        with pytest.raises(ValueError, match=r"plain file name|outside"):
            save_figure(figure, tmp_path, stem)
    assert list(tmp_path.iterdir()) == []


def test_save_needs_a_finished_figure(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="finish the figure"):
        save_figure(Figure(), tmp_path, "bare")


def test_provenance_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1458322200")  # 18 Mar 2016 17:30 UTC
    assert Provenance((("x", "h"),), 1).date == "2016-03-18"
