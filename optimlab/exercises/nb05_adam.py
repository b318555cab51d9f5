"""Exercises of notebook 05: Adam and its 1000-step memory."""

from __future__ import annotations

import numpy as np

from ..optim import Adam
from ..run import replay
from ..theory import adam_stream
from ._core import Exercise, Trial, Wrong, check_rule, close, known_mistake, letters, number

SPIKE_AT = 100_999


def _stream(size: float = 1e5) -> np.ndarray:
    """Seed 004's stream: gradient 1 at steps 0..100998, ``size`` at 100999, 1 at 101000."""
    g = np.ones(101_001)
    g[SPIKE_AT] = size
    return g


def _spike_move(lr=1.0, betas=(0.0, 0.999), size=1e5, amsgrad=False) -> float:
    """How far Adam's spike step moves on seed 004's stream, computed over the whole stream."""
    move, _ = adam_stream(_stream(size), lr, betas, amsgrad=amsgrad)
    return float(-move[SPIKE_AT])


# -- 05.1 the spike step at beta2 = 0.99 ----------------------------------------------------------


def _spike_099(answer) -> str:
    move = abs(number(answer))
    want = _spike_move(betas=(0.0, 0.99))
    if close(move, want):
        return (
            f"right: {want:.6g}·lr. v̂ ≈ 0.99·1 + 0.01·10^10, so the step is "
            "10^5/√(10^8) = 10 = √(1/(1 − β₂)): a shorter memory caps the spike lower."
        )
    hint = known_mistake(
        move,
        [
            (31.62, "31.62 is the table's value at β₂ = 0.999; at 0.99 the memory is 100 steps."),
            (100, "100 is the memory 1/(1 − β₂); the movement is capped by its square root."),
            (1e5, "10^5 is SGD's move, lr·g; Adam divides by √v̂."),
            (1, "1·lr is what each small-gradient step moves; the spike step moves more."),
            (
                1000,
                "1000 is β₂ = 0.999's memory; at 0.99 the memory is 100 steps, and the move is "
                "capped by the root of it.",
            ),
        ],
        rel=2e-3,
    )
    if hint:
        raise Wrong(hint)
    raise Wrong(
        f"{move:g}·lr is too {'small' if move < want else 'large'}: with β₁ = 0 the step is "
        "lr·g/√v̂, and v̂ is mostly the spike's own share (1 − β₂)·g²."
    )


# -- 05.2 Adam's first step on a tiny gradient ---------------------------------------------------


def _first_step(answer) -> str:
    step = abs(number(answer))
    want = float(-replay(Adam(lr=1e-3), [1e-6]).x[1])
    if close(step, want, 5e-4):
        return (
            f"right: {want:.6g}. m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps) = "
            "10^-3·10^-6/(1.01·10^-6): eps is 1% of |g| here."
        )
    hint = known_mistake(
        step,
        [
            (
                1e-3,
                "almost: the first step is lr·g/(|g| + eps), and with |g| = 1e-6, eps = 1e-8 "
                "is 1% of |g|.",
            ),
            (
                1e-3 * 1e-6 / np.sqrt(1e-12 + 1e-8),
                "that is eps inside the root, √(g² + eps), the "
                "lecture's form; PyTorch adds eps outside: lr·g/(|g| + eps).",
            ),
            (1e-9, "1e-9 is lr·g, SGD's step; Adam divides by √v̂ = |g|."),
            (
                1e-3 * 1e-6 / (1e-6 + 1e-8 / np.sqrt(1 - 0.999)),
                "you divided eps by √(1 − β₂) too; torch corrects √v only, then adds eps.",
            ),
        ],
    )
    if hint:
        raise Wrong(hint)
    raise Wrong(
        f"{step:g} is too {'small' if step < want else 'large'}: on the first step m̂ = g and "
        "v̂ = g² exactly."
    )


# -- 05.3 Adam's step as a NumPy function ------------------------------------------------------


