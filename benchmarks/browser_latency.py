"""Slider latency as a learner feels it: key press to changed pixels, in JupyterLab in Chromium.

Starts JupyterLab on 127.0.0.1 (a temporary copy of notebooks/), in headless Chromium (Debian's
chromium, driven by Playwright) at 1280 x 720, and measures in the page the time from the keydown
on a slider to the moment the canvas's pixels change (alternating right and left presses): the
first draw onto the canvas that changes them (``labdriver.CHANGE_ON_DRAW``: the page does nothing
while it waits). With ``--poll`` the page instead hashes the canvas on every animation frame
until it changes, as the browser tests do; on a machine of two cores that loop takes CPU from
the kernel it measures. For:

- the **floor**: one ``set_ydata`` on a tiny ipympl canvas (the round trip itself: browser ->
  kernel -> browser, nothing drawn to speak of), 12 presses before each notebook, pooled: the
  floor is measured all along the run, under the same conditions as the panels;
- the **reference**: what a user would otherwise have, a comparable three-panel figure (notebook
  01's loss, iterates on the parabola and per-step factor) redrawn through ``interact`` with the
  inline backend (a new PNG image per event);
- every panel of every notebook (``ol.widgets.PANELS`` as the notebooks display them), and
  notebook 09's race panel with ten racers;

30 presses each for the reference and the panels, so that the p95 is not just the slowest press.
Each notebook is measured from ``SETTLE_S`` seconds after Run All: a slider in use, after the
panels' start-up work (whole frames re-sent up to 5 s after the browser reports the column's
width; 09 computing its races and drawing its other landscapes in idle time, about 10 s).

A cell appended to each (copied) notebook times, in the kernel, the handling of every widget
message; the ``kernel`` columns are the time spent on each press's messages: the rest of a
press's latency is the browser, the server and the wire.

Prints median and p95 for all, and for each panel whether it meets both targets:
p95 <= 0.5 x the reference's p95, and p95 <= the floor's p95 + 60 ms.

    python benchmarks/browser_latency.py [--poll]
"""

from __future__ import annotations

import functools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from labdriver import CANVAS, LabPage, chromium, find_chromium, lab_server  # noqa: E402

PRESSES = 30
ON_DRAW = "--poll" not in sys.argv[1:]
FLOOR_PRESSES = 12  # before each notebook
SETTLE_S = 12.0
REF_FACTOR = 0.5
FLOOR_MARGIN_MS = 60

FLOOR_CELLS = [
    "%matplotlib widget\n"
    "import ipywidgets as w\n"
    "import matplotlib.pyplot as plt\n"
    "import numpy as np",
    "with plt.ioff():\n"
    "    fig, ax = plt.subplots(figsize=(2, 1.5))\n"
    "fig.canvas.toolbar_visible = fig.canvas.header_visible = False\n"
    "fig.canvas.footer_visible = fig.canvas.resizable = False\n"
    "ax.set_ylim(-1, 11)\n"
    "(line,) = ax.plot([0, 1], [0, 0])\n"
    "slider = w.IntSlider(value=5, min=0, max=10)\n"
    "def move(change):\n"
    "    line.set_ydata([0, change['new']])\n"
    "    fig.canvas.draw_idle()\n"
    "slider.observe(move, names='value')\n"
    "w.VBox([slider, fig.canvas])",
]

RACE_TEN_CELLS = [
    "%matplotlib widget\nimport optimlab as ol",
    "ol.widgets.RacePanel(racers=('SGD', 'SGDM', 'NAG', 'Adagrad', 'RMSprop', 'Adadelta', "
    "'Adam', 'AMSGrad', 'RAdam', 'LBFGS'))",
]

