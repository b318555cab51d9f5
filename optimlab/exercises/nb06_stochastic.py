"""Exercises of notebook 06: stochastic gradients."""

from __future__ import annotations

import numpy as np

from ..optim import SGD
from ..run import run
from ..stochastic import START, course_data, course_fit, per_example_gradients
from ..theory import minibatch_variance
from ._core import (
    Exercise,
    Wrong,
    as_array,
    call,
    close,
    function,
    known_mistake,
    letters,
    number,
    show,
)

FIT = course_fit()
N = FIT.n

# -- 06.1 the variance of one DataLoader batch ----------------------------------------------------


def _sigma2() -> float:
    per = per_example_gradients(FIT, START)
    return float(np.sum(per.var(axis=0)))


SIGMA2 = _sigma2()  # 2599.04 at the start (-5, 300)


def _batch_variance(answer) -> str:
    v = number(answer, "one variance")
    want = float(minibatch_variance(SIGMA2, 16, N, replacement=False))
    if close(v, want):
        return (
            f"right: σ²/B·(n − B)/(n − 1) = {SIGMA2:.0f}/16·112/127 = {want:.2f}. Sixteen "
            "different examples cancel a little more noise than sixteen independent draws "
            f"({SIGMA2 / 16:.1f}); a batch of all {N} cancels all of it."
        )
    hint = known_mistake(
        v,
        [
            (
                SIGMA2 / 16,
                f"{SIGMA2 / 16:.1f} is σ²/B, sampling with replacement; a DataLoader batch holds "
                "16 different examples: multiply by (n − B)/(n − 1).",
            ),
            (
                SIGMA2 / 16 * 112 / 128,
                "close: the finite-population factor is (n − B)/(n − 1) = 112/127, not (n − B)/n.",
            ),
            (
                SIGMA2 / 256,
                "you divided by B²: the mean of B terms is their sum divided by B, so its "
                "variance is B·σ²/B² = σ²/B (times the finite-population factor).",
            ),
            (
                SIGMA2 / 256 * 112 / 127,
                "you divided by B²: the mean of B terms has variance σ²/B, not σ²/B².",
            ),
            (
                SIGMA2 / 4,
                "σ²/√B: it is the standard deviation that falls like 1/√B; the variance falls "
                "like 1/B.",
            ),
            (
                SIGMA2 / 4 * 112 / 127,
                "σ²/√B·...: the standard deviation falls like 1/√B, the variance like 1/B.",
            ),
            (SIGMA2, "that is one example's variance (B = 1): a batch of 16 averages."),
            (
                SIGMA2 * 112 / 127,
                "you kept (n − B)/(n − 1) but forgot to divide by B.",
            ),
        ],
    )
    if hint:
        raise Wrong(hint)
    raise Wrong(
        f"{v:g} is too {'small' if v < want else 'large'}: the closed form is "
        "σ²/B·(n − B)/(n − 1) with σ² from the table, B = 16 and n = 128."
    )


# -- 06.2 what lowers the noise floor -------------------------------------------------------------

# Each option changes one thing of the notebook's run: SGD with B = 1 at a constant lr 0.1 from
# (-5, 300), 3000 updates, the floor being f − f* averaged over the last 1000 and over 20 seeds
# (7.8). ``tests/test_exercises_06.py`` runs each option and checks this table.
OPTIONS_06_2 = {
    "a": {"lr": 0.03},
    "b": {"batch_size": 16},
    "c": {"seeds": "20 to 39"},
    "d": {"x0": "the minimum"},
    "e": {"steps": 6000},
    "f": {"decay": "1/t"},
}
LOWER_06_2 = {"a", "b", "f"}

