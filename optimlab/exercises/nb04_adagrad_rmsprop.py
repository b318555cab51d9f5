"""Exercises of notebook 04: Adagrad against RMSProp."""

from __future__ import annotations

import numpy as np

from ..optim import Adagrad, RMSprop
from ..problems import linear_fit
from ..run import replay, run
from ._core import (
    Exercise,
    Trial,
    Wrong,
    check_rule,
    close,
    known_mistake,
    letters,
    number,
    whole_number,
)

# -- 04.1 torch's first RMSprop step at alpha = 0.9 ------------------------------------------------


def _first_step(answer) -> str:
    step = abs(number(answer))
    want = float(-replay(RMSprop(lr=0.01, alpha=0.9), [3.0]).x[1])
    if close(step, want):
        return (
            f"right: the first v is (1 − 0.9)·g², so the step is 0.01·|g|/√(0.1·g²) = "
            f"0.01/√0.1 = {want:.4g}, about 3.16 times the lecture's lr·sign(g)."
        )
    hint = known_mistake(
        step,
        [
            (
                0.1,
                "0.1 is lr/(1 − alpha), without the root (and alpha = 0.99's 10·lr): the "
                "step divides by √v = √(1 − alpha)·|g|.",
            ),
            (
                0.01,
                "0.01 is the lecture's first step, with v_1 = g²; torch starts from v = 0, so "
                "its first v is (1 − alpha)·g².",
            ),
            (
                0.01 * np.sqrt(0.1),
                "that is lr·√(1 − alpha): the step divides by √v, it does not multiply.",
            ),
            (0.001, "0.001 is lr·(1 − alpha): the step divides by √v = √(1 − alpha)·|g|."),
            (
                0.01 / np.sqrt(0.9),
                "that is lr/√alpha; the new gradient's share of v is "
                "(1 − alpha)·g², the old v is 0.",
            ),
        ],
    )
    if hint:
        raise Wrong(hint)
    raise Wrong(
        f"{step:g} is too {'small' if step < want else 'large'}. The first v is "
        "(1 − alpha)·g², and the step is lr·g/(√v + eps)."
    )


# -- 04.2 an Adagrad lr for seed 003's fit --------------------------------------------------------

X_FIT = np.linspace(0, 10, 20)
FIT = linear_fit(X_FIT, 3 * X_FIT + 300)


def _adagrad_fit(answer) -> str:
    lr = number(answer, "one learning rate")
    try:
        opt = Adagrad(lr=lr)
    except ValueError as error:
        raise Wrong(f"Adagrad refuses it: {error}.") from None
    t = run(opt, FIT, [0.0, 0.0], 300)
    loss, (w, b) = t.loss[-1], t.x[-1]
    if loss < 1e-3:
        return (
            f"right: after 300 steps w = {w:.4f}, b = {b:.3f}, loss {loss:.2g}. Any lr from "
            "about 45 up works here, even 1e6: a huge first step overshoots, but the large "
            "gradients it causes stay in Adagrad's sum and damp every later step."
        )
    if lr == 0:
        raise Wrong("at lr = 0 nothing moves.")
    if not np.isfinite(loss):
        raise Wrong(
            f"at lr = {lr:g} the run overflows (the first step alone moves by lr): smaller."
        )
    if loss < 1:
        raise Wrong(f"almost: loss {loss:.2g} (w = {w:.3f}, b = {b:.2f}). A little larger.")
    default = " (0.01 is torch's default)" if close(lr, 0.01) else ""
    raise Wrong(
        f"after 300 steps w = {w:.3g}, b = {b:.3g}, loss {loss:.3g}: b has far to go to 300. "
        f"Adagrad moves each parameter by about lr per step at first, less later{default}: "
        "much larger."
    )


# -- 04.3 torch's RMSprop step as a NumPy function ------------------------------------------------


