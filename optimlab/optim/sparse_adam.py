"""SparseAdam ("lazy Adam"), as torch.optim.SparseAdam computes it."""

from __future__ import annotations

import math

import numpy as np

from .base import Optimizer, get


class SparseAdam(Optimizer):
    r"""Lazy Adam for sparse gradients, as ``torch.optim.SparseAdam``: only the coordinates
    that the gradient touches have their moments and their value updated.

    In torch the gradient is a *sparse tensor* (``nn.Embedding(sparse=True)`` makes one: the
    rows of the words in the batch). optimlab's arrays are dense, so here a gradient's
    *stored entries* are its **non-zero entries**: a coordinate whose gradient is exactly 0
    is treated as absent, and keeps its m, v and x. One step:

    .. code-block:: text

        t ← t + 1                                  one count per parameter (all of x), as torch
        S ← {i : g_i ≠ 0}                          the stored entries
        g ← −g                                     if maximize
        for i in S only:
            m_i ← m_i + (1 − beta1)·(g_i − m_i)
            v_i ← v_i + (1 − beta2)·(g_i² − v_i)
            x_i ← x_i − lr·√(1 − beta2^t)/(1 − beta1^t) · m_i/(√v_i + eps)

    The step count t is torch's: one per parameter (per run of a sweep), advanced on every
    step even when S is empty, so a row seen for the first time at step 100 gets step 100's
    bias correction although its own m and v have seen one gradient. That is what makes it
    "lazy": rows that are rarely touched are not decayed while they wait, unlike Adam, which
    would move every row on every step (its m keeps the past). The bias corrections are folded
    into the step size (torch's arithmetic), so eps is added to √v, not to Adam's √v̂: in
    Adam's terms it is eps/√(1 − beta2^t), 31.6·eps at step 1. With every entry non-zero and a
    negligible eps, SparseAdam is Adam.

    torch's constructor has no ``weight_decay`` and no ``amsgrad`` (dense-only options), so
    passing them raises torch's TypeError; its checks are stricter than Adam's: lr > 0 and
    eps > 0 (``lr=0`` raises "Invalid learning rate: 0"). torch also refuses a dense gradient
    ("SparseAdam does not support dense gradients, please consider Adam instead"); here every
    gradient is dense and its zeros are the absent entries.
    """

    _repr_names = ("lr", "betas", "eps", "maximize")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, *, maximize=False):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}", lambda v: v > 0)
        self._hparam("eps", eps, "Invalid epsilon value: {}", lambda v: v > 0)
        self._betas(betas)
        self._check_broadcast()
        self.maximize = bool(maximize)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros}

    def step(self, x, g, state):
        lr, beta1, beta2, eps = get(self, x, "lr", "beta1", "beta2", "eps")
        x, g = self._prologue(x, g)
        t = state["step"] + 1
        stored = g != 0
        m_old, v_old = state["exp_avg"], state["exp_avg_sq"]
        dm = (g - m_old) * (1 - beta1)  # torch: grad_values.sub(old).mul_(1 - beta1)
        dv = (g * g - v_old) * (1 - beta2)
        m = np.where(stored, m_old + dm, m_old)
        v = np.where(stored, v_old + dv, v_old)
        if isinstance(lr, float) and isinstance(beta2, float):
            step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        else:
            step_size = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        with np.errstate(divide="ignore", invalid="ignore"):  # absent entries: 0/0 unused
            move = (-step_size) * ((dm + m_old) / (np.sqrt(dv + v_old) + eps))
        x = np.where(stored, x + move, x)
        return x, {"step": t, "exp_avg": m, "exp_avg_sq": v}
