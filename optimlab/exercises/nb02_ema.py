"""Exercises of notebook 02: the exponentially weighted average and its β."""

from __future__ import annotations

import numpy as np

from ..theory import ema
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
    same,
    show,
    whole_number,
)

# -- 02.1 the window of beta = 0.95 -----------------------------------------------------------


def _window(answer) -> str:
    n = number(answer)
    if close(n, 20):
        return (
            "right: 1/(1 − 0.95) = 20. The weight of the value 20 steps back is 0.95^20 = 0.36 "
            "of the newest one's, about 1/e."
        )
    hint = known_mistake(
        n,
        [
            (0.05, "0.05 is 1 − β, the newest value's weight; the window is its reciprocal."),
            (
                19,
                "19 is the lag β/(1 − β), how far the average trails a rising series; the "
                "window is one more, 1/(1 − β).",
            ),
            (10, "10 is the window of β = 0.9; at β = 0.95 the weights decay more slowly."),
            (50, "50 is the window of β = 0.98; at β = 0.95 the weights decay faster."),
            (0.95, "0.95 is β itself; the window is a number of steps."),
        ],
    )
    if hint:
        raise Wrong(hint)
    if n <= 0:
        raise Wrong("the window is a positive number of steps.")
    left = 0.95**n
    if n < 20:
        raise Wrong(
            f"the value {n:g} steps back still weighs {left:.2f} of the newest one; the window "
            f"ends where that falls to about 1/e = 0.37: larger."
        )
    raise Wrong(
        f"the value {n:g} steps back weighs only {left:.2g} of the newest one, well below "
        "1/e = 0.37: smaller."
    )


# -- 02.2 which betas lag by more than 10 steps -----------------------------------------------

BETAS_02_2 = (0.5, 0.8, 0.9, 0.95, 0.98)


def _lags() -> dict[float, float]:
    """How far each β's EMA trails the ramp θ_t = t after 3000 steps, measured."""
    t = np.arange(1.0, 3001.0)
    return {b: float(t[-1] - ema(t, b)[-1]) for b in BETAS_02_2}


def _which_lag(answer) -> str:
    chosen = candidates(answer, BETAS_02_2, "[0.8, 0.9]")
    lags = _lags()
    truth = {b for b, lag in lags.items() if lag > 10}
    if chosen == truth:
        return (
            "right: the lag is β/(1 − β), measured here on a ramp: 1, 4, 9, 19 and 49 steps; "
            "0.95 and 0.98 trail by more than 10."
        )
    wrong = sorted(chosen ^ truth, key=lambda b: (b != 0.9, b))
    b = wrong[0]
    if b == 0.9:
        hint = (
            "β = 0.9 trails by β/(1 − β) = 9 steps, just under 10: one less than its window "
            "1/(1 − β) = 10."
        )
    elif b in truth:
        hint = f"β = {b:g} trails by β/(1 − β) = {lags[b]:.0f} steps, more than 10."
    else:
        lag = round(lags[b])
        hint = f"β = {b:g} trails by only β/(1 − β) = {lag} step{'s' * (lag != 1)}."
    more = len(wrong) - 1
    raise Wrong(hint + (f" ({more} more to fix.)" if more else ""))


# -- 02.3 steps until 99% ---------------------------------------------------------------------


def _to_99(answer) -> str:
    t = whole_number(answer)
    v = ema(np.ones(400), 0.9)  # v_1, v_2, ...: v[t - 1] is v_t
    want = int(np.argmax(v >= 0.99)) + 1
    if t == want:
        return (
            f"right: v_t = 1 − 0.9^t; v_{want - 1} = {v[want - 2]:.4f} and v_{want} = "
            f"{v[want - 1]:.4f}. The bias from v_0 = 0 lasts more than four windows."
        )
    if t < 1:
        raise Wrong("the first average is v_1: count from 1.")
    if t == 10:
        raise Wrong(
            "after one window, v_10 = 1 − 0.9^10 = 0.65: the start at 0 is felt for several "
            "windows. More."
        )
    if t == want - 1:
        raise Wrong(f"one short: v_{t} = {v[t - 1]:.4f}, still below 0.99.")
    if t == want + 1:
        raise Wrong(f"one too many: v_{want} = {v[want - 1]:.4f} is already at least 0.99.")
    if t < want:
        raise Wrong(f"v_{t} = {v[t - 1]:.4f}, still below 0.99: more steps.")
    n = min(t - 1, len(v))
    raise Wrong(f"v_{n} = {v[n - 1]:.4f} is already above 0.99: fewer steps.")


