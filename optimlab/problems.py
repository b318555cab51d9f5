"""Loss functions to optimise: plain functions of NumPy arrays.

A d-dimensional problem reads its coordinates from the last axis (``x[..., 0]``, ``x[..., 1]``),
so that a whole batch of points is evaluated in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Problem:
    """A loss ``f``, its gradient ``grad`` and, optionally, its Hessian ``hess``.

    One point has the shape of the ``x0`` given to :func:`optimlab.run` (``()`` for a scalar
    parameter, ``(d,)`` for a vector); ``x`` may carry leading batch axes in front of it.
    ``f(x)`` returns one loss per point, ``grad(x)`` an array of ``x``'s own shape.
    ``minimum``: where the global minimum lies (a point), when it is known; races and step
    counts measure the distance or the loss gap to it.
    """

    f: ArrayFn
    grad: ArrayFn
    hess: ArrayFn | None = None
    name: str = ""
    minimum: tuple | float | None = None

    def __post_init__(self):
        for field in ("f", "grad"):
            if not callable(getattr(self, field)):
                raise TypeError(f"Problem {field} must be callable, got {getattr(self, field)!r}")
        if self.hess is not None and not callable(self.hess):
            raise TypeError(f"Problem hess must be callable or None, got {self.hess!r}")


def quadratic(a: float = 4.0) -> Problem:
    """The course's parabola f(x) = a·x², a scalar problem (``ndim`` 0).

    ``quadratic(4)`` is the course's 4x², with f'(x) = 8x and f''(x) = 8 (``hess`` returns f''
    with ``x``'s shape, as a scalar problem's Hessian).
    """
    a = float(a)
    return Problem(
        f=lambda x: a * x**2,
        grad=lambda x: 2 * a * x,
        hess=lambda x: np.full(np.shape(x), 2 * a),
        name=f"{a:g}x²",
    )


def tilted_double_well(tilt: float = 0.3) -> Problem:
    """f(x) = (x² − 1)² + tilt·x: a deep minimum near x = −1 and, for 0 < tilt < 0.77, a
    shallow one near x = +1 behind a bump. Started at x0 = 2, plain gradient descent stops in
    the shallow one; momentum can carry the iterate over the bump (seed 001's picture)."""
    tilt = float(tilt)
    return Problem(
        f=lambda x: (x * x - 1) ** 2 + tilt * x,
        grad=lambda x: 4 * x * (x * x - 1) + tilt,
        hess=lambda x: 12 * x * x - 4,
        name=f"(x²−1)² + {tilt:g}x",
    )


def linear_fit(x, y) -> Problem:
    """Least squares for y ≈ w·x + b over the points (x, y): a 2-D problem in p = (w, b),
    f(p) = mean((w·x + b − y)²). Seed 003's example is y = 3x + 300: slope and intercept on
    very different scales, and curvatures 2·mean(x²) and 2 along them."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of one length, got {x.shape} and {y.shape}")

    def residual(p):
        return p[..., 0, None] * x + p[..., 1, None] - y

    hess = np.array([[2 * np.mean(x * x), 2 * np.mean(x)], [2 * np.mean(x), 2.0]])
    return Problem(
        f=lambda p: np.mean(residual(p) ** 2, axis=-1),
        grad=lambda p: np.stack(
            [np.mean(2 * residual(p) * x, axis=-1), np.mean(2 * residual(p), axis=-1)], axis=-1
        ),
        hess=lambda p: np.broadcast_to(hess, np.shape(p) + (2,)),
        name="linear fit",
    )


def gaussian_well(scale: float = 3.0, aspect: float = 10.0) -> Problem:
    """f(x, y) = 1 − exp(−(x² + aspect·y²)/(2·scale²)): a bowl in the middle of a plateau. Far
    out the gradient is tiny, so gradient descent crawls while Adam, whose steps are about lr
    whatever the gradient's size, crosses the plateau fast (notebook 05)."""
    s2, k = 2.0 * float(scale) ** 2, float(aspect)

    def bump(p):
        return np.exp(-(p[..., 0] ** 2 + k * p[..., 1] ** 2) / s2)

    return Problem(
        f=lambda p: 1.0 - bump(p),
        grad=lambda p: (
            np.stack([2 * p[..., 0], 2 * k * p[..., 1]], axis=-1) / s2 * bump(p)[..., None]
        ),
        name="plateau with a bowl",
    )


@dataclass(frozen=True)
class FiniteSum(Problem):
    """A loss that is the mean of ``n`` per-example losses (notebook 06: stochastic gradients).

    ``f(x, i)`` and ``grad(x, i)`` take an integer array ``i`` of example indices and return the
    mean loss over those examples (one per point, shape ``batch``) and its gradient (``x``'s
    shape). ``i`` has shape ``(B,)`` (the same examples for every run of a sweep) or
    ``(*batch, B)`` (one minibatch per run); written with ``X[i]``, ``Y[i]`` and a reduction
    over the last axis, a problem handles both. The full loss is ``f(x, np.arange(n))``;
    ``full_f`` and ``full_grad`` say so. A teacher's own problem in four lines::

        X, Y = ...                                  # n examples
        p = FiniteSum(f=lambda w, i: np.mean((w[..., None] * X[i] - Y[i]) ** 2, axis=-1),
                      grad=lambda w, i: np.mean(2 * (w[..., None] * X[i] - Y[i]) * X[i], axis=-1),
                      n=len(X))
    """

    n: int = 0

    def __post_init__(self):
        super().__post_init__()
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)) or self.n < 1:
            raise ValueError(
                f"FiniteSum n (the number of examples) must be a positive integer, got {self.n!r}"
            )

    @property
    def all(self) -> np.ndarray:
        return np.arange(self.n)

    def full_f(self, x):
        return self.f(x, self.all)

    def full_grad(self, x):
        return self.grad(x, self.all)
