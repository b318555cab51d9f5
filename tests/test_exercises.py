"""optimlab.exercises: every exercise passes its example answer, survives any answer, and answers
the typical mistakes with the intended hint; the notebooks end with their exercises."""

import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hints import assert_intended_hint
from hypothesis import given, settings
from hypothesis import strategies as st
from ids import answer_id

import optimlab as ol
from optimlab.exercises import EXERCISES, Result, check, solution
from optimlab.exercises._core import NOT_ANSWERED

IDS = list(EXERCISES)
CODE = [i for i in IDS if EXERCISES[i].kind == "code"]
NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def assert_fails_with_message(result):
    assert isinstance(result, Result)
    assert result.passed is False
    assert isinstance(result.message, str) and len(result.message) > 10
    assert "the checker could not" not in result.message, result.message


def raises(*args, **kwargs):
    raise ZeroDivisionError("boom")


# -- the registry ------------------------------------------------------------------------------


def test_three_to_five_exercises_per_notebook_of_every_kind():
    for nb in ("01", "02", "03", "04", "05"):
        ours = [e for i, e in EXERCISES.items() if i.startswith(nb + ".")]
        assert 3 <= len(ours) <= 5, nb
        assert [e.id for e in ours] == [f"{nb}.{k}" for k in range(1, len(ours) + 1)]
        assert {"code", "number"} <= {e.kind for e in ours}, nb
    kinds = {e.kind for e in EXERCISES.values()}
    assert kinds == {"number", "prediction", "search", "code"}


def test_the_registry_is_read_only():
    with pytest.raises(TypeError):
        EXERCISES["99.1"] = EXERCISES["01.1"]


def test_ol_exercises_is_the_module():
    assert ol.exercises.check is check
    assert ol.exercises.EXERCISES is EXERCISES


