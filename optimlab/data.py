"""Small data sets the notebooks make themselves (nothing is downloaded)."""

from __future__ import annotations

import numpy as np


def daily_temperature(days: int = 365, seed: int = 0, noise: float = 3.0):
    """A year of temperature-like daily readings: a seasonal curve plus noise, the picture
    behind seed 000's exponentially weighted average. Returns (day, reading, seasonal curve),
    the days numbered from 1; the same ``seed`` gives the same series everywhere."""
    if not isinstance(days, (int, np.integer)) or days < 2:
        raise ValueError(f"days must be an integer >= 2, got {days!r}")
    day = np.arange(1, days + 1)
    season = 12.0 - 10.0 * np.cos(2 * np.pi * (day - 15) / 365.0)
    rng = np.random.default_rng(seed)
    return day, season + rng.normal(0.0, noise, size=days), season


# -- labelled points in the plane, for notebook 10's network ----------------------------------
def two_moons(n: int = 500, noise: float = 0.1, label_noise: float = 0.0, seed: int = 0):
    """Two interleaving half circles (class 0 the upper moon, class 1 the lower one), as
    scikit-learn's ``make_moons``: ``n`` points, ``n // 2`` in class 0 and the rest in class 1,
    evenly spread along each moon, then Gaussian ``noise`` (standard deviation) added to each
    coordinate. Then ``label_noise``: round(label_noise·n) labels, picked at random, are
    flipped to the other class (noise a network can only memorise, never learn). Returns ``X``
    of shape ``(n, 2)`` and integer labels ``y``, in a seeded random order; ``label_noise``
    changes the labels only, not the points or their order."""
    n, noise, label_noise = _check_points(n, noise, label_noise, classes=2)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    X = np.concatenate(
        [np.stack([np.cos(t0), np.sin(t0)], 1), np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)]
    )
    y = np.repeat([0, 1], [n0, n - n0])
    return _finish(X, y, noise, label_noise, 2, seed)


def circles(
    n: int = 500, noise: float = 0.1, factor: float = 0.5, label_noise: float = 0.0, seed: int = 0
):
    """A circle of radius ``factor`` (class 1) inside a circle of radius 1 (class 0), as
    scikit-learn's ``make_circles``: ``n // 2`` points on the outer circle, the rest on the
    inner one, evenly spaced, then ``noise`` and ``label_noise`` as :func:`two_moons`. No line
    separates the classes; a network must bend its boundary round the inner circle."""
    n, noise, label_noise = _check_points(n, noise, label_noise, classes=2)
    factor = _check_real("factor", factor, lambda v: 0 < v < 1, "a number in (0, 1)")
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.concatenate(
        [np.stack([np.cos(t0), np.sin(t0)], 1), factor * np.stack([np.cos(t1), np.sin(t1)], 1)]
    )
    y = np.repeat([0, 1], [n0, n - n0])
    return _finish(X, y, noise, label_noise, 2, seed)


def spirals(
    n: int = 500,
    noise: float = 0.1,
    label_noise: float = 0.0,
    seed: int = 0,
    classes: int = 2,
    turns: float = 1.0,
):
    """``classes`` interleaved spiral arms (the CS231n picture), one class per arm: arm k's
    points lie at radius r, evenly spaced in (0, 1], and angle 2π·(turns·r + k/classes).
    ``n`` points shared as evenly as the count allows (the first arms get one more), then
    ``noise`` and ``label_noise`` as :func:`two_moons` (a flipped label goes to one of the other
    classes, uniformly). The hardest of the three: the boundary
    winds ``turns`` times round the centre."""
    classes = _check_count("classes", classes, 2)
    n, noise, label_noise = _check_points(n, noise, label_noise, classes=classes)
    turns = _check_real("turns", turns, lambda v: v > 0, "a number > 0")
    counts = np.full(classes, n // classes) + (np.arange(classes) < n % classes)
    y = np.repeat(np.arange(classes), counts)
    r = np.concatenate([np.arange(1, m + 1) / m for m in counts])
    angle = 2 * np.pi * (turns * r + y / classes)
    X = r[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1)
    return _finish(X, y, noise, label_noise, classes, seed)


def _flip_labels(y, fraction: float, classes: int, rng) -> np.ndarray:
    """``y`` with round(fraction·n) labels, chosen at random without repeats, changed to another
    class (the other one of two; one of the others, uniformly, for more classes)."""
    y = np.array(y)
    k = int(round(fraction * len(y)))
    idx = rng.choice(len(y), size=k, replace=False)
    y[idx] = (y[idx] + rng.integers(1, classes, size=k)) % classes
    return y


def train_test_split(X, y, test_fraction: float = 0.2, seed: int = 0):
    """A fixed, seeded split into training and test examples: a random permutation (the same
    for the same ``seed`` and length) puts round(test_fraction·n) examples in the test set and
    the rest in the training set, each kept in permutation order. Returns ``X_train, X_test,
    y_train, y_test``, scikit-learn's order. Both sets hold at least one example."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(
            f"X and y must hold as many examples, got {len(X)} inputs and {len(y)} labels"
        )
    f = _check_real("test_fraction", test_fraction, lambda v: 0 < v < 1, "a number in (0, 1)")
    n = len(X)
    n_test = int(round(f * n))
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_fraction={test_fraction!r} of {n} examples leaves {n_test} for testing and "
            f"{n - n_test} for training; each needs at least one"
        )
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def _finish(X, y, noise, label_noise, classes, seed):
    """Noise, a seeded shuffle, then the flips: the same seed gives the same points in the same
    order whatever ``label_noise`` is, so the flipped labels are the only difference."""
    rng = np.random.default_rng(seed)
    X = X + noise * rng.standard_normal(X.shape)  # drawn at noise 0 too
    order = rng.permutation(len(y))
    return X[order], _flip_labels(y[order], label_noise, classes, rng)


def _check_count(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_real(name, value, valid, what):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {what}, got {value!r}") from None
    if not (np.isfinite(v) and valid(v)):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return v


def _check_points(n, noise, label_noise, classes):
    n = _check_count("n", n, classes)
    noise = _check_real("noise", noise, lambda v: v >= 0, "a number >= 0")
    label_noise = _check_real("label_noise", label_noise, lambda v: 0 <= v <= 1, "in [0, 1]")
    return n, noise, label_noise
