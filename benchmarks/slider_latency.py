"""Slider latency of the notebooks' panels, against re-plotting from scratch.

For each slider of each panel, set it to at least 30 values and time, per event, the path of a
live notebook: the callback updates the artists, the figure is drawn again (Agg), and the frame is
encoded to PNG, which is what ipympl sends to the browser. The reference, measured in the same
run for the same values, is what ``interact`` with the inline backend does on every event: build
the figure from scratch, put the same data in it and render it to PNG.

Target: p95 of the panel <= 0.4 x the reference's median, for every slider.

    python benchmarks/slider_latency.py
"""

from __future__ import annotations

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import optimlab as ol  # noqa: E402
from optimlab.plots import DescentFigure, SweepFigure  # noqa: E402

TARGET = 0.4
MIN_EVENTS = 30


def encode_frame(fig) -> int:
    """PNG-encode the canvas as drawn, as ipympl does before sending a frame."""
    buf = io.BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buf, format="png")
    return buf.tell()


def time_panel(panel, name, values):
    """Milliseconds from setting the control to a drawn, encoded frame, per value."""
    control = panel.controls[name]
    out = []
    for v in values:
        t0 = time.perf_counter()
        control.value = v  # callback: recompute, update artists, draw (Agg draws at once)
        encode_frame(panel.fig)
        out.append(1e3 * (time.perf_counter() - t0))
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


def lr_panel_cases():
    problem = ol.quadratic(4.0)
    panel = ol.widgets.LearningRatePanel(lr=0.2, iterations=20)

    def build(lr, iterations=20, log=False):
        fig = DescentFigure()
        fig.set_log_loss(log)
        traj = ol.run(ol.SGD(lr=lr), problem, 2.0, panel.max_iterations)
        fig.show(traj, lr, iterations)
        return fig

    lrs = spread([v for _, v in panel.controls["lr"].options])
    its = spread(list(range(1, panel.max_iterations + 1)))
    logs = [True, False] * (MIN_EVENTS // 2)
    yield "01 LearningRatePanel", "lr", panel, lrs, build
    yield "01 LearningRatePanel", "iterations", panel, its, lambda n: build(0.2, n)
    yield "01 LearningRatePanel", "log_loss", panel, logs, lambda b: build(0.2, 20, b)


def sweep_panel_cases():
    problem = ol.quadratic(4.0)
    panel = ol.widgets.SweepPanel(lr_max=0.3)

    def build(lr_max):
        fig = SweepFigure()
        lrs = np.linspace(0.01, lr_max, 10)
        fig.show(lrs, ol.run(ol.SGD(lr=lrs), problem, 2.0, 100))
        return fig

    yield (
        "01 SweepPanel",
        "lr_max",
        panel,
        spread([v for _, v in panel.controls["lr_max"].options]),
        build,
    )


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
    for panel_name, control, panel, values, build in cases:
        time_panel(panel, control, values[:3])  # warm caches (fonts, mathtext)
        time_reference(build, values[:2])
        live = time_panel(panel, control, values)
        ref = time_reference(build, values)
        ratio = pct(live, 95) / statistics.median(ref)
        worst = max(worst, ratio)
        ok = "ok" if ratio <= TARGET else "MISSED"
        print(
            f"{panel_name:<22} {control:<11} {len(values):>3} {statistics.median(live):>10.1f} "
            f"{pct(live, 95):>8.1f} {statistics.median(ref):>10.1f} {pct(ref, 95):>8.1f} "
            f"{ratio:>8.2f}  {ok}"
        )
    print(f"worst p95/reference-median: {worst:.2f} (target <= {TARGET})")


if __name__ == "__main__":
    main()
