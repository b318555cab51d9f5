"""optimlab.stochastic (notebook 06): the course's fit, the minibatch gradient's variance, the
noise ball, the epoch cost, the panel's lean SGD loop (ol.run's numbers bit for bit), the panel;
and the sampling promises test_minibatch.py leaves out."""

import re

import numpy as np
import pytest

import optimlab as ol
from optimlab import stochastic as S
from optimlab.problems import FiniteSum, linear_fit

FIT = S.course_fit()


# -- the course's fit ------------------------------------------------------------------------


def test_the_course_fit_is_seed_003s_line_with_round_contours():
    x, y = S.course_data()
    assert FIT.n == len(x) == 128 and isinstance(FIT, FiniteSum)
    w, b = FIT.minimum
    assert w == pytest.approx(3 * x.std(), abs=0.5) and b == pytest.approx(y.mean(), abs=1e-9)
    np.testing.assert_allclose(FIT.hess(np.zeros(2)), 2 * np.eye(2), atol=1e-12)
    f_min = FIT.f(np.asarray(FIT.minimum))
    assert f_min == pytest.approx(S.NOISE**2, rel=0.3)  # the noise left over


def test_per_example_gradients_average_to_the_full_gradient():
    per = S.per_example_gradients(FIT, S.START)
    assert per.shape == (FIT.n, 2)
    np.testing.assert_allclose(per.mean(axis=0), FIT.grad(np.asarray(S.START)), rtol=1e-12)
    np.testing.assert_allclose(per[7], FIT.grad(np.asarray(S.START), np.array([7])))


# -- the variance table ------------------------------------------------------------------------


def test_measured_variance_matches_both_closed_forms():
    table = S.gradient_variance(FIT, S.START, (1, 4, 16, 64, 128), draws=8000, seed=1)
    per = S.per_example_gradients(FIT, S.START)
    assert table.sigma2 == pytest.approx(np.sum(per.var(axis=0)), rel=1e-12)
    for kind in ("with", "without"):
        for b, measured, closed, bias, se in zip(
            table.batch_sizes, table.measured[kind], table.closed[kind], table.bias[kind],
            table.standard_error[kind], strict=True,
        ):  # fmt: skip
            if kind == "without" and b == FIT.n:
                assert measured < 1e-20 and closed == 0  # every example once: the full gradient
                continue
            assert measured == pytest.approx(closed, rel=0.08), (kind, b)
            assert bias < 5 * se  # unbiased
    rows = table.rows()
    assert [r[0] for r in rows] == [1, 4, 16, 64, 128]
    # without replacement is smaller by (n − B)/(n − 1): the same at B = 1, half at B = 64
    assert table.closed["without"][0] == table.closed["with"][0]
    assert table.closed["without"][3] / table.closed["with"][3] == pytest.approx(64 / 127)


# -- the noise ball ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ball():
    return S.noise_ball(FIT, steps=1500, seeds=8, last=500)


def test_a_constant_lr_stalls_at_a_floor_that_grows_with_lr(ball):
    floors = [ball.floors[lr] for lr in (0.01, 0.03, 0.1)]
    assert floors[0] < floors[1] < floors[2]
    assert floors[2] > 5 * floors[0]
    for lr in (0.01, 0.03, 0.1):  # a floor, not a descent: the last third is flat
        curve = ball.curves[f"lr {lr:g}"]
        assert curve[-500:].mean() == pytest.approx(curve[-1000:-500].mean(), rel=0.5)


