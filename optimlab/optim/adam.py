"""Adam and AdamW, as torch.optim.Adam and torch.optim.AdamW compute them."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, ema, ema_sq, get


class Adam(Optimizer):
    r"""Adam: momentum (an EMA of gradients) over RMSProp (an EMA of squared gradients), both
    bias-corrected, as ``torch.optim.Adam``.

    .. code-block:: text

        t ← t + 1
        g ← −g                                   if maximize
        x ← x·(1 − lr·weight_decay)              if decoupled_weight_decay (AdamW)
        g ← g + weight_decay·x                   otherwise, if weight_decay ≠ 0
        m ← beta1·m + (1 − beta1)·g               m and v start at 0
        v ← beta2·v + (1 − beta2)·g²
        v_max ← max(v_max, v)                    if amsgrad (the raw v, not v̂)
        x ← x − lr/(1 − beta1^t) · m / (√v_used/√(1 − beta2^t) + eps)

    That is x ← x − lr·m̂/(√v̂ + eps): eps sits outside the root. The lecture writes
    √(v̂ + eps); the difference only shows when v̂ is near eps. The first step moves by
    lr·g/(|g| + eps) ≈ lr, whatever the gradient's size, and no single step moves more than
    about lr·√(1/(1 − beta2)) (≈ 31.6·lr at beta2 = 0.999; at beta1 = 0 exactly that bound).

    As in torch, ``betas`` must be floats: ``betas=(0, 0.999)`` with an int 0 raises "betas
    must be either both floats or both Tensors"; write 0.0. Here a NumPy array may stand for
    either beta (a sweep), alone or with a float.
    """

    _repr_names = ("lr", "betas", "eps", "weight_decay", "amsgrad", "decoupled_weight_decay")
    _decoupled_default = False

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        *,
        maximize=False,
        decoupled_weight_decay=False,
    ):
        super().__init__()
        self._adam_family(lr, eps, betas, weight_decay)
        if any(isinstance(b, (int, np.integer)) for b in betas):
            raise ValueError("betas must be either both floats or both Tensors")
        self._check_broadcast()
        self.amsgrad = as_flag("amsgrad", amsgrad)
        self.maximize = as_flag("maximize", maximize)
        self.decoupled_weight_decay = as_flag("decoupled_weight_decay", decoupled_weight_decay)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        state = {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros}
        if self.amsgrad:
            state["max_exp_avg_sq"] = zeros
        return state

    def step(self, x, g, state):
        lr, beta1, beta2, eps, wd = get(self, x, "lr", "beta1", "beta2", "eps", "weight_decay")
        x, g = self._prologue(x, g, wd, lr, self.decoupled_weight_decay)
        t = state["step"] + 1
        m = ema(state["exp_avg"], g, beta1)
        v = ema_sq(state["exp_avg_sq"], g, beta2)
        new = {"step": t, "exp_avg": m, "exp_avg_sq": v}
        step_size = lr / (1 - beta1**t)
        bc2_sqrt = (1 - beta2**t) ** 0.5
        if self.amsgrad:
            v = new["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)
        denom = np.sqrt(v) / bc2_sqrt + eps
        return x + ((-step_size) * m) / denom, new


class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``: ``Adam(...,
    decoupled_weight_decay=True)`` with ``weight_decay=1e-2`` by default.

    .. code-block:: text

        x ← x·(1 − lr·weight_decay)              before the moments are updated
        then Adam's step, with the gradient left as it is

    Adam's L2 decay adds weight_decay·x to the gradient, where the adaptive denominator then
    scales it; AdamW's decay does not pass through the denominator."""

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        maximize=False,
    ):
        super().__init__(
            lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True
        )
