"""optimlab.nn: backpropagation against finite differences, sweeps against single networks,
stable cross-entropy, checks on bad input, and real training runs."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.nn import MLP, classifier, cross_entropy
from optimlab.problems import FiniteSum


def random_problem(sizes, activation, n=9, seed=0, weight_decay=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], n)
    net = MLP(sizes, activation)
    return net, classifier(net, X, y, weight_decay=weight_decay), rng, X


def central_differences(f, w, h=1e-5):
    """∂f/∂w_j for every coordinate j; f maps (*batch, P) to (*batch,), and each network of a
    batch depends only on its own row, so one perturbation gives every row's partial."""
    out = np.empty_like(w)
    for j in range(w.shape[-1]):
        e = np.zeros(w.shape[-1])
        e[j] = h
        out[..., j] = (f(w + e) - f(w - e)) / (2 * h)
    return out


def kink_margin(net, w, X):
    """The smallest |pre-activation| over every hidden unit and example: finite differences
    across a ReLU's kink measure nothing, so a check keeps away from it."""
    params, h, margin = net.unflatten(w), X, np.inf
    for W, b in params[:-1]:
        z = h @ W + b[..., None, :]
        margin = min(margin, np.abs(z).min())
        h = np.maximum(z, 0.0)
    return margin


def assert_gradient(g, fd):
    """Relative 1e-6, both norm-wise (the usual gradient check) and per component (with an
    absolute floor of 1e-6 of the gradient's largest component, for components near 0)."""
    assert np.linalg.norm(g - fd) <= 1e-6 * np.linalg.norm(fd)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * np.abs(fd).max())


GRAD_CASES = [
    ((2, 3), "tanh", ()),
    ((2, 5, 3), "tanh", ()),
    ((3, 8, 6, 2), "tanh", (2,)),
    ((2, 4, 4, 4, 3), "tanh", (2, 3)),
    ((2, 5, 3), "relu", ()),
    ((3, 8, 6, 2), "relu", (3,)),
    ((2, 6, 5, 4, 3), "relu", (2, 2)),
]


@pytest.mark.parametrize("sizes, activation, batch", GRAD_CASES)
@pytest.mark.parametrize("weight_decay", [0.0, 0.3])
def test_backprop_matches_finite_differences(sizes, activation, batch, weight_decay):
    net, p, rng, X = random_problem(sizes, activation, weight_decay=weight_decay)
    w = rng.normal(size=batch + (net.size,))
    assert activation == "tanh" or kink_margin(net, w, X) > 1e-4  # these seeds keep away
    for i in (np.arange(p.n), np.array([0, 4, 4, 7]), rng.integers(0, p.n, batch + (5,))):
        g = p.grad(w, i)
        assert g.shape == w.shape
        assert p.f(w, i).shape == batch
        assert_gradient(g, central_differences(lambda v, i=i: p.f(v, i), w))


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 7), min_size=2, max_size=5).map(tuple),
    activation=st.sampled_from(["tanh", "relu"]),
    batch=st.lists(st.integers(1, 3), max_size=2).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    scale=st.floats(0.1, 3.0),
)
def test_backprop_matches_finite_differences_on_random_networks(
    sizes, activation, batch, seed, scale
):
    sizes = (sizes[0], *sizes[1:-1], max(sizes[-1], 2))
    net, _, rng, _ = random_problem(sizes, activation, n=6, seed=seed)
    w = scale * rng.normal(size=batch + (net.size,))
    X, y = rng.normal(size=(5, sizes[0])), rng.integers(0, sizes[-1], 5)
    if activation == "relu":
        assume(kink_margin(net, w, X) > 1e-3)
    loss, g = net.loss_and_grad(w, X, y)
    np.testing.assert_array_equal(loss, net.loss(w, X, y))
    assert_gradient(g, central_differences(lambda v: net.loss(v, X, y), w))


def test_a_dead_relu_unit_gets_exactly_zero_gradient():
    net = MLP((2, 3, 2), "relu")
    w = net.init(0)
    W1, b1 = net.unflatten(w)[0]
    W1[:, 1], b1[1] = 0.0, -1.0  # unit 1 never fires
    X, y = np.random.default_rng(1).normal(size=(20, 2)), np.arange(20) % 2
    (gW1, gb1), (gW2, _) = net.unflatten(net.loss_and_grad(w, X, y)[1])
    assert (gW1[:, 1] == 0).all() and gb1[1] == 0 and (gW2[1] == 0).all()
    assert np.abs(gW1[:, 0]).max() > 0


