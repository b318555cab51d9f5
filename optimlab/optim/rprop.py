"""Rprop, as torch.optim.Rprop computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, as_real, get, pair


class Rprop(Optimizer):
    r"""Resilient backpropagation: only the gradient's sign is used, with a step size per
    parameter that grows while the sign holds and shrinks when it flips, as ``torch.optim.Rprop``.

    .. code-block:: text

        s ← sign(g·g_prev)
        step ← clamp(step·(etaplus if s > 0, etaminus if s < 0, 1 if s = 0), *step_sizes)
        g ← 0 where s < 0                        (no move, and no memory, after a flip)
        x ← x − sign(g)·step;  g_prev ← g          (step starts at lr)
    """

    _repr_names = ("lr", "etas", "step_sizes")

    def __init__(self, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, maximize=False):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        etas, step_sizes = pair("etas", etas), pair("step_sizes", step_sizes)
        etaminus, etaplus = (as_real("etas", e) for e in etas)
        if not (np.all((0.0 < etaminus) & (etaminus < 1.0)) and np.all(1.0 < etaplus)):
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        self._hparam("etaminus", etas[0], valid=True)
        self._hparam("etaplus", etas[1], valid=True)
        self._hparam("step_size_min", step_sizes[0], valid=True)  # torch does not check these
        self._hparam("step_size_max", step_sizes[1], valid=True)
        self._check_broadcast()
        self.maximize = as_flag("maximize", maximize)

    @property
    def etas(self):
        return (self.etaminus, self.etaplus)

    @property
    def step_sizes(self):
        return (self.step_size_min, self.step_size_max)

    def init(self, x):
        (lr,) = get(self, x, "lr")
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "prev": zeros, "step_size": zeros + lr}

    def step(self, x, g, state):
        etaminus, etaplus, lo, hi = get(
            self, x, "etaminus", "etaplus", "step_size_min", "step_size_max"
        )
        x, g = self._prologue(x, g)
        s = np.sign(g * state["prev"])
        factor = np.where(s > 0, etaplus, np.where(s < 0, etaminus, 1.0))
        step_size = np.minimum(np.maximum(state["step_size"] * factor, lo), hi)
        g = np.where(factor == etaminus, 0.0, g)
        x = x + (-1 * np.sign(g)) * step_size
        return x, {"step": state["step"] + 1, "prev": g, "step_size": step_size}
