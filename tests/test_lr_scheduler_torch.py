"""optimlab.lr_scheduler against torch.optim.lr_scheduler 2.13, recorded in
torch_golden/schedulers.json by torch_golden/make_schedulers.py (torch is not needed here).

Every configuration: the lr in effect at optimizer steps 1 … 300 (and the cycled momentum), by
``lrs``/``momenta`` and by stepping ``init``/``step`` by hand, at relative 1e-12; then the same
schedule over a sweep of base lrs equals the scalar runs bit for bit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import optimlab.lr_scheduler as L

HERE = Path(__file__).parent / "torch_golden"
GOLDEN = json.loads((HERE / "schedulers.json").read_text())
sys.path.insert(0, str(HERE))
from schedule_fns import FUNCTIONS  # noqa: E402

CONFIGS = {c["id"]: c for c in GOLDEN["configs"]}
RTOL = 1e-12


def build(spec):
    kwargs = {}
    for k, v in spec["kwargs"].items():
        if isinstance(v, dict) and "fn" in v:
            v = FUNCTIONS[v["fn"]]
        elif k == "schedulers":
            v = [build(s) for s in v]
        kwargs[k] = v
    return getattr(L, spec["name"])(**kwargs)


def assert_close(actual, expected, what):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, what
    err = np.abs(actual - expected)
    bad = err > RTOL * np.abs(expected)
    if bad.any():
        k = int(np.argmax(bad))
        raise AssertionError(
            f"{what}: first mismatch at optimizer step {k + 1}: {actual[k]!r} vs torch "
            f"{expected[k]!r} (relative {err[k] / abs(expected[k]):.3g})"
        )


def test_golden_covers_every_scheduler():
    names = {c["scheduler"]["name"] for c in GOLDEN["configs"]}
    assert names == set(L.__all__) - {"LRScheduler"}
    assert GOLDEN["torch"].startswith("2.13")
    assert all(len(c["lr"]) >= 300 for c in GOLDEN["configs"])


@pytest.mark.parametrize("cid", CONFIGS)
def test_lrs_match_torch(cid):
    c = CONFIGS[cid]
    sched = build(c["scheduler"])
    assert_close(sched.lrs(c["base_lr"], len(c["lr"]), c["losses"]), c["lr"], f"{cid} lr")
    if c["momentum"] is not None:
        assert sched.cycles_momentum
        assert_close(sched.momenta(len(c["lr"])), c["momentum"], f"{cid} momentum")
    else:
        assert sched.momentum(sched.init(c["base_lr"], 0.9)) is None


@pytest.mark.parametrize("cid", CONFIGS)
def test_step_by_step_matches_lrs(cid):
    """init/step by hand give the same numbers as lrs, and never change a state they were
    given."""
    c = CONFIGS[cid]
    sched = build(c["scheduler"])
    base_momentum = 0.9 if c["optimizer"] != "SGD0" else 0.0
    state = sched.init(c["base_lr"], base_momentum)
    lrs, moms = [], []
    for k in range(len(c["lr"])):
        lrs.append(sched.lr(state))
        moms.append(sched.momentum(state))
        before = repr(state)
        new = sched.step(state, c["losses"][k]) if sched.needs_loss else sched.step(state)
        assert repr(state) == before
        state = new
    assert np.array_equal(lrs, sched.lrs(c["base_lr"], len(c["lr"]), c["losses"]))
    if sched.cycles_momentum:
        assert_close(moms, c["momentum"], f"{cid} momentum")


SWEEP = np.array([0.0, 1e-4, 0.003, 0.05, 0.1, 0.7, 3.0])


@pytest.mark.parametrize("cid", CONFIGS)
def test_sweep_of_base_lrs_is_the_scalar_runs(cid):
    c = CONFIGS[cid]
    sched = build(c["scheduler"])
    steps = len(c["lr"])
    swept = sched.lrs(SWEEP, steps, c["losses"])
    assert swept.shape == (steps, len(SWEEP))
    for i, b in enumerate(SWEEP):
        assert np.array_equal(swept[:, i], sched.lrs(float(b), steps, c["losses"])), (cid, b)
    grid = SWEEP[:6].reshape(2, 3)
    assert sched.lrs(grid, 20, None if c["losses"] is None else c["losses"][:20]).shape == (
        20,
        2,
        3,
    )
