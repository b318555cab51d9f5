"""L-BFGS, as torch.optim.LBFGS computes it (Liu & Nocedal 1989): a quasi-Newton method that
builds a stand-in for H⁻¹ from the last few steps and gradient changes."""

from __future__ import annotations

import operator

import numpy as np

from .base import Optimizer


class LBFGS(Optimizer):
    r"""Limited-memory BFGS, as ``torch.optim.LBFGS``: one optimlab step is one torch
    ``step(closure)`` call, which runs up to ``max_iter`` inner iterations.

    Same keywords, defaults and learning-rate check as torch: ``LBFGS(lr=1, max_iter=20,
    max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100,
    line_search_fn=None)``, where ``max_eval=None`` means ``max_iter * 5 // 4``. It keeps the last
    ``history_size`` pairs s = step, y = change of gradient (pairs with y·s ≤ 1e-10 are skipped).
    One call, with x all parameters flattened into one vector as torch does:

    .. code-block:: text

        loss, g ← closure(x)                       (counted: func_evals += 1)
        stop if max|g| ≤ tolerance_grad
        repeat up to max_iter times:
            d ← −g on the very first iteration ever, else
            d ← −H·g by the two-loop recursion over (s, y), H₀ = (y·s / y·y)·I of the newest pair
            t ← lr, or min(1, 1/Σ|g|)·lr on the very first iteration ever
            stop if g·d > −tolerance_change             (not a descent direction)
            x ← x + t·d, t from the strong-Wolfe line search if line_search_fn="strong_wolfe"
                (c1 = 1e-4, c2 = 0.9, cubic interpolation, one evaluation plus at most
                max_eval − evaluations so far), else t as is and loss, g ← closure(x) unless
                this is the last iteration
            stop after max_iter iterations, or max_eval evaluations, or if max|g| ≤
            tolerance_grad, or max|t·d| ≤ tolerance_change, or |Δloss| < tolerance_change

    The line search, its cubic interpolation and every break condition are transcribed from
    torch 2.13's source, including which quantities torch holds as 0-dim tensors (a Python
    float divided by one is computed as a reciprocal times the float). In the 44 recorded torch
    runs (one and two parameters) optimlab's iterates, losses and evaluation counts equal
    torch's to the last bit; with more parameters the dot products' summation order may differ
    from torch's BLAS, and the iterates by round-off.

    Using it: ``state = opt.init(x)``, then ``x, state = opt.step(x, g, state, closure=fn)`` with
    ``fn(p) -> (loss, grad)`` the problem at one point ``p`` (``needs_closure`` tells ``run`` to
    pass it). ``g`` is not used (``None`` is fine): as in torch, each step starts by evaluating
    the closure at ``x``, and that evaluation is counted. ``state["func_evals"]`` and
    ``state["n_iter"]`` are torch's cumulative counts of closure calls and inner iterations;
    ``state["loss"]`` is the loss at the x the step started from (what torch's ``step``
    returns). A single run's state also holds torch's ``d``, ``t``, ``old_dirs``, ``old_stps``,
    ``ro``, ``H_diag``, ``prev_flat_grad`` and ``prev_loss`` (vectors flattened, as in torch).

    Sweeps: any hyperparameter but ``line_search_fn`` may be an array (``history_size``,
    ``max_iter`` and ``max_eval`` integer arrays). A line search does not vectorise, so a sweep
    runs its configurations one after another, each on its own point of shape ``x.shape[k:]``
    (k = the sweep's number of axes): every column equals the single run bit for bit, and the
    state holds ``func_evals``, ``n_iter`` and ``loss`` as arrays of the sweep's shape and one
    torch state per configuration in ``state["runs"]`` (row-major order).

    Differences from torch: every number must be finite, and checks that torch leaves to a
    crash come first, as ValueErrors: ``max_iter``, ``max_eval`` and ``history_size`` must be
    positive integers (torch fails with an IndexError at ``history_size=0``, an
    UnboundLocalError at ``max_eval=0`` with a line search), the tolerances non-negative, and
    ``lr=0`` is refused with the line search (torch divides by zero). An unknown
    ``line_search_fn`` is refused when the optimizer is made, with torch's message (torch raises
    a RuntimeError at the first ``step``). Where a NaN loss makes torch's line search fail with
    an IndexError, the run goes on with NaN (and ``run`` cuts it). No param groups, no complex
    parameters.
    """

    needs_closure = True
    _repr_names = (
        "lr",
        "max_iter",
        "max_eval",
        "tolerance_grad",
        "tolerance_change",
        "history_size",
        "line_search_fn",
    )

    def __init__(
        self,
        lr=1,
        max_iter=20,
        max_eval=None,
        tolerance_grad=1e-7,
        tolerance_change=1e-9,
        history_size=100,
        line_search_fn=None,
    ):
        super().__init__()
        self._hparam("lr", lr, "Invalid learning rate: {}")
        self._count("max_iter", max_iter)
        if max_eval is None:
            max_eval = self.max_iter * 5 // 4  # torch's default, also for an array max_iter
            if np.any(np.asarray(max_eval) < 1):
                raise ValueError(
                    f"max_eval defaults to max_iter * 5 // 4 = {max_eval!r}, which must be at "
                    "least 1: give max_eval"
                )
        self._count("max_eval", max_eval)
        self._hparam("tolerance_grad", tolerance_grad)
        self._hparam("tolerance_change", tolerance_change)
        self._count("history_size", history_size)
        if line_search_fn is not None and not (
            isinstance(line_search_fn, str) and line_search_fn == "strong_wolfe"
        ):
            raise ValueError(
                f"only 'strong_wolfe' is supported, got line_search_fn={line_search_fn!r}"
            )
        if line_search_fn is not None and np.any(np.asarray(self.lr) == 0):
            raise ValueError(
                "Invalid learning rate: 0.0 with line_search_fn='strong_wolfe' (its first "
                "interpolation divides by zero; torch raises ZeroDivisionError)"
            )
        self.line_search_fn = line_search_fn
        self._check_broadcast()

    def _count(self, name, value):
        """Store an integer hyperparameter >= 1 (an int, or an integer array for a sweep)."""
        message = f"{name} must be a positive integer, got {value!r}"
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        if isinstance(value, np.ndarray) and value.ndim > 0:
            if value.dtype.kind not in "iu" or not (value >= 1).all():
                raise ValueError(f"{name} must be positive integers, got {value.tolist()!r}")
            value = value.astype(int)
            value.flags.writeable = False
            self._arrays[name] = value
            setattr(self, name, value)
            return
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(message)
        try:
            value = operator.index(value)
        except TypeError:
            raise ValueError(message) from None
        if value < 1:
            raise ValueError(message)
        setattr(self, name, int(value))

    # -- the sweep's layout -------------------------------------------------------------------
    def _runs_shape(self, x) -> tuple[int, ...]:
        """The leading axes of ``x`` that index configurations (the sweep's shape)."""
        nb = len(self.batch_shape)
        shape = np.shape(x)
        ok = len(shape) >= nb
        if ok:
            try:
                ok = np.broadcast_shapes(self.batch_shape, shape[:nb]) == shape[:nb]
            except ValueError:
                ok = False
        if not ok:
            raise ValueError(
                f"x has shape {shape}, but the hyperparameters make a sweep of shape "
                f"{self.batch_shape}: x must start with those axes"
            )
        return shape[:nb]

    def _settings(self, runs, index):
        """The hyperparameters of configuration ``index`` of a sweep of shape ``runs``."""
        out = {}
        for name in ("lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change"):
            out[name] = getattr(self, name)
        out["history_size"] = self.history_size
        for name, arr in self._arrays.items():
            v = np.broadcast_to(arr, runs)[index]
            out[name] = int(v) if arr.dtype.kind in "iu" else float(v)
        return out

    # -- init and step ------------------------------------------------------------------------
    def init(self, x):
        """torch's state before the first step: no evaluations, no iterations, no history."""
        runs = self._runs_shape(x)
        if not runs:
            return _fresh()
        n = int(np.prod(runs))
        return {
            "func_evals": np.zeros(runs, dtype=int),
            "n_iter": np.zeros(runs, dtype=int),
            "loss": np.full(runs, np.nan),
            "runs": tuple(_fresh() for _ in range(n)),
        }

    def step(self, x, g, state, closure=None):
        if closure is None:
            raise ValueError(
                "LBFGS needs a closure: step(x, g, state, closure=fn), fn(x) -> (loss, grad)"
            )
        if not callable(closure):
            raise TypeError(f"closure must be callable, got {closure!r}")
        x = np.asarray(x, dtype=float)
        runs = self._runs_shape(x)
        point = x.shape[len(runs) :]
        if int(np.prod(point)) == 0:
            raise ValueError(f"x has shape {x.shape}: each point needs at least one parameter")
        ls = self.line_search_fn is not None
        with np.errstate(all="ignore"):  # torch's 0-dim tensors give inf/NaN, not warnings
            if not runs:
                new, st = _lbfgs_step(
                    x.reshape(-1), state, closure, point, ls, **self._settings((), ())
                )
                return new.reshape(point), st
            if not isinstance(state, dict) or len(state.get("runs", ())) != int(np.prod(runs)):
                raise ValueError(
                    f"state does not belong to a sweep of shape {runs}: make it with opt.init(x)"
                )
            out = np.empty(x.shape)
            states = []
            for k, index in enumerate(np.ndindex(*runs)):
                new, st = _lbfgs_step(
                    x[index].reshape(-1),
                    state["runs"][k],
                    closure,
                    point,
                    ls,
                    **self._settings(runs, index),
                )
                out[index] = new.reshape(point)
                states.append(st)
        return out, {
            "func_evals": np.array([s["func_evals"] for s in states]).reshape(runs),
            "n_iter": np.array([s["n_iter"] for s in states]).reshape(runs),
            "loss": np.array([s["loss"] for s in states], dtype=float).reshape(runs),
            "runs": tuple(states),
        }