def _trials() -> tuple[Trial, ...]:
    rng = np.random.default_rng(4)
    return (
        Trial(
            "x of shape (), lr = 0.01, alpha = 0.99, eps = 1e-8",
            np.array(0.5),
            rng.normal(size=15),
            (0.01, 0.99, 1e-8),
        ),
        Trial(
            "x of shape (3,), tiny gradients (about 1e-5), eps = 1e-8",
            rng.normal(size=3),
            1e-5 * rng.normal(size=(15, 3)),
            (0.001, 0.9, 1e-8),
        ),
        Trial(
            "x of shape (2, 4), gradients from 1e-3 to 1e3, eps = 1e-3",
            rng.normal(size=(2, 4)),
            rng.normal(size=(15, 2, 4)) * np.geomspace(1e-3, 1e3, 15)[:, None, None],
            (0.1, 0.5, 1e-3),
        ),
        Trial(
            "a sweep: lr and alpha of shape (4, 1), x of shape (4, 3)",
            rng.normal(size=(4, 3)),
            rng.normal(size=(15, 4, 3)),
            (np.geomspace(1e-3, 1.0, 4)[:, None], np.array([[0.0], [0.5], [0.9], [0.99]]), 1e-8),
        ),
    )


TRIALS_04_3 = _trials()


def _play(step, trial):
    x, v, out = trial.x0.copy(), np.zeros_like(trial.x0), []
    for k, g in enumerate(trial.grads, start=1):
        hp = tuple(h.copy() if isinstance(h, np.ndarray) else h for h in trial.hparams)
        x, v = step((x.copy(), g.copy(), v.copy(), *hp), k)
        out.append((x, v))
    return out


def _reference(trial):
    lr, alpha, eps = (np.ravel(h) if np.ndim(h) else h for h in trial.hparams)
    opt = RMSprop(lr=lr, alpha=alpha, eps=eps)
    x, state, out = trial.x0.copy(), opt.init(trial.x0), []
    for g in trial.grads:
        x, state = opt.step(x, g, state)
        out.append((x, state["square_avg"]))
    return out


