"""Adafactor, as torch.optim.Adafactor computes it."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, get, lerp, nonzero, pair


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern, ICML 2018): Adam's second moment, factored into row and
    column averages for a matrix, with a relative step size and update clipping, as
    ``torch.optim.Adafactor``.

    For a matrix G of shape (n, m) Adam would keep n·m second moments; Adafactor keeps n + m:
    R, the mean of G² along each row, and C, the mean along each column, and rebuilds the
    estimate V̂ = R·C / mean(R), a rank-one fit. A vector (or a scalar) keeps the full V.
    One step, t counting from 1:

    .. code-block:: text

        g ← −g                                     if maximize
        w ← t^beta2_decay                          1 − beta2_t: 1 at t = 1, then t^−0.8 → 0
        rho ← min(lr, 1/√t)                        relative step size
        alpha ← max(eps2, RMS(x)) · rho            RMS(x) = ‖x‖/√(numel): steps scale with x
        x ← x·(1 − lr·weight_decay)                if weight_decay ≠ 0 (decoupled)
        matrix (last two axes):  R ← R + w·(mean(g², cols) − R);  C ← C + w·(mean(g², rows) − C)
                                 V̂ ← R·C / max(mean(R), eps1)
        vector:                  V ← V + w·(g² − V);  V̂ ← V
        U ← g / √max(V̂, eps1²)
        x ← x − alpha/max(1, RMS(U)/d) · U          d: the clipping threshold

    ``eps = (eps1, eps2)`` as torch names them: eps1 guards the divisions (None: the float's
    machine epsilon, 2.2e-16), eps2 is the smallest RMS(x) used to scale the step, so a
    parameter that starts at 0 can move. torch differs from the paper in two places that
    it documents: lr caps rho (the paper uses 0.01 there, torch's default lr) and scales the
    decoupled weight decay; eps1 is applied to V̂ and U, not added to the squared gradient.

    A point with two or more axes is factored over its last two, as torch factors a tensor:
    R has shape (..., n, 1), C (..., 1, m), and RMS(x) is taken over the whole point. A
    sweep's leading axes are separate runs, each with its own RMS and clipping.
    """

    _reads_point_shape = True  # the sweep's axes are told apart from the point's own
    _repr_names = ("lr", "beta2_decay", "eps", "d", "weight_decay", "maximize")

    def __init__(
        self,
        lr=1e-2,
        beta2_decay=-0.8,
        eps=(None, 1e-3),
        d=1.0,
        weight_decay=0.0,
        *,
        maximize=False,
    ):
        super().__init__()
        self._hparam("lr", lr, "Learning rate should be >= 0 but is: {}")
        self._hparam(
            "beta2_decay", beta2_decay, "beta2_decay should be <= 0 but is: {}", lambda v: v <= 0
        )
        eps1, eps2 = pair("eps", eps, "a pair (eps1, eps2), eps1 may be None")
        if eps1 is None:
            self.eps1 = None
        else:
            self._hparam("eps1", eps1, "epsilon1 should be >= 0 but is: {}")
        self._hparam("eps2", eps2, "epsilon2 should be >= 0 but is: {}")
        self._hparam("d", d, "Clipping threshold d should be >= 1 but is: {}", lambda v: v >= 1)
        self._hparam("weight_decay", weight_decay, "weight_decay should be >= 0 but is: {}")
        self._check_broadcast()
        self.maximize = bool(maximize)

    @property
    def eps(self):
        return (self.eps1, self.eps2)

    def _point_ndim(self, x):
        nd = np.ndim(x) - len(self.batch_shape)
        if nd < 0:
            raise ValueError(
                f"x has shape {np.shape(x)}, but the hyperparameters make a sweep of shape "
                f"{self.batch_shape}: x must start with those axes"
            )
        return nd

    def init(self, x):
        """Zero factors: R of shape (..., n, 1) and C (..., 1, m) for a point with two or more
        axes, else V of x's shape."""
        shape = np.shape(x)
        if self._point_ndim(x) > 1:
            return {
                "step": 0,
                "row_var": np.zeros(shape[:-1] + (1,)),
                "col_var": np.zeros(shape[:-2] + (1,) + shape[-1:]),
            }
        return {"step": 0, "variance": np.zeros(shape)}

    def step(self, x, g, state):
        nd = self._point_ndim(x)
        axes = tuple(range(np.ndim(x) - nd, np.ndim(x)))  # the point's own axes
        numel = int(np.prod(np.shape(x)[np.ndim(x) - nd :], dtype=int))
        lr, beta2_decay, eps2, d, wd = get(
            self, x, "lr", "beta2_decay", "eps2", "d", "weight_decay"
        )
        eps1 = np.finfo(float).eps if self.eps1 is None else get(self, x, "eps1")[0]
        x, g = self._prologue(x, g)
        t = state["step"] + 1
        w = float(t) ** beta2_decay
        rho = np.minimum(lr, 1 / (float(t) ** 0.5)) if np.ndim(lr) else min(lr, 1 / t**0.5)
        rms_x = _norm(x, axes) / numel**0.5
        alpha = np.maximum(eps2, rms_x) * rho
        if nonzero(wd):
            x = x * (1 - lr * wd)
        new = {"step": t}
        if nd > 1:
            row = new["row_var"] = lerp(state["row_var"], _norm2(g, -1) / g.shape[-1], w)
            col = new["col_var"] = lerp(state["col_var"], _norm2(g, -2) / g.shape[-2], w)
            v_hat = (row * col) / np.maximum(np.mean(row, axis=-2, keepdims=True), eps1)
        else:
            v_hat = new["variance"] = lerp(state["variance"], g * g, w)
        with np.errstate(divide="ignore", invalid="ignore"):  # eps1 = 0 and g = 0: NaN, as torch
            u = (1 / np.sqrt(np.maximum(v_hat, eps1 * eps1))) * g  # torch: rsqrt, then times g
        denom = np.maximum(1.0, _norm(u, axes) / (numel**0.5 * d))
        return x + (-alpha / denom) * u, new


def _norm2(g, axis):
    """torch.norm(g, dim=axis, keepdim=True).square_(): the sum of squares, through a root."""
    return np.sqrt(np.sum(g * g, axis=axis, keepdims=True)) ** 2


def _norm(a, axes):
    """The 2-norm over the point's axes, kept broadcastable against the point."""
    return np.sqrt(np.sum(a * a, axis=axes, keepdims=True)) if axes else np.abs(a)
