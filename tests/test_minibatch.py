"""Minibatch runs (issue 12): sampling as DataLoader(shuffle=True), seeds, noise, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from optimlab import theory as T
from optimlab.problems import FiniteSum, linear_fit, logistic_regression

RNG = np.random.default_rng(3)
X = RNG.normal(size=40)
Y = 3 * X + 300 + RNG.normal(size=40)  # seed 003's line, with noise
FIT = linear_fit((X - X.mean()) / X.std(), Y)


def recording(n, log):
    """A problem on n examples whose gradient writes down the indices it was given."""

    def grad(w, i):
        log.append(np.array(i))
        return np.zeros_like(w) + np.mean(i, axis=-1)[..., None] * 0

    return FiniteSum(f=lambda w, i: np.mean(w[..., :1] * 0 + 0 * i, axis=-1), grad=grad, n=n)


@pytest.mark.parametrize(
    "n, b, drop_last, sizes",
    [
        (10, 4, False, [4, 4, 2]),
        (10, 4, True, [4, 4]),
        (12, 4, False, [4, 4, 4]),
        (7, 7, False, [7]),
    ],
)
def test_each_epoch_sees_every_example_once_in_batches_of_b(n, b, drop_last, sizes):
    log = []
    epochs = 5
    t = ol.run(
        ol.SGD(lr=0.1),
        recording(n, log),
        np.zeros(1),
        epochs * len(sizes),
        batch_size=b,
        drop_last=drop_last,
    )
    assert [len(i) for i in log] == sizes * epochs
    for e in range(epochs):
        batch = np.concatenate(log[e * len(sizes) : (e + 1) * len(sizes)])
        if drop_last:
            assert len(set(batch.tolist())) == len(batch) == sum(sizes)
        else:
            assert sorted(batch.tolist()) == list(range(n))
    np.testing.assert_array_equal(t.seen, np.r_[0, np.cumsum(sizes * epochs)])
    orders = [np.concatenate(log[e * len(sizes) : (e + 1) * len(sizes)]) for e in range(epochs)]
    if len(sizes) > 1:  # a fresh permutation each epoch
        assert len({tuple(o) for o in orders}) > 1


@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("seeds", [np.array(4), np.array([0, 9]), np.array([[1, 2, 3], [4, 5, 6]])])
@pytest.mark.parametrize(
    "n, b, drop_last",
    [(10, 1, False), (10, 4, False), (10, 4, True), (12, 4, False), (7, 7, False), (9, 2, True)],
)
def test_the_batches_are_each_epochs_draw_cut_and_sorted(n, b, drop_last, replacement, seeds):
    """Each epoch one draw per seed (a permutation, or n draws with replacement), cut into
    batches of b, each sorted; read-only, so that a gradient cannot change the epoch's order."""
    from optimlab.run import _Minibatches

    sampler = _Minibatches(n, b, seeds, replacement, drop_last)
    rngs = [np.random.default_rng(int(s)) for s in seeds.ravel()]
    cuts = list(range(0, n - (n % b if drop_last else 0), b))
    for _epoch in range(3):
        draws = [r.integers(0, n, size=n) if replacement else r.permutation(n) for r in rngs]
        draws = np.stack(draws).reshape(seeds.shape + (n,))
        for lo in cuts:
            batch = sampler()
            np.testing.assert_array_equal(batch, np.sort(draws[..., lo : lo + b], axis=-1))
            with pytest.raises(ValueError, match="read-only"):
                batch[...] = 0


def test_with_replacement_examples_can_repeat_within_an_epoch():
    log = []
    ol.run(ol.SGD(lr=0.1), recording(50, log), np.zeros(1), 10, batch_size=10, replacement=True)
    drawn = np.concatenate(log[:5])
    assert len(drawn) == 50 and len(set(drawn.tolist())) < 50


def test_batch_size_n_is_full_batch_gradient_descent_bit_for_bit():
    full = ol.run(ol.SGD(lr=0.1), FIT, [0.0, 0.0], 50)
    mini = ol.run(ol.SGD(lr=0.1), FIT, [0.0, 0.0], 50, batch_size=FIT.n, seed=7)
    np.testing.assert_array_equal(full.x, mini.x)
    np.testing.assert_array_equal(full.loss, mini.loss)
    np.testing.assert_array_equal(full.seen, np.arange(51) * FIT.n)


