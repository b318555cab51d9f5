"""ol.LBFGS against torch.optim.LBFGS 2.13 (recorded in torch_golden/lbfgs.json), its checks,
sweeps, closures and state.

torch is not needed: tests/torch_golden/make_lbfgs.py recorded, per step(closure) call, x, the
loss step returned, func_evals and n_iter, on optimlab's own problems (same NumPy functions on
both sides).
"""

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab import problems

GOLDEN = json.loads((Path(__file__).parent / "torch_golden" / "lbfgs.json").read_text())

PROBLEMS = {  # as in make_lbfgs.py
    "quad1d": problems.quadratic(4.0),
    "quad2d": problems.rotated_quadratic(kappa=4.0, angle=30.0),
    "illcond": problems.rotated_quadratic(kappa=100.0, angle=30.0),
    "rosen": problems.rosenbrock(),
}
ROSEN = problems.rosenbrock()


def closure_of(problem):
    return lambda x: (problem.f(x), problem.grad(x))


def steps(opt, problem, x0, calls, g=None):
    """x after each step(closure) call, and the states."""
    x = np.asarray(x0, dtype=float)
    state = opt.init(x)
    xs, states = [], []
    for _ in range(calls):
        x, state = opt.step(x, g, state, closure=closure_of(problem))
        xs.append(np.array(x))
        states.append(state)
    return np.array(xs), states


def run_id(run):
    args = ", ".join(f"{k}={v}" for k, v in run["kwargs"].items())
    return f"LBFGS({args})-{run['problem']}"


# -- agreement with torch -------------------------------------------------------------------


def test_golden_covers_the_issue():
    assert GOLDEN["torch"].startswith("2.13") and GOLDEN["cpu_capability"] == "DEFAULT"
    runs = GOLDEN["runs"]
    assert {r["problem"] for r in runs} == set(PROBLEMS)
    assert all(len(r["x"]) >= 20 and r["finite"] for r in runs)
    kinds = {(r["kwargs"].get("line_search_fn"), r["problem"]) for r in runs}
    assert kinds == {(ls, p) for ls in (None, "strong_wolfe") for p in PROBLEMS}
    kwargs = [r["kwargs"] for r in runs]
    assert {"max_iter": 1} in kwargs and {} in kwargs and {"history_size": 3, "lr": 0.5} in kwargs
    assert max(len(r["x"]) for r in runs if r["kwargs"] == {"max_iter": 1}) == 200
    # the runs do real work: many inner iterations and line-search evaluations
    sw = {"line_search_fn": "strong_wolfe"}
    rosen_sw = next(r for r in runs if r["problem"] == "rosen" and r["kwargs"] == sw)
    assert rosen_sw["func_evals"][-1] > rosen_sw["n_iter"][-1] > 25


@pytest.mark.parametrize("run", GOLDEN["runs"], ids=run_id)
def test_agrees_with_torch(run):
    opt = ol.LBFGS(**run["kwargs"])
    xs, states = steps(opt, PROBLEMS[run["problem"]], run["x0"], len(run["x"]))
    expected = np.array(run["x"], dtype=float)
    np.testing.assert_allclose(xs, expected, rtol=1e-9, atol=1e-12)
    loss = [s["loss"] for s in states]
    np.testing.assert_allclose(loss, np.array(run["loss"], dtype=float), rtol=1e-9, atol=1e-24)
    assert [s["func_evals"] for s in states] == run["func_evals"]
    assert [s["n_iter"] for s in states] == run["n_iter"]


@pytest.mark.parametrize("kwargs", [{"max_iter": 1}, {"line_search_fn": "strong_wolfe"}])
def test_a_scalar_problem_is_the_one_element_vector(kwargs):
    run = next(r for r in GOLDEN["runs"] if r["problem"] == "quad1d" and r["kwargs"] == kwargs)
    xs, states = steps(ol.LBFGS(**kwargs), PROBLEMS["quad1d"], 2.0, len(run["x"]))
    assert xs.shape == (len(run["x"]),)  # x stays a scalar
    np.testing.assert_allclose(xs, np.array(run["x"], dtype=float)[:, 0], rtol=1e-9, atol=1e-12)
    assert [s["func_evals"] for s in states] == run["func_evals"]


