"""Exercises of notebook 07: learning-rate schedules."""

from __future__ import annotations

import math

import numpy as np

from .. import lr_scheduler as L
from ..schedules import one_cycle, sgdr_restarts
from ._core import Exercise, Wrong, as_array, call, function, letters, number, show, whole_number

# -- 07.1 SGDR's third restart -------------------------------------------------------------


def _third_restart(answer) -> str:
    step = whole_number(answer, "an optimizer step")
    want = sgdr_restarts(10, 2, 200)[2]  # 71
    if step == want:
        return (
            "right: step 71. The periods are 10, 20, 40 steps (T_i = T_0·T_mult^i), so the "
            "restarts come after 10, 30 and 70 scheduler steps, and the lr of optimizer step "
            "t + 1 is the one after t scheduler steps."
        )
    hints = {
        70: "70 scheduler steps, yes; but the restarted lr is used by the next optimizer step: "
        "step 1 uses the lr after 0 scheduler steps.",
        31: "31 is the second restart (after 10 and 20 steps); count one more period of 40.",
        151: "151 is the fourth restart; the third comes after 10 + 20 + 40 steps.",
        41: "with T_mult = 1 the third restart would be at 31; T_mult = 2 doubles each period: "
        "10, 20, 40.",
        31 - 1: "30 is the second restart's scheduler step; the third is after 10 + 20 + 40.",
        40: "40 is the third period's length; the restart comes after all three, 10 + 20 + 40.",
    }
    if step in hints:
        raise Wrong(hints[step])
    raise Wrong(
        f"step {step} is too {'early' if step < want else 'late'}: add up the periods T_0, "
        "T_0·T_mult, T_0·T_mult² and remember that optimizer step t + 1 uses the lr after t "
        "scheduler steps."
    )


# -- 07.2 what torch's schedulers really do ----------------------------------------------------


def _statements() -> dict:
    """Each statement of 07.2 and whether it holds, computed with optimlab.lr_scheduler
    (which follows torch bit for bit)."""
    cos = L.CosineAnnealingLR(10).lrs(0.1, 21)
    step = L.StepLR(30, 0.1).lrs(0.1, 32)
    lin = L.LinearLR().lrs(0.3, 7)
    onecycle = L.OneCycleLR(0.1, total_steps=100).lrs(0.0, 100)
    return {
        "a": cos[20] < 0.01,  # it would restart: it climbs back instead (0.1 at t = 20)
        "b": bool(L.CyclicLR(0.01, 0.1).lrs(0.5, 1)[0] == 0.01),  # overwrites the lr
        "c": bool(step[29] == 0.1 and math.isclose(step[30], 0.01)),  # first cut at step 31
        "d": bool(math.isclose(lin[0], 0.1) and math.isclose(lin[5], 0.3)),  # 1/3, 5 steps
        "e": bool(math.isclose(onecycle[-1], 0.1 / 25 / 1e4)),  # ends at max_lr/25/1e4
        "f": bool(math.isclose(onecycle[0], 0.1)),  # starts at max_lr
    }


HINTS_07_2 = {
    "a": "CosineAnnealingLR has no restart: past T_max the cosine climbs back up (period "
    "2·T_max), to 0.1 again at t = 20; the restarts are CosineAnnealingWarmRestarts'.",
    "b": "CyclicLR sets the optimizer's lr to its own base_lr at construction: lrs(0.5, 1) "
    "gives 0.01, whatever lr the optimizer had.",
    "c": "StepLR(step_size=30) cuts the lr after 30 scheduler steps, and optimizer step 31 is "
    "the first to use it: steps 1–30 run at the base lr.",
    "d": "LinearLR's defaults are start_factor = 1/3 and total_iters = 5: base/3 at step 1, the "
    "base lr from step 6.",
    "e": "OneCycleLR ends at max_lr/div_factor/final_div_factor = max_lr/25/10⁴.",
    "f": "OneCycleLR starts at max_lr/div_factor = max_lr/25, not at max_lr (and ignores the "
    "optimizer's lr).",
}


def _torch_facts(answer) -> str:
    chosen = letters(answer, "abcdef")
    truth = {k for k, v in _statements().items() if v}
    if chosen == truth:
        return (
            "right: b, c, d and e. CosineAnnealingLR never restarts (it climbs back), and "
            "OneCycleLR starts at max_lr/25."
        )
    wrong = sorted(chosen ^ truth)
    more = len(wrong) - 1
    raise Wrong(HINTS_07_2[wrong[0]] + (f" ({more} more to fix.)" if more else ""))


# -- 07.3 a max_lr for one-cycle ------------------------------------------------------------------

TARGET_07_3 = 1e-3
BEST_07_3 = 0.0025  # where one_cycle(max_lr).final is lowest (7.2e-4), scanned on a log grid


