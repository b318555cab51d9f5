"""Notebooks 02 and 03's panels, driven headless over their control values (a sample by
default, every value with OPTIMLAB_EXHAUSTIVE=1)."""

import numpy as np
import pytest
from panel_driver import sample

import optimlab as ol
from optimlab import theory as T

P = ol.quadratic(4.0)


def buttons(panel, row):
    return [b for b in panel.widget.children[row].children if hasattr(b, "click")]


def test_smoothing_panel_over_every_beta_and_both_corrections():
    panel = ol.widgets.SmoothingPanel(beta=0.9)
    day, reading, season = panel.data
    fig = panel.figure
    betas = [v for _, v in panel.controls["beta"].options]
    assert betas[0] == 0.0 and betas[-1] == 0.99 and 0.9 in betas and 0.98 in betas
    ylim = fig.ax.get_ylim()
    for corrected in (False, True):
        panel.controls["bias_correction"].value = corrected
        for beta in sample(betas, 25):
            panel.controls["beta"].value = beta
            np.testing.assert_array_equal(fig.ema_line.get_ydata(), T.ema(reading, beta, corrected))
            note = fig.note.get_text()
            assert f"window 1/(1−β) ≈ {T.ema_window(beta):.1f} days" in note
            lag = fig.lag_line.get_xdata()[0] - fig.peak_day
            assert 0 <= lag <= 1.2 * T.ema_lag(beta) + 1  # the peak lags, about beta/(1-beta)
            assert fig.ax.get_ylim() == ylim
    # without correction the first value is (1 - beta) theta_1; with it, theta_1 itself
    panel.controls["beta"].value = 0.9
    panel.controls["bias_correction"].value = False
    assert fig.ema_line.get_ydata()[0] == pytest.approx(0.1 * reading[0])
    panel.controls["bias_correction"].value = True
    assert fig.ema_line.get_ydata()[0] == pytest.approx(reading[0])


def test_smoothing_lag_grows_with_beta():
    panel = ol.widgets.SmoothingPanel()
    lags = []
    for beta in (0.5, 0.8, 0.9, 0.95, 0.98):
        panel.controls["beta"].value = beta
        lags.append(panel.figure.lag_line.get_xdata()[0] - panel.figure.peak_day)
    assert lags == sorted(lags) and lags[-1] > 30


def test_smoothing_presets():
    panel = ol.widgets.SmoothingPanel()
    for b in buttons(panel, 1):
        b.click()
        assert panel.controls["beta"].value == float(b.description)


@pytest.fixture
def momentum_panel():
    return ol.widgets.MomentumPanel(lr=0.01, momentum=0.63)


def check_momentum_view(panel, damp_on, nesterov):
    fig = panel.figure
    lr, m = panel.controls["lr"].value, panel.controls["momentum"].value
    damp = m if damp_on else 0.0
    t = ol.run(ol.SGD(lr=lr, momentum=m, dampening=damp, nesterov=nesterov and m > 0), P, 2.0, 100)
    shown = np.where((t.loss > 0) & (t.loss <= 1e6), t.loss, np.nan)  # above 1e6: the legend
    np.testing.assert_array_equal(fig.loss_line.get_ydata(), shown)
    r = float(T.momentum_radius(lr, m, 8.0, damp, nesterov))
    assert fig.r_marker.get_data()[1][0] == pytest.approx(min(r, 1.5))
    assert fig.map_marker.get_data()[0][0] == pytest.approx(np.log10(lr))
    assert fig.map_marker.get_data()[1][0] == m
    assert f"radius {r:.3f}" in fig.title.get_text()


def test_momentum_panel_over_every_lr_and_m(momentum_panel):
    c = momentum_panel.controls
    lrs = [v for _, v in c["lr"].options]
    ms = [v for _, v in c["momentum"].options]
    assert 0.01 in lrs and 0.03 in lrs and ms[0] == 0.0 and ms[-1] == 0.99 and 0.63 in ms
    for lr in sample(lrs, 20):
        c["lr"].value = lr
        check_momentum_view(momentum_panel, False, False)
    c["lr"].value = 0.01
    for m in sample(ms, 20):
        c["momentum"].value = m
        check_momentum_view(momentum_panel, False, False)