def _eps_inside(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g**2
    return x - lr * g / np.sqrt(v + eps), v


def _swapped(x, g, v, lr, alpha, eps):
    v = (1 - alpha) * v + alpha * g**2
    return x - lr * g / (np.sqrt(v) + eps), v


def _no_root(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g**2
    return x - lr * g / (v + eps), v


def _not_squared(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g
    return x - lr * g / (np.sqrt(v) + eps), v


def _old_v(x, g, v, lr, alpha, eps):
    return x - lr * g / (np.sqrt(v) + eps), alpha * v + (1 - alpha) * g**2


def _adagrad(x, g, v, lr, alpha, eps):
    v = v + g**2
    return x - lr * g / (np.sqrt(v) + eps), v


def _uphill(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g**2
    return x + lr * g / (np.sqrt(v) + eps), v


RMSPROP_VARIANTS = (
    (
        _eps_inside,
        "close: PyTorch adds eps outside the root, lr·g/(√v + eps); yours is inside, "
        "√(v + eps), which only shows when v is near eps.",
    ),
    (
        _swapped,
        "you swapped alpha and 1 − alpha: the old average keeps alpha, the new g² gets 1 − alpha.",
    ),
    (_no_root, "divide by the root of v: lr·g/(√v + eps)."),
    (_not_squared, "v averages the squared gradient: (1 − alpha)·g², not (1 − alpha)·g."),
    (
        _old_v,
        "update v first, then step with the new v (you stepped with the old one, which is 0 "
        "on the first step).",
    ),
    (_adagrad, "that is Adagrad's sum, v + g²; RMSProp averages: alpha·v + (1 − alpha)·g²."),
    (_uphill, "your step goes uphill: x − lr·g/(√v + eps), against the gradient."),
)


def _rmsprop_code(answer) -> str:
    return check_rule(
        answer,
        "rmsprop_step(x, g, v, lr, alpha, eps)",
        ("x_new", "v_new"),
        TRIALS_04_3,
        _play,
        _reference,
        RMSPROP_VARIANTS,
        "right: it matches ol.RMSprop on four gradient streams (x of shape (), (3,), (2, 4), "
        "tiny and huge gradients, and a sweep of four (lr, alpha) pairs), v included.",
    )


# -- 04.4 Adagrad's step on a constant gradient ---------------------------------------------------


def _tenth(answer) -> str:
    t = whole_number(answer)
    n_steps = min(max(400, t + 1), 100_000)
    move = -np.diff(replay(Adagrad(lr=1.0), np.ones(n_steps)).x)  # move[k - 1]: step k
    want = int(np.argmin(np.abs(move - 0.1 * move[0]))) + 1
    if t == want:
        return (
            f"right: step t moves lr·g/√(t·g²) = lr/√t, so a tenth at √t = 10, t = {want}. "
            "RMSProp on the same stream settles at lr per step."
        )
    if t < 1:
        raise Wrong("steps count from 1 (the first step moves lr).")
    if t == 10:
        raise Wrong(
            f"at step 10 the move is {move[9]:.3f}·lr = lr/√10: the sum of t squared gradients "
            "sits under a root, so the step falls like 1/√t, not 1/t."
        )
    if t in (want - 1, want + 1):
        raise Wrong(f"off by one: step {t} moves {move[t - 1]:.4f}·lr, not 0.1·lr.")
    if t < want:
        raise Wrong(f"step {t} still moves {move[t - 1]:.3f}·lr: later.")
    n = min(t, len(move))
    raise Wrong(f"step {n} moves only {move[n - 1]:.3g}·lr, less than a tenth: earlier.")


# -- 04.5 what changes torch's first RMSprop step -------------------------------------------------

OPTIONS_04_5 = {
    "a": {"g": 300.0},
    "b": {"alpha": 0.9},
    "c": {"lr": 0.02},
    "d": {"eps": 1e-10},
    "e": {"g": -3.0},
}

HINTS_04_5 = {
    "a": "the gradient's size cancels: lr·g/√((1 − alpha)·g²) = lr/√(1 − alpha) for any g ≠ 0.",
    "b": "alpha sets the first v = (1 − alpha)·g²: at 0.9 the step is lr/√0.1 = 3.16·lr, not "
    "10·lr.",
    "c": "the step is lr/√(1 − alpha): doubling lr doubles it.",
    "d": "eps is added to √v = 0.3 here: 1e-8 or 1e-10 makes no visible difference.",
    "e": "a negative gradient flips the direction, not the distance: still 10·lr.",
}


def _first_step_distance(lr=0.01, alpha=0.99, eps=1e-8, g=3.0) -> float:
    return float(abs(replay(RMSprop(lr=lr, alpha=alpha, eps=eps), [g]).x[1]))


def _what_changes_the_first_step(answer) -> str:
    chosen = letters(answer, "".join(OPTIONS_04_5))
    base = _first_step_distance()
    truth = {
        k for k, kw in OPTIONS_04_5.items() if not close(_first_step_distance(**kw), base, 1e-6)
    }
    if chosen == truth:
        return (
            "right: the first step moves lr/√(1 − alpha) whatever the gradient, so only lr and "
            "alpha change it; eps matters only for gradients near eps."
        )
    wrong = sorted(chosen ^ truth)
    more = len(wrong) - 1
    raise Wrong(HINTS_04_5[wrong[0]] + (f" ({more} more to fix.)" if more else ""))


EXERCISES = (
    Exercise(
        id="04.1",
        title="torch's first RMSprop step at alpha = 0.9",
        kind="number",
        prompt=(
            "torch's `RMSprop` starts from $v = 0$ without bias correction. With lr = 0.01 and "
            "**alpha = 0.9** (not 0.99), how far does its first step move $x$, for any gradient "
            "$g \\ne 0$? (eps is negligible.)\n\n`answer = ` a distance (a positive number)."
        ),
        checker=_first_step,
        solution=(
            "The first $v$ is $0.9\\cdot 0 + 0.1\\,g^2$, so the step is "
            "$0.01\\,|g|/\\sqrt{0.1\\,g^2} = 0.01/\\sqrt{0.1} = 0.0316$: "
            "$\\sqrt{10} \\approx 3.16$ times the lecture's lr. At alpha = 0.99 the factor is "
            "$1/\\sqrt{0.01} = 10$, the notebook's $10\\cdot\\text{lr}$. Check: "
            "`ol.replay(ol.RMSprop(lr=0.01, alpha=0.9), [3.0]).x`."
        ),
        example="answer = 0.01 / 0.1**0.5",
    ),
    Exercise(
        id="04.2",
        title="an Adagrad learning rate for y = 3x + 300",
        kind="search",
        prompt=(
            "Seed 003's fit: the points $y = 3x + 300$ at `x = np.linspace(0, 10, 20)` (the "
            "notebook's `fit`). Gradient descent at lr 0.02, near its stability limit, ends at "
            "loss 40 after 300 steps. Find an Adagrad learning rate that brings the loss below "
            "$10^{-3}$ within 300 steps from $(w, b) = (0, 0)$. The check runs "
            "`ol.run(ol.Adagrad(lr=answer), fit, [0.0, 0.0], 300)`.\n\n"
            "`answer = ` a learning rate."
        ),
        checker=_adagrad_fit,
        solution=(
            "Adagrad's first step moves each parameter by lr (it divides $g$ by $|g|$), and later "
            "steps shrink like $1/\\sqrt t$ while the gradient keeps its sign, so over 300 steps a "
            "parameter travels a few dozen lr at most. $b$ must travel 300: lr must be tens, not "
            "0.01. The notebook's lr = 50 ends at loss $7.7\\cdot 10^{-5}$; anything from about "
            "45 up passes."
        ),
        example="answer = 50",
    ),
    Exercise(
        id="04.3",
        title="torch's RMSprop step as a NumPy function",
        kind="code",
        prompt=(
            "Write one step of `torch.optim.RMSprop` (no momentum, not centered): "
            "`rmsprop_step(x, g, v, lr, alpha, eps)` returns `(x_new, v_new)`. $v$ starts at 0; "
            "`lr` and `alpha` may be arrays shaped to broadcast against `x` (a sweep). The check "
            "compares it with `ol.RMSprop` on random gradient streams, tiny and huge gradients "
            "included.\n\n`answer = rmsprop_step`"
        ),
        checker=_rmsprop_code,
        solution=(
            "$v \\leftarrow \\alpha v + (1-\\alpha) g^2$, then "
            "$x \\leftarrow x - \\text{lr}\\cdot g/(\\sqrt v + \\varepsilon)$: eps outside the "
            "root, as in PyTorch, and no bias correction."
        ),
        example=(
            "def rmsprop_step(x, g, v, lr, alpha, eps):\n"
            "    v = alpha * v + (1 - alpha) * g**2\n"
            "    return x - lr * g / (np.sqrt(v) + eps), v\n"
            "\n"
            "\n"
            "answer = rmsprop_step"
        ),
        template=(
            "def rmsprop_step(x, g, v, lr, alpha, eps):\n"
            "    # your code: return x_new, v_new\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when rmsprop_step is ready: answer = rmsprop_step"
        ),
    ),
    Exercise(
        id="04.4",
        title="Adagrad's step on a constant gradient",
        kind="number",
        prompt=(
            "Feed Adagrad the gradient $g = 1$ at every step (eps aside). Its first step moves "
            "$x$ by lr. At which step does it move exactly a tenth of that? Check with "
            "`-np.diff(ol.replay(ol.Adagrad(lr=1.0), np.ones(200)).x)`.\n\n"
            "`answer = ` a step number (the first step is 1)."
        ),
        checker=_tenth,
        solution=(
            "After $t$ steps the sum is $t\\,g^2$, so step $t$ moves "
            "$\\text{lr}\\cdot g/\\sqrt{t g^2} = \\text{lr}/\\sqrt t$. "
            "A tenth needs $\\sqrt t = 10$: step 100. That is Adagrad's slowdown: its "
            "effective rate decays like "
            "$1/\\sqrt t$ even when nothing changes."
        ),
        example="answer = 100",
    ),
    Exercise(
        id="04.5",
        title="what changes torch's first RMSprop step?",
        kind="prediction",
        prompt=(
            "torch's `RMSprop(lr=0.01, alpha=0.99)` gets the gradient 3 on its first step and "
            "moves $x$ by $10\\cdot$lr = 0.1. Predict: which of these changes, each on its "
            "own, change how far that first step moves?\n\n"
            "- a: the gradient 300 instead of 3\n- b: alpha = 0.9\n- c: lr = 0.02\n"
            "- d: eps = 1e-10 instead of 1e-8\n- e: the gradient −3 instead of 3\n\n"
            '`answer = ` a set of letters, e.g. `{"a", "c"}`. Check each with '
            "`ol.replay(ol.RMSprop(...), [g]).x`."
        ),
        checker=_what_changes_the_first_step,
        solution=(
            "The first $v$ is $(1-\\alpha)g^2$, so the first step is "
            "$\\text{lr}\\cdot g/(\\sqrt{1-\\alpha}\\,|g| + \\varepsilon) \\approx "
            "\\text{lr}/\\sqrt{1-\\alpha}\\cdot\\text{sign}(g)$: the gradient's size cancels "
            "and its sign only sets the direction. lr (c) and alpha (b) change the distance; eps "
            "(d) is negligible next to $\\sqrt v = 0.3$. So b and c."
        ),
        example='answer = {"b", "c"}',
    ),
)
