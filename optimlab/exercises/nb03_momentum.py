"""Exercises of notebook 03: momentum on f(x) = 4x² from x0 = 2."""

from __future__ import annotations

import numpy as np

from ..optim import SGD
from ..problems import quadratic
from ..run import run
from ..theory import critical_momentum, momentum_radius
from ._core import (
    Exercise,
    Trial,
    Wrong,
    candidates,
    check_rule,
    close,
    known_mistake,
    number,
    pair,
)

PARABOLA = quadratic(4.0)

# -- 03.1 twenty steps ------------------------------------------------------------------------


def _losses(lr, momentum, steps=100):
    return run(SGD(lr=lr, momentum=momentum), PARABOLA, x0=2.0, steps=steps).loss


def _twenty_steps(answer) -> str:
    lr, m = pair(answer, ("lr", "momentum"))
    try:
        SGD(lr=lr, momentum=m)
    except ValueError as error:
        raise Wrong(f"SGD refuses it: {error}.") from None
    if lr > 0.03 + 1e-12:
        raise Wrong(
            f"lr = {lr:g} is above the exercise's limit 0.03, the course's larger rate (at "
            "lr = 0.125 no momentum would be needed): let momentum do the work."
        )
    if m >= 1:
        raise Wrong(
            "momentum must be below 1: with m ≥ 1 old gradients never fade, and the run does "
            "not settle."
        )
    if lr == 0:
        raise Wrong("at lr = 0 nothing moves: the loss stays 16.")
    loss = _losses(lr, m)
    if np.all(loss[20:] < 1e-6):
        r = float(momentum_radius(lr, m))
        return (
            f"right: loss {loss[20]:.2g} after 20 steps, and it stays below 1e-6. |x| shrinks by "
            f"about {r:.3f} per step (critical damping at this lr: m* = "
            f"{float(critical_momentum(lr)):.3f})."
        )
    if m == 0:
        raise Wrong(
            f"without momentum lr = {lr:g} reaches only {loss[20]:.2g} after 20 steps: add "
            "momentum."
        )
    grid = np.linspace(0.0, 0.99, 100)
    ok = grid[np.all(_losses(lr, grid)[20:] < 1e-6, axis=0)]
    m_star = float(critical_momentum(lr))
    if ok.size == 0:
        raise Wrong(
            f"at lr = {lr:g} no momentum gets there: even at critical damping (m* = "
            f"{m_star:.3f}) |x| shrinks only by {1 - np.sqrt(8 * lr):.3f} per step. A larger lr "
            "(up to 0.03)."
        )
    if loss[20] < 1e-6:
        above = 20 + int(np.argmax(loss[20:] >= 1e-6))
        raise Wrong(
            f"the loss is below 1e-6 at step 20 but back above at step {above}: the iterate "
            f"still swings (radius {float(momentum_radius(lr, m)):.3f}). "
            + ("Less momentum." if m > m_star else "More momentum.")
        )
    if m < ok.min():
        raise Wrong(
            f"loss {loss[20]:.2g} after 20 steps: too little momentum, the slow root of the "
            f"two shrinks |x| only by {float(momentum_radius(lr, m)):.3f} per step. More momentum."
        )
    if m > ok.max():
        raise Wrong(
            f"loss {loss[20]:.2g} after 20 steps: too much momentum, the iterate overshoots and "
            f"oscillates (radius √m = {np.sqrt(m):.3f}). Less momentum."
        )
    raise Wrong(f"close: loss {loss[20]:.2g} after 20 steps. Move m a little.")


# -- 03.2 momentum as a larger learning rate -----------------------------------------------------


def _like_003(answer) -> str:
    m = number(answer)
    if close(m, 2 / 3):
        return (
            "right: 0.01/(1 − 2/3) = 0.03. The course's 0.63 gives 0.027, close to it; on a "
            "steady slope the buffer sums g(1 + m + m² + ...) = g/(1 − m)."
        )
    hint = known_mistake(
        m,
        [
            (
                0.63,
                "0.63 is the course's choice: lr/(1 − 0.63) = 0.027, close to 0.03 but not "
                "equal. Solve 0.01/(1 − m) = 0.03.",
            ),
            (1 / 3, "1/3 is 1 − m; m itself is what is left."),
            (3, "3 is the ratio 0.03/0.01 = 1/(1 − m); m itself is below 1."),
            (
                0.02,
                "0.02 is the difference of the rates; momentum multiplies the rate by 1/(1 − m).",
            ),
        ],
    )
    if hint:
        raise Wrong(hint)
    if not 0 <= m < 1:
        raise Wrong(f"momentum lies in [0, 1); {m:g} is outside.")
    eff = 0.01 / (1 - m)
    if close(m, 2 / 3, 2e-2):
        raise Wrong(f"close: lr/(1 − m) = {eff:.4g}. Give m to three digits or more.")
    side = "below 0.03: more momentum." if eff < 0.03 else "above 0.03: less momentum."
    raise Wrong(f"with m = {m:g} the effective rate lr/(1 − m) is {eff:.4g}, {side}")


