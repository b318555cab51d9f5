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
