"""Loss functions to optimise: plain functions of NumPy arrays.

A d-dimensional problem reads its coordinates from the last axis (``x[..., 0]``, ``x[..., 1]``),
so that a whole batch of points is evaluated in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .optim.base import as_real

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Problem:
    """A loss ``f``, its gradient ``grad`` and, optionally, its Hessian ``hess``.

    One point has the shape of the ``x0`` given to :func:`optimlab.run` (``()`` for a scalar
    parameter, ``(d,)`` for a vector); ``x`` may carry leading batch axes in front of it.
    ``f(x)`` returns one loss per point, ``grad(x)`` an array of ``x``'s own shape.
    ``minimum``: where the global minimum lies (a point), when it is known; races and step
    counts measure the distance or the loss gap to it.
    ``point_shape``: the shape of one point, when the problem fixes it (a network's P
    parameters: ``(P,)``). ``run`` then checks ``x0`` against it and reads any leading axes of
    ``x0`` as a sweep over starting points (several initialisations in one run).
    """

    f: ArrayFn
    grad: ArrayFn
    hess: ArrayFn | None = None
    name: str = ""
    minimum: tuple | float | None = None
    point_shape: tuple | None = None

    def __post_init__(self):
        for field in ("f", "grad"):
            if not callable(getattr(self, field)):
                raise TypeError(f"Problem {field} must be callable, got {getattr(self, field)!r}")
        if self.hess is not None and not callable(self.hess):
            raise TypeError(f"Problem hess must be callable or None, got {self.hess!r}")
        if self.point_shape is not None:
            shape = self.point_shape
            if not isinstance(shape, tuple) or not all(
                isinstance(d, (int, np.integer)) and d >= 1 for d in shape
            ):
                raise ValueError(f"Problem point_shape must be a tuple of sizes, got {shape!r}")


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


def linear_fit(x, y) -> FiniteSum:
    """Least squares for y ≈ w·x + b over the points (x, y): a 2-D problem in p = (w, b),
    f(p) = mean((w·x + b − y)²), the mean over the n examples (a ``FiniteSum``: minibatch runs
    use ``f(p, i)`` over the examples ``i``). Seed 003's example is y = 3x + 300: slope and
    intercept on very different scales, and curvatures 2·mean(x²) and 2 along them."""
    x = as_real("x", x)
    y = as_real("y", y)
    if x.shape != y.shape or x.ndim != 1 or x.size == 0:
        raise ValueError(f"x and y must be 1-D of one length, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must be finite numbers")

    def f(p, i):
        # mean(r²) with np.mean's arithmetic, worked in place: the panel of notebook 06 takes
        # the loss of 641 × 5 points over all 128 examples at once (4.8 -> 1.8 ms)
        r = p[..., 0, None] * x[i]
        r += p[..., 1, None]
        r -= y[i]
        np.multiply(r, r, out=r)
        return np.add.reduce(r, axis=-1) / r.shape[-1]

    def grad(p, i):
        # mean(2r·x) and mean(2r) over the batch with np.mean's own arithmetic (a sum along
        # the batch, then a division by the count) in few NumPy calls: SGD at batch size 1
        # calls this once per update
        xi = x[i]
        r2 = 2 * (p[..., 0, None] * xi + p[..., 1, None] - y[i])
        count = r2.shape[-1]
        if count == 1:  # the mean of one number: that number, plus the sum's starting +0
            return np.concatenate((r2 * xi, r2), axis=-1) + 0.0  # (−0 becomes +0, as in a sum)
        both = np.concatenate(((r2 * xi)[..., None, :], r2[..., None, :]), axis=-2)
        return np.add.reduce(both, axis=-1) / count

    hess = np.array([[2 * np.mean(x * x), 2 * np.mean(x)], [2 * np.mean(x), 2.0]])
    return FiniteSum(
        f=f,
        grad=grad,
        hess=lambda p: np.broadcast_to(hess, np.shape(p) + (2,)),
        name="linear fit",
        point_shape=(2,),
        minimum=tuple(
            float(v) for v in np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), y, rcond=None)[0]
        ),
        n=x.size,
    )


def logistic_regression(X, y, weight_decay: float = 0.0) -> FiniteSum:
    """Logistic regression on points ``X`` (shape (n, d)) with labels ``y`` in {0, 1}: the
    parameters w = (w_1 .. w_d, b), the loss the mean cross-entropy
    log(1 + e^(−s·z)) with z = w·x + b and s = ±1, plus ``weight_decay``/2·|w|² (not on b).

    A finite sum, like the course's linear fit, but not a quadratic: the minibatch gradient's
    noise changes from point to point, and the loss has no closed-form minimum."""
    X = as_real("X", X)
    y = as_real("y", y)
    if X.ndim != 2 or y.shape != (len(X),) or len(X) == 0:
        raise ValueError(f"X must have shape (n, d) and y shape (n,), got {X.shape} and {y.shape}")
    if not (np.isin(y, (0.0, 1.0)).all() and np.isfinite(X).all()):
        raise ValueError("y must hold labels 0 and 1 only, and X finite numbers")
    wd = float(as_real("weight_decay", weight_decay))
    if not (np.isfinite(wd) and wd >= 0):
        raise ValueError(f"weight_decay must be a finite number >= 0, got {wd!r}")
    s = 2 * y - 1
    d = X.shape[1]

    def margin(w, i):
        return s[i] * (np.einsum("...nd,...d->...n", X[i], w[..., :d]) + w[..., d, None])

    def penalty(w):
        return 0.5 * wd * np.sum(w[..., :d] ** 2, axis=-1)

    def f(w, i):
        return np.mean(np.logaddexp(0.0, -margin(w, i)), axis=-1) + penalty(w)

    def grad(w, i):
        coef = -s[i] * _sigmoid(-margin(w, i))  # d loss / d z per example
        gw = np.mean(coef[..., None] * X[i], axis=-2) + wd * w[..., :d]
        return np.concatenate([gw, np.mean(coef, axis=-1)[..., None]], axis=-1)

    return FiniteSum(f=f, grad=grad, name="logistic regression", n=len(X), point_shape=(d + 1,))


def _sigmoid(z):
    """1/(1 + e^(−z)) without overflow for any z."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


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

    Give ``f(x, i)`` and ``grad(x, i)``: the mean loss over the examples with indices ``i`` (one
    per point, shape ``batch``) and its gradient (``x``'s shape). ``i`` is an integer array of
    shape ``(B,)`` (the same examples for every run of a sweep) or ``(*batch, B)`` (one
    minibatch per run); written with ``X[i]``, ``Y[i]`` and a mean over the last axis, a
    problem handles both. Called without ``i`` (``p.f(x)``, as plots do), they use every
    example. A teacher's own problem in four lines::

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
        every = np.arange(self.n)
        f_i, grad_i = self.f, self.grad

        def f(x, i=None):
            return f_i(x, every if i is None else i)

        def grad(x, i=None):
            return grad_i(x, every if i is None else i)

        object.__setattr__(self, "f", f)
        object.__setattr__(self, "grad", grad)

    @property
    def all(self) -> np.ndarray:
        """The indices of every example: ``f(x, p.all)`` is the full loss."""
        return np.arange(self.n)


# -- Curvature: Newton's method, L-BFGS and saddle points (notebook 08) ------------------------
#
# Two-dimensional problems with gradient and Hessian, vectorised over leading batch axes
# (coordinates x[..., 0], x[..., 1]); ``hess`` returns (..., 2, 2).


def _finite(name: str, value) -> float:
    """``value`` as a finite float, or an error naming the parameter."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _hess2(h11, h12, h22):
    """Stack the entries of a symmetric 2×2 Hessian per point into shape (..., 2, 2)."""
    h11, h12, h22 = np.broadcast_arrays(h11, h12, h22)
    return np.stack([np.stack([h11, h12], axis=-1), np.stack([h12, h22], axis=-1)], axis=-2)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Problem:
    """Rosenbrock's banana valley, f(x, y) = (a − x)² + b·(y − x²)², minimum f = 0 at (a, a²).

    The classic start is (−1.2, 1): the valley floor y = x² curves, so gradient descent crawls
    along it while Newton's method and L-BFGS follow it. Hessian
    [[2 − 4b(y − 3x²), −4bx], [−4bx, 2b]], indefinite off the valley (where y > x² + 1/(2b)).
    ``b`` must be positive.
    """
    a, b = _finite("a", a), _finite("b", b)
    if b <= 0:
        raise ValueError(f"b must be positive (the valley's steepness), got {b!r}")

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)], axis=-1)

    def hess(p):
        x, y = p[..., 0], p[..., 1]
        return _hess2(2 - 4 * b * (y - 3 * x**2), -4 * b * x, np.full(np.shape(x), 2 * b))

    name = "Rosenbrock" if (a, b) == (1.0, 100.0) else f"Rosenbrock (a={a:g}, b={b:g})"
    return Problem(f=f, grad=grad, hess=hess, name=name, minimum=(a, a * a))


def rotated_quadratic(kappa: float = 10.0, angle: float = 30.0) -> Problem:
    """f(x) = ½·xᵀHx with H = R·diag(1, κ)·Rᵀ: a bowl with condition number κ whose axes are
    turned by ``angle`` degrees (R the rotation). Curvature 1 along (cos θ, sin θ), κ along
    (−sin θ, cos θ); minimum 0 at the origin.

    Gradient descent at its best lr 2/(1 + κ) shrinks the error by (κ − 1)/(κ + 1) per step
    (``theory.gd_rate``), Newton's method lands on the minimum in one step for any κ and angle.
    ``kappa`` must be at least 1.
    """
    kappa, angle = _finite("kappa", kappa), _finite("angle", angle)
    if kappa < 1:
        raise ValueError(f"kappa (the condition number) must be at least 1, got {kappa!r}")
    th = np.deg2rad(angle)
    c, s = np.cos(th), np.sin(th)
    h11 = float(c * c + kappa * s * s)
    h12 = float((1 - kappa) * c * s)
    h22 = float(s * s + kappa * c * c)

    def f(p):
        x, y = p[..., 0], p[..., 1]
        return 0.5 * (h11 * x * x + 2 * h12 * x * y + h22 * y * y)

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([h11 * x + h12 * y, h12 * x + h22 * y], axis=-1)

    def hess(p):
        shape = np.shape(p)[:-1]
        return _hess2(np.full(shape, h11), np.full(shape, h12), np.full(shape, h22))

    return Problem(
        f=f, grad=grad, hess=hess, name=f"quadratic κ={kappa:g}, {angle:g}°", minimum=(0.0, 0.0)
    )


def saddle() -> Problem:
    """f(x, y) = x² − y²: a saddle point (鞍点) at the origin, with curvature 2 along x and −2
    along y. The origin is stationary (the gradient (2x, −2y) vanishes) but no minimum: f is
    unbounded below, so ``minimum`` is None. Gradient descent leaves it along y; Newton's
    method, x − H⁻¹∇f = 0, jumps onto it from anywhere in one step.
    """
    return Problem(
        f=lambda p: p[..., 0] ** 2 - p[..., 1] ** 2,
        grad=lambda p: np.stack([2 * p[..., 0], -2 * p[..., 1]], axis=-1),
        hess=lambda p: _hess2(np.full(np.shape(p)[:-1], 2.0), 0.0, -2.0),
        name="x² − y²",
        minimum=None,
    )


def cubic_saddle() -> Problem:
    """f(x, y) = x² + y³: a degenerate saddle at the origin. Curvature 2 along x; along y the
    origin is an inflection point (f'' = 6y is 0 there), so the Hessian diag(2, 6y) is singular at
    the saddle and indefinite for y < 0. The origin is stationary, not a minimum (f falls
    without bound as y → −∞), so ``minimum`` is None.

    What it shows: for y > 0 the gradient 3y² vanishes quadratically, so gradient descent
    creeps towards the saddle and stalls; Newton's step halves y (y − 3y²/6y = y/2) and also
    heads for the saddle, on either side.
    """
    return Problem(
        f=lambda p: p[..., 0] ** 2 + p[..., 1] ** 3,
        grad=lambda p: np.stack([2 * p[..., 0], 3 * p[..., 1] ** 2], axis=-1),
        hess=lambda p: _hess2(np.full(np.shape(p)[:-1], 2.0), 0.0, 6 * p[..., 1]),
        name="x² + y³",
        minimum=None,
    )


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