def test_first_call_without_line_search_is_a_scaled_gradient_step():
    # max_iter=1, no line search: x - min(1, 1/|g|_1) lr g (the spec's closed form)
    x0 = np.array([-1.2, 1.0])
    g = ROSEN.grad(x0)
    x1, s = ol.LBFGS(lr=0.7, max_iter=1).step(x0, None, ol.LBFGS().init(x0), closure_of(ROSEN))
    np.testing.assert_allclose(x1, x0 - min(1.0, 1 / np.abs(g).sum()) * 0.7 * g, rtol=1e-15)
    assert (s["func_evals"], s["n_iter"]) == (1, 1)  # the last iteration is not re-evaluated


def test_the_g_passed_in_is_not_used():
    a, sa = steps(ol.LBFGS(line_search_fn="strong_wolfe"), ROSEN, [-1.2, 1.0], 5)
    b, sb = steps(ol.LBFGS(line_search_fn="strong_wolfe"), ROSEN, [-1.2, 1.0], 5, g=np.nan)
    np.testing.assert_array_equal(a, b)
    assert [s["func_evals"] for s in sa] == [s["func_evals"] for s in sb]


def test_lbfgs_reaches_rosenbrocks_minimum():
    xs, states = steps(ol.LBFGS(line_search_fn="strong_wolfe"), ROSEN, [-1.2, 1.0], 25)
    assert np.abs(xs[-1] - ROSEN.minimum).max() < 1e-4
    assert ROSEN.f(xs[-1]) < 1e-8
    assert states[-1]["func_evals"] < 100


# -- construction: torch's names, defaults, checks and messages ------------------------------


def test_defaults_are_torchs():
    opt = ol.LBFGS()
    assert (opt.lr, opt.max_iter, opt.max_eval) == (1, 20, 25)
    assert (opt.tolerance_grad, opt.tolerance_change) == (1e-7, 1e-9)
    assert (opt.history_size, opt.line_search_fn) == (100, None)
    assert ol.LBFGS.needs_closure
    assert "torch.optim.LBFGS" in ol.LBFGS.__doc__ and "x ← x + t·d" in ol.LBFGS.__doc__


@pytest.mark.parametrize("max_iter, max_eval", [(1, 1), (3, 3), (4, 5), (7, 8), (20, 25)])
def test_max_eval_defaults_to_max_iter_times_5_over_4_as_torch(max_iter, max_eval):
    assert ol.LBFGS(max_iter=max_iter).max_eval == max_iter * 5 // 4 == max_eval
    assert ol.LBFGS(max_iter=max_iter, max_eval=3).max_eval == 3


BAD = [  # (kwargs, error, message start); torch's own message where torch checks
    ({"lr": -1}, ValueError, "Invalid learning rate: -1"),
    ({"lr": -0.5, "max_iter": 0}, ValueError, "Invalid learning rate: -0.5"),
    ({"lr": float("nan")}, ValueError, "Invalid learning rate: nan"),
    ({"lr": float("inf")}, ValueError, "Invalid learning rate: inf"),
    ({"lr": "1"}, TypeError, "lr must be a real number"),
    ({"line_search_fn": "armijo"}, ValueError, "only 'strong_wolfe' is supported"),
    ({"line_search_fn": True}, ValueError, "only 'strong_wolfe' is supported"),
    ({"line_search_fn": "strong_wolfe", "lr": 0.0}, ValueError, "Invalid learning rate: 0.0"),
    ({"max_iter": 0}, ValueError, "max_iter must be a positive integer, got 0"),
    ({"max_iter": 2.5}, ValueError, "max_iter must be a positive integer, got 2.5"),
    ({"max_iter": True}, ValueError, "max_iter must be a positive integer, got True"),
    ({"max_eval": 0}, ValueError, "max_eval must be a positive integer, got 0"),
    ({"max_eval": -3}, ValueError, "max_eval must be a positive integer, got -3"),
    ({"history_size": 0}, ValueError, "history_size must be a positive integer, got 0"),
    ({"history_size": None}, ValueError, "history_size must be a positive integer, got None"),
    ({"history_size": np.array([3.0, 5.0])}, ValueError, "history_size must be positive integ"),
    ({"history_size": np.array([3, 0])}, ValueError, "history_size must be positive integers"),
    ({"tolerance_grad": -1e-7}, ValueError, "Invalid tolerance_grad value: -1e-07"),
    ({"tolerance_change": float("nan")}, ValueError, "Invalid tolerance_change value: nan"),
    ({"lr": np.ones(3), "history_size": np.array([1, 2])}, ValueError, "hyperparameter arrays"),
]


