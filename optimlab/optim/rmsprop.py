"""RMSprop, as torch.optim.RMSprop computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, ema, ema_sq, get


class RMSprop(Optimizer):
    r"""RMSProp (均方根传播): Adagrad with an exponential moving average of squared gradients
    instead of their sum, as ``torch.optim.RMSprop``.

    .. code-block:: text

        g ← −g                              if maximize
        g ← g + weight_decay·x              if weight_decay ≠ 0
        v ← alpha·v + (1 − alpha)·g²         v starts at 0, no bias correction
        d ← √(v − ḡ²) + eps  if centered (ḡ ← EMA of g)  else  √v + eps
        b ← momentum·b + g/d;  x ← x − lr·b  if momentum > 0 (b starts at 0)
        x ← x − lr·g/d                       otherwise

    The lecture (Hinton's) starts from v₁ = g₀², so its first step is lr·sign(g). torch starts
    from v = 0: its first v is (1 − alpha)·g², and its first step is
    lr·g/√((1 − alpha)·g²) = 10·lr·sign(g) at alpha = 0.99, ten times the lecture's. The
    average forgets: a large gradient fades within about 1/(1 − alpha) steps, which is what
    cures Adagrad's stalling.
    """

    _repr_names = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(
        self,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0.0,
        momentum=0.0,
        centered=False,
        *,
        maximize=False,
    ):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("eps", eps, "Invalid epsilon value: {}")
        self._hparam("momentum", momentum, "Invalid momentum value: {}")
        self._hparam("weight_decay", weight_decay)
        self._hparam("alpha", alpha, "Invalid alpha value: {}")
        self._check_broadcast()
        self.centered = as_flag("centered", centered)
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        state = {"step": 0, "square_avg": zeros}
        if np.any(np.asarray(self.momentum) > 0):
            state["momentum_buffer"] = zeros
        if self.centered:
            state["grad_avg"] = zeros
        return state

    def step(self, x, g, state):
        lr, alpha, eps, wd, momentum = get(
            self, x, "lr", "alpha", "eps", "weight_decay", "momentum"
        )
        x, g = self._prologue(x, g, wd)
        new = {"step": state["step"] + 1}
        sq = ema_sq(state["square_avg"], g, alpha)
        new["square_avg"] = sq
        if self.centered:
            ga = ema(state["grad_avg"], g, alpha)
            new["grad_avg"] = ga
            avg = np.sqrt(sq + (-1 * ga) * ga)
        else:
            avg = np.sqrt(sq)
        avg = avg + eps
        if "momentum_buffer" in state:
            buf = state["momentum_buffer"] * momentum + g / avg
            new["momentum_buffer"] = buf
            x_mom = x + (-lr) * buf
            if np.ndim(momentum) == 0:
                return x_mom, new
            return np.where(momentum > 0, x_mom, x + ((-lr) * g) / avg), new
        return x + ((-lr) * g) / avg, new
