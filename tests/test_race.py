"""The race's landscapes, the matrix problem, tuned learning rates and steps to tolerance."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.problems import HIMMELBLAU_MINIMA, LANDSCAPES, Landscape
from optimlab.race import LR_GRID, OPTIMIZERS, race, racer, steps_to_tolerance, tune_lr

P4 = ol.quadratic(4.0)  # the course's 4x²: SGD multiplies x by 1 − 8·lr


def numeric_grad(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


TWO_D = {
    "beale": ol.problems.beale(),
    "himmelblau": ol.problems.himmelblau(),
    "plateau": ol.problems.plateau(),
    "noisy bowl": ol.problems.noisy_bowl(0.5),
}


@pytest.mark.parametrize("name", list(TWO_D))
def test_landscape_gradients_are_the_derivatives_of_f(name):
    p = TWO_D[name]
    rng = np.random.default_rng(0)
    for x in rng.uniform(-2, 2, size=(5, 2)):
        np.testing.assert_allclose(p.grad(x), numeric_grad(p.f, x), rtol=1e-6, atol=1e-6)
    xs = rng.uniform(-2, 2, size=(3, 4, 2))  # batches: coordinates on the last axis
    assert p.f(xs).shape == (3, 4) and p.grad(xs).shape == (3, 4, 2)
    np.testing.assert_array_equal(p.grad(xs)[1, 2], p.grad(xs[1, 2]))


@pytest.mark.parametrize("name", list(TWO_D))
def test_landscape_minimum_is_a_zero_gradient_zero_loss_point(name):
    p = TWO_D[name]
    m = np.array(p.minimum)
    assert p.f(m) == pytest.approx(0.0, abs=1e-24)
    np.testing.assert_allclose(p.grad(m), 0.0, atol=1e-12)


def test_himmelblau_has_four_global_minima_and_names_the_one_asked():
    for i, m in enumerate(HIMMELBLAU_MINIMA):
        p = ol.problems.himmelblau(i)
        assert p.minimum == m
        assert p.f(np.array(m)) < 1e-24
        np.testing.assert_allclose(p.grad(np.array(m)), 0.0, atol=1e-12)
    for bad in (4, -1, 1.5, True):
        with pytest.raises(ValueError, match="himmelblau minimum must be 0, 1, 2 or 3"):
            ol.problems.himmelblau(bad)


def test_beale_minimum_and_noisy_bowl_checks():
    assert ol.problems.beale().minimum == (3.0, 0.5)
    assert ol.problems.beale().f(np.array([1.0, 1.5])) == pytest.approx(41.25)
    with pytest.raises(ValueError, match="noisy_bowl sigma must be >= 0"):
        ol.problems.noisy_bowl(-1)


# -- the matrix problem ----------------------------------------------------------------------


def test_matrix_least_squares_minimum_and_gradient():
    p = ol.problems.matrix_least_squares(m=3, k=4, n=40, scale=100.0, seed=3)
    W_star = np.array(p.minimum)
    assert W_star.shape == (3, 4)
    np.testing.assert_allclose(p.grad(W_star), 0.0, atol=1e-10)
    assert 0 < p.f(W_star) < p.f(W_star + 0.01)
    W = np.random.default_rng(1).standard_normal((3, 4))
    np.testing.assert_allclose(p.grad(W), numeric_grad(p.f, W), rtol=1e-6, atol=1e-6)
    stack = np.stack([W, W_star, 2 * W])  # leading axes: a sweep or a stack of matrices
    assert p.f(stack).shape == (3,) and p.grad(stack).shape == (3, 3, 4)
    np.testing.assert_array_equal(p.grad(stack)[2], p.grad(2 * W))


def test_matrix_least_squares_is_badly_scaled_and_seeded():
    p = ol.problems.matrix_least_squares(scale=100.0, seed=0)
    q = ol.problems.matrix_least_squares(scale=100.0, seed=0)
    np.testing.assert_array_equal(np.array(p.minimum), np.array(q.minimum))
    assert p.minimum != ol.problems.matrix_least_squares(seed=1).minimum
    # the Hessian of W ↦ f is X·Xᵀ/n for each row of W: its condition number is about scale²
    H = np.stack([p.grad(np.eye(4)[[j] * 3])[0] - p.grad(np.zeros((3, 4)))[0] for j in range(4)])
    kappa = np.linalg.cond(H)
    assert 1e3 < kappa < 1e5
    t = ol.run(ol.SGD(lr=0.9 / np.linalg.eigvalsh(H).max()), p, np.zeros((3, 4)), 200)
    assert t.loss[-1] > 2 * p.f(np.array(p.minimum))  # plain GD crawls along the flat feature


def test_matrix_least_squares_refuses_bad_input():
    cases = [
        ({"m": 0}, "m must be a positive integer"),
        ({"k": 2.5}, "k must be a positive integer"),
        ({"n": 3, "k": 4}, "needs n >= k"),
        ({"scale": 0.5}, "scale must be >= 1"),
        ({"noise": np.nan}, "noise must be >= 0"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            ol.problems.matrix_least_squares(**kwargs)
    p = ol.problems.matrix_least_squares(m=3, k=4)
    with pytest.raises(ValueError, match=r"W must have shape \(\.\.\., 3, 4\), got \(4, 3\)"):
        p.f(np.zeros((4, 3)))


def test_muon_adafactor_adam_on_the_matrix_problem():
    """The matrix problem is what Muon and Adafactor are for: all three get near W* in 300
    steps at sensible rates, where plain SGD at its largest stable rate does not."""
    p = ol.problems.matrix_least_squares()
    f_star = p.f(np.array(p.minimum))
    W0 = np.zeros((3, 4))
    for opt in (ol.Muon(lr=0.05, weight_decay=0.0), ol.Adafactor(lr=0.1), ol.Adam(lr=0.05)):
        gap = ol.run(opt, p, W0, 300).loss[-1] - f_star
        assert gap < 0.05 * (p.f(W0) - f_star), type(opt).__name__


# -- the registry ------------------------------------------------------------------------------


def test_landscapes_registry_covers_the_course_list():
    assert list(LANDSCAPES) == [
        "rosenbrock", "beale", "himmelblau", "saddle", "rotated bowl", "plateau", "noisy bowl",
    ]  # fmt: skip
    for name, scape in LANDSCAPES.items():
        make, start, steps, tol, noise = scape  # a 5-tuple, as documented
        p = make()
        assert isinstance(p, ol.Problem) and isinstance(steps, int) and steps > 0
        assert np.isfinite(p.f(np.array(start)))
        assert p.f(np.array(start)) - scape.f_min > tol, name  # not solved at the start
        assert noise == (0.5 if name == "noisy bowl" else 0.0)
    assert LANDSCAPES["rosenbrock"].start == (-1.2, 1.0)
    assert LANDSCAPES["saddle"].tol < 0 and LANDSCAPES["saddle"].f_min == 0.0
    assert LANDSCAPES["plateau"].start == (8.0, 3.0)  # notebook 05's start


def test_unknown_landscape_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown landscape 'moon'; valid: 'rosenbrock', 'beale'"):
        LANDSCAPES["moon"]
    with pytest.raises(ValueError, match="'noisy bowl'"):
        ol.problems.landscape("Rosenbrock")
    assert ol.problems.landscape("beale") is LANDSCAPES["beale"]
    assert isinstance(LANDSCAPES["beale"], Landscape)


# -- tuned learning rates ---------------------------------------------------------------------


def test_tune_lr_finds_newtons_rate_on_the_course_parabola():
    """On 4x² gradient descent multiplies x by 1 − 8·lr: lr = 0.125 lands in one step (loss 0).
    Over 2000 steps 0.3 and 1 overflow and are out, and 0.1 and 0.2 also reach loss 0 (the
    loss underflows): a tie, which goes to the smallest rate."""
    lrs = np.array([0.01, 0.1, 0.125, 0.2, 0.3, 1.0])
    t = tune_lr(ol.SGD, P4, 2.0, 20, lrs)
    assert t.lr == 0.125 and t.loss == 0.0 and t.by == "final"
    assert t.scores[1] == pytest.approx(16 * 0.2 ** (2 * 20), rel=1e-12)
    assert t.scores[5] > 1e30 and not t.diverged.any()  # huge, but finite: still in
    t = tune_lr(ol.SGD, P4, 2.0, 2000, lrs)
    assert t.diverged.tolist() == [False, False, False, False, True, True]
    assert np.isnan(t.scores[4:]).all() and np.isfinite(t.scores[:4]).all()
    assert t.scores.tolist()[1:4] == [0.0, 0.0, 0.0] and t.lr == 0.1
    assert t.scores[0] == pytest.approx(16 * 0.92 ** (2 * 2000), rel=1e-9)


def test_tune_lr_breaks_ties_towards_the_smallest_rate():
    flat = ol.Problem(f=lambda x: 0.0 * x, grad=lambda x: 0.0 * x)  # every run ties at 0
    assert tune_lr(ol.Adam, flat, 1.0, 10, [0.3, 0.01, 0.1]).lr == 0.01
    assert tune_lr(ol.SGD, P4, 2.0, 5, [0.2, 0.125, 0.05]).lr == 0.125  # no tie: the best


def test_tune_lr_final_or_best():
    """lr = 0.24 on 4x² flips sign each step with factor −0.92; 'best' is the lowest loss along
    the run, which for a monotone decay is the final one."""
    lrs = np.array([0.01, 0.05, 0.24])
    final = tune_lr(ol.SGD, P4, 2.0, 30, lrs)
    best = tune_lr(ol.SGD, P4, 2.0, 30, lrs, by="best")
    assert np.all(best.scores <= final.scores)
    np.testing.assert_allclose(best.scores, final.scores, rtol=1e-15)  # monotone here
    # a run that dips low and climbs back: best remembers the dip, final does not
    bump = ol.problems.tilted_double_well(0.3)
    f = tune_lr(ol.SGD, bump, 2.0, 100, [0.01, 0.1], by="final")
    b = tune_lr(ol.SGD, bump, 2.0, 100, [0.01, 0.1], by="best")
    assert np.all(b.scores <= f.scores)
    with pytest.raises(ValueError, match="by must be .final., .best. or .steps."):
        tune_lr(ol.SGD, P4, 2.0, 10, [0.1], by="median")


def test_tune_lr_when_every_rate_diverges():
    with pytest.raises(ValueError, match=r"every learning rate \(lrs from 0.3 to 10\) diverged"):
        tune_lr(ol.SGD, P4, 2.0, 2000, [0.3, 1.0, 10.0])


def test_tune_lr_tunes_each_racer_by_name_in_one_sweep():
    scape = LANDSCAPES["himmelblau"]
    p = scape.make()
    t = tune_lr("Adam", p, scape.start, scape.steps)
    assert t.lrs.shape == LR_GRID.shape and t.lr in LR_GRID
    single = ol.run(racer("Adam", t.lr), p, scape.start, scape.steps)  # the sweep's column
    assert single.loss[-1] == t.loss or (np.isnan(single.loss[-1]) and np.isnan(t.loss))
    with pytest.raises(ValueError, match="unknown optimizer 'Adamm'; valid: 'SGD', 'SGDM'"):
        tune_lr("Adamm", p, scape.start, 10)
    with pytest.raises(ValueError, match="unknown optimizer"):
        racer(None, 0.1)


def test_tune_lr_refuses_bad_grids_and_extra_sweep_axes():
    for bad in ([], [0.1, -0.1], [[0.1]], [np.nan]):
        with pytest.raises(ValueError, match="lrs must be a non-empty 1-D array"):
            tune_lr(ol.SGD, P4, 2.0, 10, bad)
    with pytest.raises(ValueError, match=r"made a sweep of shape \(2, 3\), expected \(3,\)"):
        tune_lr(lambda lr: ol.Adam(lr=lr, eps=np.array([[1e-8], [1e-6]])), P4, 2.0, 10, [1, 2, 3])


def test_every_racer_builds_a_sweep_and_runs():
    scape = LANDSCAPES["rotated bowl"]
    lrs = np.array([1e-3, 1e-2])
    for name in OPTIMIZERS:
        t = ol.run(racer(name, lrs), scape.make(), scape.start, 20, keep=("loss",))
        assert t.loss.shape == (21, 2), name
        assert np.all(t.loss[-1] < t.loss[0]), name


# -- steps to tolerance ------------------------------------------------------------------------


def test_steps_to_tolerance_hand_computed():
    """SGD lr = 0.1 on 4x² from 2: loss 16·0.04^t, within 1e-6 of 0 from t = 6 (16·0.04^5 =
    1.6e-6, 16·0.04^6 = 6.6e-8)."""
    t = ol.run(ol.SGD(lr=0.1), P4, 2.0, 20)
    assert steps_to_tolerance(t, 0.0, 1e-6) == 6
    assert steps_to_tolerance(t, 0.0, 1e-40) is None
    assert steps_to_tolerance(t, 0.0, 100.0) == 0
    sweep = ol.run(ol.SGD(lr=np.array([0.1, 0.125, 0.01, 0.3])), P4, 2.0, 20)
    assert steps_to_tolerance(sweep, 0.0, 1e-6).tolist() == [6, 1, -1, -1]
    every = ol.run(ol.SGD(lr=0.1), P4, 2.0, 20, every=4)  # the first recorded step after
    assert steps_to_tolerance(every, 0.0, 1e-6) == 8
    with pytest.raises(ValueError, match="needs the losses"):
        steps_to_tolerance(ol.replay(ol.SGD(lr=0.1), np.ones(3)), 0.0, 1e-6)


def test_steps_to_tolerance_escaping_the_saddle():
    scape = LANDSCAPES["saddle"]
    t = ol.run(ol.SGD(lr=0.1), scape.make(), scape.start, scape.steps)
    # y grows by 1.2 per step from 1e-3 and x shrinks by 0.8: f = x² − y² <= −1 once
    # y >= about 1, i.e. 1.2^k·1e-3 >= 1: k = 38
    k = steps_to_tolerance(t, scape.f_min, scape.tol)
    assert k == 38 and t.loss[k] <= -1 < t.loss[k - 1]


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(0.001, 0.2), tol=st.floats(1e-12, 10))
def test_steps_to_tolerance_is_the_first_step_below(lr, tol):
    t = ol.run(ol.SGD(lr=lr), P4, 2.0, 50)
    k = steps_to_tolerance(t, 0.0, tol)
    below = np.flatnonzero(t.loss <= tol)
    assert (k is None) == (below.size == 0)
    if k is not None:
        assert k == below[0]


def test_race_on_himmelblau():
    """Every racer named, tuned and counted; all but RAdam end in (3, 2) from (0, 0) at their
    tuned rates (himmelblau's docstring)."""
    names = ["SGD", "SGDM", "Adam", "RAdam", "Lookahead(Adam)"]
    out = race(names, "himmelblau")
    scape = LANDSCAPES["himmelblau"]
    for name in names:
        tuning, steps = out[name]
        assert steps is not None and 0 < steps <= scape.steps, name
        end = ol.run(racer(name, tuning.lr), scape.make(), scape.start, scape.steps).x[-1]
        expected = HIMMELBLAU_MINIMA[1] if name == "RAdam" else HIMMELBLAU_MINIMA[0]
        np.testing.assert_allclose(end, expected, atol=1e-4, err_msg=name)


def test_tune_lr_by_steps_to_tolerance():
    """SGD on 4x² from 2 reaches loss 1e-6 in ceil(log(6.25e-8)/log((1 − 8·lr)²)) steps: 0.125
    in 1; 0.1 in 6; 0.05 and 0.2 (x factors 0.6 and −0.6) both in 17: a tie, broken by the
    lower final loss (they differ in the last bits), then by the smaller lr."""
    lrs = np.array([0.05, 0.1, 0.125, 0.2, 0.3])
    t = tune_lr(ol.SGD, P4, 2.0, 30, lrs, by="steps", f_min=0.0, tol=1e-6)
    assert t.lr == 0.125 and t.scores[:4].tolist() == [17, 6, 1, 17] and np.isnan(t.scores[4])
    assert t.loss == 0.0
    t = tune_lr(ol.SGD, P4, 2.0, 30, [0.2, 0.05], by="steps", f_min=0.0, tol=1e-6)
    final = {lr: ol.run(ol.SGD(lr=lr), P4, 2.0, 30).loss[-1] for lr in (0.05, 0.2)}
    assert final[0.05] == pytest.approx(final[0.2], rel=1e-12)
    assert t.lr == (0.2 if final[0.2] < final[0.05] else 0.05) and t.loss == min(final.values())
    with pytest.raises(ValueError, match="failed to reach the tolerance in 3 steps"):
        tune_lr(ol.SGD, P4, 2.0, 3, [0.01, 0.05], by="steps", f_min=0.0, tol=1e-6)
    with pytest.raises(ValueError, match="f_min and tol go with by='steps'"):
        tune_lr(ol.SGD, P4, 2.0, 3, [0.01], by="steps", tol=1e-6)
    with pytest.raises(ValueError, match="f_min and tol go with by='steps'"):
        tune_lr(ol.SGD, P4, 2.0, 3, [0.01], f_min=0.0, tol=1e-6)


def test_race_by_steps_uses_the_landscape_tolerance():
    out = race(["SGD", "Rprop"], "saddle", by="steps")
    for name, (tuning, steps) in out.items():
        assert tuning.by == "steps" and steps == int(np.nanmin(tuning.scores)), name
    with pytest.raises(ValueError, match="unknown landscape 'sadle'"):
        race(["SGD"], "sadle")
    with pytest.raises(ValueError, match="unknown optimizer 'SDG'"):
        race(["SDG"], "saddle")
