"""A panel takes the width of its notebook column: the kernel side (the browser side is in
tests/browser/)."""

import math

import pytest
from panel_driver import PANELS, panel_ids, text_problems

import optimlab as ol


@pytest.fixture
def panel():
    with ol.widgets.PANELS[0].make() as p:
        yield p


def test_set_width_resizes_the_figure_and_keeps_its_height(panel):
    figure = panel.figure
    height = panel.fig.get_figheight()
    assert figure.width == figure.max_width == 900
    assert panel.set_width(840) == 840
    assert panel.fig.get_figwidth() == pytest.approx(8.4)
    assert panel.fig.get_figheight() == height
    assert panel.fig.canvas.get_width_height()[0] == 840
    assert figure._background is not None  # redrawn whole: a fresh background to blit on


def test_margins_and_gaps_keep_their_size_the_axes_shrink(panel):
    fig = panel.fig
    before = [ax.get_window_extent().frozen() for ax in fig.axes]
    panel.set_width(800)
    after = [ax.get_window_extent().frozen() for ax in fig.axes]
    assert after[0].x0 == pytest.approx(before[0].x0, abs=1)  # left margin, in pixels
    assert 900 - before[-1].x1 == pytest.approx(800 - after[-1].x1, abs=1)  # right margin
    gaps = [b.x0 - a.x1 for a, b in zip(before, before[1:], strict=False)]
    new_gaps = [b.x0 - a.x1 for a, b in zip(after, after[1:], strict=False)]
    assert new_gaps == pytest.approx(gaps, abs=1)
    assert all(a.width < b.width for a, b in zip(after, before, strict=True))


def test_back_to_the_design_width_restores_the_layout(panel):
    def positions_now():
        return [b for ax in panel.fig.axes for b in ax.get_position().bounds]

    positions = positions_now()
    panel.set_width(810)
    panel.set_width(5000)  # wider than designed: stops at the design width
    assert panel.figure.width == 900
    assert positions_now() == pytest.approx(positions)


@pytest.mark.parametrize("px", [799, 0, -5])
def test_too_narrow_is_a_value_error_naming_the_width(panel, px):
    with pytest.raises(ValueError, match=rf"^width must be at least 800 px .*got {px}$"):
        panel.set_width(px)
    assert panel.figure.width == 900


@pytest.mark.parametrize("px", [math.nan, math.inf])
def test_width_must_be_finite(panel, px):
    with pytest.raises(ValueError, match="^width must be at least"):
        panel.set_width(px)


@pytest.mark.parametrize("px", ["840", None, True])
def test_width_must_be_a_number(panel, px):
    with pytest.raises(TypeError, match="^width must be a number of pixels"):
        panel.set_width(px)


@pytest.mark.parametrize("px", [0, -1, 10, math.nan, math.inf, 1e9, "wide", None])
def test_fit_a_width_from_the_browser_never_raises(panel, px):
    panel.fit(px)
    assert 800 <= panel.figure.width <= 900
    assert text_problems(panel.figure) == []


def test_fit_clamps_and_leaves_room_for_the_edge(panel):
    panel.fit(700)
    assert panel.figure.width == 800
    panel.fit(850)
    assert panel.figure.width == 850 - ol.widgets.panel.FIT_MARGIN_PX
    panel.fit(2000)
    assert panel.figure.width == 900


def test_the_column_widget_drives_the_figure(panel):
    panel.column.width = 830  # what the browser's ResizeObserver sends
    assert panel.figure.width == 830 - ol.widgets.panel.FIT_MARGIN_PX


def test_projector_mode_scales_the_limits():
    ol.widgets.projector()
    try:
        with PANELS[0].make() as p:
            assert p.figure.max_width == 1260
            assert p.figure.min_width_px == 1120
            p.fit(900)  # narrower than it can draw in: stays at its minimum, no error
            assert p.figure.width == 1120
    finally:
        ol.widgets.style(1.0)


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_every_panel_takes_any_width_between_its_limits(registered):
    with registered.make() as panel:
        lo, hi = panel.figure.min_width_px, panel.figure.max_width
        for px in (hi, lo, (lo + hi) // 2, hi):
            assert panel.set_width(px) == px
            assert panel.fig.canvas.get_width_height()[0] == px


def test_a_preset_setting_several_controls_redraws_once():
    with ol.widgets.StallPanel() as panel:
        calls = []
        show = panel.figure.show
        panel.figure.show = lambda result: (calls.append(result), show(result))
        button = next(
            b
            for row in panel.widget.children
            for b in getattr(row, "children", ())
            if getattr(b, "description", "") == "alpha 0.9"
        )
        panel.controls["size"].value = 100.0
        panel.controls["length"].value = 10
        calls.clear()
        button.click()  # sets size, length and alpha
        assert len(calls) == 1
        assert (calls[0].alpha, calls[0].size, calls[0].length) == (0.9, 10.0, 50)


def test_ipympl_frames_are_drawn_over_the_last_one():
    """The browser must never clear the canvas for an opaque figure (see _draw_frames_over)."""
    from types import SimpleNamespace

    import matplotlib.pyplot as plt

    from optimlab.plots.figure import _draw_frames_over

    fig = plt.figure()
    modes = []
    canvas = SimpleNamespace(figure=fig, set_image_mode=modes.append)
    _draw_frames_over(canvas)
    canvas.set_image_mode("full")
    fig.patch.set_alpha(0.5)  # a see-through figure needs clearing
    canvas.set_image_mode("full")
    plt.close(fig)
    assert modes == ["diff", "full"]
