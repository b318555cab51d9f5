"""Record torch.optim.lr_scheduler's learning rates (and cycled momenta) for optimlab's agreement
tests (schedulers.json beside this file).

Needs torch (not a dependency of optimlab):

    ATEN_CPU_CAPABILITY=default python tests/torch_golden/make_schedulers.py

Every configuration runs torch's documented loop for 300 steps on a one-parameter optimizer:
record ``param_groups[0]["lr"]`` (and ``momentum`` or ``betas[0]``), ``optimizer.step()``,
``scheduler.step()`` (``scheduler.step(loss)`` for ReduceLROnPlateau, with the recorded
losses). A scheduler is stored as {"name", "kwargs"}; a function argument as {"fn": name}, which
both sides look up in schedule_fns.py; SequentialLR and ChainedScheduler hold their schedulers'
specs, which are constructed on the optimizer in list order, as a user would.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
from torch.optim import lr_scheduler as L

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from schedule_fns import FUNCTIONS  # noqa: E402

STEPS = 300


def S(name, **kwargs):
    return {"name": name, "kwargs": kwargs}


def fn(name):
    return {"fn": name}


def plateau_losses():
    """A loss that falls, stalls, and wobbles: plateaus of several lengths, seeded noise."""
    rng = np.random.default_rng(7)
    k = np.arange(STEPS)
    trend = 1.0 / (1.0 + 0.02 * k) + 0.2 * (k // 60 % 2) * np.exp(-(k % 60) / 10)
    noise = 0.01 * rng.standard_normal(STEPS)
    plateau = np.where((k > 80) & (k < 140), 0.0, 1.0)
    loss = trend * plateau + (1 - plateau) * 0.55 + noise
    return [float(v) for v in loss]


LOSS = plateau_losses()
ACC = [float(1.0 - v / 2) for v in LOSS]  # rises with plateaus: for mode="max"
NEG = [float(v - 1.5) for v in LOSS]  # negative losses: the "rel" rule's sign quirk

# (id, scheduler spec, optimizer, base lr, losses)
CONFIGS = [
    ("LambdaLR/inv_sqrt", S("LambdaLR", lr_lambda=fn("inv_sqrt")), "SGD", 0.1, None),
    ("LambdaLR/pow095", S("LambdaLR", lr_lambda=fn("pow095")), "SGD", 0.1, None),
    ("LambdaLR/step30", S("LambdaLR", lr_lambda=fn("step30")), "SGD", 0.05, None),
    ("LambdaLR/warmup10", S("LambdaLR", lr_lambda=fn("warmup10")), "Adam", 0.003, None),
    (
        "MultiplicativeLR/const095",
        S("MultiplicativeLR", lr_lambda=fn("const095")),
        "SGD",
        0.1,
        None,
    ),
    ("MultiplicativeLR/zigzag", S("MultiplicativeLR", lr_lambda=fn("zigzag")), "SGD", 0.1, None),
    ("StepLR/30", S("StepLR", step_size=30), "SGD", 0.1, None),
    ("StepLR/7-0.5", S("StepLR", step_size=7, gamma=0.5), "SGD", 0.3, None),
    ("StepLR/1-0.97", S("StepLR", step_size=1, gamma=0.97), "SGD", 0.1, None),
    ("MultiStepLR/30-80", S("MultiStepLR", milestones=[30, 80]), "SGD", 0.05, None),
    (
        "MultiStepLR/repeated",
        S("MultiStepLR", milestones=[150, 30, 80, 80], gamma=0.5),
        "SGD",
        0.1,
        None,
    ),
    ("ConstantLR/default", S("ConstantLR"), "SGD", 0.1, None),
    ("ConstantLR/0.5-40", S("ConstantLR", factor=0.5, total_iters=40), "SGD", 0.05, None),
    ("ConstantLR/0.3-7", S("ConstantLR", factor=0.3, total_iters=7), "SGD", 0.7, None),
    (  # lr·0.9·(1/0.9) is not the base lr: 0.10000000000000002 after total_iters
        "ConstantLR/0.9-3",
        S("ConstantLR", factor=0.9, total_iters=3),
        "SGD",
        0.1,
        None,
    ),
    ("ConstantLR/1.0", S("ConstantLR", factor=1.0, total_iters=3), "SGD", 0.1, None),
    ("LinearLR/default", S("LinearLR"), "SGD", 0.1, None),
    ("LinearLR/warmup40", S("LinearLR", start_factor=0.05, total_iters=40), "SGD", 0.05, None),
    (
        "LinearLR/decay",
        S("LinearLR", start_factor=1.0, end_factor=0.1, total_iters=100),
        "SGD",
        0.1,
        None,
    ),
    (
        "LinearLR/to-zero",
        S("LinearLR", start_factor=0.5, end_factor=0.0, total_iters=250),
        "SGD",
        0.1,
        None,
    ),
    (  # torch's chained factor overshoots 0 by round-off: the lr ends at -2.2e-18
        "LinearLR/to-zero-3",
        S("LinearLR", start_factor=0.3, end_factor=0.0, total_iters=3),
        "SGD",
        0.1,
        None,
    ),
    ("LinearLR/1-step", S("LinearLR", start_factor=0.2, total_iters=1), "SGD", 0.1, None),
    ("ExponentialLR/0.99", S("ExponentialLR", gamma=0.99), "SGD", 0.1, None),
    ("ExponentialLR/0.9", S("ExponentialLR", gamma=0.9), "Adam", 0.01, None),
    ("PolynomialLR/default", S("PolynomialLR"), "SGD", 0.1, None),
    ("PolynomialLR/100-0.9", S("PolynomialLR", total_iters=100, power=0.9), "SGD", 0.05, None),
    ("PolynomialLR/250-2", S("PolynomialLR", total_iters=250, power=2.0), "SGD", 0.1, None),
    ("PolynomialLR/power0", S("PolynomialLR", total_iters=50, power=0.0), "SGD", 0.1, None),
    ("CosineAnnealingLR/100", S("CosineAnnealingLR", T_max=100), "SGD", 0.1, None),
    (
        "CosineAnnealingLR/100-eta",
        S("CosineAnnealingLR", T_max=100, eta_min=0.001),
        "SGD",
        0.1,
        None,
    ),
    ("CosineAnnealingLR/37-eta", S("CosineAnnealingLR", T_max=37, eta_min=0.01), "SGD", 0.05, None),
    ("CosineAnnealingLR/1", S("CosineAnnealingLR", T_max=1), "SGD", 0.1, None),
    ("CosineAnnealingLR/300", S("CosineAnnealingLR", T_max=300), "Adam", 0.001, None),
    ("CosineAnnealingLR/10.5", S("CosineAnnealingLR", T_max=10.5, eta_min=0.002), "SGD", 0.1, None),
    (  # eta_min above a base lr of 0: the recursion comes back to 0 as -3.7e-18
        "CosineAnnealingLR/eta-above-base",
        S("CosineAnnealingLR", T_max=10, eta_min=0.001),
        "SGD",
        0.0,
        None,
    ),
    ("CosineAnnealingWarmRestarts/10", S("CosineAnnealingWarmRestarts", T_0=10), "SGD", 0.1, None),
    (
        "CosineAnnealingWarmRestarts/10x2",
        S("CosineAnnealingWarmRestarts", T_0=10, T_mult=2),
        "SGD",
        0.1,
        None,
    ),
    (
        "CosineAnnealingWarmRestarts/5x3-eta",
        S("CosineAnnealingWarmRestarts", T_0=5, T_mult=3, eta_min=0.001),
        "SGD",
        0.05,
        None,
    ),
    ("CosineAnnealingWarmRestarts/1", S("CosineAnnealingWarmRestarts", T_0=1), "SGD", 0.1, None),
    (
        "CyclicLR/triangular",
        S("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=20),
        "SGD",
        0.1,
        None,
    ),
    ("CyclicLR/triangular-default", S("CyclicLR", base_lr=0.001, max_lr=0.006), "SGD", 0.1, None),
    (
        "CyclicLR/triangular2",
        S(
            "CyclicLR",
            base_lr=0.01,
            max_lr=0.1,
            step_size_up=15,
            step_size_down=25,
            mode="triangular2",
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "CyclicLR/exp_range",
        S("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=20, mode="exp_range", gamma=0.99),
        "SGD",
        0.1,
        None,
    ),
    (
        "CyclicLR/scale_fn-cycle",
        S("CyclicLR", base_lr=0.02, max_lr=0.2, step_size_up=12, scale_fn=fn("half_cycle")),
        "SGD",
        0.1,
        None,
    ),
    (
        "CyclicLR/scale_fn-iterations",
        S(
            "CyclicLR",
            base_lr=0.02,
            max_lr=0.2,
            step_size_up=12,
            scale_fn=fn("iter_decay"),
            scale_mode="iterations",
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "CyclicLR/no-momentum",
        S("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=25, cycle_momentum=False),
        "SGD0",
        0.1,
        None,
    ),
    (
        "CyclicLR/adam",
        S("CyclicLR", base_lr=0.001, max_lr=0.01, step_size_up=30, step_size_down=10),
        "Adam",
        0.001,
        None,
    ),
    (
        "CyclicLR/momentum-range",
        S(
            "CyclicLR",
            base_lr=0.01,
            max_lr=0.1,
            step_size_up=20,
            mode="triangular2",
            base_momentum=0.85,
            max_momentum=0.95,
        ),
        "SGD",
        0.1,
        None,
    ),
    ("OneCycleLR/default", S("OneCycleLR", max_lr=0.1, total_steps=300), "SGD", 0.1, None),
    (
        "OneCycleLR/linear",
        S("OneCycleLR", max_lr=0.1, total_steps=300, anneal_strategy="linear"),
        "SGD",
        0.1,
        None,
    ),
    (
        "OneCycleLR/three_phase",
        S("OneCycleLR", max_lr=0.1, total_steps=300, three_phase=True),
        "SGD",
        0.1,
        None,
    ),
    (
        "OneCycleLR/three_phase-linear",
        S("OneCycleLR", max_lr=0.1, total_steps=300, three_phase=True, anneal_strategy="linear"),
        "SGD",
        0.1,
        None,
    ),
    ("OneCycleLR/adam", S("OneCycleLR", max_lr=0.01, total_steps=320), "Adam", 0.001, None),
    (
        "OneCycleLR/epochs",
        S(
            "OneCycleLR",
            max_lr=0.05,
            epochs=30,
            steps_per_epoch=10,
            pct_start=0.25,
            div_factor=10.0,
            final_div_factor=100.0,
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "OneCycleLR/no-momentum",
        S("OneCycleLR", max_lr=0.1, total_steps=400, cycle_momentum=False),
        "SGD0",
        0.1,
        None,
    ),
    (
        "OneCycleLR/momentum-range",
        S(
            "OneCycleLR",
            max_lr=0.1,
            total_steps=300,
            base_momentum=0.8,
            max_momentum=0.9,
            pct_start=0.1,
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/linear-cosine",
        S(
            "SequentialLR",
            schedulers=[
                S("LinearLR", start_factor=0.1, total_iters=10),
                S("CosineAnnealingLR", T_max=290),
            ],
            milestones=[10],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/linear-cosine-adam",
        S(
            "SequentialLR",
            schedulers=[
                S("LinearLR", total_iters=20),
                S("CosineAnnealingLR", T_max=100, eta_min=1e-4),
            ],
            milestones=[20],
        ),
        "Adam",
        0.003,
        None,
    ),
    (
        "SequentialLR/constant-exponential",
        S(
            "SequentialLR",
            schedulers=[
                S("ConstantLR", factor=0.1, total_iters=20),
                S("ExponentialLR", gamma=0.99),
            ],
            milestones=[20],
        ),
        "SGD",
        0.05,
        None,
    ),
    (
        "SequentialLR/three",
        S(
            "SequentialLR",
            schedulers=[
                S("LinearLR", start_factor=0.25, total_iters=8),
                S("ConstantLR", factor=0.5, total_iters=30),
                S("StepLR", step_size=40, gamma=0.3),
            ],
            milestones=[8, 100],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/linear-restarts",
        S(
            "SequentialLR",
            schedulers=[
                S("LinearLR", start_factor=0.1, total_iters=5),
                S("CosineAnnealingWarmRestarts", T_0=20, T_mult=2),
            ],
            milestones=[5],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/exponential-multiplicative",
        S(
            "SequentialLR",
            schedulers=[
                S("ExponentialLR", gamma=0.98),
                S("MultiplicativeLR", lr_lambda=fn("const095")),
            ],
            milestones=[50],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/lambda-polynomial",
        S(
            "SequentialLR",
            schedulers=[
                S("LambdaLR", lr_lambda=fn("warmup10")),
                S("PolynomialLR", total_iters=200, power=2.0),
            ],
            milestones=[10],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/exponential-cyclic",
        S(
            "SequentialLR",
            schedulers=[
                S("ExponentialLR", gamma=0.97),
                S("CyclicLR", base_lr=0.01, max_lr=0.05, step_size_up=10),
            ],
            milestones=[40],
        ),
        "SGD",
        0.1,
        None,
    ),
    (  # OneCycleLR's construction overwrites initial_lr, which SequentialLR resets the lr to
        "SequentialLR/linear-onecycle",
        S(
            "SequentialLR",
            schedulers=[
                S("LinearLR", start_factor=0.5, total_iters=10),
                S("OneCycleLR", max_lr=0.2, total_steps=290),
            ],
            milestones=[10],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/multistep-cosine",
        S(
            "SequentialLR",
            schedulers=[
                S("MultiStepLR", milestones=[5, 10], gamma=0.5),
                S("CosineAnnealingLR", T_max=50),
            ],
            milestones=[20],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "SequentialLR/chained-first",
        S(
            "SequentialLR",
            schedulers=[
                S(
                    "ChainedScheduler",
                    schedulers=[
                        S("ExponentialLR", gamma=0.95),
                        S("LinearLR", start_factor=0.5, total_iters=4),
                    ],
                ),
                S("StepLR", step_size=10),
            ],
            milestones=[30],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "ChainedScheduler/constant-exponential",
        S(
            "ChainedScheduler",
            schedulers=[
                S("ConstantLR", factor=0.1, total_iters=20),
                S("ExponentialLR", gamma=0.99),
            ],
        ),
        "SGD",
        0.05,
        None,
    ),
    (
        "ChainedScheduler/linear-cosine",
        S(
            "ChainedScheduler",
            schedulers=[
                S("LinearLR", start_factor=0.1, total_iters=10),
                S("CosineAnnealingLR", T_max=300),
            ],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "ChainedScheduler/step-multiplicative",
        S(
            "ChainedScheduler",
            schedulers=[
                S("StepLR", step_size=25, gamma=0.5),
                S("MultiplicativeLR", lr_lambda=fn("zigzag")),
            ],
        ),
        "SGD",
        0.1,
        None,
    ),
    (
        "ChainedScheduler/sequential-inside",
        S(
            "ChainedScheduler",
            schedulers=[
                S(
                    "SequentialLR",
                    schedulers=[S("LinearLR", total_iters=10), S("ExponentialLR", gamma=0.99)],
                    milestones=[10],
                ),
                S("StepLR", step_size=50, gamma=0.5),
            ],
        ),
        "SGD",
        0.1,
        None,
    ),
    ("ReduceLROnPlateau/default", S("ReduceLROnPlateau"), "SGD", 0.1, LOSS),
    (
        "ReduceLROnPlateau/patience5",
        S("ReduceLROnPlateau", patience=5, factor=0.5),
        "SGD",
        0.1,
        LOSS,
    ),
    (
        "ReduceLROnPlateau/abs-cooldown",
        S(
            "ReduceLROnPlateau",
            patience=3,
            threshold=0.01,
            threshold_mode="abs",
            cooldown=3,
            factor=0.5,
        ),
        "SGD",
        0.1,
        LOSS,
    ),
    (
        "ReduceLROnPlateau/max-rel",
        S("ReduceLROnPlateau", mode="max", patience=4, factor=0.5),
        "SGD",
        0.1,
        ACC,
    ),
    (
        "ReduceLROnPlateau/max-abs-cooldown",
        S(
            "ReduceLROnPlateau",
            mode="max",
            threshold_mode="abs",
            threshold=0.005,
            patience=2,
            cooldown=5,
            factor=0.7,
        ),
        "SGD",
        0.1,
        ACC,
    ),
    (
        "ReduceLROnPlateau/min_lr",
        S("ReduceLROnPlateau", patience=2, factor=0.5, min_lr=0.01),
        "SGD",
        0.1,
        LOSS,
    ),
    (
        "ReduceLROnPlateau/patience0",
        S("ReduceLROnPlateau", patience=0, factor=0.9),
        "SGD",
        0.1,
        LOSS,
    ),
    (
        "ReduceLROnPlateau/eps",
        S("ReduceLROnPlateau", patience=1, factor=0.5, eps=0.01),
        "SGD",
        0.1,
        LOSS,
    ),
    (
        "ReduceLROnPlateau/negative-loss",
        S("ReduceLROnPlateau", patience=3, factor=0.5, threshold=0.01),
        "SGD",
        0.1,
        NEG,
    ),
]


def build(spec, opt):
    kwargs = {}
    for k, v in spec["kwargs"].items():
        if isinstance(v, dict) and "fn" in v:
            v = FUNCTIONS[v["fn"]]
        elif k == "schedulers":
            v = [build(s, opt) for s in v]
        kwargs[k] = v
    cls = getattr(L, spec["name"])
    if spec["name"] == "ChainedScheduler":
        return cls(kwargs.pop("schedulers"), optimizer=opt, **kwargs)
    return cls(opt, **kwargs)


def make_optimizer(kind, lr):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    p.grad = torch.zeros_like(p)
    if kind == "SGD":
        return torch.optim.SGD([p], lr=lr, momentum=0.9)
    if kind == "SGD0":
        return torch.optim.SGD([p], lr=lr)
    return torch.optim.Adam([p], lr=lr)


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group.get("momentum")


def record(spec, kind, base_lr, losses):
    opt = make_optimizer(kind, base_lr)
    sched = build(spec, opt)
    lrs, moms = [], []
    for k in range(STEPS):
        group = opt.param_groups[0]
        lrs.append(float(group["lr"]))
        moms.append(float(momentum_of(group)))
        opt.step()
        if losses is None:
            sched.step()
        else:
            sched.step(losses[k])
    for v in lrs:
        assert math.isfinite(v)
    return lrs, moms


def main():
    torch.set_default_dtype(torch.float64)
    out = {"torch": torch.__version__, "steps": STEPS, "configs": []}
    for cid, spec, kind, base_lr, losses in CONFIGS:
        lrs, moms = record(spec, kind, base_lr, losses)
        cycles = spec["name"] in ("CyclicLR", "OneCycleLR") and spec["kwargs"].get(
            "cycle_momentum", True
        )
        inner = spec["kwargs"].get("schedulers", [])
        cycles = cycles or any(
            s["name"] in ("CyclicLR", "OneCycleLR") and s["kwargs"].get("cycle_momentum", True)
            for s in inner
        )
        out["configs"].append(
            {
                "id": cid,
                "scheduler": spec,
                "optimizer": kind,
                "base_lr": base_lr,
                "losses": losses,
                "lr": lrs,
                "momentum": moms if cycles else None,
            }
        )
    path = HERE / "schedulers.json"
    path.write_text(json.dumps(out, indent=0) + "\n")
    print(f"wrote {len(out['configs'])} configurations x {STEPS} steps to {path}")


if __name__ == "__main__":
    main()
