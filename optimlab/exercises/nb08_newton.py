"""Exercises of notebook 08: Newton's method, curvature and saddle points."""

from __future__ import annotations

import numpy as np

from ..optim import SGD, Newton
from ..problems import rotated_quadratic, saddle
from ..run import run
from ..theory import best_gd_lr, best_momentum, gd_rate, momentum_radius, momentum_rate, steps_to
from ._core import (
    Exercise,
    Wrong,
    as_array,
    call,
    function,
    known_mistake,
    letters,
    pair,
    same,
    show,
    whole_number,
)

# -- 08.1 gradient descent's steps at κ = 50 --------------------------------------------------

KAPPA_08_1 = 50


def _gd_steps(answer) -> str:
    n = whole_number(answer)
    k = KAPPA_08_1
    want = steps_to(gd_rate(k))
    r = gd_rate(k)
    if n == want:
        return (
            f"right: the factor per step is (κ − 1)/(κ + 1) = 49/51 = {r:.4f}, and "
            f"ceil(ln 1e-6 / ln {r:.4f}) = {want}. Momentum at its best needs "
            f"{steps_to(momentum_rate(k))}, Newton 1."
        )
    hint = known_mistake(
        n,
        [
            (
                want // 2,
                "that is the count for the loss (the error squared) to fall below 1e-6; the "
                "question asks for the error.",
            ),
            (
                steps_to(momentum_rate(k)),
                "that is momentum's count, with the factor (√κ − 1)/(√κ + 1); gradient descent "
                "has (κ − 1)/(κ + 1).",
            ),
            (
                int(np.ceil(np.log(1e-6) / np.log(1 - 1 / k))),
                "that uses the factor 1 − 1/κ (lr = 1/λ_max); at the best lr 2/(λ_min + λ_max) "
                "it is (κ − 1)/(κ + 1), twice as fast.",
            ),
            (1, "one step is Newton's method (or κ = 1); gradient descent needs many more."),
            (want - 1, "one short: after that many steps the error is still just above 1e-6."),
            (691, "691 is the count at κ = 100; here κ = 50."),
        ],
        rel=1e-9,
    )
    if hint:
        raise Wrong(hint)
    if n < 1:
        raise Wrong(f"a number of steps is at least 1; {n} is not.")
    raise Wrong(
        f"the error after n steps is {r:.4f}^n; {'more' if n < want else 'fewer'} steps "
        f"(with {n} it is {r**n:.3g})."
    )


# -- 08.2 which steps go uphill -----------------------------------------------------------------

START_08_2 = (0.3, 0.7)
OPTIONS_08_2 = {
    "a": ("Newton's method, lr = 1", lambda: Newton()),
    "b": ("saddle-free Newton, lr = 1", lambda: Newton(saddle_free=True)),
    "c": ("gradient descent, lr = 0.1", lambda: SGD(lr=0.1)),
    "d": ("damped Newton, lr = 0.5", lambda: Newton(lr=0.5)),
}


def _first_losses() -> dict:
    p = saddle()
    return {k: run(make(), p, START_08_2, 1).loss for k, (_, make) in OPTIONS_08_2.items()}


def _uphill(answer) -> str:
    chosen = letters(answer, "abcd")
    losses = _first_losses()
    truth = {k for k, loss in losses.items() if loss[1] > loss[0]}
    if chosen == truth:
        return (
            "right: Newton's step heads for the stationary point of the quadratic model, here "
            "the saddle itself: f rises from −0.4 to 0 (lr 1) or to −0.1 (lr 0.5, halfway). "
            "Saddle-free Newton flips the negative curvature and goes down, to (0, 1.4); "
            "gradient descent goes down along −∇f."
        )
    k = sorted(chosen ^ truth)[0]
    name = OPTIONS_08_2[k][0]
    before, after = (f"{v:.3g}".replace("-", "−") for v in losses[k])
    if k in truth:
        hint = (
            f"({k}) {name} goes uphill: f goes from {before} to {after}. The step "
            "−H⁻¹∇f points at the saddle, the stationary point of x² − y²."
        )
    else:
        hint = f"({k}) {name} goes downhill: f goes from {before} to {after}."
    more = len(chosen ^ truth) - 1
    raise Wrong(hint + (f" ({more} more to fix.)" if more else ""))


