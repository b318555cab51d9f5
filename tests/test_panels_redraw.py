"""Every panel redraws only when told: no draw loop with the browser.

In a live notebook pyplot redraws every figure it finds "stale" after each message from the
browser. A panel that left its figure stale after a blit got a full redraw on every such
message, each of which staled it again: a loop of frames that kept the kernel busy and made
sliders lag by half a second (found by the browser tests). After any update the figure must be
clean, and changing an artist must not by itself ask for a draw.
"""

import gc
import resource
import warnings
import weakref

import matplotlib.pyplot as plt
import pytest
from panel_driver import EXHAUSTIVE, PANELS, driven, panel_ids, states, values

import optimlab as ol


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_no_draw_requests_after_updates(registered, monkeypatch):
    with registered.make() as panel:
        requests = []
        monkeypatch.setattr(panel.fig.canvas, "draw_idle", lambda *a, **k: requests.append(1))
        assert panel.fig.stale_callback is None
        for state in states(panel, k=3):
            assert not panel.fig.stale, f"{state}: figure left stale"
            plt.draw_all()  # what pyplot runs after every message from the browser
        assert requests == []


def test_the_registry_lists_every_panel_class():
    classes = {
        c for c in vars(ol.widgets).values()
        if isinstance(c, type) and issubclass(c, ol.widgets.Panel) and c is not ol.widgets.Panel
    }  # fmt: skip
    assert {r.cls for r in PANELS} == classes
    for r in PANELS:
        with r.make() as panel:  # the registered arguments are the notebook's
            for name, v in r.kwargs.items():
                if name in panel.controls:
                    assert panel.controls[name].value == v
            assert all(values(c) for c in driven(panel).values())


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_close_releases_the_figure_and_the_widgets(registered):
    panel = registered.make()
    widgets = [panel.widget, *driven(panel).values()]
    with panel:
        assert not panel.closed
    assert panel.closed
    assert all(wd.comm is None for wd in widgets)  # closed widgets
    assert panel.figure._dynamic == []
    panel.close()  # twice is fine
    assert "closed" in panel._repr_mimebundle_()["text/plain"]


def test_a_dropped_panel_is_garbage_collected_with_its_figure():
    panel = ol.widgets.LearningRatePanel()
    fig = weakref.ref(panel.fig)
    slider = panel.controls["lr"]
    del panel
    gc.collect()  # the finalizer runs: the figure is closed
    gc.collect()  # and its cycles collected
    assert fig() is None
    assert slider.comm is None  # its widgets closed by the finalizer


def test_a_displayed_panel_lives_as_long_as_its_widget():
    panel = ol.widgets.SweepPanel()
    panel._repr_mimebundle_()
    ref = weakref.ref(panel)
    widget = panel.widget
    del panel
    gc.collect()
    assert ref() is not None
    widget.close()


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def test_a_hundred_panels_warn_nothing_and_do_not_grow_memory():
    # pyplot warns at the 21st open figure; before panels released theirs, 100 panels took
    # ~5 MiB each. The first panels fill matplotlib's caches (how many depends on what ran
    # before in the process): warm them first. 30 panels by
    # default (past pyplot's 20), 100 with OPTIMLAB_EXHAUSTIVE=1.
    n = 100 if EXHAUSTIVE else 30
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(60):  # under pytest the caches take 30 to 60 panels to fill
            ol.widgets.RollingPanel()
        gc.collect()
        gc.collect()
        before = rss_mib()
        for _ in range(n):
            ol.widgets.RollingPanel()
        gc.collect()
        gc.collect()
        grown = rss_mib() - before
    assert plt.get_fignums() == []  # none registered with pyplot
    assert grown < 0.1 * n, f"{grown:.1f} MiB for {n} panels"
