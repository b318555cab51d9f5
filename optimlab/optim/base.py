"""What every optimizer shares: hyperparameter checks and broadcasting.

An optimizer is a pair of pure functions, as in optax:

    state = opt.init(x)
    x, state = opt.step(x, g, state)

``step`` returns new arrays and a new state and mutates nothing. Hyperparameters are read from the
optimizer; a hyperparameter given as an array makes a *sweep*: its axes become leading batch axes of
``x``, so that ``SGD(lr=np.linspace(0.01, 0.3, 10))`` runs ten learning rates in one vectorised
computation. Scalar hyperparameters stay Python floats, so that the arithmetic on them is torch's
own (Python float, left to right).
"""

from __future__ import annotations

import copy
import inspect

import numpy as np


def as_real(name: str, value) -> np.ndarray:
    """``value`` as a float array, or a TypeError/ValueError that names the parameter."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {value!r}")
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufO" or (
            arr.dtype.kind == "O" and not all(isinstance(v, int) for v in arr.flat)
        ):  # object arrays: only Python ints too large for int64 may pass (and overflow)
            raise TypeError
        arr = arr.astype(float)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got {_brief(value)}") from None
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got {_brief(value)}"
        ) from None
    return arr


def as_flag(name: str, value) -> bool:
    """``value`` as a bool (True, False, or a NumPy bool scalar), or a TypeError naming it."""
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, (int, np.integer)) and value in (0, 1)
    ):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {_brief(value)}")


def _brief(value) -> str:
    """A repr short enough for an error message (10**400 is 401 digits)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + "..." + text[-10:]


class _Frozen(type):
    """Optimizers are immutable once made: the constructor checks every hyperparameter, and a
    later assignment would skip those checks (or, on a sweep, change the repr but not the run)."""

    def __call__(cls, *args, **kwargs):
        obj = super().__call__(*args, **kwargs)
        object.__setattr__(obj, "_frozen", True)
        return obj


