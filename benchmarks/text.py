"""What drawing text costs per event: matplotlib's own glyph-by-glyph text drawing against
optimlab's kept glyphs and layouts (``optimlab.plots.glyphs``), for the first control of every
registered panel at 838 px (the column JupyterLab gives a panel at 1280 x 720 with its file
browser open).

The control walks through its values one way, as a dragged slider does, so every event shows
numbers it has not shown before; the two ways of drawing text take turns event by event on the
same panel, so both see the same machine. Prints, per panel, the median event time (callback,
redraw, encoding, hand-over to the comm) with each, and their ratio.

    python benchmarks/text.py
"""

from __future__ import annotations

import statistics

import slider_latency as b  # sets ipympl's backend; run from the repository's root
from matplotlib.backends.backend_agg import RendererAgg

import optimlab as ol
from optimlab.plots import glyphs

WIDTH = 838
EVENTS = 40


def plain(canvas) -> None:
    """Back to matplotlib's own text drawing on ``canvas``."""
    vars(canvas).pop("get_renderer", None)  # the class's, without keep_glyphs' wrapper
    renderer = canvas.get_renderer()
    renderer.__class__ = RendererAgg


def main():
    if glyphs._agg() is None:
        raise SystemExit("this matplotlib draws text in C++ (before 3.11): nothing to compare")
    b.ab_header("mpl ms", "optimlab ms")
    ratios = []
    for registered in ol.widgets.PANELS:
        panel, _, name, control = b.first_control(registered, WIDTH)
        canvas = panel.fig.canvas

        def use(way, canvas=canvas):
            plain(canvas)
            if way == "ours":
                glyphs.keep_glyphs(canvas)

        values = b.values_of(control)
        walk = [values[k % len(values)] for k in range(EVENTS + 2)]
        times = b.take_turns(control, walk, use)
        ratios.append(b.ab_row(registered, name, times["mpl"], times["ours"]))
        panel.close()
    print(f"median ratio optimlab / matplotlib: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
