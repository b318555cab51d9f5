"""ol.Eve: Algorithm 1 of Koushik & Hayashi (arXiv:1611.01505), checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol


def test_first_three_steps_by_hand():
    """lr = 0.1, betas (0.9, 0.999), beta3 = 0.999, k = 0.1, K = 10, eps = 1e-8, x0 = 1;
    gradients 2, 1, -1 and losses 4, 5, 0.2 (a rise by 25%, then a fall by 25x)."""
    eve = ol.Eve(lr=0.1)
    assert eve.needs_loss
    state = eve.init(1.0)
    xs = [1.0]
    for g, f in [(2.0, 4.0), (1.0, 5.0), (-1.0, 0.2)]:
        x, state = eve.step(xs[-1], g, state, loss=f)
        xs.append(float(x))
        if state["step"] == 1:
            d1, f1 = state["d"], state["f_hat"]
        elif state["step"] == 2:
            d2, f2 = state["d"], state["f_hat"]
    d3, f3 = state["d"], state["f_hat"]

    # step 1: m = 0.1*2 = 0.2, v = 0.001*4 = 0.004; m_hat = 0.2/0.1 = 2, v_hat = 0.004/0.001 = 4;
    # the first step sets f_hat = f = 4 and d = 1:  x1 = 1 - 0.1*2/(1*sqrt(4) + 1e-8)
    assert (f1, d1) == (4.0, 1.0)
    x1 = 1 - 0.1 * 2 / (1 * 2 + 1e-8)
    assert x1 == pytest.approx(0.9000000005, rel=1e-15)
    # step 2: f = 5 >= f_hat = 4 (a rise): c = min(max(1 + 0.1, 5/4), 1 + 10) = 1.25,
    # f_hat = 1.25*4 = 5, r = |5 - 4|/min(5, 4) = 0.25, d = 0.999*1 + 0.001*0.25 = 0.99925;
    # m = 0.9*0.2 + 0.1*1 = 0.28, v = 0.999*0.004 + 0.001*1 = 0.004996;
    # m_hat = 0.28/(1 - 0.9**2) = 0.28/0.19, v_hat = 0.004996/(1 - 0.999**2) = 0.004996/0.001999
    assert f2 == 5.0 and d2 == pytest.approx(0.99925, rel=1e-15)
    x2 = x1 - 0.1 * (0.28 / 0.19) / (0.99925 * math.sqrt(0.004996 / 0.001999) + 1e-8)
    # step 3: f = 0.2 < f_hat = 5 (a fall): f/f_hat = 0.04 is clipped to 1/(10 + 1), so
    # f_hat = 5/11, r = |5/11 - 5|/(5/11) = 10, d = 0.999*0.99925 + 0.001*10 = 1.00825075;
    # m = 0.9*0.28 + 0.1*(-1) = 0.152, v = 0.999*0.004996 + 0.001*1 = 0.005991004;
    # m_hat = 0.152/(1 - 0.9**3) = 0.152/0.271, v_hat = 0.005991004/(1 - 0.999**3)
    assert f3 == pytest.approx(5 / 11, rel=1e-15) and d3 == pytest.approx(1.00825075, rel=1e-15)
    x3 = x2 - 0.1 * (0.152 / 0.271) / (1.00825075 * math.sqrt(0.005991004 / 0.002997001) + 1e-8)
    assert xs[1:] == pytest.approx([x1, x2, x3], rel=1e-13)
    assert [round(v, 6) for v in xs[1:]] == [0.9, 0.806712, 0.767366]


def test_first_step_is_adams_bit_for_bit():
    x, g = np.array([1.0, -2.0, 0.3]), np.array([0.5, 0.1, -4.0])
    eve, adam = ol.Eve(lr=0.05), ol.Adam(lr=0.05)
    xe, _ = eve.step(x, g, eve.init(x), loss=3.0)
    xa, _ = adam.step(x, g, adam.init(x))
    assert np.array_equal(xe, xa)


def test_needs_the_loss_and_a_positive_first_loss():
    eve = ol.Eve()
    state = eve.init(1.0)
    with pytest.raises(ValueError, match="Eve needs the loss at x"):
        eve.step(1.0, 2.0, state)
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="positive loss at its first step"):
            eve.step(1.0, 2.0, state, loss=bad)
    _, state = eve.step(1.0, 2.0, state, loss=1.0)
    with pytest.raises(ValueError, match="loss has shape"):
        eve.step(np.ones(2), np.ones(2), eve.init(np.ones(2)), loss=np.ones(3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": -1.0}, "Invalid learning rate: -1.0"),
        ({"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
        ({"beta3": 1.0}, "Invalid beta3 value: 1.0"),
        ({"k": 0.0}, "Invalid k value"),
        ({"K": -2.0}, "Invalid K value"),
        ({"k": 2.0, "K": 1.0}, "K must be at least k"),
        ({"eps": float("nan")}, "Invalid epsilon value: nan"),
    ],
)
def test_checks(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ol.Eve(**kwargs)


def run_eve(eve, x, steps):
    """Eve on f(x) = sum 4·x² + 0.1 (positive, minimum 0.1), loss and gradient at x."""
    state = eve.init(x)
    ds = []
    for _ in range(steps):
        f = (4 * x**2).sum(axis=-1) + 0.1
        x, state = eve.step(x, 8 * x, state, loss=f if np.ndim(f) else float(f))
        ds.append(state["d"])
    return x, np.array(ds)


def test_a_sweep_is_the_single_runs_bit_for_bit():
    lrs = np.array([0.01, 0.05, 0.2])
    x0 = np.array([1.0, -0.5])
    xs, ds = run_eve(ol.Eve(lr=lrs, beta3=0.99), np.broadcast_to(x0, (3, 2)).copy(), 60)
    for i, lr in enumerate(lrs):
        x1, d1 = run_eve(ol.Eve(lr=float(lr), beta3=0.99), x0.copy(), 60)
        assert np.array_equal(xs[i], x1) and np.array_equal(ds[:, i], d1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(1e-3, 1e3), min_size=2, max_size=40),
    st.floats(0.0, 0.999),
)
def test_d_stays_within_k_and_K(losses, beta3):
    """r lies in [k, K] at every step, so d, an EMA of r from 1, stays in [min(1, k), max(1, K)]
    and the smoothed loss stays positive, whatever the losses."""
    eve = ol.Eve(beta3=beta3)
    state = eve.init(0.0)
    x = 0.0
    for f in losses:
        x, state = eve.step(x, 1.0, state, loss=f)
        assert 0.1 - 1e-12 <= state["d"] <= 10 + 1e-12
        assert state["f_hat"] > 0 and np.isfinite(x)


def test_d_on_a_plateau_and_after_a_drop():
    """A constant loss: f_hat alternates up 10% and back, r = 0.1, so d decays towards 0.1;
    a sudden 100x drop: r = 10 (clipped), d jumps by 0.001*(10 - d)."""
    eve = ol.Eve()
    state = eve.init(0.0)
    for _ in range(3000):
        _, state = eve.step(0.0, 1.0, state, loss=2.0)
    assert state["d"] == pytest.approx(0.1 + 0.9 * 0.999**2999, rel=1e-9)
    d = state["d"]
    _, state = eve.step(0.0, 1.0, state, loss=0.02)
    assert state["d"] == pytest.approx(0.999 * d + 0.001 * 10, rel=1e-12)
