"""Running an optimizer, on a problem (``run``) or on given gradients (``replay``)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .optim.base import Optimizer, _brief, as_real, quiet_steps
from .problems import FiniteSum, Problem

MAX_RECORD_BYTES = 4 * 2**30  # a record larger than this is refused before the run starts


@dataclass(frozen=True)
class Trajectory:
    """What a run records.

    ``x``: the iterates, shape ``(points, *batch, *point)``; ``x[0]`` is ``x0``.
    ``loss``: the loss at each iterate, shape ``(points, *batch)`` (``None`` for a replay, or
    when not kept).
    ``step``: the step number of each recorded point (``0, 1, 2, ...`` unless ``every`` > 1).
    ``diverged_at``: the first step whose iterate or loss is not finite (overflow), or ``None``
    for a run that stayed finite; for a sweep, an integer array of shape ``batch`` with -1 for
    the runs that stayed finite. It does not depend on ``keep`` or ``every``. From that step on,
    ``x`` and ``loss`` hold NaN, which plots leave out, and the run is not stepped further.
    ``seen``: for a problem with examples (``FiniteSum``), how many examples the updates up to
    each recorded point have used (``step·n`` for full batches); otherwise ``None``.
    ``evals``: for an optimizer that evaluates the problem itself (L-BFGS), its cumulative
    function evaluations at each recorded point, shape ``(points, *batch)``; otherwise ``None``.
    ``lr``: with a ``schedule``, the learning rate that made each recorded point (``lr[0]`` is
    the first step's), shape ``(points, *batch)``, NaN after the divergence step (as a single
    run, which stops there, records it); otherwise ``None``.
    """

    x: np.ndarray | None
    loss: np.ndarray | None
    diverged_at: int | None | np.ndarray
    step: np.ndarray
    seen: np.ndarray | None = None
    evals: np.ndarray | None = None
    lr: np.ndarray | None = None

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
    batch_size: int | None = None,
    seed=None,
    replacement: bool = False,
    drop_last: bool = False,
    noise: float = 0.0,
    schedule=None,
    callback: Callable | None = None,
) -> Trajectory:
    """Run ``optimizer`` on ``problem`` from ``x0`` for ``steps`` steps.

    Hyperparameter arrays in ``optimizer`` make a sweep: every run starts from the same ``x0`` and
    the result gains the sweep's axes after the step axis, so ``run(SGD(lr=lrs), p, 2.0, 100).x``
    has shape ``(101, len(lrs))``, computed in one vectorised loop. A single run is computed as
    a sweep of one, so every column of a sweep equals the single run bit for bit.

    Long runs: ``every=k`` records every k-th point (and the last), and ``keep=("loss",)`` keeps
    the loss only, so that 1000 configurations x 100,000 steps fit in memory.

    Stochastic gradients (notebook 06), for a problem with examples (``FiniteSum``):
    ``batch_size=B`` samples as PyTorch's ``DataLoader(shuffle=True)`` does: each epoch a fresh
    permutation of the n examples, cut into batches of B (the last one smaller unless
    ``drop_last``); ``replacement=True`` draws the examples independently (both flags need a
    ``batch_size``: without one, True is a ValueError). ``batch_size=n`` is
    full-batch gradient descent. Every run of a sweep sees the same batches; ``seed`` given as
    an array runs one trajectory per seed (its axes broadcast with the sweep's: ``lr`` of shape
    ``(k, 1)`` and ``seed`` of shape ``(s,)`` run every lr with every seed).
    ``noise=σ`` (one number: for several levels, one run per level) adds N(0, σ²) to every
    gradient (d2l's model of a stochastic gradient, for problems without data), the same draws
    for every run of a sweep. ``seed`` defaults to 0.

    ``schedule``: an ``optimlab.lr_scheduler`` scheduler (a plain function of the step is not
    one: ``LambdaLR(lambda t: factor)`` scales the lr by it); the optimizer's lr (and, where the
    scheduler cycles momentum, SGD's momentum or Adam's beta1) follow it step by step, as
    torch does when ``scheduler.step()`` follows every ``optimizer.step()``.

    ``callback(step, x)`` is called at every recorded point after the start (a progress bar, a
    live plot), with ``x`` as the trajectory records it (``t.x[r]``'s shape) and read-only; if
    it returns ``False`` (or ``np.False_``) the run stops there and the trajectory ends at that
    point (a Stop button). Run it in a thread to keep a notebook responsive.

    No NumPy warning is printed: a run that overflows is cut at the step where its iterate or
    its loss left the finite numbers (``Trajectory.diverged_at``; the loss is evaluated at every
    step to decide it), holds NaN from there on and is not stepped further; a sweep stops when
    all its runs have diverged.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimlab optimizer, got {_brief(optimizer)}")
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be an optimlab Problem, got {_brief(problem)}")
    x0 = _check_x0(x0)
    steps = _check_count("steps", steps, 0)
    every = _check_count("every", every, 1)
    keep = _check_keep(keep)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {_brief(callback)}")
    seeds = _check_seed(seed)
    replacement, drop_last = _flag("replacement", replacement), _flag("drop_last", drop_last)
    if batch_size is None and (replacement or drop_last):
        name = "replacement" if replacement else "drop_last"
        raise ValueError(f"{name}=True samples minibatches: give batch_size too")
    noise_arr = as_real("noise", noise)
    if noise_arr.ndim:
        raise ValueError(
            f"noise must be one number (the gradient noise's σ), got an array of shape "
            f"{noise_arr.shape}: for several noise levels, run once per level"
        )
    noise = float(noise_arr)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    point = x0.shape
    starts = ()
    if problem.point_shape is not None:
        point = tuple(problem.point_shape)
        if x0.shape[x0.ndim - len(point) :] != point or x0.ndim < len(point):
            raise ValueError(
                f"x0 has shape {x0.shape}; {problem.name or 'the problem'} takes points of shape "
                f"{point} (with any sweep axes over starting points in front)"
            )
        starts = x0.shape[: x0.ndim - len(point)]
    sched_shape = ()
    if schedule is not None:
        first = _start_schedule(schedule, optimizer)[1]  # checks what schedule is, first
        sched_shape = np.shape(schedule.lr(first))
    batch = _run_batch(optimizer, seeds, starts, sched_shape)
    work = batch or (1,)  # a single run is a sweep of one: the same arithmetic as a column
    optimizer = optimizer._with_batch_ndim(len(work))
    x = np.broadcast_to(x0, work + point).copy()
    evaluate = _Evaluator(problem, point, work)
    sampler = None
    if batch_size is not None:
        if not isinstance(problem, FiniteSum):
            raise ValueError(
                f"batch_size needs a problem with examples (an optimlab FiniteSum); "
                f"{problem.name or type(problem).__name__!r} has none"
            )
        sampler = _Minibatches(
            problem.n,
            _check_count("batch_size", batch_size, 1, maximum=problem.n),
            seeds,
            replacement,
            drop_last,
        )
    noise_rng = _NoiseSource(noise, seeds, point) if noise > 0 else None
    needs_closure = getattr(optimizer, "needs_closure", False)
    if needs_closure and (noise_rng is not None or (sampler and seeds.ndim)):
        raise ValueError(
            f"{type(optimizer).__name__} evaluates the problem itself: it takes no gradient "
            "noise and one seed at a time"
        )
    hess_at = None
    if getattr(optimizer, "needs_hessian", False):
        if problem.hess is None:
            raise ValueError(
                f"{type(optimizer).__name__} needs the problem's Hessian: give Problem(hess=...)"
            )
        hess_at = evaluate.hess
    return _drive(
        optimizer=optimizer,
        x=x,
        steps=steps,
        every=every,
        keep=keep,
        point_ndim=len(point),
        squeeze=not batch,
        evaluate=evaluate,
        sampler=sampler,
        noise=noise_rng,
        hess_at=hess_at,
        schedule=schedule,
        callback=callback,
    )


def replay(optimizer: Optimizer, grads, x0=0.0, *, every: int = 1) -> Trajectory:
    """Run ``optimizer`` on a given gradient sequence: step t uses ``grads[t - 1]``.

    ``grads`` has shape ``(T, *point)``, one stream for every run of a sweep, or
    ``(T, *sweep, *point)``, one stream per run; the point's shape is ``x0``'s (a scalar ``x0``
    without a sweep takes the gradients' shape). The result has T + 1 points, so the movement
    per step is ``np.diff(t.x, axis=0)``. Nothing is evaluated: this is how an optimizer reacts
    to a stream of gradients, such as seed 004's thousand small gradients and one large one.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimlab optimizer, got {_brief(optimizer)}")
    for flag in ("needs_hessian", "needs_closure", "needs_loss"):
        if getattr(optimizer, flag, False):
            raise ValueError(
                f"{type(optimizer).__name__} needs the problem itself, not only gradients: "
                "use run on a Problem"
            )
    every = _check_count("every", every, 1)
    grads = as_real("grads", grads)
    if grads.ndim == 0:
        raise ValueError(f"grads must have a step axis first, shape (T, ...); got {grads!r}")
    if not np.isfinite(grads).all():
        raise ValueError("grads must be finite numbers; they hold NaN or infinity")
    x0 = _check_x0(x0)
    batch = optimizer.batch_shape
    point = x0.shape if (x0.ndim or batch) else grads.shape[1:]
    shape = batch + point
    try:
        fits = np.broadcast_shapes(shape, grads.shape[1:]) == shape
    except ValueError:
        fits = False
    if not fits or (grads.ndim - 1 > len(point) and grads.shape[1:] != shape):
        per_run = f" or (T, *sweep, *point) = (T, {', '.join(map(str, shape))})" if batch else ""
        raise ValueError(
            f"grads has shape {grads.shape}; expected (T, *point) = "
            f"(T, {', '.join(map(str, point))}){per_run}, the point's shape being x0's "
            f"{x0.shape} (for d-dimensional gradients give x0 = np.zeros(d))"
        )
    # no problem code runs here, so a single replay steps on plain NumPy scalars or arrays of
    # the point's shape (several times faster than a sweep of one for a long scalar stream)
    x = np.broadcast_to(x0, shape).copy()
    if x.ndim == 0:
        x = x[()]
    pad = (1,) * (len(shape) - (grads.ndim - 1))  # align the gradients' axes on the right
    stream = np.broadcast_to(
        grads.reshape((len(grads),) + pad + grads.shape[1:]), (len(grads),) + shape
    )

    def grad_at(k, x, i=None):
        return stream[k - 1]

    return _drive(
        optimizer=optimizer,
        x=x,
        steps=len(grads),
        every=every,
        keep={"x"},
        point_ndim=len(point),
        squeeze=False,
        evaluate=_Replay(grad_at),
    )


# -- checks ------------------------------------------------------------------------------------


def _check_x0(x0) -> np.ndarray:
    x0 = as_real("x0", x0)
    if not np.isfinite(x0).all():
        raise ValueError(f"x0 must be finite, got {x0.tolist()!r}")
    return x0


def _check_count(name: str, value, minimum: int, maximum: int | None = None) -> int:
    if not isinstance(value, bool):
        try:
            value = operator.index(value)
        except TypeError:
            pass
        else:
            if value >= minimum and (maximum is None or value <= maximum):
                return value
    if maximum is not None:
        raise ValueError(f"{name} must be an integer from {minimum} to {maximum}, got {value!r}")
    kind = "a positive" if minimum == 1 else "a non-negative"
    raise ValueError(f"{name} must be {kind} integer, got {_brief(value)}")


def _check_keep(keep) -> set:
    if isinstance(keep, str) or not isinstance(keep, (tuple, list, set, frozenset)):
        raise TypeError(
            f"keep must be a tuple of names from ('x', 'loss'), got {keep!r}"
            + (f"; write keep=({keep!r},)" if isinstance(keep, str) else "")
        )
    names = {name for name in keep if isinstance(name, str)}
    if not names or len(names) != len(set(map(repr, keep))) or not names <= {"x", "loss"}:
        raise ValueError(f"keep must name 'x' and/or 'loss', got {tuple(keep)!r}")
    return names


def _flag(name, value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {_brief(value)}")


def _check_seed(seed) -> np.ndarray:
    """The seed(s) as an integer array (0-d for one seed); ``None`` is seed 0."""
    if seed is None:
        return np.asarray(0)
    arr = np.asarray(seed) if not isinstance(seed, (str, bytes)) else None
    if (
        arr is None
        or arr.dtype.kind not in "iu"
        or isinstance(seed, (bool, np.bool_))
        or (arr.size and arr.min() < 0)
        or arr.size == 0
    ):
        raise ValueError(
            f"seed must be a non-negative integer or an array of them, got {_brief(seed)}"
        )
    return arr


def _run_batch(optimizer: Optimizer, seeds: np.ndarray, starts: tuple, scheduled=()) -> tuple:
    """The run's sweep shape: the hyperparameters', the seeds' and the starting points' shapes
    broadcast together, aligned on the right as NumPy aligns them."""
    shapes = {"the hyperparameters' sweep": optimizer.batch_shape, "seed": seeds.shape}
    shapes["the starting points in x0"] = starts
    shapes["the schedule's parameters"] = scheduled
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items() if shape)
        raise ValueError(
            f"sweep shapes do not broadcast together: {listed} (for every lr with every seed, "
            "give lr the shape (k, 1) and seed the shape (s,))"
        ) from None


def _record_size_check(points, shape, steps, every):
    try:
        size = float(points) * float(np.prod(shape, dtype=float)) * 8
    except OverflowError:  # steps past 1e308
        size = math.inf
    if size > MAX_RECORD_BYTES:
        raise ValueError(
            f"steps={steps} with every={every} would record {points} points of shape {shape} "
            f"({size / 2**30:.3g} GiB); record fewer with every=k or keep=('loss',)"
        )


# -- what a step evaluates -----------------------------------------------------------------


class _Evaluator:
    """The problem's f, grad and hess at a batch of points, every result checked (real numbers,
    the right shape; the first also not NaN at x0), as a clear error naming the function. A
    float array of the right shape, the common case, costs two comparisons."""

    def __init__(self, problem: Problem, point: tuple, work: tuple):
        self.problem, self.point, self.work = problem, point, work
        self.finite_sum = isinstance(problem, FiniteSum)
        self.all = problem.all if self.finite_sum else None
        self._checked: set = set()

    def _call(self, name, fn, x, i, shape):
        out = fn(x) if i is None else fn(x, i)
        if type(out) is np.ndarray and out.dtype.kind == "f" and out.shape == shape:
            if name in self._checked:  # the common case, checked at every call: cheap
                return out if out.dtype == np.float64 else out.astype(float)
        count = int(np.prod(self.work))
        where = (
            f"for x of shape {x.shape} (a batch of {count} point{'s' * (count > 1)} of shape "
            f"{self.point})"
        )
        arr = np.asarray(out) if not isinstance(out, (str, bytes)) else None
        if arr is None or arr.dtype.kind not in "biuf":
            kind = "complex numbers" if arr is not None and arr.dtype.kind == "c" else None
            raise TypeError(
                f"{name} must return real numbers; {where} it returned {kind or _brief(out)}"
            )
        arr = arr.astype(float)
        if arr.shape != shape:
            what = "one loss per point" if name.startswith("f") else "an array of x's shape"
            raise ValueError(
                f"{name} must return {what}: {where} it returned shape {arr.shape}, "
                f"expected {shape}"
            )
        if name not in self._checked:
            if np.isnan(arr).any():
                raise ValueError(f"{name} returned NaN at the start x0 ({_brief(x[0].tolist())})")
            self._checked.add(name)
        return arr

    def loss(self, x):
        return self._call("f", self.problem.f, x, self.all, x.shape[: len(self.work)])

    def grad(self, k, x, i=None):
        i = self.all if i is None else i
        return self._call("grad", self.problem.grad, x, i, x.shape)

    def batch_loss(self, x, i):
        if i is None:
            return self.loss(x)
        return self._call("f (on a minibatch)", self.problem.f, x, i, x.shape[: len(self.work)])

    def hess(self, x):
        h = self.problem.hess(x)
        arr = np.asarray(h) if not isinstance(h, (str, bytes)) else None
        if arr is None or arr.dtype.kind not in "biuf":
            raise TypeError(f"hess must return real numbers, got {_brief(h)}")
        d = self.point
        if len(d) > 1:
            raise ValueError(f"Newton's method needs a scalar or a vector point; x0 has shape {d}")
        if d:  # a (d, d) matrix per point
            want, what = x.shape + d, f"a {d + d} matrix per point, shape (..., {d[0]}, {d[0]})"
            ok = arr.ndim >= 2 and arr.shape[-2:] == d + d
        else:  # one second derivative per point
            want, what = x.shape, f"one second derivative per point, shape {x.shape}"
            ok = arr.ndim <= x.ndim
        if ok:
            try:
                return np.broadcast_to(arr.astype(float), want)
            except ValueError:
                pass
        raise ValueError(
            f"hess must return {what}; for x of shape {x.shape} it returned shape {arr.shape}"
        )

    def closure(self, i):
        def fg(xx):
            xx = np.asarray(xx, dtype=float)
            if i is None:
                return self.problem.f(xx), self.problem.grad(xx)
            return self.problem.f(xx, i), self.problem.grad(xx, i)

        return fg


class _Replay:
    """A replay's stand-in for the evaluator: gradients from the stream, no loss."""

    finite_sum = False

    def __init__(self, grad_at):
        self.grad = grad_at

    loss = None


