"""Notebook 03's panels: momentum on the course's parabola, and rolling through a shallow
minimum."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..experiments import check_positive, momentum, phase_diagram, rolling
from ..optim import SGD
from ..plots.momentum import MomentumFigure, RollingFigure
from ..problems import quadratic
from ..run import run
from .controls import log_values, preset_buttons, value_presets, value_slider
from .panel import Panel

STEPS = 100
X0 = 2.0
MOMENTA = np.round(np.arange(0, 0.9901, 0.01), 2)


class MomentumPanel(Panel):
    """Sliders for lr (log scale) and momentum m (0 to 0.99), Nesterov and dampening toggles,
    and the course's four cases one click away. The loss curve, the radius against m and the
    point on the (lr, m) phase diagram follow the sliders.

    Torch refuses Nesterov with dampening, so each toggle disables the other; at m = 0 Nesterov
    changes nothing (g + 0·b = g), and the run is plain gradient descent."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.63, curvature: float = 8.0):
        self.curvature = check_positive("curvature", curvature)
        self._phases = {}  # (dampening_on, nesterov) -> phase diagram: two toggles, four maps
        lr_slider = value_slider("learning rate", log_values(1e-3, 0.5, exact=(0.01, 0.03)), lr)
        m_slider = value_slider("momentum m", MOMENTA, momentum)
        nesterov = w.Checkbox(value=False, description="Nesterov", indent=False)
        damp = w.Checkbox(value=False, description="dampening = m", indent=False)
        nesterov.observe(lambda c: setattr(damp, "disabled", c["new"]), names="value")
        damp.observe(lambda c: setattr(nesterov, "disabled", c["new"]), names="value")
        cases = [
            ("lr 0.01", {lr_slider: 0.01, m_slider: 0.0}),
            ("lr 0.03", {lr_slider: 0.03, m_slider: 0.0}),
            ("lr 0.01, m 0.9", {lr_slider: 0.01, m_slider: 0.9}),
            ("lr 0.01, m 0.63", {lr_slider: 0.01, m_slider: 0.63}),
        ]
        super().__init__(
            {"lr": lr_slider, "momentum": m_slider, "nesterov": nesterov, "dampening": damp},
            [
                w.HBox([lr_slider, nesterov]),
                w.HBox([m_slider, damp]),
                preset_buttons("course's cases:", cases),
            ],
        )

    def references(self) -> dict:
        problem = quadratic(self.curvature / 2)
        return {f"lr {lr:g}, m 0": run(SGD(lr=lr), problem, X0, STEPS) for lr in (0.01, 0.03)}

    def new_figure(self):
        return MomentumFigure(self.references(), self.curvature, steps=STEPS)

    def compute(self):
        damp_on = self.value("dampening")
        nesterov = self.value("nesterov") and not damp_on
        key = (damp_on, nesterov)
        if key not in self._phases:
            self._phases[key] = phase_diagram(damp_on, nesterov, self.curvature)
        return momentum(
            self.value("lr"),
            self.value("momentum"),
            dampening_on=damp_on,
            nesterov=nesterov,
            steps=STEPS,
            x0=X0,
            curvature=self.curvature,
            phase=self._phases[key],
        )


class RollingPanel(Panel):
    """Seed 001's picture, live: plain gradient descent and momentum m (lr 0.01, 300 steps)
    on the tilted double well from x0 = 2; an m slider shows which momenta roll over the bump
    into the deep minimum."""

    def __init__(self, momentum: float = 0.9, tilt: float = 0.3):
        self.tilt = float(tilt)
        slider = value_slider("momentum m", MOMENTA, momentum)
        presets = value_presets(slider, (0.0, 0.5, 0.9), "try m:")
        super().__init__({"momentum": slider}, [slider, presets])

    def new_figure(self):
        return RollingFigure(rolling(0.0, tilt=self.tilt))

    def compute(self):
        return rolling(self.value("momentum"), tilt=self.tilt)
