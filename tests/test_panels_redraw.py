"""Every panel redraws only when told: no draw loop with the browser.

In a live notebook pyplot redraws every figure it finds "stale" after each message from the
browser. A panel that left its figure stale after a blit got a full redraw on every such
message, each of which staled it again: a loop of frames that kept the kernel busy and made
sliders lag by half a second (found by the browser tests). After any update the figure must be
clean, and changing an artist must not by itself ask for a draw: checked for every registered
panel in every state the driver visits by tests/test_panels_blit.py, together with the blit.
"""

import gc
import subprocess
import sys
import warnings
import weakref

import matplotlib.pyplot as plt
import pytest
from panel_driver import EXHAUSTIVE, PANELS, driven, panel_ids, values

import optimlab as ol


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


@pytest.mark.parametrize("registered", PANELS, ids=panel_ids)
def test_a_dropped_panel_is_garbage_collected_with_its_figure(registered):
    panel = registered.make()
    fig = weakref.ref(panel.fig)
    control = next(iter(driven(panel).values()))
    del panel
    gc.collect()  # the finalizer runs: the figure is closed
    gc.collect()  # and its cycles collected
    assert fig() is None  # (a button callback holding the panel kept 10's alive)
    assert control.comm is None  # its widgets closed by the finalizer


IPYMPL_RELEASE = """
import gc, weakref
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
import optimlab as ol
from matplotlib.figure import Figure
panel = ol.widgets.LearningRatePanel()
for _ in range(3):
    panel.render_from_scratch()  # the benchmark's reference: a new figure each time, closed
fig = weakref.ref(panel.fig)
panel.close()
del panel
dropped = ol.widgets.SweepPanel()
del dropped
gc.collect()
gc.collect()
print(fig() is None, sum(isinstance(o, Figure) for o in gc.get_objects()))
"""


def test_ipympl_figures_are_released_with_their_toolbars():
    # under ipympl a figure's canvas and its toolbar are widgets, and the (never shown)
    # toolbar holds the canvas: closing the canvas alone kept every figure alive, ~4 MiB each
    # (the slider-latency benchmark grew to 10 GB)
    out = subprocess.run(
        [sys.executable, "-c", IPYMPL_RELEASE], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["True", "0"]


def test_a_displayed_panel_lives_as_long_as_its_widget():
    panel = ol.widgets.SweepPanel()
    panel._repr_mimebundle_()
    ref = weakref.ref(panel)
    widget = panel.widget
    del panel
    gc.collect()
    assert ref() is not None
    widget.close()


def test_thirty_panels_warn_nothing_and_none_stays_alive():
    # pyplot warns at the 21st open figure; before panels released theirs, 100 panels took
    # ~5 MiB each. 30 panels by default (past pyplot's 20), 100 with OPTIMLAB_EXHAUSTIVE=1.
    n = 100 if EXHAUSTIVE else 30
    figures = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(n):
            figures.append(weakref.ref(ol.widgets.RollingPanel().fig))
        gc.collect()
        gc.collect()
    assert plt.get_fignums() == []  # none registered with pyplot
    assert [f for f in figures if f() is not None] == []