def _trials() -> tuple[Trial, ...]:
    rng = np.random.default_rng(5)
    return (
        Trial(
            "x of shape (), lr = 0.01, betas = (0.9, 0.999), eps = 1e-8",
            np.array(0.5),
            rng.normal(size=15),
            (0.01, 0.9, 0.999, 1e-8),
        ),
        Trial(
            "x of shape (3,), tiny gradients (about 1e-7), eps = 1e-8",
            rng.normal(size=3),
            1e-7 * rng.normal(size=(15, 3)),
            (0.001, 0.9, 0.999, 1e-8),
        ),
        Trial(
            "x of shape (2, 4), gradients from 1e-3 to 1e3, betas = (0.5, 0.9), eps = 1e-3",
            rng.normal(size=(2, 4)),
            rng.normal(size=(15, 2, 4)) * np.geomspace(1e-3, 1e3, 15)[:, None, None],
            (0.1, 0.5, 0.9, 1e-3),
        ),
        Trial(
            "a sweep: lr of shape (4, 1), x of shape (4, 3)",
            rng.normal(size=(4, 3)),
            rng.normal(size=(15, 4, 3)),
            (np.geomspace(1e-3, 1.0, 4)[:, None], 0.9, 0.999, 1e-8),
        ),
    )


TRIALS_05_3 = _trials()


def _play(step, trial):
    x, m, v, out = trial.x0.copy(), np.zeros_like(trial.x0), np.zeros_like(trial.x0), []
    for t, g in enumerate(trial.grads, start=1):
        hp = tuple(h.copy() if isinstance(h, np.ndarray) else h for h in trial.hparams)
        x, m, v = step((x.copy(), g.copy(), m.copy(), v.copy(), t, *hp), t)
        out.append((x, m, v))
    return out


def _reference(trial):
    lr, beta1, beta2, eps = (np.ravel(h) if np.ndim(h) else h for h in trial.hparams)
    opt = Adam(lr=lr, betas=(beta1, beta2), eps=eps)
    x, state, out = trial.x0.copy(), opt.init(trial.x0), []
    for g in trial.grads:
        x, state = opt.step(x, g, state)
        out.append((x, state["exp_avg"], state["exp_avg_sq"]))
    return out


