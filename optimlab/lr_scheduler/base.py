"""What every scheduler shares: torch's stepping machinery, as pure functions, and the checks.

torch's schedulers mutate an optimizer's ``param_groups``. Here that group is a small dict in the
state (``"lr"``, ``"initial_lr"``, ``"momentum"`` and whatever a scheduler keeps there, as torch's
OneCycleLR does), next to the scheduler's own counters (``"last_epoch"``, ``"_step_count"``, ...).
The methods whose names start with ``_`` mirror torch's (``_construct`` is the constructor with
its initial step, ``_step`` is ``step()``, ``_update_lr`` is ``_update_lr(epoch)``) and work on
private copies; the public ``init`` / ``step`` copy the state first, so nothing a caller holds
is ever changed.

The learning rate may be a NumPy array (a sweep): every operation on it is the elementwise
version of torch's Python float arithmetic, in torch's order, so each element equals torch's
run at that scalar bit for bit. The factors themselves (cosines, powers, ratios) are computed in
Python floats, as torch computes them.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from ..optim.base import _brief, as_flag

_NO_MOMENTUM = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"


class LRScheduler:
    """Base class: ``init``, ``step``, ``lr``, ``momentum``, ``lrs``, ``momenta``.

    ``state = sched.init(base_lr, base_momentum=None)`` is what constructing torch's scheduler
    on an optimizer with ``lr=base_lr`` (and ``momentum`` or ``betas[0]`` = ``base_momentum``)
    leaves; ``state = sched.step(state)`` is ``scheduler.step()``, called after each
    ``optimizer.step()``; ``sched.lr(state)`` is ``param_groups[0]["lr"]``.
    """

    cycles_momentum = False  # True where the scheduler overwrites momentum (or Adam's beta1)
    needs_loss = False  # True for ReduceLROnPlateau: step(state, loss) reads the loss
    _closed_form = False  # whether torch's class has _get_closed_form_lr

    # -- public, pure ---------------------------------------------------------------------
    def init(self, base_lr, base_momentum=None) -> dict:
        """The state after construction: torch's initial step has been taken."""
        group = {"lr": check_base_lr(base_lr), "momentum": check_base_momentum(base_momentum)}
        own = self._construct(group)
        return {"group": group, "own": own}

    def step(self, state: dict, loss=None) -> dict:
        """``scheduler.step()``: the state for the next optimizer step."""
        if loss is not None:
            raise ValueError(
                f"{type(self).__name__}.step takes no loss (only ReduceLROnPlateau reads one), "
                f"got loss={loss!r}"
            )
        state = _copy(self._check_state(state))
        self._step(state["own"], state["group"])
        return state

    def lr(self, state: dict):
        """The learning rate now in effect (a float, or an array for a sweep)."""
        return self._check_state(state)["group"]["lr"]

    def momentum(self, state: dict):
        """The momentum (SGD, RMSprop) or beta1 (Adam family) now in effect, or None if this
        scheduler does not cycle momentum."""
        return self._check_state(state)["group"]["momentum"] if self.cycles_momentum else None

    def _check_state(self, state):
        if not (
            isinstance(state, dict)
            and isinstance(state.get("group"), dict)
            and isinstance(state.get("own"), dict)
            and "lr" in state["group"]
        ):
            raise TypeError(
                f"state must be the dict that {type(self).__name__}.init(base_lr) (or the last "
                f"step) returned, got {_brief(state)}"
            )
        return state

    def check_optimizer(self, opt):
        """Raise torch's error if this scheduler cycles momentum and ``opt`` has none; return
        the name of the hyperparameter it overwrites (``"beta1"`` for the Adam family, as
        torch uses ``betas`` first, else ``"momentum"``), or None."""
        if not self.cycles_momentum:
            return None
        if hasattr(opt, "beta1"):
            return "beta1"
        if hasattr(opt, "momentum"):
            return "momentum"
        raise ValueError(_NO_MOMENTUM)

    def lrs(self, base_lr, steps, losses=None) -> np.ndarray:
        """The learning rate in effect at optimizer steps 1 … ``steps``, shape
        ``(steps, *shape)``: torch's ``param_groups[0]["lr"]`` before each ``optimizer.step()``
        when ``scheduler.step()`` follows every ``optimizer.step()`` (torch's order). Computed
        by that very loop, so a scheduler that cannot take ``steps`` steps (OneCycleLR past
        ``total_steps``) raises torch's error. ``losses`` (length ``steps``) feed
        ReduceLROnPlateau."""
        return self._run(base_lr, None, steps, losses, "lr")

    def momenta(self, steps, base_momentum=0.9) -> np.ndarray:
        """The momentum (or beta1) in effect at optimizer steps 1 … ``steps``, for schedulers
        that cycle it."""
        if not self.cycles_momentum:
            raise ValueError(f"{type(self).__name__} does not cycle momentum")
        return self._run(1.0, base_momentum, steps, None, "momentum")

    # -- torch's machinery (private; works in place on copies) --------------------------------
    def _run(self, base_lr, base_momentum, steps, losses, key):
        base_lr = check_base_lr(base_lr)
        steps = check_steps(steps)
        losses = self._check_losses(losses, steps)
        state = self.init(base_lr, base_momentum)
        own, group = state["own"], state["group"]
        shape = broadcast("base_lr", np.shape(base_lr), "the schedule's own arrays", self._shape())
        if losses is not None:
            shape = broadcast("base_lr", shape, "losses (after the step axis)", losses.shape[1:])
        _record_size_check(steps, shape)
        out = np.empty((steps, *shape))
        for k in range(steps):
            out[k] = group[key]
            if losses is None:
                self._step(own, group)
            else:
                self._step(own, group, losses[k])
        return out

    def _check_losses(self, losses, steps):
        if losses is not None:
            raise ValueError(f"{type(self).__name__} takes no losses (only ReduceLROnPlateau)")
        return None

    def _shape(self) -> tuple:
        """The sweep shape that array parameters of the scheduler itself add."""
        return ()

    def _construct(self, group) -> dict:
        """torch's LRScheduler.__init__ (last_epoch=-1) with its initial step."""
        group.setdefault("initial_lr", group["lr"])
        own = {"base_lrs": group["initial_lr"], "last_epoch": -1}
        self._initial_step(own, group)
        return own

    def _initial_step(self, own, group):
        own["_step_count"] = 0
        self._step(own, group, initial=True)

    def _step(self, own, group, initial=False):
        own["_step_count"] += 1
        self._update_lr(own, group, None, initial)

    def _update_lr(self, own, group, epoch, initial=False):
        if epoch is None:
            own["last_epoch"] += 1
            group["lr"] = self._get_lr(own, group, initial)
        else:
            own["last_epoch"] = epoch
            if self._closed_form:
                group["lr"] = self._closed(own)
            else:
                group["lr"] = self._get_lr(own, group, False)

    def _undo(self, own):
        """SequentialLR.recursive_undo on this scheduler."""
        own["last_epoch"] -= 1

    def _get_lr(self, own, group, initial):
        raise NotImplementedError

    def _closed(self, own):
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._repr_names)
        return f"{type(self).__name__}({args})"

    _repr_names: tuple[str, ...] = ()