def test_importing_exercises_loads_numpy_only():
    code = (
        "import sys, optimlab, optimlab.exercises as ex; "
        "assert ex.check('01.1', 0.25).passed; "
        "bad = [m for m in ('matplotlib', 'ipywidgets', 'ipympl') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


@pytest.mark.parametrize("bad_id", ["01.9", "1.1", 1.1, None, ""])
def test_an_unknown_id_is_a_programming_error_listing_the_ids(bad_id):
    for call in (lambda: check(bad_id, 0.25), lambda: solution(bad_id)):
        with pytest.raises(KeyError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert "01.1" in str(info.value) and "05.4" in str(info.value)


# -- every exercise ------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_example_answer_passes(exercise_id):
    result = check(exercise_id, EXERCISES[exercise_id].example_answer)
    assert result.passed, result.message
    assert result.message.startswith("right")


@pytest.mark.parametrize("exercise_id", IDS)
def test_not_answered_yet(exercise_id):
    result = check(exercise_id, ...)
    assert result.passed is False and result.answered is False
    assert result.message == NOT_ANSWERED == "not answered yet: replace ... with your answer."
    assert repr(result) == f"○ Exercise {exercise_id}: {NOT_ANSWERED}"


@pytest.mark.parametrize("exercise_id", IDS)
@pytest.mark.parametrize(
    "answer",
    [None, "0.25", "an answer", float("nan"), np.nan, float("inf"), True, raises, object()],
    ids=["None", "str-number", "str", "nan", "np.nan", "inf", "True", "raises", "object"],
)
def test_any_wrong_type_fails_with_a_message_and_no_exception(exercise_id, answer):
    assert_fails_with_message(check(exercise_id, answer))


@pytest.mark.parametrize("exercise_id", IDS)
def test_nan_and_strings_are_named(exercise_id):
    if EXERCISES[exercise_id].kind == "code":
        assert "expected a function" in check(exercise_id, "0.25").message
        return
    assert "text '0.25'" in check(exercise_id, "0.25").message
    if EXERCISES[exercise_id].kind in ("number", "search"):
        assert "NaN" in check(exercise_id, float("nan")).message
    if EXERCISES[exercise_id].kind == "number":
        assert "remove the quotes" in check(exercise_id, "0.25").message


@pytest.mark.parametrize("exercise_id", CODE)
def test_a_function_that_raises_is_reported_with_its_exception(exercise_id):
    message = check(exercise_id, raises).message
    assert "ZeroDivisionError: boom" in message


WRONG_SHAPES = {
    "01.5": lambda x0, lr, steps: np.zeros(7),
    "02.4": lambda values, beta: np.zeros(len(values) + 1),
    "03.5": lambda x, g, buf, lr, m: (np.zeros(7), np.zeros(7)),
    "04.3": lambda x, g, v, lr, alpha, eps: (np.zeros(7), v),
    "05.3": lambda x, g, m, v, t, lr, b1, b2, eps: (np.zeros(7), m, v),
}


def wrong_shape(exercise_id):
    """WRONG_SHAPES' answer, or else the example answer with its first array cut to 7 values."""
    if exercise_id in WRONG_SHAPES:
        return WRONG_SHAPES[exercise_id]
    right = EXERCISES[exercise_id].example_answer

    def answer(*args):
        out = right(*args)
        return (np.zeros(7), *out[1:]) if isinstance(out, tuple) else np.zeros(7)

    return answer


@pytest.mark.parametrize("exercise_id", CODE)
def test_a_function_returning_the_wrong_shape_is_told_so(exercise_id):
    result = check(exercise_id, wrong_shape(exercise_id))
    assert_fails_with_message(result)
    assert "shape" in result.message and "expected" in result.message


@pytest.mark.parametrize("exercise_id", CODE)
def test_a_function_returning_none_is_told_so(exercise_id):
    result = check(exercise_id, lambda *args: None)
    assert_fails_with_message(result)
    assert "None" in result.message


@pytest.mark.parametrize("exercise_id", CODE)
def test_a_called_function_instead_of_the_function(exercise_id):
    result = check(exercise_id, (np.zeros(3), np.zeros(3)))
    assert "(the function, not a call)" in result.message
    assert "did you call" in result.message


@pytest.mark.parametrize("exercise_id", CODE)
def test_checking_a_code_answer_takes_well_under_a_second(exercise_id):
    """A generous bound (machines are noisy); the report gives the measured times."""
    start = time.perf_counter()
    assert check(exercise_id, EXERCISES[exercise_id].example_answer).passed
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_shows_the_worked_solution_and_a_passing_answer(exercise_id):
    e = EXERCISES[exercise_id]
    shown = solution(exercise_id)
    assert e.solution in repr(shown) and e.example in repr(shown)
    md = shown._repr_markdown_()
    assert f"**Exercise {exercise_id}: {e.title}**" in md and "```python\n" in md
    scope = {"np": np}
    exec(e.example, scope)  # the code shown is the code that passes
    assert check(exercise_id, scope["answer"]).passed


def test_results_display_as_text_markdown_and_html():
    right, wrong = check("01.1", 0.25), check("01.1", 0.125)
    assert repr(right).startswith("✓ Exercise 01.1: right")
    assert repr(wrong).startswith("✗ Exercise 01.1: 0.125 is the one-step rate")
    assert wrong._repr_markdown_().startswith("**✗ Exercise 01.1:** 0.125")
    html = check("04.3", lambda *a: "<b>").message
    assert "<b>" in html
    assert "&lt;b&gt;" in check("04.3", lambda *a: "<b>")._repr_html_()
    assert check("01.1", 0.25)._repr_html_().count("✓") == 1


# -- typical mistakes get the intended hint -------------------------------------------------------


def gd_grad_4x(x0, lr, steps):
    x = np.full(np.shape(lr), float(x0))
    xs = [x]
    for _ in range(steps):
        x = x - lr * 4 * x
        xs.append(x)
    return np.array(xs)


def gd_without_x0(x0, lr, steps):
    x, xs = np.full(np.shape(lr), float(x0)), []
    for _ in range(steps):
        x = x - lr * 8 * x
        xs.append(x)
    return np.array(xs)


def gd_scalar_only(x0, lr, steps):
    x, xs = float(x0), [float(x0)]
    for _ in range(steps):
        x = x - lr * 8 * x
        xs.append(x)
    return xs


def gd_scalar_start(x0, lr, steps):
    x, xs = x0, [x0]
    for _ in range(steps):
        x = x - lr * 8 * x
        xs.append(x)
    return np.array(xs)  # ValueError for a sweep: x0 is a number, the later points arrays


def ema_uncorrected(values, beta):
    v, out = 0.0, []
    for value in values:
        v = beta * v + (1 - beta) * value
        out.append(v)
    return np.array(out)


def ema_compounded(values, beta):
    v, out = 0.0, []
    for t, value in enumerate(values, start=1):
        v = beta * v + (1 - beta) * value
        v = v / (1 - beta**t)
        out.append(v)
    return np.array(out)


def ema_t_from_zero(values, beta):
    v, out = 0.0, []
    for t, value in enumerate(values):
        v = beta * v + (1 - beta) * value
        out.append(v / (1 - beta**t))
    return np.array(out)


def momentum_ema(x, g, buf, lr, momentum):
    buf = g if buf is None else momentum * buf + (1 - momentum) * g
    return x - lr * buf, buf


def momentum_none_unhandled(x, g, buf, lr, momentum):
    buf = momentum * buf + g
    return x - lr * buf, buf


def momentum_nesterov(x, g, buf, lr, momentum):
    buf = g if buf is None else momentum * buf + g
    return x - lr * (g + momentum * buf), buf


def momentum_from_zeros(x, g, buf, lr, momentum):  # v = 0 then v = m·0 + g is torch's v = g
    buf = momentum * (0 if buf is None else buf) + g
    return x - lr * buf, buf


def rmsprop_eps_inside(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g * g
    return x - lr * g / np.sqrt(v + eps), v


def rmsprop_swapped(x, g, v, lr, alpha, eps):
    v = (1 - alpha) * v + alpha * g * g
    return x - lr * g / (np.sqrt(v) + eps), v


def rmsprop_adagrad(x, g, v, lr, alpha, eps):
    v = v + g * g
    return x - lr * g / (np.sqrt(v) + eps), v


def rmsprop_scalar_lr(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g * g
    return x - float(lr) * g / (np.sqrt(v) + eps), v


def rmsprop_math_sqrt(x, g, v, lr, alpha, eps):
    v = alpha * v + (1 - alpha) * g * g
    return x - lr * g / (math.sqrt(v) + eps), v


def adam_uncorrected(x, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    return x - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_inside(x, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    return x - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def adam_t_minus_one(x, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_corrected_state(x, g, m, v, t, lr, beta1, beta2, eps):
    m = (beta1 * m + (1 - beta1) * g) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * g * g) / (1 - beta2**t)
    return x - lr * m / (np.sqrt(v) + eps), m, v


TYPICAL_MISTAKES = [
    # 01.1 the bounce
    ("01.1", 0.125, ["one-step", "factor −1"]),
    ("01.1", 0.5, ["explodes", "smaller"]),
    ("01.1", 2, ["f'' = 8"]),
    ("01.1", 0.2, ["converges", "larger"]),
    ("01.1", 0.3, ["diverges", "smaller"]),
    ("01.1", [0.25], ["one number", "list"]),
    # 01.2 which diverge
    ("01.2", [0.25, 0.26, 0.3, 0.5, 1], ["edge", "bounce between ±2 forever"]),
    ("01.2", [0.3, 0.5, 1], ["0.26 diverges", "slowly"]),
    ("01.2", [0.2, 0.26, 0.3, 0.5, 1], ["0.2 converges", "oscillates"]),
    ("01.2", [0.27], ["not one of the candidates"]),
    ("01.2", 0.5, ["single number", "list"]),
    ("01.2", [], ["0.26 diverges", "3 more to fix"]),
    # 01.3 five steps
    ("01.3", 0.125, ["Newton", "another"]),
    ("01.3", 0.25, ["edge", "bounce between ±2 forever"]),
    ("01.3", 0.1, ["too slow", "larger"]),
    ("01.3", 0.15, ["oscillating", "smaller"]),
    ("01.3", 0.5, ["diverges", "smaller"]),
    ("01.3", -0.1, ["Invalid learning rate: -0.1"]),
    # 01.4 count the steps
    ("01.4", 99, ["one short", "1.08e-06"]),
    ("01.4", 101, ["one too many", "9.16e-07"]),
    ("01.4", 200, ["x is squared"]),
    ("01.4", 50, ["more"]),
    ("01.4", 150, ["fewer"]),
    ("01.4", 99.47, ["whole number"]),
    ("01.4", 10**9, ["fewer"]),
    # 01.5 gd
    ("01.5", gd_grad_4x, ["8x, not 4x"]),
    ("01.5", gd_without_x0, ["x0 first"]),
    ("01.5", gd_scalar_only, ["np.full(np.shape(lr), float(x0))"]),
    ("01.5", gd_scalar_start, ["ValueError", "a sweep", "np.full(np.shape(lr), float(x0))"]),
    # 02.1 window
    ("02.1", 19, ["lag", "1/(1 − β)"]),
    ("02.1", 0.05, ["reciprocal"]),
    ("02.1", 10, ["β = 0.9"]),
    ("02.1", 12, ["larger"]),
    ("02.1", 40, ["smaller"]),
    # 02.2 lag
    ("02.2", [0.9, 0.95, 0.98], ["9 steps", "one less than its window"]),
    ("02.2", [0.98], ["0.95 trails by", "19 steps"]),
    ("02.2", [0.5, 0.95, 0.98], ["1 step."]),
    # 02.3 how long the bias lasts
    ("02.3", 43, ["one short", "0.9892"]),
    ("02.3", 45, ["one too many", "0.9903"]),
    ("02.3", 10, ["one window", "0.65"]),
    ("02.3", 30, ["more"]),
    ("02.3", 100, ["fewer"]),
    ("02.3", 0, ["count from 1"]),
    # 02.4 ema_corrected
    ("02.4", ema_uncorrected, ["without bias correction"]),
    ("02.4", ema_compounded, ["compounds"]),
    ("02.4", ema_t_from_zero, ["off by one", "t − 1"]),
    # 03.1 twenty steps
    ("03.1", (0.03, 0.0), ["without momentum", "0.00027"]),
    ("03.1", (0.01, 0.63), ["no momentum gets there", "larger lr"]),
    ("03.1", (0.03, 0.9), ["too much momentum", "less momentum"]),
    ("03.1", (0.03, 0.05), ["too little momentum", "more momentum"]),
    ("03.1", (0.125, 0.0), ["above the exercise's limit 0.03"]),
    ("03.1", (0.03, 1.0), ["below 1"]),
    ("03.1", (0.03, -0.1), ["Invalid momentum value: -0.1"]),
    ("03.1", 0.03, ["pair (lr, momentum)"]),
    ("03.1", {"lr": 0.03}, ["no 'momentum'"]),
    # 03.2 lr/(1 − m)
    ("03.2", 0.63, ["course's choice", "0.027"]),
    ("03.2", 1 / 3, ["1 − m"]),
    ("03.2", 3, ["below 1"]),
    ("03.2", 0.5, ["more momentum"]),
    ("03.2", 0.8, ["less momentum"]),
    ("03.2", 0.66, ["close", "three digits"]),
    # 03.3 critical damping
    ("03.3", 0.5143, ["lr = 0.01"]),
    ("03.3", 0.6, ["radius", "square"]),
    ("03.3", 0.4, ["(1 − √(lr·f''))²"]),
    ("03.3", 0.2, ["real", "more momentum"]),
    ("03.3", 0.5, ["complex", "less momentum"]),
    # 03.4 which momenta overshoot
    ("03.4", [0.5, 0.55, 0.63, 0.9], ["below critical damping", "without crossing"]),
    ("03.4", [0.63, 0.9], ["0.55 is above critical damping", "-0.0018"]),
    ("03.4", [0.0, 0.55, 0.63, 0.9], ["never crosses"]),
    ("03.4", [0.51], ["not one of the candidates"]),
    # 03.5 momentum_step
    ("03.5", momentum_ema, ["EMA form", "no (1 − m)"]),
    ("03.5", momentum_none_unhandled, ["TypeError", "buf is None", "copy of g"]),
    ("03.5", momentum_nesterov, ["Nesterov"]),
    # 04.1 torch's first RMSprop step
    ("04.1", 0.01, ["lecture's first step", "(1 − alpha)·g²"]),
    ("04.1", 0.1, ["without the root"]),
    ("04.1", 0.01 * 0.1**0.5, ["divides", "not multiply"]),
    ("04.1", 0.02, ["too small"]),
    ("04.1", 0.05, ["too large"]),
    # 04.2 Adagrad on y = 3x + 300
    ("04.2", 0.01, ["torch's default", "much larger"]),
    ("04.2", 1.0, ["far to go", "much larger"]),
    ("04.2", 40.0, ["almost", "a little larger"]),
    ("04.2", 0, ["nothing moves"]),
    ("04.2", -1, ["Invalid learning rate: -1"]),
    ("04.2", 1e300, ["overflows", "smaller"]),
    # 04.3 rmsprop_step
    ("04.3", rmsprop_eps_inside, ["close: PyTorch adds eps outside the root"]),
    ("04.3", rmsprop_swapped, ["swapped alpha and 1 − alpha"]),
    ("04.3", rmsprop_adagrad, ["Adagrad's sum"]),
    ("04.3", rmsprop_scalar_lr, ["TypeError", "sweep", "not math.sqrt or float()"]),
    ("04.3", rmsprop_math_sqrt, ["TypeError", "x of shape (3,)", "np.sqrt"]),
    ("04.3", lambda x, g, v, lr, a, eps: (x + 1, v), ["differs", "step 1 from x = 0.5"]),
    (
        "04.3",
        lambda x, g, v, lr, a, eps: (
            (a * v + (1 - a) * g * g),
            x - lr * g / (np.sqrt(a * v + (1 - a) * g * g) + eps),
        ),
        ["wrong order", "(x_new, v_new)"],
    ),
    # 04.4 Adagrad's tenth
    ("04.4", 10, ["1/√t, not 1/t"]),
    ("04.4", 99, ["off by one", "0.1005"]),
    ("04.4", 101, ["off by one", "0.0995"]),
    ("04.4", 50, ["later"]),
    ("04.4", 1000, ["step 1000", "earlier"]),
    # 04.5 what changes torch's first RMSprop step
    ("04.5", {"b"}, ["doubling lr doubles it"]),
    ("04.5", {"a", "b", "c"}, ["size cancels"]),
    ("04.5", {"b", "c", "d"}, ["no visible difference"]),
    ("04.5", {"b", "c", "e"}, ["flips the direction"]),
    ("04.5", ["b", "c", "x"], ["not one of the options"]),
    # 05.1 the spike at beta2 = 0.99
    ("05.1", 31.62, ["table's value", "100 steps"]),
    ("05.1", 100, ["memory", "square root"]),
    ("05.1", 1e5, ["SGD's move"]),
    ("05.1", 3, ["too small"]),
    ("05.1", 50, ["too large"]),
    # 05.2 the first step on a tiny gradient
    ("05.2", 1e-3, ["almost", "1% of |g|"]),
    ("05.2", 1e-3 * 1e-6 / (1e-12 + 1e-8) ** 0.5, ["eps inside the root", "outside"]),
    ("05.2", 1e-9, ["SGD's step"]),
    ("05.2", 2e-3, ["too large"]),
    # 05.3 adam_step
    ("05.3", adam_uncorrected, ["without bias correction"]),
    ("05.3", adam_eps_inside, ["close: PyTorch adds eps outside the root"]),
    ("05.3", adam_t_minus_one, ["off by one", "t − 1"]),
    ("05.3", adam_corrected_state, ["return m and v uncorrected"]),
    # 05.4 what moves the spike step more
    ("05.4", {"b"}, ["lr = 2 doubles"]),
    ("05.4", {"b", "c", "e"}, ["larger spike does not move more"]),
    ("05.4", {"b", "d", "e"}, ["AMSGrad"]),
    ("05.4", {"a", "b", "e"}, ["drops to 10"]),
    ("05.4", {"b", "e", "f"}, ["averages the spike"]),
    ("05.4", "be", ["set of letters", "quotes"]),
    ("05.4", {"g"}, ["not one of the options"]),
]


@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    TYPICAL_MISTAKES,
    ids=[answer_id(i, a) for i, a, _ in TYPICAL_MISTAKES],
)
def test_typical_mistakes_get_the_intended_hint(exercise_id, answer, words):
    assert_intended_hint(exercise_id, answer, words)


def test_every_exercise_has_typical_mistakes_in_the_table():
    # notebooks 06-10 keep their tables in tests/test_exercises_NN.py
    assert {i for i, _, _ in TYPICAL_MISTAKES} == {i for i in IDS if i < "06"}


ALSO_RIGHT = [
    ("01.1", 2 / 8),
    ("01.2", np.array([1.0, 0.5, 0.3, 0.26])),
    ("01.2", (0.26, 0.3, 0.5, 1, 1)),
    ("01.3", 0.14),
    ("01.4", 100.0),
    ("01.4", np.int64(100)),
    ("02.1", np.float64(20.0)),
    ("03.1", {"lr": 0.025, "momentum": 0.35}),
    ("03.1", [0.02, 0.4]),
    ("03.2", 0.667),
    ("03.5", momentum_from_zeros),
    ("04.1", -0.0316),
    ("04.2", 1e6),
    ("05.1", 9.99999995),
    ("05.2", 0.00099),
    ("05.4", ["B", "e"]),
]


@pytest.mark.parametrize(("exercise_id", "answer"), ALSO_RIGHT)
def test_other_right_forms_pass(exercise_id, answer):
    result = check(exercise_id, answer)
    assert result.passed, result.message


# -- no answer makes a checker raise ---------------------------------------------------------------

ANSWERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.lists(st.floats(allow_nan=True), max_size=4),
    st.tuples(st.floats(allow_nan=True), st.floats(allow_nan=True)),
    st.sets(st.sampled_from("abcdefgz"), max_size=4),
    st.dictionaries(st.sampled_from(["lr", "momentum", "x"]), st.floats(), max_size=2),
)


@pytest.mark.parametrize("exercise_id", [i for i in IDS if EXERCISES[i].kind != "code"])
@settings(max_examples=40, deadline=None)
@given(answer=ANSWERS)
def test_no_answer_makes_a_checker_raise(exercise_id, answer):
    result = check(exercise_id, answer)
    assert isinstance(result, Result) and isinstance(result.message, str) and result.message
    assert "the checker could not" not in result.message, result.message


# -- the notebooks end with their exercises --------------------------------------------------------


def notebook(prefix):
    (path,) = NOTEBOOKS.glob(f"{prefix}_*.ipynb")
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("prefix", [f"{k:02d}" for k in range(1, 11)])
def test_each_notebook_ends_with_its_exercises_unanswered(prefix):
    cells = notebook(prefix)
    ids = [i for i in IDS if i.startswith(prefix + ".")]
    sources = ["".join(c["source"]) for c in cells]
    first = next(k for k, s in enumerate(sources) if s.startswith("## Exercises"))
    tail = cells[first:]
    for exercise_id in ids:
        e = EXERCISES[exercise_id]
        k = next(
            k
            for k, c in enumerate(tail)
            if "".join(c["source"]).startswith(f"### Exercise {exercise_id}")
        )
        prompt, code = tail[k], tail[k + 1]
        assert prompt["cell_type"] == "markdown"
        assert e.prompt in "".join(prompt["source"])
        source = "".join(code["source"])
        assert source == f'{e.template}\nol.exercises.check("{exercise_id}", answer)'
        (out,) = code["outputs"]
        assert "".join(out["data"]["text/plain"]) == repr(check(exercise_id, ...))
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "markdown" and "ol.exercises.solution(" in last
    assert re.findall(r"### Exercise (\d\d\.\d)", "".join(sources[first:])) == ids


def test_the_readme_shows_what_check_prints():
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(answer = .*?)```", text, re.S).group(1)
    code, _, comment = block.partition("# ")
    scope = {"ol": ol}
    exec(code, scope)
    shown = " ".join(line.lstrip("# ").strip() for line in ("# " + comment).splitlines())
    assert shown == repr(eval(code.strip().splitlines()[-1], scope))
