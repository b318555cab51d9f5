"""Closed forms that the notebooks check the runs against."""

from __future__ import annotations

import numpy as np

from .optim.base import _brief, as_flag, as_real

_MAX_BYTES = 4 * 2**30  # as run's MAX_RECORD_BYTES: a result larger than this is refused


def _checked(name, value, message=None, valid=None):
    """``value`` as a float array, every element finite and passing ``valid`` (default
    ``>= 0``), or ``ValueError(message.format(bad value))`` as the optimizers raise it."""
    arr = as_real(name, value)
    ok = np.isfinite(arr)
    with np.errstate(invalid="ignore"):
        ok &= arr >= 0 if valid is None else valid(arr)
    if not ok.all():
        bad = arr if arr.ndim == 0 else arr[~ok].flat[0]
        raise ValueError((message or f"Invalid {name} value: {{}}").format(float(bad)))
    return arr


def _beta(value, name="beta", index=None):
    """A decay rate in [0, 1), checked as torch checks Adam's betas."""
    if index is not None:
        message = f"Invalid beta parameter at index {index}: {{}}"
    else:
        message = f"Invalid {name} value: {{}} ({name} must be in [0, 1))"
    return _checked(name, value, message, lambda b: (b >= 0) & (b < 1))


def _one(name, arr) -> float:
    """A checked 0-d array as a float; an array of several values is a ValueError naming it."""
    if np.ndim(arr):
        raise ValueError(f"{name} must be one number here, got an array of shape {np.shape(arr)}")
    return float(arr)


def _lr(value):
    return _checked("lr", value, "Invalid learning rate: {}")


def _curvature(value):
    return _one(
        "curvature", _checked("curvature", value, "curvature must be > 0, got {}", lambda c: c > 0)
    )


def gd_factor(lr, curvature: float = 8.0):
    """The factor by which one gradient-descent step multiplies x on f(x) = (curvature/2)·x².

    x ← x − lr·curvature·x = (1 − curvature·lr)·x. On the course's 4x² (curvature 8) it is
    1 − 8·lr: −7 at lr = 1, 0 at lr = 0.125, −1 at lr = 0.25.
    """
    c, lr = _curvature(curvature), _lr(lr)
    with np.errstate(over="ignore"):  # lr·curvature past 1e308: the factor is −inf
        return 1.0 - c * lr


def gd_regime(lr: float, curvature: float = 8.0) -> str:
    """In words, what gradient descent does on a parabola of this curvature at this lr."""
    if np.ndim(lr) != 0:
        raise ValueError(f"gd_regime takes one lr, got an array of shape {np.shape(lr)}")
    q = float(gd_factor(lr, curvature))
    if q == 0:
        return "lands on the minimum in one step (Newton's step, lr = 1/f'')"
    if q == -1:
        return "bounces between ±x0 forever (lr = 2/f'')"
    if abs(q) > 1:
        return "diverges" + (", oscillating" if q < 0 else "")
    if q == 1:
        return "does not move (lr = 0)"
    return "converges" + (", oscillating" if q < 0 else " monotonically")


# -- exponentially weighted averages (notebook 02) ------------------------------------------


def ema(values, beta, bias_correction: bool = False, v0: float = 0.0) -> np.ndarray:
    """The exponentially weighted average v_t = β·v_{t−1} + (1 − β)·θ_t of ``values`` (θ_1,
    θ_2, ...) from v_0 = ``v0``, one v_t per value; with ``bias_correction``, v_t/(1 − β^t).

    ``beta`` may be an array: the result gains its axes in front (one series per β).
    """
    theta = as_real("values", values)
    beta = _beta(beta)
    v0 = _one("v0", _checked("v0", v0, valid=lambda v: v == v))
    bias_correction = as_flag("bias_correction", bias_correction)
    if theta.ndim != 1:
        raise ValueError(f"values must be one series (1-D), got shape {theta.shape}")
    if not np.isfinite(theta).all():
        raise ValueError("values must be finite numbers; they hold NaN or infinity")
    b = beta[..., None]
    if beta.ndim == 0:  # one series: the loop on plain floats is several times faster
        bf, v, vs = float(beta), float(v0), []
        for value in theta.tolist():
            v = bf * v + (1 - bf) * value
            vs.append(v)
        out = np.array(vs)
    else:
        out = np.empty(beta.shape + theta.shape)
        v = np.full(beta.shape, float(v0))
        for t, value in enumerate(theta):
            v = beta * v + (1 - beta) * value
            out[..., t] = v
    if bias_correction:
        out = out / (1 - b ** np.arange(1, theta.size + 1))
    return out


