"""Exercises of notebook 09: the optimizer race."""

from __future__ import annotations

import numpy as np

from ..optim import SGD, Adam, Lookahead
from ..problems import LANDSCAPES
from ..race import race_table
from ..run import run
from ._core import Exercise, Trial, Wrong, check_rule, known_mistake, letters, number, whole_number

# -- 09.1 escaping the saddle ------------------------------------------------------------------


def _saddle_steps() -> int:
    scape = LANDSCAPES["saddle"]
    t = run(SGD(lr=0.1), scape.make(), scape.start, scape.steps)
    return int(np.flatnonzero(t.loss <= -1.0)[0])


def _escape(answer) -> str:
    k = whole_number(answer)
    want = _saddle_steps()
    if k == want:
        return (
            f"right: {want}. The gradient of −y² is −2y, so each step multiplies y by "
            "1 + 2·0.1 = 1.2 while x shrinks by 0.8: f ≈ −(10⁻³·1.2^k)² ≤ −1 first at k = 38 "
            "(1.2^37 = 852 is not yet 1000)."
        )
    hint = known_mistake(
        k,
        [
            (
                73,
                "73 is the count for a factor 1.1 per step: the gradient of −y² is −2y, so y "
                "grows by 1 + 2·lr = 1.2.",
            ),  # fmt: skip
            (
                37,
                "one short: 1.2^37·10⁻³ = 0.85, so f = −0.73 is not yet ≤ −1; count the first "
                "step where it is.",
            ),  # fmt: skip
            (39, "one too many: at step 38, 1.2^38·10⁻³ = 1.02 already gives f ≤ −1."),
        ],
    )
    if hint:
        raise Wrong(hint)
    raise Wrong(
        f"{k} steps is too {'few' if k < want else 'many'}: write y_k = 10⁻³·(1 + 2·lr)^k and "
        "solve y_k² ≥ 1 (x_k = 0.8^k hardly matters by then)."
    )


# -- 09.2 who reaches the rotated bowl's minimum -------------------------------------------

OPTIONS_09_2 = {
    "a": "SGD",
    "b": "RMSprop",
    "c": "Adam",
    "d": "Adadelta",
    "e": "Adagrad",
    "f": "Adafactor",
}

HINTS_09_2 = {
    "a": "SGD at its tuned lr gets there (461 steps): on a quadratic bowl its error shrinks by a "
    "constant factor per step, however slowly along the flat direction.",
    "b": "RMSprop does not: near the minimum its step is about lr·g/√v ≈ lr·sign(g), which does "
    "not shrink with the gradient, so at a constant lr it ends in a cycle above the tolerance.",
    "c": "Adam gets there (122 steps): its momentum averages the sign flips that keep RMSprop "
    "bouncing, and m shrinks as the gradients cancel.",
    "d": "Adadelta does not: its steps are set by its running averages, not by an lr that could "
    "shrink them, and it stalls above the tolerance.",
    "e": "Adagrad gets there (507 steps): its sum of g² keeps growing, so its steps keep "
    "shrinking.",
    "f": "Adafactor does not in the budget: like RMSprop it divides g by the root of a running "
    "average of g², about ±1 per coordinate near the minimum, and it closes in too slowly "
    "(best 2e-6).",
}


def _rotated_bowl(answer) -> str:
    chosen = letters(answer, "".join(OPTIONS_09_2))
    row = race_table(names=list(OPTIONS_09_2.values()), landscapes=["rotated bowl"])
    row = row["rotated bowl"]
    truth = {k for k, name in OPTIONS_09_2.items() if row[name].steps is not None}
    if chosen == truth:
        return (
            "right: SGD, Adam and Adagrad reach 10⁻⁶ in the budget; RMSprop, Adadelta and "
            "Adafactor, whose steps do not shrink with the gradient at a constant lr, hover "
            "above it. The table shows their best losses in brackets."
        )
    wrong = sorted(chosen ^ truth)
    more = len(wrong) - 1
    raise Wrong(HINTS_09_2[wrong[0]] + (f" ({more} more to fix.)" if more else ""))


# -- 09.3 Adam on the noisy bowl ----------------------------------------------------------------

NOISY_STEPS, NOISY_LAST = 500, 50


def noisy_adam_losses(lr: float) -> np.ndarray:
    """The losses of Adam at ``lr`` on the noisy bowl, as the check runs it (seed 0)."""
    scape = LANDSCAPES["noisy bowl"]
    t = run(Adam(lr=lr), scape.make(), scape.start, NOISY_STEPS, noise=scape.noise, seed=0)
    return t.loss