def test_decaying_lrs_keep_converging_and_the_exponential_stalls(ball):
    c = ball.curves
    assert c["1/t"][-1] < 0.1 * min(ball.floors.values())
    assert c["1/t"][-1] < 0.5 * c["1/t"][len(c["1/t"]) // 3]  # still going down
    assert c["1/√t"][-1] < ball.floors[0.1]
    assert c["exp"][-1] > 100 * c["1/t"][-1]  # stalled far from the minimum
    assert ball.stalled_at["exp"] < 100 < ball.stalled_at["1/t"]
    assert ball.f_min == pytest.approx(float(FIT.f(np.asarray(FIT.minimum))))


def test_the_noise_ball_runs_are_ol_runs():
    ball = S.noise_ball(FIT, lrs=(0.05,), decays=("1/√t",), steps=50, seeds=3, last=10)
    seeds = np.arange(3)
    const = ol.run(ol.SGD(lr=0.05), FIT, S.START, 50, batch_size=1, seed=seeds)
    np.testing.assert_array_equal(ball.curves["lr 0.05"], (const.loss - ball.f_min).mean(axis=1))
    dec = ol.run(
        ol.SGD(lr=0.1), FIT, S.START, 50, batch_size=1, seed=seeds, schedule=S.schedule("1/√t")
    )
    np.testing.assert_array_equal(ball.curves["1/√t"], (dec.loss - ball.f_min).mean(axis=1))


@pytest.mark.parametrize("decay", ["1/t", "1/√t", "exp"])
def test_the_schedules_are_the_decay_factors(decay):
    lrs = S.schedule(decay).lrs(0.1, 30)
    np.testing.assert_allclose(lrs, [0.1 * S.DECAYS[decay](t) for t in range(30)], rtol=1e-15)
    assert S.schedule("none") is None


# -- the cost of an epoch ---------------------------------------------------------------------


def test_epoch_cost_counts_updates_per_epoch():
    cost = S.epoch_cost(FIT, repeats=1)
    assert cost.batch_sizes == (1, 16, 128) and cost.updates == (128, 8, 1)
    rows = cost.rows()
    assert all(s > 0 for s in cost.seconds) and len(rows) == 3
    b, u, ms, per_example, per_update = rows[1]
    assert per_example == pytest.approx(1e3 * ms / 128) and per_update == pytest.approx(
        1e3 * ms / 8
    )
    assert S.epoch_cost(FIT, batch_sizes=(5,), repeats=1).updates == (26,)  # ceil(128/5)


# -- the panel's loop: ol.run's numbers --------------------------------------------------------


@pytest.mark.parametrize("decay", list(S.DECAYS))
@pytest.mark.parametrize("b", [1, 5, 128])
def test_sgd_paths_are_ol_run_bit_for_bit(decay, b):
    seeds = np.array([0, 3, 4])
    fast = S.sgd_paths(FIT, S.START, 0.1, 40, batch_size=b, seeds=seeds, decay=decay)
    slow = ol.run(
        ol.SGD(lr=0.1), FIT, S.START, 40, batch_size=b, seed=seeds, schedule=S.schedule(decay)
    )
    assert_same_bits(fast.x, slow.x)
    assert_same_bits(fast.loss, slow.loss)
    np.testing.assert_array_equal(fast.seen, slow.seen)


def assert_same_bits(a, b):
    """Equal values and equal signs of zero (assert_array_equal takes −0 for +0)."""
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


def test_sgd_paths_keep_the_sign_of_zero_as_ol_run():
    """An example at x = 0 makes a gradient component ±0; a mean of one example is +0 then,
    as np.mean gives, so a start at w = −0 moves to +0 in both loops."""
    fit = S.course_fit(n=9)
    x0 = (-0.0, 0.0)
    fast = S.sgd_paths(fit, x0, 0.01, 12, batch_size=1, seeds=[0, 1, 2])
    slow = ol.run(ol.SGD(lr=0.01), fit, x0, 12, batch_size=1, seed=np.array([0, 1, 2]))
    assert_same_bits(fast.x, slow.x)
    grad = linear_fit([0.0, 1.0], [1.0, 2.0]).grad(np.array([0.0, 0.0]), np.array([0]))
    assert_same_bits(grad, np.array([0.0, -2.0]))


def test_sgd_paths_with_replacement_and_divergence_are_ol_runs():
    seeds = np.arange(4)
    fast = S.sgd_paths(FIT, S.START, 0.3, 30, batch_size=8, seeds=seeds, replacement=True)
    slow = ol.run(ol.SGD(lr=0.3), FIT, S.START, 30, batch_size=8, seed=seeds, replacement=True)
    np.testing.assert_array_equal(fast.x, slow.x)
    with np.errstate(all="raise"):  # no warning on the way to an overflow
        fast = S.sgd_paths(FIT, S.START, 2.0, 400, batch_size=1, seeds=seeds)
    slow = ol.run(ol.SGD(lr=2.0), FIT, S.START, 400, batch_size=1, seed=seeds)
    assert (fast.diverged_at >= 0).all()
    np.testing.assert_array_equal(fast.diverged_at, slow.diverged_at)
    np.testing.assert_array_equal(fast.x, slow.x)  # NaN from each run's divergence on
    np.testing.assert_array_equal(fast.loss, slow.loss)
    np.testing.assert_array_equal(fast.seen, slow.seen)  # no more once every run overflowed
    assert fast.seen[-1] == fast.seen[fast.diverged_at.max()] < 400


def test_paths_is_the_panels_result():
    r = S.paths(FIT, 16, 0.1, "1/t", 3, n_seeds=4, epochs=2)
    assert r.updates == 16 and r.sgd.x.shape == (17, 4, 2) and list(r.seeds) == [3, 4, 5, 6]
    assert r.shown == 16 and r.at(5).shown == 5 and r.at(99).shown == 16 and r.at(-1).shown == 0
    gd = ol.run(ol.SGD(lr=0.1), FIT, S.START, 2, schedule=S.schedule("1/t"))
    np.testing.assert_array_equal(r.gd.x[:, 0], gd.x)
    np.testing.assert_allclose(r.gd.loss[:, 0], gd.loss - r.f_min)
    np.testing.assert_array_equal(r.sgd.seen, 16 * np.arange(17))
    single = ol.run(
        ol.SGD(lr=0.1), FIT, S.START, 16, batch_size=16, seed=5, schedule=S.schedule("1/t")
    )
    np.testing.assert_array_equal(r.sgd.x[:, 2], single.x)  # seeds 3, 4, 5, 6: column 2 is 5


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: S.paths(FIT, 0, 0.1),
            ValueError,
            "batch_size must be an integer >= 1 and <= 128, got 0",
        ),
        (
            lambda: S.paths(FIT, 129, 0.1),
            ValueError,
            "batch_size must be an integer >= 1 and <= 128, got 129",
        ),
        (
            lambda: S.paths(FIT, 2.5, 0.1),
            ValueError,
            "batch_size must be an integer >= 1 and <= 128, got 2.5",
        ),
        (
            lambda: S.paths(FIT, 4, 0.1, "cosine"),
            ValueError,
            "decay must be one of 'none', '1/t', '1/√t', 'exp'; got 'cosine'",
        ),
        (lambda: S.paths(FIT, 4, 0.1, seed=-1), ValueError, "seed must be an integer >= 0, got -1"),
        (
            lambda: S.paths(FIT, 4, 0.1, seed=True),
            ValueError,
            "seed must be an integer >= 0, got True",
        ),
        (
            lambda: S.paths(ol.quadratic(), 4, 0.1),
            TypeError,
            "problem must be an optimlab FiniteSum",
        ),
        (
            lambda: S.sgd_paths(FIT, S.START, -0.1, 5, batch_size=2, seeds=[0]),
            ValueError,
            "Invalid learning rate: -0.1",
        ),
        (
            lambda: S.sgd_paths(FIT, S.START, 0.1, 5, batch_size=2, seeds=[0.5]),
            ValueError,
            "seeds must be non-negative integers",
        ),
        (
            lambda: S.gradient_variance(FIT, S.START, (0,)),
            ValueError,
            "batch_size must be an integer >= 1",
        ),
        (
            lambda: S.gradient_variance(FIT, S.START, draws=1),
            ValueError,
            "draws must be an integer >= 2",
        ),
        (
            lambda: S.noise_ball(FIT, steps=10, last=11),
            ValueError,
            "last must be an integer >= 1 and <= 10, got 11",
        ),
        (
            lambda: S.epoch_cost(FIT, batch_sizes=(200,)),
            ValueError,
            "batch_size must be an integer >= 1 and <= 128",
        ),
        (lambda: S.course_data(n=1), ValueError, "n must be an integer >= 2"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_a_problem_without_a_known_minimum_has_no_excess_loss():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), (rng.random(20) > 0.5).astype(float)
    p = ol.problems.logistic_regression(X, y)
    with pytest.raises(ValueError, match="logistic regression has no known minimum"):
        S.paths(p, 4, 0.1)
    S.gradient_variance(p, np.zeros(3), (1, 4), draws=50)  # needs no minimum


