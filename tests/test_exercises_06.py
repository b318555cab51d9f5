"""Notebook 06's exercises: the typical mistakes get the intended hint, the prediction's table
is what running each option gives, and the notebook ends with its exercises unanswered."""

from pathlib import Path

import numpy as np
import pytest
from hints import assert_intended_hint
from ids import answer_id

import optimlab as ol
from optimlab import stochastic as S
from optimlab.exercises import EXERCISES, check
from optimlab.exercises.nb06_stochastic import LOWER_06_2, OPTIONS_06_2, SIGMA2

IDS = [i for i in EXERCISES if i.startswith("06.")]
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "06_stochastic_gradients.ipynb"


def grad_sum(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.sum(2 * r * x[idx]), np.sum(2 * r)])


def grad_half(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.mean(r * x[idx]), np.mean(r)])


def grad_uphill(p, x, y, idx):
    r = y[idx] - p[0] * x[idx] - p[1]
    return np.array([np.mean(2 * r * x[idx]), np.mean(2 * r)])


def grad_every_example(p, x, y, idx):
    r = p[0] * x + p[1] - y
    return np.array([np.mean(2 * r * x), np.mean(2 * r)])


def grad_b_first(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.mean(2 * r), np.mean(2 * r * x[idx])])


def grad_no_x(p, x, y, idx):
    r = p[0] * x[idx] + p[1] - y[idx]
    return np.array([np.mean(2 * r), np.mean(2 * r)])


def grad_tuple(p, x, y, idx):  # a tuple of two numbers is fine
    r = p[0] * x[idx] + p[1] - y[idx]
    return float(np.mean(2 * r * x[idx])), float(np.mean(2 * r))


TYPICAL_MISTAKES = [
    # 06.1 the variance of one DataLoader batch
    ("06.1", SIGMA2 / 16, ["with replacement", "(n − B)/(n − 1)"]),
    ("06.1", SIGMA2 / 16 * 112 / 128, ["close", "not (n − B)/n"]),
    ("06.1", SIGMA2 / 256, ["divided by B²"]),
    ("06.1", SIGMA2 / 4, ["standard deviation", "1/B"]),
    ("06.1", SIGMA2, ["one example's"]),
    ("06.1", SIGMA2 * 112 / 127, ["forgot to divide by B"]),
    ("06.1", 100, ["too small"]),
    ("06.1", 1000, ["too large"]),
    ("06.1", "143", ["remove the quotes"]),
    # 06.2 what lowers the noise floor
    ("06.2", {"b", "f"}, ["smaller lr is a smaller noise ball"]),
    ("06.2", {"a", "f"}, ["averages the noise"]),
    ("06.2", {"a", "b"}, ["decaying lr"]),
    ("06.2", {"a", "b", "c", "f"}, ["other seeds"]),
    ("06.2", {"a", "b", "d", "f"}, ["whatever its start"]),
    ("06.2", {"a", "b", "e", "f"}, ["does not shrink with time"]),
    ("06.2", {"a", "b", "f", "z"}, ["not one of the options"]),
    ("06.2", "abf", ["set of letters", "quotes"]),
    # 06.3 an lr for two epochs
    ("06.3", 0.1, ["noise ball", "smaller"]),
    ("06.3", 0.03, ["noise ball", "smaller"]),
    ("06.3", 0.002, ["on the way down", "larger"]),
    ("06.3", 0.0, ["nothing moves"]),
    ("06.3", -0.01, ["Invalid learning rate: -0.01"]),
    ("06.3", 5.0, ["overflow", "much smaller"]),
    ("06.3", 1.0, ["blow up", "much smaller"]),  # finite but far above the start: not a ball
    # 06.4 minibatch_gradient
    ("06.4", grad_sum, ["summed over the batch", "np.mean"]),
    ("06.4", grad_half, ["2r"]),
    ("06.4", grad_uphill, ["wrong way"]),
    ("06.4", grad_every_example, ["every example", "x[idx]"]),
    ("06.4", grad_b_first, ["wrong order"]),
    ("06.4", grad_no_x, ["carries the input"]),
    ("06.4", lambda p, x, y, idx: np.zeros(7), ["shape (7,)", "expected (2,)"]),
    ("06.4", lambda p, x, y, idx: None, ["None", "forget return"]),
    ("06.4", lambda p, x, y, idx: p + 1, ["differs", "expected"]),
]


@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    TYPICAL_MISTAKES,
    ids=[answer_id(i, a) for i, a, _ in TYPICAL_MISTAKES],
)
def test_typical_mistakes_get_the_intended_hint(exercise_id, answer, words):
    assert_intended_hint(exercise_id, answer, words)


def test_every_exercise_of_06_has_typical_mistakes_and_mixed_kinds():
    assert {i for i, _, _ in TYPICAL_MISTAKES} == set(IDS) == {"06.1", "06.2", "06.3", "06.4"}
    assert {EXERCISES[i].kind for i in IDS} == {"number", "prediction", "search", "code"}


ALSO_RIGHT = [
    ("06.1", 143.25),
    ("06.1", np.float64(ol.theory.minibatch_variance(SIGMA2, 16, 128, replacement=False))),
    ("06.2", ["A", "b", "F"]),
    ("06.3", 0.008),
    ("06.3", 0.015),
    ("06.4", grad_tuple),
]


@pytest.mark.parametrize(("exercise_id", "answer"), ALSO_RIGHT)
def test_other_right_forms_pass(exercise_id, answer):
    result = check(exercise_id, answer)
    assert result.passed, result.message


def test_the_example_answers_pass():
    for i in IDS:
        assert check(i, EXERCISES[i].example_answer).passed


def test_06_2s_table_is_what_running_each_option_gives():
    """Each option against the base run (shorter than the notebook's: 1500 updates, the floor
    over the last 500, 8 seeds); "clearly lower" means below 60% of the base floor."""
    fit, steps, last, seeds = S.course_fit(), 1500, 500, np.arange(8)
    f_min = float(fit.f(np.asarray(fit.minimum)))

    def floor(lr=0.1, batch_size=1, seeds=seeds, x0=S.START, steps=steps, decay="none"):
        t = ol.run(
            ol.SGD(lr=lr), fit, x0, steps, batch_size=batch_size, seed=seeds,
            keep=("loss",), schedule=S.schedule(decay),
        )  # fmt: skip
        return float(np.mean(t.loss[-last:] - f_min))

    base = floor()
    changed = {
        "a": floor(lr=0.03),
        "b": floor(batch_size=16),
        "c": floor(seeds=seeds + 20),
        "d": floor(x0=np.asarray(fit.minimum)),
        "e": floor(steps=2 * steps),
        "f": floor(decay="1/t"),
    }
    assert set(changed) == set(OPTIONS_06_2)
    assert {k for k, v in changed.items() if v < 0.6 * base} == LOWER_06_2
    for k in set(OPTIONS_06_2) - LOWER_06_2:
        assert 0.6 * base < changed[k] < 1.6 * base, (k, changed[k], base)


def test_06_3s_range_of_right_answers():
    passing = [lr for lr in (0.006, 0.008, 0.01, 0.013, 0.015, 0.02) if check("06.3", lr).passed]
    assert passing == [0.008, 0.01, 0.013, 0.015]
