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


# =============================================================================================
# The optimizer race (issue 15): a matrix problem, 2-D landscapes and their registry
# =============================================================================================

from dataclasses import replace  # noqa: E402  (this section's own imports, kept with it)
from typing import NamedTuple  # noqa: E402


def matrix_least_squares(
    m: int = 3, k: int = 4, n: int = 64, scale: float = 100.0, noise: float = 0.1, seed: int = 0
) -> Problem:
    """Least squares for a weight matrix: W of shape (m, k) with W·X ≈ Y, for Muon, Adafactor
    and the matrix-aware optimizers.

    X has shape (k, n): n examples of k features, feature j scaled by
    ``scale ** (j/(k − 1) − 1/2)`` (from 1/√scale to √scale: badly scaled, so the Hessian's
    condition number is about scale²); Y = W_true·X + noise·N(0, 1), all drawn from ``seed``.

        f(W) = ‖W·X − Y‖²_F / (2n),     grad(W) = (W·X − Y)·Xᵀ / n

    ``W`` may carry leading axes (a sweep, or a stack of matrices): shape (..., m, k). The
    least-squares solution W* = Y·Xᵀ(X·Xᵀ)⁻¹ is ``minimum`` (an (m, k) nested tuple); f(W*) is
    above 0 by the noise. ``X``, ``Y`` and ``W_true`` are not kept: seed them again to see them.
    """
    for name, v in (("m", m), ("k", k), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"matrix_least_squares {name} must be a positive integer, got {v!r}")
    if n < k:
        raise ValueError(
            f"matrix_least_squares needs n >= k examples for a unique minimum, got n={n}, k={k}"
        )
    scale, noise = float(scale), float(noise)
    if not (np.isfinite(scale) and scale >= 1):
        raise ValueError(f"matrix_least_squares scale must be >= 1, got {scale!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"matrix_least_squares noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    scales = scale ** (np.linspace(0.0, 1.0, k) - 0.5) if k > 1 else np.ones(1)
    X = rng.standard_normal((k, n)) * scales[:, None]
    W_true = rng.standard_normal((m, k))
    Y = W_true @ X + noise * rng.standard_normal((m, n))
    W_star = np.linalg.solve(X @ X.T, X @ Y.T).T

    def residual(W):
        W = np.asarray(W, dtype=float)
        if W.shape[-2:] != (m, k):
            raise ValueError(f"W must have shape (..., {m}, {k}), got {W.shape}")
        return W @ X - Y

    return Problem(
        f=lambda W: np.sum(residual(W) ** 2, axis=(-2, -1)) / (2 * n),
        grad=lambda W: residual(W) @ X.T / n,
        name=f"least squares W·X ≈ Y, W {m}×{k}, feature scales 1/{np.sqrt(scale):g}…"
        f"{np.sqrt(scale):g}",
        minimum=tuple(map(tuple, W_star.tolist())),
    )


def beale() -> Problem:
    """Beale's function, f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²:
    flat valleys and steep walls, one global minimum f(3, 0.5) = 0."""

    def terms(p):
        x, y = p[..., 0], p[..., 1]
        return (1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3)

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        a, b, c = terms(p)
        gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
        gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
        return np.stack([gx, gy], axis=-1)

    return Problem(
        f=lambda p: sum(t**2 for t in terms(p)),
        grad=grad,
        name="Beale",
        minimum=(3.0, 0.5),
    )


HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)


def himmelblau(minimum: int = 0) -> Problem:
    """Himmelblau's function, f(x, y) = (x² + y − 11)² + (x + y² − 7)²: four global minima,
    all with f = 0, and a local maximum at (−0.27, −0.92)::

        (3, 2)   (−2.805118, 3.131313)   (−3.779310, −3.283186)   (3.584428, −1.848127)

    ``minimum`` picks which of them ``Problem.minimum`` names (0: (3, 2)): the race starts at
    (0, 0) (``LANDSCAPES["himmelblau"]``), from where gradient descent and the race's
    optimizers at their tuned rates end in (3, 2), except RAdam, which ends in
    (−2.805118, 3.131313) (measured with ``optimlab.race``'s default grid). The loss gap
    (every minimum has f = 0) does not depend on which one a run finds; the distance does."""
    if isinstance(minimum, bool) or minimum not in range(4):
        raise ValueError(f"himmelblau minimum must be 0, 1, 2 or 3, got {minimum!r}")

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        a, b = x**2 + y - 11, x + y**2 - 7
        return np.stack([4 * a * x + 2 * b, 2 * a + 4 * b * y], axis=-1)

    return Problem(
        f=lambda p: (p[..., 0] ** 2 + p[..., 1] - 11) ** 2 + (p[..., 0] + p[..., 1] ** 2 - 7) ** 2,
        grad=grad,
        name="Himmelblau",
        minimum=HIMMELBLAU_MINIMA[minimum],
    )


def plateau() -> Problem:
    """Notebook 05's bowl in a plateau, :func:`gaussian_well` with its defaults, with its
    minimum (0, 0) named."""
    return replace(gaussian_well(), minimum=(0.0, 0.0))


