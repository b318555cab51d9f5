"""Issue 9: the API keeps its promises under adversarial input.

Each test here failed before the fix it names (A1 ... A13 in the issue); the Hypothesis tests at
the end check the promises themselves over random problems, hyperparameters and sweep shapes.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import theory as T

P = ol.quadratic(4.0)
BOWL = ol.Problem(
    f=lambda x: x[..., 0] ** 2 + 10 * x[..., 1] ** 2,
    grad=lambda x: np.stack([2 * x[..., 0], 20 * x[..., 1]], axis=-1),
    hess=lambda x: np.array([[2.0, 0.0], [0.0, 20.0]]),  # constant: no batch axes
)


# -- A1: one loss per point -----------------------------------------------------------------


def test_a1_a_scalar_loss_for_a_sweep_is_refused_naming_f():
    mean_loss = ol.Problem(f=lambda x: np.mean(4 * x**2), grad=lambda x: 8 * x)
    with pytest.raises(ValueError, match=r"f must return one loss per point: .* shape \(\)"):
        ol.run(ol.SGD(lr=[0.01, 1.0]), mean_loss, 2.0, 10)


# -- A2: the Hessian's shape is unambiguous --------------------------------------------------


def test_a2_newton_sweep_of_d_runs_with_a_constant_matrix_equals_single_runs():
    lrs = np.array([1.0, 0.5])  # exactly d = 2 runs, and hess returns one (2, 2) matrix
    sweep = ol.run(ol.Newton(lr=lrs), BOWL, [1.0, 1.0], 3)
    for j, lr in enumerate(lrs):
        single = ol.run(ol.Newton(lr=lr), BOWL, [1.0, 1.0], 3)
        np.testing.assert_array_equal(sweep.x[:, j], single.x)
    np.testing.assert_array_equal(sweep.x[1, 0], [0.0, 0.0])  # one full step lands
    np.testing.assert_array_equal(sweep.x[1, 1], [0.5, 0.5])


@pytest.mark.parametrize(
    "hess, x0, message",
    [
        (lambda x: np.ones(x.shape), [1.0, 1.0], r"hess must return a \(2, 2\) matrix per point"),
        (lambda x: np.eye(3), [1.0, 1.0], r"returned shape \(3, 3\)"),
        (lambda x: np.eye(2), 1.0, r"hess must return one second derivative per point"),
        (lambda x: "8", 1.0, "hess must return real numbers"),
    ],
)
def test_a2_a_hessian_of_the_wrong_shape_names_hess(hess, x0, message):
    p = ol.Problem(f=lambda x: np.sum(x**2), grad=lambda x: 2 * x, hess=hess)
    if np.ndim(x0) == 0:
        p = ol.Problem(f=lambda x: x**2, grad=lambda x: 2 * x, hess=hess)
    else:
        p = ol.Problem(f=lambda x: np.sum(x**2, axis=-1), grad=lambda x: 2 * x, hess=hess)
    with pytest.raises((ValueError, TypeError), match=message):
        ol.run(ol.Newton(), p, x0, 2)


# -- A3: replay says what shape it expected ----------------------------------------------------


def test_a3_replay_grads_that_push_the_sweep_axes_off_the_front():
    with pytest.raises(ValueError, match=r"grads has shape \(4, 2, 3\); expected \(T, \*point\)"):
        ol.replay(ol.SGD(lr=[0.1, 0.2, 0.3]), np.ones((4, 2, 3)))
    # the shapes it names work
    assert ol.replay(ol.SGD(lr=[0.1, 0.2, 0.3]), np.ones((4, 3)), 0.0).x.shape == (5, 3)
    assert ol.replay(ol.SGD(lr=[0.1, 0.2, 0.3]), np.ones((4, 3, 2)), np.zeros(2)).x.shape == (
        5,
        3,
        2,
    )


# -- A4: what f and grad return is checked -------------------------------------------------


@pytest.mark.parametrize(
    "f, grad, error, message",
    [
        (lambda x: 4 * x**2 + 0j, lambda x: 8 * x, TypeError, "f must return real numbers"),
        (lambda x: 4 * x**2, lambda x: 8 * x + 1j, TypeError, "grad must return real numbers"),
        (lambda x: None, lambda x: 8 * x, TypeError, "f must return real numbers.*None"),
        (lambda x: 4 * x**2, lambda x: None, TypeError, "grad must return real numbers.*None"),
        (lambda x: "16", lambda x: 8 * x, TypeError, "f must return real numbers.*'16'"),
        (lambda x: 4 * x**2, lambda x: [object()], TypeError, "grad must return real numbers"),
        (lambda x: np.nan * x, lambda x: 8 * x, ValueError, "f returned NaN at the start"),
        (lambda x: 4 * x**2, lambda x: np.nan * x, ValueError, "grad returned NaN at the start"),
    ],
)
def test_a4_problems_returning_junk_are_refused_naming_the_function(f, grad, error, message):
    with pytest.raises(error, match=message):
        ol.run(ol.SGD(lr=0.1), ol.Problem(f=f, grad=grad), 2.0, 3)


# -- A6: a sweep's columns equal single runs bit for bit -------------------------------------


def test_a6_scalar_squares_no_longer_differ_from_array_squares():
    shifted = ol.Problem(f=lambda x: (x - 1) ** 2, grad=lambda x: 2 * (x - 1))
    lrs = np.linspace(0.01, 0.9, 50)
    for x0 in np.random.default_rng(0).uniform(-10, 10, 40):
        sweep = ol.run(ol.SGD(lr=lrs), shifted, x0, 20)
        for j in (0, 17, 49):
            single = ol.run(ol.SGD(lr=lrs[j]), shifted, x0, 20)
            np.testing.assert_array_equal(sweep.x[:, j], single.x)
            np.testing.assert_array_equal(sweep.loss[:, j], single.loss)


# -- A7, A8: one divergence, and no stepping after it ---------------------------------------


def test_a7_diverged_at_is_the_same_whatever_is_kept():
    found = {
        ol.run(ol.SGD(lr=1.0), P, 2.0, 1200, **kw).diverged_at
        for kw in (
            {},
            {"keep": ("x",)},
            {"keep": ("loss",)},
            {"every": 7},
            {"every": 1000, "keep": ("x",)},
        )
    }
    assert found == {182}


def test_a8_a_diverged_run_is_not_stepped_further():
    calls = []
    counting = ol.Problem(f=P.f, grad=lambda x: calls.append(1) or P.grad(x))
    t = ol.run(ol.SGD(lr=1.0), counting, 2.0, 300_000)
    assert t.diverged_at == 182 and len(calls) == 182
    assert np.isnan(t.x[183:]).all() and t.x.shape == (300_001,)


def test_a8_a_sweep_stops_when_all_its_runs_have_diverged():
    calls = []
    counting = ol.Problem(f=P.f, grad=lambda x: calls.append(1) or P.grad(x))
    t = ol.run(ol.SGD(lr=[1.0, 0.5]), counting, 2.0, 10_000)
    # the loss 16·q^(2k) overflows at the first k where it exceeds the largest float
    first = [next(k for k in range(1, 10**4) if 16.0 * q ** (2 * k) > 1.79e308) for q in (7, 3)]
    assert first == [182, 322]
    assert t.diverged_at.tolist() == first and len(calls) == 322


# -- A9: errors name the argument, not NumPy's internals -------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ol.SGD(lr=10**400), ValueError, "lr must be a finite number"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 10**400, 3), ValueError, "x0 must be a finite"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, None, 3), TypeError, "x0 must be a real number.*None"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, "2", 3), TypeError, "x0 must be a real number.*'2'"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, 10**20), ValueError, r"steps=1000.* GiB"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, 3, keep=None), TypeError, "keep must be"),
        (lambda: ol.run(ol.SGD(lr=0.1), P, 2.0, 3, keep="loss"), TypeError, "keep=\\('loss',\\)"),
        (
            lambda: ol.replay(ol.SGD(lr=0.1), [[1.0], [1.0, 2.0]]),
            TypeError,
            "grads must be a real number",
        ),
        (lambda: ol.replay(ol.SGD(lr=0.1), ["1", "2"]), TypeError, "grads must be a real number"),
        (lambda: ol.replay(ol.SGD(lr=0.1), [1.0, None]), TypeError, "grads must be a real number"),
        (
            lambda: ol.SGD(lr=0.1, momentum=0.9, nesterov=np.array([True, False])),
            TypeError,
            "nesterov must be True or False",
        ),
        (
            lambda: ol.Rprop(etas=(np.array([0.5, 0.4]), np.array([1.2, 1.3, 1.4]))),
            ValueError,
            "etaminus with shape \\(2,\\), etaplus with shape \\(3,\\)",
        ),
        (lambda: ol.Adam(amsgrad="yes"), TypeError, "amsgrad must be True or False"),
    ],
)
def test_a9_bad_arguments_get_errors_that_name_them(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- A10: init and step take lists and refuse complex or non-numeric gradients ---------------


def test_a10_step_converts_lists_and_refuses_complex_gradients():
    opt = ol.SGD(lr=0.1)
    x, _ = opt.step([1.0, 2.0], [0.5, 0.1], opt.init([1.0, 2.0]))
    np.testing.assert_allclose(x, [0.95, 1.99])
    with pytest.raises(TypeError, match="g must be real numbers, got complex"):
        opt.step([1.0, 2.0], [0.5j, 0.1], opt.init([1.0, 2.0]))
    with pytest.raises(TypeError, match="g must be real numbers, got non-numeric"):
        ol.Adam().step(np.zeros(2), ["a", "b"], ol.Adam().init(np.zeros(2)))


# -- A11: theory's helpers check what they are given ------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: T.adam_stream(np.ones(5), betas=(1.0, 0.999)), "index 0: 1.0"),
        (lambda: T.adam_stream(np.ones(5), betas=(np.nan, 0.9)), "index 0: nan"),
        (lambda: T.adam_stream(np.ones(5), lr=-1.0), "Invalid learning rate: -1.0"),
        (lambda: T.gd_regime(np.nan), "Invalid learning rate: nan"),
        (lambda: T.ema_window(1.0), "Invalid beta value: 1.0"),
        (lambda: T.critical_momentum(-0.01), "Invalid learning rate: -0.01"),
        (lambda: T.momentum_radius(0.01, -0.5), "Invalid momentum value: -0.5"),
        (lambda: T.gd_factor(0.1, curvature=0), "curvature must be > 0"),
        (lambda: T.ema_weights(0.9, 0), "n must be a positive integer"),
    ],
)
def test_a11_theory_refuses_bad_values_as_the_optimizers_do(call, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=message):
            call()


def test_a11_adam_stream_scans_a_two_dimensional_stream_along_its_steps():
    grads = np.random.default_rng(1).normal(size=(300, 3))
    moves, _ = T.adam_stream(grads, lr=0.1, betas=(0.9, 0.99))
    replayed = np.diff(ol.replay(ol.Adam(lr=0.1, betas=(0.9, 0.99)), grads, np.zeros(3)).x, axis=0)
    np.testing.assert_allclose(moves, replayed, rtol=1e-9, atol=1e-15)


# -- A13: hyperparameters are read-only -----------------------------------------------------


def test_a13_hyperparameters_are_read_only_and_replace_checks_again():
    o = ol.SGD(lr=[0.1, 0.2])
    with pytest.raises(AttributeError, match="read-only: make a new optimizer"):
        o.lr = 0.01
    with pytest.raises(AttributeError, match="read-only"):
        ol.SGD(lr=0.1).lr = float("nan")
    assert ol.Adam(lr=0.1).replace(lr=0.2).lr == 0.2
    with pytest.raises(ValueError, match="Invalid learning rate: nan"):
        ol.SGD(lr=0.1).replace(lr=float("nan"))
    with pytest.raises(TypeError, match="Adam has no hyperparameter 'momentum'"):
        ol.Adam().replace(momentum=0.9)


@pytest.mark.parametrize("name", [n for n in ol.optim.__all__ if n != "Optimizer"])
def test_a13_every_optimizer_replaces_itself_faithfully(name):
    opt = ol.Lookahead(ol.SGD(lr=0.1)) if name == "Lookahead" else getattr(ol, name)()
    assert repr(opt.replace()) == repr(opt)


# -- the promises, over random problems, hyperparameters and sweep shapes ----------------------

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPTIMIZERS = {
    "SGD": lambda lr: ol.SGD(lr=lr, momentum=0.5),
    "Adam": lambda lr: ol.Adam(lr=lr),
    "RMSprop": lambda lr: ol.RMSprop(lr=lr),
    "Adagrad": lambda lr: ol.Adagrad(lr=lr),
    "NAdam": lambda lr: ol.NAdam(lr=lr),
}


def _problem(a, c):
    """a·(x − c)² per coordinate, written with ** on intermediates as a learner would."""
    return ol.Problem(
        f=lambda x: np.sum(a * (x - c) ** 2, axis=-1),
        grad=lambda x: 2 * a * (x - c),
    )


@SETTINGS
@given(
    a=st.floats(0.1, 50),
    c=st.floats(-3, 3),
    x0=st.lists(st.floats(-5, 5), min_size=1, max_size=3),
    lrs=st.lists(st.floats(1e-3, 2.0), min_size=1, max_size=4),
    name=st.sampled_from(sorted(OPTIMIZERS)),
    steps=st.integers(0, 40),
)
def test_every_column_of_a_sweep_equals_its_single_run_bit_for_bit(a, c, x0, lrs, name, steps):
    p = _problem(a, c)
    sweep = ol.run(OPTIMIZERS[name](np.array(lrs)), p, x0, steps)
    for j, lr in enumerate(lrs):
        single = ol.run(OPTIMIZERS[name](lr), p, x0, steps)
        np.testing.assert_array_equal(sweep.x[:, j], single.x)
        np.testing.assert_array_equal(sweep.loss[:, j], single.loss)
        assert (sweep.diverged_at[j] if sweep.diverged_at[j] >= 0 else None) == single.diverged_at


@SETTINGS
@given(
    lr=st.floats(0.2, 3.0),
    every=st.integers(1, 60),
    keep=st.sampled_from([("x",), ("loss",), ("x", "loss")]),
    steps=st.integers(1, 500),
)
def test_diverged_at_does_not_depend_on_keep_or_every(lr, every, keep, steps):
    reference = ol.run(ol.SGD(lr=lr), P, 2.0, steps).diverged_at
    assert ol.run(ol.SGD(lr=lr), P, 2.0, steps, every=every, keep=keep).diverged_at == reference


@SETTINGS
@given(
    lrs=st.lists(st.floats(1e-4, 1e3), min_size=1, max_size=5),
    name=st.sampled_from(sorted(OPTIMIZERS)),
)
def test_no_run_prints_a_warning_even_when_it_overflows(lrs, name):
    cubic = ol.Problem(f=lambda x: x**4, grad=lambda x: 4 * x**3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ol.run(OPTIMIZERS[name](np.array(lrs)), cubic, 3.0, 200)
    finite_before = [
        np.isfinite(t.x[: k if k >= 0 else None, j]).all() for j, k in enumerate(t.diverged_at)
    ]
    assert all(finite_before)
