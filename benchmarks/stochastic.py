"""The cost of an epoch of SGD per batch size (notebook 06), on the course's linear fit.

One epoch is n = 128 examples: 128 updates at B = 1, 8 at B = 16, 1 at B = n. Each run is
``ol.run`` (the loss is evaluated after every update too, to watch for divergence); the median
over ``repeats`` runs. Vectorised minibatches cost less per example than single examples, since
Python's overhead per update is paid once per batch. Then the panel's runs, its lean loop
(``stochastic.paths``: the same numbers, the loss evaluated once at the end) against
``ol.run`` doing the same steps, as medians and their ratio measured in one run.

    python benchmarks/stochastic.py
"""

from __future__ import annotations

import statistics
import time
import timeit

import numpy as np

import optimlab as ol
from optimlab import stochastic


def main(repeats: int = 20):
    fit = stochastic.course_fit()
    cost = stochastic.epoch_cost(fit, batch_sizes=(1, 4, 16, 64, fit.n), repeats=repeats)
    print(f"one epoch of SGD on the course's fit (n = {fit.n}), median of {repeats} runs")
    print(f"{'B':>5} {'updates':>8} {'ms/epoch':>9} {'µs/example':>11} {'µs/update':>10}")
    for b, updates, ms, per_example, per_update in cost.rows():
        print(f"{b:>5} {updates:>8} {ms:>9.2f} {per_example:>11.1f} {per_update:>10.1f}")
    print(f"the panel's runs (5 seeds, 5 epochs, and full batch), median of {repeats} runs:")
    print(f"{'B':>5} {'updates':>8} {'paths ms':>9} {'ol.run ms':>10} {'ratio':>6}")
    seeds = np.arange(5)
    for b in (1, 2, 16):
        steps = 5 * -(-fit.n // b)

        def general(b=b, steps=steps):  # the same numbers through ol.run's general loop
            ol.run(ol.SGD(lr=0.1), fit, stochastic.START, steps, batch_size=b, seed=seeds)
            ol.run(ol.SGD(lr=0.1), fit, stochastic.START, 5)

        lean = _median_ms(lambda b=b: stochastic.paths(fit, b, 0.1), repeats)
        slow = _median_ms(general, repeats)
        print(f"{b:>5} {steps:>8} {lean:>9.2f} {slow:>10.2f} {lean / slow:>6.2f}")
    t0 = time.perf_counter()
    stochastic.noise_ball(fit)
    print(
        f"the notebook's noise ball (3 lrs + 3 decays, 20 seeds, 3000 updates): "
        f"{time.perf_counter() - t0:.2f} s"
    )


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm caches
    return 1e3 * statistics.median(timeit.repeat(fn, number=1, repeat=repeats))


if __name__ == "__main__":
    main()
