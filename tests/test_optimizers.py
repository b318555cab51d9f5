"""Every optimizer: torch's checks and messages, sweeps, closed forms, and no warnings."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol

P = ol.quadratic(4.0)
ROSEN = ol.Problem(
    f=lambda x: (1 - x[..., 0]) ** 2 + 100 * (x[..., 1] - x[..., 0] ** 2) ** 2,
    grad=lambda x: np.stack(
        [
            -2 * (1 - x[..., 0]) - 400 * x[..., 0] * (x[..., 1] - x[..., 0] ** 2),
            200 * (x[..., 1] - x[..., 0] ** 2),
        ],
        axis=-1,
    ),
)
ALL = [ol.SGD, ol.Adagrad, ol.RMSprop, ol.Adam, ol.AdamW, ol.Adamax, ol.NAdam, ol.RAdam]
ALL += [ol.Adadelta, ol.ASGD, ol.Rprop]


# (optimizer, kwargs, torch's message): one row per check, in torch's order
MESSAGES = [
    (ol.Adagrad, {"lr": -0.1}, "Invalid learning rate: -0.1"),
    (ol.Adagrad, {"lr_decay": -1}, "Invalid lr_decay value: -1"),
    (ol.Adagrad, {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.Adagrad, {"initial_accumulator_value": -1}, "Invalid initial_accumulator_value value: -1"),
    (ol.Adagrad, {"eps": -1}, "Invalid epsilon value: -1"),
    (ol.Adagrad, {"lr_decay": -1, "eps": -1}, "Invalid lr_decay value: -1"),
    (ol.RMSprop, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.RMSprop, {"eps": -1}, "Invalid epsilon value: -1"),
    (ol.RMSprop, {"momentum": -1}, "Invalid momentum value: -1"),
    (ol.RMSprop, {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.RMSprop, {"alpha": -1}, "Invalid alpha value: -1"),
    (ol.RMSprop, {"alpha": -1, "eps": -1}, "Invalid epsilon value: -1"),
    (ol.Adam, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.Adam, {"eps": -1}, "Invalid epsilon value: -1"),
    (ol.Adam, {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    (ol.Adam, {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    (ol.Adam, {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.Adam, {"betas": (0, 0.999)}, "betas must be either both floats or both Tensors"),
    (ol.Adam, {"betas": (0, 0.999), "weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.AdamW, {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1: 1.5"),
    (ol.Adamax, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.Adamax, {"eps": -1}, "Invalid epsilon value: -1"),
    (ol.Adamax, {"betas": (-0.5, 0.9)}, "Invalid beta parameter at index 0: -0.5"),
    (ol.Adamax, {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.NAdam, {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
    (ol.NAdam, {"momentum_decay": -1}, "Invalid momentum_decay value: -1"),
    (ol.NAdam, {"weight_decay": -1, "momentum_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.RAdam, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.RAdam, {"betas": (0.9, 2)}, "Invalid beta parameter at index 1: 2"),
    (ol.Adadelta, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.Adadelta, {"rho": 1.1}, "Invalid rho value: 1.1"),
    (ol.Adadelta, {"eps": -1}, "Invalid epsilon value: -1"),
    (ol.Adadelta, {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.ASGD, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.ASGD, {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    (ol.Rprop, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.Rprop, {"etas": (1.5, 1.2)}, "Invalid eta values: 1.5, 1.2"),
    (ol.Rprop, {"etas": (0.5, 0.9)}, "Invalid eta values: 0.5, 0.9"),
    (ol.Newton, {"lr": -1}, "Invalid learning rate: -1"),
    (ol.Adam, {"betas": 0.9}, "betas must be a pair (beta1, beta2), got 0.9"),
    (ol.Adam, {"betas": (0.9, 0.99, 0.999)}, "betas must be a pair (beta1, beta2), got"),
    (ol.Rprop, {"step_sizes": 1e-6}, "step_sizes must be a pair, got 1e-06"),
]


@pytest.mark.parametrize(
    "opt, kwargs, message", MESSAGES, ids=[f"{o.__name__}-{k}" for o, k, _ in MESSAGES]
)
def test_torch_messages_in_torch_order(opt, kwargs, message):
    with pytest.raises(ValueError) as err:
        opt(**kwargs)
    assert str(err.value).startswith(message)


def test_unchecked_torch_arguments_are_accepted():
    ol.ASGD(lambd=-1.0, alpha=-1.0, t0=-5.0)  # torch checks none of these
    ol.Rprop(step_sizes=(10.0, 1.0))
    ol.RMSprop(alpha=2.0)  # not bounded above in torch


@pytest.mark.parametrize("opt", ALL + [ol.Newton], ids=lambda o: o.__name__)
def test_nan_and_inf_are_refused(opt):
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="Invalid learning rate"):
            opt(lr=bad)


@pytest.mark.parametrize("opt", ALL, ids=lambda o: o.__name__)
def test_docstring_states_the_rule_and_names_torch(opt):
    doc = opt.__doc__
    assert f"torch.optim.{opt.__name__}" in doc
    assert "x ←" in doc or "x ← x" in doc


def test_defaults_are_torchs():
    assert ol.SGD().lr == 1e-3
    assert (ol.Adam().lr, ol.Adam().betas, ol.Adam().eps) == (1e-3, (0.9, 0.999), 1e-8)
    assert ol.AdamW().weight_decay == 1e-2 and ol.AdamW().decoupled_weight_decay
    assert (ol.Adagrad().lr, ol.Adagrad().eps) == (1e-2, 1e-10)
    assert (ol.RMSprop().lr, ol.RMSprop().alpha, ol.RMSprop().eps) == (1e-2, 0.99, 1e-8)
    assert (ol.Adamax().lr, ol.NAdam().lr, ol.NAdam().momentum_decay) == (2e-3, 2e-3, 4e-3)
    assert (ol.Adadelta().lr, ol.Adadelta().rho, ol.Adadelta().eps) == (1.0, 0.9, 1e-6)
    asgd = ol.ASGD()
    assert (asgd.lr, asgd.lambd, asgd.alpha, asgd.t0) == (1e-2, 1e-4, 0.75, 1e6)
    assert (ol.Rprop().etas, ol.Rprop().step_sizes) == ((0.5, 1.2), (1e-6, 50))


def test_state_initialisation_follows_torch():
    x = np.array([1.0, -2.0])
    assert ol.SGD(lr=0.1, momentum=0.9).init(x)["momentum_buffer"] is None
    s = ol.Adagrad(initial_accumulator_value=0.3).init(x)
    np.testing.assert_array_equal(s["sum"], [0.3, 0.3])
    s = ol.RMSprop(momentum=0.5, centered=True).init(x)
    assert set(s) == {"step", "square_avg", "momentum_buffer", "grad_avg"}
    assert not s["square_avg"].any() and not s["momentum_buffer"].any()
    assert set(ol.Adam(amsgrad=True).init(x)) == {
        "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq",
    }  # fmt: skip
    np.testing.assert_array_equal(ol.Rprop(lr=0.3).init(x)["step_size"], [0.3, 0.3])
    assert float(ol.ASGD(lr=0.01).init(x)["eta"]) == float(np.float32(0.01))


def test_first_steps_the_course_talks_about():
    g = np.array([3.0, -0.02])
    x = np.zeros(2)
    # RMSprop from v = 0 without bias correction: 10 lr sign(g) at alpha = 0.99
    x1, _ = ol.RMSprop(lr=0.01).step(x, g, ol.RMSprop(lr=0.01).init(x))
    np.testing.assert_allclose(x1, -0.01 * g / (np.sqrt(0.01 * g * g) + 1e-8), rtol=1e-15)
    np.testing.assert_allclose(x1, -0.1 * np.sign(g), rtol=1e-5)
    # Adam's first step is lr g / (|g| + eps): about lr, whatever the gradient's size
    adam = ol.Adam(lr=0.05)
    x1, _ = adam.step(x, g, adam.init(x))
    np.testing.assert_allclose(x1, -0.05 * g / (np.abs(g) + 1e-8), rtol=1e-15)
    np.testing.assert_allclose(x1, -0.05 * np.sign(g), rtol=1e-6)
    # RAdam's first steps are un-adapted: lr * m_hat, which on step 1 is lr * g
    radam = ol.RAdam(lr=0.05)
    x1, _ = radam.step(x, g, radam.init(x))
    np.testing.assert_allclose(x1, -0.05 * g, rtol=1e-15)


def test_ema_momentum_is_torch_momentum_with_rate_lr_times_one_minus_beta():
    beta, eta = 0.9, 0.05
    x, m = 2.0, 0.0
    xs = [x]
    for _ in range(30):  # EMA momentum, m0 = 0: m = beta m + (1 - beta) g; x -= eta m
        m = beta * m + (1 - beta) * 8 * x
        x = x - eta * m
        xs.append(x)
    t = ol.run(ol.SGD(lr=eta * (1 - beta), momentum=beta), P, 2.0, 30)
    np.testing.assert_allclose(t.x, xs, rtol=1e-12)


def test_asgd_average_starts_after_t0():
    opt = ol.ASGD(lr=0.01, t0=3)
    x, s = np.array(2.0), opt.init(np.array(2.0))
    xs = []
    for _ in range(8):
        x, s = opt.step(x, 8 * x, s)
        xs.append(float(x))
    # step t uses mu from step t - 1, mu = 1/max(1, t - t0): ax copies x up to step t0 + 2 = 5,
    # then is the running mean of the iterates from step 5 on
    np.testing.assert_allclose(s["ax"], np.mean(xs[4:]), rtol=1e-6)


def test_rprop_uses_signs_only():
    t1 = ol.run(ol.Rprop(lr=0.01), P, 2.0, 50).x
    scaled = ol.Problem(f=P.f, grad=lambda x: 1e6 * P.grad(x))
    np.testing.assert_array_equal(t1, ol.run(ol.Rprop(lr=0.01), scaled, 2.0, 50).x)


# -- Newton ---------------------------------------------------------------------------------


def test_newton_one_step_on_the_course_parabola():
    np.testing.assert_array_equal(ol.run(ol.Newton(), P, 2.0, 3).x, [2, 0, 0, 0])


@given(
    a=st.lists(st.floats(-3, 3), min_size=9, max_size=9),
    b=st.lists(st.floats(-5, 5), min_size=3, max_size=3),
    x0=st.lists(st.floats(-5, 5), min_size=3, max_size=3),
)
@settings(max_examples=30, deadline=None)
def test_newton_lands_on_any_positive_definite_quadratic_in_one_step(a, b, x0):
    m = np.array(a).reshape(3, 3)
    h = m @ m.T + np.eye(3)  # positive definite
    b = np.array(b)
    p = ol.Problem(
        f=lambda x: 0.5 * np.einsum("...i,ij,...j->...", x, h, x) - x @ b,
        grad=lambda x: x @ h.T - b,
        hess=lambda x: np.broadcast_to(h, x.shape + (3,)),
    )
    t = ol.run(ol.Newton(), p, x0, 1)
    np.testing.assert_allclose(t.x[1], np.linalg.solve(h, b), rtol=1e-8, atol=1e-8)


def test_newton_needs_a_hessian():
    with pytest.raises(ValueError, match=r"Newton needs the problem's Hessian: give Problem\(hess"):
        ol.run(ol.Newton(), ol.Problem(f=P.f, grad=P.grad), 2.0, 3)


def test_newton_refuses_a_singular_hessian():
    flat = ol.Problem(f=lambda x: 0 * x, grad=lambda x: 0 * x, hess=lambda x: 0 * x)
    with pytest.raises(ValueError, match="singular"):
        ol.run(ol.Newton(), flat, 1.0, 1)
    rank1 = ol.Problem(
        f=lambda x: x[..., 0] ** 2,
        grad=lambda x: np.stack([2 * x[..., 0], 0 * x[..., 1]], axis=-1),
        hess=lambda x: np.broadcast_to(np.array([[2.0, 0.0], [0.0, 0.0]]), x.shape + (2,)),
    )
    with pytest.raises(ValueError, match="singular"):
        ol.run(ol.Newton(), rank1, [1.0, 1.0], 1)


# -- sweeps ---------------------------------------------------------------------------------

SWEEPS = [
    (ol.SGD, {"lr": np.linspace(1e-4, 1e-3, 4), "momentum": 0.9}),
    (ol.Adagrad, {"lr": np.array([0.01, 0.1]), "lr_decay": np.array([[0.0], [0.01]])}),
    (ol.RMSprop, {"lr": 0.001, "alpha": np.array([0.5, 0.9, 0.99]), "centered": True}),
    (ol.RMSprop, {"lr": 0.001, "momentum": np.array([0.0, 0.5])}),
    (ol.Adam, {"lr": 0.01, "betas": (np.array([0.0, 0.5, 0.9]), 0.999), "amsgrad": True}),
    (ol.AdamW, {"lr": 0.01, "weight_decay": np.array([0.0, 0.1])}),
    (ol.Adamax, {"lr": 0.01, "betas": (0.9, np.array([0.9, 0.999]))}),
    (ol.NAdam, {"lr": 0.01, "momentum_decay": np.array([0.0, 4e-3, 1e-2])}),
    (ol.RAdam, {"lr": 0.01, "betas": (0.9, np.array([0.5, 0.9, 0.999]))}),
    (ol.Adadelta, {"rho": np.array([0.5, 0.9]), "weight_decay": np.array([[0.0], [0.01]])}),
    (ol.ASGD, {"lr": np.array([1e-4, 5e-4]), "t0": np.array([[5.0], [50.0]])}),
    (ol.Rprop, {"lr": 1e-3, "etas": (np.array([0.3, 0.5]), 1.2)}),
    (ol.Newton, {"lr": np.array([0.5, 1.0])}),
]
NEWTON_ROSEN = ol.Problem(
    f=ROSEN.f,
    grad=ROSEN.grad,
    hess=lambda x: np.stack(
        [
            np.stack([2 - 400 * (x[..., 1] - 3 * x[..., 0] ** 2), -400 * x[..., 0]], axis=-1),
            np.stack([-400 * x[..., 0], np.full(x.shape[:-1], 200.0)], axis=-1),
        ],
        axis=-2,
    ),
)


def pick(kwargs, index):
    """The scalar hyperparameters of one run of a sweep."""

    def one(v):
        if isinstance(v, tuple):
            return tuple(one(b) for b in v)
        if isinstance(v, np.ndarray):
            return float(np.broadcast_to(v, shape)[index])
        return v

    shape = np.broadcast_shapes(
        *(np.shape(b) for v in kwargs.values() for b in (v if isinstance(v, tuple) else (v,)))
    )
    return {k: one(v) for k, v in kwargs.items()}


@pytest.mark.parametrize("opt, kwargs", SWEEPS, ids=[o.__name__ for o, _ in SWEEPS])
def test_sweep_equals_single_runs(opt, kwargs):
    problem = NEWTON_ROSEN
    sweep = ol.run(opt(**kwargs), problem, x0=[-1.2, 1.0], steps=100)
    batch = opt(**kwargs).batch_shape
    assert sweep.x.shape == (101, *batch, 2)
    for index in np.ndindex(*batch):
        single = ol.run(opt(**pick(kwargs, index)), problem, x0=[-1.2, 1.0], steps=100)
        np.testing.assert_array_equal(sweep.x[(slice(None), *index)], single.x)


def test_the_issue_sweep_adam_200_rates_on_rosenbrock():
    lrs = np.geomspace(1e-4, 1e-2, 200)
    t = ol.run(ol.Adam(lr=lrs), ROSEN, x0=[-1.2, 1.0], steps=1000)
    assert t.x.shape == (1001, 200, 2)
    for i in range(0, 200, 7):
        single = ol.run(ol.Adam(lr=lrs[i]), ROSEN, x0=[-1.2, 1.0], steps=1000)
        np.testing.assert_array_equal(t.x[:, i], single.x)


def test_sweep_arrays_that_do_not_broadcast_are_named():
    with pytest.raises(ValueError, match=r"lr with shape \(3,\), beta2 with shape \(4,\)"):
        ol.Adam(lr=np.full(3, 0.1), betas=(0.9, np.full(4, 0.9)))


# -- no warnings, whatever the hyperparameters ----------------------------------------------

HYPER = {
    ol.SGD: dict(lr=(0, 10), momentum=(0, 2), dampening=(-1, 1), weight_decay=(0, 5)),
    ol.Adagrad: dict(lr=(0, 10), lr_decay=(0, 5), weight_decay=(0, 5), eps=(0, 1)),
    ol.RMSprop: dict(lr=(0, 10), alpha=(0, 2), eps=(0, 1), weight_decay=(0, 5), momentum=(0, 2)),
    ol.Adam: dict(lr=(0, 10), eps=(0, 1), weight_decay=(0, 5)),
    ol.Adamax: dict(lr=(0, 10), eps=(0, 1), weight_decay=(0, 5)),
    ol.NAdam: dict(lr=(0, 10), eps=(0, 1), weight_decay=(0, 5), momentum_decay=(0, 5)),
    ol.RAdam: dict(lr=(0, 10), eps=(0, 1), weight_decay=(0, 5)),
    ol.Adadelta: dict(lr=(0, 10), rho=(0, 1), eps=(0, 1), weight_decay=(0, 5)),
    ol.ASGD: dict(lr=(0, 10), lambd=(-5, 5), alpha=(-3, 3), t0=(-10, 10), weight_decay=(0, 5)),
    ol.Rprop: dict(lr=(0, 10)),
}


@pytest.mark.parametrize("opt", list(HYPER), ids=lambda o: o.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_no_numpy_warning_whatever_the_hyperparameters(opt, data):
    kwargs = {k: data.draw(st.floats(lo, hi), label=k) for k, (lo, hi) in HYPER[opt].items()}
    if opt in (ol.Adam, ol.Adamax, ol.NAdam, ol.RAdam):
        kwargs["betas"] = (data.draw(st.floats(0, 0.999)), data.draw(st.floats(0, 0.9999)))
    for flag in ("centered", "amsgrad", "maximize"):
        if flag in opt.__init__.__code__.co_varnames:
            kwargs[flag] = data.draw(st.booleans(), label=flag)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ol.run(opt(**kwargs), ROSEN, x0=[-1.2, 1.0], steps=60)
    finite = np.isfinite(t.x).all(axis=-1)
    if t.diverged_at is None:
        assert finite.all()
    else:
        assert finite[: t.diverged_at].all() and not finite[t.diverged_at :].any()
