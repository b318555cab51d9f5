"""Notebook 01's panels: gradient descent on the course's parabola."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..optim import SGD
from ..plots.descent import DescentFigure, SweepFigure
from ..problems import Problem, quadratic
from ..run import run
from .controls import log_values, preset_buttons, steps_slider, value_slider
from .panel import Panel

COURSE_LRS = (0.01, 0.1, 0.125, 0.2, 0.25, 0.5, 1.0)


class LearningRatePanel(Panel):
    """Gradient descent on f(x) = 4x² from x0 = 2: an lr slider (log scale, the course's values
    exact and one click away), an iterations slider with Play, and a log-scale toggle for the
    loss. Moving lr reruns ``max_iterations`` steps once; moving the iterations only redraws."""

    def __init__(
        self,
        problem: Problem | None = None,
        x0: float = 2.0,
        lr: float = 0.2,
        iterations: int = 20,
        max_iterations: int = 200,
        curvature: float = 8.0,
    ):
        self.problem = problem or quadratic(curvature / 2)
        self.x0 = x0
        self.max_iterations = max_iterations
        figure = DescentFigure(curvature=curvature, lr_range=(1e-3, 1.0))
        lr_slider = value_slider("learning rate", log_values(1e-3, 1.0, exact=COURSE_LRS), lr)
        it_slider, play = steps_slider("iterations", iterations, 1, max_iterations)
        log_box = w.Checkbox(value=False, description="log-scale loss", indent=False)
        presets = preset_buttons(lr_slider, COURSE_LRS, "course's lr:")
        super().__init__(
            figure,
            {"lr": lr_slider, "iterations": it_slider, "play": play, "log_loss": log_box},
            [w.HBox([lr_slider, log_box]), presets, w.HBox([it_slider, play])],
        )
        self._traj = None
        lr_slider.observe(self._on_lr, names="value")
        it_slider.observe(self._on_view, names="value")
        log_box.observe(self._on_log, names="value")
        self._on_lr()

    def _on_lr(self, change=None):
        lr = self.controls["lr"].value
        self._traj = run(SGD(lr=lr), self.problem, self.x0, self.max_iterations)
        self._on_view()

    def _on_log(self, change=None):
        self.figure.set_log_loss(self.controls["log_loss"].value)
        self._on_view()

    def _on_view(self, change=None):
        self.figure.show(self._traj, self.controls["lr"].value, self.controls["iterations"].value)
        self.figure.redraw()


class SweepPanel(Panel):
    """The course's multi learning rate: ``n`` rates ``linspace(lr_min, lr_max, n)``, ``steps``
    iterations each, one vectorised run per move of the lr_max slider."""

    def __init__(
        self,
        problem: Problem | None = None,
        x0: float = 2.0,
        lr_min: float = 0.01,
        lr_max: float = 0.3,
        n: int = 10,
        steps: int = 100,
        curvature: float = 8.0,
    ):
        self.problem = problem or quadratic(curvature / 2)
        self.x0, self.lr_min, self.n, self.steps = x0, lr_min, n, steps
        self.curvature = curvature
        figure = SweepFigure(n_rates=n, steps=steps)
        values = np.round(np.arange(0.02, 0.5001, 0.01), 2)
        slider = value_slider("lr_max", values, lr_max)
        presets = preset_buttons(slider, (0.5, 0.3, 0.2), "course's cases:")
        super().__init__(figure, {"lr_max": slider}, [slider, presets])
        slider.observe(self._on_change, names="value")
        self._on_change()

    def rates(self) -> np.ndarray:
        return np.linspace(self.lr_min, self.controls["lr_max"].value, self.n)

    def _on_change(self, change=None):
        lrs = self.rates()
        traj = run(SGD(lr=lrs), self.problem, self.x0, self.steps)
        self.figure.show(lrs, traj, self.curvature)
        self.figure.redraw()
