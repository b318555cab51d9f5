"""Stochastic gradients (notebook 06): the numbers the notebook prints and its panel draws.

The course's linear fit y = 3x + 300 (seed 003) with noise, x standardised so that the loss's
contours are circles and the paths can be seen (``course_fit``); the minibatch gradient's
variance against its closed forms (``gradient_variance``); the noise ball of a constant lr
against decaying ones (``noise_ball``); the cost of an epoch per batch size (``epoch_cost``);
and the panel's result (``paths``). NumPy only.
"""

from __future__ import annotations

import math
import operator
import time
from dataclasses import dataclass

import numpy as np

from .optim import SGD
from .optim.base import _brief
from .problems import FiniteSum, linear_fit
from .run import Trajectory, _Minibatches, run
from .theory import minibatch_variance

N = 128  # examples in the course's fit (powers of two: batch sizes 1, 2, 4, ..., 128)
NOISE = 5.0  # the noise on y = 3x + 300
START = (-5.0, 300.0)  # (w, b): the slope wrong by 14, the intercept by 15
BATCH_SIZES = (1, 4, 16, 64)  # the variance table's

# The decays of the notebook, as factors of the starting lr at scheduler step t = 0, 1, 2, ...
# (LambdaLR's lr_lambda): d2l's polynomial decay (1 + 0.1 t)^(-1/2) and its 1/t sibling, and
# d2l's exponential decay e^(-0.1 t).
DECAYS = {
    "none": None,
    "1/t": lambda t: 1 / (1 + 0.1 * t),
    "1/√t": lambda t: (1 + 0.1 * t) ** -0.5,
    "exp": lambda t: math.exp(-0.1 * t),
}


def course_data(n: int = N, noise: float = NOISE, seed: int = 3):
    """Seed 003's points: ``x = linspace(0, 10, n)``, ``y = 3x + 300 + noise·N(0, 1)``."""
    n = _count("n", n, 2)
    x = np.linspace(0.0, 10.0, n)
    y = 3 * x + 300 + float(noise) * np.random.default_rng(seed).normal(size=n)
    return x, y


def course_fit(n: int = N, noise: float = NOISE, seed: int = 3) -> FiniteSum:
    """The least-squares fit of ``course_data`` with x standardised, (x − mean)/std: a
    ``FiniteSum`` over n examples whose Hessian is 2·I (round contours), minimum near
    (3·std(x), mean(y)) = (8.97, 314.9) for the defaults."""
    x, y = course_data(n, noise, seed)
    return linear_fit((x - x.mean()) / x.std(), y)


def schedule(decay: str):
    """The ``optimlab.lr_scheduler`` schedule for a name of ``DECAYS`` (None for "none")."""
    from .lr_scheduler import LambdaLR

    factor = _decay(decay)
    return None if factor is None else LambdaLR(factor)


def _decay(decay):
    if not isinstance(decay, str) or decay not in DECAYS:
        raise ValueError(f"decay must be one of {', '.join(map(repr, DECAYS))}; got {decay!r}")
    return DECAYS[decay]


# -- the minibatch gradient: unbiased, with variance σ²/B (·(n − B)/(n − 1)) --------------------


def per_example_gradients(problem: FiniteSum, x) -> np.ndarray:
    """The gradient of each example's loss at the point ``x``, shape ``(n, *x.shape)``."""
    problem = _finite_sum(problem)
    x = np.asarray(x, dtype=float)
    points = np.broadcast_to(x, (problem.n,) + x.shape)
    return problem.grad(points, np.arange(problem.n)[:, None])


@dataclass(frozen=True)
class VarianceTable:
    """The minibatch gradient at one point, measured over ``draws`` minibatches per size.

    ``sigma2``: the per-example gradients' variance σ² (the mean squared distance from the full
    gradient, summed over the coordinates). ``measured[kind]`` and ``closed[kind]`` (kind
    "with" or "without" replacement): the mean squared distance of the minibatch gradient from
    the full gradient, per batch size. ``bias[kind]``: the largest |mean of the draws − full
    gradient| over the coordinates, per batch size, and ``standard_error[kind]`` what chance
    alone gives it (the closed form's root over the draws)."""

    x: np.ndarray
    n: int
    draws: int
    batch_sizes: tuple
    full_gradient: np.ndarray
    sigma2: float
    measured: dict
    closed: dict
    bias: dict
    standard_error: dict

    def rows(self):
        """(B, measured with, σ²/B, measured without, σ²/B·(n − B)/(n − 1)) per batch size."""
        return [
            (b, self.measured["with"][k], self.closed["with"][k],
             self.measured["without"][k], self.closed["without"][k])
            for k, b in enumerate(self.batch_sizes)
        ]  # fmt: skip