class _Minibatches:
    """Example indices per step, as ``DataLoader(shuffle=True, batch_size=B)``: each epoch a
    fresh permutation (or, with ``replacement``, n independent draws) cut into batches of B,
    the last one smaller unless ``drop_last``. One generator per seed; with several seeds the
    indices have shape ``(*seeds.shape, b)``. Each batch's indices come sorted (the mean does
    not depend on their order)."""

    def __init__(self, n, batch_size, seeds, replacement, drop_last):
        self.n, self.b, self.replacement = n, batch_size, replacement
        self.rngs = [np.random.default_rng(int(s)) for s in seeds.ravel()]
        self.seed_shape = seeds.shape
        per_epoch = n // batch_size if drop_last else -(-n // batch_size)
        self.cuts = [(j * batch_size, min((j + 1) * batch_size, n)) for j in range(per_epoch)]
        self.order, self.j = None, len(self.cuts)

    def __call__(self):
        if self.j == len(self.cuts):
            draw = (
                (lambda r: r.integers(0, self.n, size=self.n))
                if self.replacement
                else (lambda r: r.permutation(self.n))
            )
            order = np.stack([draw(r) for r in self.rngs]).reshape(self.seed_shape + (self.n,))
            # each batch sorted: the same examples, summed in index order, so that
            # batch_size=n is full-batch gradient descent to the last bit
            if self.b > 1:  # once per epoch, all batches of B at once, then the last one
                end = self.cuts[-1][1]
                whole = end - end % self.b
                head = order[..., :whole]
                cut = head.reshape(head.shape[:-1] + (-1, self.b))
                order[..., :whole] = np.sort(cut, axis=-1).reshape(head.shape)
                order[..., whole:end] = np.sort(order[..., whole:end], axis=-1)
            order.setflags(write=False)  # batches are views of it, handed to gradients
            self.order = order
            self.j = 0
        lo, hi = self.cuts[self.j]
        self.j += 1
        return self.order[..., lo:hi]

    def sizes(self, steps):
        """The sizes of the sampler's first ``steps`` batches, epoch after epoch."""
        per_epoch = np.array([hi - lo for lo, hi in self.cuts], dtype=np.int64)
        return np.resize(per_epoch, steps)