# -- 03.3 critical damping at lr = 0.02 ----------------------------------------------------------


def _critical(answer) -> str:
    m = number(answer)
    want = float(critical_momentum(0.02))
    if close(m, want):
        return (
            "right: m* = (1 − √(0.02·8))² = (1 − 0.4)² = 0.36, where the two roots meet and the "
            "radius 1 − √(lr·f'') = 0.6 is smallest."
        )
    hint = known_mistake(
        m,
        [
            (
                float(critical_momentum(0.01)),
                "0.514 is m* for lr·f'' = 0.08 (lr = 0.01 on 4x²); here lr·f'' = 0.02·8 = 0.16.",
            ),
            (0.6, "0.6 is 1 − √(lr·f''), the radius at critical damping; m* is its square."),
            (0.4, "0.4 is √(lr·f''); m* = (1 − √(lr·f''))²."),
            (0.16, "0.16 is lr·f''; m* = (1 − √(lr·f''))²."),
            (
                (1 - np.sqrt(0.02)) ** 2,
                "you used √lr; the curvature enters too: √(lr·f'') with f'' = 8.",
            ),
        ],
    )
    if hint:
        raise Wrong(hint)
    if not 0 <= m < 1:
        raise Wrong(f"momentum lies in [0, 1); {m:g} is outside.")
    r = float(momentum_radius(0.02, m))
    if m < want:
        raise Wrong(
            f"at m = {m:g} the two roots are real and the slower one shrinks |x| by {r:.3f} per "
            "step; more momentum brings them together."
        )
    raise Wrong(
        f"at m = {m:g} the roots are complex and |x| shrinks by √m = {r:.3f} per step, "
        "oscillating: less momentum."
    )


# -- 03.5 torch's momentum step as a NumPy function ------------------------------------------------


def _trials() -> tuple[Trial, ...]:
    rng = np.random.default_rng(3)
    scales = np.geomspace(1e-3, 1e2, 12)[:, None]
    return (
        Trial(
            "x of shape (), lr = 0.1, momentum = 0.9",
            np.array(1.5),
            rng.normal(size=12),
            (0.1, 0.9),
        ),
        Trial(
            "x of shape (3,), lr = 0.01, momentum = 0.63",
            rng.normal(size=3),
            rng.normal(size=(12, 3)) * scales,
            (0.01, 0.63),
        ),
        Trial(
            "x of shape (2, 4), lr = 0.5, momentum = 0.5",
            rng.normal(size=(2, 4)),
            rng.normal(size=(12, 2, 4)),
            (0.5, 0.5),
        ),
        Trial(
            "a sweep: lr and momentum of shape (4, 1), x of shape (4, 3)",
            rng.normal(size=(4, 3)),
            rng.normal(size=(12, 4, 3)),
            (np.geomspace(1e-3, 0.1, 4)[:, None], np.array([[0.3], [0.5], [0.9], [0.99]])),
        ),
    )


TRIALS_03_5 = _trials()


def _play(step, trial):
    x, buf, out = trial.x0.copy(), None, []
    for k, g in enumerate(trial.grads, start=1):
        args = (x.copy(), g.copy(), None if buf is None else buf.copy(), *_copies(trial.hparams))
        x, buf = step(args, k)
        out.append((x, buf))
    return out


def _copies(hparams):
    return tuple(h.copy() if isinstance(h, np.ndarray) else h for h in hparams)


def _reference(trial):
    lr, m = (np.ravel(h) if np.ndim(h) else h for h in trial.hparams)
    opt = SGD(lr=lr, momentum=m)
    x, state, out = trial.x0.copy(), opt.init(trial.x0), []
    for g in trial.grads:
        x, state = opt.step(x, g, state)
        out.append((x, state["momentum_buffer"]))
    return out


def _ema_form(x, g, buf, lr, m):
    buf = g if buf is None else m * buf + (1 - m) * g
    return x - lr * buf, buf


def _ema_from_zero(x, g, buf, lr, m):
    buf = (1 - m) * g if buf is None else m * buf + (1 - m) * g
    return x - lr * buf, buf


def _along_g(x, g, buf, lr, m):
    buf = g if buf is None else m * buf + g
    return x - lr * g, buf


def _nesterov(x, g, buf, lr, m):
    buf = g if buf is None else m * buf + g
    return x - lr * (g + m * buf), buf


