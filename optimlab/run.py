"""Running an optimizer, on a problem (``run``) or on given gradients (``replay``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .optim.base import Optimizer
from .problems import Problem


@dataclass(frozen=True)
class Trajectory:
    """What a run records.

    ``x``: the iterates, shape ``(points, *batch, *point)``; ``x[0]`` is ``x0``.
    ``loss``: the loss at each iterate, shape ``(points, *batch)`` (``None`` for a replay).
    ``step``: the step number of each recorded point (``0, 1, 2, ...`` unless ``every`` > 1).
    ``diverged_at``: the first step whose iterate or loss is not finite (overflow), or ``None``
    for a run that stayed finite; for a sweep, an integer array of shape ``batch`` with -1 for
    the runs that stayed finite. From that step on, ``x`` and ``loss`` hold NaN, which plots leave
    out.
    """

    x: np.ndarray | None
    loss: np.ndarray | None
    diverged_at: int | None | np.ndarray
    step: np.ndarray

    @property
    def steps(self) -> int:
        """How many steps the run took (the last recorded step)."""
        return int(self.step[-1])

    def __repr__(self) -> str:
        shapes = ", ".join(
            f"{name}.shape={getattr(self, name).shape}"
            for name in ("x", "loss")
            if getattr(self, name) is not None
        )
        return f"Trajectory(steps={self.steps}, {shapes}, diverged_at={self.diverged_at!r})"


def run(
    optimizer: Optimizer,
    problem: Problem,
    x0,
    steps: int,
    *,
    every: int = 1,
    keep=("x", "loss"),
) -> Trajectory:
    """Run ``optimizer`` on ``problem`` from ``x0`` for ``steps`` steps.

    Hyperparameter arrays in ``optimizer`` make a sweep: every run starts from the same ``x0`` and
    the result gains the sweep's axes after the step axis, so ``run(SGD(lr=lrs), p, 2.0, 100).x``
    has shape ``(101, len(lrs))``, computed in one vectorised loop.

    Long runs: ``every=k`` records every k-th point (and the last), and ``keep=("loss",)`` keeps
    the loss only, so that 1000 configurations x 100,000 steps fit in memory
    (``every=1000, keep=("loss",)`` holds 101 x 1000 numbers). The loss is evaluated at recorded
    points only.

    No NumPy warning is printed: a run that overflows is cut at the step where it left the finite
    numbers (``Trajectory.diverged_at``) and holds NaN from there on. With ``every`` > 1 a loss
    that overflows while x is still finite is noticed at the next recorded point.
    """
    x0 = _check_x0(x0)
    batch = optimizer.batch_shape
    x = np.broadcast_to(x0, batch + x0.shape).copy()

    def grad_at(k, x):
        g = np.asarray(problem.grad(x), dtype=float)
        if k == 1 and g.shape != x.shape:
            raise ValueError(
                f"grad returned shape {g.shape} for x of shape {x.shape}; "
                "the gradient must have the shape of x"
            )
        return g

    def loss_at(x):
        loss = np.asarray(problem.f(x), dtype=float)
        if loss.shape != batch:
            try:
                loss = np.broadcast_to(loss, batch)
            except ValueError:
                raise ValueError(
                    f"f returned shape {loss.shape} for x of shape {x.shape}; "
                    f"expected one loss per point, shape {batch}"
                ) from None
        return loss

    hess = None
    if getattr(optimizer, "needs_hessian", False):
        if problem.hess is None:
            raise ValueError(
                f"{type(optimizer).__name__} needs the problem's Hessian: give Problem(hess=...)"
            )
        hess = problem.hess
    return _drive(optimizer, x, steps, grad_at, loss_at, hess, every, keep, x0.ndim, as_array=True)


def replay(optimizer: Optimizer, grads, x0=0.0, *, every: int = 1) -> Trajectory:
    """Run ``optimizer`` on a given gradient sequence: step t uses ``grads[t - 1]``.

    ``grads`` has shape ``(T, ...)``; the result has T + 1 points, so the movement per step is
    ``np.diff(t.x, axis=0)``. Nothing is evaluated: this is how an optimizer reacts to a stream
    of gradients, such as seed 004's thousand small gradients and one large one.
    """
    grads = np.asarray(grads, dtype=float)
    if grads.ndim == 0:
        raise ValueError(f"grads must have a step axis first, shape (T, ...); got {grads!r}")
    x0 = _check_x0(x0)
    batch = optimizer.batch_shape
    try:
        shape = np.broadcast_shapes(batch + x0.shape, grads.shape[1:])
    except ValueError:
        raise ValueError(
            f"grads of shape {grads.shape} do not fit x0 of shape {x0.shape} with the sweep "
            f"shape {batch}"
        ) from None
    x = np.broadcast_to(x0, shape).copy()
    point_ndim = len(shape) - len(batch)
    if getattr(optimizer, "needs_hessian", False):
        raise ValueError(f"{type(optimizer).__name__} needs a Hessian: use run on a Problem")
    if grads.shape[1:] == shape:
        grad_at = lambda k, x: grads[k - 1]  # noqa: E731
    else:  # one stream for every run of a sweep
        grad_at = lambda k, x: np.broadcast_to(grads[k - 1], shape)  # noqa: E731
    return _drive(optimizer, x, len(grads), grad_at, None, None, every, ("x",), point_ndim)


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


def _check_count(name: str, value, minimum: int) -> int:
    if not isinstance(value, bool):
        try:
            value = operator.index(value)
        except TypeError:
            pass
        else:
            if value >= minimum:
                return value
    kind = "a positive" if minimum == 1 else "a non-negative"
    raise ValueError(f"{name} must be {kind} integer, got {value!r}")


def _drive(
    optimizer: Optimizer,
    x: np.ndarray,
    steps,
    grad_at: Callable,
    loss_at: Callable | None,
    hess: Callable | None,
    every,
    keep,
    point_ndim: int,
    as_array: bool = False,
) -> Trajectory:
    """The loop behind run and replay: step, watch for overflow, record every k-th point.

    ``as_array``: keep x a 0-d array rather than a NumPy scalar, so that a problem's f and grad
    do the same arithmetic on a single run as on a sweep (NumPy squares scalars and arrays
    differently in the last bit). A replay calls no problem code and skips it.
    """
    steps = _check_count("steps", steps, 0)
    every = _check_count("every", every, 1)
    keep = set(keep)
    if not keep or not keep <= {"x", "loss"} or (loss_at is None and "loss" in keep):
        raise ValueError(f"keep must name 'x' and/or 'loss', got {tuple(keep)!r}")
    recorded = np.unique(np.r_[np.arange(0, steps + 1, every), steps])
    next_record = iter(recorded[1:].tolist())  # plain ints: cheap to compare in the loop
    due = next(next_record, None)
    batch = x.shape[: x.ndim - point_ndim]
    point_axes = tuple(range(len(batch), x.ndim))
    xs = np.full((len(recorded), *x.shape), np.nan) if "x" in keep else None
    losses = np.full((len(recorded), *batch), np.nan) if "loss" in keep else None
    diverged = np.full(batch, -1)
    # with every point kept, overflow is found afterwards in one pass over the record;
    # otherwise each step's x is checked as it comes
    watch = every > 1 or xs is None
    with np.errstate(all="ignore"):
        state = optimizer.init(x)
        _record(0, x, loss_at, xs, losses, diverged, 0, point_axes)
        r = 1
        for k in range(1, steps + 1):
            g = grad_at(k, x)
            if hess is None:
                x, state = optimizer.step(x, g, state)
            else:
                x, state = optimizer.step(x, g, state, hess=hess(x))
            if as_array:
                x = np.asarray(x)
            if watch:
                bad = ~np.isfinite(x).all(axis=point_axes)
                if bad.any():
                    diverged[bad & (diverged < 0)] = k
                    if (diverged >= 0).all():
                        break  # every run has overflowed: the rest is NaN
            if k == due:
                _record(k, x, loss_at, xs, losses, diverged, r, point_axes)
                r += 1
                due = next(next_record, None)
    if not watch and not np.isfinite(xs).all():
        bad = ~np.isfinite(xs).all(axis=tuple(a + 1 for a in point_axes))
        first = np.where(bad.any(axis=0), recorded[np.argmax(bad, axis=0)], -1)
        diverged = np.where((diverged < 0) | ((first >= 0) & (first < diverged)), first, diverged)
    for arr in (xs, losses):  # NaN from each run's divergence step on
        if arr is not None and (diverged >= 0).any():
            cut = (recorded[:, None] >= diverged.ravel()[None, :]) & (diverged.ravel() >= 0)
            arr.reshape(len(recorded), diverged.size, -1)[cut] = np.nan
    diverged_at = diverged if batch else (None if diverged < 0 else int(diverged))
    return Trajectory(x=xs, loss=losses, diverged_at=diverged_at, step=recorded)


def _record(k, x, loss_at, xs, losses, diverged, r, point_axes):
    if loss_at is not None and (losses is not None or k == 0):
        loss = loss_at(x)
        newly = ~np.isfinite(loss) & (diverged < 0)
        diverged[newly] = k
        if losses is not None:
            losses[r] = loss
    if xs is not None:
        xs[r] = x
