import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# Hypothesis searches afresh on every local run (to find the next defect); under CI it draws the
# same examples every time, so that a run's verdict does not depend on the luck of the draw
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class FakeTimer:
    """Stands in for the kernel's timer: the test fires it."""

    def __init__(self):
        self.callbacks, self.running = [], False

    def add_callback(self, f):
        self.callbacks.append(f)

    def start(self):
        self.running = True

    def stop(self):
        self.running = False

    def fire(self):
        for f in self.callbacks:
            f()


@pytest.fixture
def timers(monkeypatch):
    """Every timer a figure makes, as a FakeTimer the test fires (no event loop here)."""
    made = []
    monkeypatch.setattr(
        FigureCanvasAgg, "new_timer",
        lambda self, interval=None: made.append(FakeTimer()) or made[-1],
    )  # fmt: skip
    return made
