"""Notebook 07's schedule explorer, driven headless: what it shows is the scheduler's lr and the
runs of optimlab.schedules; only the scheduler's own parameters are shown."""

import numpy as np
import pytest
from panel_driver import buttons

import optimlab as ol
from optimlab import lr_scheduler as L
from optimlab import schedules as S


@pytest.fixture
def panel():
    with ol.widgets.SchedulePanel() as p:
        yield p


def shown(panel):
    keys = ("period", "gamma", "T_mult", "ratio", "mode", "warmup", "pct_start", "t0")
    return {k for k in keys if panel.controls[k].layout.display != "none"}


def test_the_lr_curve_is_the_schedulers(panel):
    panel.controls["period"].value = 50.0
    fig = panel.figure
    want = L.CosineAnnealingLR(50).lrs(0.01, 300)
    assert np.array_equal(fig.lr_line.get_ydata(), want / 0.01)
    assert list(fig.m_line.get_ydata()) == []  # no momentum cycling
    assert fig.title.get_text() == "CosineAnnealingLR(T_max=50), lr = 0.01"
    run = S.schedule_run("CosineAnnealingLR", {"lr": 0.01, "period": 50}, 300)
    assert np.allclose(fig.sched_line.get_ydata(), np.maximum(run.result.losses.mean(1), 1e-6))
    assert f"scheduled {run.result.final:.3g}" in fig.note.get_text()


def test_each_scheduler_shows_its_own_parameters(panel):
    for name, params in S.SCHEDULERS.items():
        panel.controls["scheduler"].value = name
        assert shown(panel) == set(params), name
    panel.controls["scheduler"].value = "CosineAnnealingWarmRestarts"
    assert panel.controls["period"].description == "T_0"
    panel.controls["scheduler"].value = "CyclicLR"
    assert panel.controls["period"].description == "step_size_up"
    assert len(panel.figure.m_line.get_ydata()) == 300  # momentum cycles


def test_a_hidden_control_reuses_the_result(panel):
    first = panel.compute()
    panel.controls["gamma"].value = 0.5  # CosineAnnealingLR does not read gamma
    assert panel.compute() is first
    panel.controls["period"].value = 30.0
    assert panel.compute() is not first


def test_presets_set_the_papers_schedules(panel):
    by_name = {b.description: b for b in buttons(panel)}
    by_name["SGDR 10, ×2"].click()
    assert panel.value("scheduler") == "CosineAnnealingWarmRestarts"
    assert "T_0=10, T_mult=2" in panel.figure.title.get_text()
    by_name["CLR"].click()
    assert panel.value("scheduler") == "CyclicLR" and panel.value("lr") == 0.0093
    lrs = panel.figure.lr_line.get_ydata() * 0.0093
    assert lrs.max() == pytest.approx(0.0093) and lrs.min() == pytest.approx(0.0093 * 0.07)


def test_bad_scheduler_name():
    with pytest.raises(ValueError, match="scheduler must be one of 'constant'"):
        ol.widgets.SchedulePanel(scheduler="SWA")


def test_the_momentum_axis_shows_only_where_momentum_cycles(panel):
    # an axis labelled "momentum" with no curve on it would mislead
    fig = panel.figure
    assert not fig.ax_m.yaxis.get_visible()  # CosineAnnealingLR: no momentum
    panel.controls["scheduler"].value = "OneCycleLR"
    assert fig.ax_m.yaxis.get_visible() and len(fig.m_line.get_ydata()) == 300
    panel.controls["scheduler"].value = "StepLR"
    assert not fig.ax_m.yaxis.get_visible()
    png = panel.render_from_scratch()  # a full draw with the axis hidden still renders
    assert png[:4] == b"\x89PNG"


def test_the_fixed_loss_axis_holds_every_run_at_the_largest_lr(panel):
    from optimlab.plots.schedules import LOSS_RANGE
    from optimlab.widgets.schedules import LR_RANGE

    params = {k: panel.value(k) for k in panel.controls if k != "scheduler"}
    params["lr"] = LR_RANGE[1]
    for name in S.SCHEDULERS:
        r = S.schedule_run(name, params, 300).result
        top = max(r.losses.mean(1).max(), r.constant.mean(1).max())
        assert 100 < top < LOSS_RANGE[1], name  # it starts 418 above the minimum
