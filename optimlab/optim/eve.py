"""Eve: Adam with a step that the loss feeds back on (Koushik & Hayashi, arXiv:1611.01505)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, as_real, get, lerp


class Eve(Optimizer):
    r"""Eve (Koushik & Hayashi, "Improving Stochastic Gradient Descent with Feedback",
    arXiv:1611.01505, Algorithm 1): Adam whose step is divided by d_t, a slow average of how
    fast the loss changes. Not in torch.optim; it needs the loss, so ``step`` takes it.

    .. code-block:: text

        t ← t + 1;  f = loss at x (the point where g was taken)
        m ← beta1·m + (1 − beta1)·g;   v ← beta2·v + (1 − beta2)·g²       (as Adam, from 0)
        if t = 1:  f̂ ← f;  d ← 1
        else:
            if f ≥ f̂:  lo, hi = 1 + k, 1 + K      (the loss went up: f̂ moves up by 10%…11×)
            else:      lo, hi = 1/(1 + K), 1/(1 + k)
            c ← min(max(lo, f/f̂), hi)            the relative change, clipped
            f̂_new ← c·f̂
            r ← |f̂_new − f̂| / min(f̂_new, f̂)
            d ← beta3·d + (1 − beta3)·r;   f̂ ← f̂_new
        x ← x − lr/(1 − beta1^t) · m / (d·√v/√(1 − beta2^t) + eps)

    so the step is lr·m̂/(d·√v̂ + eps): Adam's with its √v̂ scaled by d. The clipping keeps
    c in [k+1, K+1] for a rise and [1/(K+1), 1/(k+1)] for a fall, so r = c − 1 or 1/c − 1 lies
    in [k, K] = [0.1, 10] at every step: any change, however small, counts as 10%, and none as
    more than 10×. d, an EMA of r from 1, drifts into [k, K]: a loss that changes fast makes d
    grow (up to 10, the step shrinks 10×); on a plateau r = k and d decays towards 0.1 by
    β₃ = 0.999 per step, so the step grows, up to 10× Adam's, over thousands of steps. An
    exactly constant loss alternates f̂ up by 10% and back, r = 0.1 each time.

    Which variant: Algorithm 1 of the paper's first versions (arXiv v1/v2, thresholds k and K,
    the smoothed loss f̂), with f* = 0: the loss itself must be positive (f̂ divides; a first
    loss <= 0 raises a ValueError). Cross-checked against the authors' Keras code
    (jayanthkoushik/sgd-feedback, src/eve.py) and a Keras port: both compare with a strict
    f > f̂ where the paper writes ≥ (it matters only when the loss repeats exactly: here f̂
    then moves up by k, there down by 1/(k+1)), and both fold the bias corrections into the
    step size, lr·√(1 − β₂^t)/(1 − β₁^t)·m/(d·√v + eps), which puts eps on another scale;
    this class follows the paper's m̂/(d·√v̂ + eps), with Adam's (torch's) arithmetic, so that
    its first step equals Adam's bit for bit (d₁ = 1). The paper's later revision (arXiv v3,
    as in a Chainer implementation) is a different rule, not implemented here: no f̂, the
    raw relative change |f − f_prev|/(min(f, f_prev) − f*) clipped to [1/c, c] with c = 10,
    and the whole step lr·m̂/(√v̂ + eps) divided by d.

    ``needs_loss = True``: ``step(x, g, state, loss=f(x))``, where ``loss`` has the sweep's
    batch shape (a float for a single run). Hyperparameters as Adam's, plus ``beta3``
    (0.999), ``k`` (0.1, the lower threshold) and ``K`` (10, the upper one); arrays make a
    sweep. The state keeps ``d`` and ``f_hat`` so that a run can show d_t.
    """

    needs_loss = True
    _repr_names = ("lr", "betas", "beta3", "k", "K", "eps")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), beta3=0.999, k=0.1, K=10.0, eps=1e-8):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("eps", eps, "Invalid epsilon value: {}")
        self._betas(betas)
        self._hparam("beta3", beta3, "Invalid beta3 value: {}", lambda b: (b >= 0) & (b < 1))
        self._hparam("k", k, "Invalid k value (the lower threshold, k > 0): {}", lambda v: v > 0)
        self._hparam("K", K, "Invalid K value (the upper threshold, K > 0): {}", lambda v: v > 0)
        if np.any(np.asarray(self.K) < np.asarray(self.k)):
            raise ValueError(f"K must be at least k, got k={self.k!r} and K={self.K!r}")
        self._check_broadcast()

    def init(self, x):
        zeros = np.zeros(np.shape(x))
        return {"step": 0, "exp_avg": zeros, "exp_avg_sq": zeros, "d": 1.0, "f_hat": None}

    def step(self, x, g, state, loss=None):
        if loss is None:
            raise ValueError("Eve needs the loss at x: step(x, g, state, loss=f(x))")
        lr, beta1, beta2, eps = get(self, x, "lr", "beta1", "beta2", "eps")
        x, g = self._check_grad(x, g)
        f = self._check_loss(x, loss)
        t = state["step"] + 1
        m = lerp(state["exp_avg"], g, 1 - beta1)
        v = state["exp_avg_sq"] * beta2 + ((1 - beta2) * g) * g
        if t == 1:
            if not np.all(f > 0):
                raise ValueError(
                    f"Eve needs a positive loss at its first step (it divides by the smoothed "
                    f"loss, taking 0 as the loss's lower bound), got loss={loss!r}"
                )
            f_hat, d = f, (1.0 if np.ndim(f) == 0 else np.ones(np.shape(f)))
        else:
            f_hat, d = self._feedback(f, state)
        new = {"step": t, "exp_avg": m, "exp_avg_sq": v, "d": d, "f_hat": f_hat}
        step_size = lr / (1 - beta1**t)
        bc2_sqrt = (1 - beta2**t) ** 0.5
        d_x = np.reshape(d, np.shape(d) + (1,) * (np.ndim(x) - np.ndim(d)))
        denom = d_x * (np.sqrt(v) / bc2_sqrt) + eps
        return x + ((-step_size) * m) / denom, new

    def _feedback(self, f, state):
        """f̂ and d after the loss f: the clipped relative change of the smoothed loss (per run
        of a sweep: the hyperparameter arrays broadcast against the loss's batch shape)."""
        f_prev, d_prev = state["f_hat"], state["d"]
        beta3, k, K = self.beta3, self.k, self.K
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            up = f >= f_prev
            lo = np.where(up, k + 1, 1 / (K + 1))
            hi = np.where(up, K + 1, 1 / (k + 1))
            c = np.minimum(np.maximum(lo, f / f_prev), hi)
            f_hat = c * f_prev
            r = np.abs(f_hat - f_prev) / np.minimum(f_hat, f_prev)
            d = beta3 * d_prev + (1 - beta3) * r
        if np.ndim(d) == 0:
            return float(f_hat), float(d)
        return f_hat, d

    def _check_loss(self, x, loss):
        f = as_real("loss", loss) if not isinstance(loss, float) else loss
        shape = np.shape(f)
        if shape != np.shape(x)[: len(shape)]:
            raise ValueError(
                f"loss has shape {shape}, but x has shape {np.shape(x)}: the loss must have the "
                "sweep's batch shape (a float for a single run)"
            )
        if len(shape) < len(self.batch_shape):
            f = np.broadcast_to(f, self.batch_shape)
        return f