def gradient_variance(
    problem: FiniteSum, x, batch_sizes=BATCH_SIZES, draws: int = 20_000, seed: int = 0
) -> VarianceTable:
    """Draw ``draws`` minibatches of each size, with replacement (independent examples) and
    without (B different examples, as one batch of ``DataLoader(shuffle=True)``), and measure
    the mean squared distance of their gradient from the full gradient at ``x``."""
    problem = _finite_sum(problem)
    draws = _count("draws", draws, 2)
    sizes = tuple(_count("batch_size", b, 1, problem.n) for b in np.atleast_1d(batch_sizes))
    x = np.asarray(x, dtype=float)
    per = per_example_gradients(problem, x)
    full = problem.grad(x)
    sigma2 = float(np.mean(np.sum((per - full) ** 2, axis=tuple(range(1, per.ndim)))))
    rng = np.random.default_rng(seed)
    points = np.broadcast_to(x, (draws,) + x.shape)
    measured = {"with": [], "without": []}
    bias = {"with": [], "without": []}
    for b in sizes:
        picks = {
            "with": rng.integers(0, problem.n, size=(draws, b)),
            "without": np.sort(rng.random((draws, problem.n)).argsort(axis=1)[:, :b], axis=1),
        }
        for kind, i in picks.items():
            g = problem.grad(points, i)
            d = (g - full).reshape(draws, -1)
            measured[kind].append(float(np.mean(np.sum(d * d, axis=1))))
            bias[kind].append(float(np.max(np.abs(d.mean(axis=0)))))
    closed = {
        "with": [float(minibatch_variance(sigma2, b)) for b in sizes],
        "without": [
            float(minibatch_variance(sigma2, b, problem.n, replacement=False)) for b in sizes
        ],
    }
    se = {k: [math.sqrt(v / draws) for v in vals] for k, vals in closed.items()}
    return VarianceTable(x, problem.n, draws, sizes, full, sigma2, measured, closed, bias, se)


# -- the noise ball: a constant lr stalls at a floor, a decaying lr keeps going --------------


@dataclass(frozen=True)
class NoiseBall:
    """SGD from ``x0`` with batch size ``batch_size``, over ``seeds`` seeds.

    ``floors[lr]``: the mean of f − f* over the last ``last`` of ``steps`` updates and the
    seeds, for each constant lr. ``curves[name]``: f − f* averaged over the seeds, per update
    (``steps + 1`` values), for each constant lr (name ``"lr 0.1"``) and each decay of
    ``lr0`` (name ``"1/t"``, ...). ``stalled_at[name]``: for a decay, the first update from
    which f − f* stays within 1% of its final value (``steps`` for a run still moving)."""

    batch_size: int
    steps: int
    seeds: int
    last: int
    lr0: float
    f_min: float
    floors: dict
    curves: dict
    stalled_at: dict


def noise_ball(
    problem: FiniteSum,
    x0=START,
    lrs=(0.1, 0.03, 0.01),
    decays=("1/t", "1/√t", "exp"),
    lr0: float = 0.1,
    *,
    batch_size: int = 1,
    steps: int = 3000,
    seeds: int = 20,
    last: int = 1000,
) -> NoiseBall:
    """The constant lrs as one vectorised run (every lr with every seed), each decay of ``lr0``
    as one run over the seeds (``ol.run(..., schedule=LambdaLR(factor))``)."""
    problem = _finite_sum(problem)
    f_min = _f_min(problem)
    steps = _count("steps", steps, 1)
    last = _count("last", last, 1, steps)
    seeds = np.arange(_count("seeds", seeds, 1))
    lrs = tuple(float(v) for v in lrs)
    t = run(
        SGD(lr=np.array(lrs)[:, None]), problem, x0, steps,
        batch_size=batch_size, seed=seeds, keep=("loss",),
    )  # fmt: skip
    excess = t.loss - f_min  # (steps + 1, lrs, seeds)
    floors = {lr: float(excess[-last:, j].mean()) for j, lr in enumerate(lrs)}
    curves = {f"lr {lr:g}": excess[:, j].mean(axis=1) for j, lr in enumerate(lrs)}
    stalled_at = {}
    for name in decays:
        d = run(
            SGD(lr=lr0), problem, x0, steps,
            batch_size=batch_size, seed=seeds, keep=("loss",), schedule=schedule(name),
        )  # fmt: skip
        curve = (d.loss - f_min).mean(axis=1)
        curves[name] = curve
        moving = np.nonzero(np.abs(curve / curve[-1] - 1) > 0.01)[0]
        stalled_at[name] = int(moving[-1]) + 1 if moving.size else 0
    return NoiseBall(
        int(batch_size), steps, len(seeds), last, float(lr0), f_min, floors, curves, stalled_at
    )


