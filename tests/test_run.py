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
    with pytest.raises(ValueError, match="x0 must be a real number"):
        ol.run(ol.SGD(lr=0.1), P, x0="two", steps=3)


@pytest.mark.parametrize("steps", [-1, 2.5, "3", True, None])
def test_bad_steps_are_refused(steps):
    with pytest.raises(ValueError, match=f"steps must be a non-negative integer, got {steps!r}"):
        ol.run(ol.SGD(lr=0.1), P, x0=2.0, steps=steps)


def test_numpy_integer_steps_are_fine():
    assert ol.run(ol.SGD(lr=0.1), P, 2.0, np.int64(3)).x.shape == (4,)


def test_gradient_of_the_wrong_shape_is_named():
    bad = ol.Problem(f=BOWL.f, grad=lambda x: x[..., 0])
    with pytest.raises(ValueError, match=r"grad returned shape \(\) for x of shape \(2,\)"):
        ol.run(ol.SGD(lr=0.1), bad, x0=[1.0, 1.0], steps=3)


def test_loss_of_the_wrong_shape_is_named():
    bad = ol.Problem(f=lambda x: x**2, grad=lambda x: 2 * x)  # forgot to sum over coordinates
    with pytest.raises(ValueError, match=r"f returned shape \(2,\) for x of shape \(2,\)"):
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
