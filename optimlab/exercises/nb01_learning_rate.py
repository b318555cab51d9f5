"""Exercises of notebook 01: the learning rate on f(x) = 4x² from x0 = 2."""

from __future__ import annotations

import numpy as np

from ..optim import SGD
from ..problems import quadratic
from ..run import run
from ..theory import gd_factor
from ._core import (
    Exercise,
    Wrong,
    as_array,
    call,
    candidates,
    close,
    fmt,
    function,
    known_mistake,
    number,
    show,
    whole_number,
)

PARABOLA = quadratic(4.0)


def _sgd(lr, steps: int):
    """The run the exercises check against: SGD on 4x² from x0 = 2."""
    try:
        opt = SGD(lr=lr)
    except ValueError as error:
        raise Wrong(f"SGD refuses it: {error}.") from None
    return run(opt, PARABOLA, x0=2.0, steps=steps)


# -- 01.1 the bounce --------------------------------------------------------------------------


def _bounce(answer) -> str:
    lr = number(answer)
    if close(lr, 0.25, 1e-9):
        return (
            "right: the factor 1 − 8·0.25 = −1 flips the sign of x at each step, so x goes "
            "2, −2, 2, ... forever; every lr in (0, 0.25) converges and every lr above diverges."
        )
    hint = known_mistake(
        lr,
        [
            (
                0.125,
                "0.125 is the one-step rate (factor 1 − 8·0.125 = 0, Newton's step); "
                "the bounce needs the factor −1.",
            ),
            (2.0, "2 would be 2/f'' if f'' were 1; for 4x², f'(x) = 8x, so f'' = 8."),
            (
                0.5,
                "0.5 multiplies x by 1 − 8·0.5 = −3: it explodes (the table's second row). "
                "Smaller.",
            ),
        ],
    )
    if hint:
        raise Wrong(hint)
    if lr <= 0:
        raise Wrong(f"at lr = {lr:g} gradient descent does not move or climbs; lr is positive.")
    q = float(gd_factor(lr))
    if lr < 0.25:
        how = "monotonically" if q > 0 else "while oscillating"
        raise Wrong(
            f"at lr = {lr:g} each step multiplies x by {fmt(q)}: |x| shrinks, it converges "
            f"{how}. The bounce needs the factor −1: larger."
        )
    raise Wrong(
        f"at lr = {lr:g} each step multiplies x by {fmt(q)}, |x| grows: it diverges. Smaller."
    )


# -- 01.2 which diverge -----------------------------------------------------------------------

CANDIDATES_01_2 = (0.01, 0.1, 0.125, 0.2, 0.25, 0.26, 0.3, 0.5, 1.0)


def _diverging() -> set[float]:
    """Which candidates diverge, by running them: |x| after 200 steps beyond |x0| = 2."""
    t = _sgd(np.array(CANDIDATES_01_2), 200)
    grows = ~(np.abs(t.x[-1]) <= 2.0)  # NaN (overflowed) counts as grown
    return {lr for lr, g in zip(CANDIDATES_01_2, grows, strict=True) if g}


def _which_diverge(answer) -> str:
    chosen = candidates(answer, CANDIDATES_01_2, "[0.3, 0.5]")
    truth = _diverging()
    if chosen == truth:
        return (
            "right: 0.26, 0.3, 0.5 and 1 diverge (|1 − 8·lr| > 1); 0.25 bounces forever, and "
            "every lr below it converges."
        )
    wrong = sorted(chosen ^ truth, key=lambda lr: (lr != 0.25, lr))
    hints = []
    for lr in wrong:
        q = float(gd_factor(lr))
        if lr == 0.25:
            hints.append(
                "0.25 is the edge: the iterates bounce between ±2 forever (factor −1), "
                "neither converging nor diverging."
            )
        elif lr in truth:
            hints.append(
                f"{lr:g} diverges: each step multiplies x by {fmt(q)}, so |x| grows "
                f"{'slowly, ' if abs(q) < 1.2 else ''}without bound."
            )
        else:
            how = (
                "lands on 0 in one step"
                if q == 0
                else ("oscillates but |x| shrinks" if q < 0 else "shrinks monotonically")
            )
            hints.append(f"{lr:g} converges: the factor is {fmt(q)}, so x {how}.")
    more = len(hints) - 1
    raise Wrong(hints[0] + (f" ({more} more to fix.)" if more else ""))