# -- 02.4 the bias-corrected EMA as a NumPy function -------------------------------------------

_rng = np.random.default_rng(2)
EMA_CASES = (
    (np.array([10.0, 12.0, 11.0, 13.0, 12.0]), 0.9, "the notebook's five readings, beta = 0.9"),
    (_rng.normal(5.0, 2.0, 60), 0.98, "60 random values, beta = 0.98"),
    (np.array([3.0]), 0.5, "one value, beta = 0.5"),
    (_rng.normal(0.0, 1.0, 30), 0.0, "30 random values, beta = 0 (no smoothing)"),
)


def _ema_loop(values, beta, start=0.0, power=0, compound=False, swap=False):
    """The EMA with a typical mistake: a different start, bias power off by ``power``, the
    correction compounded into v, or β and 1 − β swapped."""
    v, out = start, []
    a, b = (1 - beta, beta) if swap else (beta, 1 - beta)
    for t, value in enumerate(values, start=1):
        v = a * v + b * value
        corrected = v / (1 - beta ** (t + power)) if power is not None else v
        if compound:
            v = corrected
        out.append(corrected)
    return np.array(out)


def _ema_variants(values, beta):
    return [
        (
            _ema_loop(values, beta, power=None),
            "this is the EMA without bias correction: divide each v_t by 1 − β^t.",
        ),
        (
            _ema_loop(values, beta, power=-1),
            "off by one: the first value is t = 1, corrected by 1 − β^1 (your power is t − 1).",
        ),
        (
            _ema_loop(values, beta, power=1),
            "off by one: the first value is t = 1, corrected by 1 − β^1 (your power is t + 1).",
        ),
        (
            _ema_loop(values, beta, compound=True),
            "you divided the running v itself, so the correction compounds from step to step: "
            "keep v uncorrected and divide only the values you return.",
        ),
        (
            _ema_loop(values, beta, swap=True),
            "you swapped β and 1 − β: the old average keeps the weight β, the new value gets "
            "1 − β.",
        ),
        (
            _ema_loop(values, beta, start=values[0], power=None),
            "starting from v_1 = θ_1 is another way around the bias, but not the one asked: start "
            "from v_0 = 0 and divide by 1 − β^t.",
        ),
    ]


def _ema_code(answer) -> str:
    fn = function(answer, "ema_corrected(values, beta)")
    for values, beta, label in EMA_CASES:
        want = ema(values, beta, bias_correction=True)
        got = call(fn, (values.copy(), beta), "ema_corrected", label)
        got = as_array(got, want.shape, "the result", label)
        if same(got, want):
            continue
        with np.errstate(all="ignore"):  # a variant's 1 − β^0 divides by zero
            variants = _ema_variants(values, beta)
        for variant, hint in variants:
            if same(got, variant):
                raise Wrong(hint)
        bad = int(np.argmax(~np.isclose(got, want, rtol=1e-9, atol=1e-300)))
        raise Wrong(
            f"the value for t = {bad + 1} differs ({label}): expected {fmt(want[bad])}, got "
            f"{show(got[bad])}."
        )
    return (
        "right: it matches ol.theory.ema(values, beta, bias_correction=True) on four series, "
        "one value long to 60."
    )


