"""Notebook 08's panel: Newton's method, damped Newton, L-BFGS, momentum and gradient descent on
a bowl of adjustable condition number and rotation."""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from ..curvature import METHODS, Curvature, curvature
from ..experiments import check_count
from ..plots.curvature import CurvatureFigure
from .controls import log_values, preset_buttons, steps_slider, value_slider
from .panel import Panel

KAPPAS = log_values(1.0, 1000.0, per_decade=10, exact=(1.0, 10.0, 100.0, 1000.0))
ANGLES = [float(a) for a in range(-90, 91, 5)]
STARTS = [round(v, 1) for v in np.arange(-2.0, 2.01, 0.1)]
NARROW = {"width": "405px"}
COMPACT = {"description_width": "90px"}


def _narrow(slider):
    slider.layout = w.Layout(**NARROW)
    slider.style = COMPACT
    return slider


class CurvaturePanel(Panel):
    """Five methods on f(x) = ½xᵀHx with curvatures 1 and κ, axes turned by an angle: a κ
    slider (log scale, 1 to 1000), an angle slider, start-point sliders, a toggle per method,
    and an iterations slider with Play. Gradient descent and momentum run at their best
    settings for this κ (``curvature.method_optimizers``); Newton lands in one step whatever
    κ; damped Newton halves the error per step; L-BFGS does one inner iteration per step.
    Each move of κ, the angle or the start runs all five methods (``max_iterations`` steps);
    the iterations slider and the toggles reuse those runs."""

    def __init__(
        self,
        kappa: float = 100.0,
        angle: float = 30.0,
        x0: float = -1.5,
        y0: float = 1.0,
        iterations: int = 20,
        max_iterations: int = 100,
        methods=METHODS,
    ):
        self.max_iterations = check_count("max_iterations", max_iterations)
        check_count("iterations", iterations, 0, self.max_iterations)
        unknown = [m for m in methods if m not in METHODS]
        if unknown:
            raise ValueError(f"methods must be among {METHODS}, got {unknown[0]!r}")
        self._runs_key, self._runs = None, None
        kappa_s = _narrow(value_slider("condition κ", KAPPAS, float(kappa), fmt="{:g}"))
        angle_s = _narrow(value_slider("rotation (°)", ANGLES, float(angle), fmt="{:g}"))
        x_s = _narrow(value_slider("start x", STARTS, float(x0), fmt="{:.1f}"))
        y_s = _narrow(value_slider("start y", STARTS, float(y0), fmt="{:.1f}"))
        toggles = {
            name: w.Checkbox(
                value=name in methods,
                description=name,
                indent=False,  # at 125 px the browser cut "damped Newton" to "damped Newt…"
                layout={"width": "155px" if len(name) > 10 else "120px"},
            )
            for name in METHODS
        }
        it_s, play, link = steps_slider("iterations", iterations, 0, self.max_iterations)
        it_s.layout = w.Layout(width="310px")
        it_s.style = COMPACT
        presets = preset_buttons(
            "κ:", [(f"{k:g}", {kappa_s: k}) for k in (1.0, 10.0, 100.0, 1000.0)]
        )
        controls = {"kappa": kappa_s, "angle": angle_s, "x0": x_s, "y0": y_s}
        controls.update({f"show {name}": box for name, box in toggles.items()})
        controls.update({"iterations": it_s, "play": play})
        super().__init__(
            controls,
            [
                w.HBox([kappa_s, angle_s]),
                w.HBox([x_s, y_s]),
                w.HBox(list(toggles.values())),
                w.HBox([it_s, play, presets]),
            ],
            owned=[link],
        )

    def new_figure(self):
        return CurvatureFigure(self.max_iterations)

    def compute(self) -> Curvature:
        kappa, angle = self.value("kappa"), self.value("angle")
        x0 = (self.value("x0"), self.value("y0"))
        methods = tuple(m for m in METHODS if self.value(f"show {m}"))
        key = (kappa, angle, x0)
        result = curvature(
            kappa, angle, x0, methods, self.value("iterations"),
            max_iterations=self.max_iterations,
            runs=self._runs if key == self._runs_key else None,
        )  # fmt: skip
        self._runs_key, self._runs = key, result.runs
        return result
