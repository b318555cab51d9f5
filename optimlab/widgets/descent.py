"""Notebook 01's panels: gradient descent on the course's parabola."""

from __future__ import annotations

import ipywidgets as w

from ..experiments import Descent, check_count, check_positive, descent, sweep
from ..plots.descent import DescentFigure, SweepFigure
from .controls import log_values, steps_slider, value_presets, value_slider
from .panel import Panel

COURSE_LRS = (0.01, 0.1, 0.125, 0.2, 0.25, 0.5, 1.0)
LR_RANGE = (1e-3, 1.0)


class LearningRatePanel(Panel):
    """Gradient descent on f(x) = (curvature/2)·x² from x0 (the course's 4x² from 2): an lr
    slider (log scale, the course's values exact and one click away), an iterations slider with
    Play, and a log-scale toggle for the loss. Each event runs ``max_iterations`` steps (about a
    millisecond) and shows the first ``iterations``."""

    def __init__(
        self,
        x0: float = 2.0,
        lr: float = 0.2,
        iterations: int = 20,
        max_iterations: int = 200,
        curvature: float = 8.0,
    ):
        self.curvature = check_positive("curvature", curvature)
        self.max_iterations = check_count("max_iterations", max_iterations)
        check_count("iterations", iterations, 1, self.max_iterations)
        self.x0 = x0
        self._last = None  # the last result: its run is reused while lr stays
        lr_slider = value_slider("learning rate", log_values(*LR_RANGE, exact=COURSE_LRS), lr)
        it_slider, play, link = steps_slider("iterations", iterations, 1, self.max_iterations)
        log_box = w.Checkbox(value=False, description="log-scale loss", indent=False)
        presets = value_presets(lr_slider, COURSE_LRS, "course's lr:")
        super().__init__(
            {"lr": lr_slider, "iterations": it_slider, "play": play, "log_loss": log_box},
            [w.HBox([lr_slider, log_box]), presets, w.HBox([it_slider, play])],
            owned=[link],
        )

    def new_figure(self):
        return DescentFigure(curvature=self.curvature, lr_range=LR_RANGE)

    def compute(self):
        lr = self.value("lr")
        last = self._last
        if last is None or last.lr != lr:  # the iterations and the log toggle reuse the run
            last = self._last = descent(
                lr, 1, x0=self.x0, max_iterations=self.max_iterations, curvature=self.curvature
            )
        return Descent(
            lr, self.value("iterations"), self.curvature, last.run, self.value("log_loss")
        )


class SweepPanel(Panel):
    """The course's multi learning rate: ``n`` rates ``linspace(lr_min, lr_max, n)``, ``steps``
    iterations each, one vectorised run per move of the lr_max slider."""

    def __init__(
        self,
        x0: float = 2.0,
        lr_min: float = 0.01,
        lr_max: float = 0.3,
        n: int = 10,
        steps: int = 100,
        curvature: float = 8.0,
    ):
        self.curvature = check_positive("curvature", curvature)
        self.n = check_count("n", n, 1, 12)
        self.steps = check_count("steps", steps)
        self.lr_min = check_positive("lr_min", lr_min)
        self.x0 = x0
        values = [v / 100 for v in range(2, 51)]
        if self.lr_min >= values[0]:
            raise ValueError(
                f"lr_min must be below the slider's smallest lr_max 0.02, got {lr_min!r}"
            )
        slider = value_slider("lr_max", values, lr_max)
        presets = value_presets(slider, (0.5, 0.3, 0.2), "course's cases:")
        super().__init__({"lr_max": slider}, [slider, presets])

    def new_figure(self):
        return SweepFigure(n_rates=self.n, steps=self.steps)

    def compute(self):
        return sweep(
            self.lr_min, self.value("lr_max"), self.n,
            steps=self.steps, x0=self.x0, curvature=self.curvature,
        )  # fmt: skip
