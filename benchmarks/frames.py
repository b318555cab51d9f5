"""What encoding the frames costs per event: matplotlib's own ``get_diff_image`` (Pillow, the
whole canvas) against optimlab's (``optimlab.plots.frames``: the changed corner, blank rows
deflated once), for the first control of every registered panel at 838 px (the column JupyterLab
gives a panel at 1280 x 720 with its file browser open).

The two encoders take turns event by event on the same panel, so both see the same machine.
Prints, per panel, the median event time (callback, redraw, encoding, hand-over to the comm)
with each, their ratio, and the median frame size.

    python benchmarks/frames.py
"""

from __future__ import annotations

import statistics

import slider_latency as b  # sets ipympl's backend; run from the repository's root
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore

import optimlab as ol

WIDTH = 838
EVENTS = 40


def main():
    b.ab_header("mpl ms", "optimlab ms", f" {'mpl bytes':>10} {'optimlab bytes':>15}")
    ratios = []
    for registered in ol.widgets.PANELS:
        panel, sink, name, control = b.first_control(registered, WIDTH)
        canvas = panel.fig.canvas
        ours = canvas.get_diff_image
        sizes = {"mpl": [], "ours": []}
        sent = [0]

        def use(way, canvas=canvas, ours=ours, sent=sent, sink=sink):
            canvas.get_diff_image = (
                (lambda: FigureCanvasWebAggCore.get_diff_image(canvas))
                if way == "mpl" else ours
            )  # fmt: skip
            sent[0] = sink.bytes

        def after(way, sizes=sizes, sent=sent, sink=sink):
            sizes[way].append(sink.bytes - sent[0])

        values = b.values_of(control)
        times = b.take_turns(control, values[:2] + values[: EVENTS - 2] + values[:2], use, after)
        canvas.get_diff_image = ours
        sizes = (
            f" {statistics.median(sizes['mpl']):>10.0f} {statistics.median(sizes['ours']):>15.0f}"
        )
        ratios.append(b.ab_row(registered, name, times["mpl"], times["ours"], sizes))
        panel.close()
    print(f"median ratio optimlab / matplotlib: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
