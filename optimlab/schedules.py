"""Notebook 07's numbers: learning-rate schedules (学习率调度) at work. NumPy only.

Every function runs ``optimlab.run`` with an ``optimlab.lr_scheduler`` scheduler and returns a
frozen result that a cell prints or a panel draws:

- ``range_test``: Smith's LR range test, one run with the lr growing exponentially per step,
  and ``lr_sweep``, its vectorised alternative (one run per constant lr, all at once); both
  read a suggested [base_lr, max_lr] off the curve (``suggest_range``);
- ``anneal``: why anneal: constant, step, exponential, cosine and 1/t on notebook 06's noisy
  linear fit, the same steps and the same seeds, and the loss each ends at;
- ``warmup``: Adam with and without a linear warm-up (LinearLR, then SequentialLR into cosine)
  and RAdam, whose rectification r_t (``theory.radam_rectification``) is a warm-up built in;
- ``cyclic``, ``sgdr_restarts``, ``one_cycle``: CyclicLR with the range test's bounds, SGDR's
  restarts for T_0 and T_mult, the 1cycle policy;
- ``eve_feedback`` / ``eve_run``: Eve's d_t over a run (seed 003's remark);
- ``schedule_run``: what the schedule explorer panel shows (a scheduler by name and its
  parameters, against a constant lr).

The problem is the course's line y = 3x + 300 (seed 003) with noise and standardised x,
fitted by minibatch SGD (``course_fit``); losses are reported above the fit's minimum
("excess loss"), so that 0 means the least-squares line itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import lr_scheduler as L
from .optim import SGD, Adam, Eve, RAdam
from .optim.base import Optimizer
from .problems import FiniteSum, Problem, noisy_bowl
from .run import Trajectory, run
from .stochastic import course_data, course_fit  # notebook 06's problem
from .theory import radam_rectification

# -- the problem ----------------------------------------------------------------------------


def _standardised(n: int = 128, noise: float = 5.0, seed: int = 3):
    """Notebook 06's points with x standardised, as ``course_fit`` fits them."""
    x, y = course_data(n, noise, seed)
    return (x - x.mean()) / x.std(), y


FIT_DATA = _standardised()
FIT = course_fit()
_SXX, _SX = float(np.mean(FIT_DATA[0] ** 2)), float(np.mean(FIT_DATA[0]))
FIT_X0 = (-5.0, 300.0)  # notebook 06's start: the slope wrong by 14, the intercept by 15
FIT_MIN = float(FIT.f(np.array(FIT.minimum)))  # the loss at the least-squares line
BATCH = 1  # one example per update, notebook 06's SGD: 128 updates per epoch
MOMENTUM_BATCH = 8  # SGD with momentum (cyclical, one-cycle, the explorer): 16 per epoch
SEEDS = np.arange(20)  # the same 20 seeds (example orders) for every schedule


def excess(loss):
    """The loss above the fit's minimum (0 at the least-squares line)."""
    return np.asarray(loss) - FIT_MIN


def _opt(optimizer, default):
    optimizer = default if optimizer is None else optimizer
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimlab optimizer, got {optimizer!r}")
    return optimizer


