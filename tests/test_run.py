"""ol.run: shapes, sweeps, divergence, and the errors it gives for bad input."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol

P = ol.Problem(f=lambda x: 4 * x**2, grad=lambda x: 8 * x)
BOWL = ol.Problem(
    f=lambda x: x[..., 0] ** 2 + 10 * x[..., 1] ** 2,
    grad=lambda x: np.stack([2 * x[..., 0], 20 * x[..., 1]], axis=-1),
)


def test_sweep_is_one_run_per_column():
    lrs = np.linspace(0.01, 0.3, 10)
    t = ol.run(ol.SGD(lr=lrs), P, x0=2.0, steps=100)
    assert t.x.shape == (101, 10)
    assert t.loss.shape == (101, 10)
    for i, lr in enumerate(lrs):
        single = ol.run(ol.SGD(lr=lr), P, x0=2.0, steps=100)
        np.testing.assert_array_equal(t.x[:, i], single.x)
        np.testing.assert_array_equal(t.loss[:, i], single.loss)


@settings(max_examples=25, deadline=None)
@given(
    lrs=st.lists(st.floats(1e-3, 0.09), min_size=1, max_size=4),
    moms=st.lists(st.floats(0, 0.95), min_size=1, max_size=3),
    nesterov=st.booleans(),
)
def test_two_axis_sweep_on_a_vector_problem_equals_single_runs(lrs, moms, nesterov):
    if nesterov:  # torch: nesterov needs momentum > 0
        moms = [m for m in moms if m > 0] or [0.5]
    lr = np.array(lrs)[:, None]
    mom = np.array(moms)[None, :]
    t = ol.run(ol.SGD(lr=lr, momentum=mom, nesterov=nesterov), BOWL, x0=[1.0, -2.0], steps=30)
    assert t.x.shape == (31, len(lrs), len(moms), 2)
    assert t.loss.shape == (31, len(lrs), len(moms))
    for i, a in enumerate(lrs):
        for j, m in enumerate(moms):
            single = ol.run(ol.SGD(lr=a, momentum=m, nesterov=nesterov), BOWL, [1.0, -2.0], 30)
            np.testing.assert_array_equal(t.x[:, i, j], single.x)


def test_sweep_mixing_zero_and_nonzero_momentum_ignores_dampening_where_zero():
    opt = ol.SGD(lr=0.01, momentum=np.array([0.0, 0.63]), dampening=0.5)
    t = ol.run(opt, P, 2.0, 20)
    np.testing.assert_array_equal(t.x[:, 0], ol.run(ol.SGD(lr=0.01), P, 2.0, 20).x)
    np.testing.assert_array_equal(
        t.x[:, 1], ol.run(ol.SGD(lr=0.01, momentum=0.63, dampening=0.5), P, 2.0, 20).x
    )


def test_overflow_is_silent_nan_after_the_divergence_step():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ol.run(ol.SGD(lr=1.0), P, x0=2.0, steps=1000)
    k = t.diverged_at
    assert isinstance(k, int) and 100 < k < 1000
    assert np.isfinite(t.x[:k]).all() and np.isfinite(t.loss[:k]).all()
    assert np.isnan(t.x[k:]).all() and np.isnan(t.loss[k:]).all()
    # up to the overflow it is still the closed form 2 * (-7)^t
    np.testing.assert_allclose(t.x[:k], 2.0 * (-7.0) ** np.arange(k), rtol=1e-12)


def test_overflow_prints_no_numpy_warning_in_a_fresh_interpreter():
    code = (
        "import optimlab as ol\n"
        "p = ol.Problem(f=lambda x: 4*x**2, grad=lambda x: 8*x)\n"
        "t = ol.run(ol.SGD(lr=1.0), p, x0=2.0, steps=1000)\n"
        "print(t.diverged_at)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr == ""
    assert int(out.stdout) == 182  # 4x^2 passes 1.8e308 when 2*7^t passes ~6.7e153


def test_sweep_reports_divergence_per_run():
    t = ol.run(ol.SGD(lr=np.array([0.1, 1.0, 0.5])), P, x0=2.0, steps=1000)
    assert t.diverged_at.shape == (3,)
    assert t.diverged_at[0] == -1
    assert t.diverged_at[1] == 182 and 182 < t.diverged_at[2] < 1000
    assert np.isfinite(t.x[:, 0]).all()


def test_zero_steps_records_the_start():
    t = ol.run(ol.SGD(lr=0.1), BOWL, x0=[1.0, 1.0], steps=0)
    np.testing.assert_array_equal(t.x, [[1.0, 1.0]])
    np.testing.assert_array_equal(t.loss, [11.0])


@pytest.mark.parametrize("x0", [float("nan"), float("inf"), [1.0, float("-inf")]])
def test_non_finite_x0_is_refused(x0):
    with pytest.raises(ValueError, match="x0 must be finite"):
        ol.run(ol.SGD(lr=0.1), P, x0=x0, steps=3)


def test_non_numeric_x0_is_refused():
    with pytest.raises(TypeError, match="x0 must be a real number"):
        ol.run(ol.SGD(lr=0.1), P, x0="two", steps=3)


@pytest.mark.parametrize("steps", [-1, 2.5, "3", True, None])
def test_bad_steps_are_refused(steps):
    with pytest.raises(ValueError, match=f"steps must be a non-negative integer, got {steps!r}"):
        ol.run(ol.SGD(lr=0.1), P, x0=2.0, steps=steps)


def test_numpy_integer_steps_are_fine():
    assert ol.run(ol.SGD(lr=0.1), P, 2.0, np.int64(3)).x.shape == (4,)


def test_gradient_of_the_wrong_shape_is_named():
    bad = ol.Problem(f=BOWL.f, grad=lambda x: x[..., 0])
    message = (
        r"grad must return an array of x's shape: for x of shape \(1, 2\) "
        r"\(a batch of 1 point of shape \(2,\)\) it returned shape \(1,\)"
    )
    with pytest.raises(ValueError, match=message):
        ol.run(ol.SGD(lr=0.1), bad, x0=[1.0, 1.0], steps=3)


def test_loss_of_the_wrong_shape_is_named():
    bad = ol.Problem(f=lambda x: x**2, grad=lambda x: 2 * x)  # forgot to sum over coordinates
    with pytest.raises(
        ValueError,
        match=r"f must return one loss per point: .* returned shape \(1, 2\), expected \(1,\)",
    ):
        ol.run(ol.SGD(lr=0.1), bad, x0=[1.0, 1.0], steps=3)


def test_step_refuses_gradient_of_the_wrong_shape():
    opt = ol.SGD(lr=0.1)
    with pytest.raises(ValueError, match=r"g has shape \(3,\), but x has shape \(2,\)"):
        opt.step(np.zeros(2), np.zeros(3), opt.init(np.zeros(2)))


def test_problem_needs_callables():
    with pytest.raises(TypeError, match="Problem grad must be callable"):
        ol.Problem(f=lambda x: x, grad=3.0)


def test_numerics_do_not_import_matplotlib_or_widgets():
    code = "import sys, optimlab; print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- replay ---------------------------------------------------------------------------------


def seed_004_stream():
    """Gradient 1 at steps 0..101000 except 100000 at step 100999 (seed 004's table)."""
    grads = np.ones(101_001)
    grads[100_999] = 100_000.0
    return grads


def test_replay_reproduces_seed_004s_table():
    t = ol.replay(ol.Adam(lr=1.0, betas=(0.0, 0.999)), seed_004_stream())
    assert t.x.shape == (101_002,) and t.loss is None
    move = -np.diff(t.x)
    np.testing.assert_allclose(move[100_998], 1.0, rtol=1e-6)
    np.testing.assert_allclose(move[100_999], 10 * np.sqrt(10), rtol=1e-3)  # 31.62
    np.testing.assert_allclose(move[101_000], 10**-3.5, rtol=1e-3)  # 3.162e-4
    # no single update moves more than lr * sqrt(1 / (1 - beta2))
    assert np.abs(move).max() <= np.sqrt(1 / (1 - 0.999)) + 1e-12


def test_replay_equals_stepping_by_hand():
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(50, 3))
    opt = ol.RMSprop(lr=0.01, momentum=0.5, centered=True)
    t = ol.replay(opt, grads, x0=np.ones(3))
    x, s = np.ones(3), opt.init(np.ones(3))
    for k, g in enumerate(grads, start=1):
        x, s = opt.step(x, g, s)
        np.testing.assert_array_equal(t.x[k], x)


