"""NAdam, as torch.optim.NAdam computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, ema, ema_sq, get


class NAdam(Optimizer):
    r"""NAdam: Adam with Nesterov momentum and a momentum schedule, as ``torch.optim.NAdam``.

    .. code-block:: text

        μ_t = beta1·(1 − 0.5·0.96^(t·momentum_decay));  Π_t = Π_{t−1}·μ_t (float32, as torch)
        m ← beta1·m + (1 − beta1)·g;  v ← beta2·v + (1 − beta2)·g²
        d = √(v/(1 − beta2^t)) + eps
        x ← x − lr·(1 − μ_t)/(1 − Π_t) · g/d − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d

    Weight decay is L2 (added to g) or, with ``decoupled_weight_decay``, AdamW's shrink of x.
    """

    _repr_names = ("lr", "betas", "eps", "weight_decay", "momentum_decay")

    def __init__(
        self,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
        *,
        maximize=False,
    ):
        super().__init__()
        self._adam_family(lr, eps, betas, weight_decay)
        self._hparam("momentum_decay", momentum_decay, "Invalid momentum_decay value: {}")
        self._check_broadcast()
        self.decoupled_weight_decay = as_flag("decoupled_weight_decay", decoupled_weight_decay)
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "mu_product": 1.0, "exp_avg": zeros, "exp_avg_sq": zeros}

    def step(self, x, g, state):
        lr, beta1, beta2, eps, wd, md = get(
            self, x, "lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay"
        )
        x, g = self._prologue(x, g, wd, lr, self.decoupled_weight_decay)
        t = state["step"] + 1
        bias_correction2 = 1 - beta2**t
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * md)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * md)))
        # torch keeps mu_product in float32 and multiplies by mu cast to float32
        mp = (np.float32(state["mu_product"]) * np.asarray(mu, np.float32)).astype(float)
        m = ema(state["exp_avg"], g, beta1)
        v = ema_sq(state["exp_avg_sq"], g, beta2)
        denom = np.sqrt(v / bias_correction2) + eps
        mp_next = mp * mu_next
        x = x + (((-lr * (1.0 - mu)) / (1.0 - mp)) * g) / denom
        x = x + (((-lr * mu_next) / (1.0 - mp_next)) * m) / denom
        return x, {"step": t, "mu_product": mp, "exp_avg": m, "exp_avg_sq": v}
