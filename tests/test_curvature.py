"""Notebook 08's numerics: the curvature problems, Newton's method at saddle points (plain,
damped and saddle-free), and the closed-form rates of gradient descent and momentum."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import problems
from optimlab import theory as T

TWO_D = {
    "rosenbrock": problems.rosenbrock(),
    "rosenbrock(a=-0.5, b=3)": problems.rosenbrock(a=-0.5, b=3.0),
    "rotated_quadratic": problems.rotated_quadratic(),
    "rotated_quadratic(1000, -75)": problems.rotated_quadratic(kappa=1000.0, angle=-75.0),
    "saddle": problems.saddle(),
    "cubic_saddle": problems.cubic_saddle(),
}


# -- the problems -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TWO_D))
@settings(max_examples=20, deadline=None)
@given(pts=st.lists(st.tuples(st.floats(-2, 2), st.floats(-2, 2)), min_size=1, max_size=6))
def test_gradient_and_hessian_are_the_derivatives(name, pts):
    p = TWO_D[name]
    x = np.array(pts)
    h = 1e-6
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        fd_grad = (p.f(x + e) - p.f(x - e)) / (2 * h)
        np.testing.assert_allclose(p.grad(x)[..., i], fd_grad, rtol=1e-6, atol=1e-5)
        fd_hess = (p.grad(x + e) - p.grad(x - e)) / (2 * h)
        np.testing.assert_allclose(p.hess(x)[..., i, :], fd_hess, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(p.hess(x), np.swapaxes(p.hess(x), -1, -2))  # symmetric


@pytest.mark.parametrize("name", list(TWO_D))
def test_vectorised_over_batch_axes(name):
    p = TWO_D[name]
    x = np.random.default_rng(0).normal(size=(3, 4, 2))
    assert p.f(x).shape == (3, 4) and p.grad(x).shape == (3, 4, 2)
    assert p.hess(x).shape == (3, 4, 2, 2) and p.hess(x[1, 2]).shape == (2, 2)
    np.testing.assert_array_equal(p.f(x)[1, 2], p.f(x[1, 2]))
    np.testing.assert_array_equal(p.grad(x)[1, 2], p.grad(x[1, 2]))
    np.testing.assert_array_equal(p.hess(x)[1, 2], p.hess(x[1, 2]))


def test_minima_and_stationary_points():
    r = problems.rosenbrock()
    assert r.minimum == (1.0, 1.0) and r.f(np.array([-1.2, 1.0])) == pytest.approx(24.2)
    r2 = problems.rosenbrock(a=2.0, b=5.0)
    assert r2.minimum == (2.0, 4.0)
    for p in (r, r2, problems.rotated_quadratic(50.0, 10.0)):
        m = np.array(p.minimum)
        assert p.f(m) == 0 and not p.grad(m).any()
        assert (np.linalg.eigvalsh(p.hess(m)) > 0).all()
    for p in (problems.saddle(), problems.cubic_saddle()):  # stationary, not a minimum
        assert p.minimum is None and not p.grad(np.zeros(2)).any()
        assert p.f(np.array([0.0, -1.0])) < p.f(np.zeros(2)) < p.f(np.array([1.0, 0.0]))
    assert np.linalg.eigvalsh(problems.saddle().hess(np.zeros(2))).tolist() == [-2.0, 2.0]
    assert np.linalg.eigvalsh(problems.cubic_saddle().hess(np.zeros(2))).tolist() == [0.0, 2.0]


@given(kappa=st.floats(1, 1e4), angle=st.floats(-360, 360))
def test_rotated_quadratic_has_eigenvalues_1_and_kappa_along_the_rotated_axes(kappa, angle):
    p = problems.rotated_quadratic(kappa, angle)
    h = p.hess(np.zeros(2))
    np.testing.assert_allclose(np.linalg.eigvalsh(h), [1.0, kappa], rtol=1e-9, atol=1e-9)
    th = np.deg2rad(angle)
    u, v = np.array([np.cos(th), np.sin(th)]), np.array([-np.sin(th), np.cos(th)])
    np.testing.assert_allclose(h @ u, u, atol=1e-9 * kappa)
    np.testing.assert_allclose(h @ v, kappa * v, rtol=1e-9, atol=1e-9 * kappa)
    assert p.f(3 * u) == pytest.approx(4.5) and p.f(v) == pytest.approx(kappa / 2)


@pytest.mark.parametrize(
    "make, kwargs, error, message",
    [
        (problems.rotated_quadratic, {"kappa": 0.5}, ValueError, "kappa (the condition number)"),
        (problems.rotated_quadratic, {"kappa": float("inf")}, ValueError, "kappa must be finite"),
        (problems.rotated_quadratic, {"kappa": float("nan")}, ValueError, "kappa must be finite"),
        (problems.rotated_quadratic, {"angle": float("nan")}, ValueError, "angle must be finite"),
        (problems.rotated_quadratic, {"kappa": "10"}, TypeError, "kappa must be a real number"),
        (problems.rosenbrock, {"a": float("inf")}, ValueError, "a must be finite"),
        (problems.rosenbrock, {"b": 0.0}, ValueError, "b must be positive"),
        (problems.rosenbrock, {"b": None}, TypeError, "b must be a real number, got None"),
    ],
)
def test_bad_arguments_are_named(make, kwargs, error, message):
    with pytest.raises(error) as err:
        make(**kwargs)
    assert str(err.value).startswith(message)


# -- Newton at saddle points, damped, saddle-free ---------------------------------------------


def test_newton_jumps_onto_the_saddle_and_the_loss_rises():
    p = problems.saddle()
    t = ol.run(ol.Newton(), p, [0.3, 0.7], 2)
    np.testing.assert_array_equal(t.x[1], [0.0, 0.0])  # the stationary point, in one step
    assert t.loss[0] == pytest.approx(-0.4) and t.loss[1] == 0.0  # uphill
    np.testing.assert_array_equal(t.x[2], [0.0, 0.0])  # and stays there


def test_gradient_descent_leaves_the_saddle_along_negative_curvature():
    t = ol.run(ol.SGD(lr=0.1), problems.saddle(), [1.0, 1e-3], 30)
    # x shrinks by 1 − 2·lr = 0.8 per step, y grows by 1 + 2·lr = 1.2
    np.testing.assert_allclose(t.x[:, 0], 0.8 ** np.arange(31), rtol=1e-12)
    np.testing.assert_allclose(t.x[:, 1], 1e-3 * 1.2 ** np.arange(31), rtol=1e-12)
    assert np.all(np.diff(t.loss) < 0)


def test_newton_jumps_onto_a_maximum():
    bump = ol.Problem(
        f=lambda x: -(x[..., 0] ** 2) - x[..., 1] ** 2,
        grad=lambda x: -2 * x,
        hess=lambda x: np.broadcast_to(-2 * np.eye(2), x.shape + (2,)),
    )
    t = ol.run(ol.Newton(), bump, [0.5, -1.5], 1)
    np.testing.assert_array_equal(t.x[1], [0.0, 0.0])
    assert t.loss[1] > t.loss[0]
    free = ol.run(ol.Newton(saddle_free=True), bump, [0.5, -1.5], 3)
    np.testing.assert_array_equal(free.x[-1], [4.0, -12.0])  # x ← 2x: downhill, away
    assert np.all(np.diff(free.loss) < 0)


def test_saddle_free_newton_escapes_the_saddle():
    t = ol.run(ol.Newton(saddle_free=True), problems.saddle(), [0.3, 0.7], 3)
    np.testing.assert_array_equal(t.x[1:], [[0.0, 1.4], [0.0, 2.8], [0.0, 5.6]])
    assert np.all(np.diff(t.loss) < 0)


def test_on_the_cubic_saddle_newton_halves_y_from_both_sides_saddle_free_only_escapes_below():
    p = problems.cubic_saddle()
    for y0 in (0.8, -0.8):
        t = ol.run(ol.Newton(), p, [1.0, y0], 10)
        np.testing.assert_allclose(t.x[1:, 0], 0.0, atol=0)
        np.testing.assert_allclose(t.x[:, 1], y0 * 0.5 ** np.arange(11), rtol=1e-14)
    above = ol.run(ol.Newton(saddle_free=True), p, [1.0, 0.8], 10)
    np.testing.assert_allclose(above.x[:, 1], 0.8 * 0.5 ** np.arange(11), rtol=1e-14)
    below = ol.run(ol.Newton(saddle_free=True), p, [1.0, -0.8], 10)
    np.testing.assert_allclose(below.x[:, 1], -0.8 * 1.5 ** np.arange(11), rtol=1e-14)
    assert np.all(np.diff(below.loss) < 0)


def test_saddle_free_is_newton_where_the_hessian_is_positive_definite():
    p = problems.rotated_quadratic(kappa=300.0, angle=40.0)
    a = ol.run(ol.Newton(), p, [1.0, -2.0], 1).x[1]
    b = ol.run(ol.Newton(saddle_free=True), p, [1.0, -2.0], 1).x[1]
    np.testing.assert_allclose([a, b], 0.0, atol=1e-13)
    r = problems.rosenbrock()  # near the minimum H is positive definite
    a = ol.run(ol.Newton(), r, [0.9, 0.8], 8).x
    b = ol.run(ol.Newton(saddle_free=True), r, [0.9, 0.8], 8).x
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a[-1], r.minimum, rtol=1e-12)


def test_saddle_free_on_a_scalar_problem_uses_the_absolute_curvature():
    p = problems.tilted_double_well(0.3)  # f'' < 0 near x = 0
    x0 = 0.1
    g, h = float(p.grad(x0)), float(p.hess(np.array(x0)))
    assert h < 0
    newton = ol.run(ol.Newton(), p, x0, 1).x[1]
    free = ol.run(ol.Newton(saddle_free=True), p, x0, 1).x[1]
    assert newton == pytest.approx(x0 - g / h, rel=1e-15)
    assert free == pytest.approx(x0 - g / abs(h), rel=1e-15)
    assert p.f(free) < p.f(x0) < p.f(newton)  # downhill against uphill


@pytest.mark.parametrize("lr", [0.1, 0.5, 0.9])
def test_damped_newton_shrinks_the_error_by_one_minus_lr(lr):
    p = problems.rotated_quadratic(kappa=1000.0, angle=30.0)
    t = ol.run(ol.Newton(lr=lr), p, [1.0, 1.0], 12)
    expected = (1 - lr) ** np.arange(13)[:, None] * np.array([1.0, 1.0])
    np.testing.assert_allclose(t.x, expected, rtol=1e-9, atol=1e-13)


def test_damped_newton_reaches_rosenbrocks_minimum():
    t = ol.run(ol.Newton(lr=0.5), problems.rosenbrock(), [-1.2, 1.0], 60)
    np.testing.assert_allclose(t.x[-1], [1.0, 1.0], atol=1e-12)


def test_newton_sweep_with_saddle_free_is_the_single_runs():
    lrs = np.array([0.25, 0.5, 1.0])
    p = problems.saddle()
    sweep = ol.run(ol.Newton(lr=lrs, saddle_free=True), p, [0.3, 0.7], 5)
    for i, lr in enumerate(lrs):
        single = ol.run(ol.Newton(lr=float(lr), saddle_free=True), p, [0.3, 0.7], 5)
        np.testing.assert_array_equal(sweep.x[:, i], single.x)


def test_saddle_free_refuses_a_singular_hessian_and_a_bad_flag():
    with pytest.raises(ValueError, match="saddle-free Newton: the Hessian is singular"):
        ol.run(ol.Newton(saddle_free=True), problems.cubic_saddle(), [1.0, 0.0], 1)
    with pytest.raises(TypeError, match="saddle_free must be True or False, got 'yes'"):
        ol.Newton(saddle_free="yes")
    assert "saddle-free" in ol.Newton.__doc__ and "Dauphin" in ol.Newton.__doc__
    assert repr(ol.Newton(saddle_free=True)) == "Newton(lr=1.0, saddle_free=True)"


# -- closed-form rates (COURSE.md §8) ---------------------------------------------------------


def test_the_course_step_counts():
    kappas = [10, 100, 1000]
    assert [T.steps_to(T.gd_rate(k)) for k in kappas] == [69, 691, 6908]
    assert [T.steps_to(T.momentum_rate(k)) for k in kappas] == [22, 69, 219]
    assert T.steps_to(T.gd_rate(kappas)).tolist() == [69, 691, 6908]
    assert T.steps_to(T.gd_rate(1)) == T.steps_to(0.0) == 1  # κ = 1: one step, as Newton


def test_the_rates_at_the_best_settings():
    assert T.best_gd_lr(1, 100) == 2 / 101
    lr, m = T.best_momentum(1, 100)
    assert lr == pytest.approx((2 / 11) ** 2) and m == pytest.approx((9 / 11) ** 2)
    assert np.sqrt(m) == pytest.approx(T.momentum_rate(100))
    assert abs(1 - T.best_gd_lr(4, 36) * 4) == pytest.approx(T.gd_rate(9))
    assert T.gd_rate(1) == 0 and T.momentum_rate(1) == 0


@pytest.mark.parametrize("kappa", [1, 10, 100, 1000])
def test_measured_steps_against_the_closed_forms(kappa):
    p = problems.rotated_quadratic(kappa, 30.0)
    x0 = np.array([1.0, 1.0])

    def steps_to_1e6(t):
        err = np.linalg.norm(t.x, axis=-1) / np.linalg.norm(x0)
        return int(np.argmax(err < 1e-6))

    gd = ol.run(ol.SGD(lr=T.best_gd_lr(1, kappa)), p, x0, 8000, keep=("x",))
    assert steps_to_1e6(gd) == T.steps_to(T.gd_rate(kappa))  # both ends shrink by the rate
    lr, m = T.best_momentum(1, kappa)
    mom = ol.run(ol.SGD(lr=lr, momentum=m), p, x0, 8000, keep=("x",))
    measured = steps_to_1e6(mom)  # critical damping adds a factor t: a little more
    closed = T.steps_to(T.momentum_rate(kappa))
    assert closed <= measured <= 1.4 * closed
    newton = ol.run(ol.Newton(), p, x0, 1)
    assert np.linalg.norm(newton.x[1]) < 1e-12


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: T.gd_rate(0.5), "kappa (the condition number) must be finite and >= 1"),
        (lambda: T.momentum_rate(float("nan")), "kappa (the condition number)"),
        (lambda: T.best_gd_lr(0, 1), "need 0 < lmin <= lmax"),
        (lambda: T.best_momentum(2, 1), "need 0 < lmin <= lmax"),
        (lambda: T.steps_to(1.0), "rate must be in [0, 1)"),
        (lambda: T.steps_to(-0.5), "rate must be in [0, 1)"),
        (lambda: T.steps_to(0.5, tol=0), "tol must be in (0, 1)"),
    ],
)
def test_closed_forms_refuse_bad_input(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value).startswith(message)


@given(x=st.floats(-2, 2), above=st.floats(1e-3, 2), b=st.sampled_from([1.0, 100.0]))
def test_rosenbrocks_hessian_is_indefinite_exactly_above_the_valley_floor(x, above, b):
    p = problems.rosenbrock(b=b)
    edge = x * x + 1 / (2 * b)  # det H = 4b(1 − 2b(y − x²))
    lo = np.linalg.eigvalsh(p.hess(np.array([x, edge + above])))[0]
    hi = np.linalg.eigvalsh(p.hess(np.array([x, edge - above])))[0]
    assert lo < 0 < hi
