"""Notebook 09's exercises: the typical mistakes get their hints, other right forms pass, and
the notebook ends with the exercises unanswered."""

from pathlib import Path

import numpy as np
import pytest
from hints import assert_intended_hint
from ids import answer_id

from optimlab.exercises import EXERCISES, check
from optimlab.exercises.nb09_race import noisy_adam_losses

IDS = [i for i in EXERCISES if i.startswith("09.")]
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "09_optimizer_race.ipynb"


def lookahead_no_restart(x, g, slow, t, lr, k, alpha):
    x = x - lr * g
    if t % k == 0:
        slow = slow + alpha * (x - slow)
    return x, slow


def lookahead_away(x, g, slow, t, lr, k, alpha):
    x = x - lr * g
    if t % k == 0:
        slow = slow + alpha * (slow - x)
        x = slow
    return x, slow


def lookahead_early(x, g, slow, t, lr, k, alpha):
    x = x - lr * g
    if (t - 1) % k == 0:
        slow = slow + alpha * (x - slow)
        x = slow
    return x, slow


def lookahead_swapped(x, g, slow, t, lr, k, alpha):
    x = x - lr * g
    if t % k == 0:
        slow = slow + alpha * (x - slow)
        x = slow
    return slow, x


def lookahead_plus(x, g, slow, t, lr, k, alpha):
    x = x + lr * g
    if t % k == 0:
        slow = slow + alpha * (x - slow)
        x = slow
    return x, slow


TYPICAL_MISTAKES = [
    ("09.1", 73, ["1.2", "−2y"]),
    ("09.1", 37, ["one short"]),
    ("09.1", 39, ["one too many"]),
    ("09.1", 10, ["too few"]),
    ("09.1", 38.5, ["whole number"]),
    ("09.2", {"a", "b", "c", "e"}, ["RMSprop does not", "lr·sign(g)"]),
    ("09.2", {"a", "c"}, ["Adagrad gets there"]),
    ("09.2", {"c", "e"}, ["SGD at its tuned lr gets there"]),
    ("09.2", {"a", "c", "d", "e"}, ["Adadelta does not"]),
    ("09.2", "ace", ["each letter in quotes"]),
    ("09.3", 0.1, ["too large", "noise"]),
    ("09.3", 0.03, ["too large"]),
    ("09.3", 0.001, ["too small", "not arrived"]),
    ("09.3", -0.01, ["positive"]),
    ("09.3", 1e6, ["too large"]),
    ("09.4", lookahead_no_restart, ["x = slow"]),
    ("09.4", lookahead_away, ["towards"]),
    ("09.4", lookahead_early, ["off by one"]),
    ("09.4", lookahead_swapped, ["wrong order"]),
    ("09.4", lookahead_plus, ["x_new differs", "step 1"]),
]


@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    TYPICAL_MISTAKES,
    ids=[answer_id(i, a) for i, a, _ in TYPICAL_MISTAKES],
)
def test_typical_mistakes_get_the_intended_hint(exercise_id, answer, words):
    assert_intended_hint(exercise_id, answer, words)


def test_four_exercises_of_mixed_kinds_each_with_mistakes_in_the_table():
    assert IDS == ["09.1", "09.2", "09.3", "09.4"]
    assert [EXERCISES[i].kind for i in IDS] == ["number", "prediction", "search", "code"]
    assert {i for i, _, _ in TYPICAL_MISTAKES} == set(IDS)


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        ("09.1", 38.0),
        ("09.1", np.int64(38)),
        ("09.2", ["A", "c", "E"]),
        ("09.3", 0.015),
        ("09.3", 0.009),
    ],  # fmt: skip
)
def test_other_right_forms_pass(exercise_id, answer):
    result = check(exercise_id, answer)
    assert result.passed, result.message


def test_the_noisy_bowl_window_is_what_the_solution_says():
    """About 0.009 to 0.024 keep the loss below 1e-2 over the last 50 of 500 steps."""
    ok = [lr for lr in (0.005, 0.008, 0.009, 0.02, 0.024, 0.025, 0.04) if
          noisy_adam_losses(lr)[-50:].max() < 1e-2]  # fmt: skip
    assert ok == [0.009, 0.02, 0.024]


def test_a_lookahead_returning_the_wrong_shape_is_told_so():
    """What tests/test_exercises.py's WRONG_SHAPES would hold for 09.4 (that table lists the
    registered code exercises: the lead adds "09.4" there at merge)."""
    result = check("09.4", lambda x, g, slow, t, lr, k, alpha: (np.zeros(7), slow))
    assert result.passed is False
    assert "shape" in result.message and "expected" in result.message