# -- sampling promises beyond test_minibatch.py --------------------------------------------------


def recording(n, log):
    def grad(w, i):
        log.append(np.array(i))
        return np.zeros_like(w)

    return FiniteSum(f=lambda w, i: np.mean(0 * w[..., :1] + 0 * i, axis=-1), grad=grad, n=n)


def test_every_seed_sees_every_example_once_per_epoch():
    log = []
    ol.run(ol.SGD(lr=0.1), recording(10, log), np.zeros(1), 9, batch_size=4, seed=[0, 1, 2])
    assert [i.shape for i in log] == [(3, 4), (3, 4), (3, 2)] * 3
    for e in range(3):
        epoch = np.concatenate(log[3 * e : 3 * e + 3], axis=-1)
        for s in range(3):
            assert sorted(epoch[s].tolist()) == list(range(10))
    assert not np.array_equal(log[0][0], log[0][1])  # each seed its own permutation


def test_drop_last_counts_only_the_examples_used_and_replacement_keeps_the_cut():
    log = []
    t = ol.run(
        ol.SGD(lr=0.1), recording(10, log), np.zeros(1), 6, batch_size=4, drop_last=True, seed=2
    )
    np.testing.assert_array_equal(t.seen, 4 * np.arange(7))
    log.clear()
    t = ol.run(
        ol.SGD(lr=0.1), recording(10, log), np.zeros(1), 6, batch_size=4, replacement=True, seed=2
    )
    assert [len(i) for i in log] == [4, 4, 2] * 2
    np.testing.assert_array_equal(t.seen, [0, 4, 8, 10, 14, 18, 20])