REFERENCE_CELLS = [
    "%matplotlib inline\n"
    "import ipywidgets as w\n"
    "import matplotlib.pyplot as plt\n"
    "import numpy as np\n"
    "import optimlab as ol",
    "p = ol.quadratic(4)\n"
    "def draw(lr):\n"
    "    run = ol.run(ol.SGD(lr=lr), p, x0=2.0, steps=20)\n"
    "    fig, (a, b, c) = plt.subplots(1, 3, figsize=(9, 4.1))\n"
    "    a.semilogy(run.loss); a.set_title('loss'); a.set_xlabel('iteration t')\n"
    "    xs = np.linspace(-3, 3, 200)\n"
    "    b.plot(xs, 4 * xs**2); b.plot(run.x, run.loss, 'o-'); b.set_xlim(-3, 3)\n"
    "    b.set_ylim(0, 40); b.set_title('iterates on f(x) = 4x^2')\n"
    "    lrs = np.logspace(-3, 0, 200)\n"
    "    c.semilogx(lrs, np.abs(1 - 8 * lrs)); c.plot(lr, abs(1 - 8 * lr), 'o')\n"
    "    c.set_title('|factor| 1 - 8 lr'); fig.suptitle(f'lr = {lr:g}')\n"
    "    plt.show()\n"
    "w.interact(draw, lr=w.FloatLogSlider(value=0.2, base=10, min=-3, max=0, step=0.05));",
]

# appended to each notebook: one line per widget message handled, with the time it took
KERNEL_LOG = "_kernel_events.jsonl"
TIMING_CELL = f"""# benchmark: time each widget message handled (read by browser_latency.py)
import json as _json, time as _time
from ipywidgets.widgets.widget import _instances as _widgets
def _time_messages(path={KERNEL_LOG!r}):
    log = open(path, "a", buffering=1)
    def timed(handle):
        def handler(msg):
            t0 = _time.perf_counter()
            handle(msg)
            log.write(_json.dumps({{"t": _time.time(),
                                    "ms": 1e3 * (_time.perf_counter() - t0)}}) + "\\n")
        return handler
    for widget in list(_widgets.values()):
        comm = getattr(widget, "comm", None)
        if comm is not None and comm._msg_callback is not None:
            comm.on_msg(timed(comm._msg_callback))
_time_messages()"""

# keydown -> the interact output shows a new, decoded image
IMAGE_CHANGE = """(out, timeout) => {
    window.__olChange = null;
    const img0 = out.querySelector('img');
    const src0 = img0 ? img0.src : null;
    document.addEventListener('keydown', () => {
        const t0 = performance.now();
        const poll = () => {
            const img = out.querySelector('img');
            if (img && img.src !== src0 && img.complete && img.naturalWidth > 0) {
                window.__olChange = performance.now() - t0; }
            else if (performance.now() - t0 < timeout * 1000) { requestAnimationFrame(poll); }
            else { window.__olChange = -1; }
        };
        requestAnimationFrame(poll);
    }, {once: true, capture: true});
}"""


def notebook(cells) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "source": c, "outputs": [],
                 "execution_count": None}
                for c in cells
            ],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )  # fmt: skip


def with_timing(src: Path, dst: Path) -> None:
    """Copy notebook ``src`` to ``dst`` with the timing cell appended."""
    nb = json.loads(src.read_text())
    nb["cells"].append(json.loads(notebook([TIMING_CELL]))["cells"][0])
    dst.write_text(json.dumps(nb))


def press_image(lab, out, key, timeout=3.0):
    out.evaluate(IMAGE_CHANGE, timeout)
    handle = out.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    lab.page.keyboard.press(key)
    lab.page.wait_for_function("() => window.__olChange !== null", timeout=(timeout + 2) * 1000)
    ms = lab.page.evaluate("() => window.__olChange")
    return None if ms < 0 else ms / 1000.0


class Presses:
    """Key presses on one control: browser milliseconds, and the kernel's milliseconds on the
    messages handled during each press (from the timing cell's log)."""

    def __init__(self, log: Path):
        self.log, self.ms, self.kernel = log, [], []

    def _logged(self) -> list:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def run(self, press, n: int) -> Presses:
        for k in range(n):
            t0, seen = time.time(), len(self._logged())
            s = press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
            time.sleep(0.25)  # let the kernel go idle between presses
            if s is not None:
                self.ms.append(1e3 * s)
                self.kernel.append(sum(e["ms"] for e in self._logged()[seen:] if e["t"] >= t0))
        return self


