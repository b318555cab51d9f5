"""Notebook 01's panels: gradient descent on the course's parabola."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..optim import SGD
from ..plots.descent import DescentFigure, SweepFigure
from ..problems import Problem, quadratic
from ..run import run
from .controls import log_values, steps_slider, value_presets, value_slider
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
        self.x0, self.max_iterations, self.curvature = x0, max_iterations, curvature
        self._run = (None, None)  # (lr, trajectory) of the last run, reused while lr stays
        lr_slider = value_slider("learning rate", log_values(1e-3, 1.0, exact=COURSE_LRS), lr)
        it_slider, play = steps_slider("iterations", iterations, 1, max_iterations)
        log_box = w.Checkbox(value=False, description="log-scale loss", indent=False)
        presets = value_presets(lr_slider, COURSE_LRS, "course's lr:")
        super().__init__(
            {"lr": lr_slider, "iterations": it_slider, "play": play, "log_loss": log_box},
            [w.HBox([lr_slider, log_box]), presets, w.HBox([it_slider, play])],
        )

    def new_figure(self):
        return DescentFigure(curvature=self.curvature, lr_range=(1e-3, 1.0))

    def show(self, figure, fresh=False):
        lr = self.value("lr")
        cached_lr, traj = self._run
        if fresh or cached_lr != lr:
            traj = run(SGD(lr=lr), self.problem, self.x0, self.max_iterations)
            if not fresh:
                self._run = (lr, traj)
        figure.set_log_loss(self.value("log_loss"))
        figure.show(traj, lr, self.value("iterations"))


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
        values = np.round(np.arange(0.02, 0.5001, 0.01), 2)
        slider = value_slider("lr_max", values, lr_max)
        presets = value_presets(slider, (0.5, 0.3, 0.2), "course's cases:")
        super().__init__({"lr_max": slider}, [slider, presets])

    def new_figure(self):
        return SweepFigure(n_rates=self.n, steps=self.steps)

    def rates(self) -> np.ndarray:
        return np.linspace(self.lr_min, self.value("lr_max"), self.n)

    def show(self, figure, fresh=False):
        lrs = self.rates()
        figure.show(lrs, run(SGD(lr=lrs), self.problem, self.x0, self.steps), self.curvature)
