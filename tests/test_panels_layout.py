"""Every registered panel, in every state the driver visits: no text overlaps another or leaves
the canvas, no data line runs through a legend or a note, no text is below 10 pt."""

import pytest
from matplotlib.text import Text
from panel_driver import PANELS, data_under_notes, full_draw, panel_ids, states, text_problems

import optimlab as ol


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_no_text_overlaps_or_leaves_the_figure_at_the_narrowest_width(registered):
    """At the narrowest width a panel accepts; at its design width (the widest it gets) the
    same checks run in test_panels_blit.py, on the whole drawing each state gets there."""
    with registered.make() as panel:
        assert panel.set_width(panel.figure.min_width_px) == panel.figure.min_width_px
        problems = []
        for state in states(panel, k=3):
            renderer = full_draw(panel.figure)
            problems += [f"{state}: {p}" for p in text_problems(panel.figure, renderer)]
            problems += [f"{state}: {p}" for p in data_under_notes(panel.figure, renderer)]
        assert problems == []


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_smallest_text_is_10_pt(registered):
    with registered.make() as panel:
        full_draw(panel.figure)
        sizes = {t.get_fontsize() for t in panel.fig.findobj(Text) if t.get_text().strip()}
        assert min(sizes) >= 10


@pytest.fixture
def projector():
    yield ol.widgets.projector()
    ol.widgets.style(1.0)


def test_projector_mode_enlarges_every_new_panel_and_keeps_its_layout(projector):
    assert projector == 1.4
    for registered in PANELS:
        with registered.make() as panel:
            assert panel.fig.dpi == pytest.approx(140)  # fonts, markers, lines: all x 1.4
            assert text_problems(panel.figure) == []  # the layout scales as a whole
    ol.widgets.style(1.0)
    with PANELS[0].make() as panel:
        assert panel.fig.dpi == pytest.approx(100)


@pytest.mark.parametrize("scale", [0, -1.4, float("nan"), float("inf")])
def test_projector_scale_must_be_positive_and_finite(scale):
    with pytest.raises(ValueError, match="^scale must be a positive finite number"):
        ol.widgets.style(scale=scale)


@pytest.mark.parametrize("scale", ["1.4", None, True])
def test_projector_scale_must_be_a_number(scale):
    with pytest.raises(TypeError, match="^scale must be a number"):
        ol.widgets.style(scale=scale)