def _one_cycle_lr(answer) -> str:
    lr = number(answer, "a learning rate")
    if lr <= 0:
        raise Wrong(f"max_lr must be positive, got {lr:g}.")
    if lr > 1:
        raise Wrong(
            f"max_lr = {lr:g} is far above the range test's curve (it turns up near 0.01 "
            "with momentum 0.9): try values between 1e-3 and 1e-2."
        )
    res = one_cycle(lr)
    final = res.final
    if math.isfinite(final) and final < TARGET_07_3:
        return (
            f"right: OneCycleLR({lr:g}) ends {final:.3g} above the minimum (mean of 20 seeds), "
            f"where the constant lr {lr:g} ends at {res.final_constant:.3g}."
        )
    if not math.isfinite(final) or (final > 100 and lr > BEST_07_3):
        raise Wrong(
            f"at max_lr = {lr:g} the run diverges or is thrown far off (it ends "
            f"{final:.3g} above the minimum): smaller."
        )
    if lr > BEST_07_3:
        raise Wrong(
            f"at max_lr = {lr:g} the run ends {final:.3g} above the minimum: the peak is high "
            "enough, but the noise ball it leaves is too wide for the short anneal; smaller."
        )
    if final > 100:  # a tiny peak: the run has hardly left the start (418 above the minimum)
        raise Wrong(
            f"at max_lr = {lr:g} the run ends {final:.3g} above the minimum: it has hardly "
            "left the start; larger."
        )
    raise Wrong(
        f"at max_lr = {lr:g} the run ends {final:.3g} above the minimum: it has not reached "
        "the line yet; larger."
    )


# -- 07.4 the cosine schedule as a function -----------------------------------------------------

TRIALS_07_4 = (
    ("T_max = 100, base_lr = 0.1, eta_min = 0", np.arange(0, 101), 0.1, 100, 0.0),
    ("T_max = 37, base_lr = 0.05, eta_min = 0.01", np.arange(0, 38), 0.05, 37, 0.01),
    ("T_max = 10, t up to 25 (past T_max)", np.arange(0, 26), 1.0, 10, 0.001),
)


def _reference(t, base_lr, T_max, eta_min):
    return L.CosineAnnealingLR(T_max, eta_min).lrs(base_lr, len(t))


def _cos_variant(t, base_lr, T_max, eta_min, *, shift=0, drop_min=False, no_pi=False,
                 no_half=False):  # fmt: skip
    t = np.asarray(t, dtype=float) + shift
    angle = t / T_max if no_pi else np.pi * t / T_max
    if drop_min:
        return base_lr * (1 + np.cos(angle)) / 2
    half = 1 if no_half else 2
    return eta_min + (base_lr - eta_min) * (1 + np.cos(angle)) / half


VARIANTS_07_4 = (
    (
        lambda *a: _cos_variant(*a, shift=1),
        "off by one: t counts scheduler steps from 0, and the lr at t = 0 is the base lr.",
    ),
    (
        lambda *a: _cos_variant(*a, drop_min=True),
        "close: the cosine runs from base_lr down to eta_min, so scale (base_lr − eta_min) and "
        "add eta_min.",
    ),
    (
        lambda *a: _cos_variant(*a, no_pi=True),
        "the angle is π·t/T_max: half a turn over T_max steps (cos(t/T_max) hardly moves).",
    ),
    (
        lambda *a: _cos_variant(*a, no_half=True),
        "(1 + cos) runs from 2 to 0: divide by 2, or the lr starts at twice base_lr.",
    ),
    (
        lambda t, base_lr, T_max, eta_min: np.where(
            np.asarray(t) <= T_max, _cos_variant(t, base_lr, T_max, eta_min), eta_min
        ),
        "torch has no restart and no floor past T_max: the cosine climbs back up (its period "
        "is 2·T_max). Keep the formula for every t.",
    ),
)


def _cosine_code(answer) -> str:
    fn = function(answer, "cosine_lr(t, base_lr, T_max, eta_min)")
    for label, t, base_lr, T_max, eta_min in TRIALS_07_4:
        when = label
        got = as_array(
            call(fn, (t.copy(), base_lr, T_max, eta_min), "cosine_lr", when), t.shape, "the lr",
            when,
        )  # fmt: skip
        want = _reference(t, base_lr, T_max, eta_min)
        if np.allclose(got, want, rtol=1e-9, atol=1e-15):
            continue
        for variant, hint in VARIANTS_07_4:
            with np.errstate(all="ignore"):
                theirs = np.asarray(variant(t, base_lr, T_max, eta_min), dtype=float)
            if np.allclose(got, theirs, rtol=1e-9, atol=1e-15):
                raise Wrong(hint)
        k = int(np.argmax(~np.isclose(got, want, rtol=1e-9, atol=1e-15)))
        raise Wrong(
            f"at t = {int(t[k])} ({label}) torch's CosineAnnealingLR has {show(want[k])}, yours "
            f"{show(got[k])}."
        )
    return (
        "right: it matches CosineAnnealingLR to round-off for three settings, past T_max too. "
        "To the last bit it does not: torch computes the cosine recursively from the previous "
        "lr, and the two differ by about 1e-14 relative."
    )