def _fresh() -> dict:
    return {
        "func_evals": 0,
        "n_iter": 0,
        "loss": None,
        "d": None,
        "t": None,
        "old_dirs": None,
        "old_stps": None,
        "ro": None,
        "H_diag": None,
        "prev_flat_grad": None,
        "prev_loss": None,
    }


class _T:
    """A 0-dim float64 torch tensor's arithmetic, where it differs from a Python float's:
    ``c / T`` is ``(1 / T) * c`` (torch's ``__rtruediv__``: reciprocal, then multiply), and
    division by zero gives inf or NaN. Everything else is one IEEE operation, as for floats."""

    __slots__ = ("v",)
    __array_ufunc__ = None  # NumPy scalars defer to the methods below

    def __init__(self, v):
        self.v = np.float64(v)

    def __add__(self, o):
        return _T(self.v + _val(o))

    __radd__ = __add__

    def __sub__(self, o):
        return _T(self.v - _val(o))

    def __rsub__(self, o):
        return _T(_val(o) - self.v)

    def __mul__(self, o):
        return _T(self.v * _val(o))

    __rmul__ = __mul__

    def __truediv__(self, o):
        return _T(self.v / _val(o))

    def __rtruediv__(self, o):
        return _T((np.float64(1.0) / self.v) * o)

    def __neg__(self):
        return _T(-self.v)

    def __abs__(self):
        return _T(abs(self.v))

    def __lt__(self, o):
        return bool(self.v < _val(o))

    def __le__(self, o):
        return bool(self.v <= _val(o))

    def __gt__(self, o):
        return bool(self.v > _val(o))

    def __ge__(self, o):
        return bool(self.v >= _val(o))

    def sqrt(self):
        return _T(np.sqrt(self.v))

    def __float__(self):
        return float(self.v)

    def __repr__(self):
        return f"_T({self.v!r})"


