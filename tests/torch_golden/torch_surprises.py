"""Print the places where torch.optim.lr_scheduler 2.13 surprises (for notebook 07's closing
note and the lr_scheduler docstrings). Needs torch:

    ATEN_CPU_CAPABILITY=default python tests/torch_golden/torch_surprises.py
"""

import warnings

import torch
from torch.optim import lr_scheduler as L


def opt(lr=0.1, momentum=0.9, kind="SGD"):
    p = torch.zeros(1, requires_grad=True)
    p.grad = torch.zeros_like(p)
    if kind == "Adam":
        return torch.optim.Adam([p], lr=lr)
    return torch.optim.SGD([p], lr=lr, momentum=momentum)


def lrs(o, s, n, losses=None):
    out = []
    for k in range(n):
        out.append(o.param_groups[0]["lr"])
        o.step()
        s.step() if losses is None else s.step(losses[k])
    return out


def attempt(what, f):
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = f()
        extra = f"  (warned: {w[0].message!s:.70}...)" if w else ""
        print(f"{what}: {r!r}{extra}")
    except Exception as e:  # noqa: BLE001
        print(f"{what}: {type(e).__name__}: {e}")


o = opt(0.1)
s = L.ConstantLR(o)
print("ConstantLR(factor=1/3, 5) at base 0.1, lr after total_iters:", lrs(o, s, 7)[-1])

o = opt(0.1)
s = L.ConstantLR(o, 0.9, 3)
print("ConstantLR(factor=0.9, 3) at base 0.1, lr after total_iters:", lrs(o, s, 5)[-1])

o = opt(0.05)
s = L.LinearLR(o, 0.05, total_iters=40)
print(
    "LinearLR(0.05, total_iters=40) at base 0.05 (torch's docstring: 0.05), step 41:",
    lrs(o, s, 41)[-1],
)

o = opt(0.1)
s = L.LinearLR(o)
print("LinearLR() at base 0.1, lr at steps 1..7:", lrs(o, s, 7))

o = opt(0.1)
s = L.LinearLR(o, 0.3, 0.0, total_iters=3)
print("LinearLR(0.3 -> 0.0 over 3) at base 0.1, steps 1..5:", lrs(o, s, 5))

o = opt(0.1)
s = L.ExponentialLR(o, 0.99)
v = lrs(o, s, 300)
print("ExponentialLR(0.99): step 300", v[-1], "closed 0.1*0.99**299", 0.1 * 0.99**299)

o = opt(0.0)
s = L.CosineAnnealingLR(o, 10, eta_min=0.001)
print("CosineAnnealingLR(10, eta_min=0.001) at base 0.0: step 21", lrs(o, s, 21)[-1])

o = opt(0.1)
s = L.CosineAnnealingLR(o, 10)
print("CosineAnnealingLR(T_max=10), steps 1..22 (no restart, climbs back):", lrs(o, s, 22))

for strat in ("cos", "linear"):
    o = opt(0.1)
    s = L.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy=strat)
    v = lrs(o, s, 10)
    print(
        f"OneCycleLR({strat}, total_steps=10): steps 1..10 {v}; lr after the 10th step",
        o.param_groups[0]["lr"],
    )
    attempt("  an 11th scheduler.step()", lambda s=s: s.step())

o = opt(0.1)
print(
    "OneCycleLR ignores the optimizer's lr: lr 0.1 ->",
    L.OneCycleLR(o, 1.0, 10) and o.param_groups[0]["lr"],
)
o = opt(0.1)
L.CyclicLR(o, 0.01, 0.1)
print(
    "CyclicLR overwrites lr 0.1 ->",
    o.param_groups[0]["lr"],
    "and momentum 0.9 ->",
    o.param_groups[0]["momentum"],
)

o = opt()
attempt("StepLR(step_size=0), first step", lambda: lrs(o, L.StepLR(o, 0), 2))
o = opt()
attempt("ConstantLR(factor=0, total_iters=3), 5 steps", lambda: lrs(o, L.ConstantLR(o, 0.0, 3), 5))
o = opt()
attempt("LinearLR(total_iters=0), 4 steps", lambda: lrs(o, L.LinearLR(o, 0.5, total_iters=0), 4))
o = opt()
attempt("PolynomialLR(total_iters=0), 3 steps", lambda: lrs(o, L.PolynomialLR(o, 0), 3))
o = opt()
attempt("CosineAnnealingLR(T_max=0)", lambda: lrs(o, L.CosineAnnealingLR(o, 0), 3))
o = opt()
attempt(
    "OneCycleLR(total_steps=10, pct_start=0.1)", lambda: L.OneCycleLR(o, 0.1, 10, pct_start=0.1)
)
o = opt()
attempt(
    "OneCycleLR(total_steps=10, pct_start=1.0), 10 steps",
    lambda: lrs(o, L.OneCycleLR(o, 0.1, 10, pct_start=1.0), 10),
)
o = opt()
attempt("OneCycleLR(pct_start=0) (an int)", lambda: L.OneCycleLR(o, 0.1, 10, pct_start=0))
o = opt()
attempt(
    "CyclicLR(step_size_up=0, step_size_down=0)",
    lambda: L.CyclicLR(o, 0.01, 0.1, step_size_up=0, step_size_down=0),
)
o = opt()
attempt("CosineAnnealingWarmRestarts(T_0=True)", lambda: L.CosineAnnealingWarmRestarts(o, True).T_0)
o = opt()
attempt("OneCycleLR(total_steps=True)", lambda: L.OneCycleLR(o, 0.1, total_steps=True).total_steps)

o = opt(0.1)
a = L.ExponentialLR(o, 0.98)
b = L.MultiplicativeLR(o, lambda e: 0.95)
s = L.SequentialLR(o, [a, b], [50])
v = lrs(o, s, 53)
print("SequentialLR(ExponentialLR(0.98) -> MultiplicativeLR(0.95) at 50): steps 50..53", v[49:])

o = opt(0.1)
a = L.ExponentialLR(o, 0.95)
b = L.LinearLR(o, 0.5, total_iters=4)
c = L.ChainedScheduler([a, b], optimizer=o)
d = L.StepLR(o, 10)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    s = L.SequentialLR(o, [c, d], [30])
print(
    "SequentialLR with a ChainedScheduler first: warns at construction:",
    [str(x.message)[:60] for x in w],
    "; lr steps 1..3",
    lrs(o, s, 3),
)

neg = [-1.0, -0.99995, -0.9999, -0.99985, -0.9998, -0.99975]
o = opt(0.1)
s = L.ReduceLROnPlateau(o, patience=1)
print(
    "ReduceLROnPlateau(min, rel) on losses",
    neg,
    "-> lr",
    lrs(o, s, 6, neg),
    "best",
    s.best,
    "(rising losses count as improvements when negative)",
)
pos = [1.0, 1.00005, 1.0001, 1.00015, 1.0002, 1.00025]
o = opt(0.1)
s = L.ReduceLROnPlateau(o, patience=1)
print("same magnitudes, positive:", pos, "-> lr", lrs(o, s, 6, pos))

o = opt(0.1)
a = L.LinearLR(o, 0.5, total_iters=10)
b = L.OneCycleLR(o, 0.2, total_steps=290)
s = L.SequentialLR(o, [a, b], [10])
v = lrs(o, s, 12)
print(
    "SequentialLR(LinearLR(0.5, 10) -> OneCycleLR(0.2) at 10), base 0.1: steps 1, 10, 11, 12:",
    [v[0], v[9], v[10], v[11]],
    "(LinearLR warms up from OneCycleLR's max_lr/25, not 0.1)",
)