# -- a sweep is a batch of single networks --------------------------------------------------
@pytest.mark.parametrize("sizes", [(2, 32, 32, 2), (2, 64, 3), (2, 3), (2, 128, 64, 32, 3)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_each_column_of_a_sweep_equals_the_single_network_bit_for_bit(sizes, activation):
    X, y = ol.data.spirals(300, classes=3, seed=1)
    y = y % sizes[-1]
    net = MLP(sizes, activation)
    p = classifier(net, X, y, weight_decay=1e-3)
    W = net.init(list(range(6))).reshape(2, 3, -1)
    rng = np.random.default_rng(0)
    for i in (np.arange(32), p.all, rng.integers(0, 300, (2, 3, 17)), rng.integers(0, 300, (3, 9))):
        F, G = p.f(W, i), p.grad(W, i)
        for a in range(2):
            for b in range(3):
                ib = i if i.ndim == 1 else i[..., b, :] if i.ndim == 2 else i[a, b]
                np.testing.assert_array_equal(G[a, b], p.grad(W[a, b], ib))
                assert F[a, b] == p.f(W[a, b], ib)
        np.testing.assert_array_equal(net.logits(W, X)[1, 2], net.logits(W[1, 2], X))


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 70), min_size=2, max_size=4).map(tuple),
    activation=st.sampled_from(["tanh", "relu"]),
    batch=st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple),
    n=st.integers(1, 80),
    B=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_sweep_columns_equal_single_networks_on_random_shapes(sizes, activation, batch, n, B, seed):
    sizes = (*sizes[:-1], max(sizes[-1], 2))
    net, p, rng, _ = random_problem(sizes, activation, n=n, seed=seed)
    W = rng.normal(size=batch + (net.size,))
    for i in (rng.integers(0, n, B), rng.integers(0, n, batch + (B,))):
        F, G = p.f(W, i), p.grad(W, i)
        for k in np.ndindex(*batch):
            ik = i if i.ndim == 1 else i[k]
            np.testing.assert_array_equal(G[k], p.grad(W[k], ik))
            assert F[k] == p.f(W[k], ik)


def test_a_learning_rate_sweep_trains_like_single_runs_bit_for_bit():
    X, y = ol.data.two_moons(200, seed=3)
    net = MLP((2, 16, 16, 2))
    p = classifier(net, X, y)
    lrs = np.array([0.01, 0.1, 0.5])
    batches = np.random.default_rng(0).integers(0, p.n, (60, 32))

    def train(opt, w):
        state = opt.init(w)
        for i in batches:
            w, state = opt.step(w, p.grad(w, i), state)
        return w

    for opt in (ol.SGD, ol.Adam):
        sweep = train(opt(lr=lrs), np.broadcast_to(net.init(0), (3, net.size)).copy())
        for k, lr in enumerate(lrs):
            np.testing.assert_array_equal(sweep[k], train(opt(lr=float(lr)), net.init(0)))


# -- the flat vector ------------------------------------------------------------------------
def test_layout_unflatten_and_flatten():
    net = MLP((2, 32, 32, 2))
    assert net.size == 2 * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2 == 1218
    names = [name for name, _, _ in net.layout]
    assert names == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert sum(sl.stop - sl.start for _, sl, _ in net.layout) == net.size
    w = np.arange(3 * net.size, dtype=float).reshape(3, net.size)
    params = net.unflatten(w)
    assert [W.shape for W, _ in params] == [(3, 2, 32), (3, 32, 32), (3, 32, 2)]
    assert [b.shape for _, b in params] == [(3, 32), (3, 32), (3, 2)]
    assert params[1][0][2, 0, 1] == w[2, 96 + 1]  # W2 row by row after W1 and b1
    np.testing.assert_array_equal(net.flatten(params), w)
    params[0][1][...] = -1.0  # views: writing b1 writes w
    assert (w[:, 64:96] == -1).all()
    for (name, sl, shape), arr in zip(
        net.layout, [a for pair in net.unflatten(w[0]) for a in pair], strict=True
    ):
        np.testing.assert_array_equal(arr, w[0, sl].reshape(shape), err_msg=name)


