"""Stochastic gradient descent with momentum, as torch.optim.SGD computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, get, nonzero


class SGD(Optimizer):
    r"""Gradient descent (梯度下降), optionally with momentum (动量), as ``torch.optim.SGD``.

    Same keywords, defaults, checks and messages as torch. One step, with ``g`` the gradient:

    .. code-block:: text

        g ← −g                          if maximize
        g ← g + weight_decay·x          if weight_decay ≠ 0   (L2 penalty)
        if momentum ≠ 0:
            b ← g                                       on the first step (not 0)
            b ← momentum·b + (1 − dampening)·g          afterwards
            g ← g + momentum·b  if nesterov  else  b
        x ← x − lr·g

    The course writes momentum as v_i = m·v_{i−1} + g(w_i), w_{i+1} = w_i − lr·v_i: that is this
    rule with ``momentum=m``. There is no (1 − m) in front of ``g``; an EMA-style momentum
    m_t = β·m_{t−1} + (1 − β)·g with rate η is this rule with ``lr = η·(1 − β)``.

    Differences from torch: ``lr`` (and every other number) must be finite, so ``lr=nan``, which
    torch's ``lr < 0`` check lets through, raises here; torch's param groups, closures and
    ``foreach``/``fused`` flags have no counterpart.
    """

    _repr_names = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")

    def __init__(
        self,
        lr=1e-3,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        *,
        maximize=False,
    ):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("momentum", momentum, "Invalid momentum value: {}")
        self._hparam("weight_decay", weight_decay, "Invalid weight_decay value: {}")
        self._hparam("dampening", dampening, valid=True)  # torch does not check dampening
        nesterov = as_flag("nesterov", nesterov)
        if nesterov and (np.any(np.asarray(self.momentum) <= 0) or np.any(self.dampening != 0)):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        self._check_broadcast()
        self.nesterov = as_flag("nesterov", nesterov)
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        """SGD keeps one buffer, and only once momentum is on: it starts as the first gradient."""
        return {"momentum_buffer": None}

    def step(self, x, g, state):
        lr, momentum, weight_decay, dampening = get(
            self, x, "lr", "momentum", "weight_decay", "dampening"
        )
        x, g = self._prologue(x, g, weight_decay)
        buf = state["momentum_buffer"]
        if nonzero(momentum):
            buf = g.copy() if buf is None else buf * momentum + (1 - dampening) * g
            d = g + momentum * buf if self.nesterov else buf
            if np.ndim(momentum):  # a sweep where some runs have no momentum: plain g there
                d = np.where(momentum != 0, d, g)
            g = d
        return x + (-lr) * g, {"momentum_buffer": buf}