# -- 01.3 five steps to 1e-6 ------------------------------------------------------------------


def _five_steps(answer) -> str:
    lr = number(answer, "one learning rate")
    if close(lr, 0.125, 1e-9):
        raise Wrong(
            "0.125 is Newton's one-step rate, the notebook's god's view: it works, but the "
            "exercise asks for another one. How far from 0.125 can you go?"
        )
    t = _sgd(lr, 5)
    loss = t.loss[5]
    q = float(gd_factor(lr))
    if loss < 1e-6:
        return (
            f"right: after 5 steps the loss is {loss:.2g}. Every lr with |1 − 8·lr| < 0.19 "
            "works, that is 0.1013 < lr < 0.1487: an interval around 0.125."
        )
    if close(lr, 0.25, 1e-9):
        raise Wrong("that is the edge: the iterates bounce between ±2 forever (factor −1).")
    if lr > 0.25:
        raise Wrong(f"at lr = {lr:g} each step multiplies x by {fmt(q)}: it diverges. Smaller.")
    if lr > 0.125:
        raise Wrong(
            f"it converges, oscillating, but too slowly: factor {fmt(q)}, loss after 5 steps "
            f"{loss:.3g}. Move lr towards 0.125 (smaller)."
        )
    if lr == 0:
        raise Wrong("at lr = 0 nothing moves: the loss stays 16. Larger.")
    raise Wrong(f"too slow: factor {fmt(q)}, loss after 5 steps {loss:.3g}. Larger.")


# -- 01.4 count the steps ---------------------------------------------------------------------


def _count_steps(answer) -> str:
    t_answer = whole_number(answer)
    loss = _sgd(0.01, 300).loss
    want = int(np.argmax(loss < 1e-6))
    if t_answer == want:
        return (
            f"right: after {want - 1} steps the loss is {loss[want - 1]:.3g}, after {want} it is "
            f"{loss[want]:.3g}. The loss 16·0.92^(2t) shrinks by 0.92² = 0.8464 per step."
        )
    if t_answer < 0:
        raise Wrong("a step count is not negative.")
    if t_answer in (2 * want - 1, 2 * want, 2 * want + 1):
        raise Wrong(
            "that many steps solves 16·0.92^t < 1e-6, but the loss is 4x² = 16·0.92^(2t): "
            "x is squared, so the loss shrinks by 0.92² per step."
        )
    if t_answer == want - 1:
        raise Wrong(
            f"one short: after {t_answer} steps the loss is {loss[t_answer]:.3g}, still above 1e-6."
        )
    if t_answer == want + 1:
        raise Wrong(
            f"one too many: after {want} steps the loss is already {loss[want]:.3g}, below 1e-6."
        )
    if t_answer < want:
        raise Wrong(
            f"after {t_answer} steps the loss is {loss[t_answer]:.3g}, still above 1e-6: more."
        )
    n = min(t_answer - 1, len(loss) - 1)
    raise Wrong(f"after {n} steps the loss is already {loss[n]:.3g}, below 1e-6: fewer.")


# -- 01.5 gradient descent as a NumPy function --------------------------------------------------

GD_CASES = (
    (2.0, 0.1, 5, "x0 = 2, lr = 0.1, 5 steps"),
    (2.0, 0.2, 20, "x0 = 2, lr = 0.2, 20 steps"),
    (-1.5, 0.01, 0, "x0 = -1.5, lr = 0.01, 0 steps"),
    (
        2.0,
        np.linspace(0.01, 0.2, 10),
        30,
        "x0 = 2, a sweep: lr = np.linspace(0.01, 0.2, 10), 30 steps",
    ),
    (
        0.5,
        np.array([[0.05, 0.1, 0.15], [0.2, 0.22, 0.24]]),
        12,
        "x0 = 0.5, a sweep: lr of shape (2, 3), 12 steps",
    ),
)


SWEEP_HINT = (
    "For a sweep, start from x = np.full(np.shape(lr), float(x0)), so that every point has "
    "lr's shape."
)


def _gd_variants(x0, lr, steps):
    """Typical mistakes, each as the iterates it would produce, with its hint."""
    k = np.arange(steps + 1).reshape((-1,) + (1,) * np.ndim(lr))
    return [
        (
            x0 * (1 - 4 * np.asarray(lr)) ** k,
            "your iterates shrink by 1 − 4·lr per step: the derivative of 4x² is 8x, not 4x.",
        ),
        (
            x0 * (1 + 8 * np.asarray(lr)) ** k,
            "your iterates grow by 1 + 8·lr per step: step against the gradient, x − lr·f'(x).",
        ),
        (
            x0 * (1 - 8 * np.asarray(lr)) ** (k + 1),
            "your first point is already x1: the array starts with x0 itself.",
        ),
    ]