def test_init_is_seeded_and_scaled_by_fan_in():
    for activation, gain in (("tanh", 1.0), ("relu", 2.0)):
        net = MLP((400, 300, 200), activation)
        w = net.init(5)
        np.testing.assert_array_equal(w, net.init(5))
        assert not np.array_equal(w, net.init(6))
        (W1, b1), (W2, b2) = net.unflatten(w)
        assert (b1 == 0).all() and (b2 == 0).all()
        assert abs(W1.std() / np.sqrt(gain / 400) - 1) < 0.01  # 120,000 draws
        assert abs(W2.std() / np.sqrt(gain / 300) - 1) < 0.01
    net = MLP((2, 8, 2))
    rows = net.init([3, 1, 4])
    assert rows.shape == (3, net.size)
    for k, s in enumerate([3, 1, 4]):
        np.testing.assert_array_equal(rows[k], net.init(s))


# -- cross-entropy --------------------------------------------------------------------------
def test_cross_entropy_values():
    z = np.array([[2.0, 1.0, -1.0], [0.0, 0.0, 0.0]])
    direct = np.log(np.exp(z).sum(-1)) - z[[0, 1], [0, 2]]
    np.testing.assert_allclose(cross_entropy(z, [0, 2]), direct, rtol=1e-15)
    assert cross_entropy([[0.0, 0.0]], [1])[0] == np.log(2)
    big = cross_entropy([[1000.0, -1000.0], [1000.0, -1000.0], [-1e308, 1e308]], [1, 0, 0])
    np.testing.assert_array_equal(big, [2000.0, 0.0, np.inf])  # 2e308 overflows, honestly
    odd = cross_entropy([[np.inf, 0.0], [np.nan, 0.0], [-np.inf, 0.0]], [0, 1, 1])
    assert np.isnan(odd[:2]).all() and odd[2] == 0.0  # no warning either


@settings(max_examples=200, deadline=None)
@given(
    z=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e308, max_value=1e308),
        min_size=2,
        max_size=5,
    ),
    data=st.data(),
)
def test_cross_entropy_is_stable_for_any_finite_logits(z, data):
    z = np.array(z)
    y = data.draw(st.integers(0, len(z) - 1))
    loss = cross_entropy(z[None], [y])[0]  # no warning: pytest turns warnings into errors
    assert loss >= 0
    with np.errstate(over="ignore"):  # the test's own subtraction may overflow: no bound then
        spread = z.max() - z[y]
    if np.isfinite(spread):
        # log-sum-exp lies between the largest term and it plus log(classes); near the largest
        # float the test's own upper bound may overflow to inf, which still bounds the loss
        with np.errstate(over="ignore"):
            upper = spread + np.log(len(z)) + 1e-12 * max(1, spread)
        assert spread * (1 - 1e-15) <= loss <= upper


def test_cross_entropy_bad_labels():
    with pytest.raises(ValueError, match=r"y must hold labels 0 \.\. 2 .* got 3"):
        cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"y must hold integer class labels"):
        cross_entropy(np.zeros((2, 3)), [0, 0.5])
    with pytest.raises(ValueError, match=r"y of shape \(3,\) does not fit logits of shape"):
        cross_entropy(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"z must have a class axis last"):
        cross_entropy(1.0, 0)
    assert cross_entropy([0.0, 0.0], 1) == np.log(2)  # one example, labels of any shape


def test_softmax_gradient_at_the_logits_sums_to_zero():
    net = MLP((2, 4, 3))
    X, y = np.random.default_rng(0).normal(size=(6, 2)), np.array([0, 1, 2, 0, 1, 2])
    _, g = net.loss_and_grad(net.init(0), X, y)
    gb3 = net.unflatten(g)[-1][1]
    assert abs(gb3.sum()) < 1e-15  # Σ_c (p_c − onehot_c) = 0


# -- prediction, accuracy, held-out loss ----------------------------------------------------
def test_predict_accuracy_and_loss_on_a_batch_of_networks():
    net = MLP((2, 2))
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
    y = np.array([0, 1, 0, 0])
    ident = net.flatten([(np.eye(2), np.zeros(2))])  # logits = X: class = the larger coordinate
    swap = net.flatten([(np.eye(2)[::-1], np.zeros(2))])
    w = np.stack([ident, swap])
    np.testing.assert_array_equal(net.predict(w, X), [[0, 1, 0, 1], [1, 0, 1, 0]])
    np.testing.assert_array_equal(net.accuracy(w, X, y), [0.75, 0.25])
    assert net.accuracy(ident, X, y) == 0.75
    np.testing.assert_allclose(net.loss(ident, X, y), np.mean(cross_entropy(X, y)))


