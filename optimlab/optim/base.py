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

import numpy as np


def as_real(name: str, value) -> np.ndarray:
    """``value`` as a float array, or a TypeError that names the parameter."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got {value!r}"
        ) from None
    return arr


class Optimizer:
    """Base class: stores hyperparameters, checks them, broadcasts them against ``x``."""

    def __init__(self):
        self._arrays: dict[str, np.ndarray] = {}
        self._shaped: dict[tuple[str, int], np.ndarray] = {}  # _get's reshaped sweep arrays

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
        g = self._check_grad(x, g)
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
        shape = getattr(g, "shape", None)  # NumPy arrays and scalars pass as they are
        if shape is None:
            g = np.asarray(g, dtype=float)
            shape = g.shape
        if shape != getattr(x, "shape", ()):
            raise ValueError(f"g has shape {shape}, but x has shape {np.shape(x)}")
        return g

    def init(self, x: np.ndarray) -> dict:
        raise NotImplementedError

    def step(self, x: np.ndarray, g: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
        raise NotImplementedError

    def __repr__(self) -> str:
        names = [n for n in self._repr_names if getattr(self, n) is not None]
        args = ", ".join(f"{n}={_short(getattr(self, n))}" for n in names)
        return f"{type(self).__name__}({args})"

    _repr_names: tuple[str, ...] = ()


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