def test_batch_size_n_with_replacement_is_not_gradient_descent():
    full = ol.run(ol.SGD(lr=0.1), FIT, S.START, 5)
    drawn = ol.run(ol.SGD(lr=0.1), FIT, S.START, 5, batch_size=FIT.n, replacement=True)
    assert not np.allclose(full.x, drawn.x)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": True}, "batch_size must be an integer from 1 to 128, got True"),
        ({"batch_size": "4"}, "batch_size must be an integer from 1 to 128"),
        ({"batch_size": 4, "seed": [0, -1]}, "seed must be a non-negative integer or an array"),
        ({"batch_size": 4, "seed": [0.0, 1.0]}, "seed must be a non-negative integer or an array"),
        ({"batch_size": 4, "seed": True}, "seed must be a non-negative integer or an array"),
        ({"noise": float("nan")}, "noise must be a finite number >= 0, got nan"),
    ],
)
def test_more_bad_minibatch_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ol.run(ol.SGD(lr=0.1), FIT, S.START, 5, **kwargs)


def test_same_seed_same_run_across_calls_and_optimizers_share_batches():
    a = ol.run(ol.Adam(lr=0.1), FIT, S.START, 30, batch_size=3, seed=9)
    b = ol.run(ol.Adam(lr=0.1), FIT, S.START, 30, batch_size=3, seed=9)
    np.testing.assert_array_equal(a.x, b.x)
    log_a, log_b = [], []
    ol.run(ol.SGD(lr=0.1), recording(12, log_a), np.zeros(1), 8, batch_size=5, seed=4)
    ol.run(ol.Adam(lr=0.1), recording(12, log_b), np.zeros(1), 8, batch_size=5, seed=4)
    assert all(np.array_equal(p, q) for p, q in zip(log_a, log_b, strict=True))


# -- the panel --------------------------------------------------------------------------------


@pytest.fixture
def panel():
    with ol.widgets.StochasticPanel() as p:
        yield p


