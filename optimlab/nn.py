"""A multi-layer perceptron in NumPy, with backpropagation written out: the network that
notebook 10 trains.

All parameters live in ONE flat vector ``w`` of length ``net.size``, so that every optimizer
and every run applies to a network as it applies to a formula. ``net.unflatten(w)`` shows the
layers inside it: per layer a weight matrix ``W`` of shape ``(n_in, n_out)`` and a bias ``b``
of shape ``(n_out,)``, stored one after the other (``W`` row by row, then ``b``)::

    h_0 = X                                   the inputs, one example per row
    h_l = act(h_{l-1} @ W_l + b_l)            hidden layers, act = tanh or relu
    z   = h_{L-1} @ W_L + b_L                 logits, one score per class
    loss = mean over examples of  log Σ_c exp(z_c) − z_y     (softmax cross-entropy)

(torch's ``nn.Linear`` stores the transpose, ``(n_out, n_in)``, and computes ``x @ W.T``.)

``w`` may carry leading batch axes, ``(*batch, P)``: a sweep of several learning rates or
initialisations is evaluated as one computation (matmul broadcasts over those axes), and each
column equals the single network bit for bit.

``classifier(net, X, y)`` turns a network and a labelled data set into a
:class:`~optimlab.problems.FiniteSum`, the problem that minibatch runs take.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problems import FiniteSum

ACTIVATIONS = ("tanh", "relu")


@dataclass(frozen=True)
class MLP:
    """A multi-layer perceptron: ``sizes`` = (inputs, hidden..., classes), e.g. (2, 32, 32, 2),
    with ``activation`` "tanh" or "relu" on the hidden layers and softmax cross-entropy on the
    logits. The network holds no parameters: every method takes the flat vector ``w``."""

    sizes: tuple[int, ...]
    activation: str = "tanh"

    def __post_init__(self):
        sizes = self.sizes
        try:
            sizes = tuple(sizes)
        except TypeError:
            raise ValueError(f"sizes must be a sequence of layer sizes, got {sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least 2 layers (inputs and classes), got {self.sizes!r}"
            )
        for k in sizes:
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
                raise ValueError(f"sizes must be positive integers, got {k!r} in {self.sizes!r}")
        if not isinstance(self.activation, str) or self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}")
        object.__setattr__(self, "sizes", tuple(int(k) for k in sizes))
        shapes, offset = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=False):
            shapes.append((offset, n_in, n_out))
            offset += n_in * n_out + n_out
        object.__setattr__(self, "_layers", tuple(shapes))
        object.__setattr__(self, "size", offset)

    # -- the flat vector and its layers ---------------------------------------------------------
    @property
    def layout(self) -> tuple[tuple[str, slice, tuple[int, ...]], ...]:
        """Where each parameter lies in ``w``: ``(name, slice, shape)`` for W1, b1, W2, b2, ..."""
        out = []
        for k, (start, n_in, n_out) in enumerate(self._layers, 1):
            mid = start + n_in * n_out
            out += [
                (f"W{k}", slice(start, mid), (n_in, n_out)),
                (f"b{k}", slice(mid, mid + n_out), (n_out,)),
            ]
        return tuple(out)

    def unflatten(self, w) -> list[tuple[np.ndarray, np.ndarray]]:
        """The layers' ``(W, b)`` as views into ``w`` (writing to them writes to ``w``): shapes
        ``(*batch, n_in, n_out)`` and ``(*batch, n_out)``."""
        w = self._check_w(w)
        batch = w.shape[:-1]
        out = []
        for start, n_in, n_out in self._layers:
            mid = start + n_in * n_out
            out.append((w[..., start:mid].reshape(*batch, n_in, n_out), w[..., mid : mid + n_out]))
        return out

    def flatten(self, params) -> np.ndarray:
        """The inverse of :meth:`unflatten`: ``[(W1, b1), (W2, b2), ...]`` to one vector."""
        form = f"params must be a list of {len(self._layers)} (W, b) pairs"
        if isinstance(params, (str, bytes, np.ndarray)):
            raise ValueError(f"{form}, got {params!r}")
        try:
            params = list(params)
        except TypeError:
            raise ValueError(f"{form}, got {params!r}") from None
        if len(params) != len(self._layers):
            raise ValueError(
                f"params must hold {len(self._layers)} (W, b) pairs, got {len(params)}"
            )
        pieces = []
        for k, (pair, (_, n_in, n_out)) in enumerate(zip(params, self._layers, strict=True)):
            try:
                W, b = pair
                W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(f"{form}; item {k} is {pair!r}") from None
            if W.shape[-2:] != (n_in, n_out) or b.shape[-1:] != (n_out,):
                raise ValueError(
                    f"a layer {n_in} -> {n_out} needs W of shape (..., {n_in}, "
                    f"{n_out}) and b of shape (..., {n_out}), got {W.shape} "
                    f"and {b.shape}"
                )
            pieces += [W.reshape(*W.shape[:-2], n_in * n_out), b]
        batch = np.broadcast_shapes(*(p.shape[:-1] for p in pieces))
        return np.concatenate([np.broadcast_to(p, batch + p.shape[-1:]) for p in pieces], -1)

    def init(self, seed=0) -> np.ndarray:
        """Seeded random parameters, scaled by each layer's fan-in so that activations keep
        their size through the layers: W ~ N(0, 1/n_in) for tanh (LeCun), N(0, 2/n_in) for
        ReLU (He, which makes up for ReLU zeroing half its inputs); biases 0.

        ``seed``: an integer gives one vector of shape ``(P,)``; a list of integers gives one row
        per seed, shape ``(len(seed), P)``, row k equal to ``init(seed[k])``."""
        seed = _check_seed(seed)
        if seed.ndim == 1:
            return np.stack([self.init(s) for s in seed]) if len(seed) else np.empty((0, self.size))
        rng = np.random.default_rng(int(seed))
        gain = 2.0 if self.activation == "relu" else 1.0
        w = np.zeros(self.size)
        for _, sl, shape in self.layout[::2]:
            w[sl] = rng.normal(0.0, np.sqrt(gain / shape[0]), size=shape[0] * shape[1])
        return w

    # -- forward -------------------------------------------------------------------------------
    def _forward(self, params, X):
        """The activations h_0 = X, h_1, ..., h_{L-1} (kept for the backward pass) and z."""
        hs = [X]
        for W, b in params[:-1]:
            z = hs[-1] @ W
            z += b[..., None, :]  # in place: fewer large temporaries (the full loss pass 5x faster)
            hs.append(np.tanh(z, out=z) if self.activation == "tanh" else np.maximum(z, 0, out=z))
        W, b = params[-1]
        return hs, hs[-1] @ W + b[..., None, :]

    def logits(self, w, X) -> np.ndarray:
        """The scores z, shape ``(*batch, n, classes)``, for inputs X of shape ``(n, inputs)``."""
        X = self._check_X(X)
        with np.errstate(all="ignore"):  # a diverged w (inf, NaN) gives NaN, not a warning
            return self._forward(self.unflatten(w), X)[1]

    def predict(self, w, X) -> np.ndarray:
        """The predicted class of each input (the largest logit), shape ``(*batch, n)``."""
        return np.argmax(self.logits(w, X), axis=-1)

    def accuracy(self, w, X, y) -> np.ndarray | float:
        """The fraction of inputs whose predicted class is the label, shape ``batch``; NaN for a
        network whose logits are not finite (a diverged run)."""
        X, y = self._check_data(X, y)
        z = self.logits(w, X)
        acc = np.mean(np.argmax(z, axis=-1) == y, axis=-1)
        return np.where(np.isfinite(z).all(axis=(-2, -1)), acc, np.nan)[()]

    def loss(self, w, X, y) -> np.ndarray | float:
        """The mean cross-entropy over the examples (X, y), one per network: shape ``batch``.
        On a held-out set, this is the test loss."""
        X, y = self._check_data(X, y)
        with np.errstate(all="ignore"):
            return np.mean(cross_entropy(self._forward(self.unflatten(w), X)[1], y), axis=-1)[()]

    # -- backward ------------------------------------------------------------------------------
    def loss_and_grad(self, w, X, y):
        """The mean cross-entropy (shape ``batch``) and its gradient with respect to ``w``
        (``w``'s shape), by backpropagation: the forward pass keeps every layer's activations;
        the backward pass carries δ = ∂loss/∂z from the logits down, layer by layer::

            δ_L = (softmax(z) − onehot(y)) / n              at the logits
            ∂W_l = h_{l-1}ᵀ @ δ_l,   ∂b_l = Σ_examples δ_l
            δ_{l-1} = (δ_l @ W_lᵀ) · act'(h_{l-1})          act' = 1 − h² (tanh), [h > 0] (relu)
        """
        X, y = self._check_data(X, y)
        params = self.unflatten(w)
        with np.errstate(all="ignore"):
            return self._loss_and_grad(params, X, y)

    def _loss_and_grad(self, params, X, y):
        hs, z = self._forward(params, X)
        losses, p = _cross_entropy(z, y)
        delta = (p - (y[..., None] == np.arange(z.shape[-1]))) / z.shape[-2]
        grads = [None] * len(params)
        for layer in range(len(params) - 1, -1, -1):
            h = hs[layer]
            grads[layer] = (np.swapaxes(h, -1, -2) @ delta, delta.sum(axis=-2))  # ∂W, ∂b
            if layer > 0:
                delta = delta @ np.swapaxes(params[layer][0], -1, -2)
                delta *= 1.0 - h * h if self.activation == "tanh" else h > 0
        batch = z.shape[:-2]  # delta, and so every ∂W and ∂b, carries w's and i's batch axes
        pieces = [g for dW, db in grads for g in (dW.reshape(*batch, -1), db)]
        return np.mean(losses, axis=-1), np.concatenate(pieces, axis=-1)

    # -- checks ------------------------------------------------------------------------------
    def _check_w(self, w):
        try:
            w = np.asarray(w, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"w must be an array of real numbers, got {w!r}") from None
        if w.ndim == 0 or w.shape[-1] != self.size:
            raise ValueError(
                f"w must have shape (..., {self.size}) for the network {self}, got shape {w.shape}"
            )
        return w

    def _check_X(self, X):
        return _check_inputs(X, self.sizes[0])

    def _check_data(self, X, y):
        X = self._check_X(X)
        y = _check_labels(y, self.sizes[-1])
        if len(X) != len(y):
            raise ValueError(
                f"X and y must hold as many examples, got {len(X)} inputs and {len(y)} labels"
            )
        return X, y

    def __repr__(self):
        return f"MLP({self.sizes}, activation={self.activation!r})"


def cross_entropy(z, y) -> np.ndarray:
    """Softmax cross-entropy per example: log Σ_c exp(z_c) − z_y, for logits z of shape
    ``(..., classes)`` and integer labels y of shape ``(...)``. Computed with the log-sum-exp
    shift by the largest logit m, log Σ exp(z_c − m) + (m − z_y), so that no logit overflows:
    logits (1000, −1000) with label 1 cost 2000, not inf."""
    try:
        z = np.asarray(z, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"z must be an array of real numbers, got {z!r}") from None
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"z must have a class axis last, shape (..., classes), got {z!r}")
    y = _check_labels(np.ravel(y), z.shape[-1]).reshape(np.shape(y))
    try:
        fits = np.broadcast_shapes(y.shape, z.shape[:-1]) == z.shape[:-1]
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"y of shape {y.shape} does not fit logits of shape {z.shape}")
    with np.errstate(all="ignore"):
        return _cross_entropy(z, y)[0]


def _cross_entropy(z, y):
    """The per-example losses and the softmax probabilities (for the gradient)."""
    m = np.max(z, axis=-1, keepdims=True)
    e = np.exp(z - m)
    s = np.sum(e, axis=-1, keepdims=True)  # >= 1: the largest logit contributes exp(0)
    z_y = np.take_along_axis(z, np.broadcast_to(y[..., None], z.shape[:-1] + (1,)), axis=-1)
    return ((m - z_y) + np.log(s))[..., 0], e / s


def classifier(net: MLP, X, y, weight_decay: float = 0.0) -> FiniteSum:
    """The network ``net`` on the labelled examples (X, y) as a finite-sum problem:
    ``f(w, i)`` is the mean cross-entropy over the examples ``i`` plus
    ``weight_decay/2·‖w‖²`` (every parameter, biases included), ``grad(w, i)`` its gradient,
    ``n = len(X)``. A gradient step on this L2 term is torch's ``weight_decay`` (g + wd·w), so
    ``classifier(net, X, y, wd)`` with plain SGD is SGD(weight_decay=wd) on the plain loss.

    ``w`` has shape ``(*batch, P)``; ``i`` has shape ``(B,)`` (the same examples for every
    network of a sweep) or ``(*batch, B)`` (one minibatch each). ``problem.f(w)`` is the
    training loss."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an optimlab.nn.MLP, got {net!r}")
    X, y = net._check_data(X, y)
    X, y = X.copy(), y.copy()  # the problem's own, read-only: later edits to the data stay out
    X.flags.writeable = y.flags.writeable = False
    wd = _check_weight_decay(weight_decay)
    n = len(X)

    def take(w, i):
        params = net.unflatten(w)
        i = _check_indices(i, n, w.shape[:-1])
        return params, X[i], y[i]

    def f(w, i):
        params, Xi, yi = take(w, i)
        with np.errstate(all="ignore"):
            loss = np.mean(_cross_entropy(net._forward(params, Xi)[1], yi)[0], axis=-1)
            if wd:
                loss = loss + 0.5 * wd * np.sum(np.square(w), axis=-1)
        return loss

    def grad(w, i):
        params, Xi, yi = take(w, i)
        with np.errstate(all="ignore"):
            g = net._loss_and_grad(params, Xi, yi)[1]
            if wd:
                g = g + wd * np.asarray(w, dtype=float)
        return g

    suffix = f", weight_decay={wd:g}" if wd else ""
    return FiniteSum(
        f=f, grad=grad, n=n, name=f"{net} on {n} examples{suffix}", point_shape=(net.size,)
    )


