"""Adamax, as torch.optim.Adamax computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, ema, get


class Adamax(Optimizer):
    r"""Adamax: Adam with the infinity norm in place of the root mean square, as
    ``torch.optim.Adamax``.

    .. code-block:: text

        g ← −g; g ← g + weight_decay·x           (maximize; weight_decay ≠ 0)
        m ← beta1·m + (1 − beta1)·g
        u ← max(beta2·u, |g| + eps)               eps inside the max; u has no bias correction
        x ← x − lr/(1 − beta1^t) · m/u
    """

    _repr_names = ("lr", "betas", "eps", "weight_decay")

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, maximize=False):
        super().__init__()
        self._adam_family(lr, eps, betas, weight_decay)
        self._check_broadcast()
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "exp_avg": zeros, "exp_inf": zeros}

    def step(self, x, g, state):
        lr, beta1, beta2, eps, wd = get(self, x, "lr", "beta1", "beta2", "eps", "weight_decay")
        x, g = self._prologue(x, g, wd)
        t = state["step"] + 1
        m = ema(state["exp_avg"], g, beta1)
        u = np.maximum(state["exp_inf"] * beta2, np.abs(g) + eps)
        clr = lr / (1 - beta1**t)
        return x + ((-clr) * m) / u, {"step": t, "exp_avg": m, "exp_inf": u}
