"""The chainable schedulers: each multiplies the current lr by a factor (or, for LambdaLR and
CosineAnnealingWarmRestarts, scales the base lr), exactly as torch's ``get_lr`` does."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter

from .base import LRScheduler, integer, no_resume, real


def _factor(name, fn, epoch):
    """``fn(epoch)`` checked: a finite real number (else a ValueError, not a silent NaN)."""
    value = fn(epoch)
    try:
        return real(name, value)
    except ValueError:
        raise ValueError(
            f"{name}({epoch}) must return a finite real number, got {value!r}"
        ) from None


def _callable(lr_lambda):
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != 1:
            raise ValueError(f"Expected 1 lr_lambdas, but got {len(lr_lambda)}")
        lr_lambda = lr_lambda[0]
    if not callable(lr_lambda):
        raise TypeError(f"lr_lambda should be a function, but got {type(lr_lambda).__name__}")
    return lr_lambda


class LambdaLR(LRScheduler):
    """``lr = base_lr · lr_lambda(t)``, as ``torch.optim.lr_scheduler.LambdaLR`` (t = the number
    of scheduler steps so far; ``lr_lambda(0)`` applies from the start)."""

    _repr_names = ("lr_lambda",)

    def __init__(self, lr_lambda, last_epoch=-1):
        no_resume(last_epoch)
        self.lr_lambda = _callable(lr_lambda)

    def _get_lr(self, own, group, initial):
        return own["base_lrs"] * _factor("lr_lambda", self.lr_lambda, own["last_epoch"])


class MultiplicativeLR(LRScheduler):
    """``lr ← lr · lr_lambda(t)`` at every step t ≥ 1, as torch's MultiplicativeLR (the
    construction leaves the lr as it is)."""

    _repr_names = ("lr_lambda",)

    def __init__(self, lr_lambda, last_epoch=-1):
        no_resume(last_epoch)
        self.lr_lambda = _callable(lr_lambda)

    def _get_lr(self, own, group, initial):
        if initial:
            return group["lr"]
        return group["lr"] * _factor("lr_lambda", self.lr_lambda, own["last_epoch"])


class StepLR(LRScheduler):
    """``lr ← lr · gamma`` whenever t is a positive multiple of ``step_size``: base·γ^⌊t/step_size⌋,
    as torch's StepLR computes it (by repeated multiplication).

    torch checks nothing here (``step_size=0`` fails with ZeroDivisionError at the first step);
    here ``step_size`` must be a positive integer and ``gamma`` finite and non-negative."""

    _closed_form = True
    _repr_names = ("step_size", "gamma")

    def __init__(self, step_size, gamma=0.1, last_epoch=-1):
        no_resume(last_epoch)
        self.step_size = integer("step_size", step_size, 1)
        self.gamma = real("gamma", gamma, 0.0)

    def _get_lr(self, own, group, initial):
        t = own["last_epoch"]
        if t == 0 or t % self.step_size != 0:
            return group["lr"]
        return group["lr"] * self.gamma

    def _closed(self, own):
        return own["base_lrs"] * self.gamma ** (own["last_epoch"] // self.step_size)


class MultiStepLR(LRScheduler):
    """``lr ← lr · gamma^n`` at a step t that appears n times in ``milestones``, as torch's
    MultiStepLR. Milestones must be non-negative integers (torch does not check)."""

    _closed_form = True
    _repr_names = ("milestones", "gamma")

    def __init__(self, milestones, gamma=0.1, last_epoch=-1):
        no_resume(last_epoch)
        try:
            listed = list(milestones)
        except TypeError:
            raise ValueError(f"milestones must be a list of integers, got {milestones!r}") from None
        self.milestones = Counter(integer("milestones", m, 0) for m in listed)
        self.gamma = real("gamma", gamma, 0.0)

    def _get_lr(self, own, group, initial):
        t = own["last_epoch"]
        if t not in self.milestones:
            return group["lr"]
        return group["lr"] * self.gamma ** self.milestones[t]

    def _closed(self, own):
        milestones = sorted(self.milestones.elements())
        return own["base_lrs"] * self.gamma ** bisect_right(milestones, own["last_epoch"])


class ConstantLR(LRScheduler):
    """``lr · factor`` for the first ``total_iters`` steps, then ``lr · factor · (1/factor)``, as
    torch's ConstantLR (which multiplies back by ``1.0/factor``: the lr afterwards need not be
    the base lr to the last bit).

    (factor 0.9 at base 0.1: 0.10000000000000002 from step total_iters + 1 on.)

    torch accepts ``factor=0`` and then fails with ZeroDivisionError at step ``total_iters``,
    and with ``total_iters=0`` keeps the factor for ever; here ``factor`` must be in (0, 1] and
    ``total_iters`` a positive integer."""

    _closed_form = True
    _repr_names = ("factor", "total_iters")

    def __init__(self, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        no_resume(last_epoch)
        msg = "Constant multiplicative factor expected to be between 0 and 1."
        factor = real("factor", factor, message=msg)
        if factor > 1.0 or factor < 0:
            raise ValueError(msg)
        if factor == 0:
            raise ValueError(
                "factor=0: torch divides by it at step total_iters (ZeroDivisionError); "
                "use a factor in (0, 1]"
            )
        self.factor = factor
        self.total_iters = integer("total_iters", total_iters, 1)

    def _get_lr(self, own, group, initial):
        t = own["last_epoch"]
        if t == 0:
            return group["lr"] * self.factor
        if t != self.total_iters:
            return group["lr"]
        return group["lr"] * (1.0 / self.factor)

    def _closed(self, own):
        t = own["last_epoch"]
        return own["base_lrs"] * (self.factor + (t >= self.total_iters) * (1 - self.factor))


class LinearLR(LRScheduler):
    """The lr multiplied by a factor going linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` steps (warm-up from base/3 over 5 steps by default), as torch's LinearLR
    computes it: step by step, ``lr ← lr·(1 + (end − start)/(total_iters·start + (t − 1)(end −
    start)))``, not the closed form.

    The chained factor is not exact. The warm-up need not end on the base lr (start_factor
    0.05, 40 steps, base 0.05: 0.04999999999999998, where torch's docstring says 0.05). With
    ``end_factor=0`` the last factor, 1 + (−s)/(T·s − (T − 1)·s), can fall just below 0 by
    round-off, and torch's lr then stays slightly negative for ever (start_factor 0.3,
    total_iters 3, base 0.1: −2.2e-18). Both reproduced, not corrected.

    torch accepts ``total_iters=0`` and then keeps ``start_factor`` for ever; here it must be a
    positive integer."""

    _closed_form = True
    _repr_names = ("start_factor", "end_factor", "total_iters")

    def __init__(self, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        no_resume(last_epoch)
        msg = "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
        start_factor = real("start_factor", start_factor, message=msg)
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(msg)
        msg = "Ending multiplicative factor expected to be between 0 and 1."
        end_factor = real("end_factor", end_factor, message=msg)
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(msg)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = integer("total_iters", total_iters, 1)

    def _get_lr(self, own, group, initial):
        t = own["last_epoch"]
        if t == 0:
            return group["lr"] * self.start_factor
        if initial or t > self.total_iters:
            return group["lr"]
        s, e = self.start_factor, self.end_factor
        return group["lr"] * (1.0 + (e - s) / (self.total_iters * s + (t - 1) * (e - s)))

    def _closed(self, own):
        t, s, e = own["last_epoch"], self.start_factor, self.end_factor
        return own["base_lrs"] * (s + (e - s) * min(self.total_iters, t) / self.total_iters)


class ExponentialLR(LRScheduler):
    """``lr ← lr · gamma`` at every step: base·γ^t by repeated multiplication, as torch's
    ExponentialLR. ``gamma`` must be finite and non-negative."""

    _closed_form = True
    _repr_names = ("gamma",)

    def __init__(self, gamma, last_epoch=-1):
        no_resume(last_epoch)
        self.gamma = real("gamma", gamma, 0.0)

    def _get_lr(self, own, group, initial):
        return group["lr"] if initial else group["lr"] * self.gamma

    def _closed(self, own):
        return own["base_lrs"] * self.gamma ** own["last_epoch"]


class PolynomialLR(LRScheduler):
    """base·(1 − t/total_iters)^power, reached to zero at ``total_iters`` and kept there, as
    torch's PolynomialLR computes it: ``lr ← lr·((1 − t/T)/(1 − (t − 1)/T))^power``.

    Here ``total_iters`` must be a positive integer (torch keeps the lr constant at 0) and
    ``power`` finite and non-negative (a negative power divides by zero at t = total_iters)."""

    _closed_form = True
    _repr_names = ("total_iters", "power")

    def __init__(self, total_iters=5, power=1.0, last_epoch=-1):
        no_resume(last_epoch)
        self.total_iters = integer("total_iters", total_iters, 1)
        self.power = real("power", power, 0.0)

    def _get_lr(self, own, group, initial):
        t, T = own["last_epoch"], self.total_iters
        if initial or t > T:
            return group["lr"]
        decay_factor = ((1.0 - t / T) / (1.0 - (t - 1) / T)) ** self.power
        return group["lr"] * decay_factor

    def _closed(self, own):
        t, T = own["last_epoch"], self.total_iters
        return own["base_lrs"] * (1.0 - min(T, t) / T) ** self.power


class CosineAnnealingLR(LRScheduler):
    r"""η_min + (base − η_min)(1 + cos(πt/T_max))/2, as torch's CosineAnnealingLR computes it:
    recursively,

    .. code-block:: text

        lr ← (1 + cos(πt/T_max)) / (1 + cos(π(t − 1)/T_max)) · (lr − η_min) + η_min
        lr ← lr + (base − η_min)(1 − cos(π/T_max))/2     when (t − 1 − T_max) is a multiple of
                                                         2·T_max (the ratio's 0/0 point)

    which differs from the closed form in the last bits (at most 4.3e-14 relative over 300
    steps in the recorded cases), and past T_max climbs back up (the cosine's period is
    2·T_max: there are no restarts), drifting: T_max 10, base 0.1, t = 20 gives
    0.10000000000000044. With eta_min above the base lr the recursion can come back below
    the base: base 0, eta_min 0.001, T_max 10 gives −3.7e-18 at t = 20 (torch's numbers).
    ``T_max`` must be positive (torch: ZeroDivisionError) and ``eta_min`` finite and
    non-negative."""

    _closed_form = True
    _repr_names = ("T_max", "eta_min")

    def __init__(self, T_max, eta_min=0.0, last_epoch=-1):
        no_resume(last_epoch)
        if isinstance(T_max, float):
            self.T_max = real("T_max", T_max, 0.0, strict=True)
        else:
            self.T_max = integer("T_max", T_max, 1)
        self.eta_min = real("eta_min", eta_min, 0.0)

    def _get_lr(self, own, group, initial):
        t, T, eta_min = own["last_epoch"], self.T_max, self.eta_min
        if initial:
            return group["lr"]
        if own["_step_count"] == 1 and t > 0:
            return eta_min + (own["base_lrs"] - eta_min) * (1 + math.cos(t * math.pi / T)) / 2
        if (t - 1 - T) % (2 * T) == 0:
            return group["lr"] + (own["base_lrs"] - eta_min) * (1 - math.cos(math.pi / T)) / 2
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return ratio * (group["lr"] - eta_min) + eta_min

    def _closed(self, own):
        t, T, eta_min = own["last_epoch"], self.T_max, self.eta_min
        return eta_min + (own["base_lrs"] - eta_min) * (1 + math.cos(math.pi * t / T)) / 2


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: η_min + (base − η_min)(1 + cos(π·T_cur/T_i))/2, with T_cur counting steps since the
    last restart and T_i = T_0, then T_i·T_mult after each restart, as torch's
    CosineAnnealingWarmRestarts (integer steps; fractional epochs are not supported)."""

    _repr_names = ("T_0", "T_mult", "eta_min")

    def __init__(self, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        no_resume(last_epoch)
        self.T_0 = integer("T_0", T_0, 1, "Expected positive integer T_0, but got {}")
        self.T_mult = integer("T_mult", T_mult, 1, "Expected integer T_mult >= 1, but got {}")
        if isinstance(eta_min, bool) or not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.eta_min = real("eta_min", eta_min, 0.0)

    def _construct(self, group):
        group.setdefault("initial_lr", group["lr"])
        own = {"base_lrs": group["initial_lr"], "last_epoch": -1, "T_i": self.T_0, "T_cur": -1}
        self._initial_step(own, group)
        return own

    def _step(self, own, group, initial=False):
        if own["last_epoch"] < 0:  # torch: epoch = 0, T_i = T_0, T_cur = 0
            own["T_i"], own["T_cur"], own["last_epoch"] = self.T_0, 0, 0
        else:
            own["last_epoch"] += 1
            own["T_cur"] += 1
            if own["T_cur"] >= own["T_i"]:
                own["T_cur"] = own["T_cur"] % own["T_i"]
                own["T_i"] = own["T_i"] * self.T_mult
        group["lr"] = self._get_lr(own, group, initial)

    def _get_lr(self, own, group, initial):
        eta_min = self.eta_min
        cos = math.cos(math.pi * own["T_cur"] / own["T_i"])
        return eta_min + (own["base_lrs"] - eta_min) * (1 + cos) / 2
