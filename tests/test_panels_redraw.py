"""Every panel redraws only when told: no draw loop with the browser.

In a live notebook pyplot redraws every figure it finds "stale" after each message from the
browser. A panel that left its figure stale after a blit got a full redraw on every such
message, each of which staled it again: a loop of frames that kept the kernel busy and made
sliders lag by half a second (found by the browser tests). After any update the figure must be
clean, and changing an artist must not by itself ask for a draw.
"""

import matplotlib.pyplot as plt
import pytest

import optimlab as ol

PANELS = [
    lambda: ol.widgets.LearningRatePanel(),
    lambda: ol.widgets.SweepPanel(),
    lambda: ol.widgets.SmoothingPanel(),
    lambda: ol.widgets.MomentumPanel(),
    lambda: ol.widgets.StallPanel(),
    lambda: ol.widgets.AdamMemoryPanel(),
    lambda: ol.widgets.SwatsPanel(),
]


@pytest.mark.parametrize("make", PANELS, ids=lambda m: m().__class__.__name__)
def test_no_draw_requests_after_updates(make, monkeypatch):
    panel = make()
    requests = []
    monkeypatch.setattr(panel.fig.canvas, "draw_idle", lambda *a, **k: requests.append(1))
    assert panel.fig.stale_callback is None
    for control in panel.controls.values():
        options = getattr(control, "options", None)
        if options:
            control.value = options[-1][1] if control.value != options[-1][1] else options[0][1]
        elif hasattr(control, "max") and not hasattr(control, "interval"):
            control.value = control.max if control.value != control.max else control.min
        elif isinstance(control.value, bool):
            control.value = not control.value
        assert not panel.fig.stale, f"{control.description}: figure left stale"
        plt.draw_all()  # what pyplot runs after every message from the browser
    assert requests == []