# -- input checks ---------------------------------------------------------------------------
def _check_inputs(X, d: int | None = None, name: str = "X") -> np.ndarray:
    """``X`` as a finite float array of shape ``(n, d)``, or a ValueError naming it."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be an array of real numbers, got {X!r}") from None
    if X.ndim != 2 or len(X) == 0 or (d is not None and X.shape[1] != d):
        want = f"(n, {d})" if d is not None else "(n, features)"
        raise ValueError(f"{name} must have shape {want} with n >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        bad = float(X[~np.isfinite(X)][0])
        raise ValueError(
            f"{name} must be finite, got {bad!r} at row {int(np.argwhere(~np.isfinite(X))[0, 0])}"
        )
    return X


def _check_labels(y, classes: int | None = None, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D integer array with values in 0 .. classes − 1, or a ValueError."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {arr.shape}")
    if (
        arr.dtype.kind == "f"
        and np.isfinite(arr).all()
        and (arr == np.round(arr)).all()
        and (np.abs(arr) < 2**62).all()  # whole floats that fit an int64 (1e308 does not)
    ):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValueError(
            f"{name} must hold integer class labels, got dtype {arr.dtype} "
            f"({arr[:3].tolist()!r}...)"
        )
    if classes is not None and len(arr) and (arr.min() < 0 or arr.max() >= classes):
        bad = arr[(arr < 0) | (arr >= classes)][0]
        raise ValueError(
            f"{name} must hold labels 0 .. {classes - 1} (the network has "
            f"{classes} classes), got {int(bad)}"
        )
    return arr.astype(np.intp, copy=False)


def _check_seed(seed) -> np.ndarray:
    """A seed (0-d) or a list of seeds (1-D) as an integer array, or a ValueError naming it."""
    bad = isinstance(seed, (str, bytes, bool, np.bool_)) or seed is None
    try:
        arr = None if bad else np.asarray(seed)
    except (TypeError, ValueError):  # a ragged list
        arr = None
    if (
        arr is None
        or arr.ndim > 1
        or (arr.size and arr.dtype.kind not in "iu")
        or any(isinstance(s, (bool, np.bool_)) for s in np.ravel(np.asarray(seed, dtype=object)))
        or (arr.size and arr.min() < 0)
    ):
        raise ValueError(f"seed must be a non-negative integer or a list of them, got {seed!r}")
    return arr


def _check_weight_decay(value) -> float:
    try:
        wd = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"weight_decay must be a real number >= 0, got {value!r}") from None
    if not (np.isfinite(wd) and wd >= 0):
        raise ValueError(f"weight_decay must be a real number >= 0, got {value!r}")
    return wd


def _check_indices(i, n, batch):
    i = np.asarray(i)
    if i.dtype.kind not in "iu" or i.ndim == 0 or i.shape[-1] == 0:
        raise ValueError(
            f"i must be an integer array of example indices, shape (B,) or (*batch, B) with "
            f"B >= 1, got {i!r}"
        )
    if i.size and (i.min() < 0 or i.max() >= n):
        raise ValueError(
            f"i must index the {n} examples (0 .. {n - 1}), got {int(i[(i < 0) | (i >= n)][0])}"
        )
    try:
        fits = np.broadcast_shapes(i.shape[:-1], batch) == batch
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"i must have shape (B,) or (*batch, B) with w's batch axes {batch}, "
            f"got shape {i.shape}"
        )
    return i


__all__ = ["MLP", "classifier", "cross_entropy"]