def test_same_seed_same_batches_and_a_sweep_shares_them():
    lrs = np.array([0.01, 0.1, 0.5])
    a = ol.run(ol.SGD(lr=lrs), FIT, [0.0, 0.0], 60, batch_size=4, seed=11)
    b = ol.run(ol.SGD(lr=lrs), FIT, [0.0, 0.0], 60, batch_size=4, seed=11)
    np.testing.assert_array_equal(a.x, b.x)
    for j, lr in enumerate(lrs):
        single = ol.run(ol.SGD(lr=lr), FIT, [0.0, 0.0], 60, batch_size=4, seed=11)
        np.testing.assert_array_equal(a.x[:, j], single.x)
    other = ol.run(ol.SGD(lr=0.1), FIT, [0.0, 0.0], 60, batch_size=4, seed=12)
    assert not np.array_equal(other.x, a.x[:, 1])


def test_an_array_of_seeds_runs_one_trajectory_per_seed():
    seeds = np.arange(5)
    t = ol.run(ol.Adam(lr=0.1), FIT, [0.0, 0.0], 30, batch_size=3, seed=seeds)
    assert t.x.shape == (31, 5, 2)
    for s in seeds:
        single = ol.run(ol.Adam(lr=0.1), FIT, [0.0, 0.0], 30, batch_size=3, seed=int(s))
        np.testing.assert_array_equal(t.x[:, s], single.x)
    grid = ol.run(
        ol.SGD(lr=np.array([[0.01], [0.1]])), FIT, [0.0, 0.0], 30, batch_size=3, seed=seeds
    )
    assert grid.x.shape == (31, 2, 5, 2)
    np.testing.assert_array_equal(
        grid.x[:, 1, 3], ol.run(ol.SGD(lr=0.1), FIT, [0.0, 0.0], 30, batch_size=3, seed=3).x
    )


def test_gradient_noise_is_seeded_and_shared_by_a_sweep():
    p = ol.quadratic(4.0)
    a = ol.run(ol.SGD(lr=[0.01, 0.05]), p, 2.0, 100, noise=2.0, seed=5)
    single = ol.run(ol.SGD(lr=0.05), p, 2.0, 100, noise=2.0, seed=5)
    np.testing.assert_array_equal(a.x[:, 1], single.x)
    # g = 8x + 2z: recover z from the run and check it is standard normal-ish
    z = (-(np.diff(single.x) / 0.05) - 8 * single.x[:-1]) / 2.0
    assert abs(z.mean()) < 0.3 and 0.7 < z.std() < 1.3
    seeds = ol.run(ol.SGD(lr=0.05), p, 2.0, 100, noise=2.0, seed=[5, 6])
    np.testing.assert_array_equal(seeds.x[:, 0], single.x)
    assert not np.array_equal(seeds.x[:, 1], single.x)


def test_the_minibatch_gradient_is_unbiased_with_the_closed_form_variance():
    w = np.array([1.0, 250.0])
    n = FIT.n
    per_example = np.stack([FIT.grad(w, np.array([j])) for j in range(n)])
    full = FIT.grad(w)
    np.testing.assert_allclose(per_example.mean(axis=0), full, rtol=1e-12)
    sigma2 = per_example.var(axis=0)  # 1/n convention
    rng = np.random.default_rng(0)
    for b in (1, 4, 16):
        draws = np.stack(
            [FIT.grad(w, np.sort(rng.choice(n, b, replace=False))) for _ in range(4000)]
        )
        want = T.minibatch_variance(sigma2, b, n, replacement=False)
        # unbiased: the mean of 4000 draws lies within 5 standard errors of the full gradient
        assert (np.abs(draws.mean(axis=0) - full) < 5 * np.sqrt(want / len(draws))).all()
        np.testing.assert_allclose(draws.var(axis=0), want, rtol=0.1)
        with_repl = np.stack([FIT.grad(w, rng.integers(0, n, b)) for _ in range(4000)])
        np.testing.assert_allclose(with_repl.var(axis=0), T.minibatch_variance(sigma2, b), rtol=0.1)
    assert T.minibatch_variance(2.0, n, n, replacement=False) == 0.0