def ema_weights(beta, n: int) -> np.ndarray:
    """The weight (1 − β)·β^i of the value i steps back, for i = 0 .. n − 1 (``beta`` an
    array: its axes in front, one row of weights per β)."""
    beta = _beta(beta)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if n * max(beta.size, 1) * 8 > _MAX_BYTES:
        raise ValueError(f"n={n} weights per beta would not fit in memory; ask for fewer")
    return (1 - beta[..., None]) * beta[..., None] ** np.arange(n)


def ema_window(beta):
    """The effective window 1/(1 − β): about how many recent values an EMA averages over,
    because β^(1/(1−β)) ≈ 1/e (β = 0.9: 10 values, β = 0.98: 50)."""
    return 1 / (1 - _beta(beta))


def ema_lag(beta):
    """How many steps an EMA trails a steadily rising series: β/(1 − β)."""
    beta = _beta(beta)
    return beta / (1 - beta)


# -- momentum on a parabola (notebook 03) ----------------------------------------------------


def momentum_radius(lr, momentum, curvature: float = 8.0, dampening=0.0, nesterov=False):
    """The convergence rate of torch's SGD with momentum on f(x) = (curvature/2)·x²: the
    spectral radius of the step map on (x_t, buffer), |x_t| shrinking like radius^t.

    With a = lr·curvature, c = 1 − dampening, the step map has trace 1 + m − a·c and
    determinant m (plain), or trace 1 + m − a(1 + m) and determinant m(1 − a) (Nesterov). Below
    critical damping the two eigenvalues are complex and the radius is √det; radius < 1 is the
    stable region. Arrays broadcast: a grid of (lr, m) is one call.
    """
    lr, curvature = _lr(lr), _curvature(curvature)
    m = _checked("momentum", momentum, "Invalid momentum value: {}")
    c = 1 - _checked("dampening", dampening, valid=lambda d: d == d)
    nesterov = as_flag("nesterov", nesterov)
    with np.errstate(all="ignore"):
        a = lr * curvature
        if nesterov:
            trace, det = 1 + m - a * (1 + m), m * (1 - a)
        else:
            trace, det = 1 + m - a * c, m
        disc = np.sqrt(np.asarray(trace * trace - 4 * det).astype(complex))
        radius = np.maximum(np.abs((trace + disc) / 2), np.abs((trace - disc) / 2))
    if np.isnan(radius).any():  # inf − inf: lr·curvature or momentum past the floats' range
        raise ValueError(
            "momentum_radius overflows the floats (lr·curvature or momentum near 1e308): "
            f"lr={_brief(lr.tolist())}, momentum={_brief(m.tolist())}, curvature={curvature:g}"
        )
    return radius


def critical_momentum(lr, curvature: float = 8.0):
    """The momentum with the smallest radius at this lr (critical damping):
    m* = (1 − √(lr·curvature))², where the radius is 1 − √(lr·curvature)."""
    lr, c = _lr(lr), _curvature(curvature)
    with np.errstate(over="ignore"):  # lr·curvature past 1e308: m* is inf (no momentum helps)
        return (1 - np.sqrt(lr * c)) ** 2


# -- Adam on a long gradient stream (notebook 05) ---------------------------------------------


def ema_scan(values, beta) -> np.ndarray:
    """The EMA of ``values`` from v_0 = 0, without a Python loop over steps.

    v_t = Σ_k (1 − β)·β^(t−k)·θ_k is a prefix sum with geometric weights; it is computed by
    doubling (Hillis–Steele): log₂(n) passes over the array, each adding the partial sums 2^j
    steps back, scaled by β^(2^j). Every factor is at most 1, so nothing overflows; the result
    equals the step-by-step loop up to round-off (about 1e-15 relative per pass).
    """
    beta = _one("beta", _beta(beta))
    values = as_real("values", values)
    if values.ndim == 0 or not np.isfinite(values).all():
        raise ValueError(
            "values must be finite numbers with the series along the last axis, "
            f"got {_brief(values)}"
        )
    return _scan(values, beta)


def _scan(values, beta):
    y = (1 - beta) * values
    d = 1
    while d < y.shape[-1]:
        y[..., d:] += beta**d * y[..., :-d]  # the right side is evaluated first: old values
        d *= 2
    return y


