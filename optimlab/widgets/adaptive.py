"""Notebook 04's panel: Adagrad stalls after large early gradients, RMSProp recovers."""

from __future__ import annotations

from ..experiments import burst_stream, stall, stall_pair
from ..plots.adaptive import StallFigure
from .controls import log_values, preset_buttons, value_slider
from .panel import Panel

STEPS = 500
ALPHAS = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)


class StallPanel(Panel):
    """Gradients of size ``size`` for the first ``length`` steps, then 1: sliders for RMSProp's
    alpha, the size and length of the burst, and lr; presets for the cases the text discusses."""

    def __init__(self, alpha=0.99, size=10.0, length=50, lr=0.01):
        controls = {
            "alpha": value_slider("RMSProp alpha", ALPHAS, alpha),
            "size": value_slider("burst size", log_values(1.0, 1000.0, 10, (10, 100)), size),
            "length": value_slider("burst length", range(1, 201), length, "{:.0f}"),
            "lr": value_slider("learning rate", log_values(1e-3, 1.0, 10, (0.01, 0.1)), lr),
        }
        self._pairs: dict = {}  # name -> (its settings, stall_pair): reused while they hold
        c = controls
        burst = {c["size"]: 10.0, c["length"]: 50.0}
        cases = [  # the notebook's cases: its defaults, and alpha's time scale both ways
            ("no burst", {c["size"]: 1.0}),
            ("10 × 50, alpha 0.99", {**burst, c["alpha"]: 0.99}),
            ("alpha 0.9", {**burst, c["alpha"]: 0.9}),
            ("alpha 0.999", {**burst, c["alpha"]: 0.999}),
        ]
        super().__init__(controls, [*controls.values(), preset_buttons("cases:", cases)])

    def new_figure(self):
        return StallFigure(STEPS)

    def compute(self):
        alpha, lr = self.value("alpha"), self.value("lr")
        size, length = self.value("size"), int(self.value("length"))
        settings = {"Adagrad": (lr, size, length), "RMSProp": (alpha, lr, size, length)}
        grads = burst_stream(size, length, STEPS)
        for name, key in settings.items():  # alpha moving replays RMSProp alone
            if self._pairs.get(name, (None,))[0] != key:
                self._pairs[name] = (key, stall_pair(name, alpha, lr, grads))
        pairs = {name: pair for name, (_, pair) in self._pairs.items()}
        return stall(alpha, size, length, lr, STEPS, pairs=pairs)
