"""RAdam, as torch.optim.RAdam computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_flag, ema, ema_sq, get


class RAdam(Optimizer):
    r"""RAdam: Adam whose adaptive step is switched on only once the variance of v̂ is
    tractable, and then scaled by a rectification term, as ``torch.optim.RAdam``.

    .. code-block:: text

        m, v as in Adam;  m̂ = m/(1 − beta1^t)
        ρ_∞ = 2/(1 − beta2) − 1;  ρ_t = ρ_∞ − 2t·beta2^t/(1 − beta2^t)
        if ρ_t > 5:  x ← x − lr·m̂ · √(1 − beta2^t)/(√v + eps) · r_t,
                     r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t))
        else:        x ← x − lr·m̂                 (steps 1 to 5 at beta2 = 0.999)

    eps is added to the uncorrected √v.
    """

    _repr_names = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay")

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled_weight_decay=False,
        *,
        maximize=False,
    ):
        super().__init__()
        self._adam_family(lr, eps, betas, weight_decay)
        self._check_broadcast()
        self.decoupled_weight_decay = as_flag("decoupled_weight_decay", decoupled_weight_decay)
        self.maximize = as_flag("maximize", maximize)

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros}

    def step(self, x, g, state):
        lr, beta1, beta2, eps, wd = get(self, x, "lr", "beta1", "beta2", "eps", "weight_decay")
        x, g = self._prologue(x, g, wd, lr, self.decoupled_weight_decay)
        t = state["step"] + 1
        m = ema(state["exp_avg"], g, beta1)
        v = ema_sq(state["exp_avg_sq"], g, beta2)
        new = {"step": t, "exp_avg": m, "exp_avg_sq": v}
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        m_hat = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
        plain = m_hat * lr
        if np.all(rho_t <= 5.0):
            return x - plain, new
        with np.errstate(invalid="ignore", divide="ignore"):  # where rho_t <= 5 it is unused
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
        adaptive = (1 / (np.sqrt(v) + eps)) * bias_correction2**0.5
        rectified = ((m_hat * lr) * adaptive) * rect
        return x - np.where(rho_t > 5.0, rectified, plain), new
