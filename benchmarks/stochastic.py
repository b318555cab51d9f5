"""The cost of an epoch of SGD per batch size (notebook 06), on the course's linear fit.

One epoch is n = 128 examples: 128 updates at B = 1, 8 at B = 16, 1 at B = n. Each run is
``ol.run`` (the loss is evaluated after every update too, to watch for divergence); the median
over ``repeats`` runs. Vectorised minibatches cost less per example than single examples, since
Python's overhead per update is paid once per batch.

    python benchmarks/stochastic.py
"""

from __future__ import annotations

import time

from optimlab import stochastic


def main(repeats: int = 20):
    fit = stochastic.course_fit()
    cost = stochastic.epoch_cost(fit, batch_sizes=(1, 4, 16, 64, fit.n), repeats=repeats)
    print(f"one epoch of SGD on the course's fit (n = {fit.n}), median of {repeats} runs")
    print(f"{'B':>5} {'updates':>8} {'ms/epoch':>9} {'µs/example':>11} {'µs/update':>10}")
    for b, updates, ms, per_example, per_update in cost.rows():
        print(f"{b:>5} {updates:>8} {ms:>9.2f} {per_example:>11.1f} {per_update:>10.1f}")
    t0 = time.perf_counter()
    stochastic.paths(fit, 1, 0.1, "1/t", 0)
    ms = 1e3 * (time.perf_counter() - t0)
    print(f"the panel's runs at B = 1 (5 seeds, 640 updates): {ms:.1f} ms")
    t0 = time.perf_counter()
    stochastic.noise_ball(fit)
    print(
        f"the notebook's noise ball (3 lrs + 3 decays, 20 seeds, 3000 updates): "
        f"{time.perf_counter() - t0:.2f} s"
    )


if __name__ == "__main__":
    main()
