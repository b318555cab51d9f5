"""Newton's method: the step that uses the curvature (seed 002)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, get


class Newton(Optimizer):
    r"""Newton's method, x ← x − lr·H⁻¹∇f, with lr = 1 by default.

    On a quadratic with a positive-definite Hessian one step lands on the minimum: on 4x²,
    x − f'(x)/f''(x) = x − 8x/8 = 0, which is gradient descent at lr = 1/f'' = 0.125, and on any
    bowl in any dimension, whatever its condition number. Its cost in a network is the Hessian:
    n² numbers and a linear solve per step (seed 002).

    Damped Newton (lr < 1) takes that fraction of the step: on a quadratic the error shrinks by
    the factor 1 − lr per step (lr = 0.5 halves it), whatever the condition number. Far from a
    minimum, where the quadratic model is poor, a shorter step is safer.

    **Saddle points and indefinite H.** The step goes to the stationary point of the local
    quadratic model, whatever that point is: where H has a negative eigenvalue it is a saddle
    or a maximum, not a minimum, and Newton's method heads for it, uphill if need be. On the
    saddle x² − y² (``problems.saddle()``) it jumps from any point onto the saddle (0, 0) in one
    step, and from (0.3, 0.7) the loss rises from −0.4 to 0; on −x² − y² it jumps onto the
    maximum. Gradient descent instead leaves the saddle along the negative-curvature direction
    (seed 001 §6). This optimizer does not hide it: it takes the plain step.

    ``saddle_free=True`` is the saddle-free Newton method (Dauphin et al., 2014, "Identifying
    and attacking the saddle point problem in high-dimensional non-convex optimization"): it
    uses |H| = V·|Λ|·Vᵀ, the Hessian rebuilt with the absolute values of its eigenvalues (|f''|
    for one coordinate). Where H is positive definite it is Newton's step; along a direction of
    negative curvature it moves downhill, away from the saddle: on x² − y² from (x, y) it goes
    to (0, 2y). A zero eigenvalue is still singular, and on a degenerate saddle such as
    x² + y³ (``problems.cubic_saddle()``), where f'' = 6y > 0 on one side, it approaches the
    saddle from that side just as Newton's method does (y ← y/2).

    It needs the problem's Hessian: ``Problem(hess=...)``, where ``hess(x)`` returns f'' with
    x's shape for a scalar parameter, or a (d, d) matrix per point for a point of shape (d,).
    ``run`` and ``replay`` pass it to ``step`` as ``hess``. Not part of torch.optim.
    """

    needs_hessian = True
    _repr_names = ("lr", "saddle_free")

    def __init__(self, lr=1.0, *, saddle_free=False):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._check_broadcast()
        if not isinstance(saddle_free, (bool, np.bool_)):
            raise TypeError(f"saddle_free must be True or False, got {saddle_free!r}")
        self.saddle_free = bool(saddle_free)

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
            d = g / (np.abs(h) if self.saddle_free else h)
        elif len(x_shape) >= 1 and h.shape == x_shape + x_shape[-1:]:
            d = _saddle_free_direction(h, g) if self.saddle_free else _solve(h, g)
        else:
            raise ValueError(
                f"hess has shape {h.shape}; for x of shape {x_shape} it must be {x_shape} "
                f"(f'' per coordinate) or {x_shape + x_shape[-1:]} (a matrix per point)"
            )
        return x + (-lr) * d, {"step": state["step"] + 1}


def _solve(h, g):
    """H⁻¹g per point."""
    try:
        return np.linalg.solve(h, g[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise ValueError("Newton's method: the Hessian is singular") from None


def _saddle_free_direction(h, g):
    """|H|⁻¹g per point, |H| = V·|Λ|·Vᵀ from the symmetric eigendecomposition H = V·Λ·Vᵀ."""
    try:
        lam, v = np.linalg.eigh(h)
    except np.linalg.LinAlgError:
        raise ValueError("saddle-free Newton: the Hessian's eigenvalues did not converge") from None
    if np.any(lam == 0):
        raise ValueError("saddle-free Newton: the Hessian is singular (an eigenvalue is 0)")
    c = np.einsum("...ji,...j->...i", v, g) / np.abs(lam)  # g in the eigenbasis, scaled
    return np.einsum("...ij,...j->...i", v, c)