# -- the cost of an epoch ----------------------------------------------------------------------


@dataclass(frozen=True)
class EpochCost:
    """One epoch of SGD per batch size: ``updates`` per epoch and the wall time of an epoch
    (``seconds``: the median over ``repeats`` runs of ``epochs`` epochs each, divided by
    ``epochs``), as ``ol.run`` computes it (the loss is evaluated after every update as well,
    to watch for divergence)."""

    batch_sizes: tuple
    updates: tuple
    seconds: tuple
    n: int

    def rows(self):
        """(B, updates per epoch, ms per epoch, µs per example, µs per update)."""
        return [
            (b, u, 1e3 * s, 1e6 * s / self.n, 1e6 * s / u)
            for b, u, s in zip(self.batch_sizes, self.updates, self.seconds, strict=True)
        ]


def epoch_cost(
    problem: FiniteSum,
    x0=START,
    batch_sizes=None,
    lr: float = 0.01,
    repeats: int = 5,
    epochs: int = 10,
) -> EpochCost:
    """Time an epoch (n examples) of SGD at each batch size (default 1, 16 and n), as runs
    of ``epochs`` epochs (so that a run's fixed cost is shared out)."""
    problem = _finite_sum(problem)
    repeats = _count("repeats", repeats, 1)
    epochs = _count("epochs", epochs, 1)
    if batch_sizes is None:
        batch_sizes = (1, 16, problem.n)
    sizes = tuple(_count("batch_size", b, 1, problem.n) for b in batch_sizes)
    updates, seconds = [], []
    for b in sizes:
        k = -(-problem.n // b)
        times = []
        for r in range(repeats + 1):  # the first run warms caches
            t0 = time.perf_counter()
            run(SGD(lr=lr), problem, x0, k * epochs, batch_size=b, seed=r, keep=("loss",))
            times.append((time.perf_counter() - t0) / epochs)
        updates.append(k)
        seconds.append(float(np.median(times[1:])))
    return EpochCost(sizes, tuple(updates), tuple(seconds), problem.n)


# -- the panel: paths of several seeds, and full-batch gradient descent ------------------------


def sgd_paths(
    problem: FiniteSum,
    x0,
    lr: float,
    steps: int,
    *,
    batch_size: int,
    seeds,
    decay: str = "none",
    replacement: bool = False,
) -> Trajectory:
    """Plain SGD with minibatches, one run per seed: the same numbers as
    ``ol.run(ol.SGD(lr=lr), problem, x0, steps, batch_size=..., seed=seeds,
    schedule=schedule(decay))`` (the same batches, the same arithmetic, bit for bit), in a
    lean loop fast enough for a slider: the loss is evaluated once at the end, for all
    recorded points together. A run that overflows holds NaN from its divergence step on; once
    every run has, the examples seen stop counting (``ol.run`` stops there)."""
    problem = _finite_sum(problem)
    steps = _count("steps", steps, 1)
    batch_size = _count("batch_size", batch_size, 1, problem.n)
    seeds = np.atleast_1d(np.asarray(seeds))
    if seeds.ndim != 1 or seeds.dtype.kind not in "iu" or (seeds < 0).any():
        raise ValueError(f"seeds must be non-negative integers, got {_brief(seeds)}")
    factor = _decay(decay)
    lr = float(lr)
    if not (math.isfinite(lr) and lr >= 0):
        raise ValueError(f"Invalid learning rate: {lr}")
    sampler = _Minibatches(problem.n, batch_size, seeds, bool(replacement), False)
    x = np.broadcast_to(np.asarray(x0, dtype=float), seeds.shape + np.shape(x0)).copy()
    xs = np.empty((steps + 1,) + x.shape)
    xs[0] = x
    seen = np.zeros(steps + 1, dtype=np.int64)
    seen[1:] = np.cumsum(sampler.sizes(steps))
    neg_lr = [-lr] * steps if factor is None else [-(lr * float(factor(k))) for k in range(steps)]
    grad = problem.grad
    with np.errstate(all="ignore"):
        for k in range(steps):
            x = x + neg_lr[k] * grad(x, sampler())
            xs[k + 1] = x
        loss = problem.f(xs)
    bad = ~(np.isfinite(xs).all(axis=-1) & np.isfinite(loss))
    diverged = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    if (diverged >= 0).all():  # ol.run stops once every run has overflowed: no more examples
        last = int(diverged.max())
        seen[last:] = seen[last]
    cut = bad.cumsum(axis=0) > 0
    xs[cut] = np.nan
    loss[cut] = np.nan
    return Trajectory(x=xs, loss=loss, diverged_at=diverged, step=np.arange(steps + 1), seen=seen)


@dataclass(frozen=True)
class Paths:
    """The panel's result: SGD with batch size ``batch_size`` at ``lr`` with ``decay`` for
    ``epochs`` epochs, one run per seed of ``seeds`` (``seeds[0]``, the slider's, is drawn
    bold); full-batch gradient descent at the same lr and decay over the same examples
    (``gd``); ``shown`` updates of SGD are drawn (Play). Losses are stored as f − f*."""

    batch_size: int
    lr: float
    decay: str
    seeds: np.ndarray
    epochs: int
    n: int
    sgd: Trajectory
    gd: Trajectory
    f_min: float
    shown: int

    @property
    def updates(self) -> int:
        """SGD's updates in the run (``epochs`` epochs)."""
        return self.sgd.steps

    def at(self, shown: int) -> Paths:
        """The same runs with ``shown`` updates drawn."""
        return Paths(
            self.batch_size, self.lr, self.decay, self.seeds, self.epochs, self.n, self.sgd,
            self.gd, self.f_min, int(min(max(shown, 0), self.updates)),
        )  # fmt: skip


def paths(
    problem: FiniteSum,
    batch_size: int,
    lr: float,
    decay: str = "none",
    seed: int = 0,
    *,
    x0=START,
    n_seeds: int = 5,
    epochs: int = 5,
    shown: int | None = None,
) -> Paths:
    """SGD over seeds ``seed, seed + 1, ...`` (``n_seeds`` of them) for ``epochs`` epochs, and
    full-batch gradient descent for the same number of epochs (one update each)."""
    problem = _finite_sum(problem)
    b = _count("batch_size", batch_size, 1, problem.n)
    seed = _count("seed", seed, 0)
    epochs = _count("epochs", epochs, 1)
    seeds = seed + np.arange(_count("n_seeds", n_seeds, 1))
    steps = epochs * -(-problem.n // b)
    f_min = _f_min(problem)
    sgd = sgd_paths(problem, x0, lr, steps, batch_size=b, seeds=seeds, decay=decay)
    gd = sgd_paths(problem, x0, lr, epochs, batch_size=problem.n, seeds=[0], decay=decay)
    shown = steps if shown is None else int(shown)
    sgd = _excess(sgd, f_min)
    gd = _excess(gd, f_min)
    return Paths(b, float(lr), decay, seeds, epochs, problem.n, sgd, gd, f_min, shown).at(shown)


def _excess(t: Trajectory, f_min: float) -> Trajectory:
    return Trajectory(
        x=t.x, loss=t.loss - f_min, diverged_at=t.diverged_at, step=t.step, seen=t.seen
    )


# -- checks ------------------------------------------------------------------------------------


def _finite_sum(problem) -> FiniteSum:
    if not isinstance(problem, FiniteSum):
        raise TypeError(
            f"problem must be an optimlab FiniteSum (a problem with examples), got "
            f"{_brief(problem)}"
        )
    return problem


def _f_min(problem: FiniteSum) -> float:
    if problem.minimum is None:
        raise ValueError(
            f"{problem.name or 'the problem'} has no known minimum (Problem.minimum), so f − f* "
            "cannot be measured"
        )
    return float(problem.f(np.asarray(problem.minimum, dtype=float)))


def _count(name: str, value, minimum: int, maximum: int | None = None) -> int:
    if not isinstance(value, bool):
        try:
            value = operator.index(value)
        except TypeError:
            pass
        else:
            if value >= minimum and (maximum is None or value <= maximum):
                return value
    upper = f" and <= {maximum}" if maximum is not None else ""
    raise ValueError(f"{name} must be an integer >= {minimum}{upper}, got {value!r}")