def adam_stream(grads, lr=1.0, betas=(0.0, 0.999), eps=1e-8, amsgrad=False):
    """Adam's movement per step on a given gradient stream, vectorised over the steps.

    Returns (movement, v_hat) with movement_t = −lr·m̂_t/(√v̂_t + eps), where m̂ and v̂ are the
    bias-corrected EMAs of g and g² (AMSGrad: v̂ from the running maximum of v). The same
    numbers as ``ol.replay(ol.Adam(...), grads)`` up to round-off, at a fraction of the time:
    a 101,001-step stream takes milliseconds, fast enough for a slider.
    The stream's step axis is the first (as ``replay``'s): grads of shape ``(T, ...)``.

    What Adam's arithmetic gives, it gives without a warning, as ``replay`` does: gradients
    above about 1e154 square to infinity (v̂ = inf, a movement of 0 or NaN), and ``eps=0``
    with gradients that are all 0 so far divides 0 by 0 (NaN), as torch does.
    """
    g, lr, beta1, beta2, eps = _stream_args(grads, lr, betas, eps)
    amsgrad = as_flag("amsgrad", amsgrad)
    with np.errstate(all="ignore"):
        return _adam_streams(g, lr, beta1, beta2, eps, (amsgrad,))[0]


def adam_and_amsgrad_stream(grads, lr=1.0, betas=(0.0, 0.999), eps=1e-8):
    """``adam_stream`` for Adam and for AMSGrad at once: {"Adam": (movement, v_hat),
    "AMSGrad": (movement, v_hat)}, the same numbers as two calls, bit for bit, in about half
    the time (the EMAs of g and g² are scanned once; only AMSGrad's running maximum differs)."""
    g, lr, beta1, beta2, eps = _stream_args(grads, lr, betas, eps)
    with np.errstate(all="ignore"):
        adam, ams = _adam_streams(g, lr, beta1, beta2, eps, (False, True))
    return {"Adam": adam, "AMSGrad": ams}


def _stream_args(grads, lr, betas, eps):
    g = as_real("grads", grads)
    if g.ndim == 0 or not np.isfinite(g).all():
        raise ValueError("grads must be finite numbers with a step axis first, shape (T, ...)")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    beta1, beta2 = (_one(f"betas[{i}]", _beta(b, "betas", i)) for i, b in enumerate(betas))
    lr = _one("lr", _lr(lr))
    eps = _one("eps", _checked("eps", eps, "Invalid epsilon value: {}"))
    return g, lr, beta1, beta2, eps


def _adam_streams(g, lr, beta1, beta2, eps, amsgrads):
    """(movement, v_hat) for each flag in ``amsgrads``, sharing the scans."""
    t = np.arange(1, g.shape[0] + 1).reshape((-1,) + (1,) * (g.ndim - 1))
    steps_last = np.moveaxis(g, 0, -1)  # ema_scan runs along the last axis
    m_hat = np.moveaxis(_scan(steps_last, beta1), -1, 0) / (1 - beta1**t)
    v = np.moveaxis(_scan(steps_last * steps_last, beta2), -1, 0)  # g² may overflow to inf
    out = []
    for amsgrad in amsgrads:
        v_hat = (np.maximum.accumulate(v, axis=0) if amsgrad else v) / (1 - beta2**t)
        out.append((-lr * m_hat / (np.sqrt(v_hat) + eps), v_hat))
    return out


# -- minibatch gradients (notebook 06) --------------------------------------------------------


def minibatch_variance(variance, batch_size, n=None, replacement: bool = True):
    """The variance of a minibatch's mean gradient, from the per-example gradients' variance
    σ² (their spread around the full gradient, with the 1/n convention): σ²/B when the B
    examples are drawn with replacement, σ²/B·(n − B)/(n − 1) without (each example at most
    once: B = n gives 0, the full gradient itself)."""
    variance = _checked("variance", variance)
    b = as_real("batch_size", batch_size)
    if not ((b >= 1).all() and (b == np.round(b)).all()):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if as_flag("replacement", replacement):
        return variance / b
    if n is None or isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2 without replacement, got {n!r}")
    if (b > n).any():
        raise ValueError(f"batch_size must be at most n = {n}, got {batch_size!r}")
    return variance / b * (n - b) / (n - 1)


# -- rates on a quadratic bowl, and Newton's one step (notebook 08) ----------------------------
#
# On f(x) = ½xᵀHx with eigenvalues λ_min ≤ ... ≤ λ_max, condition number κ = λ_max/λ_min.


def _kappa(kappa) -> np.ndarray:
    k = as_real("kappa", kappa)
    if not (np.isfinite(k) & (k >= 1)).all():
        raise ValueError(f"kappa (the condition number) must be finite and >= 1, got {kappa!r}")
    return k


def _spectrum(lmin, lmax):
    lo, hi = as_real("lmin", lmin), as_real("lmax", lmax)
    if not (np.isfinite(lo) & np.isfinite(hi) & (lo > 0) & (lo <= hi)).all():
        raise ValueError(f"need 0 < lmin <= lmax, both finite; got lmin={lmin!r}, lmax={lmax!r}")
    return lo, hi