def row(name, presses: Presses):
    if not presses.ms:
        print(f"{name:<34} no change seen")
        return None
    ms, kernel = presses.ms, presses.kernel
    p95 = float(np.percentile(ms, 95))
    print(
        f"{name:<34} {len(ms):>7} {statistics.median(ms):>10.0f} {p95:>8.0f} "
        f"{statistics.median(kernel):>8.0f} {np.percentile(kernel, 95):>8.0f}",
        end="",
    )
    return p95


def main():
    print("change seen by", "polling every frame" if not ON_DRAW else "the draw onto the canvas")
    path = find_chromium()
    if path is None:
        sys.exit("no Chromium: apt-get install chromium, or set OPTIMLAB_CHROMIUM")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        log = root / KERNEL_LOG
        for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
            with_timing(nb, root / nb.name)
        (root / "_floor.ipynb").write_text(notebook(FLOOR_CELLS + [TIMING_CELL]))
        (root / "_reference.ipynb").write_text(notebook(REFERENCE_CELLS + [TIMING_CELL]))
        (root / "_race_ten.ipynb").write_text(notebook(RACE_TEN_CELLS + [TIMING_CELL]))
        with lab_server(root) as (base, token), chromium(path, viewport=(1280, 720)) as page:
            floor = Presses(log)

            def measure_floor():
                lab = LabPage(page, base, token, "_floor.ipynb")
                lab.run_all()
                time.sleep(2.0)
                panel = lab.panels().first
                floor.run(lambda key: lab.press_slider(panel, key, on_draw=ON_DRAW), FLOOR_PRESSES)

            lab = LabPage(page, base, token, "_reference.ipynb")
            lab.run_all()
            time.sleep(SETTLE_S)
            out = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
            reference = Presses(log).run(lambda key: press_image(lab, out, key), PRESSES)
            results = []
            for nb in [*sorted(root.glob("[0-9]*.ipynb")), root / "_race_ten.ipynb"]:
                measure_floor()
                lab = LabPage(page, base, token, nb.name)
                lab.run_all()
                time.sleep(SETTLE_S)
                panels = lab.panels()
                for i in range(panels.count()):
                    panel = panels.nth(i)
                    if panel.locator(CANVAS).count() == 0:
                        continue
                    label = "09 race, ten racers" if nb.stem == "_race_ten" else nb.stem[:28]
                    press = functools.partial(lab.press_slider, panel, on_draw=ON_DRAW)
                    results.append((f"{label} panel {i}", Presses(log).run(press, PRESSES)))

        print(f"{'':<34} {'':>7} {'browser ms':>19} {'kernel ms':>17}")
        print(f"{'what':<34} {'presses':>7} {'median':>10} {'p95':>8} {'median':>8} {'p95':>8}"
              "  targets")  # fmt: skip
        floor_p95 = row("floor (set_ydata, tiny ipympl)", floor)
        print()
        ref_p95 = row("reference (interact, inline)", reference)
        print()
        if floor_p95 is None or ref_p95 is None:
            sys.exit("the floor or the reference did not change on a key press")
        print(
            f"targets: p95 <= {REF_FACTOR} x reference p95 = {REF_FACTOR * ref_p95:.0f} ms and "
            f"p95 <= floor p95 + {FLOOR_MARGIN_MS} = {floor_p95 + FLOOR_MARGIN_MS:.0f} ms"
        )
        missed = 0
        for name, presses in results:
            p95 = row(name, presses)
            if p95 is None:
                missed += 1
                continue
            ok_ref = p95 <= REF_FACTOR * ref_p95
            ok_floor = p95 <= floor_p95 + FLOOR_MARGIN_MS
            missed += not (ok_ref and ok_floor)
            print(
                f"  {'ok' if ok_ref else 'MISSED'} vs reference, "
                f"{'ok' if ok_floor else 'MISSED'} vs floor"
            )
        print(f"panels missing a target: {missed}")


if __name__ == "__main__":
    main()
