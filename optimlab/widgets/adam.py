"""Notebook 05's panels: Adam's memory of a rare large gradient, and Adam against SGDM."""

from __future__ import annotations

import numpy as np

from ..optim import SGD, Adam
from ..plots.adam import MemoryFigure, SwatsFigure
from ..problems import gaussian_well
from ..run import Trajectory, run
from ..theory import adam_stream
from .controls import log_values, value_presets, value_slider
from .panel import Panel

N = 101_001  # seed 004's stream: steps 0 .. 101000
BETA2 = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999)


def spike_stream(size: float, at: int, n: int = N) -> np.ndarray:
    """Gradient 1 at every step except ``size`` at step ``at``."""
    g = np.ones(n)
    g[at] = size
    return g


class AdamMemoryPanel(Panel):
    """Sliders for β₂ (0.9 to 0.9999), β₁, the spike's size and its position in the
    101,001-step stream; Adam and AMSGrad computed over the whole stream without a Python loop
    per step (``theory.adam_stream``)."""

    def __init__(self, beta2=0.999, beta1=0.0, size=1e5, at=90_000):
        positions = [*range(1000, 100_000, 1000), 100_999]
        c = {
            "beta2": value_slider("β₂", BETA2, beta2),
            "beta1": value_slider("β₁", np.round(np.arange(0, 0.9901, 0.01), 2), beta1),
            "size": value_slider("spike size", log_values(1.0, 1e6, 4, (1e5,)), size),
            "at": value_slider("spike at step", positions, at, "{:.0f}"),
        }
        presets = value_presets(c["beta2"], (0.9, 0.99, 0.999, 0.9999), "β₂ cases:")
        super().__init__(c, [c["beta2"], presets, c["beta1"], c["size"], c["at"]])

    def new_figure(self):
        return MemoryFigure(N)

    def show(self, figure, fresh=False):
        beta1, beta2 = self.value("beta1"), self.value("beta2")
        at = int(self.value("at"))
        grads = spike_stream(self.value("size"), at)
        moves, v_hats = {}, {}
        for name, ams in (("Adam", False), ("AMSGrad", True)):
            moves[name], v_hats[name] = adam_stream(grads, 1.0, (beta1, beta2), amsgrad=ams)
        a = np.abs(moves["Adam"])
        sums = {
            "before": a[at - 999 : at].sum(),
            "spike": a[at],
            "after": a[at + 1 : at + 1001].sum(),
        }
        figure.show(moves, v_hats, at, beta2, sums)
        figure.title.set_text(
            f"gradient 1, and {self.value('size'):g} at step {at};  β₁ = {beta1:g}, β₂ = {beta2:g}"
            f" (memory 1/(1 − β₂) = {1 / (1 - beta2):.0f} steps)"
        )


SWATS_STEPS = 200
X0 = (8.0, 3.0)


class SwatsPanel(Panel):
    """Adam (lr 0.5) against SGD with momentum (lr 1, m 0.9) on a bowl in a plateau, and SWATS
    switching from the first to the second at the step the slider picks."""

    def __init__(self, switch_at=20):
        self.problem = gaussian_well()
        self.adam = run(Adam(lr=0.5), self.problem, X0, SWATS_STEPS)
        self.sgdm = run(SGD(lr=1.0, momentum=0.9), self.problem, X0, SWATS_STEPS)
        slider = value_slider("switch at step", range(0, SWATS_STEPS + 1), switch_at, "{:.0f}")
        super().__init__({"switch_at": slider}, [slider])

    def new_figure(self):
        return SwatsFigure(self.problem, self.adam, self.sgdm)

    def swats(self, k: int) -> Trajectory:
        """Adam's first k steps, then SGDM from where Adam got to (with a fresh buffer)."""
        rest = run(SGD(lr=1.0, momentum=0.9), self.problem, self.adam.x[k], SWATS_STEPS - k)
        return Trajectory(
            x=np.concatenate([self.adam.x[:k], rest.x]),
            loss=np.concatenate([self.adam.loss[:k], rest.loss]),
            diverged_at=None,
            step=np.arange(SWATS_STEPS + 1),
        )

    def show(self, figure, fresh=False):
        k = int(self.value("switch_at"))
        figure.show(self.swats(k), k)