# -- 08.3 momentum's best settings, found by running -----------------------------------------

KAPPA_08_3 = 100.0
STEPS_08_3 = 120
X0_08_3 = (1.0, 1.0)


def _momentum_errors(lr, m, steps=200):
    t = run(SGD(lr=lr, momentum=m), rotated_quadratic(KAPPA_08_3, 30.0), X0_08_3, steps)
    return np.linalg.norm(t.x, axis=-1) / np.linalg.norm(X0_08_3)


def _momentum_search(answer) -> str:
    lr, m = pair(answer, ("lr", "momentum"))
    try:
        SGD(lr=lr, momentum=m)
    except ValueError as error:
        raise Wrong(f"SGD refuses it: {error}.") from None
    if m >= 1:
        raise Wrong("momentum must be below 1: with m ≥ 1 the error never shrinks.")
    if lr == 0:
        raise Wrong("at lr = 0 nothing moves.")
    err = _momentum_errors(lr, m)
    with np.errstate(invalid="ignore"):
        ok = bool(np.all(err[STEPS_08_3:] < 1e-6))
    flat = float(momentum_radius(lr, m, 1.0))
    steep = float(momentum_radius(lr, m, KAPPA_08_3))
    if ok:
        n = int(np.argmax(err < 1e-6))
        best_lr, best_m = best_momentum(1.0, KAPPA_08_3)
        return (
            f"right: below 1e-6 from step {n} on (gradient descent at its best lr needs "
            f"{steps_to(gd_rate(KAPPA_08_3))}). Distill's best, lr = {best_lr:.4f} and "
            f"m = {best_m:.4f}, takes 88 steps: a rate of {momentum_rate(KAPPA_08_3):.3f} per "
            "step along both axes."
        )
    if m == 0:
        raise Wrong(
            f"without momentum even the best lr 2/(1 + κ) = {best_gd_lr(1.0, KAPPA_08_3):.4f} "
            f"needs {steps_to(gd_rate(KAPPA_08_3))} steps: add momentum."
        )
    if steep >= 1:
        raise Wrong(
            f"the run diverges along the steep axis (curvature 100, radius {steep:.3g}): "
            "lr·100 must stay below 2(1 + m). A smaller lr."
        )
    shown = f"error {err[STEPS_08_3]:.2g} after {STEPS_08_3} steps"
    if flat >= steep and flat > np.sqrt(m) + 1e-9:
        raise Wrong(
            f"{shown}: the flat axis (curvature 1) crawls, shrinking by {flat:.3f} per step. "
            "More momentum, or a larger lr."
        )
    if np.sqrt(m) >= max(flat, steep) - 1e-9 and np.sqrt(m) > 0.9:
        raise Wrong(
            f"{shown}: too much momentum, the error swings and shrinks only by √m = "
            f"{np.sqrt(m):.3f} per step. Less momentum (and then a matching lr)."
        )
    if steep > flat:
        raise Wrong(
            f"{shown}: the steep axis (curvature 100) is the slow one, shrinking by "
            f"{steep:.3f} per step. A smaller lr, or more momentum."
        )
    raise Wrong(f"close: {shown}, a rate of {max(flat, steep):.3f} per step. Adjust a little.")


# -- 08.4 Newton's step as a NumPy function -------------------------------------------------------


def _trials_08_4():
    rng = np.random.default_rng(8)

    def spd(*shape):
        a = rng.normal(size=(*shape, shape[-1]))
        return a @ np.swapaxes(a, -1, -2) + 0.5 * np.eye(shape[-1])

    h2 = np.array([[2.0, 0.0], [0.0, -2.0]])  # the saddle: indefinite
    return (
        ("x of shape (2,) on the saddle x² − y² (H indefinite), lr = 1",
         np.array([0.3, 0.7]), np.array([0.6, -1.4]), h2, 1.0),
        ("x of shape (3,), lr = 1", rng.normal(size=3), rng.normal(size=3), spd(3), 1.0),
        ("x of shape (4,), lr = 0.5", rng.normal(size=4), rng.normal(size=4), spd(4), 0.5),
        ("a batch: x of shape (5, 2), H of shape (5, 2, 2), lr = 0.25",
         rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), spd(5, 2), 0.25),
    )  # fmt: skip


