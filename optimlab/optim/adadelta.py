"""Adadelta, as torch.optim.Adadelta computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, ema_sq, get


class Adadelta(Optimizer):
    r"""Adadelta: RMSProp whose step is scaled by an EMA of past steps instead of a learning
    rate, as ``torch.optim.Adadelta`` (where lr still multiplies the result, 1.0 by default).

    .. code-block:: text

        v ← rho·v + (1 − rho)·g²
        δ ← √(u + eps)/√(v + eps) · g            eps inside both roots
        u ← rho·u + (1 − rho)·δ²
        x ← x − lr·δ
    """

    _repr_names = ("lr", "rho", "eps", "weight_decay")

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *, maximize=False):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("rho", rho, "Invalid rho value: {}", lambda r: (r >= 0) & (r <= 1))
        self._hparam("eps", eps, "Invalid epsilon value: {}")
        self._hparam("weight_decay", weight_decay)
        self._check_broadcast()
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "square_avg": zeros, "acc_delta": zeros}

    def step(self, x, g, state):
        lr, rho, eps, wd = get(self, x, "lr", "rho", "eps", "weight_decay")
        x, g = self._prologue(x, g, wd)
        sq = ema_sq(state["square_avg"], g, rho)
        std = np.sqrt(sq + eps)
        delta = (np.sqrt(state["acc_delta"] + eps) / std) * g
        acc = ema_sq(state["acc_delta"], delta, rho)
        return x + (-lr) * delta, {"step": state["step"] + 1, "square_avg": sq, "acc_delta": acc}
