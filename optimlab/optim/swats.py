"""SWATS: Adam that switches to SGD with momentum (Keskar & Socher 2017)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, ema, ema_sq, get


class SWATS(Optimizer):
    r"""SWATS, "SWitching from Adam To SGD" (Keskar & Socher, arXiv:1712.07628, 2017,
    "Improving Generalization Performance by Switching from Adam to SGD"), Algorithm 1, with
    one switch for the whole parameter vector. Not part of torch.optim.

    .. code-block:: text

        Adam phase (from the start), t ← t + 1:
            m ← beta1·m + (1 − beta1)·g,   v ← beta2·v + (1 − beta2)·g²
            p ← −lr·m̂/(√v̂ + eps)              Adam's step, torch's form (eps outside the root)
            x ← x + p
            if pᵀg ≠ 0:
                γ ← pᵀp / (−pᵀg)             the SGD lr whose step, projected on p, is p
                λ ← beta2·λ + (1 − beta2)·γ  an EMA of γ, bias-corrected: λ̂ = λ/(1 − beta2^t)
                if t > 1 and |λ̂ − γ| < switch_tol and λ̂ > 0:
                    switch to SGD for good, with Λ = λ̂ and a momentum buffer b = 0
        SGD phase:
            b ← beta1·b + g,   x ← x − (1 − beta1)·Λ·b

    The SGD phase is ``SGD(lr=(1 − beta1)·Λ, momentum=beta1)`` started afresh. The variant
    here, and where it differs from the paper:

    - the paper switches each layer on its own; here the flat parameter vector is one "layer"
      (pᵀg and pᵀp sum over every parameter), so the whole network switches at once;
    - the Adam step puts eps outside the bias-corrected root (torch's Adam); the paper writes
      Kingma & Ba's form, ``lr·√(1 − beta2^t)/(1 − beta1^t)·m/(√v + eps)``;
    - a switch needs λ̂ > 0 (not in the paper): γ is negative when Adam's step goes uphill
      along the minibatch gradient (pᵀg > 0, momentum carrying it on), and the paper's rule
      could then switch to SGD with a negative learning rate, gradient ascent;
    - the switch test is absolute, ``|λ̂ − γ| < switch_tol``, with the paper's 1e-9 as the
      default. In float64 on a noisy minibatch stream it may never fire: a larger
      ``switch_tol`` (or a relative one, ``relative=True``: ``|λ̂ − γ| < switch_tol·λ̂``)
      makes the switch happen; say which one a result used.

    No weight decay: put an L2 term in the problem (``nn.classifier(..., weight_decay=)``).

    State: ``step``, Adam's ``exp_avg`` and ``exp_avg_sq``, ``lam`` (λ), ``sgd`` (True once
    switched), ``sgd_lr`` (Λ, 0 before the switch), ``switched_at`` (the step of the switch,
    −1 before), ``momentum_buffer``. The per-run entries have ``x``'s shape with the point's
    axes reduced to length 1; in a sweep each run switches on its own.
    """

    _repr_names = ("lr", "betas", "eps", "switch_tol", "relative")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, switch_tol=1e-9, *, relative=False):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("eps", eps, "Invalid epsilon value: {}")
        self._betas(betas)
        self._hparam(
            "switch_tol",
            switch_tol,
            "Invalid switch_tol value: {}; it must be a number > 0",
            lambda v: v > 0,
        )
        self._check_broadcast()
        if not isinstance(relative, (bool, np.bool_)):
            raise TypeError(f"relative must be True or False, got {relative!r}")
        self.relative = bool(relative)

    def init(self, x):
        shape = np.shape(x)
        nb = min(len(self._batch_shape), len(shape))
        per_run = shape[:nb] + (1,) * (len(shape) - nb)
        zeros = np.zeros(shape)
        return {
            "step": 0,
            "exp_avg": zeros,
            "exp_avg_sq": zeros,
            "lam": np.zeros(per_run),
            "sgd": np.zeros(per_run, dtype=bool),
            "sgd_lr": np.zeros(per_run),
            "switched_at": np.full(per_run, -1),
            "momentum_buffer": zeros,
        }

    def step(self, x, g, state):
        lr, beta1, beta2, eps, tol = get(self, x, "lr", "beta1", "beta2", "eps", "switch_tol")
        x, g = self._prologue(x, g)
        nb = min(len(self._batch_shape), np.ndim(x))
        axes = tuple(range(nb, np.ndim(x)))  # the point's axes: one switch per run
        t = state["step"] + 1
        sgd = state["sgd"]
        # Adam phase
        m = ema(state["exp_avg"], g, beta1)
        v = ema_sq(state["exp_avg_sq"], g, beta2)
        p = ((-lr / (1 - beta1**t)) * m) / (np.sqrt(v) / (1 - beta2**t) ** 0.5 + eps)
        pg = np.sum(p * g, axis=axes, keepdims=True)
        pp = np.sum(p * p, axis=axes, keepdims=True)
        moved = pg != 0
        with np.errstate(all="ignore"):
            gamma = np.where(moved, pp / np.where(moved, -pg, 1.0), 0.0)
            lam = np.where(moved, beta2 * state["lam"] + (1 - beta2) * gamma, state["lam"])
            lam_hat = lam / (1 - beta2**t)
            gap = np.abs(lam_hat - gamma)
            limit = tol * np.abs(lam_hat) if self.relative else tol
            switch = ~sgd & moved & (t > 1) & (gap < limit) & (lam_hat > 0) & np.isfinite(lam_hat)
        # SGD phase (the runs that switched earlier)
        buf = np.where(sgd, beta1 * state["momentum_buffer"] + g, 0.0)
        x_sgd = x - ((1 - beta1) * state["sgd_lr"]) * buf
        new = {
            "step": t,
            "exp_avg": np.where(sgd, state["exp_avg"], m),
            "exp_avg_sq": np.where(sgd, state["exp_avg_sq"], v),
            "lam": np.where(sgd, state["lam"], lam),
            "sgd": sgd | switch,
            "sgd_lr": np.where(switch, lam_hat, state["sgd_lr"]),
            "switched_at": np.where(switch, t, state["switched_at"]),
            "momentum_buffer": buf,
        }
        return np.where(sgd, x_sgd, x + p), new
