"""optimlab.data's labelled point sets and the train/test split: shapes, geometry, seeds,
label noise, and the checks on bad arguments."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.data import circles, spirals, train_test_split, two_moons

MAKERS = [two_moons, circles, spirals]


@pytest.mark.parametrize("make", MAKERS)
def test_shapes_types_and_seeds(make):
    X, y = make(101, seed=7)
    assert X.shape == (101, 2) and X.dtype == float
    assert y.shape == (101,) and y.dtype.kind == "i"
    X2, y2 = make(101, seed=7)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(101, seed=8)
    assert not np.array_equal(X, X3)
    # class sizes: n // 2 and the rest (two moons, circles); as even as possible (spirals)
    np.testing.assert_array_equal(np.bincount(y), [50, 51] if make is not spirals else [51, 50])
    assert not (np.diff(y) >= 0).all()  # shuffled, not sorted by class


def test_geometry_without_noise():
    X, y = two_moons(200, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()
    X, y = circles(200, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X.T), np.where(y == 0, 1.0, 0.3))
    X, y = spirals(300, noise=0.0, classes=3, turns=1.5)
    r = np.hypot(*X.T)
    assert r.max() == pytest.approx(1.0) and r.min() > 0
    # each arm's angle is 2π·(turns·r + k/classes)
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * (1.5 * r + y / 3)
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-12)


@pytest.mark.parametrize("make", MAKERS)
def test_noise_moves_points_by_its_standard_deviation(make):
    X0, y0 = make(4000, noise=0.0, seed=3)
    X1, y1 = make(4000, noise=0.25, seed=3)
    np.testing.assert_array_equal(y0, y1)  # same seed, same order
    assert np.std(X1 - X0) == pytest.approx(0.25, rel=0.03)


@settings(max_examples=30, deadline=None)
@given(
    make=st.sampled_from(MAKERS),
    n=st.integers(3, 300),
    fraction=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_label_noise_flips_that_fraction_exactly(make, n, fraction, seed):
    X0, y0 = make(n, label_noise=0.0, seed=seed)
    X1, y1 = make(n, label_noise=fraction, seed=seed)
    np.testing.assert_array_equal(X0, X1)  # the points stay; only labels change
    assert np.sum(y0 != y1) == round(fraction * n)
    assert y1.min() >= 0 and y1.max() <= y0.max()


def test_label_noise_on_several_classes_moves_to_every_other_class():
    _, y0 = spirals(3000, classes=3, seed=0)
    _, y1 = spirals(3000, classes=3, label_noise=0.5, seed=0)
    moved = y1 != y0
    assert moved.sum() == 1500
    pairs = np.bincount(3 * y0[moved] + y1[moved], minlength=9).reshape(3, 3)
    assert (np.diag(pairs) == 0).all()  # a flipped label is another class
    assert (pairs[~np.eye(3, dtype=bool)] > 150).all()  # each of the others, about 250 times


def test_train_test_split():
    X = np.arange(50.0).reshape(25, 2)
    y = np.arange(25)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=4)
    assert len(X_test) == len(y_test) == 5 and len(X_train) == len(y_train) == 20
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # rows stay with their labels
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)
    np.testing.assert_array_equal(np.sort(np.r_[y_train, y_test]), y)  # disjoint, complete
    again = train_test_split(X, y, test_fraction=0.2, seed=4)
    np.testing.assert_array_equal(again[3], y_test)
    assert not np.array_equal(train_test_split(X, y, test_fraction=0.2, seed=5)[3], y_test)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: two_moons(1), r"n must be an integer >= 2, got 1"),
        (lambda: two_moons(10.0), r"n must be an integer >= 2, got 10.0"),
        (lambda: circles(True), r"n must be an integer >= 2, got True"),
        (lambda: spirals(2, classes=3), r"n must be an integer >= 3, got 2"),
        (lambda: spirals(10, classes=1), r"classes must be an integer >= 2, got 1"),
        (lambda: two_moons(10, noise=-0.1), r"noise must be a number >= 0, got -0.1"),
        (lambda: two_moons(10, noise=np.nan), r"noise must be a number >= 0, got nan"),
        (lambda: circles(10, noise="a"), r"noise must be a number >= 0, got 'a'"),
        (lambda: two_moons(10, label_noise=1.5), r"label_noise must be in \[0, 1\], got 1.5"),
        (lambda: circles(10, factor=1.0), r"factor must be a number in \(0, 1\), got 1.0"),
        (lambda: spirals(10, turns=0), r"turns must be a number > 0, got 0"),
        (
            lambda: train_test_split(np.zeros((4, 2)), [0, 1, 0]),
            r"X and y must hold as many examples, got 4 inputs and 3 labels",
        ),
        (
            lambda: train_test_split(np.zeros((4, 2)), [0] * 4, test_fraction=1.0),
            r"test_fraction must be a number in \(0, 1\), got 1.0",
        ),
        (
            lambda: train_test_split(np.zeros((4, 2)), [0] * 4, test_fraction=0.1),
            r"test_fraction=0.1 of 4 examples leaves 0 for testing",
        ),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_daily_temperature_is_still_there():
    day, reading, season = ol.data.daily_temperature(seed=0)
    assert day.shape == reading.shape == season.shape == (365,)
