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
    """

    f: ArrayFn
    grad: ArrayFn
    hess: ArrayFn | None = None
    name: str = ""

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