class _NoiseSource:
    """N(0, σ²) per gradient entry and step, one generator per seed (independent of the
    minibatch sampling: its own stream of the seed)."""

    def __init__(self, sigma, seeds, point):
        self.sigma, self.point, self.seed_shape = sigma, point, seeds.shape
        self.rngs = [
            np.random.default_rng(np.random.SeedSequence(int(s)).spawn(2)[1]) for s in seeds.ravel()
        ]

    def __call__(self, point_ndim, work_ndim):
        z = np.stack([r.standard_normal(self.point) for r in self.rngs]).reshape(
            self.seed_shape + self.point
        )
        if not self.seed_shape:
            return self.sigma * z
        pad = work_ndim - len(self.seed_shape)  # seed axes are the trailing batch axes
        return self.sigma * z.reshape((1,) * pad + z.shape)


# -- the loop ---------------------------------------------------------------------------------


def _drive(
    *,
    optimizer: Optimizer,
    x: np.ndarray,
    steps: int,
    every: int,
    keep: set,
    point_ndim: int,
    squeeze: bool,
    evaluate,
    sampler: Callable | None = None,
    noise: Callable | None = None,
    hess_at: Callable | None = None,
    schedule=None,
    callback: Callable | None = None,
) -> Trajectory:
    """The loop behind run and replay: step, decide divergence, record every k-th point.

    Divergence has one definition: the first step whose iterate, or whose loss (evaluated at
    every step where there is a loss), is not finite. A run that diverged holds NaN from there
    on; the loop ends once every run of the sweep has diverged.
    """
    has_loss = evaluate.loss is not None
    if "loss" in keep and not has_loss:
        raise ValueError(f"keep must name 'x' and/or 'loss', got {tuple(keep)!r}")
    points = steps // every + 1 + (steps % every != 0)
    x_shape = np.shape(x)
    batch = np.shape(x)[: np.ndim(x) - point_ndim]
    point_axes = tuple(range(len(batch), len(x_shape)))
    if "x" in keep:
        _record_size_check(points, x_shape, steps, every)
    _record_size_check(points, batch, steps, every)  # the losses (or lrs, evals)
    recorded = np.unique(np.r_[np.arange(0, steps + 1, every), steps])
    xs = np.full((points, *x_shape), np.nan) if "x" in keep else None
    losses = np.full((points, *batch), np.nan) if "loss" in keep else None
    seen = np.zeros(points, dtype=np.int64) if evaluate.finite_sum else None
    needs_closure = getattr(optimizer, "needs_closure", False)
    needs_loss = getattr(optimizer, "needs_loss", False)
    evals = np.zeros((points, *batch), dtype=np.int64) if needs_closure else None
    lrs = np.full((points, *batch), np.nan) if schedule is not None else None
    diverged = np.full(batch, -1)
    n = evaluate.problem.n if evaluate.finite_sum else 0
    opt, sched_state, momentum_name = optimizer, None, None
    last_scheduled: dict = {}  # the previous step's scheduled optimizer (see _scheduled)
    if schedule is not None:
        momentum_name, sched_state = _start_schedule(schedule, optimizer)
    with np.errstate(all="ignore"), quiet_steps():
        state = optimizer.init(x)
        loss = evaluate.loss(x) if has_loss else None
        _watch(0, x, loss, diverged, point_axes)
        if xs is not None:
            xs[0] = x
        if losses is not None:
            losses[0] = loss
        r, due, used = 1, (every if every <= steps else steps), 0
        for k in range(1, steps + 1):
            i = sampler() if sampler is not None else None
            if schedule is not None:
                opt = _scheduled(optimizer, schedule, sched_state, momentum_name, k, last_scheduled)
            extra = {}
            if needs_closure:
                g = None
                extra["closure"] = evaluate.closure(i)
            else:
                g = evaluate.grad(k, x, i)
                if noise is not None:
                    g = g + noise(point_ndim, len(batch))
            if hess_at is not None:
                extra["hess"] = hess_at(x)
            if needs_loss:
                extra["loss"] = evaluate.batch_loss(x, i) if i is not None else loss
            x, state = opt.step(x, g, state, **extra)
            if evaluate.finite_sum:
                used += n if i is None else i.shape[-1]
            loss = evaluate.loss(x) if has_loss else None
            if schedule is not None:
                lr_used = opt.lr
                if getattr(schedule, "needs_loss", False):  # ReduceLROnPlateau
                    sched_state = schedule.step(sched_state, loss=_scalar_loss(loss, squeeze))
                else:
                    sched_state = schedule.step(sched_state)
            if lrs is not None and k == 1:
                lrs[0] = lr_used
            stop = _watch(k, x, loss, diverged, point_axes)
            if k == due:
                if xs is not None:
                    xs[r] = x
                if losses is not None:
                    losses[r] = loss
                if seen is not None:
                    seen[r:] = used
                if evals is not None:
                    evals[r:] = state.get("func_evals", np.nan)
                if lrs is not None:
                    lrs[r] = lr_used
                r += 1
                due = min(due + every, steps)
                if callback is not None and _stops(callback(k, _shown(x, squeeze))):
                    recorded = recorded[:r]  # stopped: the record ends at this point
                    xs, losses, seen, evals, lrs = (
                        None if a is None else a[:r] for a in (xs, losses, seen, evals, lrs)
                    )
                    break
            if stop:  # every run has diverged: the rest of the record stays NaN
                if seen is not None:
                    seen[r:] = used
                break
    for arr, after in ((xs, 0), (losses, 0), (lrs, 1)):  # NaN from each run's divergence on
        if arr is not None and (diverged >= 0).any():  # (the lr that made that step is kept)
            cut = (recorded[:, None] >= diverged.ravel()[None, :] + after) & (diverged.ravel() >= 0)
            arr.reshape(len(recorded), diverged.size, -1)[cut] = np.nan
    if squeeze:  # a single run: drop the sweep-of-one axis
        xs = None if xs is None else xs[:, 0]
        losses = None if losses is None else losses[:, 0]
        evals = None if evals is None else evals[:, 0]
        lrs = None if lrs is None else lrs[:, 0]
    if squeeze or not batch:
        d = int(diverged.ravel()[0])
        diverged_at = None if d < 0 else d
    else:
        diverged_at = diverged
    return Trajectory(
        x=xs, loss=losses, diverged_at=diverged_at, step=recorded, seen=seen, evals=evals, lr=lrs
    )


