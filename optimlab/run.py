"""Running an optimizer on a problem, and what a run records."""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np

from .optim.base import Optimizer
from .problems import Problem


@dataclass(frozen=True)
class Trajectory:
    """What a run records.

    ``x``: the iterates, shape ``(steps + 1, *batch, *point)``; ``x[0]`` is ``x0``.
    ``loss``: the loss at each iterate, shape ``(steps + 1, *batch)``.
    ``diverged_at``: the first step whose iterate or loss is not finite (overflow), or ``None``
    for a run that stayed finite; for a sweep, an integer array of shape ``batch`` with -1 for
    the runs that stayed finite. From that step on, ``x`` and ``loss`` hold NaN, which plots leave
    out.
    """

    x: np.ndarray
    loss: np.ndarray
    diverged_at: int | None | np.ndarray

    @property
    def steps(self) -> int:
        return self.x.shape[0] - 1

    def __repr__(self) -> str:
        return (
            f"Trajectory(steps={self.steps}, x.shape={self.x.shape}, "
            f"diverged_at={self.diverged_at!r})"
        )


def _check_x0(x0) -> np.ndarray:
    try:
        x0 = np.array(x0, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"x0 must be a real number or an array of real numbers, got {x0!r}"
        ) from None
    if not np.isfinite(x0).all():
        raise ValueError(f"x0 must be finite, got {x0.tolist()!r}")
    return x0


def _check_steps(steps) -> int:
    if isinstance(steps, bool):
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    try:
        steps = operator.index(steps)
    except TypeError:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}") from None
    if steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    return steps


def run(optimizer: Optimizer, problem: Problem, x0, steps: int) -> Trajectory:
    """Run ``optimizer`` on ``problem`` from ``x0`` for ``steps`` steps.

    Hyperparameter arrays in ``optimizer`` make a sweep: every run starts from the same ``x0`` and
    the result gains the sweep's axes after the step axis, so ``run(SGD(lr=lrs), p, 2.0, 100).x``
    has shape ``(101, len(lrs))``, computed in one vectorised loop.

    No NumPy warning is printed: a run that overflows is cut at the step where it left the finite
    numbers (``Trajectory.diverged_at``) and holds NaN from there on.
    """
    x0 = _check_x0(x0)
    steps = _check_steps(steps)
    batch = optimizer.batch_shape
    x = np.broadcast_to(x0, batch + x0.shape).copy()
    xs = np.empty((steps + 1, *x.shape))
    losses = np.empty((steps + 1, *batch))
    with np.errstate(all="ignore"):
        loss = np.asarray(problem.f(x), dtype=float)
        try:
            losses[0] = loss
        except ValueError:
            raise ValueError(
                f"f returned shape {loss.shape} for x of shape {x.shape}; "
                f"expected one loss per point, shape {batch}"
            ) from None
        xs[0] = x
        state = optimizer.init(x)
        for k in range(1, steps + 1):
            g = np.asarray(problem.grad(x), dtype=float)
            if k == 1 and g.shape != x.shape:
                raise ValueError(
                    f"grad returned shape {g.shape} for x of shape {x.shape}; "
                    "the gradient must have the shape of x"
                )
            x, state = optimizer.step(x, g, state)
            x = np.asarray(x)  # a 0-d array, not a NumPy scalar: f and grad see the same type
            xs[k] = x
            losses[k] = problem.f(x)
    return _cut_at_divergence(xs, losses)


def _cut_at_divergence(xs: np.ndarray, losses: np.ndarray) -> Trajectory:
    point_axes = tuple(range(losses.ndim, xs.ndim))
    finite = np.isfinite(losses) & np.isfinite(xs).all(axis=point_axes)
    ok = np.logical_and.accumulate(finite, axis=0)
    first_bad = np.where(ok.all(axis=0), -1, np.argmin(ok, axis=0))
    losses[~ok] = np.nan
    xs[~ok] = np.nan
    diverged_at = first_bad if first_bad.ndim else (None if first_bad < 0 else int(first_bad))
    return Trajectory(x=xs, loss=losses, diverged_at=diverged_at)
