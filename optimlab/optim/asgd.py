"""Averaged SGD, as torch.optim.ASGD computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, fl32, get


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent, as ``torch.optim.ASGD``.

    .. code-block:: text

        x ← x·(1 − lambd·η) − η·g                 η from the previous step (lr at first)
        a ← x on the first t0 steps, then a + (x − a)·μ   (the average; never fed back)
        η ← lr / (1 + lambd·lr·t)^alpha;  μ ← 1/max(1, t − t0)

    As in torch with its default dtype, η and μ are stored in float32: the first step uses
    float32(lr), so SGD-like runs differ from SGD in the seventh digit.
    The averaged iterate is ``state["ax"]``.
    """

    _repr_names = ("lr", "lambd", "alpha", "t0", "weight_decay")

    def __init__(
        self, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0, *, maximize=False
    ):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("weight_decay", weight_decay)
        for name, value in (("lambd", lambd), ("alpha", alpha), ("t0", t0)):
            self._hparam(name, value, valid=True)  # torch does not check these
        self._check_broadcast()
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        (lr,) = get(self, x, "lr")
        return {"step": 0, "eta": fl32(lr), "mu": 1.0, "ax": np.zeros(np.shape(x))}

    def step(self, x, g, state):
        lr, lambd, alpha, t0, wd = get(self, x, "lr", "lambd", "alpha", "t0", "weight_decay")
        x, g = self._prologue(x, g, wd)
        t = state["step"] + 1
        eta, mu = state["eta"], state["mu"]
        x = x * (1 - lambd * eta)
        x = x + (-eta) * g
        ax = np.where(mu != 1, state["ax"] + (x - state["ax"]) * mu, x)
        # in NumPy: torch leaves lambd and alpha unchecked, and a negative base would make
        # Python's ** complex (or 0 ** -alpha raise); here such a run overflows and is cut
        new_eta = fl32(lr / np.power(np.float64(1 + lambd * lr * t), alpha))
        new_mu = fl32(1 / np.maximum(1, t - t0))
        return x, {"step": t, "eta": new_eta, "mu": new_mu, "ax": ax}
