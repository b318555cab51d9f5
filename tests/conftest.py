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


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