EXERCISES = (
    Exercise(
        id="02.1",
        title="the window of β = 0.95",
        kind="number",
        prompt=(
            "About how many recent values does an EMA with $\\beta = 0.95$ average over (its "
            "effective window)?\n\n`answer = ` a number."
        ),
        checker=_window,
        solution=(
            "The window is $1/(1-\\beta) = 1/0.05 = 20$: after 20 steps a weight has fallen to "
            "$0.95^{20} = 0.36 \\approx 1/e$ of the newest one. (The lag, how far the average "
            "trails a rising series, is $\\beta/(1-\\beta) = 19$.)"
        ),
        example="answer = 1 / (1 - 0.95)",
    ),
    Exercise(
        id="02.2",
        title="which β lag by more than 10 steps?",
        kind="prediction",
        prompt=(
            "An EMA trails a steadily rising series. Predict, then check with the smoothing "
            "panel's lag lines: which of these $\\beta$ make it trail by **more than 10 steps**?"
            "\n\n0.5, 0.8, 0.9, 0.95, 0.98\n\n"
            "`answer = ` a list, e.g. `[0.8, 0.9]` (`[]` if none)."
        ),
        checker=_which_lag,
        solution=(
            "On a ramp $\\theta_t = t$ the average settles at $t - \\beta/(1-\\beta)$: the lag is "
            "$\\beta/(1-\\beta)$, that is 1, 4, 9, 19 and 49 steps for the five $\\beta$. Only "
            "0.95 and 0.98 exceed 10; 0.9 trails by 9, one less than its window of 10."
        ),
        example="answer = [0.95, 0.98]",
    ),
    Exercise(
        id="02.3",
        title="how long the bias lasts",
        kind="number",
        prompt=(
            "An EMA with $\\beta = 0.9$, started at $v_0 = 0$ and **without** bias correction, "
            "averages the constant series $\\theta_t = 1$. After how many steps is $v_t$ at "
            "least 0.99 for the first time?\n\n`answer = ` a whole number of steps."
        ),
        checker=_to_99,
        solution=(
            "The weights of $t$ values add up to $1 - \\beta^t$, so $v_t = 1 - 0.9^t$. "
            "$0.9^t \\le 0.01$ needs $t \\ge \\ln 0.01/\\ln 0.9 = 43.7$: $t = 44$ "
            "($v_{43} = 0.9892$, $v_{44} = 0.9903$). Check: "
            "`ol.theory.ema(np.ones(50), 0.9)[43]`. Bias correction, $v_t/(1 - 0.9^t)$, gives 1 "
            "from the first step."
        ),
        example="answer = 44",
    ),
    Exercise(
        id="02.4",
        title="the bias-corrected EMA as a NumPy function",
        kind="code",
        prompt=(
            "Write `ema_corrected(values, beta)`: start from $v_0 = 0$, update "
            "$v_t = \\beta v_{t-1} + (1-\\beta)\\theta_t$ for each value, and return the "
            "bias-corrected $\\hat v_t = v_t/(1-\\beta^t)$ for $t = 1, \\dots, n$ as an array of "
            "$n$ values. The check compares it with "
            "`ol.theory.ema(values, beta, bias_correction=True)`.\n\n`answer = ema_corrected`"
        ),
        checker=_ema_code,
        solution=(
            "Keep the running $v$ uncorrected, and divide only what you return; $t$ counts from "
            "1, so the first value is divided by $1 - \\beta$ and comes out as $\\theta_1$ "
            "itself."
        ),
        example=(
            "def ema_corrected(values, beta):\n"
            "    v, out = 0.0, []\n"
            "    for t, value in enumerate(values, start=1):\n"
            "        v = beta * v + (1 - beta) * value\n"
            "        out.append(v / (1 - beta**t))\n"
            "    return np.array(out)\n"
            "\n"
            "\n"
            "answer = ema_corrected"
        ),
        template=(
            "def ema_corrected(values, beta):\n"
            "    # your code: return v_t / (1 - beta**t) for t = 1 .. len(values)\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when ema_corrected is ready: answer = ema_corrected"
        ),
    ),
)
