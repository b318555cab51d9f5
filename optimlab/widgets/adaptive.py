"""Notebook 04's panel: Adagrad stalls after large early gradients, RMSProp recovers."""

from __future__ import annotations

import numpy as np

from ..optim import Adagrad, RMSprop
from ..plots.adaptive import StallFigure
from ..run import replay
from .controls import log_values, value_slider
from .panel import Panel

STEPS = 500


def recovery(run_x, ref_x, grads, burst: int):
    """Steps after the burst until the effective lr is back to half of what it is without the
    burst, or None if it never gets there within the stream."""
    eff = np.abs(np.diff(run_x)) / np.abs(grads)
    ok = np.nonzero(eff[burst:] >= 0.5 * np.abs(np.diff(ref_x))[burst:])[0]
    return int(ok[0]) + 1 if ok.size else None


class StallPanel(Panel):
    """Gradients of size ``size`` for the first ``length`` steps, then 1: sliders for RMSProp's
    alpha, the size and length of the burst, and lr."""

    def __init__(self, alpha=0.99, size=10.0, length=50, lr=0.01):
        alphas = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999]
        controls = {
            "alpha": value_slider("RMSProp alpha", alphas, alpha),
            "size": value_slider("burst size", log_values(1.0, 1000.0, 10, (10, 100)), size),
            "length": value_slider("burst length", range(1, 201), length, "{:.0f}"),
            "lr": value_slider("learning rate", log_values(1e-3, 1.0, 10, (0.01, 0.1)), lr),
        }
        super().__init__(controls, list(controls.values()))

    def new_figure(self):
        return StallFigure(STEPS)

    def stream(self):
        t = np.arange(1, STEPS + 1)
        length = int(self.value("length"))
        return np.where(t <= length, self.value("size"), 1.0), length

    def show(self, figure, fresh=False):
        lr, alpha = self.value("lr"), self.value("alpha")
        grads, length = self.stream()
        opts = {"Adagrad": Adagrad(lr=lr), "RMSProp": RMSprop(lr=lr, alpha=alpha)}
        runs = {k: replay(o, grads).x for k, o in opts.items()}
        refs = {k: replay(o, np.ones(STEPS)).x for k, o in opts.items()}
        recovered = {k: recovery(runs[k], refs[k], grads, length) for k in opts}
        figure.show(runs, refs, grads, lr, length, recovered)
        figure.title.set_text(
            f"burst: gradient {self.value('size'):g} for {length} steps, then 1;  lr = {lr:g}, "
            f"RMSProp alpha = {alpha:g} (memory 1/(1 − alpha) = {1 / (1 - alpha):.0f} steps)"
        )