def test_the_panel_draws_its_result(panel):
    fig = panel.figure
    r = panel.compute()
    assert (r.batch_size, r.lr, r.decay, list(r.seeds)) == (1, 0.1, "none", [0, 1, 2, 3, 4])
    assert panel.controls["updates"].max == r.updates == 640
    x, y = fig.paths[0].get_data()
    np.testing.assert_array_equal(x, r.sgd.x[:, 0, 0])
    np.testing.assert_array_equal(y, r.sgd.x[:, 0, 1])
    assert fig.paths[0].get_linewidth() > fig.paths[1].get_linewidth()  # the slider's seed bold
    seen, loss = fig.curves[0].get_data()
    np.testing.assert_array_equal(seen, np.arange(1, 641))
    assert len(fig.gd_curve.get_xdata()) == 5  # full batch: 5 updates in 5 epochs
    assert "B = 1: 128 updates per epoch" in fig.title.get_text()


def test_batch_size_resets_the_updates_slider_and_play(panel):
    c = panel.controls
    c["updates"].value = 100
    c["batch_size"].value = 16.0
    assert c["updates"].max == c["play"].max == c["updates"].value == 40
    assert c["play"].step == 1
    assert "B = 16: 8 updates per epoch" in panel.figure.title.get_text()
    c["batch_size"].value = 1.0
    assert c["updates"].max == c["updates"].value == 640 and c["play"].step == 6


def test_the_updates_slider_reuses_the_runs(panel, monkeypatch):
    calls = []
    real = S.paths
    monkeypatch.setattr(
        "optimlab.widgets.stochastic.paths", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    panel.controls["updates"].value = 10
    assert calls == []
    x, _ = panel.figure.paths[0].get_data()
    assert len(x) == 11
    gd_x, _ = panel.figure.gd_path.get_data()
    assert len(gd_x) == 1  # 10 examples: not yet one full batch
    panel.controls["lr"].value = 0.03
    assert calls == [1]


def test_the_presets_set_the_batch_size_to_one_and_n(panel):
    from panel_driver import buttons

    by_text = {b.description: b for b in buttons(panel)}
    by_text["B = n = 128 (full batch)"].click()
    assert panel.controls["batch_size"].value == 128
    assert panel.controls["updates"].max == 5
    # full batch: SGD's paths are gradient descent's, every seed the same
    r = panel.compute()
    np.testing.assert_array_equal(r.sgd.x[:, 0], r.gd.x[:, 0])
    np.testing.assert_array_equal(r.sgd.x[:, 0], r.sgd.x[:, 4])
    by_text["B = 1 (SGD)"].click()
    assert panel.controls["batch_size"].value == 1


def test_the_title_writes_hundreds_as_plain_numbers(panel):
    panel.controls["lr"].value = 0.001  # gradient descent has hardly moved: f − f* about 410
    title = panel.figure.title.get_text()
    assert "e+" not in title
    assert re.search(r"full batch, 5 updates: 4\d\d$", title), title


def test_a_diverging_lr_is_named_in_the_title(panel):
    panel.controls["lr"].value = 1.0
    assert "seeds overflowed" in panel.figure.title.get_text()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 3}, "batch_size must be one of"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
        ({"decay": "exp"}, "decay must be one of"),
        ({"n_seeds": 9}, "n_seeds must be an integer >= 1 and <= 8"),
    ],
)
def test_the_panel_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ol.widgets.StochasticPanel(**kwargs)


def test_the_noise_ball_figure_draws_every_curve_without_overlapping_texts():
    from types import SimpleNamespace

    from panel_driver import text_problems

    ball = S.noise_ball(FIT, steps=200, seeds=2, last=50)
    fig = ol.plots.noise_ball_figure(ball)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "constant lr 0.01", "constant lr 0.03", "constant lr 0.1",
        "lr0 = 0.1, decay 1/t", "lr0 = 0.1, decay 1/√t", "lr0 = 0.1, decay e^(−0.1t)",
    ]  # fmt: skip
    curve = next(line for line in ax.lines if line.get_label() == "lr0 = 0.1, decay 1/t")
    np.testing.assert_allclose(curve.get_ydata(), np.maximum(ball.curves["1/t"][1:], 1e-5))
    assert text_problems(SimpleNamespace(fig=fig)) == []
    ol.plots.png(fig)  # renders, and closes it
