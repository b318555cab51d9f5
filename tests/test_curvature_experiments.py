"""Notebook 08's tables and panel: the κ table against the closed forms, the Rosenbrock table,
the saddle escape, the two-loop recursion and the Newton-cost rows, and CurvaturePanel."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import curvature as C
from optimlab import problems

# -- the κ table -------------------------------------------------------------------------------


def test_kappa_table_measured_next_to_the_closed_forms():
    rows = C.kappa_table()
    assert [r.kappa for r in rows] == [1, 10, 100, 1000]
    assert [r.gd_closed for r in rows] == [1, 69, 691, 6908]  # COURSE.md §8
    assert [r.momentum_closed for r in rows] == [1, 22, 69, 219]
    assert [r.gd for r in rows] == [1, 69, 691, 6908]  # both ends shrink by the rate
    for r in rows[1:]:  # critical damping adds a factor t: a little more than the closed form
        assert r.momentum_closed < r.momentum <= 1.4 * r.momentum_closed
    assert rows[0].momentum == 1
    assert [r.newton for r in rows] == [1, 1, 1, 1]
    assert rows[2].gd_lr == pytest.approx(2 / 101)
    assert rows[2].momentum_m == pytest.approx((9 / 11) ** 2)
    text = C.format_kappa_table(rows)
    assert "6908 (6908)" in text and "(219)" in text and text.count("\n") == 4


def test_steps_below_is_relative_to_the_start_and_none_if_never():
    t = ol.run(ol.SGD(lr=0.25), ol.quadratic(1.0), 1.0, 30)  # error halves per step
    t2 = ol.Trajectory(x=t.x[:, None], loss=t.loss, diverged_at=None, step=t.step)
    assert C.steps_below(t2, 1e-3, x_min=(0.0,)) == 10  # 2^-10 < 1e-3 < 2^-9
    assert C.steps_below(t2, 1e-12, x_min=(0.0,)) is None


# -- Rosenbrock --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rosen():
    return {(r.method, r.settings.split(",")[0]): r for r in C.rosenbrock_table()}


def test_rosenbrock_table_every_method_reaches_1e8(rosen):
    assert len(rosen) == 7
    for r in rosen.values():
        assert r.reached and r.loss <= 1e-8
        assert r.iterations >= r.steps >= 1 and r.evals >= r.steps


def test_rosenbrock_newton_and_lbfgs_counts(rosen):
    newton = rosen[("Newton", "lr = 1")]
    damped = rosen[("damped Newton", "lr = 0.5")]
    assert (newton.steps, newton.evals) == (5, 5)
    assert damped.steps == 39
    plain = rosen[("L-BFGS", "no line search")]
    wolfe = rosen[("L-BFGS", "strong Wolfe")]
    assert (plain.steps, plain.iterations, plain.evals) == (4, 62, 62)
    assert (wolfe.steps, wolfe.iterations, wolfe.evals) == (2, 35, 44)
    # the evaluations are those that ol.run records for the same steps
    for r, ls in ((plain, None), (wolfe, "strong_wolfe")):
        t = ol.run(ol.LBFGS(line_search_fn=ls), problems.rosenbrock(), [-1.2, 1.0], r.steps)
        assert int(t.evals[-1]) == r.evals and t.loss[-1] <= 1e-8 < t.loss[-2]


def test_rosenbrock_first_order_methods_take_hundreds_to_thousands(rosen):
    gd, mom, adam = (
        rosen[("GD", "lr = 0.002")],
        rosen[("momentum", "m = 0.9")],
        rosen[("Adam", "lr = 0.794")],
    )
    assert gd.steps > 10_000 > mom.steps > 500 and 500 < adam.steps < 1000
    assert gd.steps == gd.evals
    t = ol.run(ol.SGD(lr=gd.lr), problems.rosenbrock(), [-1.2, 1.0], gd.steps)
    assert t.loss[-1] <= 1e-8 < t.loss[-2]
    text = C.format_rosenbrock_table(rosen.values())
    assert "strong Wolfe" in text and "not reached" not in text


def test_rosenbrock_budget_short_of_the_tolerance_says_not_reached():
    rows = C.rosenbrock_table(budget=50, lrs=np.array([1e-3, 2e-3]))
    gd = rows[0]
    assert not gd.reached and gd.steps == 50 and gd.loss > 1e-8
    assert "(not reached)" in C.format_rosenbrock_table(rows)
    with pytest.raises(ValueError, match="budget must be an integer >= 1"):
        C.rosenbrock_table(budget=0)


# -- the saddle --------------------------------------------------------------------------------


def test_saddle_escape():
    e = C.saddle_escape()
    gd, newton, free = e["gradient descent"], e["Newton"], e["saddle-free Newton"]
    assert gd.escaped_at == 38  # 1e-3·1.2^t > 1 first at t = 38
    np.testing.assert_allclose(gd.run.x[:, 1], 1e-3 * 1.2 ** np.arange(51), rtol=1e-12)
    assert newton.escaped_at is None
    np.testing.assert_array_equal(newton.run.x[1:], 0.0)  # onto the saddle, and it stays
    assert newton.run.loss[1] == 0 < newton.run.loss[0]  # from (1, 1e-3) the saddle is lower
    assert free.escaped_at == 10  # y doubles: 1e-3·2^10 > 1
    assert np.all(np.diff(free.run.loss) < 0) and np.all(np.diff(gd.run.loss) < 0)


def test_newton_climbs_onto_the_saddle_from_the_side_of_negative_curvature():
    e = C.saddle_escape((0.1, 0.5), steps=3)
    assert e["Newton"].run.loss[0] < 0 == e["Newton"].run.loss[1]  # uphill to the saddle
    assert e["saddle-free Newton"].run.loss[1] < e["saddle-free Newton"].run.loss[0]


# -- the cost ----------------------------------------------------------------------------------


def bfgs_inverse(s, y):
    """H after the BFGS updates with the pairs, from H0 = γI (γ from the newest pair)."""
    n = len(s[0])
    h = float(s[-1] @ y[-1]) / float(y[-1] @ y[-1]) * np.eye(n)
    for si, yi in zip(s, y, strict=True):
        rho = 1 / float(yi @ si)
        v = np.eye(n) - rho * np.outer(yi, si)
        h = v.T @ h @ v + rho * np.outer(si, si)
    return h


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 8), m=st.integers(1, 5), seed=st.integers(0, 10**6))
def test_two_loop_is_the_bfgs_inverse_hessian_times_g(n, m, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    spd = a @ a.T + n * np.eye(n)
    s = [rng.normal(size=n) for _ in range(m)]
    y = [spd @ si for si in s]  # y·s > 0
    g = rng.normal(size=n)
    np.testing.assert_allclose(C.two_loop(g, s, y), -bfgs_inverse(s, y) @ g, rtol=1e-8, atol=1e-10)


def test_two_loop_meets_the_secant_condition_of_the_newest_pair():
    rng = np.random.default_rng(1)
    s = [rng.normal(size=6) for _ in range(4)]
    y = [si + 0.2 * rng.normal(size=6) for si in s]
    np.testing.assert_allclose(C.two_loop(y[-1], s, y), -s[-1], rtol=1e-10)  # H·y = s


def test_newton_cost_rows():
    rows = C.newton_cost((10, 50), m=5, budget=0.01)
    assert [r.n for r in rows] == [10, 50] and all(r.m == 5 for r in rows)
    assert all(r.newton > 0 and r.lbfgs > 0 for r in rows)
    assert rows[1].hessian_mb == 50 * 50 * 8 / 1e6
    text = C.format_cost_table(rows)
    assert text.count("ms") == 4
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        C.newton_cost((0,))


# -- the panel's result ------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(
    kappa=st.sampled_from([1.0, 3.0, 100.0, 1000.0]),
    angle=st.floats(-90, 90),
    x0=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
)
def test_curvature_runs(kappa, angle, x0):
    r = C.curvature(kappa, angle, x0, iterations=5, max_iterations=20)
    assert set(r.runs) == set(C.METHODS) and r.iterations == 5
    scale = max(1.0, float(np.linalg.norm(x0)))
    np.testing.assert_allclose(r.runs["Newton"].x[1], 0.0, atol=1e-12 * kappa * scale)
    damped = r.runs["damped Newton"].x
    np.testing.assert_allclose(damped[3], 0.125 * np.array(x0), atol=1e-12 * kappa * scale)
    assert r.rates["GD"] == pytest.approx((kappa - 1) / (kappa + 1))
    f = problems.rotated_quadratic(kappa, angle).f
    for radius, ring in zip(C.LEVEL_RADII[:-1], r.levels, strict=False):
        np.testing.assert_allclose(f(ring.T), 0.5 * radius**2, rtol=1e-9)  # a level set
    np.testing.assert_allclose(f(r.levels[-1].T), f(np.array(x0)), rtol=1e-9, atol=1e-12)  # start


@pytest.mark.parametrize(
    "kappa, angle, x0",
    [(100.0, 30.0, (-1.5, 1.0)), (1.0, 0.0, (2.0, -2.0)), (1000.0, -75.0, (0.3, 2.0))],
)
def test_the_fast_runs_are_the_single_runs_bit_for_bit(kappa, angle, x0):
    p = problems.rotated_quadratic(kappa, angle)
    opts = C.method_optimizers(kappa)
    fast = C.method_runs(p, opts, x0, 60)
    for name, opt in opts.items():
        single = ol.run(opt, p, x0, 60)
        np.testing.assert_array_equal(fast[name].x, single.x, err_msg=name)
        np.testing.assert_array_equal(fast[name].loss, single.loss, err_msg=name)


@settings(max_examples=30, deadline=None)
@given(
    kappa=st.sampled_from([1.0, 2.0, 10.0, 100.0, 1000.0]),
    angle=st.sampled_from([-90.0, -45.0, 0.0, 5.0, 30.0, 90.0]),
    x0=st.tuples(st.sampled_from([-2.0, -0.3, 0.0, 1.0, 2.0]), st.sampled_from([-2.0, 0.1, 2.0])),
)
def test_lbfgs_stopped_where_it_stands_still_is_the_full_run(kappa, angle, x0):
    p = problems.rotated_quadratic(kappa, angle)
    opt = C.method_optimizers(kappa)["L-BFGS"]
    fast = C.method_runs(p, C.method_optimizers(kappa), x0, 100)["L-BFGS"]
    full = ol.run(opt, p, x0, 100)
    np.testing.assert_array_equal(fast.x, full.x)
    np.testing.assert_array_equal(fast.loss, full.loss)


def test_curvature_reuses_given_runs_and_checks_its_arguments():
    r = C.curvature(10.0, 0.0, (1.0, 1.0), max_iterations=30)
    again = C.curvature(10.0, 0.0, (1.0, 1.0), ("GD",), 7, max_iterations=30, runs=r.runs)
    assert again.runs is r.runs and again.methods == ("GD",)
    with pytest.raises(ValueError, match="methods must be among"):
        C.curvature(10.0, 0.0, (1.0, 1.0), ("Adam",))
    with pytest.raises(ValueError, match="kappa .* must be at least 1, got 0.5"):
        C.curvature(0.5, 0.0, (1.0, 1.0))
    with pytest.raises(ValueError, match="iterations must be an integer >= 0 and <= 100"):
        C.curvature(10.0, 0.0, (1.0, 1.0), iterations=101)


def test_lbfgs_in_the_panel_gets_its_line_search_evaluations():
    opt = C.method_optimizers(100.0)["L-BFGS"]
    t = ol.run(opt, problems.rotated_quadratic(100.0, 30.0), [-1.5, 1.0], 15)
    assert t.loss[-1] < 1e-9 * t.loss[0]
    # torch's default max_eval (max_iter·5//4 = 1) leaves the line search one trial point: on
    # Rosenbrock it never moves
    stuck = ol.LBFGS(max_iter=1, line_search_fn="strong_wolfe")
    t = ol.run(stuck, problems.rosenbrock(), [-1.2, 1.0], 10)
    assert np.all(t.loss == t.loss[0])
    t = ol.run(opt, problems.rosenbrock(), [-1.2, 1.0], 10)
    assert t.loss[-1] < 0.2 * t.loss[0]


# -- the panel ---------------------------------------------------------------------------------


def test_panel_follows_its_controls():
    with ol.widgets.CurvaturePanel(kappa=100.0, iterations=5) as panel:
        fig = panel.figure
        newton = fig.paths["Newton"]
        assert len(newton.get_xdata()) == 6 and newton.get_xdata()[0] == -1.5
        runs = panel._runs
        panel.controls["iterations"].value = 40
        assert panel._runs is runs  # the iterations slider reuses the runs
        assert len(fig.curves["GD"].get_xdata()) == 41
        panel.controls["show GD"].value = False
        assert not fig.paths["GD"].get_visible() and fig.paths["Newton"].get_visible()
        panel.controls["kappa"].value = 1000.0
        assert panel._runs is not runs
        assert "κ = 1000" in fig.title.get_text() and "×0.998" in fig.title.get_text()
        gd_x = np.asarray(fig.paths["GD"].get_xdata())
        panel.controls["x0"].value = 2.0
        assert np.asarray(fig.paths["GD"].get_xdata())[0] == 2.0 != gd_x[0]
        ring = np.column_stack(fig.levels[0].get_data())
        assert np.ptp(ring[:, 0]) > 0


def test_panel_refuses_bad_arguments():
    with pytest.raises(ValueError, match="condition κ slider: start value 7.0 is not among"):
        ol.widgets.CurvaturePanel(kappa=7.0)
    with pytest.raises(ValueError, match="iterations must be an integer >= 0 and <= 100"):
        ol.widgets.CurvaturePanel(iterations=101)
    with pytest.raises(ValueError, match="max_iterations must be an integer >= 1"):
        ol.widgets.CurvaturePanel(max_iterations=0)
    with pytest.raises(ValueError, match="methods must be among .* got 'Adam'"):
        ol.widgets.CurvaturePanel(methods=("GD", "Adam"))
    with ol.widgets.CurvaturePanel(methods=("Newton",)) as panel:
        assert [n for n in C.METHODS if panel.value(f"show {n}")] == ["Newton"]