def test_logistic_regression_gradient_matches_finite_differences_and_learns():
    rng = np.random.default_rng(2)
    Xc = rng.normal(size=(60, 2))
    yc = (Xc @ [1.0, -2.0] + 0.3 > 0).astype(float)
    p = logistic_regression(Xc, yc, weight_decay=0.01)
    w = rng.normal(size=(4, 3))  # a batch of four points
    eps = 1e-6
    fd = np.stack([(p.f(w + eps * e) - p.f(w - eps * e)) / (2 * eps) for e in np.eye(3)], -1)
    np.testing.assert_allclose(p.grad(w), fd, rtol=1e-6, atol=1e-9)
    t = ol.run(ol.SGD(lr=0.5), p, np.zeros(3), 300, batch_size=10, seed=0)
    assert t.loss[-1] < 0.3 * t.loss[0]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"batch_size": 0}, ValueError, "batch_size must be an integer from 1 to 40, got 0"),
        ({"batch_size": 41}, ValueError, "batch_size must be an integer from 1 to 40, got 41"),
        ({"batch_size": 2.5}, ValueError, "batch_size must be an integer from 1 to 40, got 2.5"),
        ({"batch_size": 4, "seed": 1.5}, ValueError, "seed must be a non-negative integer"),
        ({"batch_size": 4, "seed": "1"}, ValueError, "seed must be a non-negative integer"),
        ({"batch_size": 4, "seed": -1}, ValueError, "seed must be a non-negative integer"),
        ({"batch_size": 4, "replacement": "no"}, TypeError, "replacement must be True or False"),
        ({"noise": -1.0}, ValueError, "noise must be a finite number >= 0, got -1.0"),
    ],
)
def test_bad_minibatch_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        ol.run(ol.SGD(lr=0.1), FIT, [0.0, 0.0], 5, **kwargs)


def test_a_minibatch_run_needs_a_problem_with_examples():
    with pytest.raises(ValueError, match="batch_size needs a problem with examples"):
        ol.run(ol.SGD(lr=0.1), ol.quadratic(), 2.0, 5, batch_size=2)


def test_a_per_example_gradient_of_the_wrong_shape_names_grad():
    bad = FiniteSum(f=FIT.f, grad=lambda w, i: np.mean(w[..., :1] * i, axis=-1), n=5)
    with pytest.raises(
        ValueError, match=r"grad must return an array of x's shape: .* returned shape \(1,\)"
    ):
        ol.run(ol.SGD(lr=0.1), bad, [0.0, 0.0], 5, batch_size=2)


def test_seed_axes_that_do_not_broadcast_with_the_sweep_are_refused():
    with pytest.raises(ValueError, match=r"sweep \(2,\), seed \(3,\)"):
        ol.run(ol.SGD(lr=[0.1, 0.2]), FIT, [0.0, 0.0], 5, batch_size=2, seed=[0, 1, 2])


def test_seed_axes_in_front_of_the_sweep_align_on_the_right():
    lrs = np.array([0.05, 0.2])
    t = ol.run(ol.Adam(lr=lrs), FIT, [0.0, 0.0], 20, batch_size=4, seed=[[0], [1], [2]])
    assert t.x.shape == (21, 3, 2, 2)
    single = ol.run(ol.Adam(lr=0.2), FIT, [0.0, 0.0], 20, batch_size=4, seed=2)
    np.testing.assert_array_equal(t.x[:, 2, 1], single.x)


def test_several_starting_points_are_a_sweep_when_the_problem_fixes_its_point_shape():
    starts = np.array([[0.0, 0.0], [1.0, 250.0], [-1.0, 10.0]])
    t = ol.run(ol.SGD(lr=0.1), FIT, starts, 15, batch_size=5, seed=4)
    assert t.x.shape == (16, 3, 2)
    for j, x0 in enumerate(starts):
        single = ol.run(ol.SGD(lr=0.1), FIT, x0, 15, batch_size=5, seed=4)
        np.testing.assert_array_equal(t.x[:, j], single.x)
    with pytest.raises(ValueError, match=r"x0 has shape \(3,\); linear fit takes points"):
        ol.run(ol.SGD(lr=0.1), FIT, [0.0, 0.0, 0.0], 5)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 150),
    b=st.integers(1, 140),
    lead=st.sampled_from([(), (3,), (2, 4)]),
    data=st.data(),
)
def test_linear_fit_gradient_is_the_mean_formula_bit_for_bit(n, b, lead, data):
    """linear_fit's lean gradient and loss give what mean(2r·x), mean(2r) and mean(r²) give,
    to the last bit."""
    b = min(b, n)
    finite = st.floats(-1e3, 1e3, allow_nan=False)
    x = data.draw(arrays(float, n, elements=finite))
    y = data.draw(arrays(float, n, elements=finite))
    p = data.draw(arrays(float, lead + (2,), elements=finite))
    i = data.draw(arrays(np.int64, lead + (b,), elements=st.integers(0, n - 1)))
    r = p[..., 0, None] * x[i] + p[..., 1, None] - y[i]
    expected = np.stack([np.mean(2 * r * x[i], axis=-1), np.mean(2 * r, axis=-1)], axis=-1)
    got = linear_fit(x, y).grad(p, i)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))  # −0 and +0 too
    loss = linear_fit(x, y).f(p, i)
    assert loss.shape == r.shape[:-1]
    np.testing.assert_array_equal(loss, np.mean(r**2, axis=-1))
