"""Muon, as torch.optim.Muon computes it, with torch's bfloat16 Newton–Schulz emulated."""

from __future__ import annotations

import math

import numpy as np

from .base import Optimizer, as_real, get, lerp

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # Keller Jordan's quintic, torch's defaults


class Muon(Optimizer):
    r"""Muon (Keller Jordan, 2024): momentum whose update matrix is orthogonalised, as
    ``torch.optim.Muon``. For 2-D parameters only (a weight matrix of shape (A, B)).

    .. code-block:: text

        M ← M + (1 − momentum)·(G − M)              an EMA of gradients, M starts at 0
        U ← G + momentum·(M − G)                    if nesterov (default), else U ← M
        O ← NS(U)                                   ≈ the orthogonal factor of U's SVD
        x ← x·(1 − lr·weight_decay)                 decoupled weight decay (default 0.1)
        x ← x − lr·sqrt(max(1, A/B))·O              adjust_lr_fn "original" (the default)
                                                    or lr·0.2·sqrt(max(A, B)): "match_rms_adamw"

    NS is Newton–Schulz: X ← U/‖U‖_F (spectral norm at most 1; wide orientation, X = Uᵀ if
    A > B), then ``ns_steps`` times X ← a·X + (b·S + c·S²)·X with S = X·Xᵀ: the odd
    polynomial p(σ) = aσ + bσ³ + cσ⁵ applied to every singular value σ at once, with the
    singular vectors kept. Its coefficients (3.4445, −4.7750, 2.0315) push small σ up fast and
    do not converge to 1: after 5 steps singular values σ/‖U‖_F in [0.01, 1] land in
    [0.68, 1.14] (never above 1.21 from any start) rather than at 1 (Jordan: "S' ~ Uniform(0.5,
    1.5)"), which works as well in training. The step
    then has the same size in every direction of the matrix, however badly scaled G is.

    torch runs NS in **bfloat16** (8 significant bits): the input is rounded to bfloat16 and
    every operation's result is rounded again (the matrix products accumulate in float32).
    ``ns_dtype="bfloat16"`` (default) emulates that in NumPy by rounding after each operation,
    so results match torch to bfloat16 precision (relative ~2⁻⁸ per entry of O), not to
    float64 round-off. ``ns_dtype="float64"`` runs the same iteration in float64, the one
    deviation from torch: cleaner numbers for teaching (O's singular values then follow p
    exactly).

    Note the momentum: torch's code lerps (M ← μM + (1 − μ)G, and the Nesterov U lerps from G
    towards M), whereas its docstring writes M ← μM + G. The code is followed here. torch
    checks ``ns_steps < 100`` and the three coefficients when it steps; here the constructor
    checks them, with torch's messages.
    """

    _reads_point_shape = True  # the sweep's axes are told apart from the point's own
    _repr_names = ("lr", "weight_decay", "momentum", "nesterov", "ns_steps", "ns_dtype")

    def __init__(
        self,
        lr=1e-3,
        weight_decay=0.1,
        momentum=0.95,
        nesterov=True,
        ns_coefficients=NS_COEFFICIENTS,
        eps=1e-7,
        ns_steps=5,
        adjust_lr_fn=None,
        *,
        ns_dtype="bfloat16",
    ):
        super().__init__()
        self._hparam("lr", lr, "Learning rate should be >= 0 but is: {}")
        self._hparam("momentum", momentum, "momentum should be >= 0 but is: {}")
        self._hparam("weight_decay", weight_decay, "weight decay should be >= 0 but is: {}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, (int, np.integer)):
            raise TypeError(f"ns_steps must be an integer, got {ns_steps!r}")
        if ns_steps >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")
        if ns_steps < 0:
            raise ValueError(f"ns_steps must be >= 0, got {ns_steps}")
        if not isinstance(ns_coefficients, (tuple, list)) or len(ns_coefficients) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")
        coef = tuple(float(as_real("ns_coefficients", c)) for c in ns_coefficients)
        if not all(math.isfinite(c) for c in coef):
            raise ValueError(f"ns_coefficients must be finite, got {ns_coefficients!r}")
        self._hparam("eps", eps, valid=True)  # torch does not check eps
        if ns_dtype not in ("bfloat16", "float64"):
            raise ValueError(
                f"ns_dtype must be 'bfloat16' (torch's) or 'float64', got {ns_dtype!r}"
            )
        self._check_broadcast()
        if "eps" in self._arrays:
            raise ValueError("eps must be a single number, not an array")
        self.nesterov = bool(nesterov)
        self.ns_coefficients = coef
        self.ns_steps = int(ns_steps)
        self.adjust_lr_fn = adjust_lr_fn
        self.ns_dtype = ns_dtype

    def _check_matrix(self, x):
        shape = np.shape(x)
        point = shape[len(self.batch_shape) :] if len(shape) >= len(self.batch_shape) else shape
        if len(shape) < len(self.batch_shape) or len(point) != 2:
            raise ValueError(
                "Muon only supports 2D parameters whereas we found a parameter with size: "
                f"{tuple(point)}"
                + (f" (after the sweep's axes {self.batch_shape})" if self.batch_shape else "")
            )
        return point

    def init(self, x):
        """The momentum buffer, zeros of x's shape; x must be a matrix (after any sweep axes)."""
        self._check_matrix(x)
        return {"momentum_buffer": np.zeros(np.shape(x))}

    def adjusted_lr(self, lr, shape):
        """lr scaled for a matrix of ``shape`` (A, B), as torch's ``_adjust_lr``."""
        a, b = shape
        if self.adjust_lr_fn is None or self.adjust_lr_fn == "original":
            return lr * math.sqrt(max(1, a / b))
        return lr * (0.2 * math.sqrt(max(a, b)))

    def orthogonalize(self, u):
        """Newton–Schulz on the last two axes of ``u``, in ``ns_dtype`` (see the class)."""
        return newton_schulz(u, self.ns_coefficients, self.ns_steps, self.eps, self.ns_dtype)

    def step(self, x, g, state):
        point = self._check_matrix(x)
        lr, momentum, wd = get(self, x, "lr", "momentum", "weight_decay")
        x, g = self._check_grad(x, g)
        buf = lerp(state["momentum_buffer"], g, 1 - momentum)
        update = lerp(g, buf, momentum) if self.nesterov else buf
        o = self.orthogonalize(update)
        adjusted = self.adjusted_lr(lr, point)
        x = x * (1 - lr * wd)
        return x + (-adjusted) * o, {"momentum_buffer": buf}


def bfloat16(a) -> np.ndarray:
    """Round to bfloat16 and back to float64, as torch's ``.bfloat16()``: first to float32,
    then to the nearest bfloat16 (8 significant bits), ties to even, by keeping the top 16
    bits of the float32 pattern. Infinity and NaN stay what they are."""
    with np.errstate(over="ignore"):  # beyond float32's range: infinity, as torch
        f = np.asarray(a, dtype=np.float32)
    u = f.view(np.uint32).astype(np.uint64)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)
    return np.where(np.isfinite(f), rounded, f).astype(np.float64)


def newton_schulz(u, coefficients=NS_COEFFICIENTS, steps=5, eps=1e-7, dtype="bfloat16"):
    """torch's ``_zeropower_via_newtonschulz`` on the last two axes of ``u`` (a stack of
    matrices). ``dtype="bfloat16"`` rounds the input and each operation's result to bfloat16
    as torch does (products and sums inside one operation are exact here, float32 in torch,
    which only matters at rounding ties); ``"float64"`` rounds nothing."""
    r = bfloat16 if dtype == "bfloat16" else np.asarray
    a, b, c = coefficients
    x = r(u)
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = np.swapaxes(x, -1, -2)
    norm = r(np.sqrt(np.sum(x * x, axis=(-2, -1), keepdims=True)))
    x = r(x / np.maximum(norm, r(eps)))
    for _ in range(steps):
        xt = np.swapaxes(x, -1, -2)
        gram = r(x @ xt)
        update = r(b * gram + c * (gram @ gram))
        x = r(a * x + update @ x)
    if tall:
        x = np.swapaxes(x, -1, -2)
    return x