class Optimizer(metaclass=_Frozen):
    """Base class: stores hyperparameters, checks them, broadcasts them against ``x``.

    Hyperparameters are read-only once the optimizer is made: ``opt.replace(lr=0.01)`` makes a
    new one, checked as the constructor checks.
    """

    _frozen = False

    def __init__(self):
        self._arrays: dict[str, np.ndarray] = {}
        self._shaped: dict[tuple[str, int], np.ndarray] = {}  # _get's reshaped sweep arrays

    def __setattr__(self, name, value):
        if self._frozen:
            raise AttributeError(
                f"{type(self).__name__} hyperparameters are read-only: make a new optimizer, "
                f"e.g. opt.replace({name}=...)"
            )
        object.__setattr__(self, name, value)

    def replace(self, **changes) -> Optimizer:
        """A new optimizer of the same kind with ``changes`` applied (``opt.replace(lr=0.01)``),
        every value checked again as the constructor does."""
        names = _hyperparameter_names(type(self))
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyperparameter {unknown[0]!r}; "
                f"it has {', '.join(names)}"
            )
        kwargs = {n: changes[n] if n in changes else getattr(self, n) for n in names}
        return type(self)(**kwargs)

    # -- construction -------------------------------------------------------------------------
    def _hparam(self, name: str, value, message: str | None = None, valid=None):
        """Store hyperparameter ``name``; raise ``ValueError(message.format(bad value))`` if any
        element fails ``valid`` (default: ``>= 0``). NaN and infinity always fail."""
        arr = as_real(name, value)
        ok = np.isfinite(arr)
        if valid is None:
            ok &= arr >= 0
        elif valid is not True:
            with np.errstate(invalid="ignore"):
                ok &= valid(arr)
        if not ok.all():
            bad = value if arr.ndim == 0 else arr[~ok].flat[0]
            raise ValueError((message or f"Invalid {name} value: {{}}").format(bad))
        if arr.ndim == 0:
            setattr(self, name, float(arr))
        else:
            arr = arr.copy()
            arr.flags.writeable = False
            self._arrays[name] = arr
            setattr(self, name, arr)

    def _betas(self, betas, names=("beta1", "beta2")):
        """Store ``betas`` as two hyperparameters, each checked as torch does: 0 <= beta < 1."""
        betas = pair("betas", betas, "a pair (beta1, beta2)")
        for i, (name, beta) in enumerate(zip(names, betas, strict=True)):
            self._hparam(
                name,
                beta,
                f"Invalid beta parameter at index {i}: {{}}",
                lambda b: (b >= 0) & (b < 1),
            )

    @property
    def betas(self):
        return (self.beta1, self.beta2)

    def _adam_family(self, lr, eps, betas, weight_decay):
        """The checks the Adam family shares, in torch's order."""
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._hparam("eps", eps, "Invalid epsilon value: {}")
        self._betas(betas)
        self._hparam("weight_decay", weight_decay)

    def _prologue(self, x, g, weight_decay=0.0, lr=None, decoupled=False):
        """What torch does first in every step: check g, negate it for ``maximize``, apply weight
        decay (L2: g + weight_decay·x; decoupled, as AdamW: x·(1 − lr·weight_decay))."""
        x, g = self._check_grad(x, g)
        if getattr(self, "maximize", False):
            g = -g
        if nonzero(weight_decay):
            if decoupled:
                x = x * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * x
        return x, g

    def _check_broadcast(self):
        """Called once the hyperparameters are set: the sweep's shape, or an error naming
        the arrays that do not broadcast."""
        shapes = {name: a.shape for name, a in self._arrays.items()}
        try:
            self._batch_shape = np.broadcast_shapes(*shapes.values())
        except ValueError:
            listed = ", ".join(f"{n} with shape {s}" for n, s in shapes.items())
            raise ValueError(f"hyperparameter arrays do not broadcast together: {listed}") from None

    def _with_batch_ndim(self, ndim: int) -> Optimizer:
        """This optimizer for a run whose sweep has ``ndim`` axes (more than its own, when seeds
        or starting points add axes in front): its arrays align with the run's trailing sweep
        axes, as NumPy broadcasting aligns shapes."""
        pad = ndim - len(self._batch_shape)
        if pad <= 0:
            return self
        new = copy.copy(self)
        object.__setattr__(new, "_batch_shape", (1,) * pad + self._batch_shape)
        object.__setattr__(new, "_shaped", {})
        return new

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The leading axes that a sweep adds: the broadcast shape of the array hyperparameters.

        Hyperparameters are fixed when the optimizer is made: for other values, make another."""
        return self._batch_shape

    # -- stepping -----------------------------------------------------------------------------
    def _get(self, name: str, x: np.ndarray):
        """Hyperparameter ``name`` shaped to broadcast against ``x`` (batch axes, then the
        point's own axes)."""
        if name not in self._arrays:
            return getattr(self, name)
        key = (name, np.ndim(x))
        shaped = self._shaped.get(key)
        if shaped is None:
            value = self._arrays[name]
            nb = len(self._batch_shape)
            ne = np.ndim(x) - nb
            if ne < 0:
                raise ValueError(
                    f"x has shape {np.shape(x)}, but the hyperparameters make a sweep of shape "
                    f"{self._batch_shape}: x must start with those axes"
                )
            shaped = self._shaped[key] = value.reshape(
                (1,) * (nb - value.ndim) + value.shape + (1,) * ne
            )
        return shaped

    @staticmethod
    def _check_grad(x, g):
        """``x`` and ``g`` as float arrays of one shape, or an error naming what is wrong. Float
        arrays (what run passes) go through untouched; lists and numbers are converted."""
        x, g = _as_values("x", x), _as_values("g", g)
        if g.shape != x.shape:
            raise ValueError(f"g has shape {g.shape}, but x has shape {x.shape}")
        return x, g

    def init(self, x: np.ndarray) -> dict:
        raise NotImplementedError

    def step(self, x: np.ndarray, g: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
        raise NotImplementedError

    def __repr__(self) -> str:
        names = [n for n in self._repr_names if getattr(self, n) is not None]
        args = ", ".join(f"{n}={_short(getattr(self, n))}" for n in names)
        return f"{type(self).__name__}({args})"

    _repr_names: tuple[str, ...] = ()


_NAMES: dict[type, tuple[str, ...]] = {}


def _hyperparameter_names(cls) -> tuple[str, ...]:
    """The keyword names of ``cls.__init__`` (what ``replace`` accepts), looked up once per
    class: ``inspect.signature`` took half of a scheduled run, which replaces the optimizer at
    every step."""
    names = _NAMES.get(cls)
    if names is None:
        params = inspect.signature(cls.__init__).parameters
        names = _NAMES[cls] = tuple(n for n in params if n != "self")
    return names


def _short(v):
    if isinstance(v, np.ndarray):
        return f"<array {v.shape}>"
    return repr(v)


def pair(name: str, value, what: str = "a pair") -> tuple:
    """``value`` as a 2-tuple (a tuple, a list or a 2-element array), or a ValueError."""
    if isinstance(value, np.ndarray) and value.shape == (2,):
        value = tuple(value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return tuple(value)


def get(opt: Optimizer, x, *names):
    """Hyperparameters ``names`` of ``opt``, each shaped to broadcast against ``x``."""
    if not opt._arrays:  # no sweep: plain floats
        return [getattr(opt, n) for n in names]
    return [opt._get(n, x) for n in names]


def _as_values(name, value):
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value
    if isinstance(value, np.float64):
        return value
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if arr is None or arr.dtype.kind not in "biuf":
        kind = "complex" if arr is not None and arr.dtype.kind == "c" else "non-numeric"
        raise TypeError(f"{name} must be real numbers, got {kind} {_brief(value)}")
    return arr.astype(float)


def ema(avg, value, beta):
    """The exponential moving average beta·avg + (1 − beta)·value, computed as torch's
    ``avg.lerp_(value, 1 − beta)`` (Adam's m, RMSprop's centred mean)."""
    return lerp(avg, value, 1 - beta)


def ema_sq(avg, g, beta):
    """The EMA of squared gradients beta·avg + (1 − beta)·g², in torch's operand order
    (``avg.mul_(beta).addcmul_(g, g, value=1 − beta)``: Adam's v, RMSprop's and Adadelta's
    square average)."""
    return avg * beta + ((1 - beta) * g) * g


def nonzero(value) -> bool:
    """Whether a hyperparameter (a float, or a sweep's array) is anywhere non-zero."""
    return value != 0 if isinstance(value, float) else bool(np.any(value != 0))


def lerp(x, end, weight):
    """torch.lerp with a float weight, in torch's operand order: ``x + w(end − x)`` when
    |w| < 0.5, else ``end − (end − x)(1 − w)``. This is the EMA m ← β·m + (1 − β)·g with
    w = 1 − β."""
    if isinstance(weight, float) or np.ndim(weight) == 0:
        if abs(weight) < 0.5:
            return x + weight * (end - x)
        return end - (end - x) * (1 - weight)
    return np.where(np.abs(weight) < 0.5, x + weight * (end - x), end - (end - x) * (1 - weight))


def fl32(value):
    """Round to float32 and back: torch keeps some scalar state (NAdam's mu_product, ASGD's eta
    and mu) in float32, its default dtype."""
    return np.asarray(value, dtype=np.float32).astype(float)