def _old_buffer(x, g, buf, lr, m):
    new = g if buf is None else m * buf + g
    return x - lr * (g if buf is None else buf), new


def _uphill(x, g, buf, lr, m):
    buf = g if buf is None else m * buf + g
    return x + lr * buf, buf


MOMENTUM_VARIANTS = (
    (
        _ema_form,
        "that is the EMA form, v = m·v + (1 − m)·g; PyTorch's buffer sums: v = m·v + g "
        "(no (1 − m)).",
    ),
    (
        _ema_from_zero,
        "that is the EMA form from v = 0, v = m·v + (1 − m)·g; PyTorch's buffer "
        "sums, v = m·v + g, and starts as g itself.",
    ),
    (
        _along_g,
        "your buffer is right, but you step along g: PyTorch steps along the buffer, x − lr·v.",
    ),
    (_nesterov, "that is Nesterov's step, x − lr·(g + m·v); plain momentum steps along v."),
    (
        _old_buffer,
        "update the buffer first, then step along the new one (you used the old buffer).",
    ),
    (_uphill, "your step goes uphill: x − lr·v, against the gradient."),
)


def _momentum_code(answer) -> str:
    try:
        return check_rule(
            answer,
            "momentum_step(x, g, buf, lr, momentum)",
            ("x_new", "buf_new"),
            TRIALS_03_5,
            _play,
            _reference,
            MOMENTUM_VARIANTS,
            "right: it matches ol.SGD(lr, momentum) on four gradient streams (x of shape (), "
            "(3,), (2, 4), and a sweep of four (lr, momentum) pairs), buffer included.",
        )
    except Wrong as wrong:
        if "NoneType" in str(wrong) and "step 1," in str(wrong):
            raise Wrong(
                f"{wrong} On the first step buf is None (torch's state starts empty): start the "
                "buffer as a copy of g."
            ) from None
        raise


# -- 03.4 which momenta overshoot ---------------------------------------------------------------

MOMENTA_03_4 = (0.0, 0.3, 0.5, 0.55, 0.63, 0.9)


def _overshoot(answer) -> str:
    chosen = candidates(answer, MOMENTA_03_4, "[0.3, 0.5]")
    x = run(SGD(lr=0.01, momentum=np.array(MOMENTA_03_4)), PARABOLA, x0=2.0, steps=300).x
    lowest = dict(zip(MOMENTA_03_4, x.min(axis=0).tolist(), strict=True))
    truth = {m for m, low in lowest.items() if low < 0}
    m_star = float(critical_momentum(0.01))
    if chosen == truth:
        return (
            f"right: above critical damping (m* = {m_star:.3f}) the roots are complex and x "
            "swings across 0: down to {:.2g} at m = 0.55, {:.2g} at 0.63, {:.2g} at 0.9.".format(
                lowest[0.55], lowest[0.63], lowest[0.9]
            )
        )
    wrong = sorted(chosen ^ truth, key=lambda m: (m not in (0.5, 0.55), m))
    m = wrong[0]
    if m == 0.0:
        hint = "without momentum each step multiplies x by 0.92: it never crosses 0."
    elif m in truth:
        hint = (
            f"m = {m:g} is above critical damping (m* = {m_star:.3f}): the roots are complex and "
            f"x swings across 0, down to {lowest[m]:.2g}."
        )
    else:
        hint = (
            f"m = {m:g} is below critical damping (m* = {m_star:.3f}): both roots are real and "
            "positive, and x creeps to 0 without crossing it."
        )
    more = len(wrong) - 1
    raise Wrong(hint + (f" ({more} more to fix.)" if more else ""))