def test_a_diverged_network_gives_nan_without_warnings():
    net = MLP((2, 4, 2))
    X, y = np.ones((3, 2)), np.array([0, 1, 1])
    w = np.stack([net.init(0), np.full(net.size, np.nan), np.full(net.size, 1e300)])
    acc, loss = net.accuracy(w, X, y), net.loss(w, X, y)
    assert np.isfinite(acc[0]) and np.isnan(acc[1]) and np.isfinite(loss[0]) and np.isnan(loss[1])
    assert not np.isfinite(net.loss_and_grad(w, X, y)[1][1]).any()
    p = classifier(net, X, y, weight_decay=0.1)  # the L2 term overflows at 1e300: inf, quietly
    assert np.isfinite(p.f(w)[0]) and not np.isfinite(p.f(w)[1:]).any()
    assert not np.isfinite(p.grad(w)[1]).any() and np.isfinite(p.grad(w)[0]).all()


def test_classifier_is_a_finite_sum_with_weight_decay():
    X, y = ol.data.circles(40, seed=2)
    net = MLP((2, 5, 2))
    p, p_wd = classifier(net, X, y), classifier(net, X, y, weight_decay=0.1)
    assert isinstance(p, FiniteSum) and p.n == 40
    w = net.init(1)
    np.testing.assert_array_equal(p.f(w), net.loss(w, X, y))
    np.testing.assert_array_equal(p.grad(w), net.loss_and_grad(w, X, y)[1])
    np.testing.assert_allclose(p_wd.f(w), p.f(w) + 0.05 * w @ w, rtol=1e-15)
    np.testing.assert_allclose(p_wd.grad(w), p.grad(w) + 0.1 * w, rtol=1e-15)
    i = np.array([3, 3, 7])  # a minibatch, repeats allowed (sampling with replacement)
    np.testing.assert_allclose(p.f(w, i), net.loss(w, X[i], y[i]), rtol=1e-15)
    assert "weight_decay=0.1" in p_wd.name
    X[:] = 0.0  # the problem keeps its own copy of the data
    np.testing.assert_array_equal(p.f(w), classifier(net, *ol.data.circles(40, seed=2)).f(w))


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sizes, match",
    [
        ((2, 0, 2), r"sizes must be positive integers, got 0"),
        ((2, -3), r"got -3"),
        ((2, 2.5, 2), r"got 2.5"),
        ((2, True, 2), r"got True"),
        ((2, "8", 2), r"got '8'"),
        ((2,), r"at least 2 layers"),
        ((), r"at least 2 layers"),
        (5, r"sizes must be a sequence of layer sizes, got 5"),
    ],
)
def test_bad_layer_sizes(sizes, match):
    with pytest.raises(ValueError, match=match):
        MLP(sizes)


def test_bad_activation():
    with pytest.raises(ValueError, match=r"activation must be one of .*got 'sigmoid'"):
        MLP((2, 2), "sigmoid")


@pytest.mark.parametrize(
    "X, y, match",
    [
        ([[0.0, 1.0]], [2], r"y must hold labels 0 \.\. 1 .* got 2"),
        ([[0.0, 1.0]], [-1], r"y must hold labels 0 \.\. 1 .* got -1"),
        ([[0.0, 1.0]], [0.5], r"y must hold integer class labels"),
        ([[0.0, 1.0]], ["a"], r"y must hold integer class labels"),
        ([[0.0, 1.0]], [[0]], r"y must be a 1-D array"),
        ([[0.0, 1.0], [1.0, 0.0]], [0], r"X and y must hold as many examples, got 2 inputs and 1"),
        ([[0.0, np.nan]], [0], r"X must be finite, got nan at row 0"),
        ([[0.0, 1.0], [np.inf, 1.0]], [0, 1], r"X must be finite, got inf at row 1"),
        ([[0.0, 1.0, 2.0]], [0], r"X must have shape \(n, 2\) with n >= 1, got shape \(1, 3\)"),
        ([0.0, 1.0], [0], r"X must have shape \(n, 2\)"),
        ([["a", "b"]], [0], r"X must be an array of real numbers"),
        (np.zeros((0, 2)), [], r"X must have shape \(n, 2\) with n >= 1, got shape \(0, 2\)"),
    ],
)
def test_bad_data(X, y, match):
    net = MLP((2, 3, 2))
    for call in (
        lambda: classifier(net, X, y),
        lambda: net.accuracy(net.init(0), X, y),
        lambda: net.loss(net.init(0), X, y),
    ):
        with pytest.raises(ValueError, match=match):
            call()