def _gd(answer) -> str:
    fn = function(answer, "gd(x0, lr, steps)")
    for x0, lr, steps, label in GD_CASES:
        want = run(SGD(lr=lr), PARABOLA, x0=x0, steps=steps).x
        args = (x0, lr.copy() if isinstance(lr, np.ndarray) else lr, steps)
        try:
            got = call(fn, args, "gd", label)
        except Wrong as wrong:
            if np.ndim(lr):
                raise Wrong(f"{wrong} {SWEEP_HINT}") from None
            raise
        if isinstance(got, list | tuple) and len(got) == steps:
            raise Wrong(
                f"your gd returned {len(got)} points ({label}); ol.run gives steps + 1 = "
                f"{steps + 1}: x0 first, then one point per step."
            )
        arr = np.asarray(got, dtype=float) if _numeric(got) else None
        if arr is None and np.ndim(lr) and isinstance(got, list | tuple):
            raise Wrong(
                f"for {label} your points do not stack into one array: x0 is a number but the "
                f"later points are arrays. {SWEEP_HINT}"
            )
        if arr is not None and arr.shape != want.shape:
            if arr.shape[:1] == (steps,) and arr.shape[1:] == want.shape[1:]:
                raise Wrong(
                    f"your array has {steps} points ({label}); ol.run gives steps + 1 = "
                    f"{steps + 1}: x0 first, then one point per step."
                )
            if np.ndim(lr):
                raise Wrong(
                    f"for {label} your gd returned shape {arr.shape}; expected (steps + 1, "
                    f"*lr.shape) = {want.shape}, one column per rate. {SWEEP_HINT}"
                )
        arr = as_array(got, want.shape, "the iterates", label)
        if np.allclose(arr, want, rtol=1e-9, atol=1e-300):
            continue
        for variant, hint in _gd_variants(x0, lr, steps):
            if np.allclose(arr, variant, rtol=1e-9, atol=1e-300):
                raise Wrong(hint)
        bad = np.argmax(
            ~np.isclose(arr, want, rtol=1e-9, atol=1e-300).reshape(steps + 1, -1).all(1)
        )
        raise Wrong(f"x{bad} differs ({label}): expected {show(want[bad])}, got {show(arr[bad])}.")
    return (
        "right: your gd matches ol.run(ol.SGD(lr=lr), ...) on single runs, on steps = 0, and on "
        "sweeps of 10 and of 2×3 learning rates."
    )


def _numeric(value) -> bool:
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


