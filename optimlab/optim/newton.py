"""Newton's method: the step that uses the curvature (seed 002)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, get


class Newton(Optimizer):
    r"""Newton's method, x ← x − lr·H⁻¹∇f, with lr = 1 by default.

    On a quadratic with a positive-definite Hessian one step lands on the minimum: on 4x²,
    x − f'(x)/f''(x) = x − 8x/8 = 0, which is gradient descent at lr = 1/f'' = 0.125. Its cost in
    a network is the Hessian: n² numbers and a linear solve per step (seed 002).

    It needs the problem's Hessian: ``Problem(hess=...)``, where ``hess(x)`` returns f'' with
    x's shape for a scalar parameter, or a (d, d) matrix per point for a point of shape (d,).
    ``run`` and ``replay`` pass it to ``step`` as ``hess``. Not part of torch.optim.
    """

    needs_hessian = True
    _repr_names = ("lr",)

    def __init__(self, lr=1.0):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._check_broadcast()

    def init(self, x):
        return {"step": 0}

    def step(self, x, g, state, hess=None):
        x, g = self._prologue(x, g)
        if hess is None:
            raise ValueError("Newton's method needs the Hessian: give the problem hess=...")
        (lr,) = get(self, x, "lr")
        h = np.asarray(hess, dtype=float)
        x_shape = np.shape(x)
        if h.shape == x_shape:  # one second derivative per coordinate
            if np.any(h == 0):
                raise ValueError("Newton's method: the Hessian is singular (f'' = 0)")
            d = g / h
        elif len(x_shape) >= 1 and h.shape == x_shape + x_shape[-1:]:
            try:
                d = np.linalg.solve(h, g[..., None])[..., 0]
            except np.linalg.LinAlgError:
                raise ValueError("Newton's method: the Hessian is singular") from None
        else:
            raise ValueError(
                f"hess has shape {h.shape}; for x of shape {x_shape} it must be {x_shape} "
                f"(f'' per coordinate) or {x_shape + x_shape[-1:]} (a matrix per point)"
            )
        return x + (-lr) * d, {"step": state["step"] + 1}
