"""Speed of optimlab.nn: is training a small network interactive?

A 2-32-32-2 tanh network (1218 parameters) on 500 points of two moons. Measured (medians of 5
repeats, each timing many calls):

- one minibatch gradient, B = 32 (forward, backward, the flat gradient);
- one full pass, the gradient over all 500 points;
- one minibatch gradient for a sweep of 10 networks at once (one call, w of shape (10, 1218));
- one Adam step on the 1218 parameters;
- 2000 minibatch steps in a plain loop (opt.init / opt.step, a fresh seeded permutation per
  epoch cut into batches of 32, the last one smaller, as DataLoader(shuffle=True) does), with
  the implied figure 2000 x (gradient + Adam step) beside it.

Target: 2000 minibatch steps in under 2 s on a 2-core machine.

    python benchmarks/nn.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import optimlab as ol

STEPS, B, REPEATS, SWEEP = 2000, 32, 5, 10


def per_call(fn, calls):
    """Median over REPEATS of the time per call, each repeat timing ``calls`` calls."""
    out = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        out.append((time.perf_counter() - t0) / calls)
    return statistics.median(out)


def train(opt, problem, w, steps, batch_size, seed):
    """The plain minibatch loop a run does: per epoch a seeded permutation, cut into batches."""
    rng = np.random.default_rng(seed)
    state = opt.init(w)
    k = 0
    while k < steps:
        order = rng.permutation(problem.n)
        for start in range(0, problem.n, batch_size):
            w, state = opt.step(w, problem.grad(w, order[start : start + batch_size]), state)
            k += 1
            if k == steps:
                break
    return w


def main():
    X, y = ol.data.two_moons(500, noise=0.1, seed=0)
    net = ol.nn.MLP((2, 32, 32, 2), "tanh")
    problem = ol.nn.classifier(net, X, y)
    w = net.init(0)
    batch = np.random.default_rng(0).permutation(problem.n)[:B]
    opt = ol.Adam(lr=0.01)
    state = opt.init(w)
    g = problem.grad(w, batch)

    t_grad = per_call(lambda: problem.grad(w, batch), 500)
    t_full = per_call(lambda: problem.grad(w), 50)
    t_loss = per_call(lambda: problem.f(w), 50)
    t_adam = per_call(lambda: opt.step(w, g, state), 500)
    sweep = net.init(list(range(SWEEP)))  # SWEEP networks, one gradient call
    t_sweep = per_call(lambda: problem.grad(sweep, batch), 200)
    runs = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        w_end = train(opt, problem, w, STEPS, B, seed=0)
        runs.append(time.perf_counter() - t0)
    t_train = statistics.median(runs)

    print(f"{net}, {net.size} parameters, {problem.n} points of two moons (median of {REPEATS})")
    print(f"  minibatch gradient, B = {B}:     {1e6 * t_grad:8.1f} µs")
    print(f"  full pass, gradient over {problem.n}: {1e6 * t_full:8.1f} µs")
    print(f"  full pass, loss over {problem.n}:     {1e6 * t_loss:8.1f} µs")
    print(f"  a sweep of {SWEEP} networks, B = {B}:  {1e6 * t_sweep:8.1f} µs for all {SWEEP}")
    print(f"  Adam step ({net.size} parameters):  {1e6 * t_adam:8.1f} µs")
    print(
        f"  {STEPS} steps implied, {STEPS} x (gradient + Adam): {STEPS * (t_grad + t_adam):.3f} s"
    )
    print(
        f"  {STEPS} steps measured (plain loop, seeded permutations): {t_train:.3f} s "
        f"(target < 2 s); training accuracy after them: {net.accuracy(w_end, X, y):.3f}"
    )


if __name__ == "__main__":
    main()