def _plain(a):
    """A 0-d result as a Python float (prints as a number), arrays as they are."""
    return float(a) if np.ndim(a) == 0 else a


def gd_rate(kappa):
    """Gradient descent's factor per step at its best lr, (κ − 1)/(κ + 1): the error along the
    flattest and the steepest direction shrinks by this much every step (0 at κ = 1: one step)."""
    k = _kappa(kappa)
    return _plain((k - 1) / (k + 1))


def momentum_rate(kappa):
    """Momentum's factor per step at its best (lr, m) (Goh, "Why momentum really works",
    Distill 2017): (√κ − 1)/(√κ + 1), the square root of κ where gradient descent has κ. At
    these settings the step map is critically damped, so the error also carries a factor t."""
    r = np.sqrt(_kappa(kappa))
    return _plain((r - 1) / (r + 1))


def best_gd_lr(lmin, lmax):
    """Gradient descent's best fixed lr on the bowl, 2/(λ_min + λ_max): the factors 1 − lr·λ at
    both ends of the spectrum are then ±(κ − 1)/(κ + 1)."""
    lo, hi = _spectrum(lmin, lmax)
    return _plain(2 / (lo + hi))


def best_momentum(lmin, lmax):
    """Distill's optimal (lr, momentum) for heavy-ball momentum on the bowl,
    lr = (2/(√λ_min + √λ_max))², m = ((√λ_max − √λ_min)/(√λ_max + √λ_min))².

    Distill writes z ← m·z + ∇f, w ← w − lr·z: torch's SGD momentum, so
    ``SGD(lr=lr, momentum=m)`` runs it. The rate is then √m = ``momentum_rate(κ)``.
    """
    lo, hi = _spectrum(lmin, lmax)
    a, b = np.sqrt(lo), np.sqrt(hi)
    return _plain((2 / (a + b)) ** 2), _plain(((b - a) / (b + a)) ** 2)


def steps_to(rate, tol=1e-6):
    """Steps until a factor ``rate`` per step brings the error below ``tol`` (relative):
    ceil(log(tol)/log(rate)); 1 for rate 0 (Newton's one step). κ = 10, 100, 1000 give 69, 691,
    6908 steps for gradient descent and 22, 69, 219 for momentum (COURSE.md §8)."""
    r = as_real("rate", rate)
    if not (np.isfinite(r) & (r >= 0) & (r < 1)).all():
        raise ValueError(f"rate must be in [0, 1) (a contraction per step), got {rate!r}")
    tol_ = as_real("tol", tol)
    if tol_.ndim or not 0 < tol_ < 1:
        raise ValueError(f"tol must be in (0, 1), got {tol!r}")
    n = np.where(r == 0, 1.0, np.ceil(np.log(tol_) / np.log(np.where(r == 0, 0.5, r))))
    return int(n) if n.ndim == 0 else n.astype(int)


# -- RAdam's rectification: warm-up built in (notebook 07) -------------------------------------


def radam_rho(t, beta2=0.999):
    """RAdam's ρ_t = ρ_∞ − 2t·β₂^t/(1 − β₂^t), with ρ_∞ = 2/(1 − β₂) − 1: the length of the
    simple moving average that Adam's bias-corrected v̂_t stands in for after t steps (Liu et
    al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020). It grows
    from 1 at t = 1 towards ρ_∞ (1999 at β₂ = 0.999). ``t`` may be an array (t >= 1), computed
    as ``torch.optim.RAdam`` computes it."""
    t = _checked("t", t, "t must be a step number >= 1, got {}", lambda s: s >= 1)
    beta2 = float(_beta(beta2, "beta2"))
    rho_inf = 2 / (1 - beta2) - 1
    return _plain(rho_inf - 2 * t * (beta2**t) / (1 - beta2**t))


def radam_rectification(t, beta2=0.999):
    """RAdam's rectification r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t)) where
    ρ_t > 5, else 0 (those steps are SGD with momentum, no adaptive step): the factor on
    Adam's step, rising from 0 to 1 like a warm-up. At β₂ = 0.999 the first 5 steps have
    none, r_6 = 0.0258, and r_t passes 0.5 at t = 556 and 0.9 at t = 2737: a warm-up
    of about 2/(1 − β₂) = 2000 steps."""
    rho = np.asarray(radam_rho(t, beta2))
    beta2 = float(beta2)
    rho_inf = 2 / (1 - beta2) - 1
    ok = rho > 5.0
    safe = np.where(ok, rho, 6.0)
    r = np.sqrt((safe - 4) * (safe - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * safe))
    return _plain(np.where(ok, r, 0.0))