def test_replay_sweeps_broadcast_the_stream():
    grads = np.ones(10)
    t = ol.replay(ol.Adam(lr=np.array([0.1, 1.0]), betas=(0.0, 0.999)), grads)
    assert t.x.shape == (11, 2)
    np.testing.assert_allclose(t.x[1], [-0.1, -1.0], rtol=1e-7)


def test_replay_refuses_what_it_cannot_use():
    with pytest.raises(ValueError, match=r"grads must have a step axis first"):
        ol.replay(ol.SGD(lr=0.1), 3.0)
    with pytest.raises(
        ValueError, match=r"grads has shape \(5, 3\); expected \(T, \*point\) = \(T, 2\)"
    ):
        ol.replay(ol.SGD(lr=0.1), np.ones((5, 3)), x0=[0.0, 0.0])
    with pytest.raises(ValueError, match="Newton needs the problem itself"):
        ol.replay(ol.Newton(), np.ones(3))


# -- records for long runs ------------------------------------------------------------------


def test_every_kth_point_and_the_last():
    full = ol.run(ol.SGD(lr=0.01), P, 2.0, 25)
    t = ol.run(ol.SGD(lr=0.01), P, 2.0, 25, every=10)
    np.testing.assert_array_equal(t.step, [0, 10, 20, 25])
    np.testing.assert_array_equal(t.x, full.x[t.step])
    np.testing.assert_array_equal(t.loss, full.loss[t.step])
    assert t.steps == 25


