"""Exercises 10.1-10.4 (notebook 10): typical mistakes get the intended hint, other right
answers pass, and the notebook ends with the exercises unanswered."""

from pathlib import Path

import numpy as np
import pytest
from hints import assert_intended_hint

from optimlab.exercises import EXERCISES, check
from optimlab.exercises.nb10_network import _decay_facts, _sgdm_loss

IDS = [i for i in EXERCISES if i.startswith("10.")]
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "10_training_a_network.ipynb"


def adamw_l2(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    g = g + weight_decay * x
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def adamw_after(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    x = x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return x * (1 - lr * weight_decay), m, v


def adamw_no_lr(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    x = x * (1 - weight_decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def adamw_uncorrected(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    x = x * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return x - lr * m / (np.sqrt(v) + eps), m, v


def adamw_swapped(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    x, m, v = EXERCISES["10.4"].example_answer(x, g, m, v, t, lr, beta1, beta2, eps, weight_decay)
    return m, x, v


TYPICAL_MISTAKES = [
    ("10.1", 0.01, ["Adam's lr"]),
    ("10.1", 0.002, ["norm"]),
    ("10.1", 0.1 * 2e-4 / 0.07, ["(1 − β₁)·Λ"]),
    ("10.1", 0.07 / 2e-4, ["1/Λ"]),
    ("10.1", 0.01 / 7, ["sum of the gradients"]),
    ("10.1", 0.5, ["too large"]),
    ("10.2", {"a", "c", "e"}, ["√v̂"]),
    ("10.2", {"b", "c"}, ["underfits"]),
    ("10.2", {"b", "e"}, ["same run"]),
    ("10.2", {"b", "c", "d", "e"}, ["too gentle"]),
    ("10.2", "bce", ["quotes"]),
    ("10.3", 0.003, ["too slow", "larger lr"]),
    ("10.3", 1.0, ["bounces", "smaller lr"]),
    ("10.3", -0.1, ["(0, 10]"]),
    ("10.4", adamw_l2, ["L2", "1 − lr·weight_decay"]),
    ("10.4", adamw_after, ["before Adam's step"]),
    ("10.4", adamw_no_lr, ["scaled by lr"]),
    ("10.4", adamw_uncorrected, ["bias correction"]),
    ("10.4", adamw_swapped, ["wrong order"]),
    ("10.4", lambda x, g, m, v, t, lr, b1, b2, eps, wd: (np.zeros(7), m, v), ["shape"]),
]


@pytest.mark.parametrize("exercise_id, answer, words", TYPICAL_MISTAKES)
def test_typical_mistakes_get_the_intended_hint(exercise_id, answer, words):
    assert_intended_hint(exercise_id, answer, words)


def test_every_exercise_has_typical_mistakes():
    assert {i for i, _, _ in TYPICAL_MISTAKES} == set(IDS) == {"10.1", "10.2", "10.3", "10.4"}
    assert {EXERCISES[i].kind for i in IDS} == {"number", "prediction", "search", "code"}


@pytest.mark.parametrize(
    "exercise_id, answer",
    [("10.1", 0.002857), ("10.1", np.float64(2 / 700)), ("10.2", ["B", "c", "e"]), ("10.3", 0.1)],
)
def test_other_right_answers(exercise_id, answer):
    assert check(exercise_id, answer).passed


def test_the_facts_behind_10_2_and_10_3():
    # the prediction's truth is measured, and what the solution says about it holds
    assert _decay_facts() == {"a": False, "b": True, "c": True, "d": False, "e": True}
    assert _sgdm_loss(0.01) > 0.42 > _sgdm_loss(0.03)
    assert _sgdm_loss(0.1) < 0.42 < _sgdm_loss(0.3)
