"""Slider latency of the notebooks' panels, against re-plotting from scratch.

For each slider of each panel, set it to at least 30 values and time, per event, the kernel's
side of a live notebook: the callback recomputes, updates the artists and redraws, and ipympl's
canvas encodes the changed pixels to PNG and hands the frame to its comm (here a sink that counts
bytes, since no browser is attached). The panels are built on real ipympl canvases, after the
handshake a browser would send. The reference, measured in the same run for the same values, is
what ``interact`` with the inline backend does on every event: build the figure from scratch,
recompute, and render it to PNG (``Panel.render_from_scratch``).

Target: p95 of the panel <= 0.4 x the reference's median, for every slider.

    python benchmarks/slider_latency.py
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")

import ipywidgets as w  # noqa: E402
import numpy as np  # noqa: E402

import optimlab as ol  # noqa: E402

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


def prepare_idle_work(panel):
    """What a kernel does in its idle time after a panel is shown: the race panel computes
    its races and draws the other landscapes' backgrounds on timer ticks (``when_idle``). No
    event loop runs here, so do it now, as a user who waited a few seconds would have it."""
    panel.figure.run_idle_work()


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


def time_reference(panel, name, values):
    """Milliseconds to build the panel's figure from scratch for each value and render it."""
    control = panel.controls[name]
    out = []
    for v in values:
        control.value = v  # untimed: the live update
        t0 = time.perf_counter()
        panel.render_from_scratch()
        out.append(1e3 * (time.perf_counter() - t0))
    return out


def spread(values, n=MIN_EVENTS):
    """``n`` values spread over the whole range, in an order that jumps around."""
    idx = np.linspace(0, len(values) - 1, n).round().astype(int)
    rng = np.random.default_rng(0)
    return [values[i] for i in rng.permutation(idx)]


def values_of(control):
    """At least MIN_EVENTS values of a control, each different from the one before."""
    if isinstance(control, w.Checkbox):
        return [not control.value, control.value] * (MIN_EVENTS // 2)
    if hasattr(control, "options"):
        options = [v for _, v in control.options]
        if len(options) < MIN_EVENTS:  # fewer positions than events: go round them,
            k = options.index(control.value) + 1 if control.value in options else 0
            options = options[k:] + options[:k]  # from the one after the current value
            return (options * MIN_EVENTS)[:MIN_EVENTS]
        return spread(options)
    return spread(list(range(control.min, control.max + 1)))


def first_control(registered, width):
    """A panel of ``registered`` at ``width`` px with its idle work done, ready for events: the
    panel, the sink its frames go to, and the name and widget of its first control."""
    panel = registered.make()
    sink = FrameSink(panel.fig.canvas)
    prepare_idle_work(panel)
    panel.set_width(width)
    name, control = next(
        (n, c) for n, c in panel.controls.items() if hasattr(c, "value") and n != "play"
    )
    return panel, sink, name, control


def ab_header(a: str, b: str, extra: str = "") -> None:
    """The header of ``ab_row``'s table: ways ``a`` and ``b``, then ``extra`` columns."""
    print(f"{'nb':<3}{'panel':<20} {'control':<11} {a:>8} {b:>12} {'ratio':>6}{extra}")


def take_turns(control, values, use, after=None) -> dict:
    """Set ``control`` to each of ``values``, ways "mpl" and "ours" taking turns event by
    event (``use(way)`` switches to a way), so both see the same machine. The first two
    events warm caches and are not counted; ``after(way)`` is called after each counted one.
    Returns {way: [ms per event]}."""
    times = {"mpl": [], "ours": []}
    for k, v in enumerate(values):
        way = "mpl" if k % 2 else "ours"
        use(way)
        t0 = time.perf_counter()
        control.value = v
        ms = 1e3 * (time.perf_counter() - t0)
        if k >= 2:
            times[way].append(ms)
            if after is not None:
                after(way)
    return times


def ab_row(registered, name, a_ms, b_ms, extra="") -> float:
    """Print one panel's medians of two ways taking turns, and return the ratio b / a."""
    a, b = statistics.median(a_ms), statistics.median(b_ms)
    print(
        f"{registered.notebook:<3}{registered.name:<20} {name:<11} {a:>8.1f} {b:>12.1f} "
        f"{b / a:>6.2f}{extra}",
        flush=True,
    )
    return b / a


def pct(xs, q):
    return float(np.percentile(xs, q))


def main():
    header = (
        f"{'nb':<3}{'panel':<20} {'control':<11} {'n':>3} {'median ms':>10} {'p95 ms':>8} "
        f"{'ref median':>10} {'ref p95':>8} {'p95/ref':>8}  target <= {TARGET}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for registered in ol.widgets.PANELS:  # every registered panel, with its notebook's arguments
        nb, panel = registered.notebook, registered.make()
        sink = FrameSink(panel.fig.canvas)
        prepare_idle_work(panel)
        for name, control in panel.controls.items():
            if isinstance(control, w.Play) or not hasattr(control, "value"):
                continue  # Play drives the iterations slider, measured as itself
            values = values_of(control)
            start = control.value
            time_panel(panel, sink, name, values[:2])  # warm caches (fonts, mathtext)
            live = time_panel(panel, sink, name, values)
            ref = time_reference(panel, name, values)
            control.value = start  # the next control starts from the panel's defaults
            ratio = pct(live, 95) / statistics.median(ref)
            worst = max(worst, ratio)
            print(
                f"{nb:<3}{type(panel).__name__:<20} {name:<11} {len(values):>3} "
                f"{statistics.median(live):>10.1f} {pct(live, 95):>8.1f} "
                f"{statistics.median(ref):>10.1f} {pct(ref, 95):>8.1f} "
                f"{ratio:>8.2f}  {'ok' if ratio <= TARGET else 'MISSED'}"
            )
        panel.close()
    print(f"worst p95/reference-median: {worst:.2f} (target <= {TARGET})")


if __name__ == "__main__":
    main()