def test_keep_the_loss_only_of_a_large_sweep():
    lrs = np.geomspace(1e-3, 0.3, 1000)
    t = ol.run(ol.SGD(lr=lrs), P, 2.0, 100_000, every=1000, keep=("loss",))
    assert t.x is None and t.loss.shape == (101, 1000)
    assert t.loss.nbytes == 101 * 1000 * 8  # the full trajectory would be 800 MB
    np.testing.assert_allclose(t.loss[1], 16 * (1 - 8 * lrs) ** 2000, rtol=1e-9, atol=1e-300)
    assert (t.diverged_at[lrs < 0.25] == -1).all()
    assert (t.diverged_at[lrs > 0.25 + 1e-3] > 0).all()  # these overflow: cut and reported


def test_divergence_between_recorded_points_is_still_found():
    # the loss overflows at step 182 while x is finite (x itself only at step 365, when
    # 2 * 7^365 > 1.8e308): the loss is evaluated at every step, so every record finds 182
    for kwargs in ({}, {"every": 100}, {"every": 1000, "keep": ("x",)}, {"keep": ("loss",)}):
        t = ol.run(ol.SGD(lr=1.0), P, 2.0, 1000, **kwargs)
        assert t.diverged_at == 182, kwargs
    t = ol.run(ol.SGD(lr=1.0), P, 2.0, 1000, every=100)
    np.testing.assert_array_equal(np.isnan(t.x), t.step >= 182)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"every": 0}, "every must be a positive integer, got 0"),
        ({"keep": ("x", "grad")}, "keep must name 'x' and/or 'loss'"),
        ({"keep": ()}, "keep must name 'x' and/or 'loss'"),
    ],
)
def test_bad_record_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ol.run(ol.SGD(lr=0.1), P, 2.0, 10, **kwargs)


def test_a_callback_sees_every_recorded_point_and_can_stop_the_run():
    seen = []
    t = ol.run(ol.SGD(lr=0.01), P, 2.0, 100, every=10, callback=lambda k, x: seen.append(k))
    assert seen == list(range(10, 101, 10)) and t.steps == 100
    stopped = ol.run(ol.SGD(lr=0.01), P, 2.0, 100, every=10, callback=lambda k, x: k < 30)
    full = ol.run(ol.SGD(lr=0.01), P, 2.0, 100, every=10)
    np.testing.assert_array_equal(stopped.step, [0, 10, 20, 30])
    np.testing.assert_array_equal(stopped.x, full.x[:4])
    np.testing.assert_array_equal(stopped.loss, full.loss[:4])
    with pytest.raises(TypeError, match="callback must be callable"):
        ol.run(ol.SGD(lr=0.01), P, 2.0, 5, callback=3)