HINTS_06_2 = {
    "a": "a smaller lr is a smaller noise ball: each step adds lr·(noise), and the floor "
    "grows with lr (0.03 gives 1.6 against 7.8).",
    "b": "a batch of 16 averages the noise: its variance is σ²/16·112/127, so each step kicks "
    "the iterate about √16 = 4 times less far.",
    "c": "other seeds draw other batches, but the floor is an average over 20 seeds and 1000 "
    "updates: it stays about 7.8.",
    "d": "the floor is where SGD settles whatever its start: started at the minimum, the "
    "noise pushes it out to the same ball.",
    "e": "the ball does not shrink with time at a constant lr: after 3000 or 6000 updates the "
    "last 1000 sit at the same floor.",
    "f": "a decaying lr shrinks the ball as it goes: with 1/t the steps (and the noise they "
    "carry) fade, and SGD keeps converging.",
}


def _what_lowers_the_floor(answer) -> str:
    chosen = letters(answer, "".join(OPTIONS_06_2))
    if chosen == LOWER_06_2:
        return (
            "right: the floor grows roughly like lr·σ²/B: a smaller lr (a), a larger batch (b) "
            "or an lr that decays (f) lower it; the seed, the start and more updates at the "
            "same lr do not."
        )
    wrong = sorted(chosen ^ LOWER_06_2)
    more = len(wrong) - 1
    raise Wrong(HINTS_06_2[wrong[0]] + (f" ({more} more to fix.)" if more else ""))


# -- 06.3 an lr for two epochs of SGD ------------------------------------------------------------

SEARCH_STEPS = 2 * N  # two epochs at B = 1
SEARCH_SEEDS = np.arange(10)
SEARCH_TARGET = 0.5


def _after_two_epochs(lr: float) -> float:
    t = run(SGD(lr=lr), FIT, START, SEARCH_STEPS, batch_size=1, seed=SEARCH_SEEDS, keep=("loss",))
    f_min = float(FIT.f(np.asarray(FIT.minimum)))
    return float(np.mean(t.loss[-1] - f_min))


def _two_epochs(answer) -> str:
    lr = number(answer, "one learning rate")
    try:
        SGD(lr=lr)
    except ValueError as error:
        raise Wrong(f"SGD refuses it: {error}.") from None
    if lr == 0:
        raise Wrong("at lr = 0 nothing moves.")
    got = _after_two_epochs(lr)
    if got < SEARCH_TARGET:
        return (
            f"right: after 256 updates f − f* = {got:.3g} on average over the 10 seeds. Too "
            "small an lr has not arrived yet, too large a one rattles in a wider noise ball: "
            "lrs from about 0.0065 to 0.016 pass."
        )
    if not np.isfinite(got):
        raise Wrong(f"at lr = {lr:g} some runs overflow: single examples are steeper than the "
                    "average (curvature up to 8), much smaller.")  # fmt: skip
    start_gap = float(FIT.f(np.asarray(START))) - float(FIT.f(np.asarray(FIT.minimum)))
    if got > start_gap:
        raise Wrong(
            f"f − f* = {got:.3g} after 256 updates, more than at the start ({start_gap:.0f}): "
            "the runs blow up. Single examples are steeper than the average (curvature up to 8), "
            "so with B = 1 an lr above about 0.25 overshoots: much smaller."
        )
    larger = _after_two_epochs(lr * 1.25) < got
    if larger:
        raise Wrong(
            f"f − f* = {got:.3g} after 256 updates: still on the way down (each update shrinks "
            "the distance by about 1 − 2·lr). Larger."
        )
    raise Wrong(
        f"f − f* = {got:.3g} after 256 updates: it got there early and now rattles in a noise "
        "ball that grows with lr. Smaller."
    )


# -- 06.4 the minibatch gradient of the linear fit -----------------------------------------------

X_DATA, Y_DATA = course_data()
XS = (X_DATA - X_DATA.mean()) / X_DATA.std()


def _trials():
    rng = np.random.default_rng(6)
    return (
        ("p = (-5, 300), idx = [3] (one example)", np.array([-5.0, 300.0]), np.array([3])),
        ("p = (-5, 300), idx = [0, 5, 9, 17]", np.array([-5.0, 300.0]), np.array([0, 5, 9, 17])),
        (
            "p = (2, 310), 16 examples drawn with repeats",
            np.array([2.0, 310.0]),
            rng.integers(0, N, 16),
        ),
        ("p = (9, 315), every example", np.array([9.0, 315.0]), np.arange(N)),
    )


