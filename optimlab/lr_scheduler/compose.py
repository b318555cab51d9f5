"""Schedulers made of schedulers: SequentialLR (one after the other, at milestones) and
ChainedScheduler (all of them at every step), as torch composes them on one optimizer."""

from __future__ import annotations

from bisect import bisect_right

from ..optim.base import _brief
from .base import LRScheduler, broadcast, integer, no_resume
from .plateau import ReduceLROnPlateau


def _check_schedulers(cls, schedulers, what):
    if isinstance(schedulers, LRScheduler) or not isinstance(schedulers, (list, tuple)):
        raise TypeError(f"{cls} takes a list of schedulers, got {_brief(schedulers)}")
    schedulers = list(schedulers)
    if len(schedulers) < 1:
        raise ValueError(f"{cls} expects at least one scheduler{what}, but got no scheduler.")
    for i, s in enumerate(schedulers):
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(
                f"{cls} does not support `ReduceLROnPlateau` scheduler as it requires additional "
                "kwargs to be specified when calling `step`, but got one at index "
                f"{i} in the given schedulers sequence."
            )
        if not isinstance(s, LRScheduler):
            raise TypeError(
                f"{cls} at index {i} should be an optimlab.lr_scheduler scheduler, got {s!r}"
            )
    return schedulers


class _Composite(LRScheduler):
    def __init__(self, schedulers):
        self.cycles_momentum = any(s.cycles_momentum for s in self.schedulers)

    def check_optimizer(self, opt):
        names = [s.check_optimizer(opt) for s in self.schedulers]
        return next((n for n in names if n is not None), None)

    def _shape(self):
        shape = ()
        for s in self.schedulers:
            shape = broadcast("a scheduler's arrays", shape, "another's", s._shape())
        return shape

    def _undo(self, own):
        for s, o in zip(self.schedulers, own["subs"], strict=True):
            s._undo(o)


class SequentialLR(_Composite):
    """The schedulers one after another, switching at ``milestones``, as torch's SequentialLR:
    e.g. ``SequentialLR([LinearLR(0.1, total_iters=5), CosineAnnealingLR(95)], [5])`` warms up
    for 5 steps, then anneals.

    What torch does, reproduced: every scheduler is first constructed on the optimizer in turn
    (each taking its initial step on the shared lr), then SequentialLR puts the lr back to the
    optimizer's initial lr, steps every scheduler's counter back by one and repeats the first
    scheduler's initial step. At milestone m the next scheduler restarts from t = 0 with its
    closed form (base·factor at 0: the lr jumps back to the base lr scaled), and then counts
    t − m; a scheduler without a closed form (LambdaLR, MultiplicativeLR, CyclicLR, OneCycleLR,
    CosineAnnealingWarmRestarts) takes its ``get_lr`` at t = 0 instead, so MultiplicativeLR
    continues from the previous scheduler's lr.

    Added checks: ``milestones`` strictly increasing non-negative integers, and no
    SequentialLR or ChainedScheduler after the first position (torch raises
    NotImplementedError when the milestone reaches one).
    """

    _repr_names = ("schedulers", "milestones")

    def __init__(self, schedulers, milestones, last_epoch=-1):
        no_resume(last_epoch)
        self.schedulers = _check_schedulers("SequentialLR", schedulers, "")
        try:
            milestones = list(milestones)
        except TypeError:
            raise TypeError(
                f"milestones must be a list of integers, got {_brief(milestones)}"
            ) from None
        milestones = [integer("milestones", m, 0) for m in milestones]
        if len(milestones) != len(self.schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more than "
                f"the number of milestone points, but got number of schedulers "
                f"{len(self.schedulers)} and the number of milestones to be equal to "
                f"{len(milestones)}"
            )
        if any(b <= a for a, b in zip(milestones[:-1], milestones[1:], strict=True)):
            raise ValueError(f"milestones must be strictly increasing, got {milestones!r}")
        for i, s in enumerate(self.schedulers[1:], 1):
            if isinstance(s, _Composite):
                raise ValueError(
                    f"SequentialLR: a {type(s).__name__} at index {i} cannot follow a milestone "
                    "(torch raises NotImplementedError there); put it first or flatten it"
                )
        self.milestones = milestones
        super().__init__(schedulers)

    def _construct(self, group):
        owns = [s._construct(group) for s in self.schedulers]
        own = {"subs": owns, "last_epoch": 0}
        group["lr"] = group["initial_lr"]
        self._undo(own)
        idx = bisect_right(self.milestones, 0)
        self.schedulers[idx]._initial_step(owns[idx], group)
        return own

    def _step(self, own, group, initial=False):
        own["last_epoch"] += 1
        t = own["last_epoch"]
        idx = bisect_right(self.milestones, t)
        s, o = self.schedulers[idx], own["subs"][idx]
        if idx > 0 and self.milestones[idx - 1] == t:
            s._update_lr(o, group, 0)
        else:
            s._step(o, group)

    def _undo(self, own):
        for s, o in zip(self.schedulers, own["subs"], strict=True):
            s._undo(o)


class ChainedScheduler(_Composite):
    """All the schedulers at every step, in order, on the same lr, as torch's
    ChainedScheduler: e.g. ``ChainedScheduler([ConstantLR(0.1, 20), ExponentialLR(0.9)])``.
    Each scheduler is constructed on the optimizer in turn (so their initial steps compose),
    and the chain itself takes no initial step."""

    _repr_names = ("schedulers",)

    def __init__(self, schedulers):
        self.schedulers = _check_schedulers("ChainedScheduler", schedulers, " to be chained")
        super().__init__(schedulers)

    def _construct(self, group):
        return {"subs": [s._construct(group) for s in self.schedulers]}

    def _initial_step(self, own, group):
        self._step(own, group)  # torch: the chain's step, its schedulers not in initial mode

    def _step(self, own, group, initial=False):
        for s, o in zip(self.schedulers, own["subs"], strict=True):
            s._step(o, group)
