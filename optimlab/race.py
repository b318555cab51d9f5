"""The optimizer race (notebook 09): the racers, tuned learning rates, steps to tolerance.

Each optimizer races at its own tuned learning rate: the lr, from a grid, that reaches the lowest
loss within the landscape's step budget. ``tune_lr`` finds it with ONE vectorised run (a sweep
over the grid), so tuning ten optimizers on seven landscapes costs seventy runs, not thousands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import optim
from .optim.base import _brief, as_real
from .problems import LANDSCAPES, Problem
from .run import Trajectory, run

LR_GRID = np.logspace(-4, 1, 26)  # 1e-4 ... 10, five points per decade


def _lookahead(inner):
    return lambda lr: optim.Lookahead(inner(lr), k=5, alpha=0.5)


# name -> factory(lr): the racers, in the order the course tells the story (COURSE.md §9)
OPTIMIZERS: dict[str, Callable] = {
    "SGD": lambda lr: optim.SGD(lr=lr),
    "SGDM": lambda lr: optim.SGD(lr=lr, momentum=0.9),
    "NAG": lambda lr: optim.SGD(lr=lr, momentum=0.9, nesterov=True),
    "Adagrad": lambda lr: optim.Adagrad(lr=lr),
    "RMSprop": lambda lr: optim.RMSprop(lr=lr),
    "Adadelta": lambda lr: optim.Adadelta(lr=lr),
    "Adam": lambda lr: optim.Adam(lr=lr),
    "AMSGrad": lambda lr: optim.Adam(lr=lr, amsgrad=True),
    "Adamax": lambda lr: optim.Adamax(lr=lr),
    "NAdam": lambda lr: optim.NAdam(lr=lr),
    "RAdam": lambda lr: optim.RAdam(lr=lr),
    "AdamW": lambda lr: optim.AdamW(lr=lr),
    "SparseAdam": lambda lr: optim.SparseAdam(lr=lr),
    "Adafactor": lambda lr: optim.Adafactor(lr=lr),
    "ASGD": lambda lr: optim.ASGD(lr=lr),
    "Rprop": lambda lr: optim.Rprop(lr=lr),
    "Lookahead(SGDM)": _lookahead(lambda lr: optim.SGD(lr=lr, momentum=0.9)),
    "Lookahead(Adam)": _lookahead(lambda lr: optim.Adam(lr=lr)),
}
"""Every racer on the 2-D landscapes, by name: torch.optim's first-order optimizers with their
defaults except lr (SGDM and NAG: momentum 0.9; AMSGrad: Adam's amsgrad=True) and Lookahead
(k = 5, alpha = 0.5) around SGDM and Adam. Muon needs a matrix (``problems.matrix_least_squares``)
and is not a racer on 2-D points."""


def racer(name: str, lr):
    """The racer ``name`` at learning rate ``lr`` (a number, or an array: a sweep)."""
    try:
        factory = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown optimizer {name!r}; valid: {', '.join(map(repr, OPTIMIZERS))}"
        ) from None
    return factory(lr)


@dataclass(frozen=True)
class Tuning:
    """What ``tune_lr`` found. ``lr``: the chosen learning rate; ``loss``: its run's final loss
    (``by="best"``: its lowest loss); ``lrs`` and ``scores``: the whole grid and each lr's
    score (the final or best loss, or the steps to tolerance), NaN where a run is out;
    ``diverged``: which runs overflowed; ``by``: the criterion."""

    lr: float
    loss: float
    lrs: np.ndarray
    scores: np.ndarray
    diverged: np.ndarray
    by: str


def tune_lr(make_optimizer, problem: Problem, x0, steps: int, lrs=LR_GRID, *, by="final",
            f_min=None, tol=None, **run_kw) -> Tuning:  # fmt: skip
    """The learning rate in ``lrs`` whose run reaches the lowest loss in ``steps`` steps.

    ``make_optimizer(lr=array)`` (a class such as ``ol.Adam``, a lambda, or a racer's name in
    ``OPTIMIZERS``) builds ONE optimizer whose lr is the whole grid, so all learning rates run
    as one vectorised sweep (``ol.run(..., keep=("loss",))``; ``run_kw``, such as the gradient
    noise, are passed on to ``run``).

    ``by="final"`` scores each lr by its loss after the last step, ``by="best"`` by the lowest
    loss along its run, ``by="steps"`` by its steps to tolerance (``steps_to_tolerance`` with
    ``f_min`` and ``tol``, both required then: fewest wins). Rules, explicitly:

    - a run that diverged (``Trajectory.diverged_at``: an iterate or loss left the finite
      numbers) is out, even if its loss was low before it blew up; its score is NaN; with
      ``by="steps"`` a run that never reaches the tolerance is out too;
    - ties (equal scores, as when several runs reach the minimum exactly or the loss
      underflows to 0) go to the **smallest** lr, the one furthest from divergence; with
      ``by="steps"`` equal step counts go first to the lower final loss, then the smallest lr;
    - if every lr is out, a ValueError says so (every lr diverged: try smaller ones; none
      reached the tolerance: a longer budget, or by="final").
    """
    if not isinstance(by, str) or by not in ("final", "best", "steps"):
        raise ValueError(f"by must be 'final', 'best' or 'steps', got {_brief(by)}")
    if "keep" in run_kw:
        raise TypeError("tune_lr keeps the losses itself (keep=('loss',)): leave keep out")
    if (by == "steps") != (f_min is not None and tol is not None):
        raise ValueError("f_min and tol go with by='steps' (both), and only with it")
    lrs = as_real("lrs", lrs)
    if lrs.ndim != 1 or lrs.size == 0 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(
            f"lrs must be a non-empty 1-D array of positive learning rates, got {lrs!r}"
        )
    if isinstance(make_optimizer, str):
        opt = racer(make_optimizer, lrs)
    elif not callable(make_optimizer) or isinstance(make_optimizer, optim.Optimizer):
        raise TypeError(
            "make_optimizer must be a racer's name or a callable that makes an optimizer from "
            f"lr= (a class such as ol.Adam, a lambda), got {_brief(make_optimizer)}"
        )
    else:
        opt = make_optimizer(lr=lrs)
        if not isinstance(opt, optim.Optimizer):
            raise TypeError(
                f"make_optimizer(lr=lrs) must return an optimlab optimizer, got {_brief(opt)}"
            )
    if opt.batch_shape != lrs.shape:
        raise ValueError(
            f"make_optimizer(lr=lrs) made a sweep of shape {opt.batch_shape}, expected "
            f"{lrs.shape}: lr must be its only array hyperparameter"
        )
    traj = run(opt, problem, x0, steps, keep=("loss",), **run_kw)
    diverged = np.asarray(traj.diverged_at) >= 0
    final = traj.loss[-1].copy()
    final[diverged | ~np.isfinite(final)] = np.nan
    if by == "final":
        scores = final.copy()
    elif by == "best":
        scores = np.where(np.isnan(traj.loss), np.inf, traj.loss).min(axis=0)
    else:
        scores = steps_to_tolerance(traj, f_min, tol).astype(float)
        scores[scores < 0] = np.nan
    scores[diverged | ~np.isfinite(scores)] = np.nan
    if np.all(np.isnan(scores)):
        grid = f"every learning rate (lrs from {lrs.min():g} to {lrs.max():g})"
        if by == "steps" and not diverged.all():
            raise ValueError(
                f"{grid} failed to reach the tolerance in {steps} steps or diverged; "
                "try more steps or by='final'"
            )
        raise ValueError(f"{grid} diverged; try smaller ones")
    tied = scores == np.nanmin(scores)
    if by == "steps":
        tied &= final == np.nanmin(np.where(tied, final, np.nan))
    i = int(np.flatnonzero(tied)[np.argmin(lrs[tied])])
    loss = scores[i] if by == "best" else final[i]
    return Tuning(
        lr=float(lrs[i]), loss=float(loss), lrs=lrs, scores=scores, diverged=diverged, by=by
    )


def steps_to_tolerance(traj: Trajectory, f_min: float, tol: float):
    """The first recorded step whose loss is within ``tol`` of ``f_min`` (loss − f_min <= tol),
    or ``None`` if the run never gets there. For a sweep, an integer array of the sweep's shape
    with -1 for the runs that never do. A run that diverged counts only if it got there first.
    A negative ``tol`` asks the loss to fall that far below ``f_min`` (the saddle: escape)."""
    if not isinstance(traj, Trajectory):
        raise TypeError(f"traj must be an optimlab Trajectory, got {_brief(traj)}")
    if traj.loss is None:
        raise ValueError("steps_to_tolerance needs the losses: run with keep including 'loss'")
    f_min, tol = _finite("f_min", f_min), _finite("tol", tol)
    with np.errstate(invalid="ignore"):
        reached = traj.loss - f_min <= tol  # NaN (diverged) never counts
    first = np.where(reached.any(axis=0), traj.step[np.argmax(reached, axis=0)], -1)
    if np.ndim(first) == 0:
        return None if first < 0 else int(first)
    return first


def _finite(name, value) -> float:
    arr = as_real(name, value)
    if arr.ndim:
        raise ValueError(f"{name} must be one number, got an array of shape {arr.shape}")
    if not np.isfinite(arr):
        raise ValueError(f"{name} must be a finite number, got {_brief(value)}")
    return float(arr)


def race(names, landscape: str, lrs=LR_GRID, *, by="final", steps=None, **run_kw):
    """Tune each racer in ``names`` on the landscape named ``landscape`` (``LANDSCAPES``) and
    return {name: (Tuning, steps to the landscape's tolerance at the tuned lr, or None)}.

    ``by`` is ``tune_lr``'s criterion; ``by="steps"`` uses the landscape's f_min and tol. The
    landscape's gradient noise, if any, is passed to ``run`` as ``noise=`` (with ``seed=`` 0
    unless ``run_kw`` says otherwise). On the saddle, whose loss has no floor, "final" picks
    the largest lr that has not overflowed yet."""
    if not isinstance(landscape, str):
        raise TypeError(f"landscape must be a landscape's name, got {_brief(landscape)}")
    if not isinstance(by, str) or by not in ("final", "best", "steps"):
        raise ValueError(f"by must be 'final', 'best' or 'steps', got {_brief(by)}")
    if (
        isinstance(names, str)
        or not isinstance(names, (list, tuple))
        or not all(isinstance(n, str) for n in names)
    ):
        raise TypeError(
            f"names must be a list of racers' names, got {_brief(names)}"
            + (f"; write names=[{names!r}]" if isinstance(names, str) else "")
        )
    scape = LANDSCAPES[landscape]
    problem, steps = scape.make(), scape.steps if steps is None else steps
    if scape.noise:
        run_kw = {"noise": scape.noise, "seed": 0, **run_kw}
    target = {"f_min": scape.f_min, "tol": scape.tol} if by == "steps" else {}
    out = {}
    for name in names:
        tuning = tune_lr(name, problem, scape.start, steps, lrs, by=by, **target, **run_kw)
        traj = run(racer(name, tuning.lr), problem, scape.start, steps,
                   keep=("loss",), **run_kw)  # fmt: skip
        out[name] = (tuning, steps_to_tolerance(traj, scape.f_min, scape.tol))
    return out


# =============================================================================================
# Notebook 09: the tuned table, the traces the panel draws, the state inspector, the tables
# =============================================================================================

from functools import lru_cache  # noqa: E402  (this section's own imports, kept with it)

from .problems import matrix_least_squares  # noqa: E402
from .run import _NoiseSource  # noqa: E402  (the same noise draws as run's)

LBFGS_LR = 1.0
"""L-BFGS races at torch's default lr = 1 with the strong-Wolfe line search, which picks the
step length at every iteration: it is not tuned (its evaluations per step vary, so a grid sweep
would not compare like with like)."""

RACERS = (*OPTIMIZERS, "LBFGS")
"""Every racer on the 2-D landscapes, in the course's story order: ``OPTIMIZERS`` and L-BFGS."""

DEFAULT_RACERS = ("SGD", "SGDM", "Adagrad", "RMSprop", "Adam")

TEAMS = {
    "Team SGD": ("SGD", "SGDM", "NAG", "ASGD", "Lookahead(SGDM)"),
    "Team Adam": (
        "Adagrad", "RMSprop", "Adadelta", "Adam", "AMSGrad", "Adamax", "NAdam", "RAdam", "AdamW",
        "Lookahead(Adam)",
    ),
}  # fmt: skip
"""The lecture's two teams (seed 004): plain and momentum SGD with their improvements, against
the adaptive methods with theirs. Rprop, SparseAdam (Adam on these dense gradients), Adafactor
and L-BFGS play for neither."""

# fmt: off
TUNED: dict[str, dict[str, float]] = {
    "rosenbrock": {
        "SGD": 0.001584893192461114, "SGDM": 0.002511886431509582, "NAG": 0.001,
        "Adagrad": 1.584893192461114, "RMSprop": 0.002511886431509582, "Adadelta": 0.1,
        "Adam": 2.5118864315095824, "AMSGrad": 0.25118864315095824, "Adamax": 0.3981071705534973,
        "NAdam": 0.01584893192461114, "RAdam": 0.006309573444801929, "AdamW": 0.06309573444801936,
        "SparseAdam": 2.5118864315095824, "Adafactor": 0.01, "ASGD": 0.001584893192461114,
        "Rprop": 0.6309573444801936, "Lookahead(SGDM)": 0.002511886431509582,
        "Lookahead(Adam)": 2.5118864315095824,
    },
    "beale": {
        "SGD": 0.025118864315095822, "SGDM": 0.006309573444801929, "NAG": 0.006309573444801929,
        "Adagrad": 2.5118864315095824, "RMSprop": 0.002511886431509582,
        "Adadelta": 0.1584893192461114, "Adam": 2.5118864315095824, "AMSGrad": 0.25118864315095824,
        "Adamax": 1.0, "NAdam": 0.1584893192461114, "RAdam": 0.01584893192461114,
        "AdamW": 0.3981071705534973, "SparseAdam": 1.0, "Adafactor": 0.006309573444801929,
        "ASGD": 0.025118864315095822, "Rprop": 0.01584893192461114, "Lookahead(SGDM)": 0.01,
        "Lookahead(Adam)": 0.6309573444801936,
    },
    "himmelblau": {
        "SGD": 0.01584893192461114, "SGDM": 0.025118864315095822, "NAG": 0.001584893192461114,
        "Adagrad": 1.0, "RMSprop": 0.025118864315095822, "Adadelta": 1.0,
        "Adam": 0.6309573444801936, "AMSGrad": 1.584893192461114, "Adamax": 1.584893192461114,
        "NAdam": 0.1, "RAdam": 0.1584893192461114, "AdamW": 1.584893192461114,
        "SparseAdam": 0.6309573444801936, "Adafactor": 0.06309573444801936, "ASGD": 0.001,
        "Rprop": 1.0, "Lookahead(SGDM)": 0.001584893192461114,
        "Lookahead(Adam)": 0.1584893192461114,
    },
    "saddle": {
        "SGD": 2.5118864315095824, "SGDM": 1.584893192461114, "NAG": 1.0, "Adagrad": 10.0,
        "RMSprop": 10.0, "Adadelta": 10.0, "Adam": 10.0, "AMSGrad": 10.0, "Adamax": 10.0,
        "NAdam": 10.0, "RAdam": 6.309573444801943, "AdamW": 1.584893192461114, "SparseAdam": 10.0,
        "Adafactor": 1.0, "ASGD": 2.5118864315095824, "Rprop": 10.0,
        "Lookahead(SGDM)": 2.5118864315095824, "Lookahead(Adam)": 10.0,
    },
    "rotated bowl": {
        "SGD": 0.01584893192461114, "SGDM": 0.01584893192461114, "NAG": 0.01,
        "Adagrad": 0.3981071705534973, "RMSprop": 0.006309573444801929,
        "Adadelta": 0.6309573444801936, "Adam": 0.1, "AMSGrad": 0.1, "Adamax": 0.25118864315095824,
        "NAdam": 0.025118864315095822, "RAdam": 0.039810717055349734, "AdamW": 10.0,
        "SparseAdam": 0.1, "Adafactor": 0.06309573444801936, "ASGD": 0.01584893192461114,
        "Rprop": 3.9810717055349776, "Lookahead(SGDM)": 0.01,
        "Lookahead(Adam)": 0.25118864315095824,
    },
    "plateau": {
        "SGD": 1.584893192461114, "SGDM": 0.6309573444801936, "NAG": 0.3981071705534973,
        "Adagrad": 0.3981071705534973, "RMSprop": 0.01584893192461114,
        "Adadelta": 1.584893192461114, "Adam": 0.039810717055349734,
        "AMSGrad": 0.039810717055349734, "Adamax": 0.06309573444801936,
        "NAdam": 0.039810717055349734, "RAdam": 0.1, "AdamW": 0.039810717055349734,
        "SparseAdam": 0.039810717055349734, "Adafactor": 1.0, "ASGD": 1.584893192461114,
        "Rprop": 0.003981071705534973, "Lookahead(SGDM)": 0.6309573444801936,
        "Lookahead(Adam)": 0.06309573444801936,
    },
    "noisy bowl": {
        "SGD": 0.01584893192461114, "SGDM": 0.001, "NAG": 0.001, "Adagrad": 0.1584893192461114,
        "RMSprop": 0.01, "Adadelta": 3.9810717055349776, "Adam": 0.025118864315095822,
        "AMSGrad": 0.025118864315095822, "Adamax": 0.025118864315095822,
        "NAdam": 0.01584893192461114, "RAdam": 0.06309573444801936, "AdamW": 0.01,
        "SparseAdam": 0.025118864315095822, "Adafactor": 0.6309573444801936,
        "ASGD": 0.01584893192461114, "Rprop": 0.001584893192461114,
        "Lookahead(SGDM)": 0.002511886431509582, "Lookahead(Adam)": 0.025118864315095822,
    },
}
# fmt: on
"""The tuned learning rate of every racer on every landscape: the lr of ``LR_GRID`` with the
lowest final loss in the landscape's budget (``tune_lr(name, ...)``, ``by="final"``, the noisy
bowl with its noise at seed 0). A checked constant: tests/test_race_table.py recomputes it."""


def tuned_lrs(landscapes=None, names=None) -> dict[str, dict[str, float]]:
    """Compute ``TUNED`` afresh: one vectorised ``tune_lr`` sweep per racer and landscape
    (about five seconds for all of them)."""
    out = {}
    for scape_name in LANDSCAPES if landscapes is None else landscapes:
        scape = LANDSCAPES[scape_name]
        run_kw = {"noise": scape.noise, "seed": 0} if scape.noise else {}
        problem = scape.make()
        out[scape_name] = {
            name: tune_lr(name, problem, scape.start, scape.steps, **run_kw).lr
            for name in (OPTIMIZERS if names is None else names)
        }
    return out


def tuned_lr(name: str, landscape: str) -> float:
    """The racer's learning rate on the landscape at multiple 1: ``TUNED``, or ``LBFGS_LR``."""
    LANDSCAPES[landscape]  # an unknown name: a ValueError listing the landscapes
    if name == "LBFGS":
        return LBFGS_LR
    racer(name, 1.0)  # a ValueError listing the racers
    return TUNED[landscape][name]


def _check_racer(name):
    if name not in RACERS:
        raise ValueError(f"unknown optimizer {name!r}; valid: {', '.join(map(repr, RACERS))}")


def _lbfgs(lr):
    return optim.LBFGS(lr=lr, line_search_fn="strong_wolfe")


# which state entries the inspector shows, per racer: (label, state key)
_MOMENT = ("m: momentum buffer", "momentum_buffer")
_ADAM = (("m: avg of g", "exp_avg"), ("v: avg of g²", "exp_avg_sq"))
STATE_SHOWN: dict[str, tuple] = {
    "SGD": (),
    "SGDM": (_MOMENT,),
    "NAG": (_MOMENT,),
    "Adagrad": (("v: sum of g²", "sum"),),
    "RMSprop": (("v: avg of g²", "square_avg"),),
    "Adadelta": (("v: avg of g²", "square_avg"), ("u: avg of Δx²", "acc_delta")),
    "Adam": _ADAM,
    "AMSGrad": (_ADAM[0], ("max v", "max_exp_avg_sq")),
    "Adamax": (_ADAM[0], ("u: max |g|", "exp_inf")),
    "NAdam": _ADAM,
    "RAdam": _ADAM,
    "AdamW": _ADAM,
    "SparseAdam": _ADAM,
    "Adafactor": (("v: avg of g²", "variance"),),
    "ASGD": (("x̄: average of x", "ax"),),
    "Rprop": (("step size", "step_size"),),
    "Lookahead(SGDM)": (("slow weights", "slow"), ("m: momentum buffer", "inner.momentum_buffer")),
    "Lookahead(Adam)": (
        ("slow weights", "slow"),
        ("m: avg of g", "inner.exp_avg"),
        ("v: avg of g²", "inner.exp_avg_sq"),
    ),  # fmt: skip
    "LBFGS": (),
}
"""The optimizer state the inspector shows for each racer: (label, key in the state; "inner."
for Lookahead's inner optimizer)."""


def _state_value(state, key):
    for part in key.split("."):
        state = state[part]
    return state


@dataclass(frozen=True)
class Trace:
    """A racer on a landscape at several learning rates at once (a sweep), with its state.

    ``x``: iterates, shape (steps + 1, M, 2); ``loss``: (steps + 1, M); ``grad``: the gradient
    each step used, noise included, (steps, M, 2) (``grad[t − 1]`` made ``x[t]``);
    ``state``: {label: (steps + 1, M, 2)} for the entries ``STATE_SHOWN`` lists (NaN at t = 0
    where the state starts empty); ``diverged_at``: (M,), −1 where the run stayed finite.
    From a run's divergence on, everything holds NaN, as in ``run``. For L-BFGS, step t is its
    position after t function evaluations (``evals`` says how many each of its own steps
    used), and ``grad`` and ``state`` are not recorded (NaN)."""

    name: str
    landscape: str
    lrs: np.ndarray
    x: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    state: dict
    diverged_at: np.ndarray
    evals: np.ndarray | None = None


def trace(name: str, landscape: str, lrs, steps: int | None = None) -> Trace:
    """Run racer ``name`` on ``landscape`` at every lr of ``lrs`` (one vectorised sweep),
    stepping the optimizer here so as to record its state along the way.

    The iterates and losses are ``run``'s, bit for bit: the same sweep, the same gradients and
    the same noise draws (seed 0), the same divergence cut (tests check it). L-BFGS (which
    evaluates the problem itself, and takes no noise) is run by ``run`` per lr and put on the
    evaluation axis (``_lbfgs_trace``)."""
    _check_racer(name)
    scape = LANDSCAPES[landscape]
    steps = scape.steps if steps is None else int(steps)
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if name == "LBFGS":
        return _lbfgs_trace(landscape, lrs, steps)
    problem = scape.make()
    opt = racer(name, lrs)
    M = lrs.size
    x = np.broadcast_to(np.asarray(scape.start, dtype=float), (M, 2)).copy()
    shown = STATE_SHOWN[name]
    xs = np.full((steps + 1, M, 2), np.nan)
    losses = np.full((steps + 1, M), np.nan)
    grads = np.full((steps, M, 2), np.nan)
    states = {label: np.full((steps + 1, M, 2), np.nan) for label, _ in shown}
    noise = _NoiseSource(scape.noise, np.asarray(0), (2,)) if scape.noise else None
    diverged = np.full(M, -1)
    with np.errstate(all="ignore"):
        state = opt.init(x)
        xs[0], losses[0] = x, problem.f(x)
        for k in range(1, steps + 1):
            g = np.asarray(problem.grad(x), dtype=float)
            if noise is not None:
                g = g + noise(1, 1)
            x, state = opt.step(x, g, state)
            loss = problem.f(x)
            grads[k - 1], xs[k], losses[k] = g, x, loss
            for label, key in shown:
                states[label][k] = _state_value(state, key)
            bad = ~(np.isfinite(x).all(axis=-1) & np.isfinite(loss)) & (diverged < 0)
            diverged[bad] = k
            if (diverged >= 0).all():
                break
    for j in np.flatnonzero(diverged >= 0):  # NaN from each run's divergence on
        d = diverged[j]
        xs[d:, j], losses[d:, j], grads[d - 1 :, j] = np.nan, np.nan, np.nan
        for arr in states.values():
            arr[d:, j] = np.nan
    return Trace(name, landscape, lrs, xs, losses, grads, states, diverged)


def _lbfgs_trace(landscape, lrs, steps) -> Trace:
    """L-BFGS at each lr, its position after t = 0 ... steps function evaluations: the iterate
    of its last step that had used at most t evaluations. Once its gradient is below
    tolerance_grad a torch LBFGS step returns without moving, so it is run only until then
    (or until it has used ``steps`` evaluations)."""
    scape = LANDSCAPES[landscape]
    if scape.noise:
        raise ValueError(
            f"LBFGS evaluates the problem itself and takes no gradient noise: it does not race "
            f"on the {landscape!r}"
        )
    problem = scape.make()
    M = lrs.size
    xs = np.full((steps + 1, M, 2), np.nan)
    losses = np.full((steps + 1, M), np.nan)
    diverged = np.full(M, -1)
    evals = []
    for j, lr in enumerate(lrs):
        n = 16
        while True:  # double the steps until the evaluations are used or it has stopped
            t = run(_lbfgs(float(lr)), problem, scape.start, n)
            used = t.evals
            done = used[-1] >= steps or t.diverged_at is not None or (
                n >= 2 and np.array_equal(t.x[-1], t.x[-2])
            )  # fmt: skip
            if done or n >= steps:
                break
            n *= 2
        where = np.searchsorted(used, np.arange(steps + 1), side="right") - 1
        where[0] = 0  # the start, before any evaluation
        xs[:, j], losses[:, j] = t.x[where], t.loss[where]
        if t.diverged_at is not None:
            cut = np.flatnonzero(~np.isfinite(losses[:, j]))
            diverged[j] = int(cut[0]) if cut.size else -1
        evals.append(used)
    grads = np.full((steps, M, 2), np.nan)
    width = max(len(e) for e in evals)
    padded = np.array([np.pad(e, (0, width - len(e)), mode="edge") for e in evals]).T
    return Trace("LBFGS", landscape, lrs, xs, losses, grads, {}, diverged, padded)


MULTIPLES = (0.1, 0.18, 0.32, 0.56, 1.0, 1.8, 3.2, 5.6, 10.0)
"""The multiples of the tuned lr that the race panel offers (log-spaced, 1 in the middle)."""


@lru_cache(maxsize=160)  # every racer on every landscape: under 100 MB
def race_trace(name: str, landscape: str) -> Trace:
    """``trace`` of racer ``name`` at ``MULTIPLES`` × its tuned lr on ``landscape``, computed
    once per kernel (cached): what the race panel draws. L-BFGS is not on the noisy bowl."""
    lr = tuned_lr(name, landscape)
    return trace(name, landscape, [lr * m for m in MULTIPLES])


@dataclass(frozen=True)
class Inspection:
    """The inspector's numbers for one racer at iteration t (0 < t): ``x`` the iterate,
    ``grad`` the gradient step t used (noise included), ``move`` = x_t − x_{t−1}, ``rate`` =
    −move/grad per coordinate (the learning rate each coordinate effectively got: lr for
    plain SGD; NaN where the gradient is 0), and ``state``: {label: value} as
    ``STATE_SHOWN`` lists."""

    name: str
    t: int
    lr: float
    x: np.ndarray
    grad: np.ndarray
    move: np.ndarray
    rate: np.ndarray
    state: dict


def inspect(tr: Trace, t: int, j: int = 0) -> Inspection:
    """The state inspector at iteration ``t`` of column ``j`` of a trace (``t`` from 0 to the
    trace's steps; at t = 0 there is no step yet: NaN)."""
    steps = tr.x.shape[0] - 1
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= steps:
        raise ValueError(f"t must be an integer from 0 to {steps}, got {t!r}")
    if t == 0:
        nan = np.full(2, np.nan)
        return Inspection(tr.name, 0, float(tr.lrs[j]), tr.x[0, j], nan, nan, nan,
                          {label: nan for label in tr.state})  # fmt: skip
    move = tr.x[t, j] - tr.x[t - 1, j]
    g = tr.grad[t - 1, j]
    with np.errstate(all="ignore"):
        rate = np.where(g != 0, -move / np.where(g != 0, g, 1.0), np.nan)
    return Inspection(
        tr.name, int(t), float(tr.lrs[j]), tr.x[t, j], g, move, rate,
        {label: arr[t, j] for label, arr in tr.state.items()},
    )  # fmt: skip


# -- the tables the notebook prints -------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One cell of the race table: ``steps`` to the landscape's tolerance at the tuned lr (for
    L-BFGS: function evaluations), or None; ``best``: the lowest loss − f_min in the budget;
    ``diverged``: the run overflowed; ``lr``: the lr it ran at."""

    steps: int | None
    best: float
    diverged: bool
    lr: float

    def __str__(self) -> str:
        if self.steps is not None:
            return f"{self.steps}"
        return "diverged" if self.diverged else f"({self.best:.0e})"


def race_table(names=RACERS, landscapes=None) -> dict[str, dict[str, Entry | None]]:
    """{landscape: {racer: Entry}} at the tuned learning rates (``TUNED``), one run each;
    None where a racer does not race (L-BFGS on the noisy bowl)."""
    out = {}
    for scape_name in LANDSCAPES if landscapes is None else landscapes:
        scape = LANDSCAPES[scape_name]
        problem = scape.make()
        run_kw = {"noise": scape.noise, "seed": 0} if scape.noise else {}
        row = {}
        for name in names:
            _check_racer(name)
            if name == "LBFGS":
                if scape.noise:
                    row[name] = None
                    continue
                tr = _lbfgs_trace(scape_name, np.array([LBFGS_LR]), scape.steps)
                loss, diverged = tr.loss[:, 0], bool(tr.diverged_at[0] >= 0)
                lr = LBFGS_LR
            else:
                lr = TUNED[scape_name][name]
                t = run(racer(name, lr), problem, scape.start, scape.steps, keep=("loss",),
                        **run_kw)  # fmt: skip
                loss, diverged = t.loss, t.diverged_at is not None
            gap = loss - scape.f_min
            with np.errstate(invalid="ignore"):
                reached = np.flatnonzero(gap <= scape.tol)
            best = float(np.nanmin(gap)) if np.isfinite(gap).any() else float("nan")
            row[name] = Entry(int(reached[0]) if reached.size else None, best, diverged, lr)
        out[scape_name] = row
    return out


def _rank_key(entry: Entry):
    """Fewest steps first; runs that never reach the tolerance after, by their best loss."""
    if entry is None:
        return (2, np.inf)
    if entry.steps is not None:
        return (0, entry.steps)
    return (1, entry.best if np.isfinite(entry.best) else np.inf)


def winner(row: dict, names) -> str:
    """The racer of ``names`` that did best in a table row (fewest steps to the tolerance,
    then the lowest best loss)."""
    return min(names, key=lambda n: _rank_key(row.get(n)))


def team_wins(table: dict, teams=None) -> dict:
    """{landscape: the team whose best racer beat the other team's best} and the counts;
    equal keys (both teams' best runs reach the tolerance in the same number of steps) count
    as a tie. Returns {"by landscape": {...}, "wins": {team: n, "tie": n}}."""
    teams = TEAMS if teams is None else teams
    (a, team_a), (b, team_b) = teams.items()
    by, wins = {}, {a: 0, b: 0, "tie": 0}
    for scape_name, row in table.items():
        ka, kb = _rank_key(row[winner(row, team_a)]), _rank_key(row[winner(row, team_b)])
        result = a if ka < kb else b if kb < ka else "tie"
        by[scape_name] = result
        wins[result] += 1
    return {"by landscape": by, "wins": wins}


def format_table(table: dict, names=None) -> str:
    """The race table as text: one row per racer, one column per landscape; a number is the
    steps to the tolerance (L-BFGS: evaluations), "(1e-03)" the best loss − f_min of a run
    that never got there, "diverged" a run that overflowed, "–" no race."""
    scapes = list(table)
    names = list(next(iter(table.values()))) if names is None else list(names)
    heads = [s.replace("rotated ", "rot. ").replace("himmelblau", "himmelbl.") for s in scapes]
    width = max(10, *(len(h) for h in heads))
    lines = [f"{'':<16}" + "".join(f"{h:>{width + 1}}" for h in heads)]
    for name in names:
        cells = [str(table[s][name]) if table[s][name] is not None else "–" for s in scapes]
        lines.append(f"{name:<16}" + "".join(f"{c:>{width + 1}}" for c in cells))
    return "\n".join(lines)


# -- the matrix problem: Adafactor and Muon against Adam and SGDM ---------------------------

MATRIX_RACERS: dict[str, Callable] = {
    "SGDM": lambda lr: optim.SGD(lr=lr, momentum=0.9),
    "Adam": lambda lr: optim.Adam(lr=lr),
    "Adafactor": lambda lr: optim.Adafactor(lr=lr),
    "Muon": lambda lr: optim.Muon(lr=lr, weight_decay=0.0),
}
"""The racers on the matrix problem: torch's defaults except lr (Muon without its default
weight decay 0.1, which would pull W away from the least-squares solution)."""


@dataclass(frozen=True)
class MatrixEntry:
    """``lr``: tuned on the grid; ``gap``: (f − f*)/(f(W0) − f*) after the budget;
    ``steps``: to a relative gap of ``tol``, or None."""

    lr: float
    gap: float
    steps: int | None


def matrix_race(steps: int = 300, tol: float = 1e-3, seed: int = 0) -> dict[str, MatrixEntry]:
    """Adafactor and Muon against Adam and SGDM on ``problems.matrix_least_squares`` (W of
    shape 3×4 from zeros, feature scales 1/10 ... 10): each at its tuned lr (``tune_lr``,
    final loss after ``steps``), the relative gap it leaves and its steps to ``tol``."""
    p = matrix_least_squares(seed=seed)
    W0 = np.zeros((3, 4))
    f_star, f0 = float(p.f(np.array(p.minimum))), float(p.f(W0))
    out = {}
    for name, make in MATRIX_RACERS.items():
        tuning = tune_lr(make, p, W0, steps)
        t = run(make(tuning.lr), p, W0, steps, keep=("loss",))
        reached = steps_to_tolerance(t, f_star, tol * (f0 - f_star))
        out[name] = MatrixEntry(tuning.lr, (float(t.loss[-1]) - f_star) / (f0 - f_star), reached)
    return out


# -- what the race panel shows -------------------------------------------------------------


@dataclass(frozen=True)
class RaceView:
    """The race panel's result: the racers ``names`` on ``landscape`` at ``multiple`` × their
    tuned lr (``lrs``), their iterates ``x`` {name: (steps + 1, 2)} and loss gaps ``gap``
    {name: loss − f_min, (steps + 1,)}, shown up to iteration ``t``; ``left_out``: ticked
    racers that cannot race here (L-BFGS on the noisy bowl); ``inspection``: the state
    inspector's numbers for ``inspected`` at t (None if it cannot race here)."""

    landscape: str
    steps: int
    t: int
    multiple: float
    names: tuple
    lrs: dict
    x: dict
    gap: dict
    diverged_at: dict
    left_out: tuple
    inspected: str
    inspection: Inspection | None
    f_min: float
    tol: float


def race_view(landscape: str, names, multiple: float = 1.0, t: int | None = None,
              inspected: str = "Adam") -> RaceView:  # fmt: skip
    """The race of ``names`` on ``landscape`` at ``multiple`` (one of ``MULTIPLES``) × the
    tuned lrs, at iteration ``t`` (default: the end of the budget), with the state inspector
    on ``inspected``. The traces come from ``race_trace`` (computed once per racer and
    landscape, every multiple at once), so moving ``t`` or ``multiple`` costs nothing."""
    scape = LANDSCAPES[landscape]
    names = tuple(names)
    for name in (*names, inspected):
        _check_racer(name)
    if multiple not in MULTIPLES:
        raise ValueError(f"multiple must be one of {MULTIPLES}, got {multiple!r}")
    j = MULTIPLES.index(multiple)
    steps = scape.steps
    t = steps if t is None else t
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= steps:
        raise ValueError(f"t must be an integer from 0 to {steps}, got {t!r}")

    def races(name):
        return not (name == "LBFGS" and scape.noise)

    racing = tuple(n for n in names if races(n))
    traces = {n: race_trace(n, landscape) for n in racing}
    inspection = None
    if races(inspected):
        inspection = inspect(race_trace(inspected, landscape), int(t), j)
    return RaceView(
        landscape=landscape, steps=steps, t=int(t), multiple=float(multiple), names=racing,
        lrs={n: float(tr.lrs[j]) for n, tr in traces.items()},
        x={n: tr.x[:, j] for n, tr in traces.items()},
        gap={n: tr.loss[:, j] - scape.f_min for n, tr in traces.items()},
        diverged_at={n: int(tr.diverged_at[j]) for n, tr in traces.items()},
        left_out=tuple(n for n in names if not races(n)), inspected=inspected,
        inspection=inspection, f_min=scape.f_min, tol=scape.tol,
    )  # fmt: skip
