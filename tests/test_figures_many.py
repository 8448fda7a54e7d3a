"""Figures that hold up with 2 to 10 scenarios: page-sized, legends off the data, unique colours.

The scenarios are made by hand (no model runs); each figure is drawn and its laid-out boxes are
compared, so a legend over the curves or a footer cut at the edge fails here.
"""

from __future__ import annotations

import pytest
from conftest import fake_tally
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.analysis.losses import from_summary
from sim.experiments.compare import Comparison, differences
from sim.outputs.figures import compare_figures
from sim.outputs.plots.style import LEGEND_LABEL, PAGE_HEIGHT, SERIES, series_colour
from sim.outputs.plots.survival import MAX_BANDS


def comparison(n: int) -> Comparison:
    """``n`` setups with long names, catching him a little more often each."""
    tallies = [
        fake_tally(
            f"reform-number-{i}-with-a-long-descriptive-name",
            [5.0 + 3 * i if r < 10 + 2 * i else None for r in range(40)],
            tips_true=4 + i,
            true_tips_forgotten=1,
            true_tips_captured=1,
            raids_planned=3 * (i + 1),
            tips_forgotten=40 * (i + 1),
        )
        for i in range(n)
    ]
    return Comparison([t.summary() for t in tallies], differences(tallies), tallies)


@pytest.fixture(scope="module", params=[2, 8, 10], ids=lambda n: f"{n}-scenarios")
def drawn(request) -> tuple[int, dict[str, Figure]]:
    figures = compare_figures(comparison(request.param))
    for figure in figures.values():
        figure.canvas.draw()
    return request.param, figures


def boxes(figure: Figure):
    inverse = figure.transFigure.inverted()
    return lambda artist: artist.get_window_extent().transformed(inverse)


def data_axes(figure: Figure) -> list:
    return [ax for ax in figure.axes if ax.get_label() != LEGEND_LABEL]


def footer(figure: Figure) -> Text:
    return next(t for t in figure.texts if "brussels-sim" in t.get_text())


def test_every_figure_fits_a_page(drawn) -> None:
    _, figures = drawn
    for name, figure in figures.items():
        width, height = figure.get_size_inches()
        assert width <= 8.5 and height <= PAGE_HEIGHT, (name, width, height)


def test_legends_sit_in_their_own_row_never_over_data_or_footer(drawn) -> None:
    _, figures = drawn
    for name, figure in figures.items():
        box = boxes(figure)
        assert not figure.legends, f"{name}: a figure legend is drawn over the footer"
        legends = [ax.get_legend() for ax in data_axes(figure) if ax.get_legend()]
        assert not legends, f"{name}: a legend inside the data"
        for holder in (ax for ax in figure.axes if ax.get_label() == LEGEND_LABEL):
            legend = box(holder.get_legend())
            assert not legend.overlaps(box(footer(figure))), name
            for ax in data_axes(figure):
                assert not legend.overlaps(box(ax)), name


def test_the_provenance_footer_is_inside_the_figure_and_clear_of_the_axes(drawn) -> None:
    _, figures = drawn
    for name, figure in figures.items():
        box = boxes(figure)
        text = box(footer(figure))
        assert text.x0 >= 0 and text.x1 <= 1 and text.y0 >= 0, (name, text)
        for ax in data_axes(figure):
            assert (
                text.y1 <= ax.get_tightbbox().transformed(figure.transFigure.inverted()).y0 + 0.01
            )


def test_each_scenario_has_its_own_colour_up_to_ten() -> None:
    assert len(set(SERIES)) == len(SERIES) == 10
    assert len({series_colour(i) for i in range(10)}) == 10


def test_the_friction_panels_give_each_scenario_its_colour_on_a_linear_scale(drawn) -> None:
    n, figures = drawn
    figure = figures["frictions"]
    for ax in data_axes(figure):
        assert ax.get_xscale() == "linear"
        colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
        assert len(colours) == n and len(set(colours)) == n


def test_survival_bands_give_way_to_intervals_at_the_end(drawn) -> None:
    n, figures = drawn
    (ax,) = data_axes(figures["survival"])
    bands = [c for c in ax.collections if c.__class__.__name__ == "FillBetweenPolyCollection"]
    if n <= MAX_BANDS:
        assert len(bands) == n
    else:
        assert not bands
        assert len(ax.containers) == n  # an interval per curve at the horizon
    curves = [line for line in ax.get_lines() if not str(line.get_label()).startswith("_")]
    assert len({line.get_color() for line in curves}) == n


def test_waterfall_panels_share_one_scale_and_wrap(drawn) -> None:
    n, figures = drawn
    panels = data_axes(figures["waterfall"])
    assert len(panels) == n
    assert len({ax.get_xlim() for ax in panels}) == 1
    widest = max(from_summary(s).total for s in comparison(n).summaries)
    assert panels[0].get_xlim()[1] >= widest
    rows = {round(ax.get_position().y0, 3) for ax in panels}
    assert len(rows) == -(-n // 4)  # four panels a row