@pytest.mark.parametrize("kwargs, error, message", BAD, ids=[str(k) for k, _, _ in BAD])
def test_bad_arguments_are_refused_by_name(kwargs, error, message):
    with pytest.raises(error) as err:
        ol.LBFGS(**kwargs)
    assert str(err.value).startswith(message)


def test_what_torch_accepts_is_accepted():
    ol.LBFGS(lr=0.0)  # no line search: lr 0 is a (useless) valid setting, as in torch
    ol.LBFGS(max_iter=1, line_search_fn="strong_wolfe")  # max_eval 1: see the golden runs
    ol.LBFGS(max_eval=1, tolerance_grad=0.0, tolerance_change=0.0, history_size=1)
    ol.LBFGS(max_iter=np.int64(5), history_size=np.array([1, 5, 100]))


# -- step: closures, shapes, state ------------------------------------------------------------


def test_step_needs_a_closure():
    opt, x = ol.LBFGS(), np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"LBFGS needs a closure: step\(x, g, state, closure=fn\)"):
        opt.step(x, None, opt.init(x))
    with pytest.raises(TypeError, match="closure must be callable, got 3"):
        opt.step(x, None, opt.init(x), closure=3)


@pytest.mark.parametrize(
    "closure, message",
    [
        (lambda x: 1.0, "closure must return a pair"),
        (lambda x: (np.ones(2), x), r"closure returned a loss of shape \(2,\)"),
        (lambda x: (1.0, np.ones(3)), r"closure returned a gradient of shape \(3,\) for a point"),
        (lambda x: (1.0, "g"), "closure must return real numbers"),
    ],
)
def test_a_bad_closure_is_named(closure, message):
    opt, x = ol.LBFGS(), np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=message):
        opt.step(x, None, opt.init(x), closure=closure)


def test_x_of_the_wrong_shape_for_the_sweep_is_named():
    opt = ol.LBFGS(lr=np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"x has shape \(3, 2\), but the hyperparameters make"):
        opt.init(np.zeros((3, 2)))


def test_an_empty_point_is_refused():
    opt = ol.LBFGS()
    with pytest.raises(ValueError, match=r"x has shape \(0,\): each point needs at least one"):
        opt.step(np.zeros(0), None, opt.init(np.zeros(0)), closure=closure_of(ROSEN))


def test_step_is_pure():
    opt = ol.LBFGS(history_size=2, line_search_fn="strong_wolfe")
    x = np.array([-1.2, 1.0])
    state = opt.init(x)
    for _ in range(3):
        x, state = opt.step(x, None, state, closure=closure_of(ROSEN))
    x_before, state_before = x.copy(), copy.deepcopy(state)
    x2, state2 = opt.step(x, None, state, closure=closure_of(ROSEN))
    np.testing.assert_array_equal(x, x_before)
    for key, value in state_before.items():
        if isinstance(value, tuple):
            assert len(state[key]) == len(value)
            for a, b in zip(state[key], value, strict=True):
                np.testing.assert_array_equal(a, b)
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(state[key], value)
        else:
            assert state[key] == value
    # the same step again gives the same result: nothing was carried over by mutation
    x3, state3 = opt.step(x, None, state, closure=closure_of(ROSEN))
    np.testing.assert_array_equal(x2, x3)
    assert state2["func_evals"] == state3["func_evals"]
    assert len(state2["old_dirs"]) == 2  # history_size


