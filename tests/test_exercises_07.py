"""Notebook 07's exercises: typical mistakes get the intended hint, other right forms pass, and
the notebook ends with the exercises unanswered. (The generic checks over every exercise are in
test_exercises.py; ``TYPICAL_MISTAKES_07`` and ``WRONG_SHAPES_07`` are this notebook's rows for
its tables.)"""

from pathlib import Path

import numpy as np
import pytest
from hints import assert_intended_hint
from ids import answer_id

from optimlab.exercises import EXERCISES, check

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "07_lr_schedules.ipynb"
IDS = [i for i in EXERCISES if i.startswith("07.")]


def cosine_shifted(t, base_lr, T_max, eta_min):
    t = np.asarray(t) + 1
    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2


def cosine_no_eta_min(t, base_lr, T_max, eta_min):
    return base_lr * (1 + np.cos(np.pi * np.asarray(t) / T_max)) / 2


def cosine_no_pi(t, base_lr, T_max, eta_min):
    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.asarray(t) / T_max)) / 2


def cosine_no_half(t, base_lr, T_max, eta_min):
    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * np.asarray(t) / T_max))


def cosine_floored(t, base_lr, T_max, eta_min):
    t = np.asarray(t)
    lr = eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2
    return np.where(t <= T_max, lr, eta_min)


def cosine_sine(t, base_lr, T_max, eta_min):
    return eta_min + (base_lr - eta_min) * (1 + np.sin(np.pi * np.asarray(t) / T_max)) / 2


def cosine_scalar(t, base_lr, T_max, eta_min):
    import math

    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2


TYPICAL_MISTAKES_07 = [
    # 07.1 SGDR's third restart
    ("07.1", 70, ["scheduler steps", "next optimizer step"]),
    ("07.1", 31, ["second restart", "40"]),
    ("07.1", 151, ["fourth restart"]),
    ("07.1", 41, ["T_mult = 2 doubles"]),
    ("07.1", 40, ["third period's length"]),
    ("07.1", 50, ["too early"]),
    ("07.1", 100, ["too late"]),
    ("07.1", 70.5, ["whole number"]),
    # 07.2 what torch's schedulers do
    ("07.2", {"a", "b", "c", "d", "e"}, ["no restart", "climbs back"]),
    ("07.2", {"c", "d", "e"}, ["own base_lr"]),
    ("07.2", {"b", "d", "e"}, ["step 31", "steps 1–30"]),
    ("07.2", {"b", "c", "e"}, ["start_factor = 1/3"]),
    ("07.2", {"b", "c", "d"}, ["max_lr/25/10⁴"]),
    ("07.2", {"b", "c", "d", "e", "f"}, ["starts at max_lr/div_factor"]),
    ("07.2", {"b"}, ["step 31", "2 more to fix"]),
    ("07.2", "bcde", ["put each letter in quotes"]),
    # 07.3 a max_lr for one-cycle
    ("07.3", 0.0093, ["noise ball", "smaller"]),
    ("07.3", 0.02, ["smaller"]),
    ("07.3", 0.0015, ["not reached", "larger"]),
    ("07.3", 1e-4, ["hardly", "larger"]),  # a tiny lr is not "thrown far off"
    ("07.3", 1e-6, ["hardly", "larger"]),
    ("07.3", 0.5, ["too wide", "smaller"]),
    ("07.3", 5.0, ["far above", "1e-3 and 1e-2"]),
    ("07.3", -0.01, ["must be positive"]),
    # 07.4 cosine_lr
    ("07.4", cosine_shifted, ["off by one", "t = 0"]),
    ("07.4", cosine_no_eta_min, ["(base_lr − eta_min)", "add eta_min"]),
    ("07.4", cosine_no_pi, ["π·t/T_max"]),
    ("07.4", cosine_no_half, ["divide by 2"]),
    ("07.4", cosine_floored, ["no restart", "climbs back"]),
    ("07.4", cosine_sine, ["at t = 0", "torch's CosineAnnealingLR has"]),
    ("07.4", cosine_scalar, ["TypeError", "np.sqrt"]),
]

WRONG_SHAPES_07 = {"07.4": lambda t, base_lr, T_max, eta_min: np.zeros(7)}


@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    TYPICAL_MISTAKES_07,
    ids=[answer_id(i, a) for i, a, _ in TYPICAL_MISTAKES_07],
)
def test_typical_mistakes_get_the_intended_hint(exercise_id, answer, words):
    assert_intended_hint(exercise_id, answer, words)


def test_every_exercise_has_typical_mistakes_in_the_table():
    assert {i for i, _, _ in TYPICAL_MISTAKES_07} == set(IDS) == {"07.1", "07.2", "07.3", "07.4"}
    assert {e.kind for i, e in EXERCISES.items() if i in IDS} == {
        "number",
        "prediction",
        "search",
        "code",
    }


@pytest.mark.parametrize("exercise_id", list(WRONG_SHAPES_07))
def test_a_function_returning_the_wrong_shape_is_told_so(exercise_id):
    message = check(exercise_id, WRONG_SHAPES_07[exercise_id]).message
    assert "shape" in message and "expected" in message


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        ("07.1", 71.0),
        ("07.1", np.int64(71)),
        ("07.2", ["B", "c", "d", "E"]),
        ("07.3", 0.0022),
        ("07.3", 0.0032),
        ("07.4", lambda t, b, T, e: e + (b - e) * np.cos(np.pi * np.asarray(t) / (2 * T)) ** 2),
    ],
)
def test_other_right_forms_pass(exercise_id, answer):
    result = check(exercise_id, answer)
    assert result.passed, result.message