def _adam(
    x,
    g,
    m,
    v,
    t,
    lr,
    beta1,
    beta2,
    eps,
    *,
    m_power=0,
    v_power=0,
    correct_m=True,
    correct_v=True,
    eps_inside=False,
):
    """Adam with a typical mistake switched on."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1 ** (t + m_power)) if correct_m else m
    v_hat = v / (1 - beta2 ** (t + v_power)) if correct_v else v
    denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return x - lr * m_hat / denom, m, v


def _corrected_state(x, g, m, v, t, lr, beta1, beta2, eps):
    x, m, v = _adam(x, g, m, v, t, lr, beta1, beta2, eps)
    return x, m / (1 - beta1**t), v / (1 - beta2**t)


def _variant(**mistake):
    return lambda *args: _adam(*args, **mistake)


ADAM_VARIANTS = (
    (
        _variant(correct_m=False, correct_v=False),
        "this is Adam without bias correction: divide m by 1 − β₁^t and v by 1 − β₂^t before the "
        "step (keep m and v themselves uncorrected).",
    ),
    (
        _variant(eps_inside=True),
        "close: PyTorch adds eps outside the root, m̂/(√v̂ + eps); yours is inside, √(v̂ + eps), "
        "the lecture's form.",
    ),
    (
        _corrected_state,
        "your step is right, but return m and v uncorrected: the bias correction is for the step "
        "only, and corrected values fed back in would be corrected again.",
    ),
    (_variant(correct_m=False), "you corrected v but not m: m̂ = m/(1 − β₁^t) too."),
    (_variant(correct_v=False), "you corrected m but not v: v̂ = v/(1 − β₂^t) too."),
    (
        _variant(m_power=-1, v_power=-1),
        "off by one: t is this step's number, starting at 1; correct with β^t, not β^(t − 1).",
    ),
    (
        _variant(m_power=1, v_power=1),
        "off by one: t is this step's number, starting at 1; correct with β^t, not β^(t + 1).",
    ),
)


def _adam_code(answer) -> str:
    return check_rule(
        answer,
        "adam_step(x, g, m, v, t, lr, beta1, beta2, eps)",
        ("x_new", "m_new", "v_new"),
        TRIALS_05_3,
        _play,
        _reference,
        ADAM_VARIANTS,
        "right: it matches ol.Adam on four gradient streams (x of shape (), (3,), (2, 4), tiny "
        "and huge gradients, and a sweep of four learning rates), m and v included.",
    )


# -- 05.4 what makes the spike step move more --------------------------------------------------

OPTIONS_05_4 = {
    "a": ("β₂ = 0.99", {"betas": (0.0, 0.99)}),
    "b": ("β₂ = 0.9999", {"betas": (0.0, 0.9999)}),
    "c": ("a spike of 10^7 instead of 10^5", {"size": 1e7}),
    "d": ("amsgrad=True", {"amsgrad": True}),
    "e": ("lr = 2", {"lr": 2.0}),
    "f": ("β₁ = 0.9", {"betas": (0.9, 0.999)}),
}

HINTS_05_4 = {
    "a": "β₂ = 0.99 remembers only about 100 steps: the cap √(1/(1 − β₂)) drops to 10.",
    "b": "β₂ = 0.9999 remembers about 10000 steps: the cap √(1/(1 − β₂)) rises to 100.",
    "c": "a larger spike does not move more: the step is capped at √(1/(1 − β₂))·lr = 31.62·lr "
    "whatever the gradient.",
    "d": "AMSGrad changes what comes after the spike, not the spike step itself (31.62·lr in "
    "both).",
    "e": "lr scales every step: lr = 2 doubles the spike step to 63.2.",
    "f": "β₁ = 0.9 averages the spike with the 1s before it: m̂ ≈ 10^4, and the step shrinks to "
    "about 3.2·lr.",
}


def _what_moves_more(answer) -> str:
    chosen = letters(answer, "".join(OPTIONS_05_4))
    base = _spike_move()
    moves = {k: _spike_move(**kw) for k, (_, kw) in OPTIONS_05_4.items()}
    truth = {k for k, mv in moves.items() if mv > 1.1 * base}
    if chosen == truth:
        return (
            "right: only a longer memory (β₂ = 0.9999: 100·lr) and a larger lr (63.2) move the "
            "spike step more; its size never does, the cap is √(1/(1 − β₂))·lr."
        )
    wrong = sorted(chosen ^ truth)
    more = len(wrong) - 1
    raise Wrong(HINTS_05_4[wrong[0]] + (f" ({more} more to fix.)" if more else ""))


EXERCISES = (
    Exercise(
        id="05.1",
        title="the spike step at β₂ = 0.99",
        kind="number",
        prompt=(
            "Seed 004's stream again: gradient 1 at steps 0 to 100998, $10^5$ at step 100999, "
            "Adam with $\\beta_1 = 0$ and lr = 1, but $\\beta_2 = 0.99$ instead of 0.999. How far "
            "does the spike step (step 100999) move? Check with the memory panel's $\\beta_2$ "
            "slider.\n\n`answer = ` a distance, in units of lr."
        ),
        checker=_spike_099,
        solution=(
            "Before the spike $\\hat v = 1$. At the spike "
            "$\\hat v \\approx 0.99\\cdot 1 + 0.01\\cdot 10^{10} \\approx 10^8$, so the step is "
            "$10^5/\\sqrt{10^8} = 10 = \\sqrt{1/(1-\\beta_2)}$ (9.99999995 exactly). The "
            "shorter memory lowers the cap from 31.6 to 10."
        ),
        example="answer = 10.0",
    ),
    Exercise(
        id="05.2",
        title="the first step on a tiny gradient",
        kind="number",
        prompt=(
            "PyTorch's Adam with its defaults (lr = 0.001, betas = (0.9, 0.999), eps = 1e-8) "
            "gets the gradient $g = 10^{-6}$ on its first step. How far does $x$ move? Give at "
            "least four significant digits.\n\n`answer = ` a distance."
        ),
        checker=_first_step,
        solution=(
            "On the first step $\\hat m = g$ and $\\hat v = g^2$ exactly, so the step is "
            "$\\text{lr}\\cdot g/(|g| + \\varepsilon) = 10^{-9}/(1.01\\cdot 10^{-6}) = "
            "9.901\\cdot 10^{-4}$. With $\\varepsilon$ inside the root (the lecture's form) it "
            "would be $10^{-9}/\\sqrt{10^{-12} + 10^{-8}} \\approx 10^{-5}$, a hundred times "
            "less: where it sits matters once $g^2$ is near $\\varepsilon$."
        ),
        example="answer = 1e-3 * 1e-6 / (1e-6 + 1e-8)",
    ),
    Exercise(
        id="05.3",
        title="Adam's step as a NumPy function",
        kind="code",
        prompt=(
            "Write one step of `torch.optim.Adam` (no weight decay, no AMSGrad): "
            "`adam_step(x, g, m, v, t, lr, beta1, beta2, eps)` returns `(x_new, m_new, v_new)`, "
            "where `t` is this step's number (1 on the first step) and `m`, `v` start at 0 and "
            "are kept **without** bias correction. `lr` may be an array shaped to broadcast "
            "against `x` (a sweep). The check compares it with `ol.Adam` on random gradient "
            "streams.\n\n`answer = adam_step`"
        ),
        checker=_adam_code,
        solution=(
            "$m \\leftarrow \\beta_1 m + (1-\\beta_1) g$, $v \\leftarrow \\beta_2 v + (1-\\beta_2) "
            "g^2$; correct both for the step only, $\\hat m = m/(1-\\beta_1^t)$, "
            "$\\hat v = v/(1-\\beta_2^t)$, and step "
            "$x - \\text{lr}\\cdot\\hat m/(\\sqrt{\\hat v} + \\varepsilon)$, eps outside the root."
        ),
        example=(
            "def adam_step(x, g, m, v, t, lr, beta1, beta2, eps):\n"
            "    m = beta1 * m + (1 - beta1) * g\n"
            "    v = beta2 * v + (1 - beta2) * g**2\n"
            "    m_hat = m / (1 - beta1**t)\n"
            "    v_hat = v / (1 - beta2**t)\n"
            "    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v\n"
            "\n"
            "\n"
            "answer = adam_step"
        ),
        template=(
            "def adam_step(x, g, m, v, t, lr, beta1, beta2, eps):\n"
            "    # your code: return x_new, m_new, v_new\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when adam_step is ready: answer = adam_step"
        ),
    ),
    Exercise(
        id="05.4",
        title="what makes the spike step move more?",
        kind="prediction",
        prompt=(
            "In seed 004's table the spike step moves $31.62\\cdot$lr ($\\beta_1 = 0$, "
            "$\\beta_2 = 0.999$, lr = 1, spike $10^5$). Predict, then check with the memory "
            "panel: which of these changes, each on its own, make that step move clearly more "
            "(by over 10%)?\n\n"
            "- a: $\\beta_2 = 0.99$\n- b: $\\beta_2 = 0.9999$\n- c: a spike of $10^7$ instead "
            "of $10^5$\n- d: `amsgrad=True`\n- e: lr = 2\n- f: $\\beta_1 = 0.9$\n\n"
            '`answer = ` a set of letters, e.g. `{"a", "c"}`.'
        ),
        checker=_what_moves_more,
        solution=(
            "With $\\beta_1 = 0$ the spike step is lr times about $\\sqrt{1/(1-\\beta_2)}$, "
            "whatever the spike's size: (b) raises the cap to 100, (e) doubles every step, "
            "(a) lowers the cap to 10, (c) and (d) leave 31.62 (AMSGrad only changes what comes "
            "after), and (f) mixes the spike with the 1s before it, about 3.2. So b and e."
        ),
        example='answer = {"b", "e"}',
    ),
)
