"""SGD against the course's numbers, torch's golden values and torch's checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optimlab as ol

P = ol.Problem(f=lambda x: 4 * x**2, grad=lambda x: 8 * x)


def test_course_lr_1_explodes_by_minus_seven():
    t = ol.run(ol.SGD(lr=1.0), P, x0=2.0, steps=3)
    np.testing.assert_array_equal(t.x, [2, -14, 98, -686])
    np.testing.assert_array_equal(t.loss, [16, 784, 38416, 1882384])
    assert t.diverged_at is None


@pytest.mark.parametrize(
    "lr, xs, losses",
    [
        (0.5, [2, -6, 18, -54], [16, 144, 1296]),
        (0.2, [2, -1.2, 0.72, -0.432], [16, 5.76, 2.0736]),
        (0.1, [2, 0.4, 0.08, 0.016], [16, 0.64, 0.0256]),
        (0.01, [2, 1.84, 1.6928], [16, 13.5424, 11.46228736]),
    ],
)
def test_course_table(lr, xs, losses):
    t = ol.run(ol.SGD(lr=lr), P, x0=2.0, steps=3)
    np.testing.assert_allclose(t.x[: len(xs)], xs, rtol=1e-14)
    np.testing.assert_allclose(t.loss[: len(losses)], losses, rtol=1e-14)


def test_lr_one_over_curvature_lands_in_one_step():
    t = ol.run(ol.SGD(lr=0.125), P, x0=2.0, steps=3)
    np.testing.assert_array_equal(t.x, [2, 0, 0, 0])


def test_lr_two_over_curvature_bounces():
    np.testing.assert_array_equal(ol.run(ol.SGD(lr=0.25), P, 2.0, 4).x, [2, -2, 2, -2, 2])


def test_momentum_063():
    t = ol.run(ol.SGD(lr=0.01, momentum=0.63), P, x0=2.0, steps=3)
    np.testing.assert_allclose(t.x, [2, 1.84, 1.592, 1.3084], rtol=1e-15)


# torch 2.13 trajectories on 4x^2 from 2 (reference page, section 6): x1, x2, x3, x200.
# Where the AVX512 build differs in the last digits, both are within 1e-12 relative.
GOLDEN = [
    ({"lr": 0.01}, [1.84, 1.6928, 1.557376, 1.1444464195383076e-07]),
    ({"lr": 0.01, "momentum": 0.63}, [1.84, 1.592, 1.3084, 9.089706503413375e-21]),
    (
        {"lr": 0.01, "momentum": 0.63, "dampening": 0.3},
        [1.84, 1.63616, 1.41611584, 2.804288950741624e-20],
    ),
    (
        {"lr": 0.01, "momentum": 0.9, "nesterov": True},
        [1.696, 1.308608, 0.883158784, 1.276203770267116e-08],
    ),
    (
        {"lr": 0.01, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1},
        [1.838, 1.6230098000000002, 1.3971972855800001, 1.2934523162321914e-18],
    ),
]


@pytest.mark.parametrize("kwargs, golden", GOLDEN)
def test_torch_golden_values(kwargs, golden):
    t = ol.run(ol.SGD(**kwargs), P, x0=2.0, steps=200)
    np.testing.assert_allclose(t.x[[1, 2, 3, 200]], golden, rtol=1e-12, atol=0)


def test_dampening_acts_from_step_two():
    opt = ol.SGD(lr=0.01, momentum=0.63, dampening=0.3)
    x, s = np.array(2.0), opt.init(np.array(2.0))
    x, s = opt.step(x, 8 * x, s)
    assert s["momentum_buffer"] == 16.0  # first buffer is the gradient, not (1 - dampening) g
    x, s = opt.step(x, 8 * x, s)
    np.testing.assert_allclose(s["momentum_buffer"], 0.63 * 16 + 0.7 * 14.72, rtol=1e-15)


def test_maximize_climbs_negated_problem():
    neg = ol.Problem(f=lambda x: -4 * x**2, grad=lambda x: -8 * x)
    up = ol.run(ol.SGD(lr=0.01, momentum=0.63, maximize=True), neg, 2.0, 50)
    down = ol.run(ol.SGD(lr=0.01, momentum=0.63), P, 2.0, 50)
    np.testing.assert_array_equal(up.x, down.x)


def test_step_is_pure():
    opt = ol.SGD(lr=0.1, momentum=0.9)
    x = np.array([1.0, 2.0])
    g = np.array([0.5, -0.5])
    state = opt.init(x)
    x1, s1 = opt.step(x, g, state)
    x2, s2 = opt.step(x1, g, s1)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_array_equal(g, [0.5, -0.5])
    assert state["momentum_buffer"] is None
    np.testing.assert_array_equal(s1["momentum_buffer"], g)
    np.testing.assert_allclose(x2, x1 - 0.1 * (0.9 * g + g))


@given(
    lr=st.floats(1e-4, 0.249),
    x0=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3),
    steps=st.integers(1, 40),
)
def test_gd_factor_closed_form(lr, x0, steps):
    t = ol.run(ol.SGD(lr=lr), P, x0=x0, steps=steps)
    q = ol.theory.gd_factor(lr)
    np.testing.assert_allclose(t.x, x0 * q ** np.arange(steps + 1), rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lr": -1}, "Invalid learning rate: -1"),
        ({"lr": -0.5}, "Invalid learning rate: -0.5"),
        ({"lr": float("nan")}, "Invalid learning rate: nan"),
        ({"lr": float("inf")}, "Invalid learning rate: inf"),
        ({"lr": [0.1, -0.2]}, "Invalid learning rate: -0.2"),
        ({"lr": 0.1, "momentum": -0.1}, "Invalid momentum value: -0.1"),
        ({"lr": 0.1, "weight_decay": -1e-4}, "Invalid weight_decay value: -0.0001"),
        ({"lr": 0.1, "nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
        (
            {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True},
            "Nesterov momentum requires a momentum and zero dampening",
        ),
        ({"lr": -1, "momentum": -1}, "Invalid learning rate: -1"),  # torch's order: lr first
    ],
)
def test_torch_validation_messages(kwargs, message):
    with pytest.raises(ValueError) as err:
        ol.SGD(**kwargs)
    assert str(err.value) == message


def test_non_numeric_hyperparameter_names_it():
    with pytest.raises(TypeError, match="momentum must be a real number"):
        ol.SGD(lr=0.1, momentum="0.9")


def test_sweep_arrays_that_do_not_broadcast_are_named():
    with pytest.raises(ValueError, match=r"lr with shape \(3,\), momentum with shape \(4,\)"):
        ol.SGD(lr=np.ones(3) * 0.1, momentum=np.ones(4) * 0.5)
