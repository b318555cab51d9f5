"""Slider latency of the notebooks' panels, against re-plotting from scratch.

For each slider of each panel, set it to at least 30 values and time, per event, the kernel's
side of a live notebook: the callback recomputes, updates the artists and redraws, and ipympl's
canvas encodes the changed pixels to PNG and hands the frame to its comm (here a sink that counts
bytes, since no browser is attached). The panels are built on real ipympl canvases, after the
handshake a browser would send. The reference, measured in the same run for the same values, is
what ``interact`` with the inline backend does on every event: build the figure from scratch,
put the same data in it and render it to PNG.

Target: p95 of the panel <= 0.4 x the reference's median, for every slider.

    python benchmarks/slider_latency.py
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import optimlab as ol  # noqa: E402
from optimlab.plots import DescentFigure, SweepFigure  # noqa: E402

TARGET = 0.4
MIN_EVENTS = 30


class FrameSink:
    """Stands in for the browser: receives what ipympl's canvas sends over its comm."""

    def __init__(self, canvas):
        self.frames = 0
        self.bytes = 0
        canvas.send = self.send
        # the messages a browser sends when it shows the canvas
        for msg in ({"type": "initialized"}, {"type": "send_image_mode"}, {"type": "refresh"}):
            canvas._handle_message(canvas, msg, [])
        canvas.draw()

    def send(self, content, buffers=None):
        if buffers:
            self.frames += 1
            self.bytes += sum(len(b) for b in buffers)


def time_panel(panel, sink, name, values):
    """Milliseconds from setting the control to the frame handed to the comm, per value."""
    control = panel.controls[name]
    out = []
    for v in values:
        frames = sink.frames
        t0 = time.perf_counter()
        control.value = v  # callback: recompute, update artists, redraw, encode, send
        out.append(1e3 * (time.perf_counter() - t0))
        if v != control.value or sink.frames == frames:
            raise RuntimeError(f"{name} = {v!r} did not send a frame")
    return out


def time_reference(build, values):
    """Milliseconds to build the figure from scratch for each value and render it to PNG."""
    out = []
    for v in values:
        t0 = time.perf_counter()
        figure = build(v)
        figure.png()
        plt.close(figure.fig)
        out.append(1e3 * (time.perf_counter() - t0))
    return out


def spread(values, n=MIN_EVENTS):
    """``n`` values spread over the whole option list, in an order that jumps around."""
    idx = np.linspace(0, len(values) - 1, n).round().astype(int)
    rng = np.random.default_rng(0)
    return [values[i] for i in rng.permutation(idx)]


def options(control):
    return [v for _, v in control.options]


def lr_panel_cases():
    problem = ol.quadratic(4.0)
    panel = ol.widgets.LearningRatePanel(lr=0.2, iterations=20)
    sink = FrameSink(panel.fig.canvas)

    def build(lr, iterations=20, log=False):
        fig = DescentFigure()
        fig.set_log_loss(log)
        fig.show(ol.run(ol.SGD(lr=lr), problem, 2.0, panel.max_iterations), lr, iterations)
        return fig

    its = list(range(1, panel.max_iterations + 1))
    logs = [True, False] * (MIN_EVENTS // 2)
    name = "01 LearningRatePanel"
    yield name, "lr", panel, sink, spread(options(panel.controls["lr"])), build
    yield name, "iterations", panel, sink, spread(its), lambda n: build(0.2, n)
    yield name, "log_loss", panel, sink, logs, lambda b: build(0.2, 20, b)


def sweep_panel_cases():
    problem = ol.quadratic(4.0)
    panel = ol.widgets.SweepPanel(lr_max=0.3)
    sink = FrameSink(panel.fig.canvas)

    def build(lr_max):
        fig = SweepFigure()
        lrs = np.linspace(0.01, lr_max, 10)
        fig.show(lrs, ol.run(ol.SGD(lr=lrs), problem, 2.0, 100))
        return fig

    values = spread(options(panel.controls["lr_max"]))
    yield "01 SweepPanel", "lr_max", panel, sink, values, build


def pct(xs, q):
    return float(np.percentile(xs, q))


def main():
    cases = [*lr_panel_cases(), *sweep_panel_cases()]
    header = (
        f"{'panel':<22} {'control':<11} {'n':>3} {'median ms':>10} {'p95 ms':>8} "
        f"{'ref median':>10} {'ref p95':>8} {'p95/ref':>8}  target <= {TARGET}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for panel_name, control, panel, sink, values, build in cases:
        time_panel(panel, sink, control, values[:2])  # warm caches (fonts, mathtext)
        time_reference(build, values[:2])
        live = time_panel(panel, sink, control, values)
        ref = time_reference(build, values)
        ratio = pct(live, 95) / statistics.median(ref)
        worst = max(worst, ratio)
        print(
            f"{panel_name:<22} {control:<11} {len(values):>3} {statistics.median(live):>10.1f} "
            f"{pct(live, 95):>8.1f} {statistics.median(ref):>10.1f} {pct(ref, 95):>8.1f} "
            f"{ratio:>8.2f}  {'ok' if ratio <= TARGET else 'MISSED'}"
        )
    print(f"worst p95/reference-median: {worst:.2f} (target <= {TARGET})")


if __name__ == "__main__":
    main()
