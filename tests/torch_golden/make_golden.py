"""Record torch.optim trajectories for optimlab's agreement tests (golden.json beside this file).

Needs torch (not a dependency of optimlab). Run it where torch is installed, with the plain
(non-FMA) CPU kernels, whose arithmetic is what NumPy computes:

    ATEN_CPU_CAPABILITY=default python tests/torch_golden/make_golden.py

Each configuration runs 200 steps on each problem; both sides see the same gradient, computed
by the same NumPy function from the current parameter (as in the reference page's check.py).
Written: torch's version, the problems' definitions and x at the recorded steps, as repr floats.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch

STEPS = 200
RECORD = [1, 2, 3, 5, 10, 20, 50, 100, 150, 200]

ROT = np.array([[np.cos(np.pi / 6), -np.sin(np.pi / 6)], [np.sin(np.pi / 6), np.cos(np.pi / 6)]])
H_MILD = ROT @ np.diag([1.0, 4.0]) @ ROT.T  # eigenvalues 1 and 4

# name -> (x0, gradient as a NumPy function); the tests define the same problems
PROBLEMS = {
    "quad1d": ([2.0], lambda x: 8 * x),
    "mild2d": ([1.0, -1.5], lambda x: H_MILD @ x),
    "rosen": (
        [-1.2, 1.0],
        lambda x: np.array(
            [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)]
        ),
    ),
}

CONFIGS = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.63}),
    ("SGD", {"lr": 0.01, "momentum": 0.63, "dampening": 0.3}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.63, "nesterov": True, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.01, "momentum": 0.63, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.1, "weight_decay": 0.01, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.1, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.63}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.3, "centered": True}),
    ("RMSprop", {"lr": 0.01, "eps": 1e-3, "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.5), "amsgrad": True}),
    ("Adam", {"lr": 0.05, "betas": (0.0, 0.999)}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.05, "maximize": True, "eps": 1e-3}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.01}),
    ("Adamax", {"lr": 0.05, "betas": (0.3, 0.8), "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.01}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.05, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.05, "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.9, 0.9)}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.01}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.05, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.05, "maximize": True}),
    ("Adadelta", {"lr": 1.0}),
    ("Adadelta", {"lr": 1.0, "rho": 0.5, "eps": 1e-4}),
    ("Adadelta", {"lr": 1.0, "weight_decay": 0.01, "maximize": True}),
    ("ASGD", {"lr": 0.01}),
    ("ASGD", {"lr": 0.01, "t0": 20, "lambd": 1e-3, "alpha": 0.6}),
    ("ASGD", {"lr": 0.01, "weight_decay": 0.01, "t0": 50, "maximize": True}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.01, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.5)}),
    ("Rprop", {"lr": 0.01, "maximize": True}),
]


def torch_run(name, kwargs, x0, grad):
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([p], foreach=False, **kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0  # maximize climbs -f: its gradient is -grad
    out = {}
    for k in range(1, STEPS + 1):
        p.grad = torch.from_numpy(sign * grad(p.detach().numpy().copy()))
        opt.step()
        if k in RECORD:
            out[k] = [repr(float(v)) for v in p.detach().numpy()]
    return out


def main():
    torch.set_num_threads(1)
    runs = []
    skipped = []
    for name, kwargs in CONFIGS:
        for prob, (x0, grad) in PROBLEMS.items():
            with np.errstate(all="ignore"):
                x = torch_run(name, kwargs, x0, grad)
            if not np.isfinite(np.array(list(x.values()), dtype=float)).all():
                skipped.append(f"{name}({kwargs}) on {prob}")  # overflowed: nothing to compare
                continue
            runs.append({"optimizer": name, "kwargs": kwargs, "problem": prob, "x": x})
    data = {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "ATEN_CPU_CAPABILITY": os.environ.get("ATEN_CPU_CAPABILITY", ""),
        "steps": STEPS,
        "record": RECORD,
        "runs": runs,
    }
    out = Path(__file__).with_name("golden.json")
    out.write_text(json.dumps(data, indent=0) + "\n")
    print(f"wrote {len(runs)} runs to {out.name}: torch {data['torch']}, {data['cpu_capability']}")
    print("left out, overflowed in torch:", *skipped, sep="\n  ")


if __name__ == "__main__":
    main()
