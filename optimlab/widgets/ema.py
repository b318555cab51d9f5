"""Notebook 02's panel: smoothing a noisy series with an exponentially weighted average."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..data import daily_temperature
from ..experiments import smoothing
from ..plots.ema import SmoothingFigure
from .controls import value_presets, value_slider
from .panel import Panel

COURSE_BETAS = (0.5, 0.8, 0.9, 0.95, 0.98)


class SmoothingPanel(Panel):
    """A β slider (0 to 0.99) and a bias-correction toggle over a year of noisy readings."""

    def __init__(self, beta: float = 0.9, bias_correction: bool = False, seed: int = 0):
        self.data = daily_temperature(seed=seed)
        slider = value_slider("β", np.round(np.arange(0.0, 0.9901, 0.01), 2), beta)
        box = w.Checkbox(value=bias_correction, description="bias correction", indent=False)
        presets = value_presets(slider, COURSE_BETAS, "course's β:")
        super().__init__({"beta": slider, "bias_correction": box}, [w.HBox([slider, box]), presets])

    def new_figure(self):
        return SmoothingFigure(*self.data)

    def compute(self):
        return smoothing(*self.data, self.value("beta"), self.value("bias_correction"))