_SPECS = (
    {
        "id": "07.1",
        "title": "SGDR's third restart",
        "kind": "number",
        "prompt": (
            "`CosineAnnealingWarmRestarts(T_0=10, T_mult=2)` with `scheduler.step()` after every "
            "`optimizer.step()` (torch's order). At which optimizer step (counting from 1) does "
            "the lr jump back to the base lr for the **third** time? Check with "
            "`ol.lr_scheduler.CosineAnnealingWarmRestarts(10, 2).lrs(0.1, 200)`.\n\n"
            "`answer = ` an optimizer step."
        ),
        "checker": _third_restart,
        "solution": (
            "The periods are $T_0 = 10$, then $T_i = T_{i-1}\\cdot T_{mult}$: 10, 20, 40. The "
            "restarts come after 10, 30 and 70 scheduler steps; optimizer step $t + 1$ uses "
            "the lr after $t$ scheduler steps, so the third restart is used at step 71 "
            "(`ol.schedules.sgdr_restarts(10, 2)` lists 11, 31, 71, 151)."
        ),
        "example": "answer = 71",
    },
    {
        "id": "07.2",
        "title": "what torch's schedulers really do",
        "kind": "prediction",
        "prompt": (
            "Which of these hold for `torch.optim.lr_scheduler` (and `ol.lr_scheduler`, which "
            "follows it bit for bit)? Predict, then check with `.lrs(base_lr, steps)`.\n\n"
            "- a: `CosineAnnealingLR(T_max=10)` restarts: after 20 steps the lr is near 0 again\n"
            "- b: `CyclicLR(0.01, 0.1)` replaces the optimizer's own lr by 0.01\n"
            "- c: `StepLR(step_size=30)` first lowers the lr at optimizer step 31\n"
            "- d: `LinearLR()` warms up from a third of the lr over 5 steps\n"
            "- e: `OneCycleLR(0.1, total_steps=100)` ends at 0.1/25/10⁴\n"
            "- f: `OneCycleLR(0.1, total_steps=100)` starts at 0.1\n\n"
            '`answer = ` a set of letters, e.g. `{"a", "c"}`.'
        ),
        "checker": _torch_facts,
        "solution": (
            "b, c, d, e. (a) CosineAnnealingLR's cosine has period $2T_{max}$ and no restart: at "
            "$t = 20$ it is back at the base lr (restarts are SGDR's). (f) OneCycleLR starts at "
            "max_lr/div_factor = max_lr/25 and climbs to max_lr over the first 30% of the steps."
        ),
        "example": 'answer = {"b", "c", "d", "e"}',
    },
    {
        "id": "07.3",
        "title": "a max_lr for one-cycle",
        "kind": "search",
        "prompt": (
            "`ol.schedules.one_cycle(max_lr)` runs SGD (momentum cycled 0.95 → 0.85 → 0.95, "
            "minibatches of 8) on the noisy fit for 300 steps under "
            "`OneCycleLR(max_lr, total_steps=300)`, 20 seeds. "
            "Find a max_lr whose run ends less than $10^{-3}$ above the minimum "
            "(`one_cycle(max_lr).final`). The range test's max_lr is a start, not the "
            "answer.\n\n`answer = ` a max_lr."
        ),
        "checker": _one_cycle_lr,
        "solution": (
            "Scan a few values, e.g. `[(lr, ol.schedules.one_cycle(lr).final) for lr in "
            "(0.0015, 0.002, 0.0025, 0.003, 0.005, 0.0093)]`: 0.0015 has not reached the line "
            "(0.05), about 0.0021 to 0.0033 end below $10^{-3}$ (the lowest, 7e-4, near "
            "0.0025), and above that the noise ball the peak leaves is too wide for the anneal "
            "(0.0028 at the range test's 0.0093)."
        ),
        "example": "answer = 0.0025",
    },
    {
        "id": "07.4",
        "title": "the cosine schedule as a function",
        "kind": "code",
        "prompt": (
            "Write `cosine_lr(t, base_lr, T_max, eta_min)`: the lr after `t` scheduler steps "
            "under `CosineAnnealingLR(T_max, eta_min)` from `base_lr`, for an array `t` of "
            "steps 0, 1, 2, … (also past T_max). The check compares it with "
            "`ol.lr_scheduler.CosineAnnealingLR(T_max, eta_min).lrs(base_lr, len(t))`.\n\n"
            "`answer = cosine_lr`"
        ),
        "checker": _cosine_code,
        "solution": (
            "$\\eta_t = \\eta_{min} + (\\eta_{base} - \\eta_{min})"
            "\\,(1 + \\cos(\\pi t/T_{max}))/2$, "
            "for every $t$: past $T_{max}$ the cosine climbs back up, torch has no restart "
            "there. torch itself computes it recursively from the previous lr, which differs "
            "from this closed form by round-off only."
        ),
        "example": (
            "def cosine_lr(t, base_lr, T_max, eta_min):\n"
            "    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2\n"
            "\n"
            "\n"
            "answer = cosine_lr"
        ),
        "template": (
            "def cosine_lr(t, base_lr, T_max, eta_min):\n"
            "    # your code: the lr after t scheduler steps (t is an array)\n"
            "    ...\n"
            "\n"
            "\n"
            "answer = ...  # when cosine_lr is ready: answer = cosine_lr"
        ),
    },
)

EXERCISES = tuple(Exercise(**spec) for spec in _SPECS)
