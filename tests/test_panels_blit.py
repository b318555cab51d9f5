"""Every registered panel in every state the driver visits, at its design width: blitting with
cached axes frames shows the same picture as drawing the figure whole, no update leaves the
figure asking for another draw, and no text overlaps another or leaves the canvas (the layout
checks of test_panels_layout.py, which runs them at the narrowest width). One pass over the
states for the three: driving the panels is most of the suite's time."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from panel_driver import PANELS, data_under_notes, panel_ids, states, text_problems

import optimlab as ol


def pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int).copy()


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_every_state_blits_a_full_draw_asks_no_redraw_and_fits_its_texts(registered, monkeypatch):
    """After every update the figure is clean and has asked for no draw (see
    test_panels_redraw.py: a stale figure is redrawn after every browser message, a loop),
    what the blit left on the canvas is what drawing the figure whole shows, and the texts of
    that whole drawing fit (no overlap, nothing off the canvas, no data line through a note)."""
    with registered.make() as panel:
        figure = panel.figure
        figure.redraw()
        requests = []
        monkeypatch.setattr(panel.fig.canvas, "draw_idle", lambda *a, **k: requests.append(1))
        assert panel.fig.stale_callback is None
        worst, problems = [], []
        for state in states(panel, k=3):
            assert not panel.fig.stale, f"{state}: figure left stale"
            plt.draw_all()  # what pyplot runs after every message from the browser
            assert requests == [], f"{state}: a draw was requested"
            blitted = pixels(panel.fig)
            figure._background = None  # the next redraw draws everything
            figure.redraw()
            full = pixels(panel.fig)
            renderer = panel.fig.canvas.get_renderer()  # that of the whole drawing just done
            problems += [f"{state}: {p}" for p in text_problems(figure, renderer)]
            problems += [f"{state}: {p}" for p in data_under_notes(figure, renderer)]
            panel.fig.stale = False  # measuring texts marks it changed; the canvas is current
            # spines and legends are drawn over the data in both; anti-aliased edges of
            # artists redrawn on a restored frame may differ by a few levels
            differ = np.abs(blitted - full).max(axis=-1) > 24
            worst.append((differ.mean(), state))
        share, state = max(worst)
        assert share < 0.002, f"{state}: {share:.2%} of the pixels differ from a full draw"
        assert problems == []


def test_a_frame_is_reused_when_a_slider_brings_its_limits_back():
    with ol.widgets.StallPanel(lr=0.01) as panel:  # 04: the path's axes follow the depth
        figure, ax = panel.figure, panel.figure.ax_x
        lr = panel.controls["lr"]
        frames = []
        for value in (0.1, 0.01, 0.1, 0.01):
            lr.value = value
            frames.append(figure._frames[ax])
        assert frames[0][0] != frames[1][0]  # new limits: another frame
        assert frames[2][1] is frames[0][1] and frames[3][1] is frames[1][1]  # kept, reused
        assert panel.figure._misses[ax] == 0


def test_a_legend_drawn_alone_is_put_back_when_its_texts_come_back():
    with ol.widgets.SweepPanel(lr_max=0.3) as panel:  # 01: the lr legend right of the axes
        legend = panel.figure.legend
        lr_max = panel.controls["lr_max"]
        drawn = []
        draw = legend.draw
        legend.draw = lambda renderer: (drawn.append(1), draw(renderer))
        a, b = lr_max.value, lr_max.options[2][1]
        for value in (b, a, b, a):
            lr_max.value = value
        assert len(drawn) == 1  # b drawn once; a's image kept from the first redraw
        blitted = np.asarray(panel.fig.canvas.buffer_rgba()).copy()
        panel.fig.canvas.draw()  # the whole figure, legend included
        full = np.asarray(panel.fig.canvas.buffer_rgba())
        assert (np.abs(blitted.astype(int) - full).max(axis=-1) > 24).mean() < 0.002


def test_frames_are_kept_while_the_limits_stay():
    with PANELS[0].make() as panel:  # 01: the parabola's axes keep their limits
        figure = panel.figure
        figure.redraw()
        kept = dict(figure._frames)
        assert panel.figure.ax_path in kept
        panel.controls["lr"].value = panel.controls["lr"].options[3][1]
        assert figure._frames[panel.figure.ax_path][1] is kept[panel.figure.ax_path][1]