def _watch(k, x, loss, diverged, point_axes) -> bool:
    """Mark the runs whose iterate or loss left the finite numbers at step k; True once every
    run has diverged. A finite sum of everything means nothing overflowed (one pass, the
    common case); only then is each run looked at."""
    total = x if isinstance(x, float) else x.sum()  # NumPy float64 scalars are floats
    if loss is not None:
        total = total + loss.sum()
    if math.isfinite(total):
        return False
    bad = ~np.isfinite(x).all(axis=point_axes)
    if loss is not None:
        bad |= ~np.isfinite(loss)
    if bad.any():
        diverged[bad & (diverged < 0)] = k
        return bool((diverged >= 0).all())
    return False


def _shown(x, squeeze):
    """The iterate as the callback sees it: the user's shape (a single run without its
    sweep-of-one axis), read-only (the run's own array is not the callback's to change)."""
    view = x[0] if squeeze else x.view()
    if isinstance(view, np.ndarray):
        view.flags.writeable = False
    else:  # a NumPy scalar: a read-only 0-d array, as np.asarray(x)[()] would be
        view = np.array(view)
        view.flags.writeable = False
    return view


def _stops(answer) -> bool:
    """Whether a callback's answer asks to stop: False, Python's or NumPy's (None, the answer
    of a callback without return, and other falsy values go on)."""
    return isinstance(answer, (bool, np.bool_)) and not answer