def _record_size_check(steps, shape):
    """The same limit as ``run``'s record (``optimlab.run.MAX_RECORD_BYTES``), checked before
    anything is allocated or stepped."""
    from ..run import MAX_RECORD_BYTES  # here: run imports nothing of the schedulers

    try:
        size = float(steps) * float(np.prod(shape, dtype=float)) * 8
    except OverflowError:  # steps past 1e308
        size = math.inf
    if size > MAX_RECORD_BYTES:
        raise ValueError(
            f"steps={steps} would record {steps} values of shape {shape} "
            f"({size / 2**30:.3g} GiB); ask for fewer steps"
        )


def _copy(value):
    """A copy of a state's dicts and lists (the arrays in it are never written to)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# -- checks --------------------------------------------------------------------------------------
def check_base_lr(base_lr):
    """The optimizer's lr: a finite, non-negative float or array (a sweep)."""
    arr = _real("base_lr", base_lr)
    if not (np.isfinite(arr) & (arr >= 0)).all():
        bad = base_lr if arr.ndim == 0 else float(arr[~(np.isfinite(arr) & (arr >= 0))].flat[0])
        raise ValueError(f"base_lr must be finite and non-negative, got {bad!r}")
    if arr.ndim == 0:
        return float(arr)
    arr = arr.copy()
    arr.flags.writeable = False
    return arr