def test_a_closure_that_mutates_its_argument_or_reuses_its_output_changes_nothing():
    buf = np.zeros(2)

    def nasty(x):
        buf[:] = ROSEN.grad(x)
        loss = ROSEN.f(x)
        x[:] = 99.0  # scribbles on the point it was given
        return loss, buf  # and hands back the same buffer every time

    a, _ = steps(ol.LBFGS(line_search_fn="strong_wolfe"), ROSEN, [-1.2, 1.0], 5)
    opt = ol.LBFGS(line_search_fn="strong_wolfe")
    x = np.array([-1.2, 1.0])
    state = opt.init(x)
    for k in range(5):
        x, state = opt.step(x, None, state, closure=nasty)
        np.testing.assert_array_equal(x, a[k])


# -- sweeps -----------------------------------------------------------------------------------

SWEEPS = [
    ({"lr": np.array([0.25, 0.5, 1.0])}, {}),
    ({"history_size": np.array([[1], [3], [100]]), "lr": np.array([0.5, 1.0])}, {}),
    ({"lr": np.array([0.3, 1.0, 2.0]), "max_iter": np.array([1, 5, 20])}, {}),
    ({"lr": np.array([0.5, 1.0]), "history_size": np.array([2, 10])}, {"ls": "strong_wolfe"}),
    ({"max_eval": np.array([2, 10, 40]), "tolerance_change": np.array([1e-9, 1e-9, 1e-3])}, {}),
]


def single_settings(kwargs, index):
    shape = np.broadcast_shapes(*(np.shape(v) for v in kwargs.values()))
    out = {}
    for k, v in kwargs.items():
        v = np.broadcast_to(v, shape)[index]
        out[k] = int(v) if np.issubdtype(v.dtype, np.integer) else float(v)
    return out


@pytest.mark.parametrize("kwargs, extra", SWEEPS, ids=[str(list(k)) for k, _ in SWEEPS])
def test_each_column_of_a_sweep_is_the_single_run_bit_for_bit(kwargs, extra):
    ls = extra.get("ls")
    opt = ol.LBFGS(**kwargs, line_search_fn=ls)
    batch = opt.batch_shape
    x0 = np.broadcast_to([-1.2, 1.0], batch + (2,))
    xs, states = steps(opt, ROSEN, x0, 12)
    assert xs.shape == (12, *batch, 2)
    assert states[-1]["func_evals"].shape == batch and len(states[-1]["runs"]) == np.prod(batch)
    for index in np.ndindex(*batch):
        single = ol.LBFGS(**single_settings(kwargs, index), line_search_fn=ls)
        xs1, states1 = steps(single, ROSEN, [-1.2, 1.0], 12)
        np.testing.assert_array_equal(xs[(slice(None), *index)], xs1)
        assert [s["func_evals"][index] for s in states] == [s["func_evals"] for s in states1]
        assert [s["n_iter"][index] for s in states] == [s["n_iter"] for s in states1]
        np.testing.assert_array_equal(
            [s["loss"][index] for s in states], [s["loss"] for s in states1]
        )


def test_a_sweep_on_a_scalar_problem():
    lrs = np.array([0.1, 0.5, 1.0])
    p = ol.quadratic(4.0)
    xs, states = steps(ol.LBFGS(lr=lrs, max_iter=2), p, np.full(3, 2.0), 20)
    assert xs.shape == (20, 3)
    for i, lr in enumerate(lrs):
        xs1, _ = steps(ol.LBFGS(lr=float(lr), max_iter=2), p, 2.0, 20)
        np.testing.assert_array_equal(xs[:, i], xs1)