TRIALS_08_4 = _trials_08_4()


def _reference_08_4(x, g, h, lr):
    return Newton(lr=lr).step(x, g, {"step": 0}, hess=h)[0]


def _times_h(x, g, h, lr):
    return x - lr * np.einsum("...ij,...j->...i", h, g)


def _diagonal(x, g, h, lr):
    return x - lr * g / np.diagonal(h, axis1=-2, axis2=-1)


def _uphill_newton(x, g, h, lr):
    return x + lr * np.linalg.solve(h, g[..., None])[..., 0]


def _no_lr(x, g, h, lr):
    return x - np.linalg.solve(h, g[..., None])[..., 0]


def _gradient_step(x, g, h, lr):
    return x - lr * g


def _absolute(x, g, h, lr):
    lam, v = np.linalg.eigh(h)
    return x - lr * np.einsum("...ij,...j->...i", v, np.einsum("...ji,...j->...i", v, g) / abs(lam))


VARIANTS_08_4 = (
    (_times_h, "you multiplied by H; Newton's step divides by it: solve H·d = g (H⁻¹g)."),
    (
        _diagonal,
        "you divided by H's diagonal, a per-coordinate stand-in for H⁻¹ (Adagrad's idea); "
        "Newton's step uses the whole matrix: np.linalg.solve(H, g).",
    ),
    (_uphill_newton, "your step goes the wrong way: x − lr·H⁻¹g."),
    (_no_lr, "you left out lr: the damped step is x − lr·H⁻¹g (lr = 0.5 takes half a step)."),
    (
        _gradient_step,
        "that is gradient descent, x − lr·g; Newton's step divides by the curvature: "
        "x − lr·H⁻¹g, with np.linalg.solve(H, g).",
    ),
    (
        _absolute,
        "that is saddle-free Newton (|H|); plain Newton's method uses H itself, and on the "
        "saddle it steps onto (0, 0).",
    ),
)


def _newton_code(answer) -> str:
    fn = function(answer, "newton_step(x, g, H, lr)")
    for label, x, g, h, lr in TRIALS_08_4:
        args = (x.copy(), g.copy(), h.copy(), lr)
        try:
            got = as_array(call(fn, args, "newton_step", label), x.shape, "x_new", label)
        except Wrong as wrong:
            if x.ndim == 2 and "raised" in str(wrong):
                raise Wrong(
                    f"{wrong} For a batch, make g a column: np.linalg.solve(H, g[..., None])"
                    "[..., 0] (NumPy reads a 2-D g as one matrix, not a batch of vectors)."
                ) from None
            raise
        want = _reference_08_4(x, g, h, lr)
        if same(got, want):
            continue
        for variant, hint in VARIANTS_08_4:
            with np.errstate(all="ignore"):
                theirs = np.asarray(variant(x, g, h, lr))
            if theirs.shape == got.shape and same(got, theirs):
                raise Wrong(hint)
        if not np.isfinite(got).all():
            raise Wrong(f"x_new is {show(got)} ({label}): a division by zero?")
        raise Wrong(f"x_new differs ({label}): expected {show(want)}, got {show(got)}.")
    return (
        "right: it matches ol.Newton on four cases (an indefinite H, where it steps onto the "
        "saddle, positive-definite H in 3 and 4 dimensions, and a batch of five 2×2 systems)."
    )


