"""optimlab.experiments: the numbers behind the panels, computed without a widget."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import experiments as E
from optimlab import theory as T

P = ol.quadratic(4.0)


def test_descent_is_the_course_run():
    r = E.descent(1.0, 3)
    np.testing.assert_array_equal(r.run.x[:4], [2.0, -14.0, 98.0, -686.0])
    assert r.run.diverged_at == 182 and r.iterations == 3 and r.curvature == 8.0


def test_sweep_is_one_vectorised_run():
    r = E.sweep(0.01, 0.3, 10)
    np.testing.assert_array_equal(r.lrs, np.linspace(0.01, 0.3, 10))
    np.testing.assert_array_equal(r.run.x, ol.run(ol.SGD(lr=r.lrs), P, 2.0, 100).x)


def test_smoothing_lag_of_a_cosine_season():
    day, reading, season = ol.data.daily_temperature()
    r = E.smoothing(day, reading, season, 0.9)
    np.testing.assert_array_equal(r.v, T.ema(reading, 0.9))
    assert r.lag == pytest.approx(T.ema_lag(0.9), abs=1.5)


def test_momentum_critical_damping_and_phase_diagram():
    r = E.momentum(0.01, 0.63)
    assert r.critical and r.best_m == pytest.approx(0.5143, abs=1e-4)
    assert r.best_radius == pytest.approx(0.7172, abs=1e-4)
    assert r.run.loss[10] == pytest.approx(0.0025, rel=0.02)
    assert r.phase.shape == (E.MOMENTUM_GRID_M.size, E.MOMENTUM_GRID_LR.size)
    nesterov = E.momentum(0.5, 0.5, nesterov=True, dampening_on=True)  # torch refuses both
    assert not nesterov.nesterov and not nesterov.critical


def test_rolling_walkthrough():
    r = E.rolling(0.9)
    assert r.plain.x[-1] == pytest.approx(0.960, abs=1e-3)
    assert r.rolling.x[-1] < 0  # rolled over the bump into the deep minimum


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_check_positive(bad):
    with pytest.raises(ValueError, match=r"^curvature must be a finite number > 0, got"):
        E.check_positive("curvature", bad)


@pytest.mark.parametrize("bad", ["2", None, True, 2.0])
def test_check_count_types(bad):
    with pytest.raises(TypeError, match="^n must be an integer, got"):
        E.check_count("n", bad)


@given(st.integers(-5, 5), st.integers(0, 3), st.integers(3, 6))
def test_check_count_range(value, lo, hi):
    if lo <= value <= hi:
        assert E.check_count("n", value, lo, hi) == value
    else:
        with pytest.raises(ValueError, match=f"^n must be an integer >= {lo} and <= {hi}"):
            E.check_count("n", value, lo, hi)


def test_experiments_load_numpy_only():
    import subprocess
    import sys

    code = (
        "import sys, optimlab.experiments; "
        "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_stall_with_given_pairs_is_the_same():
    a = E.stall(0.9, 10.0, 50, 0.01)
    grads = E.burst_stream(10.0, 50, 500)
    pairs = {"Adagrad": E.stall_pair("Adagrad", 0.5, 0.01, grads)}  # alpha: not Adagrad's
    b = E.stall(0.9, 10.0, 50, 0.01, pairs=pairs)
    for name in ("Adagrad", "RMSProp"):
        np.testing.assert_array_equal(a.references[name], b.references[name])
        np.testing.assert_array_equal(a.runs[name], b.runs[name])
    assert a.recovered == b.recovered and a.recovered["Adagrad"] is None


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(E.STALLERS),
    alpha=st.sampled_from([0.5, 0.9, 0.99, 0.999]),
    lr=st.floats(1e-3, 1.0),
    size=st.floats(1.0, 1000.0),
    length=st.integers(0, 60),
)
def test_a_stall_pair_is_the_two_separate_replays_bit_for_bit(name, alpha, lr, size, length):
    grads = E.burst_stream(size, length, 60)

    def alone(g):
        opt = ol.Adagrad(lr=lr) if name == "Adagrad" else ol.RMSprop(lr=lr, alpha=alpha)
        return ol.replay(opt, g).x

    run, ref = E.stall_pair(name, alpha, lr, grads)
    np.testing.assert_array_equal(run, alone(grads))
    np.testing.assert_array_equal(ref, alone(np.ones(60)))


@pytest.mark.parametrize(
    "args, match",
    [(("Adam", 0.9, 0.01, np.ones(5)), "name must be one of"),
     (("Adagrad", 0.9, 0.01, np.ones((5, 2))), "grads must be one stream"),
     (("RMSProp", 0.9, 0.01, "abc"), "grads")],
)  # fmt: skip
def test_a_stall_pair_names_what_is_wrong(args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        E.stall_pair(*args)
