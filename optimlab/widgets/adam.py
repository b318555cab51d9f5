"""Notebook 05's panels: Adam's memory of a rare large gradient, and Adam against SGDM."""

from __future__ import annotations

import numpy as np

from ..experiments import STREAM, SWATS_STEPS, SWATS_X0, Switch, adam_memory, swats
from ..optim import SGD, Adam
from ..plots.adam import MemoryFigure, SwatsFigure
from ..problems import gaussian_well
from ..run import run
from .controls import log_values, thousands, value_presets, value_slider
from .panel import Panel

BETA2 = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999)


class AdamMemoryPanel(Panel):
    """Sliders for β₂ (0.9 to 0.9999), β₁, the spike's size and its position in the
    101,001-step stream; Adam and AMSGrad computed over the whole stream without a Python loop
    per step (``experiments.adam_memory``)."""

    def __init__(self, beta2=0.999, beta1=0.0, size=1e5, at=90_000):
        positions = [*range(1000, 100_000, 1000), 100_999]
        c = {
            "beta2": value_slider("β₂", BETA2, beta2),
            "beta1": value_slider("β₁", np.round(np.arange(0, 0.9901, 0.01), 2), beta1),
            "size": value_slider("spike size", log_values(1.0, 1e6, 4, (1e5,)), size, thousands),
            "at": value_slider("spike at step", positions, at, thousands),
        }
        presets = value_presets(c["beta2"], (0.9, 0.99, 0.999, 0.9999), "β₂ cases:")
        super().__init__(c, [c["beta2"], presets, c["beta1"], c["size"], c["at"]])

    def new_figure(self):
        return MemoryFigure(STREAM)

    def compute(self):
        return adam_memory(
            self.value("beta2"), self.value("beta1"), self.value("size"), int(self.value("at"))
        )


class SwatsPanel(Panel):
    """Adam (lr 0.5) against SGD with momentum (lr 1, m 0.9) on a bowl in a plateau, and SWATS
    switching from the first to the second at the step the slider picks
    (``experiments.swats``)."""

    def __init__(self, switch_at=20):
        slider = value_slider("switch at step", range(0, SWATS_STEPS + 1), switch_at, "{:.0f}")
        super().__init__({"switch_at": slider}, [slider])

    def new_figure(self):
        well = gaussian_well()
        adam = run(Adam(lr=0.5), well, SWATS_X0, SWATS_STEPS)
        sgdm = run(SGD(lr=1.0, momentum=0.9), well, SWATS_X0, SWATS_STEPS)
        return SwatsFigure(well, adam, sgdm)

    def compute(self):
        k = int(self.value("switch_at"))
        return Switch(k, swats(k))