EXERCISES = (
    Exercise(
        id="08.1",
        title="gradient descent's steps at κ = 50",
        kind="number",
        prompt=(
            "On a quadratic bowl with condition number $\\kappa = 50$, gradient descent at its "
            "best learning rate $2/(\\lambda_{\\min} + \\lambda_{\\max})$ multiplies the error by "
            "$(\\kappa - 1)/(\\kappa + 1)$ per step. How many steps until the error is below "
            "$10^{-6}$ of where it started?\n\n`answer = ` a whole number."
        ),
        checker=_gd_steps,
        solution=(
            "$r = 49/51 \\approx 0.9608$; $r^n < 10^{-6}$ needs "
            "$n > \\ln 10^{-6} / \\ln r = 345.3$, so 346 steps. Check: "
            "`ol.theory.steps_to(ol.theory.gd_rate(50))`. Newton's method: 1 step."
        ),
        example="answer = 346",
    ),
    Exercise(
        id="08.2",
        title="which steps go uphill at a saddle?",
        kind="prediction",
        prompt=(
            "On the saddle $f(x, y) = x^2 - y^2$, start at $(0.3, 0.7)$, where $f = -0.4$. "
            "Which of these methods *increase* $f$ on their first step?\n\n"
            "(a) Newton's method, lr = 1; (b) saddle-free Newton ($|H|$), lr = 1; "
            "(c) gradient descent, lr = 0.1; (d) damped Newton, lr = 0.5\n\n"
            '`answer = ` a set of letters, e.g. `{"a", "c"}` (`set()` if none).'
        ),
        checker=_uphill,
        solution=(
            "$H = \\mathrm{diag}(2, -2)$, so $H^{-1}\\nabla f = (x, y)$ and Newton's step "
            "$-\\mathrm{lr}\\cdot(x, y)$ heads straight for the saddle $(0, 0)$: lr = 1 lands on "
            "it ($f = 0$), lr = 0.5 halfway ($f = -0.1$); both go uphill from $-0.4$. "
            "Saddle-free Newton divides by $|{-2}|$ along $y$, so $y$ doubles: $f = -1.96$. "
            "Gradient descent moves along $-\\nabla f$: $f$ falls to $-0.648$."
        ),
        example='answer = {"a", "d"}',
    ),
    Exercise(
        id="08.3",
        title="momentum's best settings on κ = 100",
        kind="search",
        prompt=(
            "On `ol.problems.rotated_quadratic(100, 30)` (curvatures 1 and 100) from $(1, 1)$, "
            "gradient descent needs 691 steps at its best lr to bring the error below "
            f"$10^{{-6}}$. Find a learning rate and a momentum for `ol.SGD(lr, momentum=m)` "
            f"that get the error below $10^{{-6}}$ within {STEPS_08_3} steps and keep it there "
            "(the check runs 200 steps). Try the panel, or the closed forms in `ol.theory`.\n\n"
            "`answer = (lr, m)`"
        ),
        checker=_momentum_search,
        solution=(
            "Distill's optimum for heavy-ball momentum with curvatures $\\lambda_{\\min} = 1$ and "
            "$\\lambda_{\\max} = 100$: "
            "$\\text{lr} = (2/(\\sqrt{\\lambda_{\\min}} + \\sqrt{\\lambda_{\\max}}))^2 = (2/11)^2 "
            "= 0.0331$ and $m = ((10 - 1)/(10 + 1))^2 = 0.669$ "
            "(`ol.theory.best_momentum(1, 100)`): the error shrinks by $9/11 = 0.818$ per step "
            "along both axes, below $10^{-6}$ in 88 steps."
        ),
        example="answer = ((2 / 11) ** 2, (9 / 11) ** 2)",
    ),
    Exercise(
        id="08.4",
        title="Newton's step as a NumPy function",
        kind="code",
        prompt=(
            "Write `newton_step(x, g, H, lr)` returning $x - \\text{lr}\\cdot H^{-1} g$, the "
            "(damped, if lr < 1) Newton step, for a point `x` of shape `(d,)` with gradient `g` "
            "and Hessian `H` of shape `(d, d)`, or a batch: `x` and `g` of shape `(k, d)`, `H` "
            "of shape `(k, d, d)`. Do not form $H^{-1}$; solve $H d = g$. The check compares "
            "it with `ol.Newton(lr)`, on an indefinite $H$ too.\n\n`answer = newton_step`"
        ),
        checker=_newton_code,
        solution=(
            "`np.linalg.solve(H, g[..., None])[..., 0]` solves every system of a batch at once "
            "(the trailing axis makes g a column; NumPy 2 reads a 2-D `g` as a matrix, not a "
            "batch of vectors). Then `x - lr * d`. Newton's method does not check the sign of "
            "the curvature: on the saddle it steps onto $(0, 0)$."
        ),
        example=(
            "def newton_step(x, g, H, lr):\n"
            "    d = np.linalg.solve(H, g[..., None])[..., 0]\n"
            "    return x - lr * d\n"
            "\n"
            "\n"
            "answer = newton_step"
        ),
        template=(
            "def newton_step(x, g, H, lr):\n"
            "    # your code: return x_new\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when newton_step is ready: answer = newton_step"
        ),
    ),
)
