"""Notebook 03's panel: momentum on the course's parabola."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..optim import SGD
from ..plots.momentum import MomentumFigure
from ..problems import quadratic
from ..run import run
from .controls import log_values, preset_buttons, value_slider
from .panel import Panel

STEPS = 100
X0 = 2.0


class MomentumPanel(Panel):
    """Sliders for lr (log scale) and momentum m (0 to 0.99), Nesterov and dampening toggles,
    and the course's four cases one click away. The loss curve, the radius against m and the
    point on the (lr, m) phase diagram follow the sliders.

    Torch refuses Nesterov with dampening, so each toggle disables the other; at m = 0 Nesterov
    changes nothing (g + 0·b = g), and the run is plain gradient descent."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.63, curvature: float = 8.0):
        self.curvature = curvature
        self.problem = quadratic(curvature / 2)
        lr_slider = value_slider("learning rate", log_values(1e-3, 0.5, exact=(0.01, 0.03)), lr)
        m_slider = value_slider("momentum m", np.round(np.arange(0, 0.9901, 0.01), 2), momentum)
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
        return {
            f"lr {lr:g}, no momentum": run(SGD(lr=lr), self.problem, X0, STEPS)
            for lr in (0.01, 0.03)
        }

    def new_figure(self):
        return MomentumFigure(self.references(), self.curvature, steps=STEPS)

    def show(self, figure, fresh=False):
        lr, m = self.value("lr"), self.value("momentum")
        damp_on = self.value("dampening")
        nesterov = self.value("nesterov") and not damp_on
        opt = SGD(lr=lr, momentum=m, dampening=m if damp_on else 0.0, nesterov=nesterov and m > 0)
        figure.set_map(damp_on, nesterov)
        figure.show(run(opt, self.problem, X0, STEPS), lr, m, damp_on, nesterov)