def _scalar_loss(loss, squeeze):
    if loss is None:
        return None
    return float(loss[0]) if squeeze else loss


def _start_schedule(schedule, optimizer):
    """The optimizer's hyperparameter that a momentum-cycling schedule drives (torch's choice:
    beta1 for the Adam family, else momentum; torch's error for an optimizer with neither),
    and the schedule's first state."""
    for attr in ("init", "step", "lr", "check_optimizer"):
        if isinstance(schedule, type) or not callable(getattr(schedule, attr, None)):
            raise TypeError(
                f"schedule must be an optimlab.lr_scheduler scheduler, got {_brief(schedule)}"
                + (
                    " (a class: make one, e.g. StepLR(step_size=10))"
                    if isinstance(schedule, type)
                    else "; for a function of the step, LambdaLR(lambda t: factor) scales the lr"
                    if callable(schedule)
                    else ""
                )
            )
    momentum_name = schedule.check_optimizer(optimizer)
    base_momentum = getattr(optimizer, momentum_name) if momentum_name else None
    return momentum_name, schedule.init(optimizer.lr, base_momentum)


def _scheduled(optimizer, schedule, state, momentum_name, k, last=None):
    """The optimizer with the schedule's lr (and momentum or beta1) for step ``k``. ``last``
    (a dict kept by the loop) holds the previous step's values and optimizer, reused while the
    values stay the same (StepLR's long flat stretches): the same checks, made once."""
    changes = {"lr": schedule.lr(state)}
    if momentum_name == "momentum":
        changes["momentum"] = schedule.momentum(state)
    elif momentum_name == "beta1":
        changes["betas"] = (schedule.momentum(state), optimizer.beta2)
    if last is not None and last.get("changes") is not None and _same(last["changes"], changes):
        return last["optimizer"]
    try:
        new = optimizer.replace(**changes)
    except ValueError as error:  # an lr that overflowed, or went negative
        shown = ", ".join(f"{n}={_brief(v)}" for n, v in changes.items())
        raise ValueError(
            f"before step {k}, the schedule {_brief(schedule)} gave {shown}, which "
            f"{type(optimizer).__name__} refuses ({error})"
        ) from None
    opt = new._with_batch_ndim(len(optimizer.batch_shape))
    if last is not None:
        last["changes"], last["optimizer"] = changes, opt
    return opt


def _same(a: dict, b: dict) -> bool:
    """Whether two steps' scheduled values are identical (floats, tuples or arrays)."""
    for name, va in a.items():
        vb = b[name]
        if isinstance(va, tuple):
            if not all(_same({0: x}, {0: y}) for x, y in zip(va, vb, strict=True)):
                return False
        elif not (
            np.shape(va) == np.shape(vb)
            and np.array_equal(va, vb)
            and np.array_equal(np.signbit(va), np.signbit(vb))  # 0.0 is not -0.0
        ):
            return False
    return True