def _positive(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _count(name, value, minimum=1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# -- the LR range test ---------------------------------------------------------------------


@dataclass(frozen=True)
class RangeTest:
    """Loss against lr, and the range read off the curve.

    ``lrs``: the learning rates; ``losses``: the loss (above the minimum) at each, for the
    exponential run the loss after the step made at that lr; ``smoothed``: what the range is
    read from (the exponential run's losses averaged as fastai does, an EMA with bias
    correction; the sweep's final losses as they are); ``stop``: how many points are used
    (the curve is cut where the loss has grown ``diverge`` times its lowest, or overflowed);
    ``base_lr``, ``max_lr``: the suggested range (``suggest_range``); ``kind``: "exponential"
    or "sweep"."""

    kind: str
    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stop: int
    base_lr: float
    max_lr: float
    steps: int


def suggest_range(lrs, losses, drop: float = 0.1, diverge: float = 4.0):
    """(base_lr, max_lr, stop) read off a loss-against-lr curve, Smith's way (WACV'17 §3.3:
    "note the learning rate value when the accuracy starts to increase and when [it] slows,
    becomes ragged, or starts to fall"), for a loss: base_lr is the first lr at which the loss
    has fallen ``drop`` (10%) below where it started, max_lr the lr at its lowest point before
    it turns up. The curve is cut at the first point where the loss exceeds ``diverge`` times
    its lowest so far, or is not finite; ``stop`` is the number of points kept."""
    lrs = np.asarray(lrs, dtype=float)
    y = np.asarray(losses, dtype=float)
    if lrs.ndim != 1 or y.shape != lrs.shape or lrs.size < 2:
        raise ValueError(
            f"lrs and losses must be 1-D of one length >= 2, got {lrs.shape} and {y.shape}"
        )
    if not (0 < drop < 1):
        raise ValueError(f"drop must be in (0, 1), got {drop!r}")
    if not y[0] > 0 or not np.isfinite(y[0]):
        raise ValueError(f"the first loss must be finite and > 0, got {y[0]!r}")
    with np.errstate(invalid="ignore"):
        best = np.fmin.accumulate(np.where(np.isfinite(y), y, np.inf))
        bad = ~np.isfinite(y) | (y > diverge * best)
    stop = int(np.argmax(bad)) if bad.any() else y.size
    stop = max(stop, 2)
    kept = y[:stop]
    i_max = int(np.nanargmin(kept))
    fallen = np.nonzero(kept[: i_max + 1] <= (1 - drop) * y[0])[0]
    i_base = int(fallen[0]) if fallen.size else 0
    return float(lrs[i_base]), float(lrs[i_max]), stop


def _smooth(y, beta):
    """fastai's smoothing for the range test: an EMA of the losses with bias correction
    (β = 0.6 here, not fastai's 0.98: these are full losses, not one batch's, and a long EMA
    lags the curve, moving its minimum to larger lrs)."""
    out, avg = np.empty_like(y), 0.0
    for k, v in enumerate(y):
        avg = beta * avg + (1 - beta) * v
        out[k] = avg / (1 - beta ** (k + 1))
    return out


def range_test(
    optimizer=None,
    *,
    lr_min: float = 1e-4,
    lr_max: float = 10.0,
    steps: int = 100,
    problem: Problem | None = None,
    x0=FIT_X0,
    batch_size: int | None = BATCH,
    seed: int = 0,
    beta: float = 0.6,
) -> RangeTest:
    """Smith's LR range test: one run of ``steps`` steps whose lr grows exponentially from
    ``lr_min`` to ``lr_max`` (``LambdaLR(lambda t: q**t)``, q = (lr_max/lr_min)^(1/(steps −
    1))), the loss after each step plotted against the lr that made it. ``optimizer``: the
    optimizer to test (its lr is replaced; default plain SGD); ``problem``: default the
    course's noisy fit with minibatches of ``batch_size``."""
    opt = _opt(optimizer, SGD(lr=lr_min))
    lr_min, lr_max = _positive("lr_min", lr_min), _positive("lr_max", lr_max)
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be above lr_min, got {lr_min!r} and {lr_max!r}")
    steps = _count("steps", steps, 2)
    q = (lr_max / lr_min) ** (1 / (steps - 1))
    sched = L.LambdaLR(lambda t: q**t)
    problem = FIT if problem is None else problem
    t = run(
        opt.replace(lr=lr_min), problem, x0, steps, schedule=sched,
        batch_size=batch_size if isinstance(problem, FiniteSum) else None, seed=seed,
    )  # fmt: skip
    lrs = t.lr[1:]
    y = t.loss[1:] - (FIT_MIN if problem is FIT else 0.0)
    smooth = _smooth(np.where(np.isfinite(y), y, np.inf), beta)
    base, top, stop = suggest_range(lrs, smooth)
    return RangeTest("exponential", lrs, y, smooth, stop, base, top, steps)


def lr_sweep(
    optimizer=None,
    *,
    lr_min: float = 1e-4,
    lr_max: float = 10.0,
    n: int = 41,
    steps: int = 20,
    problem: Problem | None = None,
    x0=FIT_X0,
    batch_size: int | None = BATCH,
    seed: int = 0,
) -> RangeTest:
    """The range test's vectorised alternative: ``n`` constant lrs ``geomspace(lr_min,
    lr_max, n)``, each run for ``steps`` steps (one epoch by default), in one vectorised run
    on the same batches; the loss each ends at, against its lr."""
    opt = _opt(optimizer, SGD(lr=lr_min))
    lr_min, lr_max = _positive("lr_min", lr_min), _positive("lr_max", lr_max)
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be above lr_min, got {lr_min!r} and {lr_max!r}")
    lrs = np.geomspace(lr_min, lr_max, _count("n", n, 2))
    problem = FIT if problem is None else problem
    t = run(
        opt.replace(lr=lrs), problem, x0, _count("steps", steps), keep=("loss",),
        batch_size=batch_size if isinstance(problem, FiniteSum) else None, seed=seed,
    )  # fmt: skip
    y = t.loss[-1] - (FIT_MIN if problem is FIT else 0.0)
    base, top, stop = suggest_range(lrs, y)
    return RangeTest("sweep", lrs, y, y, stop, base, top, int(steps))


# -- why anneal -------------------------------------------------------------------------------


def anneal_schedules(steps: int) -> dict:
    """The annealing schedules compared in ``anneal``, all starting at the base lr: constant;
    StepLR (×0.1 at a third and two thirds of the run); ExponentialLR (γ = 0.98); cosine
    over the run; 1/t (LambdaLR, base·1/(1 + t/20))."""
    third = max(steps // 3, 1)
    return {
        "constant": None,
        "step": L.StepLR(third, 0.1),
        "exponential": L.ExponentialLR(0.98),
        "cosine": L.CosineAnnealingLR(steps),
        "1/t": L.LambdaLR(lambda t: 1 / (1 + t / 20)),
    }


@dataclass(frozen=True)
class Annealing:
    """The schedules' lrs (steps,) and excess losses, (steps + 1, seeds) each, and the final
    excess loss averaged over the seeds."""

    lr: float
    steps: int
    seeds: np.ndarray
    lrs: dict
    losses: dict
    final: dict


def anneal(lr: float = 0.1, steps: int = 3000, seeds=SEEDS) -> Annealing:
    """SGD at ``lr`` on notebook 06's fit, one example per update, under each of
    ``anneal_schedules(steps)``: the same steps, the same seeds (the same example orders), the
    excess loss at every step (``sgd_on_fit``: ``run``'s numbers to round-off). With a
    constant lr the run settles in a noise ball; the decaying schedules shrink it, unless they
    decay so fast that they stall first."""
    lr = _positive("lr", lr)
    steps = _count("steps", steps)
    seeds = np.asarray(seeds)
    lrs, losses, final = {}, {}, {}
    for name, sched in anneal_schedules(steps).items():
        lrs[name] = np.full(steps, lr) if sched is None else sched.lrs(lr, steps)
        losses[name] = sgd_on_fit(lrs[name], None, 0.0, seeds)
        final[name] = float(losses[name][-1].mean())
    return Annealing(lr, steps, seeds, lrs, losses, final)


# -- warm-up ------------------------------------------------------------------------------------


def warmup_cosine(warmup_steps: int, steps: int, start_factor: float = 0.01):
    """Linear warm-up, then cosine: ``SequentialLR([LinearLR(start_factor, total_iters=w),
    CosineAnnealingLR(steps − w)], milestones=[w])``."""
    w = _count("warmup_steps", warmup_steps)
    steps = _count("steps", steps, w + 1)
    return L.SequentialLR(
        [L.LinearLR(start_factor, total_iters=w), L.CosineAnnealingLR(steps - w)], [w]
    )


@dataclass(frozen=True)
class Warmup:
    """Adam, Adam with warm-up into cosine, Adam with cosine alone, RAdam: the step length
    |Δx| at each step, (steps, seeds), and the distance from the minimum; the warm-up's lr
    factor and RAdam's rectification r_t."""

    lr: float
    steps: int
    warmup_steps: int
    moves: dict
    distance: dict
    factor: np.ndarray
    rectification: np.ndarray


def warmup(
    lr: float = 0.1, steps: int = 200, warmup_steps: int = 20, seeds=SEEDS, sigma: float = 0.5
) -> Warmup:
    """Adam's first steps on the round bowl under gradient noise σ (notebook 06's noisy bowl),
    started at its minimum, so every move is noise: Adam's first step is lr in every
    coordinate whatever the gradient (v̂ rests on one gradient), the next ones rest on a few;
    a linear warm-up keeps them short until v̂ has seen more; RAdam takes plain momentum steps
    while ρ_t <= 5 and scales the adaptive ones by r_t < 1."""
    lr = _positive("lr", lr)
    steps = _count("steps", steps)
    seeds = np.asarray(seeds)
    bowl = noisy_bowl(sigma)
    cases = {
        "Adam": (Adam(lr=lr), None),
        "Adam + warm-up → cosine": (Adam(lr=lr), warmup_cosine(warmup_steps, steps)),
        "Adam + cosine": (Adam(lr=lr), L.CosineAnnealingLR(steps)),
        "RAdam": (RAdam(lr=lr), None),
    }
    moves, distance = {}, {}
    for name, (opt, sched) in cases.items():
        t = run(opt, bowl, (0.0, 0.0), steps, noise=sigma, seed=seeds, schedule=sched)
        moves[name] = np.linalg.norm(np.diff(t.x, axis=0), axis=-1)
        distance[name] = np.linalg.norm(t.x, axis=-1)
    factor = warmup_cosine(warmup_steps, steps).lrs(1.0, steps)
    rect = radam_rectification(np.arange(1, steps + 1))
    return Warmup(lr, steps, int(warmup_steps), moves, distance, factor, rect)


# -- cyclical, SGDR, one-cycle --------------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled:
    """A scheduled run against a constant lr on the noisy fit: the lrs (and momenta, where the
    scheduler cycles them) at steps 1 … steps, and the excess losses (steps + 1, seeds) of
    both."""

    name: str
    lrs: np.ndarray
    momenta: np.ndarray | None
    losses: np.ndarray
    constant_lr: float
    constant: np.ndarray

    @property
    def final(self) -> float:
        return float(self.losses[-1].mean())

    @property
    def final_constant(self) -> float:
        return float(self.constant[-1].mean())


_BATCHES: dict = {}  # (steps, seeds) -> the minibatches' sums, the same for every schedule
_CONSTANT_CACHE: dict = {}


def _batch_moments(steps: int, seeds: np.ndarray, batch_size: int = BATCH):
    """Per step, for each seed, twice the minibatch means of x², x, x·y and y on the course's
    fit, for the batches ``run(..., batch_size=batch_size, seed=seeds)`` draws (its own sampler):
    the gradient of a batch's loss is 2·(w·xx + b·x − xy, w·x + b − y)."""
    key = (int(steps), seeds.tobytes(), int(batch_size))
    hit = _BATCHES.get(key)
    if hit is None:
        if len(_BATCHES) > 8:
            _BATCHES.clear()
        from .run import _Minibatches

        x, y = FIT_DATA
        sampler = _Minibatches(x.size, int(batch_size), seeds, False, False)
        idx = [sampler() for _ in range(steps)]  # each (seeds, batch_size)
        xs, ys = np.stack([x[i] for i in idx]), np.stack([y[i] for i in idx])
        xx, x1, xy, y1 = (np.mean(a, axis=-1) for a in (xs * xs, xs, xs * ys, ys))
        # per step, the gradient's coefficients: g = (w·A + b·B − C, w·B + 2b − D)
        hit = _BATCHES[key] = [
            (2 * xx[k], 2 * x1[k], 2 * xy[k], 2 * y1[k]) for k in range(int(steps))
        ]
    return hit


def _fit_loss(w, b):
    """The full loss of the course's fit at (w, b), minus its minimum: for least squares
    exactly mean((δw·x + δb)²) = δw²·mean(x²) + 2δw·δb·mean(x) + δb², δ the distance from the
    least-squares line (no sum over the 100 points, and no cancellation near the line)."""
    dw, db = w - FIT.minimum[0], b - FIT.minimum[1]
    return dw * dw * _SXX + 2 * dw * db * _SX + db * db


def sgd_on_fit(lrs, momenta, momentum: float, seeds=SEEDS, batch_size: int = BATCH) -> np.ndarray:
    """Excess losses (steps + 1, seeds) of SGD (torch's momentum: buf = g at the first step,
    then m·buf + g; x ← x − lr·buf) on the course's fit from ``FIT_X0``, minibatches of
    ``batch_size``, the lr of step t ``lrs[t − 1]`` and the momentum ``momenta[t − 1]`` (or the
    constant ``momentum`` if ``momenta`` is None). ``lrs`` of shape (steps, k) (and
    ``momenta`` of shape (steps, k)) run k schedules side by side: the result is then
    (steps + 1, k, seeds). The same numbers as ``run(SGD(lr,
    momentum), FIT, FIT_X0, steps, batch_size=batch_size, seed=seeds, schedule=...)`` to round-off
    (tested), at a tenth of the time: the batches' moments are computed once per seed set,
    and each step is a few operations on (seeds,) arrays. A run whose loss overflows holds
    NaN from that step on."""
    lrs = np.asarray(lrs, dtype=float)
    steps = lrs.shape[0]
    seeds = np.asarray(seeds)
    moments = _batch_moments(steps, seeds, batch_size)
    runs = lrs.shape[1:]  # () for one run, (k,) for k runs side by side
    pad = (1,) * seeds.ndim
    lr_steps = lrs.reshape((steps, *runs, *pad))
    if momenta is not None:
        momenta = np.broadcast_to(np.asarray(momenta, dtype=float).reshape(
            (steps, *np.shape(momenta)[1:], *pad)), (steps, *runs, *pad))  # fmt: skip
    shape = (*runs, *seeds.shape)
    w, b = np.full(shape, FIT_X0[0]), np.full(shape, FIT_X0[1])
    ws, bs = np.empty((steps + 1, *shape)), np.empty((steps + 1, *shape))
    ws[0], bs[0] = w, b
    bw = bb = None
    uses_momentum = momenta is not None or momentum != 0
    m = momentum
    with np.errstate(all="ignore"):
        for k in range(steps):
            A, B, C, D = moments[k]
            gw = w * A + b * B - C
            gb = w * B + 2 * b - D
            if uses_momentum:
                if momenta is not None:
                    m = momenta[k] if runs else float(momenta[k].flat[0])
                if bw is None:
                    bw, bb = gw, gb
                else:
                    bw, bb = m * bw + gw, m * bb + gb
                gw, gb = bw, bb
            w = w - lr_steps[k] * gw
            b = b - lr_steps[k] * gb
            ws[k + 1], bs[k + 1] = w, b
        loss = _fit_loss(ws, bs)
    bad = ~np.isfinite(loss)
    if bad.any():
        loss[np.logical_or.accumulate(bad, axis=0)] = np.nan
    return loss


def constant_run(
    lr: float, steps: int, momentum: float = 0.0, seeds=SEEDS, batch_size: int = BATCH
) -> np.ndarray:
    """Excess losses of SGD at a constant ``lr`` on the noisy fit, (steps + 1, seeds) (cached:
    the panel's reference while its lr stays)."""
    seeds = np.asarray(seeds)
    key = (float(lr), int(steps), float(momentum), seeds.tobytes(), int(batch_size))
    hit = _CONSTANT_CACHE.get(key)
    if hit is None:
        if len(_CONSTANT_CACHE) > 64:
            _CONSTANT_CACHE.clear()
        hit = _CONSTANT_CACHE[key] = sgd_on_fit(
            np.full(steps, float(lr)), None, momentum, seeds, batch_size
        )
    return hit


def scheduled(
    name: str,
    sched,
    lr: float,
    steps: int,
    momentum: float = 0.9,
    seeds=SEEDS,
    batch_size: int = MOMENTUM_BATCH,
) -> Scheduled:
    """SGD (``momentum``) at base ``lr`` under ``sched`` against SGD at the constant ``lr``,
    on the noisy fit, the same seeds (``sgd_on_fit``: ``run``'s numbers, faster)."""
    lr = _positive("lr", lr)
    steps = _count("steps", steps)
    seeds = np.asarray(seeds)
    SGD(lr=lr, momentum=momentum)  # torch's checks
    lrs = sched.lrs(lr, steps)
    momenta = sched.momenta(steps, momentum) if sched.cycles_momentum else None
    if sched.cycles_momentum and momentum == 0:
        raise ValueError(L.base._NO_MOMENTUM)
    key = (float(lr), int(steps), float(momentum), seeds.tobytes(), int(batch_size))
    if key in _CONSTANT_CACHE:
        losses = sgd_on_fit(lrs, momenta, momentum, seeds, batch_size)
        constant = _CONSTANT_CACHE[key]
    else:  # the schedule and the constant lr side by side: one loop for both
        both = np.stack([lrs, np.full(steps, lr)], axis=1)
        if momenta is not None:
            momenta_both = np.stack([momenta, np.full(steps, float(momentum))], axis=1)
            out = sgd_on_fit(both, momenta_both, momentum, seeds, batch_size)
        else:
            out = sgd_on_fit(both, None, momentum, seeds, batch_size)
        losses, constant = out[:, 0], out[:, 1]
        if len(_CONSTANT_CACHE) > 64:
            _CONSTANT_CACHE.clear()
        _CONSTANT_CACHE[key] = constant
    return Scheduled(name, lrs, momenta, losses, lr, constant)


def cyclic(
    base_lr: float, max_lr: float, step_size_up: int = 40, steps: int = 320, mode="triangular"
) -> Scheduled:
    """Smith's cyclical lr (triangular by default) between the range test's bounds, with
    momentum cycling 0.9 → 0.8 → 0.9, against SGD with momentum 0.9 at a constant max_lr."""
    sched = L.CyclicLR(base_lr, max_lr, step_size_up=step_size_up, mode=mode)
    return scheduled(f"CyclicLR ({mode})", sched, max_lr, steps)


def sgdr_restarts(T_0: int, T_mult: int = 1, steps: int = 300) -> list[int]:
    """The steps (1-based, among 1 … steps) at which SGDR's lr jumps back to the base lr: T_0,
    then every T_i = T_{i−1}·T_mult after (T_0 = 10, T_mult = 2: 11, 31, 71, 151)."""
    lrs = L.CosineAnnealingWarmRestarts(T_0, T_mult).lrs(1.0, steps)
    return [int(k) + 1 for k in np.nonzero(lrs[1:] > lrs[:-1])[0] + 1]


def one_cycle(max_lr: float, steps: int = 300, **kwargs) -> Scheduled:
    """The 1cycle policy (OneCycleLR, cosine, momentum 0.95 → 0.85 → 0.95) at ``max_lr``
    against a constant max_lr."""
    sched = L.OneCycleLR(max_lr, total_steps=steps, **kwargs)
    return scheduled("OneCycleLR", sched, max_lr, steps)


# -- Eve -----------------------------------------------------------------------------------------


def eve_feedback(losses, beta3: float = 0.999, k: float = 0.1, K: float = 10.0):
    """Eve's d_t and smoothed loss f̂_t for the losses f_1, f_2, … it is given (one per step,
    the loss at the point where that step's gradient is taken), as ``ol.Eve`` computes them
    (Algorithm 1; d_1 = 1, f̂_1 = f_1). Returns (d, f_hat), each of the losses' shape. The
    step at t is Adam's with √v̂ multiplied by d_t: an effective lr of lr/d_t."""
    f = np.asarray(losses, dtype=float)
    if f.ndim < 1 or f.shape[0] < 1 or not np.isfinite(f).all() or not (f > 0).all():
        raise ValueError("losses must be finite numbers > 0, one per step (a step axis first)")
    eve = Eve(beta3=beta3, k=k, K=K)
    d, f_hat = np.empty_like(f), np.empty_like(f)
    state = {"d": 1.0 if f.ndim == 1 else np.ones(f.shape[1:]), "f_hat": f[0]}
    d[0], f_hat[0] = state["d"], f[0]
    for t in range(1, f.shape[0]):
        fh, dt = eve._feedback(f[t] if f.ndim > 1 else float(f[t]), state)
        state = {"d": dt, "f_hat": fh}
        d[t], f_hat[t] = dt, fh
    return d, f_hat


@dataclass(frozen=True)
class EveRun:
    """An Eve run and its feedback: the run, d_t and f̂_t (steps,), the step at which d_t
    peaked (the smallest effective lr lr/d), and, epoch by epoch (``epoch`` steps) over the
    second half of the run ("near the optimum"), in how many epochs d_t rose (the lr shrank)
    and fell (the lr grew), and the largest change of d_t over one epoch, relative."""

    lr: float
    noise: float
    run: Trajectory
    d: np.ndarray
    f_hat: np.ndarray
    peak: int
    epoch: int
    rises: int
    falls: int
    largest_epoch_change: float


def eve_run(
    lr: float = 1.0,
    steps: int = 4000,
    noise: float = 0.0,
    seed: int = 0,
    beta3: float = 0.999,
    epoch: int = 1,
) -> EveRun:
    """Eve (lr, β₃) on notebook 06's fit from ``FIT_X0``, full-batch, with gradient noise
    N(0, noise²) if ``noise`` > 0; d_t recomputed from the run's losses (what the optimizer
    was fed: the loss at the point of each step's gradient). Full batch: every step is an
    epoch (``epoch`` = 1)."""
    lr = _positive("lr", lr)
    steps = _count("steps", steps, 2 * epoch)
    t = run(Eve(lr=lr, beta3=beta3), FIT, FIT_X0, steps, noise=noise, seed=seed)
    d, f_hat = eve_feedback(t.loss[:-1], beta3=beta3)
    per_epoch = d[::epoch]
    ratio = per_epoch[1:] / per_epoch[:-1]
    late = ratio[len(ratio) // 2 :]
    return EveRun(
        lr, float(noise), t, d, f_hat, int(np.argmax(d)) + 1, int(epoch),
        int(np.sum(late > 1)), int(np.sum(late < 1)), float(np.max(np.abs(late - 1))),
    )  # fmt: skip


# -- the schedule explorer -------------------------------------------------------------------------

# scheduler name -> the parameters (the panel's controls) it reads besides ``lr``: ``period``
# is StepLR's step_size, CosineAnnealingLR's T_max, SGDR's T_0 and CyclicLR's step_size_up;
# ``ratio`` is CyclicLR's base_lr/max_lr
SCHEDULERS = {
    "constant": (),
    "StepLR": ("period", "gamma"),
    "ExponentialLR": ("gamma",),
    "1/t (LambdaLR)": ("t0",),
    "CosineAnnealingLR": ("period",),
    "warm-up → cosine": ("warmup",),
    "CosineAnnealingWarmRestarts": ("period", "T_mult"),
    "CyclicLR": ("ratio", "period", "mode"),
    "OneCycleLR": ("pct_start",),
}
MODES = ("exp_range", "triangular", "triangular2")  # alphabetical, as in the dropdown


def make_scheduler(name: str, params: dict, steps: int):
    """The scheduler that the explorer's ``name`` and ``params`` stand for (None: constant).
    CyclicLR's exp_range mode uses gamma = 0.995 per step."""
    p = params
    if name == "constant":
        return None
    if name == "StepLR":
        return L.StepLR(int(p["period"]), p["gamma"])
    if name == "ExponentialLR":
        return L.ExponentialLR(p["gamma"])
    if name == "1/t (LambdaLR)":
        t0 = float(p["t0"])
        return L.LambdaLR(lambda t: 1 / (1 + t / t0))
    if name == "CosineAnnealingLR":
        return L.CosineAnnealingLR(int(p["period"]))
    if name == "warm-up → cosine":
        return warmup_cosine(int(p["warmup"]), steps)
    if name == "CosineAnnealingWarmRestarts":
        return L.CosineAnnealingWarmRestarts(int(p["period"]), int(p["T_mult"]))
    if name == "CyclicLR":
        return L.CyclicLR(
            p["lr"] * p["ratio"], p["lr"], step_size_up=int(p["period"]), mode=p["mode"],
            gamma=0.995,
        )  # fmt: skip
    if name == "OneCycleLR":
        return L.OneCycleLR(p["lr"], total_steps=steps, pct_start=float(p["pct_start"]))
    raise ValueError(f"unknown scheduler {name!r}; valid: {', '.join(map(repr, SCHEDULERS))}")


def describe(name: str, params: dict, steps: int) -> str:
    """The scheduler as one line of code (torch's keyword names), for a title."""
    p = params
    g = lambda v: f"{float(v):.3g}"  # noqa: E731
    if name == "constant":
        return f"constant lr = {g(p['lr'])}"
    if name == "StepLR":
        return f"StepLR(step_size={int(p['period'])}, gamma={g(p['gamma'])}), lr = {g(p['lr'])}"
    if name == "ExponentialLR":
        return f"ExponentialLR(gamma={g(p['gamma'])}), lr = {g(p['lr'])}"
    if name == "1/t (LambdaLR)":
        return f"LambdaLR(lambda t: 1/(1 + t/{int(p['t0'])})), lr = {g(p['lr'])}"
    if name == "CosineAnnealingLR":
        return f"CosineAnnealingLR(T_max={int(p['period'])}), lr = {g(p['lr'])}"
    if name == "warm-up → cosine":
        w = int(p["warmup"])
        return f"LinearLR(0.01, total_iters={w}) → CosineAnnealingLR(T_max={steps - w})"
    if name == "CosineAnnealingWarmRestarts":
        return f"CosineAnnealingWarmRestarts(T_0={int(p['period'])}, T_mult={int(p['T_mult'])})"
    if name == "CyclicLR":
        return (
            f"CyclicLR({g(p['lr'] * p['ratio'])}, {g(p['lr'])}, "
            f"step_size_up={int(p['period'])}, mode={p['mode']!r})"
        )
    if name == "OneCycleLR":
        return f"OneCycleLR({g(p['lr'])}, total_steps={steps}, pct_start={g(p['pct_start'])})"
    raise ValueError(f"unknown scheduler {name!r}; valid: {', '.join(map(repr, SCHEDULERS))}")


@dataclass(frozen=True)
class ScheduleRun:
    """The explorer's result: the scheduler's name, parameters and repr, and its run."""

    name: str
    params: dict = field(repr=False)
    text: str
    result: Scheduled = field(repr=False)


def schedule_run(name: str, params: dict, steps: int = 300, seeds=SEEDS[:8]) -> ScheduleRun:
    """SGD with momentum 0.9 on the noisy fit under scheduler ``name`` with ``params`` (``lr``:
    the base lr, or max_lr for CyclicLR and OneCycleLR, and the constant lr it is compared
    with), ``steps`` steps, 8 seeds."""
    sched = make_scheduler(name, params, steps)
    lr = float(params["lr"])
    text = describe(name, params, steps)
    if sched is None:
        const = constant_run(lr, steps, 0.9, seeds, MOMENTUM_BATCH)
        res = Scheduled(name, np.full(steps, lr), None, const, lr, const)
        return ScheduleRun(name, dict(params), text, res)
    return ScheduleRun(name, dict(params), text, scheduled(name, sched, lr, steps, 0.9, seeds))