def test_whole_number_float_labels_are_accepted():
    net = MLP((2, 2))
    assert net.accuracy(net.init(0), [[1.0, 0.0]], [1.0]) in (0.0, 1.0)


def test_bad_parameters_indices_and_weight_decay():
    net = MLP((2, 3, 2))
    p = classifier(net, np.zeros((4, 2)), [0, 1, 0, 1])
    w = net.init(0)
    with pytest.raises(ValueError, match=r"w must have shape \(\.\.\., 17\) .* got shape \(16,\)"):
        net.logits(w[:-1], np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"w must have shape"):
        p.grad(3.0, [0])
    with pytest.raises(ValueError, match=r"w must be an array of real numbers, got 'abc'"):
        net.predict("abc", np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"i must index the 4 examples \(0 \.\. 3\), got 4"):
        p.grad(w, [0, 4])
    with pytest.raises(ValueError, match=r"got -1"):
        p.f(w, [-1])
    with pytest.raises(ValueError, match=r"i must be an integer array"):
        p.f(w, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"with B >= 1, got array\(\[\]"):
        p.f(w, np.array([], dtype=int))
    with pytest.raises(ValueError, match=r"i must have shape \(B,\) or \(\*batch, B\)"):
        p.grad(np.stack([w, w]), np.zeros((3, 2), dtype=int))
    with pytest.raises(ValueError, match=r"i must have shape"):
        p.grad(w, np.zeros((2, 2), dtype=int))  # one network, two minibatches
    for wd in (-0.1, np.nan, "a"):
        with pytest.raises(ValueError, match=r"weight_decay must be a real number >= 0"):
            classifier(net, np.zeros((4, 2)), [0, 1, 0, 1], weight_decay=wd)
    with pytest.raises(TypeError, match=r"net must be an optimlab.nn.MLP"):
        classifier((2, 3, 2), np.zeros((4, 2)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"params must hold 2 \(W, b\) pairs"):
        net.flatten([(np.zeros((2, 3)), np.zeros(3))])
    with pytest.raises(ValueError, match=r"a layer 3 -> 2 needs W of shape"):
        net.flatten([(np.zeros((2, 3)), np.zeros(3)), (np.zeros((2, 3)), np.zeros(2))])


# -- real training --------------------------------------------------------------------------
def minibatch_training(opt, p, w, steps, batch_size=32, seed=0, record_every=50):
    """Plain loop: a fresh seeded permutation per epoch cut into batches (the last smaller)."""
    rng, state, losses, k = np.random.default_rng(seed), opt.init(w), [p.f(w)], 0
    while k < steps:
        order = rng.permutation(p.n)
        for s in range(0, p.n, batch_size):
            w, state = opt.step(w, p.grad(w, order[s : s + batch_size]), state)
            k += 1
            if k % record_every == 0:
                losses.append(p.f(w))
            if k == steps:
                break
    return w, np.array(losses)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_sgd_decreases_the_loss_on_two_moons(activation):
    X, y = ol.data.two_moons(500, noise=0.2, seed=0)
    net = MLP((2, 32, 32, 2), activation)
    p = classifier(net, X, y)
    w, losses = minibatch_training(ol.SGD(lr=0.05), p, net.init(0), steps=400)
    assert losses[-1] < 0.5 * losses[0]
    assert losses[-1] < 0.35  # well under log 2 = 0.69, the loss of a coin toss
    assert (np.diff(losses[::2]) < 0).all()  # every 100 steps lower than the last
    assert net.accuracy(w, X, y) > 0.85


@pytest.mark.parametrize(
    "make",
    [lambda: ol.data.two_moons(500, noise=0.1, seed=1), lambda: ol.data.circles(500, seed=1)],
)
def test_training_reaches_high_accuracy_on_separable_data(make):
    X_train, X_test, y_train, y_test = ol.data.train_test_split(*make(), test_fraction=0.2)
    net = MLP((2, 32, 32, 2))
    w, _ = minibatch_training(ol.Adam(lr=0.01), classifier(net, X_train, y_train), net.init(0), 600)
    assert net.accuracy(w, X_train, y_train) > 0.95
    assert net.accuracy(w, X_test, y_test) > 0.95
