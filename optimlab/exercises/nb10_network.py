"""Exercises of notebook 10: training a small network (SWATS, weight decay, a tuned lr)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..optim import SWATS, AdamW
from ._core import Exercise, Trial, Wrong, check_rule, close, known_mistake, letters, number

# -- 10.1 SWATS's switch learning rate ---------------------------------------------------------


def _swats_lr() -> float:
    opt = SWATS(lr=0.01)
    x, state = np.zeros(2), opt.init(np.zeros(2))
    for _ in range(2):
        x, state = opt.step(x, np.array([3.0, 4.0]), state)
    return float(state["sgd_lr"].ravel()[0])


def _switch_lr(answer) -> str:
    value = number(answer)
    want = _swats_lr()
    if close(value, want, 2e-3):
        return (
            f"right: Λ = {want:.6g}. Adam's first steps are p = −lr·g/|g| = −0.01·(1, 1), so "
            "γ = pᵀp/(−pᵀg) = 2·10⁻⁴/0.07 = lr/mean|g|; the same both steps, so λ̂ = γ and "
            "SWATS switches at step 2."
        )
    hint = known_mistake(
        value,
        [
            (0.01, "0.01 is Adam's lr; Λ is the SGD lr whose step, projected on Adam's, is it."),
            (0.002, "0.01/5 divides by the gradient's norm ‖g‖ = 5; γ = pᵀp/(−pᵀg) uses p."),
            (
                (1 - 0.9) * want,
                "that is (1 − β₁)·Λ, the factor SWATS's SGD phase applies to its momentum "
                "buffer; the question asks for Λ itself.",
            ),
            (1 / want, "that is 1/Λ: γ = pᵀp/(−pᵀg), the squared step over the projection."),
            (
                0.01 / 7,
                "0.01/7 divides by the sum of the gradients; pᵀp counts both coordinates too.",
            ),
        ],
        rel=2e-3,
    )
    if hint:
        raise Wrong(hint)
    raise Wrong(
        f"{value:g} is too {'small' if value < want else 'large'}: on the first steps m̂ = g and "
        "v̂ = g², so each coordinate of p is −lr·sign(g)."
    )


# -- 10.2 Adam + L2 against AdamW -------------------------------------------------------------

OPTIONS_10_2 = {
    "a": "AdamW's weights end with the smaller norm ‖w‖",
    "b": "Adam + L2's weights end with the smaller norm ‖w‖",
    "c": "at weight_decay = 0 the two runs are the same run",
    "d": "AdamW at weight_decay = 0.01 ends with a test accuracy over 2 points below no decay",
    "e": "Adam + L2 at weight_decay = 0.01 ends with a test accuracy over 2 points below no decay",
}


@lru_cache(maxsize=1)
def _decay_facts() -> dict[str, bool]:
    from ..training import decay, make_task

    runs = decay(make_task(), 0.01, [0.0, 0.01], 50)
    l2, dw = runs["Adam + L2"], runs["AdamW"]
    n_l2, n_dw = (np.linalg.norm(r.w[-1, 1]) for r in (l2, dw))
    return {
        "a": bool(n_dw < n_l2),
        "b": bool(n_l2 < n_dw),
        "c": bool(np.array_equal(l2.w[:, 0], dw.w[:, 0])),
        "d": bool(dw.test_acc[-1, 1] < dw.test_acc[-1, 0] - 0.02),
        "e": bool(l2.test_acc[-1, 1] < l2.test_acc[-1, 0] - 0.02),
    }


HINTS_10_2 = {
    "a": "Adam + L2 adds 0.01·w to the gradient and then divides by √v̂: on weights with small "
    "gradients the decay becomes a step of about lr, far more than AdamW's lr·0.01·w.",
    "b": "Adam + L2 adds 0.01·w to the gradient and then divides by √v̂: on weights with small "
    "gradients the decay becomes a step of about lr, far more than AdamW's lr·0.01·w.",
    "c": "with weight_decay = 0 both are torch's Adam: same start, same minibatches, same run.",
    "d": "AdamW's decay here is lr·0.01 = 10⁻⁴ of each weight per step: too gentle to change "
    "the test accuracy much in 50 epochs.",
    "e": "the same number 0.01 is a much stronger decay through Adam's normalisation: Adam + L2 "
    "shrinks the network until it underfits.",
}


def _decay(answer) -> str:
    chosen = letters(answer, "".join(OPTIONS_10_2))
    facts = _decay_facts()
    truth = {k for k, v in facts.items() if v}
    if chosen == truth:
        return (
            "right: " + ", ".join(sorted(truth)) + ". The same weight_decay is a far stronger "
            "decay inside Adam (divided by √v̂) than AdamW's decoupled lr·λ·w; that is why "
            "AdamW's default is 1e-2 while L2 in Adam is usually much smaller."
        )
    wrong = sorted(chosen ^ truth)
    more = len(wrong) - 1
    raise Wrong(HINTS_10_2[wrong[0]] + (f" ({more} more to fix.)" if more else ""))


# -- 10.3 an lr for SGD with momentum ---------------------------------------------------------

TARGET_10_3 = 0.42
EPOCHS_10_3 = 50


@lru_cache(maxsize=64)
def _sgdm_loss(lr: float) -> float:
    from ..training import make_optimizer, make_task, train

    return float(train(make_optimizer("SGDM", lr), make_task(), EPOCHS_10_3, 32).train_loss[-1])


def _sgdm_search(answer) -> str:
    lr = number(answer, "a learning rate")
    if not 0 < lr <= 10:
        raise Wrong(f"lr = {lr:g}: a learning rate here is a number in (0, 10].")
    loss = _sgdm_loss(lr)
    if np.isfinite(loss) and loss < TARGET_10_3:
        return (
            f"right: lr = {lr:g} brings the training loss to {loss:.3f} < {TARGET_10_3} in "
            f"{EPOCHS_10_3} epochs. The window is narrow (about 0.022 to 0.29): too small stays "
            "on the plateau of a nearly straight boundary, too large bounces."
        )
    if lr < 0.03:
        raise Wrong(
            f"lr = {lr:g} ends at training loss {loss:.3f}: too slow, the network is still "
            "near a straight boundary (loss about 0.5). Try a larger lr."
        )
    raise Wrong(
        f"lr = {lr:g} ends at training loss {loss:.3g}: with momentum 0.9 the effective step is "
        "lr/(1 − 0.9) = 10·lr, and this one bounces. Try a smaller lr."
    )


# -- 10.4 AdamW's step as a NumPy function -----------------------------------------------------


def _trials() -> tuple[Trial, ...]:
    rng = np.random.default_rng(10)
    return (
        Trial(
            "x of shape (3,), lr = 0.01, weight_decay = 0.01",
            rng.normal(size=3),
            rng.normal(size=(12, 3)),
            (0.01, 0.9, 0.999, 1e-8, 0.01),
        ),
        Trial(
            "x of shape (2, 4), lr = 0.1, weight_decay = 0.5, betas = (0.5, 0.9)",
            3 * rng.normal(size=(2, 4)),
            rng.normal(size=(12, 2, 4)) * 1e-3,
            (0.1, 0.5, 0.9, 1e-8, 0.5),
        ),
        Trial(
            "a sweep: lr of shape (3, 1), x of shape (3, 2), weight_decay = 0.1",
            rng.normal(size=(3, 2)),
            rng.normal(size=(12, 3, 2)),
            (np.array([[0.001], [0.01], [0.1]]), 0.9, 0.999, 1e-8, 0.1),
        ),
    )


TRIALS_10_4 = _trials()


def _play(step, trial):
    x, m, v, out = trial.x0.copy(), np.zeros_like(trial.x0), np.zeros_like(trial.x0), []
    for t, g in enumerate(trial.grads, start=1):
        hp = tuple(h.copy() if isinstance(h, np.ndarray) else h for h in trial.hparams)
        x, m, v = step((x.copy(), g.copy(), m.copy(), v.copy(), t, *hp), t)
        out.append((x, m, v))
    return out


def _reference(trial):
    lr, beta1, beta2, eps, wd = (np.ravel(h) if np.ndim(h) else h for h in trial.hparams)
    opt = AdamW(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd)
    x, state, out = trial.x0.copy(), opt.init(trial.x0), []
    for g in trial.grads:
        x, state = opt.step(x, g, state)
        out.append((x, state["exp_avg"], state["exp_avg_sq"]))
    return out


def _adamw(x, g, m, v, t, lr, beta1, beta2, eps, wd, *, how="decoupled", correct=True):
    """AdamW with a typical mistake switched on."""
    if how == "decoupled":
        x = x * (1 - lr * wd)
    elif how == "no lr":
        x = x * (1 - wd)
    elif how == "l2":
        g = g + wd * x
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if correct else (m, v)
    new = x - lr * m_hat / (np.sqrt(v_hat) + eps)
    if how == "after":
        new = new * (1 - lr * wd)
    return new, m, v


def _variant(**mistake):
    return lambda *args: _adamw(*args, **mistake)


ADAMW_VARIANTS = (
    (
        _variant(how="l2"),
        "this is Adam with L2 (torch's Adam(weight_decay=...)): the decay went into the "
        "gradient, where √v̂ rescales it. AdamW shrinks x itself: x·(1 − lr·weight_decay).",
    ),
    (
        _variant(how="no lr"),
        "the decay is scaled by lr too: x·(1 − lr·weight_decay), not x·(1 − weight_decay).",
    ),
    (
        _variant(how="after"),
        "close: torch shrinks x before Adam's step, x·(1 − lr·weight_decay) − lr·m̂/(√v̂ + eps); "
        "you shrank the result of the step.",
    ),
    (
        _variant(how="none"),
        "this is Adam without the decay: shrink x by the factor 1 − lr·weight_decay first.",
    ),
    (
        _variant(correct=False),
        "the decay is right, but m and v need bias correction for the step: m/(1 − β₁^t), "
        "v/(1 − β₂^t).",
    ),
)


def _adamw_code(answer) -> str:
    return check_rule(
        answer,
        "adamw_step(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay)",
        ("x_new", "m_new", "v_new"),
        TRIALS_10_4,
        _play,
        _reference,
        ADAMW_VARIANTS,
        "right: it matches ol.AdamW on three gradient streams (x of shape (3,) and (2, 4), tiny "
        "gradients with strong decay, and a sweep of three learning rates), m and v included.",
    )


EXERCISES = (
    Exercise(
        id="10.1",
        title="the SGD learning rate SWATS switches to",
        kind="number",
        prompt=(
            "SWATS (`ol.SWATS(lr=0.01)`, betas (0.9, 0.999)) starts as Adam and gets the same "
            "gradient $g = (3, 4)$ on its first two steps. After each Adam step $p$ it "
            "estimates the SGD learning rate $\\gamma = p^\\top p/(-p^\\top g)$ and keeps an "
            "EMA $\\lambda$ of it; it switches when $\\lambda/(1-\\beta_2^t)$ equals $\\gamma$. "
            "It switches at step 2, with $\\Lambda = \\lambda/(1-\\beta_2^t)$: which $\\Lambda$? "
            "(Its SGD phase then steps by $(1-\\beta_1)\\Lambda$ times a momentum buffer.) "
            "Three significant digits.\n\n`answer = ` a learning rate."
        ),
        checker=_switch_lr,
        solution=(
            "On the first steps $\\hat m = g$ and $\\hat v = g^2$, so each coordinate of Adam's "
            "step is $-\\text{lr}\\cdot g_i/(|g_i| + \\varepsilon) \\approx -0.01$: "
            "$p = (-0.01, -0.01)$. Then $p^\\top p = 2\\cdot 10^{-4}$ and "
            "$-p^\\top g = 0.01\\cdot(3 + 4) = 0.07$, so $\\gamma = 0.002857$, the same on both "
            "steps; the bias-corrected EMA equals it at step 2 and $\\Lambda = 0.002857$ "
            "(= lr / mean $|g_i|$)."
        ),
        example="answer = 2e-4 / 0.07",
    ),
    Exercise(
        id="10.2",
        title="Adam + L2 against AdamW",
        kind="prediction",
        prompt=(
            "Predict, then check with `T.decay(task, 0.01, [0.0, 0.01], 50)` (the notebook's "
            "task, 50 epochs, lr 0.01, one start, one minibatch stream): Adam with "
            "`weight_decay=0.01` (L2 in the gradient) against AdamW with `weight_decay=0.01` "
            "(decoupled). Which statements hold?\n\n"
            + "\n".join(f"- {k}: {v}" for k, v in OPTIONS_10_2.items())
            + '\n\n`answer = ` a set of letters, e.g. `{"a", "d"}`.'
        ),
        checker=_decay,
        solution=(
            "Adam + L2 feeds $\\lambda w$ into the gradient; Adam then divides by $\\sqrt{\\hat "
            "v}$, so where the data's gradient is small the decay alone makes steps of about "
            "lr: the weights shrink from about 11 to about 2 and the network underfits (test "
            "accuracy drops by about 10 points). AdamW shrinks by $\\text{lr}\\cdot\\lambda = "
            "10^{-4}$ per step: the norm barely moves, the accuracy stays. At 0 both are Adam. "
            "So b, c and e."
        ),
        example='answer = {"b", "c", "e"}',
    ),
    Exercise(
        id="10.3",
        title="a learning rate for SGD with momentum",
        kind="search",
        prompt=(
            f"Find a learning rate for SGD with momentum 0.9 (`T.make_optimizer('SGDM', lr)`) "
            f"that brings the notebook's network below a training loss of {TARGET_10_3} in "
            f"{EPOCHS_10_3} epochs of batches of 32, from seed 0. The check runs "
            f"`T.train(T.make_optimizer('SGDM', answer), T.make_task(), {EPOCHS_10_3}, 32)`; "
            "try it in the panel first (SGDM, epochs 50).\n\n`answer = ` a learning rate."
        ),
        checker=_sgdm_search,
        solution=(
            "Too small (0.01) stays near the straight boundary, loss about 0.48; 0.03 reaches "
            "0.40 and 0.1 reaches 0.38; 0.3 bounces at 0.46 and 1 blows the loss up. The "
            "window is about a decade wide, and with momentum 0.9 the effective step is "
            "lr/(1 − 0.9), ten times the lr."
        ),
        example="answer = 0.03",
    ),
    Exercise(
        id="10.4",
        title="AdamW's step as a NumPy function",
        kind="code",
        prompt=(
            "Write one step of `torch.optim.AdamW`: `adamw_step(x, g, m, v, t, lr, beta1, "
            "beta2, eps, weight_decay)` returns `(x_new, m_new, v_new)`, with `t` this step's "
            "number (1 first) and `m`, `v` kept without bias correction. The decay is "
            "decoupled: it shrinks `x` and never enters `m` or `v`. `lr` may be an array "
            "shaped to broadcast against `x`. The check compares it with `ol.AdamW`.\n\n"
            "`answer = adamw_step`"
        ),
        checker=_adamw_code,
        solution=(
            "First $x \\leftarrow x\\,(1 - \\text{lr}\\cdot\\lambda)$, then Adam's step with the "
            "gradient as it is: $m \\leftarrow \\beta_1 m + (1-\\beta_1) g$, "
            "$v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2$, "
            "$x \\leftarrow x - \\text{lr}\\cdot\\hat m/(\\sqrt{\\hat v} + \\varepsilon)$."
        ),
        example=(
            "def adamw_step(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):\n"
            "    x = x * (1 - lr * weight_decay)\n"
            "    m = beta1 * m + (1 - beta1) * g\n"
            "    v = beta2 * v + (1 - beta2) * g**2\n"
            "    m_hat = m / (1 - beta1**t)\n"
            "    v_hat = v / (1 - beta2**t)\n"
            "    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v\n"
            "\n"
            "\n"
            "answer = adamw_step"
        ),
        template=(
            "def adamw_step(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):\n"
            "    # your code: return x_new, m_new, v_new\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when adamw_step is ready: answer = adamw_step"
        ),
    ),
)
