"""The computations behind the notebooks' panels, as plain functions of the controls' values.

Each panel in ``optimlab.widgets`` turns its controls' values into one of the frozen results
below by calling the function of the same name, and its figure draws that result. A notebook or
a test that needs one of these numbers calls the function directly: no widget, no figure.
NumPy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .optim import SGD, Adagrad, Adam, RMSprop
from .optim.base import as_real
from .problems import Problem, gaussian_well, quadratic, tilted_double_well
from .run import Trajectory, run
from .theory import adam_and_amsgrad_stream, critical_momentum, ema, momentum_radius

# -- argument checks (the panels' constructors use them too) ----------------------------------


def check_positive(name: str, value) -> float:
    """``value`` as a float if it is a finite number > 0, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_count(name: str, value, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int if it is an integer in [minimum, maximum], else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and <= {maximum}" if maximum is not None else ""
        raise ValueError(f"{name} must be an integer >= {minimum}{upper}, got {value!r}")
    return int(value)


# -- notebook 01: gradient descent on the course's parabola -----------------------------------


@dataclass(frozen=True)
class Descent:
    """A gradient-descent run at one lr, of which the first ``iterations`` steps are shown."""

    lr: float
    iterations: int
    curvature: float
    run: Trajectory
    log_loss: bool = False


def descent(lr, iterations, *, log_loss=False, x0=2.0, max_iterations=200, curvature=8.0):
    """``max_iterations`` steps of SGD at ``lr`` on f(x) = (curvature/2)·x² from ``x0``."""
    curvature = check_positive("curvature", curvature)
    t = run(SGD(lr=lr), quadratic(curvature / 2), x0, max_iterations)
    return Descent(float(lr), int(iterations), curvature, t, bool(log_loss))


@dataclass(frozen=True)
class Sweep:
    """The course's multi learning rate: one vectorised run over ``lrs``."""

    lrs: np.ndarray
    run: Trajectory
    curvature: float


def sweep(lr_min, lr_max, n=10, *, steps=100, x0=2.0, curvature=8.0) -> Sweep:
    """``n`` rates ``linspace(lr_min, lr_max, n)``, ``steps`` steps each, in one run."""
    curvature = check_positive("curvature", curvature)
    lrs = np.linspace(lr_min, lr_max, check_count("n", n))
    return Sweep(lrs, run(SGD(lr=lrs), quadratic(curvature / 2), x0, steps), curvature)


# -- notebook 02: smoothing with an exponentially weighted average ---------------------------


@dataclass(frozen=True)
class Smoothing:
    """The EMA of the readings and of the seasonal curve, and the lag between their peaks."""

    beta: float
    bias_correction: bool
    v: np.ndarray
    lag: float


def smoothing(day, reading, season, beta, bias_correction=False) -> Smoothing:
    """EMA of ``reading`` at ``beta``; the lag is how many days the EMA of ``season`` peaks
    after ``season`` itself."""
    v = ema(reading, beta, bias_correction)
    smooth = ema(season, beta, bias_correction)
    lag = float(day[np.argmax(smooth)] - day[np.argmax(season)])
    return Smoothing(float(beta), bool(bias_correction), v, lag)


# -- notebook 03: momentum -------------------------------------------------------------------


@dataclass(frozen=True)
class Momentum:
    """SGD with momentum on the parabola, its rate per step, the rate against m at this lr
    (``ms``, ``radii``) with its best point, and the (lr, m) phase diagram of this variant."""

    lr: float
    momentum: float
    dampening_on: bool
    nesterov: bool
    run: Trajectory
    radius: float
    ms: np.ndarray
    radii: np.ndarray
    best_m: float
    best_radius: float
    critical: bool  # best_m is the closed-form critical damping m*
    phase: np.ndarray  # radius over (grid_m, grid_lr)


MOMENTUM_GRID_LR = np.geomspace(1e-3, 0.5, 160)
MOMENTUM_GRID_M = np.linspace(0, 0.99, 100)
MOMENTUM_MS = np.linspace(0, 0.995, 400)


def phase_diagram(dampening_on: bool, nesterov: bool, curvature: float = 8.0) -> np.ndarray:
    """The spectral radius over ``MOMENTUM_GRID_M`` x ``MOMENTUM_GRID_LR``, in one call."""
    lr, m = np.meshgrid(MOMENTUM_GRID_LR, MOMENTUM_GRID_M)
    return momentum_radius(lr, m, curvature, m if dampening_on else 0.0, nesterov)


def momentum(
    lr, m, *, dampening_on=False, nesterov=False, steps=100, x0=2.0, curvature=8.0, phase=None
) -> Momentum:
    """The run and the rates for one (lr, m); Nesterov is ignored with dampening (torch refuses
    the pair). ``phase``: the phase diagram if already computed for this variant."""
    curvature = check_positive("curvature", curvature)
    nesterov = bool(nesterov) and not dampening_on
    damp = m if dampening_on else 0.0
    opt = SGD(lr=lr, momentum=m, dampening=damp, nesterov=nesterov and m > 0)
    t = run(opt, quadratic(curvature / 2), x0, steps)
    radii = momentum_radius(
        lr, MOMENTUM_MS, curvature, MOMENTUM_MS if dampening_on else 0.0, nesterov
    )
    r = float(momentum_radius(lr, m, curvature, damp, nesterov))
    critical = not (dampening_on or nesterov) and lr * curvature < 1
    if critical:
        best_m = float(critical_momentum(lr, curvature))
        best = float(momentum_radius(lr, best_m, curvature))
    else:
        i = int(np.argmin(radii))
        best_m, best = float(MOMENTUM_MS[i]), float(radii[i])
    if phase is None:
        phase = phase_diagram(dampening_on, nesterov, curvature)
    return Momentum(
        float(lr), float(m), bool(dampening_on), nesterov, t, r, MOMENTUM_MS, radii,
        best_m, best, critical, phase,
    )  # fmt: skip


@dataclass(frozen=True)
class Rolling:
    """Plain gradient descent and momentum m on the tilted double well (seed 001)."""

    momentum: float
    problem: Problem
    plain: Trajectory
    rolling: Trajectory


def rolling(m, *, lr=0.01, tilt=0.3, x0=2.0, steps=300) -> Rolling:
    """Where gradient descent and momentum ``m`` end on ``tilted_double_well(tilt)``."""
    well = tilted_double_well(tilt)
    plain = run(SGD(lr=lr), well, x0, steps)
    return Rolling(float(m), well, plain, run(SGD(lr=lr, momentum=m), well, x0, steps))


# -- notebook 04: Adagrad stalls after a burst, RMSProp recovers -----------------------------


def burst_stream(size, length: int, steps: int) -> np.ndarray:
    """Gradient ``size`` for the first ``length`` of ``steps`` steps, then 1."""
    size = check_positive("size", size)
    steps = check_count("steps", steps)
    length = check_count("length", length, 0, steps)
    return np.where(np.arange(1, steps + 1) <= length, size, 1.0)


def recovery(run_x, ref_x, grads, burst: int):
    """Steps after the burst until the effective lr |Δx|/|g| is back to half of what it is
    without the burst (``ref_x``, a run on gradients 1), or None if it never gets there within
    the stream."""
    eff = np.abs(np.diff(run_x)) / np.abs(grads)
    ok = np.nonzero(eff[burst:] >= 0.5 * np.abs(np.diff(ref_x))[burst:])[0]
    return int(ok[0]) + 1 if ok.size else None


@dataclass(frozen=True)
class Stall:
    """Adagrad and RMSProp replayed on a burst stream and on gradients 1 (``references``)."""

    alpha: float
    size: float
    length: int
    lr: float
    grads: np.ndarray
    runs: dict
    references: dict
    recovered: dict  # name -> steps after the burst to half speed, or None


STALLERS = ("Adagrad", "RMSProp")


def stall_pair(name, alpha, lr, grads) -> tuple[np.ndarray, np.ndarray]:
    """``name`` ("Adagrad": Adagrad(lr), or "RMSProp": RMSprop(lr, alpha)) replayed from 0 on
    ``grads`` and on as many gradients 1 (no burst), side by side. Returns (run, reference),
    each the T + 1 points: ``replay``'s numbers bit for bit (tests/test_experiments.py), in a
    fraction of its time (a slider of notebook 04 redoes this on every move).

    The steps are the optimizers' own arithmetic, in their order: Adagrad's sum of g² is a
    running sum, RMSProp's square average a loop over the steps on both columns at once; the
    points are a running sum of the steps from 0."""
    if name not in STALLERS:
        raise ValueError(f"name must be one of {STALLERS}, got {name!r}")
    opt = Adagrad(lr=lr) if name == "Adagrad" else RMSprop(lr=lr, alpha=alpha)  # checks them
    grads = as_real("grads", grads)
    if grads.ndim != 1:
        raise ValueError(f"grads must be one stream of gradients (1-D), got shape {grads.shape}")
    if not np.isfinite(grads).all():
        raise ValueError("grads must be finite numbers; they hold NaN or infinity")
    g = np.stack([grads, np.ones_like(grads)], axis=1)
    with np.errstate(all="ignore"):  # as the optimizers: what float arithmetic gives
        if name == "Adagrad":
            acc = np.add.accumulate(g * g, axis=0)  # sum ← sum + g·g, from 0
        else:
            acc, sq = np.empty_like(g), np.zeros(2)
            alpha = opt.alpha
            for t in range(len(g)):  # ema_sq: sq·alpha + ((1 − alpha)·g)·g
                sq = sq * alpha + ((1 - alpha) * g[t]) * g[t]
                acc[t] = sq
        steps = ((-opt.lr) * g) / (np.sqrt(acc) + opt.eps)  # x + ((−lr)·g)/(√acc + eps)
    x = np.add.accumulate(np.vstack([np.zeros((1, 2)), steps]), axis=0)
    return x[:, 0], x[:, 1]


def stall(alpha, size, length, lr, steps=500, pairs=None) -> Stall:
    """Replay Adagrad(lr) and RMSprop(lr, alpha) on ``burst_stream(size, length, steps)`` and
    on gradients 1; ``pairs``: name -> ``stall_pair`` for these settings, where already
    computed (a panel keeps Adagrad's while only alpha moves)."""
    grads = burst_stream(size, length, steps)
    pairs = dict(pairs or {})
    for name in STALLERS:
        if name not in pairs:
            pairs[name] = stall_pair(name, alpha, lr, grads)
    runs = {k: pairs[k][0] for k in STALLERS}
    refs = {k: pairs[k][1] for k in STALLERS}
    recovered = {k: recovery(runs[k], refs[k], grads, length) for k in STALLERS}
    return Stall(float(alpha), float(size), int(length), float(lr), grads, runs, refs, recovered)


# -- notebook 05: Adam's memory of a spike, and SWATS ----------------------------------------

STREAM = 101_001  # seed 004's stream: steps 0 .. 101000


def spike_stream(size, at: int, n: int = STREAM) -> np.ndarray:
    """Gradient 1 at every step except ``size`` at step ``at`` (seed 004's stream)."""
    size = check_positive("size", size)
    n = check_count("n", n)
    at = check_count("at", at, 0, n - 1)
    g = np.ones(n)
    g[at] = size
    return g


@dataclass(frozen=True)
class AdamMemory:
    """Adam and AMSGrad (lr 1) over a spike stream: movement and v̂ per step, and how far
    Adam moves in the 999 steps before the spike, at the spike and in the 1000 after it."""

    beta1: float
    beta2: float
    size: float
    at: int
    moves: dict
    v_hats: dict
    sums: dict


def adam_memory(beta2, beta1, size, at, n: int = STREAM) -> AdamMemory:
    """``theory.adam_stream`` on ``spike_stream(size, at, n)``, for Adam and AMSGrad (one
    ``adam_and_amsgrad_stream``)."""
    at = int(at)
    grads = spike_stream(size, at, n)
    streams = adam_and_amsgrad_stream(grads, 1.0, (beta1, beta2))
    moves = {name: move for name, (move, _) in streams.items()}
    v_hats = {name: v_hat for name, (_, v_hat) in streams.items()}
    a = np.abs(moves["Adam"])
    sums = {
        "before": float(a[max(at - 999, 0) : at].sum()),
        "spike": float(a[at]),
        "after": float(a[at + 1 : at + 1001].sum()),
    }
    return AdamMemory(float(beta1), float(beta2), float(size), at, moves, v_hats, sums)


@dataclass(frozen=True)
class Switch:
    """A SWATS run and the step at which it switched."""

    switch_at: int
    run: Trajectory


SWATS_X0 = (8.0, 3.0)
SWATS_STEPS = 200


def swats(
    switch_at: int,
    *,
    problem: Problem | None = None,
    x0=SWATS_X0,
    steps: int = SWATS_STEPS,
    first=None,
    then=None,
) -> Trajectory:
    """SWATS: ``first`` (Adam, lr 0.5) for ``switch_at`` steps, then ``then`` (SGD, lr 1,
    momentum 0.9) from where it got to, with a fresh state; ``steps`` steps in all, on
    ``problem`` (the plateau with a bowl). Switching at 0 is ``then`` alone, at ``steps`` it is
    ``first`` alone."""
    problem = problem or gaussian_well()
    first = first or Adam(lr=0.5)
    then = then or SGD(lr=1.0, momentum=0.9)
    steps = check_count("steps", steps)
    k = check_count("switch_at", switch_at, 0, steps)
    if k == steps:
        return run(first, problem, x0, steps)
    if k == 0:
        return run(then, problem, x0, steps)
    a = run(first, problem, x0, k)
    rest = run(then, problem, a.x[k], steps - k)
    div = a.diverged_at if a.diverged_at is not None else rest.diverged_at
    if a.diverged_at is None and div is not None:
        div = div + k
    return Trajectory(
        x=np.concatenate([a.x[:k], rest.x]),
        loss=np.concatenate([a.loss[:k], rest.loss]),
        diverged_at=div,
        step=np.arange(steps + 1),
    )