EXERCISES = (
    Exercise(
        id="01.1",
        title="the bounce",
        kind="number",
        prompt=(
            "On $f(x) = 4x^2$ from $x_0 = 2$, at one learning rate the iterates neither shrink "
            "nor grow: they bounce between $+2$ and $-2$ forever. Which lr is it? Every lr "
            "between 0 and it converges, every lr above it diverges.\n\n"
            "`answer = ` a number."
        ),
        checker=_bounce,
        solution=(
            "One step multiplies $x$ by $1 - 8\\,\\text{lr}$. The iterates bounce between $+2$ "
            "and $-2$ when that factor is $-1$: $1 - 8\\,\\text{lr} = -1$, so "
            "$\\text{lr} = 2/8 = 0.25 = 2/f''$. Below it $|1 - 8\\,\\text{lr}| < 1$ and the run "
            "converges; above it the factor is below $-1$ and the run diverges. The edge itself "
            "belongs to neither side."
        ),
        example="answer = 2 / 8",
    ),
    Exercise(
        id="01.2",
        title="which learning rates diverge?",
        kind="prediction",
        prompt=(
            "Predict before you move the slider: which of these learning rates make the iterates "
            "on $4x^2$ (from $x_0 = 2$) grow without bound?\n\n"
            "0.01, 0.1, 0.125, 0.2, 0.25, 0.26, 0.3, 0.5, 1\n\n"
            "`answer = ` a list of the diverging ones, e.g. `[0.3, 0.5]` (`[]` if none). Then "
            "check your prediction with the learning-rate panel."
        ),
        checker=_which_diverge,
        solution=(
            "The factor $1 - 8\\,\\text{lr}$ decides: $|x|$ grows iff $|1 - 8\\,\\text{lr}| > 1$, "
            "that is lr > 0.25 (for positive lr). 0.26 gives $-1.08$ (slow, but it grows), 0.3 "
            "gives $-1.4$, 0.5 gives $-3$, 1 gives $-7$. 0.25 gives exactly $-1$: the bounce, "
            "which does not grow. 0.2 oscillates ($-0.6$) and shrinks, 0.125 lands in one step, "
            "0.1 and 0.01 shrink monotonically."
        ),
        example="answer = [0.26, 0.3, 0.5, 1]",
    ),
    Exercise(
        id="01.3",
        title="below 1e-6 in five steps",
        kind="search",
        prompt=(
            "Find a learning rate **other than 0.125** that brings the loss $4x^2$ from "
            "$x_0 = 2$ below $10^{-6}$ within 5 steps. The check runs "
            "`ol.run(ol.SGD(lr=answer), ol.quadratic(4), x0=2.0, steps=5)`.\n\n"
            "`answer = ` a learning rate."
        ),
        checker=_five_steps,
        solution=(
            "After 5 steps the loss is $16\\,(1 - 8\\,\\text{lr})^{10}$. Below $10^{-6}$ means "
            "$|1 - 8\\,\\text{lr}| < (6.25\\cdot 10^{-8})^{1/10} \\approx 0.19$, so "
            "$0.1013 < \\text{lr} < 0.1487$: an interval around 0.125 (where the factor is 0). "
            "0.11 and 0.14 both work; 0.1 is just too slow (factor 0.2, loss $1.6\\cdot 10^{-6}$)."
        ),
        example="answer = 0.11",
    ),
    Exercise(
        id="01.4",
        title="count the steps",
        kind="number",
        prompt=(
            "At lr = 0.01 each step multiplies $x$ by 0.92. Starting from $x_0 = 2$, after how "
            "many steps is the loss $4x^2$ below $10^{-6}$ for the first time? (The loss after "
            "step $t$ is `ol.run(...).loss[t]`; `loss[0]` is 16.)\n\n"
            "`answer = ` a whole number of steps."
        ),
        checker=_count_steps,
        solution=(
            "$x_t = 2\\cdot 0.92^t$, so the loss is $16\\cdot 0.92^{2t}$. Solve "
            "$16\\cdot 0.92^{2t} < 10^{-6}$: "
            "$t > \\ln(6.25\\cdot 10^{-8}) / (2\\ln 0.92) = 99.47$, so the first step below "
            "is $t = 100$ (loss $9.16\\cdot 10^{-7}$; after 99 steps it is "
            "$1.08\\cdot 10^{-6}$). Notebook 03 prints the same 9.16e-07 after 100 steps."
        ),
        example="answer = 100",
    ),
    Exercise(
        id="01.5",
        title="gradient descent as a NumPy function",
        kind="code",
        prompt=(
            "Write gradient descent on $4x^2$ as a NumPy function `gd(x0, lr, steps)` that "
            "returns the iterates $x_0, x_1, \\dots, x_{\\text{steps}}$ as an array, like "
            "`ol.run(ol.SGD(lr=lr), ol.quadratic(4), x0, steps).x`. It must also run a sweep: "
            "when `lr` is an array, the result has shape `(steps + 1, *lr.shape)`, one column per "
            "learning rate.\n\n"
            "`answer = gd` (the function itself); the check compares it with `ol.run` on single "
            "runs and sweeps."
        ),
        checker=_gd,
        solution=(
            "Start from an array of $x_0$ with the shape of `lr`, so that a sweep is one "
            "vectorised computation, and collect the points: "
            "$x \\leftarrow x - \\text{lr}\\cdot 8x$. `np.array` of the list stacks them along a "
            "new first axis, the step axis."
        ),
        example=(
            "def gd(x0, lr, steps):\n"
            "    x = np.full(np.shape(lr), float(x0))\n"
            "    xs = [x]\n"
            "    for _ in range(steps):\n"
            "        x = x - lr * 8 * x\n"
            "        xs.append(x)\n"
            "    return np.array(xs)\n"
            "\n"
            "\n"
            "answer = gd"
        ),
        template=(
            "def gd(x0, lr, steps):\n"
            "    # your code: return the array of iterates x_0 .. x_steps\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when gd is ready: answer = gd"
        ),
    ),
)