def _noisy(answer) -> str:
    lr = number(answer, "a learning rate")
    if lr <= 0:
        raise Wrong(f"a learning rate is positive; {lr:g} is not.")
    loss = noisy_adam_losses(lr)
    last = loss[-NOISY_LAST:]
    if np.isfinite(last).all() and last.max() < 1e-2:
        return (
            f"right: at lr = {lr:g} the loss stays below 10⁻² over the last {NOISY_LAST} "
            f"steps (at most {last.max():.2g}). Larger rates arrive sooner but jitter in a "
            "wider noise ball; smaller ones have not arrived yet: about 0.009 to 0.024 work."
        )
    if not np.isfinite(loss).all():
        raise Wrong(f"lr = {lr:g} overflows: far too large.")
    if np.nanmin(loss) < 1e-2:
        raise Wrong(
            f"too large: at lr = {lr:g} Adam reaches the bottom (loss {np.nanmin(loss):.2g}) "
            f"but the noise keeps kicking it out (up to {last.max():.2g} in the last "
            f"{NOISY_LAST} steps). Adam's steps are about lr whatever the gradient: a smaller "
            "lr makes the noise ball smaller."
        )
    raise Wrong(
        f"too small: at lr = {lr:g} Adam has not arrived after {NOISY_STEPS} steps (loss "
        f"{loss[-1]:.2g}); its steps are about lr each, and the start is 2.5 away."
    )


# -- 09.4 Lookahead around SGD as a NumPy function ----------------------------------------------


def _trials() -> tuple[Trial, ...]:
    rng = np.random.default_rng(9)
    return (
        Trial(
            "x of shape (), lr = 0.1, k = 5, alpha = 0.5",
            np.array(1.5),
            rng.normal(size=17),
            (0.1, 5, 0.5),
        ),  # fmt: skip
        Trial(
            "x of shape (2,), lr = 0.05, k = 3, alpha = 0.8",
            rng.normal(size=2),
            rng.normal(size=(14, 2)),
            (0.05, 3, 0.8),
        ),  # fmt: skip
        Trial(
            "x of shape (2, 3), lr = 0.3, k = 1, alpha = 0.25",
            rng.normal(size=(2, 3)),
            rng.normal(size=(7, 2, 3)),
            (0.3, 1, 0.25),
        ),  # fmt: skip
    )


TRIALS_09_4 = _trials()


def _play(step, trial):
    x, slow, out = trial.x0.copy(), trial.x0.copy(), []
    for t, g in enumerate(trial.grads, start=1):
        x, slow = step((x.copy(), g.copy(), slow.copy(), t, *trial.hparams), t)
        out.append((x, slow))
    return out


def _reference(trial):
    lr, k, alpha = trial.hparams
    opt = Lookahead(SGD(lr=lr), k=k, alpha=alpha)
    x, state, out = trial.x0.copy(), opt.init(trial.x0), []
    for g in trial.grads:
        x, state = opt.step(x, g, state)
        out.append((x, state["slow"]))
    return out


def _lookahead(x, g, slow, t, lr, k, alpha, *, sync_x=True, towards=True, shift=0):
    x = x - lr * g
    if (t + shift) % k == 0:
        slow = slow + alpha * (x - slow) if towards else slow + alpha * (slow - x)
        if sync_x:
            x = slow
    return x, slow


def _variant(**mistake):
    return lambda *args: _lookahead(*args, **mistake)


LOOKAHEAD_VARIANTS = (
    (
        _variant(sync_x=False),
        "the slow weights move, but the fast weights must restart from them: after the "
        "synchronisation set x = slow (that is the '1 step back').",
    ),
    (
        _variant(towards=False),
        "the slow weights move towards the fast ones: slow + alpha·(x − slow), not away.",
    ),
    (
        _variant(shift=1),
        "off by one: synchronise after steps k, 2k, ... (t % k == 0, t starting at 1).",
    ),
    (
        _variant(shift=-1),
        "off by one: synchronise after steps k, 2k, ... (t % k == 0, t starting at 1).",
    ),
)


def _lookahead_code(answer) -> str:
    return check_rule(
        answer,
        "lookahead_step(x, g, slow, t, lr, k, alpha)",
        ("x_new", "slow_new"),
        TRIALS_09_4,
        _play,
        _reference,
        LOOKAHEAD_VARIANTS,
        "right: it matches ol.Lookahead(ol.SGD(lr), k, alpha) on three gradient streams "
        "(k = 5, 3 and 1), the slow weights included.",
    )