EXERCISES = (
    Exercise(
        id="03.1",
        title="below 1e-6 in 20 steps",
        kind="search",
        prompt=(
            "Find a learning rate lr **at most 0.03** (the course's larger rate) and a momentum "
            "m that bring the loss on $4x^2$ from $x_0 = 2$ below $10^{-6}$ within 20 steps and "
            "keep it there. Without momentum, lr = 0.03 reaches only $2.7\\cdot 10^{-4}$ after "
            "20 steps. The check runs "
            "`ol.run(ol.SGD(lr=lr, momentum=m), ol.quadratic(4), x0=2.0, steps=100)` and looks "
            "at the loss from step 20 on.\n\n`answer = (lr, m)`"
        ),
        checker=_twenty_steps,
        solution=(
            "Loss $16\\,r^{2t}$ below $10^{-6}$ at $t = 20$ needs a radius $r$ of about 0.65 or "
            "less. Momentum's radius is smallest at critical damping, "
            "$m^* = (1 - \\sqrt{8\\,\\text{lr}})^2$, where it is $1 - \\sqrt{8\\,\\text{lr}}$: at "
            "lr = 0.03 that is 0.51 at $m^* = 0.26$. Because the error also carries a factor $t$ "
            "there, a little more momentum is safer: (0.03, 0.3) reaches $4\\cdot 10^{-9}$. At the "
            "course's lr = 0.01 no momentum is fast enough (best radius 0.717)."
        ),
        example="answer = (0.03, 0.3)",
    ),
    Exercise(
        id="03.2",
        title="momentum as a larger learning rate",
        kind="number",
        prompt=(
            "On a steady slope, PyTorch's momentum makes lr act like $\\text{lr}/(1-m)$. Which "
            "momentum m makes lr = 0.01 act like the course's larger rate 0.03?\n\n"
            "`answer = ` a number."
        ),
        checker=_like_003,
        solution=(
            "$0.01/(1-m) = 0.03$ gives $1 - m = 1/3$, $m = 2/3 \\approx 0.667$. The course's "
            "0.63 is a little less ($0.01/0.37 = 0.027$). On $4x^2$ the slope is not steady, so "
            "the runs differ; the rule of thumb is about a constant gradient."
        ),
        example="answer = 2 / 3",
    ),
    Exercise(
        id="03.3",
        title="critical damping at lr = 0.02",
        kind="number",
        prompt=(
            "On $4x^2$ with lr = 0.02, which momentum converges fastest (critical damping, the "
            "smallest spectral radius)? Check with the panel's radius-against-m plot.\n\n"
            "`answer = ` a number."
        ),
        checker=_critical,
        solution=(
            "$m^* = (1 - \\sqrt{\\text{lr}\\cdot f''})^2 = (1 - \\sqrt{0.16})^2 = 0.6^2 = 0.36$; "
            "the radius there is $1 - 0.4 = 0.6$. Check: "
            "`ol.theory.critical_momentum(0.02)`."
        ),
        example="answer = (1 - (0.02 * 8) ** 0.5) ** 2",
    ),
    Exercise(
        id="03.4",
        title="which momenta overshoot?",
        kind="prediction",
        prompt=(
            "At lr = 0.01 on $4x^2$ from $x_0 = 2$, plain gradient descent approaches 0 from one "
            "side. Predict, then check with the panel: with which of these momenta does $x$ "
            "overshoot, going below 0 at some step?\n\n0, 0.3, 0.5, 0.55, 0.63, 0.9\n\n"
            "`answer = ` a list, e.g. `[0.3, 0.5]` (`[]` if none)."
        ),
        checker=_overshoot,
        solution=(
            "The two roots of $z^2 - (1 + m - 8\\,\\text{lr})z + m = 0$ are real below "
            "critical damping, $m^* = (1 - \\sqrt{0.08})^2 = 0.514$, and complex above it. "
            "Complex roots rotate: $x$ swings across 0 (at 0.55 only slightly, to $-0.0018$; at "
            "0.9 down to $-1.12$). Real positive roots let $x$ creep to 0 from one side. So "
            "0.55, 0.63 and 0.9."
        ),
        example="answer = [0.55, 0.63, 0.9]",
    ),
    Exercise(
        id="03.5",
        title="PyTorch's momentum step as a NumPy function",
        kind="code",
        prompt=(
            "Write one step of `torch.optim.SGD` with momentum: "
            "`momentum_step(x, g, buf, lr, momentum)` returns `(x_new, buf_new)`, with "
            "$v \\leftarrow m\\,v + g$ and $x \\leftarrow x - \\text{lr}\\cdot v$. On the first "
            "step `buf` is `None` (torch's state starts empty). `lr` and `momentum` may be arrays "
            "shaped to broadcast against `x` (a sweep: one row of `x` per value). The check "
            "compares it with `ol.SGD` on random gradient streams.\n\n"
            "`answer = momentum_step`"
        ),
        checker=_momentum_code,
        solution=(
            "PyTorch starts the buffer as a copy of the first gradient (not 0), so step 1 is a "
            "plain gradient step; after that the buffer sums, with no $(1-m)$ in front of $g$, "
            "and the step goes along the new buffer."
        ),
        example=(
            "def momentum_step(x, g, buf, lr, momentum):\n"
            "    buf = g.copy() if buf is None else momentum * buf + g\n"
            "    return x - lr * buf, buf\n"
            "\n"
            "\n"
            "answer = momentum_step"
        ),
        template=(
            "def momentum_step(x, g, buf, lr, momentum):\n"
            "    # your code: return x_new, buf_new\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when momentum_step is ready: answer = momentum_step"
        ),
    ),
)
