"""run(schedule=...): the optimizer follows an lr_scheduler step by step, as torch does."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import lr_scheduler as S

P = ol.quadratic(4.0)


@pytest.mark.parametrize(
    "sched",
    [
        S.StepLR(step_size=10, gamma=0.5),
        S.CosineAnnealingLR(T_max=40, eta_min=0.001),
        S.CosineAnnealingWarmRestarts(T_0=10, T_mult=2),
        S.SequentialLR(
            [S.LinearLR(start_factor=0.1, total_iters=5), S.CosineAnnealingLR(T_max=55)],
            milestones=[5],
        ),
    ],
    ids=["step", "cosine", "sgdr", "warmup-cosine"],
)
def test_the_run_uses_the_schedules_lr_at_every_step(sched):
    t = ol.run(ol.SGD(lr=0.05), P, 2.0, 60, schedule=sched)
    lrs = sched.lrs(0.05, 60)
    np.testing.assert_array_equal(t.lr[1:], lrs)
    x, state = np.float64(2.0), {"momentum_buffer": None}
    for k in range(60):  # stepping by hand with each step's lr
        x, state = ol.SGD(lr=float(lrs[k])).step(x, 8 * x, state)
        assert t.x[k + 1] == x


def test_momentum_cycling_drives_sgd_momentum_or_adam_beta1():
    c = S.OneCycleLR(max_lr=0.1, total_steps=50)
    t = ol.run(ol.SGD(lr=0.01, momentum=0.9), P, 2.0, 50, schedule=c)
    lrs, moms = c.lrs(0.01, 50), c.momenta(50, 0.9)
    x = 2.0
    state = {"momentum_buffer": None}
    for k in range(50):
        x, state = ol.SGD(lr=float(lrs[k]), momentum=float(moms[k])).step(
            np.float64(x), 8 * np.float64(x), state
        )
        assert t.x[k + 1] == x
    ta = ol.run(ol.Adam(lr=0.01), P, 2.0, 50, schedule=c)
    x, state = np.float64(2.0), ol.Adam().init(np.float64(2.0))
    for k in range(50):
        x, state = ol.Adam(lr=float(lrs[k]), betas=(float(moms[k]), 0.999)).step(x, 8 * x, state)
    assert ta.x[-1] == x


def test_an_optimizer_without_momentum_gets_torchs_message():
    with pytest.raises(
        ValueError, match="optimizer must support momentum or beta1 with `cycle_momentum`"
    ):
        ol.run(ol.Adagrad(lr=0.1), P, 2.0, 5, schedule=S.OneCycleLR(max_lr=0.1, total_steps=10))


def test_sweeps_over_base_lrs_and_schedule_parameters():
    lrs = np.array([0.01, 0.05])
    t = ol.run(ol.SGD(lr=lrs), P, 2.0, 30, schedule=S.ExponentialLR(gamma=0.9))
    for j, lr in enumerate(lrs):
        single = ol.run(ol.SGD(lr=lr), P, 2.0, 30, schedule=S.ExponentialLR(gamma=0.9))
        np.testing.assert_array_equal(t.x[:, j], single.x)
    swept = ol.run(
        ol.Adam(lr=0.1),
        P,
        2.0,
        30,
        schedule=S.OneCycleLR(max_lr=np.array([0.1, 0.5]), total_steps=40),
    )
    assert swept.x.shape == (31, 2)
    one = ol.run(ol.Adam(lr=0.1), P, 2.0, 30, schedule=S.OneCycleLR(max_lr=0.5, total_steps=40))
    np.testing.assert_array_equal(swept.x[:, 1], one.x)


def test_reduce_on_plateau_is_fed_the_runs_loss():
    p = ol.Problem(f=lambda x: np.abs(x) + 1.0, grad=np.sign)  # bounces around 0: no progress
    t = ol.run(ol.SGD(lr=0.3), p, 0.1, 40, schedule=S.ReduceLROnPlateau(patience=3, factor=0.5))
    losses = p.f(t.x[1:])
    np.testing.assert_array_equal(
        t.lr[1:], S.ReduceLROnPlateau(patience=3, factor=0.5).lrs(0.3, 40, losses=losses)
    )
    assert t.lr[-1] < 0.3


def test_eve_gets_the_loss_at_the_point_of_its_gradient():
    t = ol.run(ol.Eve(lr=0.1), P, 2.0, 20)
    opt = ol.Eve(lr=0.1)
    x, state = np.float64(2.0), opt.init(np.float64(2.0))
    for k in range(20):
        x, state = opt.step(x, 8 * x, state, loss=4 * x * x)
        assert t.x[k + 1] == x
    with pytest.raises(ValueError, match="Eve needs the problem itself"):
        ol.replay(ol.Eve(), np.ones(3))
