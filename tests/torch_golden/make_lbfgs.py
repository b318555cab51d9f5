"""Record torch.optim.LBFGS trajectories for optimlab's agreement tests (lbfgs.json beside this
file).

Needs torch (not a dependency of optimlab). Run it where torch is installed, from anywhere, with
the plain (non-FMA) CPU kernels, whose arithmetic is what NumPy computes:

    ATEN_CPU_CAPABILITY=default python tests/torch_golden/make_lbfgs.py

The problems are optimlab's own (``optimlab.problems``, NumPy only, imported from this
checkout): torch's closure and optimlab's evaluate the same NumPy functions at the same points,
so both sides see identical losses and gradients. Each configuration makes ``calls``
``step(closure)`` calls on each problem (float64 parameters, one thread); recorded after every
call: x (repr floats), the loss that ``step`` returned, ``func_evals`` and ``n_iter``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from optimlab import problems  # noqa: E402  (NumPy only)

# name -> (problem, x0); the tests build the same ones
PROBLEMS = {
    "quad1d": (problems.quadratic(4.0), [2.0]),  # 4x², a 1-element parameter
    "quad2d": (problems.rotated_quadratic(kappa=4.0, angle=30.0), [1.0, -1.5]),
    "illcond": (problems.rotated_quadratic(kappa=100.0, angle=30.0), [1.0, 1.0]),
    "rosen": (problems.rosenbrock(), [-1.2, 1.0]),
}

# (kwargs, step() calls)
CONFIGS = [
    ({"max_iter": 1}, 200),  # each call one quasi-Newton iteration, no line search
    ({}, 25),  # torch's defaults: up to 20 iterations per call
    ({"history_size": 3, "lr": 0.5}, 30),
    ({"lr": 0.1, "max_iter": 4, "history_size": 5}, 60),
    ({"max_iter": 7, "max_eval": 4, "tolerance_change": 1e-6}, 40),
    ({"lr": 0.0, "max_iter": 3}, 20),  # does not move; the evaluations still count
    ({"line_search_fn": "strong_wolfe"}, 25),
    ({"line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 5}, 40),
    ({"line_search_fn": "strong_wolfe", "max_iter": 1}, 200),  # max_eval 1: no bracketing
    ({"line_search_fn": "strong_wolfe", "max_iter": 3, "max_eval": 30, "lr": 2.0}, 40),
    ({"line_search_fn": "strong_wolfe", "lr": 0.3, "tolerance_grad": 1e-5}, 25),
]


def torch_run(kwargs, problem, x0, calls):
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([p], **kwargs)

    def closure():
        x = p.detach().numpy().copy()
        p.grad = torch.from_numpy(np.array(problem.grad(x), dtype=float))
        return torch.tensor(float(np.asarray(problem.f(x)).reshape(-1)[0]), dtype=torch.float64)

    out = {"x": [], "loss": [], "func_evals": [], "n_iter": []}
    for _ in range(calls):
        loss = opt.step(closure)
        out["x"].append([repr(float(v)) for v in p.detach().numpy()])
        out["loss"].append(repr(float(loss)))
        out["func_evals"].append(int(opt.state[p]["func_evals"]))
        out["n_iter"].append(int(opt.state[p]["n_iter"]))
    return out


def main():
    torch.set_num_threads(1)
    runs = []
    for kwargs, calls in CONFIGS:
        for name, (problem, x0) in PROBLEMS.items():
            with np.errstate(all="ignore"):
                rec = torch_run(kwargs, problem, x0, calls)
            finite = np.isfinite(np.array(rec["x"], dtype=float)).all()
            runs.append({"kwargs": kwargs, "problem": name, "x0": x0, "finite": bool(finite)} | rec)
    data = {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "ATEN_CPU_CAPABILITY": os.environ.get("ATEN_CPU_CAPABILITY", ""),
        "runs": runs,
    }
    out = Path(__file__).with_name("lbfgs.json")
    head = json.dumps({k: v for k, v in data.items() if k != "runs"})[:-1]
    lines = ",\n".join(json.dumps(r) for r in runs)  # one run per line
    out.write_text(f'{head}, "runs": [\n{lines}\n]}}\n')
    print(f"wrote {len(runs)} runs to {out.name}: torch {data['torch']}, {data['cpu_capability']}")
    for r in runs:
        print(
            f"  {r['problem']:8s} {r['kwargs']}: {len(r['x'])} calls, func_evals "
            f"{r['func_evals'][-1]}, n_iter {r['n_iter'][-1]}, x {r['x'][-1]}"
        )


if __name__ == "__main__":
    main()
