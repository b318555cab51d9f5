"""Notebook 07's numerics (optimlab.schedules, theory.radam_*), and the scheduled run's fast
paths (replace's signature looked up once, the scheduled optimizer reused while its values
stay): the same numbers as before."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol
from optimlab import lr_scheduler as L
from optimlab import schedules as S
from optimlab import theory as T

# -- RAdam's rho_t and r_t --------------------------------------------------------------------


def test_radam_rho_is_what_radam_computes():
    t = np.arange(1, 2001)
    rho = T.radam_rho(t)
    beta2 = 0.999
    rho_inf = 2 / (1 - beta2) - 1
    assert T.radam_rho(1) == pytest.approx(1.0, abs=1e-9)
    assert np.all(np.diff(rho) > 0) and rho[-1] < rho_inf
    assert [T.radam_rho(k) > 5 for k in (5, 6)] == [False, True]  # steps 1-5 are plain
    # RAdam's own steps: plain momentum (lr·m̂) while rho <= 5, then r_t·Adam's step
    opt = ol.RAdam(lr=0.1)
    x, state = np.array([0.0]), opt.init(np.array([0.0]))
    g = np.array([1.0])
    moves = []
    for _ in range(8):
        x_new, state = opt.step(x, g, state)
        moves.append(float((x - x_new)[0]))
        x = x_new
    r = T.radam_rectification(np.arange(1, 9))
    assert moves[:5] == pytest.approx([0.1] * 5)  # m̂ = 1: lr·m̂
    assert moves[5:] == pytest.approx(0.1 * r[5:], rel=1e-6)  # v̂ = 1: lr·r_t


def test_radam_rectification_warms_up_over_about_two_thousand_steps():
    r = T.radam_rectification(np.arange(1, 5001))
    assert np.all(r[:5] == 0) and 0 < r[5] < 0.03
    assert int(np.argmax(r >= 0.5)) + 1 == 556
    assert int(np.argmax(r >= 0.9)) + 1 == 2737
    assert np.all(np.diff(r[5:]) > 0) and r[-1] < 1
    assert T.radam_rectification(6, beta2=0.9) == pytest.approx(
        math.sqrt(
            (T.radam_rho(6, 0.9) - 4)
            * (T.radam_rho(6, 0.9) - 2)
            * 19
            / (15 * 17 * T.radam_rho(6, 0.9))
        )
    )


@pytest.mark.parametrize("t", [0, -1, 0.5, np.nan])
def test_radam_rho_checks_t(t):
    with pytest.raises(ValueError, match="t must be a step number >= 1"):
        T.radam_rho(t)


def test_radam_rho_checks_beta2():
    with pytest.raises(ValueError, match="beta2"):
        T.radam_rho(3, beta2=1.0)


# -- the range test ----------------------------------------------------------------------------


def test_range_test_grows_the_lr_exponentially_and_reads_a_range():
    r = S.range_test()
    assert r.lrs[0] == pytest.approx(1e-4) and r.lrs[-1] == pytest.approx(10.0)
    ratios = r.lrs[1:] / r.lrs[:-1]
    assert np.allclose(ratios, ratios[0])  # one factor per step
    assert r.lrs[0] < r.base_lr < r.max_lr < 2.0  # SGD diverges past lr = 1 (curvature 2)
    assert 0 < r.stop < len(r.lrs)  # cut where it blows up
    assert r.smoothed[r.lrs.tolist().index(r.max_lr)] == np.min(r.smoothed[: r.stop])


def test_lr_sweep_is_the_vectorised_alternative():
    s = S.lr_sweep(n=9, steps=20)
    assert s.lrs.shape == (9,) and s.kind == "sweep"
    for i in (0, 4, 8):  # each column is the single constant-lr run
        t = ol.run(ol.SGD(lr=s.lrs[i]), S.FIT, S.FIT_X0, 20, batch_size=S.BATCH, seed=0)
        assert s.losses[i] == pytest.approx(t.loss[-1] - S.FIT_MIN, rel=1e-9)
    assert s.base_lr < s.max_lr


def test_suggest_range_reads_the_start_of_the_fall_and_the_lowest_point():
    lrs = np.geomspace(1e-3, 1, 7)
    losses = np.array([100.0, 99.0, 80.0, 20.0, 5.0, 15.0, np.inf])  # 15 < 4·5: kept
    base, top, stop = S.suggest_range(lrs, losses)
    assert (base, top, stop) == (lrs[2], lrs[4], 6)
    with pytest.raises(ValueError, match="1-D of one length"):
        S.suggest_range(lrs, losses[:3])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lr_min": 0.0}, "lr_min must be a finite number > 0"),
        ({"lr_min": 1.0, "lr_max": 0.5}, "lr_max must be above lr_min"),
        ({"steps": 1}, "steps must be an integer >= 2"),
    ],
)
def test_range_test_checks(kwargs, message):
    with pytest.raises(ValueError, match=message):
        S.range_test(**kwargs)


# -- why anneal, warm-up, cyclical ------------------------------------------------------------


def test_every_annealing_schedule_shrinks_the_noise_ball():
    a = S.anneal(seeds=np.arange(6))  # notebook 06's setting: lr 0.1, 3000 steps, batch 1
    assert list(a.final) == ["constant", "step", "exponential", "cosine", "1/t"]
    for name in ("step", "exponential", "cosine", "1/t"):
        assert a.final[name] < a.final["constant"] / 20, name
        assert a.lrs[name][0] == a.lr and a.lrs[name][-1] < a.lr / 5
    assert np.all(a.lrs["constant"] == a.lr)
    assert a.losses["cosine"].shape == (3001, 6)
    # the exponential decay (0.98 per step) is spent after a few hundred steps: it stalls
    # short of the others, as notebook 06's e^(-0.1 t)
    assert a.final["exponential"] > 5 * max(a.final[n] for n in ("step", "cosine", "1/t"))
    exp = a.losses["exponential"].mean(axis=1)
    assert abs(exp[1000] / exp[-1] - 1) < 0.05


def test_warmup_keeps_adams_first_steps_short_and_radam_has_it_built_in():
    w = S.warmup(steps=60, warmup_steps=20, seeds=np.arange(8))
    adam, warm, radam = w.moves["Adam"], w.moves["Adam + warm-up → cosine"], w.moves["RAdam"]
    # Adam's first step is lr in each coordinate, whatever the (pure noise) gradient
    assert np.allclose(adam[0], w.lr * math.sqrt(2), rtol=1e-6)
    assert warm[:10].mean() < adam[:10].mean() / 5
    assert radam[:10].mean() < adam[:10].mean() / 1.5
    assert w.factor[0] == pytest.approx(0.01) and w.factor[19] < 1 and w.factor[20] == 1.0
    assert np.all(w.rectification[:5] == 0)


def test_cyclic_momentum_cycles_against_the_lr():
    c = S.cyclic(0.001, 0.01, step_size_up=20, steps=80)
    assert c.lrs.max() == pytest.approx(0.01) and c.lrs.min() == pytest.approx(0.001)
    assert np.argmax(c.lrs) == np.argmin(c.momenta) == 20
    assert c.momenta.max() == pytest.approx(0.9) and c.momenta.min() == pytest.approx(0.8)


def test_sgdr_restarts():
    assert S.sgdr_restarts(10, 2) == [11, 31, 71, 151]
    assert S.sgdr_restarts(10, 1, 50) == [11, 21, 31, 41]


def test_one_cycle_beats_its_constant_peak():
    o = S.one_cycle(0.0093)
    assert o.final < o.final_constant / 5
    assert o.momenta[0] == pytest.approx(0.95)


# -- the explorer's fast path is run's arithmetic ------------------------------------------------


@pytest.mark.parametrize(
    "sched, momentum",
    [
        (None, 0.0),
        (None, 0.9),
        (L.StepLR(100), 0.0),
        (L.CosineAnnealingLR(120), 0.9),
        (L.CyclicLR(0.001, 0.01, step_size_up=30), 0.9),
        (L.OneCycleLR(0.01, total_steps=120), 0.9),
    ],
)
def test_sgd_on_fit_is_run_to_round_off(sched, momentum):
    lr, steps, seeds = 0.01, 120, np.arange(5)
    t = ol.run(
        ol.SGD(lr=lr, momentum=momentum), S.FIT, S.FIT_X0, steps, batch_size=S.BATCH,
        seed=seeds, schedule=sched,
    )  # fmt: skip
    lrs = np.full(steps, lr) if sched is None else sched.lrs(lr, steps)
    momenta = sched.momenta(steps, momentum) if sched and sched.cycles_momentum else None
    fast = S.sgd_on_fit(lrs, momenta, momentum, seeds)
    assert np.allclose(fast + S.FIT_MIN, t.loss, rtol=1e-12, atol=0)


def test_scheduled_runs_the_constant_lr_alongside_and_caches_it():
    S._CONSTANT_CACHE.clear()
    sched = L.CyclicLR(0.001, 0.0123, step_size_up=25)
    fresh = S.scheduled("c", sched, 0.0123, 100, seeds=np.arange(4))  # side by side
    again = S.scheduled("c", sched, 0.0123, 100, seeds=np.arange(4))  # constant from the cache
    assert np.array_equal(fresh.losses, again.losses)
    assert np.array_equal(fresh.constant, again.constant)
    alone = S.sgd_on_fit(np.full(100, 0.0123), None, 0.9, np.arange(4), S.MOMENTUM_BATCH)
    assert np.array_equal(fresh.constant, alone)
    mine = S.sgd_on_fit(fresh.lrs, fresh.momenta, 0.9, np.arange(4), S.MOMENTUM_BATCH)
    assert np.array_equal(fresh.losses, mine)


def test_sgd_on_fit_marks_divergence_with_nan():
    loss = S.sgd_on_fit(np.full(600, 2.0), None, 0.0, np.arange(3))
    assert np.isnan(loss[-1]).all() and np.isfinite(loss[:3]).all()


def test_schedule_run_for_every_scheduler_of_the_explorer():
    params = {"lr": 0.01, "period": 50, "gamma": 0.9, "T_mult": 2, "ratio": 0.1,
              "mode": "triangular2", "warmup": 10, "pct_start": 0.3, "t0": 20}  # fmt: skip
    for name in S.SCHEDULERS:
        r = S.schedule_run(name, params, 100)
        assert r.result.lrs.shape == (100,) and r.result.losses.shape == (101, 8)
        assert r.text and "\n" not in r.text
        assert (r.result.momenta is not None) == (name in ("CyclicLR", "OneCycleLR"))
        assert np.max(r.result.lrs) <= 0.01 * (1 + 1e-9)
    with pytest.raises(ValueError, match="unknown scheduler 'SWA'"):
        S.schedule_run("SWA", params)


# -- Eve -----------------------------------------------------------------------------------------


def test_eve_feedback_is_what_eve_keeps_in_its_state():
    opt = ol.Eve(lr=0.5)
    x = np.array([0.0, 0.0])
    state = opt.init(x)
    losses, ds = [], []
    for _ in range(40):
        f = float(S.FIT.f(x))
        losses.append(f)
        x, state = opt.step(x, S.FIT.grad(x), state, loss=f)
        ds.append(state["d"])
    d, f_hat = S.eve_feedback(losses)
    assert d.tolist() == ds
    assert f_hat[-1] == state["f_hat"]


def test_eve_d_falls_towards_k_and_with_noise_goes_both_ways_slowly():
    calm = S.eve_run(lr=1.0, steps=4000)
    assert calm.d[0] == 1.0 and calm.d[-1] < 0.15  # r = k = 0.1 at every small change
    assert np.all(np.abs(np.diff(calm.d)) <= 0.001 * 10)  # β₃ = 0.999: at most (1 − β₃)·K
    assert calm.falls >= 1990 and calm.rises <= 10  # near the optimum the lr only grows
    noisy = S.eve_run(lr=1.0, steps=4000, noise=5.0)
    assert noisy.rises >= 300 and noisy.falls >= 300  # it shrinks and grows the lr...
    assert noisy.largest_epoch_change < 0.01  # ...by under 1% per step (epoch)
    assert noisy.rises + noisy.falls == 2000  # the second half, step by step
    assert noisy.run.loss[-1] - S.FIT_MIN < 1.0  # near the optimum


@pytest.mark.parametrize("losses", [[1.0, 0.0], [1.0, np.nan], [], [[1.0]] * 0])
def test_eve_feedback_needs_positive_losses(losses):
    with pytest.raises(ValueError, match="losses must be finite numbers > 0"):
        S.eve_feedback(losses)


# -- the core changes: same behaviour, faster ---------------------------------------------------


def test_replace_still_checks_and_names_the_hyperparameters():
    opt = ol.SGD(lr=0.1, momentum=0.9)
    assert opt.replace(lr=0.2).lr == 0.2 and opt.replace(lr=0.2).momentum == 0.9
    with pytest.raises(TypeError, match="SGD has no hyperparameter 'beta'; it has lr, momentum"):
        opt.replace(beta=0.5)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        opt.replace(lr=-1)
    assert ol.Adam(lr=0.1).replace(betas=(0.5, 0.9)).betas == (0.5, 0.9)


def test_a_scheduled_run_reuses_the_optimizer_only_for_identical_values(monkeypatch):
    made = []
    original = ol.SGD.replace

    def counting(self, **changes):
        made.append(changes["lr"])
        return original(self, **changes)

    monkeypatch.setattr(ol.SGD, "replace", counting)
    t = ol.run(ol.SGD(lr=0.1), ol.quadratic(), 1.0, 25, schedule=L.StepLR(10, 0.5))
    assert made == [0.1, 0.05, 0.025]  # one optimizer per value, not per step
    assert t.lr.tolist() == [0.1] * 11 + [0.05] * 10 + [0.025] * 5
    manual, x = [1.0], 1.0
    for lr in t.lr[1:]:
        x = x - lr * 8 * x
        manual.append(x)
    assert t.x.tolist() == manual


def test_numpy_only():
    code = (
        "import sys, optimlab.schedules; "
        "bad = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_the_range_test_figure_shows_the_curve_turning_up_past_the_cut(monkeypatch):
    # the reader must see why max_lr is where it is: the loss rising beyond it (dashed)
    import optimlab.plots.figure as figure
    from optimlab.plots.schedules import range_test_figure

    figs = []
    monkeypatch.setattr(figure, "png", lambda fig, title: figs.append(fig))
    rt, sweep = S.range_test(), S.lr_sweep()
    range_test_figure(rt, sweep)
    for ax, r in zip(figs[0].axes, (rt, sweep), strict=True):
        dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert len(dashed) == 1
        x, y = dashed[0].get_data()
        assert x[0] == r.lrs[r.stop - 1] and x[-1] == r.lrs[-1]  # from the cut to the end
        assert np.nanmax(y) > ax.get_ylim()[1]  # and up out of the top
