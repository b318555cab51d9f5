"""Notebook 08's numbers: Newton's method against first-order methods (seeds 001, 002).

- ``kappa_table``: steps to bring the error below 1e-6 on a bowl of condition number κ, for
  gradient descent at its best lr, momentum at its best (lr, m) and Newton's method, measured
  next to the closed forms of ``theory`` (COURSE.md §8: 69/691/6908, 22/69/219, 1).
- ``rosenbrock_table``: GD, momentum, Adam, Newton, damped Newton and L-BFGS (with and without
  the strong-Wolfe line search) from (−1.2, 1): steps and function evaluations to reach 1e-8.
- ``saddle_escape``: near the saddle of x² − y², gradient descent leaves along the negative
  curvature, Newton's method jumps onto the saddle, saddle-free Newton leaves.
- ``newton_cost``: the time of a Newton step's n×n solve against L-BFGS's two-loop recursion.
- ``curvature``: the panel's result (``Curvature``): the five methods on a rotated 2-D bowl.

NumPy only.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .experiments import check_count, check_positive
from .optim import LBFGS, SGD, Adam, Newton
from .problems import Problem, rosenbrock, rotated_quadratic, saddle
from .race import steps_to_tolerance, tune_lr
from .run import Trajectory, run
from .theory import best_gd_lr, best_momentum, gd_rate, momentum_rate, steps_to

# -- the κ table -----------------------------------------------------------------------------

KAPPAS = (1, 10, 100, 1000)


@dataclass(frozen=True)
class KappaRow:
    """Steps to bring ‖x_t‖/‖x_0‖ below ``tol`` at one condition number: measured (``gd``,
    ``momentum``, ``newton``) and from the closed forms (``gd_closed``, ``momentum_closed``);
    ``gd_lr``, ``momentum_lr``, ``momentum_m``: the settings used."""

    kappa: float
    gd: int
    gd_closed: int
    momentum: int
    momentum_closed: int
    newton: int
    gd_lr: float
    momentum_lr: float
    momentum_m: float


def steps_below(traj: Trajectory, tol: float, x_min=(0.0, 0.0)) -> int | None:
    """The first step whose distance to ``x_min``, relative to the start's, is below ``tol``
    (None if the run never gets there)."""
    err = np.linalg.norm(traj.x - np.asarray(x_min), axis=-1)
    below = err < tol * err[0]
    return int(traj.step[np.argmax(below)]) if below.any() else None


def kappa_row(kappa, *, tol=1e-6, angle=30.0, x0=(1.0, 1.0)) -> KappaRow:
    """One row of the κ table, on ``rotated_quadratic(kappa, angle)`` from ``x0``.

    Gradient descent runs at ``best_gd_lr(1, κ)`` = 2/(1 + κ), momentum (torch's SGD, heavy
    ball) at Distill's ``best_momentum(1, κ)``, Newton at lr = 1. Each runs until it gets below
    ``tol`` (at most 3x the closed form's count, and at least 10 steps)."""
    kappa = check_positive("kappa", kappa)
    p = rotated_quadratic(kappa, angle)
    gd_closed = steps_to(gd_rate(kappa), tol)
    mom_closed = steps_to(momentum_rate(kappa), tol)
    lr = best_gd_lr(1.0, kappa)
    m_lr, m = best_momentum(1.0, kappa)
    counts = []
    for opt, closed in (
        (SGD(lr=lr), gd_closed),
        (SGD(lr=m_lr, momentum=m), mom_closed),
        (Newton(), 1),
    ):
        t = run(opt, p, x0, max(3 * closed, 10), keep=("x",))
        n = steps_below(t, tol)
        counts.append(-1 if n is None else n)
    return KappaRow(kappa, counts[0], gd_closed, counts[1], mom_closed, counts[2], lr, m_lr, m)


def kappa_table(kappas=KAPPAS, *, tol=1e-6, angle=30.0, x0=(1.0, 1.0)) -> list[KappaRow]:
    """``kappa_row`` for each κ (COURSE.md §8's 1, 10, 100, 1000)."""
    return [kappa_row(k, tol=tol, angle=angle, x0=x0) for k in kappas]


def format_kappa_table(rows) -> str:
    """The κ table as text: measured steps, closed form in parentheses."""
    lines = [f"{'κ':>6} | {'GD, best lr':>14} | {'momentum, best (lr, m)':>22} | {'Newton':>6}"]
    for r in rows:
        gd = f"{r.gd} ({r.gd_closed})"
        mom = f"{r.momentum} ({r.momentum_closed})"
        lines.append(f"{r.kappa:>6g} | {gd:>14} | {mom:>22} | {r.newton:>6}")
    return "\n".join(lines)


# -- Rosenbrock from (−1.2, 1) ----------------------------------------------------------------

ROSENBROCK_START = (-1.2, 1.0)
LR_GRID = np.geomspace(1e-4, 1.0, 41)  # 10 per decade


@dataclass(frozen=True)
class RosenbrockRow:
    """One method on Rosenbrock: ``steps`` (iterations; for L-BFGS torch ``step()`` calls,
    ``iterations`` its inner iterations), ``evals`` (gradient evaluations, each with the loss;
    Newton also evaluates the Hessian once per step) to bring the loss below ``tol``, or, if it
    did not within the budget, ``reached`` False and the counts of the whole budget; ``loss``:
    the loss at that point (or the lowest in the budget); ``lr``: the learning rate used."""

    method: str
    settings: str
    steps: int
    iterations: int
    evals: int
    reached: bool
    loss: float
    lr: float


def _first_order_row(name, make, settings, problem, x0, tol, budget, lrs) -> RosenbrockRow:
    """Tune lr on ``lrs`` (fewest steps to ``tol``; lowest final loss if none gets there)."""
    try:
        tuned = tune_lr(make, problem, x0, budget, lrs, by="steps", f_min=0.0, tol=tol)
    except ValueError:
        tuned = tune_lr(make, problem, x0, budget, lrs, by="final")
    t = run(make(lr=tuned.lr), problem, x0, budget, keep=("loss",))
    n = steps_to_tolerance(t, 0.0, tol)
    reached = n is not None
    n = n if reached else budget
    loss = float(t.loss[n]) if reached else float(np.nanmin(t.loss))
    return RosenbrockRow(name, f"{settings}lr = {tuned.lr:.3g}", n, n, n, reached, loss, tuned.lr)


def _newton_row(name, lr, problem, x0, tol, budget) -> RosenbrockRow:
    t = run(Newton(lr=lr), problem, x0, budget)
    n = steps_to_tolerance(t, 0.0, tol)
    reached = n is not None
    n = n if reached else budget
    loss = float(t.loss[n]) if reached else float(np.nanmin(t.loss))
    return RosenbrockRow(name, f"lr = {lr:g}", n, n, n, reached, loss, float(lr))


def _lbfgs_row(name, line_search_fn, problem, x0, tol, budget) -> RosenbrockRow:
    """torch's default LBFGS (max_iter=20 per ``step()``), stepped until the loss at the
    point reached is below ``tol``; ``evals`` counts every closure call up to there."""
    opt = LBFGS(line_search_fn=line_search_fn)
    x = np.asarray(x0, dtype=float)
    state = opt.init(x)

    def closure(p):
        return problem.f(p), problem.grad(p)

    loss = float(problem.f(x))
    steps = 0
    while loss > tol and steps < budget:
        x, state = opt.step(x, None, state, closure=closure)
        steps += 1
        loss = float(problem.f(x))
    settings = "no line search" if line_search_fn is None else "strong Wolfe"
    return RosenbrockRow(
        name, settings, steps, int(state["n_iter"]), int(state["func_evals"]), loss <= tol, loss,
        1.0,
    )  # fmt: skip


def rosenbrock_table(*, tol=1e-8, budget=20_000, x0=ROSENBROCK_START, lrs=LR_GRID):
    """GD, momentum 0.9, Adam (each at the lr from ``lrs`` that reaches ``tol`` in the fewest
    steps, one vectorised sweep per method), Newton, damped Newton (lr 0.5) and torch's L-BFGS
    with and without the strong-Wolfe line search, on Rosenbrock from (−1.2, 1): the steps and
    function evaluations to bring the loss below ``tol`` (within ``budget`` steps)."""
    check_count("budget", budget)
    p = rosenbrock()
    return [
        _first_order_row("GD", lambda lr: SGD(lr=lr), "", p, x0, tol, budget, lrs),
        _first_order_row(
            "momentum", lambda lr: SGD(lr=lr, momentum=0.9), "m = 0.9, ", p, x0, tol, budget, lrs
        ),
        _first_order_row("Adam", lambda lr: Adam(lr=lr), "", p, x0, tol, budget, lrs),
        _newton_row("Newton", 1.0, p, x0, tol, min(budget, 1000)),
        _newton_row("damped Newton", 0.5, p, x0, tol, min(budget, 1000)),
        _lbfgs_row("L-BFGS", None, p, x0, tol, min(budget, 1000)),
        _lbfgs_row("L-BFGS", "strong_wolfe", p, x0, tol, min(budget, 1000)),
    ]


def format_rosenbrock_table(rows) -> str:
    """The Rosenbrock table as text."""
    head = f"{'method':<14} {'settings':<22} {'steps':>6} {'iters':>6} {'evals':>6}  loss"
    lines = [head]
    for r in rows:
        mark = "" if r.reached else "  (not reached)"
        lines.append(
            f"{r.method:<14} {r.settings:<22} {r.steps:>6} {r.iterations:>6} {r.evals:>6}"
            f"  {r.loss:.1e}{mark}"
        )
    return "\n".join(lines)


# -- the saddle --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Escape:
    """One method from near the saddle of x² − y²: its run, and the first step at which
    |y| > 1 (it has left the saddle), or None."""

    method: str
    run: Trajectory
    escaped_at: int | None


def saddle_escape(x0=(1.0, 1e-3), *, steps=50, lr=0.1) -> dict[str, Escape]:
    """Gradient descent (lr 0.1: x shrinks by 0.8, y grows by 1.2 per step), Newton's method
    (onto the saddle (0, 0) in one step) and saddle-free Newton (y doubles per step) on
    ``saddle()`` from ``x0``."""
    check_count("steps", steps)
    p = saddle()
    out = {}
    for name, opt in (
        ("gradient descent", SGD(lr=lr)),
        ("Newton", Newton()),
        ("saddle-free Newton", Newton(saddle_free=True)),
    ):
        t = run(opt, p, x0, steps)
        left = np.abs(t.x[:, 1]) > 1
        out[name] = Escape(name, t, int(np.argmax(left)) if left.any() else None)
    return out


# -- the cost of a step ------------------------------------------------------------------------

COST_NS = (10, 30, 100, 300, 1000, 2000)


def two_loop(g, s, y):
    """L-BFGS's direction −H·g from the m newest pairs s[i] (steps) and y[i] (gradient
    changes), oldest first, by the two-loop recursion (Nocedal & Wright, Algorithm 7.4):
    4·m·n multiplications, no n×n matrix. H₀ = (s·y / y·y)·I from the newest pair."""
    q = np.array(g, dtype=float)
    m = len(s)
    rho = [1.0 / float(y[i] @ s[i]) for i in range(m)]
    alpha = [0.0] * m
    for i in range(m - 1, -1, -1):
        alpha[i] = rho[i] * float(s[i] @ q)
        q -= alpha[i] * y[i]
    q *= float(s[-1] @ y[-1]) / float(y[-1] @ y[-1])
    for i in range(m):
        beta = rho[i] * float(y[i] @ q)
        q += (alpha[i] - beta) * s[i]
    return -q


@dataclass(frozen=True)
class CostRow:
    """Seconds per step at dimension ``n``: ``newton`` (np.linalg.solve with the n×n Hessian),
    ``lbfgs`` (the two-loop recursion over ``m`` pairs); ``hessian_mb``: the Hessian's size."""

    n: int
    newton: float
    lbfgs: float
    m: int
    hessian_mb: float


def _best_time(fn, budget: float) -> float:
    """The fastest of repeated calls of ``fn`` within about ``budget`` seconds (at least 3)."""
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def newton_cost(ns=COST_NS, *, m=10, budget=0.2, seed=0) -> list[CostRow]:
    """Time a Newton step's solve H·d = g (a random symmetric positive-definite H, n×n) and
    L-BFGS's two-loop recursion over ``m`` pairs, for each n in ``ns``. Timings depend on the
    machine (and on its other work): the fastest of repeats within ``budget`` seconds each."""
    rng = np.random.default_rng(seed)
    m = check_count("m", m)
    rows = []
    for n in ns:
        n = check_count("n", n)
        b = rng.normal(size=(n, n)) / math.sqrt(n)
        h = (b + b.T) / 2 + 3 * np.eye(n)  # eigenvalues within about [1, 5]
        g = rng.normal(size=n)
        s = [rng.normal(size=n) for _ in range(m)]
        y = [si + 0.1 * rng.normal(size=n) for si in s]  # y·s > 0
        rows.append(
            CostRow(
                n,
                _best_time(lambda h=h, g=g: np.linalg.solve(h, g), budget),
                _best_time(lambda g=g, s=s, y=y: two_loop(g, s, y), budget),
                m,
                n * n * 8 / 1e6,
            )
        )
    return rows


def format_cost_table(rows) -> str:
    """The cost table as text, in milliseconds."""
    lines = [f"{'n':>6} {'Newton solve':>14} {'L-BFGS two-loop':>16} {'ratio':>7} {'H (MB)':>8}"]
    for r in rows:
        lines.append(
            f"{r.n:>6} {1e3 * r.newton:>11.3f} ms {1e3 * r.lbfgs:>13.3f} ms "
            f"{r.newton / r.lbfgs:>7.1f} {r.hessian_mb:>8.2f}"
        )
    return "\n".join(lines)


# -- the panel: five methods on a rotated bowl -------------------------------------------------

METHODS = ("GD", "momentum", "Newton", "damped Newton", "L-BFGS")
DAMPED_LR = 0.5
N_LEVELS = 8


def method_optimizers(kappa: float) -> dict:
    """The panel's optimizers on a bowl with curvatures 1 and κ: GD at 2/(1 + κ), momentum at
    Distill's best (lr, m), Newton, damped Newton (lr 0.5), and L-BFGS with the strong-Wolfe
    line search doing one inner iteration per step (``max_iter=1``, and ``max_eval=25`` so that
    the line search may bracket: torch's default ``max_eval = max_iter·5//4 = 1`` leaves it one
    trial point, and on Rosenbrock from (−1.2, 1) it then never moves)."""
    m_lr, m = best_momentum(1.0, kappa)
    return {
        "GD": SGD(lr=best_gd_lr(1.0, kappa)),
        "momentum": SGD(lr=m_lr, momentum=m),
        "Newton": Newton(),
        "damped Newton": Newton(lr=DAMPED_LR),
        "L-BFGS": LBFGS(max_iter=1, max_eval=25, line_search_fn="strong_wolfe"),
    }


def ellipses(problem: Problem, kappa: float, angle: float, radii, n: int = 121) -> np.ndarray:
    """Level sets of ½xᵀHx (H with curvature 1 along angle, κ across it) through the points at
    distance ``radii`` along the flat axis: shape (len(radii), 2, n), closed curves."""
    th = np.deg2rad(angle)
    u = np.array([np.cos(th), np.sin(th)])
    v = np.array([-np.sin(th), np.cos(th)])
    phi = np.linspace(0, 2 * np.pi, n)
    r = np.asarray(radii, dtype=float)[:, None, None]
    pts = r * (np.cos(phi)[None, :, None] * u + np.sin(phi)[None, :, None] * v / math.sqrt(kappa))
    return np.swapaxes(pts, 1, 2)


def _column(t: Trajectory, i: int) -> Trajectory:
    return Trajectory(t.x[:, i], t.loss[:, i], None, t.step)


def method_runs(problem: Problem, opts: dict, x0, steps: int) -> dict:
    """Each method's ``steps``-step run on ``problem``, computed the fast way: GD and momentum
    as one SGD sweep (momentum 0 and m: v = 0·v + g = g, so the GD column is plain gradient
    descent bit for bit), Newton and damped Newton as one Newton sweep, and L-BFGS (one inner
    iteration per step) stopped at the first step that leaves x where it was: the next step
    starts from the same point and gradient, so its gradient change y is 0, its history, its
    direction and its line search are those of the step before, and it does not move either
    (a fixed point of torch's step; the rest of the run repeats that point)."""
    gd, mom = opts["GD"], opts["momentum"]
    first = run(
        SGD(lr=np.array([gd.lr, mom.lr]), momentum=np.array([0.0, mom.momentum])),
        problem, x0, steps,
    )  # fmt: skip
    newton = run(
        Newton(lr=np.array([opts["Newton"].lr, opts["damped Newton"].lr])), problem, x0, steps
    )
    lbfgs = opts["L-BFGS"]
    last = [np.asarray(x0, dtype=float)]

    def moving(step, x):
        still = np.array_equal(x, last[0])
        last[0] = np.array(x)
        return not still

    t = run(lbfgs, problem, x0, steps, callback=moving)
    n = t.x.shape[0]
    pad = steps + 1 - n
    t = Trajectory(
        np.concatenate([t.x, np.repeat(t.x[-1:], pad, axis=0)]),
        np.concatenate([t.loss, np.repeat(t.loss[-1:], pad, axis=0)]),
        None,
        np.arange(steps + 1),
    )
    return {
        "GD": _column(first, 0),
        "momentum": _column(first, 1),
        "Newton": _column(newton, 0),
        "damped Newton": _column(newton, 1),
        "L-BFGS": t,
    }


@dataclass(frozen=True)
class Curvature:
    """The panel's result: the bowl (``kappa``, ``angle``), the start, which ``methods`` are
    on, how many ``iterations`` to show, every method's run (``runs``, ``max_iterations``
    steps, computed whether shown or not), their ``settings`` in words, the closed-form
    ``rates`` per step, and the level sets ``levels`` (see ``ellipses``; the last one passes
    through the start, so that at κ = 1000 the start is not outside every drawn level)."""

    kappa: float
    angle: float
    x0: tuple
    methods: tuple
    iterations: int
    runs: dict
    settings: dict
    rates: dict
    levels: np.ndarray


LEVEL_RADII = np.geomspace(0.15, 3.2, N_LEVELS)


def curvature(
    kappa, angle, x0, methods=METHODS, iterations=20, *, max_iterations=100, runs=None
) -> Curvature:
    """The five methods on ``rotated_quadratic(kappa, angle)`` from ``x0``, ``max_iterations``
    steps each; ``runs``: the runs if already computed for this (kappa, angle, x0)."""
    kappa = check_positive("kappa", kappa)
    if kappa < 1:
        raise ValueError(f"kappa (the condition number) must be at least 1, got {kappa!r}")
    max_iterations = check_count("max_iterations", max_iterations)
    iterations = check_count("iterations", iterations, 0, max_iterations)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"methods must be among {METHODS}, got {unknown[0]!r}")
    p = rotated_quadratic(kappa, angle)
    opts = method_optimizers(kappa)
    if runs is None:
        runs = method_runs(p, opts, x0, max_iterations)
    settings = {
        "GD": f"lr {opts['GD'].lr:.3g}",
        "momentum": f"lr {opts['momentum'].lr:.3g}, m {opts['momentum'].momentum:.3g}",
        "Newton": "lr 1",
        "damped Newton": f"lr {DAMPED_LR:g}",
        "L-BFGS": "one inner iteration per step (strong Wolfe)",
    }
    rates = {
        "GD": gd_rate(kappa),
        "momentum": momentum_rate(kappa),
        "Newton": 0.0,
        "damped Newton": 1 - DAMPED_LR,
    }
    return Curvature(
        kappa, float(angle), tuple(float(v) for v in x0), tuple(methods), iterations, runs,
        settings, rates, ellipses(p, kappa, angle, level_radii(p, x0)),
    )  # fmt: skip


def level_radii(problem: Problem, x0) -> np.ndarray:
    """:data:`LEVEL_RADII` with the last level moved to the start's: ½r² = f(x0)."""
    start = math.sqrt(2.0 * float(problem.f(np.asarray(x0, dtype=float))))
    return np.append(LEVEL_RADII[:-1], start)
