"""Closed forms behind notebooks 02 and 03, checked against runs and unrolled sums."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import theory as T

P = ol.quadratic(4.0)


@given(beta=st.floats(0, 0.999), c=st.floats(-100, 100), n=st.integers(1, 200))
def test_ema_of_a_constant_is_c_times_one_minus_beta_to_the_t(beta, c, n):
    t = np.arange(1, n + 1)
    np.testing.assert_allclose(T.ema(np.full(n, c), beta), c * (1 - beta**t), rtol=1e-9, atol=1e-9)
    if beta < 0.99:  # with the correction, a constant is averaged to itself from step 1
        np.testing.assert_allclose(
            T.ema(np.full(n, c), beta, bias_correction=True), c, rtol=1e-9, atol=1e-9
        )


@settings(max_examples=30)
@given(beta=st.floats(0, 0.99), data=st.lists(st.floats(-50, 50), min_size=1, max_size=60))
def test_ema_is_the_unrolled_weighted_sum(beta, data):
    theta = np.array(data)
    n = len(theta)
    # v_N = sum_i (1 - beta) beta^i theta_{N-i}, from v_0 = 0
    unrolled = np.sum(T.ema_weights(beta, n) * theta[::-1])
    np.testing.assert_allclose(T.ema(theta, beta)[-1], unrolled, rtol=1e-9, atol=1e-9)


def test_ema_weights_the_course_numbers():
    w = T.ema_weights(0.9, 100)
    assert w[0] == pytest.approx(0.1) and w[1] == pytest.approx(0.09)
    assert w.sum() == pytest.approx(1 - 0.9**100) == pytest.approx(0.99997, abs=1e-5)
    assert T.ema_window(0.9) == pytest.approx(10) and T.ema_window(0.98) == pytest.approx(50)
    for beta in (0.9, 0.98, 0.999):  # beta^(1/(1-beta)) -> 1/e
        assert beta ** T.ema_window(beta) == pytest.approx(np.exp(-1), rel=0.06)


def test_ema_over_several_betas_at_once():
    theta = np.sin(np.arange(30.0))
    both = T.ema(theta, np.array([0.5, 0.9]))
    np.testing.assert_array_equal(both[1], T.ema(theta, 0.9))
    np.testing.assert_array_equal(both[0], T.ema(theta, 0.5))


def test_seed_003_form_is_the_same_rule():
    g = np.random.default_rng(3).normal(size=50)
    m, ms = 0.0, []
    for gi in g:  # m(i) = 0.9 m(i-1) + 0.1 g(i)
        m = 0.9 * m + 0.1 * gi
        ms.append(m)
    np.testing.assert_allclose(T.ema(g, 0.9), ms, rtol=1e-12)


def test_ema_lag_on_a_ramp():
    ramp = np.arange(2000.0)
    for beta in (0.5, 0.9, 0.98):
        lag = ramp[-1] - T.ema(ramp, beta)[-1]
        assert lag == pytest.approx(T.ema_lag(beta), rel=1e-6)


def test_ema_refuses_bad_beta():
    with pytest.raises(ValueError, match="beta must be in"):
        T.ema([1.0, 2.0], 1.0)


def test_daily_temperature_is_reproducible():
    d1, r1, s1 = ol.data.daily_temperature(seed=0)
    d2, r2, _ = ol.data.daily_temperature(seed=0)
    assert d1[0] == 1 and len(d1) == 365
    np.testing.assert_array_equal(r1, r2)
    assert 1.9 < s1.min() < 2.1 and 21.9 < s1.max() < 22.1


# -- momentum --------------------------------------------------------------------------------


def observed_rate(lr, m, dampening=0.0, nesterov=False, steps=3000):
    t = ol.run(
        ol.SGD(lr=lr, momentum=m, dampening=dampening, nesterov=nesterov),
        P,
        2.0,
        steps,
        keep=("x",),
    )
    x = np.abs(t.x)
    return (x[-1] / x[steps // 2]) ** (1 / (steps - steps // 2)) if x[-1] > 0 else 0.0


@pytest.mark.parametrize(
    "lr, m, damp, nesterov",
    [
        (0.01, 0.0, 0.0, False),
        (0.01, 0.3, 0.0, False),
        (0.01, 0.9, 0.0, False),
        (0.03, 0.5, 0.0, False),
        (0.01, 0.63, 0.63, False),
        (0.01, 0.9, 0.0, True),
        (0.02, 0.4, 0.0, True),
        (0.001, 0.95, 0.0, False),
    ],
)
def test_radius_is_the_rate_runs_show(lr, m, damp, nesterov):
    r = float(T.momentum_radius(lr, m, 8.0, damp, nesterov))
    # oscillating modes decay like r^t times a bounded factor: compare over a long window,
    # short enough that r^steps stays far above the smallest float
    steps = int(min(3000, 500 / -np.log(r)))
    assert observed_rate(lr, m, damp, nesterov, steps) == pytest.approx(r, abs=3e-3)


def test_course_momentum_numbers():
    r = T.momentum_radius(0.01, np.array([0.0, 0.63, 0.9]))
    np.testing.assert_allclose(r, [0.92, np.sqrt(0.63), np.sqrt(0.9)], rtol=1e-12)
    m_star = T.critical_momentum(0.01)
    assert m_star == pytest.approx(0.5143, abs=1e-4)
    assert T.momentum_radius(0.01, m_star) == pytest.approx(1 - np.sqrt(0.08), abs=1e-6)
    # the minimum is a corner: at m = 0.514, just below m*, the radius is already 0.726
    assert T.momentum_radius(0.01, 0.514) == pytest.approx(0.726, abs=1e-3)
    ms = np.linspace(0, 0.99, 10_001)
    assert ms[np.argmin(T.momentum_radius(0.01, ms))] == pytest.approx(m_star, abs=1e-4)


def test_stable_region_is_where_runs_converge():
    lrs = np.geomspace(1e-3, 0.5, 25)[:, None]
    ms = np.linspace(0, 0.98, 25)[None, :]
    radius = T.momentum_radius(lrs, ms)
    t = ol.run(ol.SGD(lr=lrs, momentum=ms), P, 2.0, 400, keep=("x",))
    final = np.abs(t.x[-1])
    clear = np.abs(radius - 1) > 0.02  # away from the edge, 400 steps decide
    assert np.all(final[clear & (radius < 1)] < 2.0)
    assert np.all(~(final[clear & (radius > 1)] < 2.0))  # larger, or NaN after overflow


# -- Adam on long streams (notebook 05) -----------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(beta=st.floats(0, 0.9999), n=st.integers(1, 3000), seed=st.integers(0, 100))
def test_ema_scan_equals_the_loop(beta, n, seed):
    theta = np.random.default_rng(seed).normal(size=n)
    np.testing.assert_allclose(T.ema_scan(theta, beta), T.ema(theta, beta), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("betas", [(0.0, 0.999), (0.9, 0.999), (0.5, 0.9), (0.0, 0.9999)])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_stream_equals_replay(betas, amsgrad):
    grads = np.abs(np.random.default_rng(4).normal(size=20_000)) + 0.1
    grads[15_000] = 1e4
    move, _ = T.adam_stream(grads, 0.01, betas, amsgrad=amsgrad)
    ref = np.diff(ol.replay(ol.Adam(lr=0.01, betas=betas, amsgrad=amsgrad), grads).x)
    np.testing.assert_allclose(move, ref, rtol=1e-7)


@settings(max_examples=30, deadline=None)
@given(
    b1=st.sampled_from([0.0, 0.5, 0.9]),
    b2=st.sampled_from([0.9, 0.999, 0.9999]),
    shape=st.sampled_from([(1,), (50,), (300, 2)]),
    spike=st.sampled_from([1.0, 1e5, 1e200]),  # 1e200 squares to inf
    seed=st.integers(0, 100),
)
def test_adam_and_amsgrad_at_once_is_two_adam_streams_bit_for_bit(b1, b2, shape, spike, seed):
    grads = np.random.default_rng(seed).normal(size=shape)
    grads[shape[0] // 2] = spike
    both = T.adam_and_amsgrad_stream(grads, 0.1, (b1, b2))
    for name, ams in (("Adam", False), ("AMSGrad", True)):
        move, v_hat = T.adam_stream(grads, 0.1, (b1, b2), amsgrad=ams)
        np.testing.assert_array_equal(both[name][0], move)
        np.testing.assert_array_equal(both[name][1], v_hat)


def test_adam_and_amsgrad_stream_checks_as_adam_stream_does():
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        T.adam_and_amsgrad_stream(np.ones(3), betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="grads must be finite numbers"):
        T.adam_and_amsgrad_stream(np.array([1.0, np.nan]))


def test_adam_stream_seed_004_table_and_bound():
    g = np.ones(101_001)
    g[100_999] = 1e5
    move, v_hat = T.adam_stream(g, 1.0, (0.0, 0.999))
    np.testing.assert_allclose(
        -move[[100_998, 100_999, 101_000]], [1.0, 10 * np.sqrt(10), 10**-3.5], rtol=1e-3
    )
    assert np.abs(move).max() <= np.sqrt(1000) + 1e-9
    assert v_hat[100_999] == pytest.approx(1e7, rel=1e-3)