def noisy_bowl(sigma: float = 0.5) -> Problem:
    """The round bowl f(x, y) = (x² + y²)/2 for a race under gradient noise (notebook 06).

    The problem itself is exact (a Problem is deterministic); the noise is the run's:
    ``run(opt, p, x0, steps, noise=sigma, seed=s)`` adds N(0, sigma²) to every coordinate of
    every gradient. ``LANDSCAPES["noisy bowl"].noise`` says which sigma the race uses. With
    a constant lr gradient descent settles in a noise ball around (0, 0): each coordinate's
    variance tends to lr·sigma²/(2 − lr), a loss floor of about lr·sigma²/2 for the two, so
    the race's tolerance (1e-2 at sigma = 0.5) is reached only at lr below about 0.08.
    """
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"noisy_bowl sigma must be >= 0, got {sigma!r}")
    return Problem(
        f=lambda p: 0.5 * (p[..., 0] ** 2 + p[..., 1] ** 2),
        grad=lambda p: np.asarray(p, dtype=float) * 1.0,
        hess=lambda p: np.broadcast_to(np.eye(2), np.shape(p) + (2,)),
        name=f"noisy bowl (σ = {sigma:g})",
        minimum=(0.0, 0.0),
    )


class Landscape(NamedTuple):
    """One race landscape: ``make()`` builds the problem; the race starts at ``start``, runs
    ``steps`` steps, counts a landscape as solved when loss − f_min <= ``tol`` and adds
    gradient noise N(0, ``noise``²) (0: none)."""

    make: Callable[[], Problem]
    start: tuple
    steps: int
    tol: float
    noise: float = 0.0

    @property
    def f_min(self) -> float:
        """The loss at the problem's known minimum; for the saddle, which has none, the loss
        at its stationary point (0, 0), and its ``tol`` is negative: the loss must fall that
        far below (escape)."""
        p = self.make()
        at = p.minimum if p.minimum is not None else np.zeros(np.shape(self.start))
        return float(p.f(np.asarray(at, dtype=float)))


class _Registry(dict):
    """A dict whose unknown keys raise a ValueError that lists the valid ones."""

    def __missing__(self, name):
        raise ValueError(f"unknown landscape {name!r}; valid: {', '.join(map(repr, self))}")


# The race (COURSE.md §9): Rosenbrock's curved valley from the classic start; Beale's flat
# valleys and steep walls; Himmelblau's four minima; the saddle x² − y², left along y (escape:
# loss <= −1); a rotated bowl with condition number 100 (momentum and Adam against plain
# descent); notebook 05's plateau, where the gradient is tiny; and the round bowl under
# notebook 06's gradient noise. Budgets and tolerances are set so that some racers make it
# and some do not at their tuned rates.
LANDSCAPES: dict[str, Landscape] = _Registry(
    {
        # names resolved when called, so the L-BFGS work's definitions are the ones used
        "rosenbrock": Landscape(lambda: rosenbrock(), (-1.2, 1.0), 3000, 1e-6),
        "beale": Landscape(lambda: beale(), (1.0, 1.5), 2000, 1e-6),
        "himmelblau": Landscape(lambda: himmelblau(), (0.0, 0.0), 500, 1e-6),
        "saddle": Landscape(lambda: saddle(), (1.0, 1e-3), 200, -1.0),
        "rotated bowl": Landscape(
            lambda: rotated_quadratic(kappa=100.0, angle=30.0), (2.0, 1.0), 1000, 1e-6
        ),
        "plateau": Landscape(plateau, (8.0, 3.0), 500, 1e-6),
        "noisy bowl": Landscape(lambda: noisy_bowl(0.5), (2.0, 1.5), 500, 1e-2, noise=0.5),
    }
)


def landscape(name: str) -> Landscape:
    """``LANDSCAPES[name]``, or a ValueError that lists the valid names."""
    return LANDSCAPES[name]


# TEMPORARY: replaced by the L-BFGS work's versions on merge
def rosenbrock(a: float = 1.0, b: float = 100.0) -> Problem:
    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)], axis=-1)

    return Problem(
        f=lambda p: (a - p[..., 0]) ** 2 + b * (p[..., 1] - p[..., 0] ** 2) ** 2,
        grad=grad,
        name="Rosenbrock",
        minimum=(a, a * a),
    )


def rotated_quadratic(kappa: float = 10.0, angle: float = 30.0) -> Problem:
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    R = np.array([[c, -s], [s, c]])
    H = R @ np.diag([1.0, float(kappa)]) @ R.T
    return Problem(
        f=lambda p: 0.5 * np.einsum("...i,ij,...j->...", p, H, p),
        grad=lambda p: p @ H.T,
        hess=lambda p: np.broadcast_to(H, np.shape(p) + (2,)),
        name=f"rotated bowl κ = {kappa:g}",
        minimum=(0.0, 0.0),
    )


def saddle() -> Problem:
    return Problem(
        f=lambda p: p[..., 0] ** 2 - p[..., 1] ** 2,
        grad=lambda p: np.stack([2 * p[..., 0], -2 * p[..., 1]], axis=-1),
        name="saddle x² − y²",
    )
