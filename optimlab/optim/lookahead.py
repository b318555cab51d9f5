"""Lookahead: k steps forward, 1 step back, around any optimizer."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, get


class Lookahead(Optimizer):
    r"""Lookahead (Zhang, Lucas, Hinton & Ba, NeurIPS 2019, "Lookahead Optimizer: k steps
    forward, 1 step back"), wrapped around any optimizer: ``Lookahead(SGD(lr=0.1), k=5,
    alpha=0.5)``. Not part of torch.optim.

    .. code-block:: text

        slow ← x0                                   at init
        every step:   x ← inner step from x          the fast weights, k times
        every k-th:   slow ← slow + alpha·(x − slow) then x ← slow (synchronise)

    The slow weights move alpha of the way towards where the k fast steps ended, so the path
    is smoothed: oscillations across a valley partly cancel, and a bad run of fast steps is
    only followed by a fraction alpha. alpha = 1 is the inner optimizer alone.

    The iterate ``x`` that ``step`` returns is the fast weights; after every k-th step it
    equals the slow weights (so a trajectory read at steps k, 2k, ... follows the slow ones).

    The inner optimizer's state (momentum, Adam's m, v and t) is **kept** across a
    synchronisation: that is the default of the authors' reference code
    (``pullback_momentum="none"`` in github.com/michaelrzhang/lookahead). ``reset_inner=True``
    starts it afresh at every synchronisation (``inner.init(slow)``: for Adam this also
    restarts the bias correction), which the reference code offers as "reset" for momentum.

    Sweeps pass through: the inner optimizer's hyperparameter arrays make the sweep, and
    ``alpha`` may be an array whose shape fits that sweep (or makes one around an inner
    optimizer without arrays, except Adafactor and Muon, which read the point's shape).
    """

    _repr_names = ("optimizer", "k", "alpha", "reset_inner")

    def __init__(self, optimizer, k=5, alpha=0.5, *, reset_inner=False):
        super().__init__()
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be an optimlab optimizer, got {optimizer!r}")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(
                f"Invalid k (synchronisation period) value: {k!r}; k must be an integer >= 1"
            )
        self._hparam(
            "alpha",
            alpha,
            "Invalid alpha (slow weights step size) value: {}; alpha must be in (0, 1]",
            lambda a: (a > 0) & (a <= 1),
        )
        self._check_broadcast()
        inner = optimizer.batch_shape
        own = self._batch_shape
        if own and inner:
            try:
                fits = np.broadcast_shapes(own, inner) == inner
            except ValueError:
                fits = False
            if not fits:
                raise ValueError(
                    f"alpha with shape {own} must fit the inner optimizer's sweep shape {inner}"
                )
        if own and not inner and getattr(optimizer, "_reads_point_shape", False):
            raise ValueError(
                f"alpha with shape {own} would add sweep axes that {type(optimizer).__name__} "
                "reads as the point's own: sweep one of its hyperparameters too"
            )
        if inner:
            self._batch_shape = inner
        self.optimizer = optimizer
        self.k = int(k)
        self.reset_inner = bool(reset_inner)

    def _with_batch_ndim(self, ndim):
        new = super()._with_batch_ndim(ndim)
        if new is not self:
            object.__setattr__(new, "optimizer", self.optimizer._with_batch_ndim(ndim))
        return new

    def init(self, x):
        x = np.asarray(x, dtype=float)
        return {"step": 0, "slow": x.copy(), "inner": self.optimizer.init(x)}

    def step(self, x, g, state, **kwargs):
        x, inner = self.optimizer.step(x, g, state["inner"], **kwargs)
        t = state["step"] + 1
        slow = state["slow"]
        if t % self.k == 0:
            (alpha,) = get(self, x, "alpha")
            slow = slow + alpha * (x - slow)
            x = slow
            if self.reset_inner:
                inner = self.optimizer.init(slow)
        new = {"step": t, "slow": slow, "inner": inner}
        if "func_evals" in inner:  # L-BFGS inside: run records its evaluations
            new["func_evals"] = inner["func_evals"]
        return x, new

    @property
    def needs_hessian(self):
        return getattr(self.optimizer, "needs_hessian", False)

    @property
    def needs_closure(self):
        return getattr(self.optimizer, "needs_closure", False)

    @property
    def needs_loss(self):
        return getattr(self.optimizer, "needs_loss", False)

    def __getattr__(self, name):
        """The inner optimizer's hyperparameters read through (``lr``, ``momentum``,
        ``beta1``, ...), so that a schedule drives a Lookahead as it drives its inner one."""
        inner = self.__dict__.get("optimizer")
        if inner is None or name.startswith("_") or not hasattr(inner, name):
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r} (nor has its "
                f"{type(inner).__name__})"
            )
        return getattr(inner, name)

    def replace(self, **changes):
        """A new Lookahead with ``changes`` applied: its own ``k``, ``alpha``, ``reset_inner``
        and ``optimizer``, and the inner optimizer's hyperparameters (``la.replace(lr=0.01)``
        replaces the inner lr, as a schedule does)."""
        own = {"optimizer", "k", "alpha", "reset_inner"}
        mine = {n: v for n, v in changes.items() if n in own}
        inner = {n: v for n, v in changes.items() if n not in own}
        kwargs = {n: getattr(self, n) for n in own} | mine
        if inner:
            kwargs["optimizer"] = kwargs["optimizer"].replace(**inner)
        optimizer = kwargs.pop("optimizer")
        return type(self)(optimizer, **kwargs)
