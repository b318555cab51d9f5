"""Notebook 08's exercises: the typical mistakes get the intended hint, other right forms pass,
and the notebook ends with its exercises unanswered. (The generic checks over every exercise
are in test_exercises.py.)"""

from pathlib import Path

import numpy as np
import pytest
from hints import assert_intended_hint
from hypothesis import given, settings
from hypothesis import strategies as st
from ids import answer_id

from optimlab.exercises import EXERCISES, check

IDS = [i for i in EXERCISES if i.startswith("08.")]
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "08_newton.ipynb"


def newton_times_h(x, g, H, lr):
    return x - lr * np.einsum("...ij,...j->...i", H, g)


def newton_diagonal(x, g, H, lr):
    return x - lr * g / np.diagonal(H, axis1=-2, axis2=-1)


def newton_uphill(x, g, H, lr):
    return x + lr * np.linalg.solve(H, g[..., None])[..., 0]


def newton_saddle_free(x, g, H, lr):
    lam, v = np.linalg.eigh(H)
    c = np.einsum("...ji,...j->...i", v, g) / np.abs(lam)
    return x - lr * np.einsum("...ij,...j->...i", v, c)


def newton_no_batch(x, g, H, lr):
    return x - lr * np.linalg.solve(H, g)  # NumPy 2: a 2-D g is a matrix


def newton_inverse(x, g, H, lr):  # right, if not the way to compute it
    return x - lr * np.einsum("...ij,...j->...i", np.linalg.inv(H), g)


def newton_no_lr(x, g, H, lr):
    return x - np.linalg.solve(H, g[..., None])[..., 0]


TYPICAL_MISTAKES = [
    # 08.1 gradient descent's steps at κ = 50
    ("08.1", 173, ["loss", "error squared"]),
    ("08.1", 49, ["momentum's count"]),
    ("08.1", 684, ["1 − 1/κ", "twice as fast"]),
    ("08.1", 1, ["Newton"]),
    ("08.1", 345, ["one short"]),
    ("08.1", 691, ["κ = 100"]),
    ("08.1", 200, ["more steps"]),
    ("08.1", 1000, ["fewer steps"]),
    ("08.1", 345.3, ["whole number"]),
    ("08.1", -17743, ["at least 1"]),
    ("08.1", 10**12, ["fewer steps"]),
    ("08.1", "346", ["remove the quotes"]),
    # 08.2 which steps go uphill at the saddle
    ("08.2", {"a"}, ["(d) damped Newton", "uphill", "−0.1"]),
    ("08.2", {"a", "b", "d"}, ["(b) saddle-free", "downhill", "−1.96"]),
    ("08.2", {"a", "c", "d"}, ["(c) gradient descent", "downhill", "−0.648"]),
    ("08.2", set(), ["(a) Newton's method", "uphill", "1 more to fix"]),
    ("08.2", "ad", ["set of letters", "quotes"]),
    ("08.2", {"e"}, ["not one of the options"]),
    # 08.3 momentum's best settings on κ = 100
    ("08.3", (2 / 101, 0.0), ["without momentum", "691"]),
    ("08.3", (0.05, 0.5), ["diverges", "steep axis", "smaller lr"]),
    ("08.3", (0.01, 0.5), ["flat axis", "more momentum"]),
    ("08.3", (0.01, 0.95), ["too much momentum", "less momentum"]),
    ("08.3", (0.0331, 1.0), ["below 1"]),
    ("08.3", (0.0331, -0.1), ["Invalid momentum value: -0.1"]),
    ("08.3", (0.0, 0.5), ["nothing moves"]),
    ("08.3", 0.0331, ["pair (lr, momentum)"]),
    # 08.4 newton_step
    ("08.4", newton_times_h, ["multiplied by H", "solve"]),
    ("08.4", newton_diagonal, ["diagonal", "Adagrad"]),
    ("08.4", newton_uphill, ["wrong way"]),
    ("08.4", newton_saddle_free, ["saddle-free"]),
    ("08.4", newton_no_batch, ["ValueError", "batch", "g[..., None]"]),
    ("08.4", newton_no_lr, ["left out lr", "x − lr·H⁻¹g"]),
    ("08.4", lambda x, g, H, lr: x - lr * g, ["gradient descent", "solve"]),
    ("08.4", lambda x, g, H, lr: np.zeros(7), ["shape", "expected (2,)"]),
    ("08.4", lambda x, g, H, lr: None, ["None", "return"]),
    ("08.4", lambda x, g, H, lr: x / 0.0, ["division by zero"]),
]


@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    TYPICAL_MISTAKES,
    ids=[answer_id(i, a) for i, a, _ in TYPICAL_MISTAKES],
)
def test_typical_mistakes_get_the_intended_hint(exercise_id, answer, words):
    assert_intended_hint(exercise_id, answer, words)


def test_every_exercise_has_typical_mistakes_and_the_kinds_are_mixed():
    assert IDS == ["08.1", "08.2", "08.3", "08.4"]
    assert {i for i, _, _ in TYPICAL_MISTAKES} == set(IDS)
    assert [EXERCISES[i].kind for i in IDS] == ["number", "prediction", "search", "code"]


ALSO_RIGHT = [
    ("08.1", 346.0),
    ("08.1", np.int64(346)),
    ("08.2", ["A", "d"]),
    ("08.2", ("a", "d")),
    ("08.3", (0.03, 0.75)),
    ("08.3", {"lr": 0.025, "momentum": 0.8}),
    ("08.4", newton_inverse),
]


@pytest.mark.parametrize(("exercise_id", "answer"), ALSO_RIGHT)
def test_other_right_forms_pass(exercise_id, answer):
    result = check(exercise_id, answer)
    assert result.passed, result.message
    assert result.message.startswith("right")


def test_the_search_checks_by_running():
    msg = check("08.3", ((2 / 11) ** 2, (9 / 11) ** 2)).message
    assert "below 1e-6 from step 88 on" in msg
    # just outside the region: the measured error decides, not a formula
    assert not check("08.3", (0.0331, 0.6)).passed


@settings(max_examples=40, deadline=None)
@given(lr=st.floats(0, 0.1), m=st.floats(0, 0.999))
def test_any_pair_gets_a_message(lr, m):
    result = check("08.3", (lr, m))
    assert result.message and "the checker could not" not in result.message


def test_wrong_shape_is_told_so():  # test_exercises.py's WRONG_SHAPES has no entry for 08.4
    result = check("08.4", lambda x, g, H, lr: np.zeros(7))
    assert not result.passed and "shape" in result.message and "expected" in result.message
