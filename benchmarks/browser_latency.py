"""Slider latency as a learner feels it: key press to changed pixels, in JupyterLab in Chromium.

Starts JupyterLab on 127.0.0.1 (a temporary copy of notebooks/), runs each notebook in headless
Chromium (Debian's chromium, driven by Playwright), and for each panel presses an arrow key on
its main slider 20 times (alternating right and left), measuring in the page the time from the
keydown to the first animation frame whose canvas pixels differ. Prints median and p95 per
panel. Target: p95 at most 150 ms.

    python benchmarks/browser_latency.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from labdriver import LabPage, chromium, find_chromium, lab_server  # noqa: E402

PRESSES = 20
TARGET_MS = 150


def main():
    path = find_chromium()
    if path is None:
        sys.exit("no Chromium: apt-get install chromium, or set OPTIMLAB_CHROMIUM")
    print(
        f"{'notebook':<26} {'panel':>5} {'presses':>8} {'median ms':>10} {'p95 ms':>8}  "
        f"target p95 <= {TARGET_MS}"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
            shutil.copy(nb, root / nb.name)
        with lab_server(root) as (base, token), chromium(path) as page:
            for nb in sorted(root.glob("*.ipynb")):
                lab = LabPage(page, base, token, nb.name)
                lab.run_all()
                panels = lab.panels()
                for i in range(panels.count()):
                    ms = []
                    for k in range(PRESSES):
                        s = lab.press_slider(
                            panels.nth(i), "ArrowRight" if k % 2 == 0 else "ArrowLeft"
                        )
                        if s is not None:
                            ms.append(1e3 * s)
                        time.sleep(0.2)  # let the kernel go idle between presses
                    if not ms:
                        print(f"{nb.name:<26} {i:>5} no change seen")
                        continue
                    p95 = float(np.percentile(ms, 95))
                    worst = max(worst, p95)
                    print(
                        f"{nb.name:<26} {i:>5} {len(ms):>8} {statistics.median(ms):>10.0f} "
                        f"{p95:>8.0f}  {'ok' if p95 <= TARGET_MS else 'MISSED'}"
                    )
    print(f"worst p95: {worst:.0f} ms (target <= {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
