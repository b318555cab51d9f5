"""Record torch 2.13's SparseAdam, Adafactor and Muon for optimlab's tests (race.json beside it).

Needs torch (not a dependency of optimlab). Run it where torch is installed, with the plain
(non-FMA) CPU kernels:

    ATEN_CPU_CAPABILITY=default python tests/torch_golden/make_race.py

Parameters are float64. Both sides see the same gradient, computed by the same NumPy function
from the current parameter (and, for SparseAdam, the step number). Written: torch's version,
the problems' data, and x after the steps in RECORD, as repr floats.

- SparseAdam: an 8 x 3 "embedding" table; step t touches rows t mod 8 and (3t + 1) mod 8, with
  the gradient of 0.5·|E[r] − T[r]|² for each touched row r, except every 7th step, which
  touches none (torch still counts the step). The dense gradient is handed to torch as
  ``dense.to_sparse()``: its stored entries are its non-zero entries, optimlab's convention.
- Adafactor: a 5-vector quadratic with curvatures spread over two decades, and the matrix
  least-squares problem (W of shape 3 x 4 and 5 x 3), several option sets.
- Muon: the two matrix problems (wide and tall, so the transpose and the lr adjustment are
  used), several option sets, 30 steps; plus torch's Newton–Schulz itself on a few matrices.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch
from torch.optim._muon import _zeropower_via_newtonschulz

STEPS = {"SparseAdam": 60, "Adafactor": 100, "Muon": 30}
RECORD = [1, 2, 3, 4, 5, 6, 7, 8, 10, 14, 20, 25, 30, 40, 50, 60, 75, 100]  # x after these steps

# -- problems (the tests rebuild them from the data written here) ---------------------------
RNG = np.random.default_rng(15)
TABLE = RNG.standard_normal((8, 3))  # the embedding's targets T
E0 = RNG.standard_normal((8, 3))
CURV = np.logspace(-1, 1, 5)  # the vector problem: f = 0.5·sum(CURV·x²)
V0 = np.array([1.0, -2.0, 0.5, 3.0, -1.0])


def sparse_grad(E, t):
    """The embedding-like gradient at step t: rows t mod 8 and (3t + 1) mod 8, none every 7th."""
    g = np.zeros_like(E)
    if t % 7 == 0:
        return g
    for r in {t % 8, (3 * t + 1) % 8}:
        g[r] = E[r] - TABLE[r]
    return g


def matrix_data(m, k, n=32, scale=100.0, seed=0):
    rng = np.random.default_rng(seed)
    scales = scale ** (np.linspace(0.0, 1.0, k) - 0.5)
    X = rng.standard_normal((k, n)) * scales[:, None]
    Y = rng.standard_normal((m, k)) @ X + 0.1 * rng.standard_normal((m, n))
    W0 = 0.1 * rng.standard_normal((m, k))
    return X, Y, W0


MATRICES = {"wide": matrix_data(3, 4, seed=1), "tall": matrix_data(5, 3, seed=2)}


def matrix_grad(name):
    X, Y, _ = MATRICES[name]
    return lambda W: (W @ X - Y) @ X.T / X.shape[1]


PROBLEMS = {  # name -> (x0, grad(x, t))
    "embedding": (E0, sparse_grad),
    "vector": (V0, lambda x, t: CURV * x),
    "wide": (MATRICES["wide"][2], lambda x, t: matrix_grad("wide")(x)),
    "tall": (MATRICES["tall"][2], lambda x, t: matrix_grad("tall")(x)),
}

CONFIGS = [
    ("SparseAdam", {"lr": 0.05}, ["embedding"]),
    ("SparseAdam", {"lr": 0.05, "betas": (0.5, 0.9)}, ["embedding"]),
    ("SparseAdam", {"lr": 0.1, "eps": 1e-3, "maximize": True}, ["embedding"]),
    ("Adafactor", {}, ["vector", "wide", "tall"]),
    ("Adafactor", {"lr": 0.05}, ["vector", "wide", "tall"]),
    ("Adafactor", {"lr": 0.05, "beta2_decay": -0.5, "d": 2.0}, ["vector", "wide"]),
    ("Adafactor", {"lr": 0.05, "eps": (1e-3, 1e-2)}, ["vector", "wide"]),
    ("Adafactor", {"lr": 0.05, "weight_decay": 0.1}, ["vector", "wide"]),
    ("Adafactor", {"lr": 0.02, "maximize": True}, ["vector", "tall"]),
    ("Muon", {"lr": 0.02}, ["wide", "tall"]),
    ("Muon", {"lr": 0.02, "nesterov": False, "momentum": 0.9}, ["wide", "tall"]),
    ("Muon", {"lr": 0.02, "weight_decay": 0.0, "adjust_lr_fn": "match_rms_adamw"}, ["tall"]),
    ("Muon", {"lr": 0.05, "ns_steps": 3, "momentum": 0.5}, ["wide"]),
]


def torch_run(name, kwargs, x0, grad):
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    extra = {"foreach": False} if name == "Adafactor" else {}
    opt = getattr(torch.optim, name)([p], **extra, **kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0  # maximize climbs -f: its gradient is -grad
    xs = {}
    for t in range(1, STEPS[name] + 1):
        g = torch.from_numpy(sign * grad(p.detach().numpy().copy(), t))
        p.grad = g.to_sparse() if name == "SparseAdam" else g
        opt.step()
        if t in RECORD:
            xs[t] = [repr(float(v)) for v in p.detach().numpy().ravel()]
    return xs


def newton_schulz_cases():
    rng = np.random.default_rng(7)
    cases = []
    for shape, scale in [((3, 4), 1.0), ((5, 3), 10.0), ((4, 4), 0.01), ((2, 6), 1e3)]:
        u = rng.standard_normal(shape) * scale
        out = _zeropower_via_newtonschulz(torch.from_numpy(u), (3.4445, -4.7750, 2.0315), 5, 1e-7)
        cases.append(
            {
                "u": [repr(float(v)) for v in u.ravel()],
                "shape": list(shape),
                "out": [repr(float(v)) for v in out.double().numpy().ravel()],
            }
        )
    return cases


def main():
    torch.set_num_threads(1)
    runs = []
    for name, kwargs, problems in CONFIGS:
        for prob in problems:
            x0, grad = PROBLEMS[prob]
            runs.append(
                {"optimizer": name, "kwargs": kwargs, "problem": prob,
                 "x": torch_run(name, kwargs, x0, grad)}
            )  # fmt: skip
    data = {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "ATEN_CPU_CAPABILITY": os.environ.get("ATEN_CPU_CAPABILITY", ""),
        "steps": STEPS,
        "record": RECORD,
        "problems": {
            "table": TABLE.tolist(),
            "E0": E0.tolist(),
            "curv": CURV.tolist(),
            "V0": V0.tolist(),
            "matrices": {
                k: {"X": X.tolist(), "Y": Y.tolist(), "W0": W0.tolist()}
                for k, (X, Y, W0) in MATRICES.items()
            },
        },
        "runs": runs,
        "newton_schulz": newton_schulz_cases(),
    }
    out = Path(__file__).with_name("race.json")
    out.write_text(json.dumps(data) + "\n")
    print(f"wrote {len(runs)} runs to {out.name}: torch {data['torch']}, {data['cpu_capability']}")


if __name__ == "__main__":
    main()