def check_base_momentum(value):
    """The optimizer's momentum (or beta1): None, or a finite real number or array; returned
    as it is (a float stays a float, for torch's arithmetic)."""
    if value is not None:
        arr = _real("base_momentum", value)
        if not np.isfinite(arr).all():
            raise ValueError(f"base_momentum must be finite, got {_brief(value)}")
    return value


def broadcast(name_a, shape_a, name_b, shape_b) -> tuple:
    """The broadcast shape of two sweeps, or a ValueError naming both."""
    try:
        return np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        raise ValueError(
            f"{name_a} with shape {shape_a} and {name_b} with shape {shape_b} do not broadcast "
            "together"
        ) from None


_MAX_INT = 2**63 - 1  # larger counts overflow the float arithmetic they take part in


def check_steps(steps) -> int:
    return integer("steps", steps, 0, maximum=None)  # a record too large is refused as such


def _real(name, value):
    if isinstance(value, (str, bytes, bool)) or value is None:
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {value!r}")
    try:
        return np.asarray(value, dtype=float)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got {value!r}") from None
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got {value!r}"
        ) from None


def integer(name, value, minimum, message=None, maximum=_MAX_INT) -> int:
    """``value`` as an int >= ``minimum``, or a ValueError naming it (torch's ``message``)."""
    if not isinstance(value, bool):
        try:
            value = operator.index(value)
        except TypeError:
            pass
        else:
            if value >= minimum and (maximum is None or value <= maximum):
                return value
            if value >= minimum:  # past 2**63 - 1, whatever torch's message says
                raise ValueError(
                    f"{name} must be an integer from {minimum} to 2**63 - 1, got {_brief(value)}"
                )
    if message is None:
        kind = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        message = f"{name} must be {kind}, got {{!r}}"
    raise ValueError(message.format(value))


def real(name, value, minimum=None, message=None, strict=False) -> float:
    """``value`` as a finite Python float (>= ``minimum``, or > if ``strict``), or a
    ValueError naming it."""
    if not isinstance(value, bool) and isinstance(value, numbers.Real):
        try:
            value_f = float(value)
        except OverflowError:  # an int past 1e308
            value_f = math.inf
        if math.isfinite(value_f) and (
            minimum is None or (value_f > minimum if strict else value_f >= minimum)
        ):
            return value_f
    if message is None:
        bound = "" if minimum is None else f" and {'>' if strict else '>='} {minimum}"
        message = f"{name} must be a finite real number{bound}, got {{!r}}"
    raise ValueError(message.format(value))


def lr_param(name, value):
    """A learning-rate keyword of the scheduler itself (CyclicLR's base_lr and max_lr,
    OneCycleLR's max_lr): a finite non-negative float, a one-element list (torch's per-group
    list for one group), or a NumPy array (a sweep of schedules)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(value)} values, param_groups has 1."
            )
        value = value[0]
    if isinstance(value, np.ndarray) and value.ndim > 0:
        arr = _real(name, value)
        ok = np.isfinite(arr) & (arr >= 0)
        if not ok.all():
            raise ValueError(
                f"{name} must be finite and non-negative, got {float(arr[~ok].flat[0])!r}"
            )
        arr = arr.copy()
        arr.flags.writeable = False
        return arr
    return real(name, value, 0.0)


def one(name, value):
    """torch's _format_param for one param group: a float, or a one-element list."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(value)} values, param_groups has 1."
            )
        value = value[0]
    return real(name, value)


def choice(value, options) -> bool:
    """Whether ``value`` is one of the strings ``options`` (an array or a dict is not: no
    ambiguous truth value, no unhashable error)."""
    return isinstance(value, str) and value in options


def flag(name, value) -> bool:
    """A True/False keyword (torch takes any truthy value; here a bool, as the optimizers')."""
    return as_flag(name, value)


def no_resume(last_epoch):
    if isinstance(last_epoch, bool) or not isinstance(last_epoch, int) or last_epoch != -1:
        raise ValueError(
            f"last_epoch={last_epoch!r}: torch uses it to resume from a checkpoint; optimlab's "
            "schedulers are pure, start them with init() (last_epoch=-1)"
        )