def _val(v):
    """The number inside a _T (a float or an int stays as it is)."""
    return v.v if isinstance(v, _T) else v


def _dot(a, b) -> _T:
    """torch.dot on one or two elements: the products rounded, then added (as NumPy does)."""
    return _T(np.sum(a * b))


def _absmax(v) -> _T:
    return _T(np.max(np.abs(v)))


def _lbfgs_step(
    x,
    state,
    closure,
    point,
    line_search,
    *,
    lr,
    max_iter,
    max_eval,
    tolerance_grad,
    tolerance_change,
    history_size,
):
    """One torch ``LBFGS.step(closure)`` on the flat vector ``x``: returns (x, new state)."""
    lr = np.float64(lr)
    func_evals, n_total = state["func_evals"], state["n_iter"]

    def evaluate(p):
        loss, grad = _call(closure, p.reshape(point))
        return loss, grad.reshape(-1)

    orig_loss, flat_grad = evaluate(x)
    loss = orig_loss
    current_evals = 1
    func_evals += 1
    if _absmax(flat_grad) <= tolerance_grad:  # optimal: torch returns, state otherwise untouched
        return x, {**state, "func_evals": func_evals, "loss": float(orig_loss)}

    d, t, H_diag = state["d"], state["t"], state["H_diag"]
    prev_flat_grad, prev_loss = state["prev_flat_grad"], state["prev_loss"]
    old_dirs, old_stps, ro = (
        None if state[k] is None else list(state[k]) for k in ("old_dirs", "old_stps", "ro")
    )
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        n_total += 1
        # the direction: steepest descent at first, then the two-loop recursion
        if n_total == 1:
            d = -flat_grad
            old_dirs, old_stps, ro = [], [], []
            H_diag = 1
        else:
            y = flat_grad - prev_flat_grad
            s = d * _val(t)
            ys = _dot(y, s)
            if ys > 1e-10:
                if len(old_dirs) == history_size:
                    old_dirs.pop(0)
                    old_stps.pop(0)
                    ro.pop(0)
                old_dirs.append(y)
                old_stps.append(s)
                ro.append(1.0 / ys)
                H_diag = ys / _dot(y, y)
            num_old = len(old_dirs)
            al = [None] * num_old
            q = -flat_grad
            for i in range(num_old - 1, -1, -1):
                al[i] = _dot(old_stps[i], q) * ro[i]
                q = q + _val(-al[i]) * old_dirs[i]
            r = q * _val(H_diag)
            for i in range(num_old):
                be_i = _dot(old_dirs[i], r) * ro[i]
                r = r + _val(al[i] - be_i) * old_stps[i]
            d = r
        prev_flat_grad = flat_grad
        prev_loss = loss
        # the step length
        if n_total == 1:
            t = min(1.0, 1.0 / _T(np.sum(np.abs(flat_grad)))) * lr
        else:
            t = lr
        gtd = _dot(flat_grad, d)
        if gtd > -tolerance_change:
            break
        ls_func_evals = 0
        if line_search:
            loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                evaluate, x, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
            )
            x = x + _val(t) * d
            opt_cond = _absmax(flat_grad) <= tolerance_grad
        else:
            x = x + _val(t) * d
            if n_iter != max_iter:  # torch does not re-evaluate after the last iteration
                loss, flat_grad = evaluate(x)
                opt_cond = _absmax(flat_grad) <= tolerance_grad
                ls_func_evals = 1
        current_evals += ls_func_evals
        func_evals += ls_func_evals
        # the break conditions, in torch's order
        if n_iter == max_iter:
            break
        if current_evals >= max_eval:
            break
        if opt_cond:
            break
        if _absmax(d * _val(t)) <= tolerance_change:
            break
        if abs(loss - prev_loss) < tolerance_change:
            break

    return x, {
        "func_evals": func_evals,
        "n_iter": n_total,
        "loss": float(orig_loss),
        "d": d,
        "t": None if t is None else float(_val(t)),
        "old_dirs": tuple(old_dirs),
        "old_stps": tuple(old_stps),
        "ro": tuple(float(_val(r)) for r in ro),
        "H_diag": float(_val(H_diag)),
        "prev_flat_grad": prev_flat_grad,
        "prev_loss": float(prev_loss),
    }


