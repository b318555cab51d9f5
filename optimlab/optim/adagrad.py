"""Adagrad, as torch.optim.Adagrad computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, get


class Adagrad(Optimizer):
    r"""Adagrad (自适应梯度): a per-parameter learning rate that shrinks with the sum of squared
    gradients, as ``torch.optim.Adagrad``.

    .. code-block:: text

        t ← t + 1
        g ← −g                              if maximize
        g ← g + weight_decay·x              if weight_decay ≠ 0
        clr ← lr / (1 + (t − 1)·lr_decay)
        sum ← sum + g²                       (starts at initial_accumulator_value)
        x ← x − clr·g / (√sum + eps)         eps outside the root

    The course writes w^{t+1} = w^t − η/√(Σ_{i=0..t}(g^i)²)·g^t: the same rule with eps = 0.
    The sum only grows, so a large early gradient throttles every later step.
    """

    _repr_names = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(
        self,
        lr=1e-2,
        lr_decay=0.0,
        weight_decay=0.0,
        initial_accumulator_value=0.0,
        eps=1e-10,
        *,
        maximize=False,
    ):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("lr_decay", lr_decay)
        self._hparam("weight_decay", weight_decay)
        self._hparam("initial_accumulator_value", initial_accumulator_value)
        self._hparam("eps", eps, "Invalid epsilon value: {}")
        self._check_broadcast()
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        (acc0,) = get(self, x, "initial_accumulator_value")
        return {"step": 0, "sum": np.zeros(np.shape(x)) + acc0}

    def step(self, x, g, state):
        lr, lr_decay, wd, eps = get(self, x, "lr", "lr_decay", "weight_decay", "eps")
        x, g = self._prologue(x, g, wd)
        t = state["step"] + 1
        clr = lr / (1 + (t - 1) * lr_decay)
        acc = state["sum"] + g * g
        std = np.sqrt(acc) + eps
        return x + ((-clr) * g) / std, {"step": t, "sum": acc}