TRIALS_06_4 = _trials()


def _sum_not_mean(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.sum(2 * r * x[idx]), np.sum(2 * r)])


def _no_two(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.mean(r * x[idx]), np.mean(r)])


def _flipped(p, x, y, idx):
    r = y[idx] - p[0] * x[idx] - p[1]
    return np.array([np.mean(2 * r * x[idx]), np.mean(2 * r)])


def _all_examples(p, x, y, idx):
    r = p[0] * x + p[1] - y
    return np.array([np.mean(2 * r * x), np.mean(2 * r)])


def _swapped(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.mean(2 * r), np.mean(2 * r * x[idx])])


def _no_x_for_w(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.mean(2 * r), np.mean(2 * r)])


GRADIENT_VARIANTS = (
    (_sum_not_mean, "you summed over the batch: the loss is the mean over its B examples, so "
     "divide by B (np.mean), or the step grows with the batch."),
    (_no_two, "the derivative of r² is 2r: your gradient is half the right one."),
    (_flipped, "your gradient points the wrong way: with r = w·x + b − y, d(r²)/dw = 2r·x."),
    (_all_examples, "you used every example: the minibatch gradient averages over the examples "
     "in idx only (x[idx], y[idx])."),
    (_swapped, "right values in the wrong order: return [dL/dw, dL/db]."),
    (_no_x_for_w, "dL/dw carries the input: mean(2·r·x[idx]), not mean(2·r)."),
)  # fmt: skip


def _minibatch_gradient(answer) -> str:
    fn = function(answer, "minibatch_gradient(p, x, y, idx)")
    for label, p, idx in TRIALS_06_4:
        when = label
        got = as_array(
            call(fn, (p.copy(), XS.copy(), Y_DATA.copy(), idx.copy()), "minibatch_gradient", when),
            (2,),
            "the gradient",
            when,
        )
        want = FIT.grad(p, idx)
        if np.allclose(got, want, rtol=1e-9, atol=1e-9):
            continue
        for variant, hint in GRADIENT_VARIANTS:
            with np.errstate(all="ignore"):
                theirs = variant(p, XS, Y_DATA, idx)
            if np.allclose(got, theirs, rtol=1e-9, atol=1e-9):
                raise Wrong(hint)
        if not np.isfinite(got).all():
            raise Wrong(f"the gradient is {show(got)} ({when}): a division by zero?")
        raise Wrong(
            f"the gradient differs from optimlab's ({when}): expected {show(want)}, got "
            f"{show(got)}."
        )
    return (
        "right: it matches the fit's gradient on one example, a small batch, a batch with "
        f"repeats and all {N} examples; SGD's step is p − lr·minibatch_gradient(p, x, y, idx)."
    )