# -- robustness -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    lr=st.floats(1e-3, 10),
    history_size=st.integers(1, 8),
    max_iter=st.integers(1, 25),
    line_search=st.booleans(),
    start=st.tuples(st.floats(-3, 3), st.floats(-3, 3)),
    problem=st.sampled_from(["rosen", "saddle", "cubic", "illcond"]),
)
def test_no_numpy_warning_and_no_crash(lr, history_size, max_iter, line_search, start, problem):
    p = {
        "rosen": ROSEN,
        "saddle": problems.saddle(),
        "cubic": problems.cubic_saddle(),
        "illcond": problems.rotated_quadratic(1000.0, 20.0),
    }[problem]
    opt = ol.LBFGS(
        lr=lr,
        history_size=history_size,
        max_iter=max_iter,
        line_search_fn="strong_wolfe" if line_search else None,
    )
    xs, states = steps(opt, p, start, 15)  # filterwarnings=error: a NumPy warning fails
    evals = [s["func_evals"] for s in states]
    assert all(b > a for a, b in zip([0, *evals], evals, strict=False))  # >= 1 per call
    assert all(s["n_iter"] <= 15 * max_iter for s in states)


def test_a_state_from_another_sweep_is_refused():
    opt = ol.LBFGS(lr=np.array([0.5, 1.0]))
    x = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"state does not belong to a sweep of shape \(2,\)"):
        opt.step(x, None, ol.LBFGS().init(np.zeros(2)), closure=closure_of(ROSEN))
    assert ol.LBFGS(history_size=[1, 2]).history_size.tolist() == [1, 2]


def test_a_nan_loss_in_the_line_search_is_carried_not_a_crash():
    # found by Hypothesis: L-BFGS runs off along x² − y²'s negative curvature until the loss
    # is inf − inf = NaN; torch's line search then fails with an IndexError (a one-point
    # bracket compared with itself); here the run goes on, non-finite, for run() to cut
    opt = ol.LBFGS(lr=3.5, history_size=1, max_iter=14, line_search_fn="strong_wolfe")
    xs, states = steps(opt, problems.saddle(), [3.0, 0.875], 15)
    assert np.isnan(states[-1]["loss"]) and np.isnan(states[-2]["loss"])
    assert np.isfinite(states[-3]["loss"]) and states[-3]["loss"] < -1e280
    assert [s["func_evals"] for s in states] == list(range(18, 18 * 16, 18))  # max_eval each


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_run_drives_lbfgs_as_stepping_by_hand_with_the_closure(line_search_fn):
    p = ol.problems.rosenbrock()
    opt = ol.LBFGS(line_search_fn=line_search_fn, history_size=5)
    t = ol.run(opt, p, [-1.2, 1.0], 8)
    x, state = np.array([-1.2, 1.0]), opt.init(np.array([-1.2, 1.0]))
    for k in range(1, 9):
        x, state = opt.step(x, None, state, closure=lambda q: (p.f(q), p.grad(q)))
        np.testing.assert_array_equal(t.x[k], x)
        assert t.evals[k] == state["func_evals"]
        assert t.loss[k] == p.f(x)
    assert t.evals[0] == 0
    sweep = ol.run(ol.LBFGS(lr=[1.0, 0.5], line_search_fn=line_search_fn), p, [-1.2, 1.0], 8)
    single = ol.run(ol.LBFGS(lr=0.5, line_search_fn=line_search_fn), p, [-1.2, 1.0], 8)
    np.testing.assert_array_equal(sweep.x[:, 1], single.x)
    np.testing.assert_array_equal(sweep.evals[:, 1], single.evals)


def test_replay_refuses_lbfgs():
    with pytest.raises(ValueError, match="LBFGS needs the problem itself"):
        ol.replay(ol.LBFGS(), np.ones(3))