def test_momentum_toggles_exclude_each_other_and_redraw_the_map(momentum_panel):
    c = momentum_panel.controls
    fig = momentum_panel.figure
    lr_grid, m_grid = np.meshgrid(fig.grid_lr, fig.grid_m)
    c["nesterov"].value = True
    assert c["dampening"].disabled
    np.testing.assert_allclose(
        fig.map_image.get_array(), T.momentum_radius(lr_grid, m_grid, 8.0, 0.0, True)
    )
    for m in (0.0, 0.5, 0.9):  # m = 0 with Nesterov is plain gradient descent
        c["momentum"].value = m
        check_momentum_view(momentum_panel, False, True)
    c["nesterov"].value = False
    assert not c["dampening"].disabled
    c["dampening"].value = True
    assert c["nesterov"].disabled
    np.testing.assert_allclose(
        fig.map_image.get_array(), T.momentum_radius(lr_grid, m_grid, 8.0, m_grid, False)
    )
    for m in (0.0, 0.63, 0.99):
        c["momentum"].value = m
        check_momentum_view(momentum_panel, True, False)


def test_momentum_course_cases(momentum_panel):
    expected = {
        "lr 0.01": 3.02,
        "lr 0.03": 0.066,
        "lr 0.01, m 0.9": 5.06,
        "lr 0.01, m 0.63": 0.0025,
    }
    for b in buttons(momentum_panel, 2):
        b.click()
        after10 = momentum_panel.figure.loss_line.get_ydata()[10]
        assert after10 == pytest.approx(expected[b.description], rel=0.02)


def test_momentum_critical_damping_marked(momentum_panel):
    momentum_panel.controls["lr"].value = 0.01
    fig = momentum_panel.figure
    m_star, best = fig.r_best.get_data()[0][0], fig.r_best.get_data()[1][0]
    assert m_star == pytest.approx(0.5143, abs=1e-4) and best == pytest.approx(0.7172, abs=1e-4)
    assert "m* = 0.514\nradius 0.717" in fig.r_note.get_text()


def test_markers_stay_whole_at_the_sliders_ends():
    with ol.widgets.MomentumPanel(lr=0.5, momentum=0.99) as panel:
        fig = panel.figure
        fig.fig.canvas.draw()
        r = fig.fig.canvas.get_renderer()
        for marker, ax in ((fig.r_marker, fig.ax_r), (fig.map_marker, fig.ax_map)):
            box, frame = marker.get_window_extent(r), ax.get_window_extent(r)
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1


def test_smallest_note_is_off_the_axis_line():
    with ol.widgets.MomentumPanel(lr=0.5, momentum=0.5) as panel:
        note = panel.figure.r_note
        assert note.get_text().startswith("▼ smallest")
        panel.fig.canvas.draw()
        r = panel.fig.canvas.get_renderer()
        ax_box = panel.figure.ax_r.get_window_extent(r)
        assert note.get_window_extent(r).y0 > ax_box.y0 + 0.5 * ax_box.height  # in the top strip


@pytest.mark.parametrize("kwargs", [{"curvature": -8.0}, {"curvature": 0}])
def test_momentum_panel_arguments_are_checked(kwargs):
    with pytest.raises(ValueError, match="^curvature must be a finite number > 0"):
        ol.widgets.MomentumPanel(**kwargs)


def test_rolling_panel_over_m():
    with ol.widgets.RollingPanel(momentum=0.0) as panel:
        for m in sample([v for _, v in panel.controls["momentum"].options], 12):
            panel.controls["momentum"].value = m
            expected = ol.experiments.rolling(m).rolling
            np.testing.assert_array_equal(panel.figure.path.get_xdata(), expected.x)
            assert f"m = {m:g}: ends at x = {expected.x[-1]:.3f}" in panel.figure.title.get_text()
        # the walkthrough: plain descent stays in the shallow minimum, m = 0.9 rolls over
        panel.controls["momentum"].value = 0.9
        assert "deep minimum" in panel.figure.title.get_text()
        panel.controls["momentum"].value = 0.0
        assert "shallow minimum" in panel.figure.title.get_text()
