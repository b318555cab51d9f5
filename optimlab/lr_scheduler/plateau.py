"""ReduceLROnPlateau: the lr is cut when the loss stops improving."""

from __future__ import annotations

import math

import numpy as np

from .base import (
    LRScheduler,
    _copy,
    broadcast,
    check_base_lr,
    check_base_momentum,
    choice,
    integer,
    real,
)


class ReduceLROnPlateau(LRScheduler):
    r"""Multiply the lr by ``factor`` once the loss (torch's ``metrics``) has not improved for
    more than ``patience`` steps, as ``torch.optim.lr_scheduler.ReduceLROnPlateau``.

    .. code-block:: text

        better:  loss < best·(1 − threshold)   (mode "min", threshold_mode "rel")
                 loss < best − threshold       ("min", "abs");   ">" and "+" for "max"
        if better: best ← loss, bad ← 0   else: bad ← bad + 1
        if cooling down: cooldown ← cooldown − 1, bad ← 0
        if bad > patience:
            new = max(lr·factor, min_lr);  lr ← new if lr − new > eps
            cooldown ← cooldown steps, bad ← 0

    ``step(state, loss)`` needs the loss; for a sweep the loss may be an array of the sweep's
    shape, and each run keeps its own best, counters and lr (each element equals torch run on
    that element's losses). The first loss always counts as better (best starts at ±inf), and
    a NaN loss never does. With mode "min" and "rel", a negative best makes best·(1 − threshold)
    larger than best: there a slightly worse loss still counts as an improvement (torch's
    rule, kept).

    Added checks: ``patience`` and ``cooldown`` non-negative integers, ``threshold``, ``eps``
    and ``min_lr`` finite and non-negative.
    """

    needs_loss = True
    _repr_names = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown")

    def __init__(
        self,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0,
        eps=1e-8,
    ):
        factor = real("factor", factor, 0.0)
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != 1:
                raise ValueError(f"expected 1 min_lrs, got {len(min_lr)}")
            min_lr = min_lr[0]
        self.min_lr = real("min_lr", min_lr, 0.0)
        self.patience = integer("patience", patience, 0)
        self.cooldown = integer("cooldown", cooldown, 0)
        self.eps = real("eps", eps, 0.0)
        if not choice(mode, ("min", "max")):
            raise ValueError(f"mode {mode} is unknown!")
        if not choice(threshold_mode, ("rel", "abs")):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        self.mode = mode
        self.threshold = real("threshold", threshold, 0.0)
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def init(self, base_lr, base_momentum=None):
        """No initial step: torch's ReduceLROnPlateau does not take one."""
        group = {"lr": check_base_lr(base_lr), "momentum": check_base_momentum(base_momentum)}
        own = {"last_epoch": 0, "best": self.mode_worse, "num_bad_epochs": 0, "cooldown_counter": 0}
        return {"group": group, "own": own}

    def step(self, state, loss=None):
        """``scheduler.step(loss)``."""
        if loss is None:
            raise ValueError(
                "ReduceLROnPlateau.step needs the loss (torch's metrics): step(state, loss)"
            )
        state = _copy(self._check_state(state))
        self._step(state["own"], state["group"], loss)
        return state

    def _check_losses(self, losses, steps):
        if losses is None:
            raise ValueError("ReduceLROnPlateau.lrs needs the losses: lrs(base_lr, steps, losses)")
        arr = _loss("losses", losses)
        if arr.ndim == 0 or len(arr) != steps:
            raise ValueError(
                f"losses must hold one loss per step, shape ({steps}, ...), got shape {arr.shape}"
            )
        return arr

    def _is_better(self, a, best):
        with np.errstate(invalid="ignore"):
            if self.mode == "min" and self.threshold_mode == "rel":
                return a < best * (1.0 - self.threshold)
            if self.mode == "min":
                return a < best - self.threshold
            if self.threshold_mode == "rel":
                return a > best * (self.threshold + 1.0)
            return a > best + self.threshold

    def _step(self, own, group, loss=None):
        current = _loss("loss", loss)
        own["last_epoch"] += 1
        if current.ndim == 0 and np.ndim(group["lr"]) == 0 and np.ndim(own["best"]) == 0:
            self._step_scalar(own, group, float(current))
            return
        shape = broadcast("loss", current.shape, "the lr", np.shape(group["lr"]))
        shape = broadcast("loss", shape, "the earlier losses", np.shape(own["best"]))
        best = np.broadcast_to(own["best"], shape)
        bad = np.broadcast_to(own["num_bad_epochs"], shape)
        cool = np.broadcast_to(own["cooldown_counter"], shape)
        lr = np.broadcast_to(group["lr"], shape)
        better = self._is_better(current, best)
        best = np.where(better, current, best)
        bad = np.where(better, 0, bad + 1)
        in_cooldown = cool > 0
        cool = np.where(in_cooldown, cool - 1, cool)
        bad = np.where(in_cooldown, 0, bad)
        reduce = bad > self.patience
        new_lr = np.maximum(lr * self.factor, self.min_lr)
        lr = np.where(reduce & (lr - new_lr > self.eps), new_lr, lr)
        cool = np.where(reduce, self.cooldown, cool)
        bad = np.where(reduce, 0, bad)
        own["best"], own["num_bad_epochs"], own["cooldown_counter"] = best, bad, cool
        group["lr"] = lr

    def _step_scalar(self, own, group, current):
        if self._is_better(current, own["best"]):
            own["best"] = current
            own["num_bad_epochs"] = 0
        else:
            own["num_bad_epochs"] += 1
        if own["cooldown_counter"] > 0:
            own["cooldown_counter"] -= 1
            own["num_bad_epochs"] = 0
        if own["num_bad_epochs"] > self.patience:
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, self.min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr
            own["cooldown_counter"] = self.cooldown
            own["num_bad_epochs"] = 0


def _loss(name, value):
    if isinstance(value, (str, bytes, bool)):
        raise TypeError(f"{name} must be a real number or an array of them, got {value!r}")
    try:
        return np.asarray(value, dtype=float)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got {value!r}") from None
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number or an array of them, got {value!r}"
        ) from None
