"""Every registered panel, in every state the driver visits: no text overlaps another or leaves
the canvas, no data line runs through a legend or a note, no text is below 10 pt."""

import pytest
from matplotlib.text import Text
from panel_driver import PANELS, data_under_notes, full_draw, panel_ids, states, text_problems


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_no_text_overlaps_or_leaves_the_figure(registered):
    with registered.make() as panel:
        problems = []
        for state in states(panel, k=3):
            problems += [f"{state}: {p}" for p in text_problems(panel.figure)]
            problems += [f"{state}: {p}" for p in data_under_notes(panel.figure)]
        assert problems == []


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_smallest_text_is_10_pt(registered):
    with registered.make() as panel:
        full_draw(panel.figure)
        sizes = {t.get_fontsize() for t in panel.fig.findobj(Text) if t.get_text().strip()}
        assert min(sizes) >= 10