EXERCISES = (
    Exercise(
        id="09.1",
        title="escaping the saddle",
        kind="number",
        prompt=(
            "Plain SGD at lr = 0.1 on the saddle $f(x, y) = x^2 - y^2$ from $(1, 10^{-3})$. "
            "After how many steps is $f \\le -1$ for the first time (the race's 'escaped')? "
            "Work it out by hand, then check with `ol.run`.\n\n"
            "`answer = ` a whole number of steps."
        ),
        checker=_escape,
        solution=(
            "$\\partial f/\\partial y = -2y$, so SGD sets $y \\leftarrow y + 2\\,\\text{lr}\\,y = "
            "1.2\\,y$ and $x \\leftarrow 0.8\\,x$. Then $f_k = 0.64^k - 10^{-6}\\cdot 1.44^k$, "
            "which is $\\le -1$ once $1.2^k \\ge 1000$ (plus a hair): $k = 38$ "
            "($1.2^{37} = 852$, $1.2^{38} = 1023$)."
        ),
        example="answer = 38",
    ),
    Exercise(
        id="09.2",
        title="who reaches the bottom of the rotated bowl?",
        kind="prediction",
        prompt=(
            "The rotated bowl has condition number 100; the race asks for loss $\\le 10^{-6}$ "
            "within 1000 steps. At their tuned learning rates, which of these get there? "
            "Predict, then check with the panel (and the table).\n\n"
            "- a: SGD\n- b: RMSprop\n- c: Adam\n- d: Adadelta\n- e: Adagrad\n- f: Adafactor"
            '\n\n`answer = ` a set of letters, e.g. `{"a", "c"}`.'
        ),
        checker=_rotated_bowl,
        solution=(
            "SGD, Adam and Adagrad (a, c, e). SGD's error shrinks by a fixed factor per step; "
            "Adagrad's steps shrink as its sum of $g^2$ grows; Adam's momentum averages away "
            "the sign flips. RMSprop, Adadelta and Adafactor divide the gradient by a running "
            "average of its size, so near the minimum their steps stay about lr·sign(g) and "
            "they hover above $10^{-6}$ at a constant lr."
        ),
        example='answer = {"a", "c", "e"}',
    ),
    Exercise(
        id="09.3",
        title="Adam on the noisy bowl",
        kind="search",
        prompt=(
            "On the noisy bowl (gradient noise σ = 0.5, from (2, 1.5)) find a learning rate "
            "for Adam with which the loss stays below $10^{-2}$ over the last 50 of 500 steps. "
            "The check runs `ol.run(ol.Adam(lr=answer), ol.problems.noisy_bowl(0.5), "
            "(2.0, 1.5), 500, noise=0.5, seed=0)`.\n\n`answer = ` a learning rate."
        ),
        checker=_noisy,
        solution=(
            "Adam's steps are about lr each whatever the gradient, so it needs about "
            "2.5/lr steps to arrive, and then jitters in a noise ball whose size grows with "
            "lr. Between about 0.009 and 0.024 both work out in 500 steps. The tuned lr "
            "(0.025, the lowest final loss) is just outside: a lucky last step is not staying "
            "below."
        ),
        example="answer = 0.01",
    ),
    Exercise(
        id="09.4",
        title="Lookahead around SGD as a NumPy function",
        kind="code",
        prompt=(
            "Write one step of Lookahead (Zhang et al. 2019) around plain SGD: "
            "`lookahead_step(x, g, slow, t, lr, k, alpha)` returns `(x_new, slow_new)`. The "
            "fast weights `x` take an SGD step; after every k-th step (`t` is this step's "
            "number, from 1) the slow weights move `alpha` of the way to the fast ones and the "
            "fast weights restart from them. The slow weights start equal to $x_0$. The check "
            "compares it with `ol.Lookahead(ol.SGD(lr=lr), k=k, alpha=alpha)`.\n\n"
            "`answer = lookahead_step`"
        ),
        checker=_lookahead_code,
        solution=(
            "$x \\leftarrow x - \\text{lr}\\,g$; if $t \\bmod k = 0$: "
            "$\\text{slow} \\leftarrow \\text{slow} + \\alpha(x - \\text{slow})$ and "
            "$x \\leftarrow \\text{slow}$. k steps forward, one step back: the slow weights "
            "follow only a fraction α of where the fast ones went."
        ),
        example=(
            "def lookahead_step(x, g, slow, t, lr, k, alpha):\n"
            "    x = x - lr * g\n"
            "    if t % k == 0:\n"
            "        slow = slow + alpha * (x - slow)\n"
            "        x = slow\n"
            "    return x, slow\n"
            "\n"
            "\n"
            "answer = lookahead_step"
        ),
        template=(
            "def lookahead_step(x, g, slow, t, lr, k, alpha):\n"
            "    # your code: return x_new, slow_new\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when lookahead_step is ready: answer = lookahead_step"
        ),
    ),
)