def _call(closure, p):
    """closure(p) -> (loss, grad), checked: one loss, a gradient of p's shape, copied."""
    out = closure(p.copy())
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise ValueError(f"closure must return a pair (loss, grad), got {out!r}")
    loss, grad = out
    try:
        loss = np.asarray(loss, dtype=float)
        grad = np.array(grad, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"closure must return real numbers (loss, grad), got {loss!r}, {grad!r}"
        ) from None
    if loss.size != 1:
        raise ValueError(
            f"closure returned a loss of shape {loss.shape} for a point of shape {p.shape}; "
            "it must return one loss"
        )
    if grad.shape != p.shape:
        raise ValueError(
            f"closure returned a gradient of shape {grad.shape} for a point of shape {p.shape}; "
            "the gradient must have the point's shape"
        )
    return loss.reshape(-1)[0], grad


# -- torch's strong-Wolfe line search (torch/optim/lbfgs.py, ported there from minFunc) -------


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to ``bounds``
    (default: between x1 and x2); their midpoint if the cubic has no minimum."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square.sqrt()
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """torch's ``_strong_wolfe``: a step t along d with f(x + t·d) ≤ f + c1·t·g·d and
    |g(x + t·d)·d| ≤ c2·|g·d|, found by bracketing, then zooming with cubic interpolation.
    Returns (loss, gradient, t, evaluations). Its tolerance_change is always 1e-9, as in
    torch (the optimizer's own is not passed)."""

    def obj(t):
        return evaluate(x + _val(t) * d)

    d_norm = _absmax(d)
    f_new, g_new = obj(t)
    ls_func_evals = 1
    gtd_new = _dot(g_new, d)

    # bracket an interval containing a point satisfying the Wolfe criteria
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket_gtd = None
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [t]
            bracket_f = [f_new]
            bracket_g = [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        # interpolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        # next step
        t_prev = tmp
        f_prev = f_new
        g_prev = g_new
        gtd_prev = gtd_new
        f_new, g_new = obj(t)
        ls_func_evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1

    # reached max number of iterations?
    if ls_iter == max_ls:
        bracket = [0, t]
        bracket_f = [f, f_new]
        bracket_g = [g, g_new]

    # zoom phase: refine the bracket until a point satisfies the criteria
    insuf_progress = False
    # (torch compares a one-point bracket with itself: with a NaN loss it then picks position 1
    # and fails with an IndexError; here a one-point bracket's low point is that point)
    low = len(bracket_f) == 1 or bracket_f[0] <= bracket_f[-1]
    low_pos, high_pos = (0, 1) if low else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # t too close to an end of the bracket (twice in a row, or at it): move it in by 10%
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj(t)
        ls_func_evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            # Armijo condition not satisfied or not lower than the lowest point
            bracket[high_pos] = t
            bracket_f[high_pos] = f_new
            bracket_g[high_pos] = g_new
            bracket_gtd[high_pos] = gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True  # Wolfe conditions satisfied
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # old high becomes new low
                bracket[high_pos] = bracket[low_pos]
                bracket_f[high_pos] = bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            # new point becomes new low
            bracket[low_pos] = t
            bracket_f[low_pos] = f_new
            bracket_g[low_pos] = g_new
            bracket_gtd[low_pos] = gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
