"""Speed of optimlab's optimizers: a vectorised sweep against single runs and torch.optim.

Measured in one run on this machine (medians of repeats):

- a vectorised Adam sweep, 200 learning rates x 1000 steps on 2-D Rosenbrock, per configuration;
- the same configurations as a loop of single optimlab runs, per configuration;
- torch.optim.Adam doing the same steps (one float64 tensor of 2, gradient from the same NumPy
  function, foreach=False), per configuration, where torch is installed;
- the 101,001-step replay of seed 004's gradient stream.

Targets: the sweep >= 20x faster per configuration than single runs and >= 500x faster than
torch.optim; the replay well under a second.

    python benchmarks/optimizers.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import optimlab as ol

STEPS = 1000
LRS = np.geomspace(1e-4, 1e-2, 200)
X0 = [-1.2, 1.0]


def rosen_grad(x):
    """The gradient of (1 - a)² + 100 (b - a²)², for one point or a batch (both sides use it)."""
    a, b = x[..., 0], x[..., 1]
    g = np.empty_like(x)
    inner = b - a * a
    g[..., 0] = -2 * (1 - a) - 400 * a * inner
    g[..., 1] = 200 * inner
    return g


ROSEN = ol.Problem(
    f=lambda x: (1 - x[..., 0]) ** 2 + 100 * (x[..., 1] - x[..., 0] ** 2) ** 2, grad=rosen_grad
)


def timed(fn, repeats):
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def sweep():
    # the iterates only, as torch's loop below: no loss evaluations on either side
    return ol.run(ol.Adam(lr=LRS), ROSEN, X0, STEPS, keep=("x",))


def singles(lrs):
    return [ol.run(ol.Adam(lr=lr), ROSEN, X0, STEPS, keep=("x",)) for lr in lrs]


def torch_singles(torch, lrs):
    out = []
    for lr in lrs:
        p = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=float(lr), foreach=False)
        for _ in range(STEPS):
            p.grad = torch.from_numpy(rosen_grad(p.detach().numpy()))
            opt.step()
        out.append(p.detach().numpy().copy())
    return out


def main():
    print(f"Adam on 2-D Rosenbrock, {len(LRS)} learning rates x {STEPS} steps")
    t_sweep = timed(sweep, 5) / len(LRS)
    sample = LRS[:: len(LRS) // 20]  # 20 configurations, spread over the range
    t_single = timed(lambda: singles(sample), 3) / len(sample)
    rows = [
        ("vectorised sweep (one run of 200)", t_sweep, 1.0, ""),
        ("loop of single optimlab runs", t_single, t_single / t_sweep, ">= 20"),
    ]
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(1)
        t_torch = timed(lambda: torch_singles(torch, sample), 3) / len(sample)
        # check that the three agree before comparing their speeds
        ours = sweep().x[-1][:: len(LRS) // 20]
        theirs = np.array(torch_singles(torch, sample))
        assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-12), "torch disagrees"
        rows.append((f"torch.optim.Adam {torch.__version__}", t_torch, t_torch / t_sweep, ">= 500"))
    print(f"{'':36} {'ms per configuration':>21} {'sweep is x faster':>18}  target")
    for name, t, ratio, target in rows:
        print(f"{name:36} {1e3 * t:>21.3f} {ratio:>18.1f}  {target}")
    if torch is None:
        print("torch.optim: not installed here, column skipped (pip install torch to add it)")

    grads = np.ones(101_001)
    grads[100_999] = 100_000.0
    opt = ol.Adam(lr=1.0, betas=(0.0, 0.999))
    t_replay = timed(lambda: ol.replay(opt, grads), 5)
    move = -np.diff(ol.replay(opt, grads).x)[[100_998, 100_999, 101_000]]
    print(
        f"replay of seed 004's stream, 101,001 steps: {1e3 * t_replay:.0f} ms (median of 5); "
        f"movements at 100998, 100999, 101000: {move[0]:.4g}, {move[1]:.4g}, {move[2]:.4g}"
    )


if __name__ == "__main__":
    main()