EXERCISES = (
    Exercise(
        id="06.1",
        title="the variance of one DataLoader batch",
        kind="number",
        prompt=(
            "At the start $(w, b) = (-5, 300)$ the per-example gradients have variance "
            f"$\\sigma^2 = {SIGMA2:.2f}$ (the table's B = 1 row, $n = {N}$ examples). "
            "`DataLoader(shuffle=True)` cuts a permutation into batches, so a batch of "
            "$B = 16$ holds 16 **different** examples. What is the variance of its gradient?\n\n"
            "`answer = ` a number."
        ),
        checker=_batch_variance,
        solution=(
            "Without replacement the variance of the mean of $B$ examples out of $n$ is "
            "$\\frac{\\sigma^2}{B}\\cdot\\frac{n - B}{n - 1} = \\frac{2599.04}{16}\\cdot"
            "\\frac{112}{127} = 143.25$, a little less than $\\sigma^2/B = 162.4$ with "
            "replacement. Check: `ol.theory.minibatch_variance(2599.04, 16, 128, "
            "replacement=False)`."
        ),
        example="answer = 2599.04 / 16 * 112 / 127",
    ),
    Exercise(
        id="06.2",
        title="what lowers the noise floor?",
        kind="prediction",
        prompt=(
            "The notebook's noise ball: SGD with $B = 1$ at a constant lr 0.1 from $(-5, 300)$, "
            "3000 updates, settles at $f - f^* \\approx 7.8$ (averaged over the last 1000 "
            "updates and 20 seeds). Predict: which of these changes, each on its own, give a "
            "clearly lower floor?\n\n"
            "- a: lr 0.03\n- b: batch size 16\n- c: seeds 20 to 39 instead of 0 to 19\n"
            "- d: start at the minimum\n- e: 6000 updates instead of 3000 (the floor over the "
            "last 1000)\n- f: the lr decaying as 1/t from 0.1\n\n"
            '`answer = ` a set of letters, e.g. `{"a", "c"}`. Check each with the panel or '
            "`ol.stochastic.noise_ball`."
        ),
        checker=_what_lowers_the_floor,
        solution=(
            "Near the minimum each step adds $\\text{lr}\\cdot\\xi$ with $\\xi$ the minibatch "
            "noise (variance $\\approx\\sigma^2/B$) and the curvature pulls back by a factor "
            "$1 - 2\\,\\text{lr}$: the two balance at a floor roughly in proportion to "
            "$\\text{lr}\\cdot\\sigma^2/B$. A smaller lr (a), a larger batch (b) and a "
            "decaying lr (f) lower it; the seed (c), the start (d) and running longer at the "
            "same lr (e) do not. So a, b and f."
        ),
        example='answer = {"a", "b", "f"}',
    ),
    Exercise(
        id="06.3",
        title="an lr for two epochs of SGD",
        kind="search",
        prompt=(
            "SGD with $B = 1$ on the notebook's `fit`, from $(-5, 300)$, for two epochs "
            "(256 updates). Find a constant lr that ends with $f - f^*$ below 0.5 on "
            "average over seeds 0 to 9. The check runs `ol.run(ol.SGD(lr=answer), fit, "
            "(-5.0, 300.0), 256, batch_size=1, seed=np.arange(10))`.\n\n"
            "`answer = ` a learning rate."
        ),
        checker=_two_epochs,
        solution=(
            "Two forces: the distance to the minimum shrinks by about $1 - 2\\,\\text{lr}$ per "
            "update, so lr must be large enough to arrive in 256 updates ($(1 - 2\\,\\text{lr})"
            "^{256}$ of the starting gap 420 must be small: lr ≳ 0.006); and the noise ball "
            "grows with lr (0.1 sits at 8): lr ≲ 0.016. lr = 0.01 ends at 0.2."
        ),
        example="answer = 0.01",
    ),
    Exercise(
        id="06.4",
        title="the minibatch gradient of the linear fit",
        kind="code",
        prompt=(
            "Write the gradient of the minibatch loss "
            "$L(w, b) = \\frac{1}{B}\\sum_{i \\in \\text{idx}} (w x_i + b - y_i)^2$: "
            "`minibatch_gradient(p, x, y, idx)` with `p = np.array([w, b])`, the data `x` "
            "(standardised) and `y`, and `idx` an integer array of the batch's examples "
            "(repeats allowed). It returns `np.array([dL/dw, dL/db])`. The check compares it "
            "with `fit.grad(p, idx)`.\n\n`answer = minibatch_gradient`"
        ),
        checker=_minibatch_gradient,
        solution=(
            "With $r_i = w x_i + b - y_i$: $\\partial L/\\partial w = \\frac{1}{B}\\sum 2 r_i "
            "x_i$ and $\\partial L/\\partial b = \\frac{1}{B}\\sum 2 r_i$, the means over the "
            "batch only. `x[idx]` picks the batch, repeats included."
        ),
        example=(
            "def minibatch_gradient(p, x, y, idx):\n"
            "    r = p[0] * x[idx] + p[1] - y[idx]\n"
            "    return np.array([np.mean(2 * r * x[idx]), np.mean(2 * r)])\n"
            "\n"
            "\n"
            "answer = minibatch_gradient"
        ),
        template=(
            "def minibatch_gradient(p, x, y, idx):\n"
            "    # your code: return np.array([dL/dw, dL/db])\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when minibatch_gradient is ready: answer = minibatch_gradient"
        ),
    ),
)
