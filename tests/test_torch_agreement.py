"""optimlab's optimizers against torch.optim 2.13, recorded in torch_golden/golden.json.

torch is not needed here: tests/torch_golden/make_golden.py recorded its trajectories (plain CPU
kernels, so that torch rounds as NumPy does) for every option of every optimizer on three
problems, 200 steps each. The spec is agreement to round-off: relative differences at most 1e-9
(with 1e-12 absolute for coordinates that have converged to about zero).
"""

import json
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol

GOLDEN = json.loads((Path(__file__).parent / "torch_golden" / "golden.json").read_text())

ROT = np.array([[np.cos(np.pi / 6), -np.sin(np.pi / 6)], [np.sin(np.pi / 6), np.cos(np.pi / 6)]])
H_MILD = ROT @ np.diag([1.0, 4.0]) @ ROT.T


def rosen_grad(x):
    return np.stack(
        [
            -2 * (1 - x[..., 0]) - 400 * x[..., 0] * (x[..., 1] - x[..., 0] ** 2),
            200 * (x[..., 1] - x[..., 0] ** 2),
        ],
        axis=-1,
    )


PROBLEMS = {  # the same problems, x0 and gradients as make_golden.py
    "quad1d": ([2.0], lambda x: 8 * x),
    "mild2d": ([1.0, -1.5], lambda x: x @ H_MILD.T),
    "rosen": ([-1.2, 1.0], rosen_grad),
}


def ours(run):
    x0, grad = PROBLEMS[run["problem"]]
    sign = -1.0 if run["kwargs"].get("maximize") else 1.0  # maximize climbs -f
    problem = ol.Problem(f=lambda x: np.zeros(x.shape[:-1]), grad=lambda x: sign * grad(x))
    opt = getattr(ol, run["optimizer"])(**run["kwargs"])
    return ol.run(opt, problem, x0=x0, steps=GOLDEN["steps"], keep=("x",)).x


def run_id(run):
    args = ", ".join(f"{k}={v}" for k, v in run["kwargs"].items())
    return f"{run['optimizer']}({args})-{run['problem']}"


def test_golden_covers_every_optimizer_on_every_problem():
    names = {r["optimizer"] for r in GOLDEN["runs"]}
    assert names == {
        "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax",
        "NAdam", "RAdam", "Adadelta", "ASGD", "Rprop",
    }  # fmt: skip
    assert GOLDEN["torch"].startswith("2.13") and GOLDEN["cpu_capability"] == "DEFAULT"
    assert {r["problem"] for r in GOLDEN["runs"]} == set(PROBLEMS)


@pytest.mark.parametrize("run", GOLDEN["runs"], ids=run_id)
def test_agrees_with_torch_to_round_off(run):
    x = ours(run)
    steps = sorted(int(k) for k in run["x"])
    expected = np.array([[float(v) for v in run["x"][str(k)]] for k in steps])
    np.testing.assert_allclose(x[steps], expected, rtol=1e-9, atol=1e-12)
