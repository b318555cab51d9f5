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

    def _check_broadcast(self):
        shapes = {name: a.shape for name, a in self._arrays.items()}
        try:
            np.broadcast_shapes(*shapes.values())
        except ValueError:
            listed = ", ".join(f"{n} with shape {s}" for n, s in shapes.items())
            raise ValueError(f"hyperparameter arrays do not broadcast together: {listed}") from None

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The leading axes that a sweep adds: the broadcast shape of the array hyperparameters."""
        return np.broadcast_shapes(*(a.shape for a in self._arrays.values()))

    # -- stepping -----------------------------------------------------------------------------
    def _get(self, name: str, x: np.ndarray):
        """Hyperparameter ``name`` shaped to broadcast against ``x`` (batch axes, then the
        point's own axes)."""
        value = getattr(self, name)
        if name not in self._arrays:
            return value
        nb = len(self.batch_shape)
        ne = np.ndim(x) - nb
        if ne < 0:
            raise ValueError(
                f"x has shape {np.shape(x)}, but the hyperparameters make a sweep of shape "
                f"{self.batch_shape}: x must start with those axes"
            )
        return value.reshape((1,) * (nb - value.ndim) + value.shape + (1,) * ne)

    @staticmethod
    def _check_grad(x: np.ndarray, g: np.ndarray) -> np.ndarray:
        g = np.asarray(g, dtype=float)
        if g.shape != np.shape(x):
            raise ValueError(f"g has shape {g.shape}, but x has shape {np.shape(x)}")
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
