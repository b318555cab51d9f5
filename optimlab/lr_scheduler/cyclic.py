"""The schedulers that set the lr themselves, per batch, and cycle momentum the other way:
CyclicLR (Smith, WACV'17) and OneCycleLR (Smith & Topin, super-convergence)."""

from __future__ import annotations

import math

import numpy as np

from .base import (
    LRScheduler,
    broadcast,
    choice,
    flag,
    integer,
    lr_param,
    no_resume,
    one,
    real,
)


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates, as ``torch.optim.lr_scheduler.CyclicLR``: the lr goes from
    ``base_lr`` up to ``max_lr`` in ``step_size_up`` steps and back in ``step_size_down`` (the
    same by default), while momentum goes the other way between ``max_momentum`` and
    ``base_momentum``.

    .. code-block:: text

        cycle = ⌊1 + t/(up + down)⌋,  x = 1 + t/(up + down) − cycle        (t: scheduler steps)
        s = x/ratio  if x ≤ ratio  else (x − 1)/(ratio − 1)                 ratio = up/(up + down)
        lr = base_lr + (max_lr − base_lr)·s·scale_fn(cycle or t)
        momentum = max_momentum − (max_momentum − base_momentum)·s·scale_fn(cycle or t)

    ``mode``: "triangular" (scale 1), "triangular2" (halves each cycle, 1/2^(cycle−1)),
    "exp_range" (gamma^t); a ``scale_fn`` replaces the mode and is evaluated on the cycle number
    or the step according to ``scale_mode``. The optimizer's own lr is overwritten with
    ``base_lr`` (torch does the same), so ``lrs(base_lr, ...)`` does not depend on its
    ``base_lr`` argument; ``base_lr`` and ``max_lr`` may be NumPy arrays (a sweep of schedules).
    With ``cycle_momentum`` (the default) the optimizer needs momentum or beta1
    (``check_optimizer``); SGD's momentum or Adam's beta1 is overwritten step by step.

    Added checks (torch has none and fails with ZeroDivisionError or computes nonsense):
    ``step_size_up`` and ``step_size_down`` positive integers, ``scale_mode`` one of the two.
    """

    _repr_names = ("base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma")

    def __init__(
        self,
        base_lr,
        max_lr,
        step_size_up=2000,
        step_size_down=None,
        mode="triangular",
        gamma=1.0,
        scale_fn=None,
        scale_mode="cycle",
        cycle_momentum=True,
        base_momentum=0.8,
        max_momentum=0.9,
        last_epoch=-1,
    ):
        no_resume(last_epoch)
        self.base_lr = lr_param("base_lr", base_lr)
        self.max_lr = lr_param("max_lr", max_lr)
        self.step_size_up = integer("step_size_up", step_size_up, 1)
        self.step_size_down = (
            self.step_size_up
            if step_size_down is None
            else integer("step_size_down", step_size_down, 1)
        )
        up = float(self.step_size_up)
        self.total_size = up + float(self.step_size_down)
        self.step_ratio = up / self.total_size
        if not choice(mode, ("triangular", "triangular2", "exp_range")) and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"scale_fn should be a function, but got {type(scale_fn).__name__}")
        self.mode = mode
        self.gamma = real("gamma", gamma, 0.0)
        self.scale_fn = scale_fn
        if scale_fn is None:
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        elif not choice(scale_mode, ("cycle", "iterations")):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.scale_mode = scale_mode
        self.cycle_momentum = self.cycles_momentum = flag("cycle_momentum", cycle_momentum)
        if self.cycle_momentum:
            self.base_momentum = one("base_momentum", base_momentum)
            self.max_momentum = one("max_momentum", max_momentum)
        self._sweep = broadcast("base_lr", np.shape(self.base_lr), "max_lr", np.shape(self.max_lr))

    def _shape(self):
        return self._sweep

    def _scale(self, x):
        if self.scale_fn is not None:
            value = self.scale_fn(x)
            try:
                return real("scale_fn", value)
            except ValueError:
                raise ValueError(
                    f"scale_fn({x}) must return a finite real number, got {value!r}"
                ) from None
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def _construct(self, group):
        group["lr"] = self.base_lr
        if self.cycle_momentum:
            group["momentum"] = self.max_momentum
            group["max_momentum"] = self.max_momentum
            group["base_momentum"] = self.base_momentum
        own = super()._construct(group)
        own["base_lrs"] = self.base_lr  # torch: self.base_lrs = base_lrs after the first step
        return own

    def _get_lr(self, own, group, initial):
        t = own["last_epoch"]
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self._scale(cycle if self.scale_mode == "cycle" else t)
        base_lr = own["base_lrs"]
        lr = base_lr + (self.max_lr - base_lr) * scale_factor * scale
        if self.cycle_momentum:
            base_height = (self.max_momentum - self.base_momentum) * scale_factor
            group["momentum"] = self.max_momentum - base_height * scale
        return lr


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy, as ``torch.optim.lr_scheduler.OneCycleLR``: from max_lr/div_factor
    up to ``max_lr`` over the first ``pct_start`` of ``total_steps``, then down to
    max_lr/div_factor/final_div_factor (cosine by default, or linear), while momentum goes from
    ``max_momentum`` down to ``base_momentum`` and back. ``three_phase``: up, down to the start
    value symmetrically, then down to the minimum (the paper's version).

    .. code-block:: text

        phase ends (in scheduler steps):  pct·T − 1, T − 1          (three phases: pct·T − 1,
                                                                     2·pct·T − 2, T − 1)
        pct = (t − start)/(end − start) within the phase
        cos:    end_value + (start_value − end_value)/2·(cos(π·pct) + 1)
        linear: (end_value − start_value)·pct + start_value

    The optimizer's lr is ignored (torch sets it to max_lr/div_factor); ``max_lr`` may be a
    NumPy array (a sweep of schedules). torch raises once the scheduler is stepped past
    ``total_steps``, so ``lrs(base_lr, steps)`` needs steps <= total_steps.

    Added check: a phase with no steps (pct_start·total_steps = 1, or pct_start = 1 at the
    end), where torch fails with ZeroDivisionError, raises a ValueError naming pct_start.
    """

    _repr_names = ("max_lr", "total_steps", "pct_start", "anneal_strategy", "three_phase")

    def __init__(
        self,
        max_lr,
        total_steps=None,
        epochs=None,
        steps_per_epoch=None,
        pct_start=0.3,
        anneal_strategy="cos",
        cycle_momentum=True,
        base_momentum=0.85,
        max_momentum=0.95,
        div_factor=25.0,
        final_div_factor=1e4,
        three_phase=False,
        last_epoch=-1,
    ):
        no_resume(last_epoch)
        if total_steps is not None:
            self.total_steps = integer(
                "total_steps", total_steps, 1, "Expected positive integer total_steps, but got {}"
            )
        elif epochs is not None and steps_per_epoch is not None:
            epochs = integer("epochs", epochs, 1, "Expected positive integer epochs, but got {}")
            steps_per_epoch = integer(
                "steps_per_epoch",
                steps_per_epoch,
                1,
                "Expected positive integer steps_per_epoch, but got {}",
            )
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        msg = "Expected float between 0 and 1 pct_start, but got {}"
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(msg.format(pct_start))
        if not choice(anneal_strategy, ("cos", "linear")):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.three_phase = flag("three_phase", three_phase)
        T = self.total_steps
        if self.three_phase:
            self._phases = [
                (float(pct_start * T) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (
                    float(2 * pct_start * T) - 2,
                    "max_lr",
                    "initial_lr",
                    "base_momentum",
                    "max_momentum",
                ),
                (T - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._phases = [
                (float(pct_start * T) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (T - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        self.max_lr = lr_param("max_lr", max_lr)
        self.div_factor = real("div_factor", div_factor, 0.0, strict=True)
        self.final_div_factor = real("final_div_factor", final_div_factor, 0.0, strict=True)
        self.cycle_momentum = self.cycles_momentum = flag("cycle_momentum", cycle_momentum)
        if self.cycle_momentum:
            self.max_momentum = one("max_momentum", max_momentum)
            self.base_momentum = one("base_momentum", base_momentum)

    def _shape(self):
        return np.shape(self.max_lr)

    def _construct(self, group):
        group["initial_lr"] = self.max_lr / self.div_factor
        group["max_lr"] = self.max_lr
        group["min_lr"] = group["initial_lr"] / self.final_div_factor
        if self.cycle_momentum:
            group["momentum"] = self.max_momentum
            group["max_momentum"] = self.max_momentum
            group["base_momentum"] = self.base_momentum
        return super()._construct(group)

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    def _get_lr(self, own, group, initial):
        step_num = own["last_epoch"]
        if step_num > self.total_steps:
            raise ValueError(
                f"Tried to step {step_num} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        start_step = 0.0
        for i, (end_step, start_lr, end_lr, start_m, end_m) in enumerate(self._phases):
            if step_num <= end_step or i == len(self._phases) - 1:
                if end_step == start_step:
                    raise ValueError(
                        f"OneCycleLR: phase {i + 1} has no steps (it ends at step {end_step}, "
                        f"where it starts) with pct_start={self.pct_start} and total_steps="
                        f"{self.total_steps}; torch divides by zero here"
                    )
                pct = (step_num - start_step) / (end_step - start_step)
                lr = self._anneal(group[start_lr], group[end_lr], pct)
                if self.cycle_momentum:
                    group["momentum"] = self._anneal(group[start_m], group[end_m], pct)
                return lr
            start_step = end_step
