"""Notebook 01's panels, driven headless over every slider value, checked on the plotted data."""

import numpy as np
import pytest

import optimlab as ol
from optimlab.widgets.descent import COURSE_LRS

P = ol.quadratic(4.0)


def assert_finite_limits(ax):
    assert np.isfinite(ax.get_xlim()).all() and np.isfinite(ax.get_ylim()).all()


@pytest.fixture
def lr_panel():
    return ol.widgets.LearningRatePanel(lr=0.2, iterations=20)


def test_lr_slider_values_are_log_spaced_and_exact_at_the_course_values(lr_panel):
    values = np.array([v for _, v in lr_panel.controls["lr"].options])
    assert values[0] == 0.001 and values[-1] == 1.0
    assert np.all(np.diff(values) > 0)
    ratios = values[1:] / values[:-1]
    assert ratios.max() < 1.35  # no gap wider than a third on the log scale
    for lr in COURSE_LRS:
        assert lr in values  # 0.125 exactly, not 0.12499999
    labels = dict((v, k) for k, v in lr_panel.controls["lr"].options)
    assert labels[0.125] == "0.125" and labels[0.01] == "0.01"


def test_every_lr_draws_its_own_run(lr_panel):
    c = lr_panel.controls
    fig = lr_panel.figure
    c["iterations"].value = 30
    for _, lr in c["lr"].options:
        c["lr"].value = lr
        t = ol.run(ol.SGD(lr=lr), P, 2.0, 30)
        np.testing.assert_array_equal(fig.loss_line.get_ydata(), t.loss)
        np.testing.assert_array_equal(fig.path.get_xdata(), t.x)
        assert fig.q_marker.get_data()[0][0] == lr
        assert fig.q_marker.get_data()[1][0] == pytest.approx(1 - 8 * lr)
        assert f"lr = {lr:g}:" in fig.title.get_text()
        for ax in (fig.ax_loss, fig.ax_path, fig.ax_q):
            assert_finite_limits(ax)
        lo, hi = fig.ax_loss.get_ylim()
        assert lo <= np.nanmin(t.loss) and np.nanmax(t.loss) <= hi  # every point in view


def test_every_iteration_count_shows_that_many_steps(lr_panel):
    c = lr_panel.controls
    c["lr"].value = 1.0
    for n in range(c["iterations"].min, c["iterations"].max + 1):
        c["iterations"].value = n
        assert len(lr_panel.figure.loss_line.get_xdata()) == n + 1
        assert lr_panel.figure.ax_loss.get_xlim()[1] >= n
        for ax in (lr_panel.figure.ax_loss, lr_panel.figure.ax_path):
            assert_finite_limits(ax)
    # at lr = 1 the run overflows before step 200, and the figure says where
    assert "overflows at step 182" in lr_panel.figure.loss_note.get_text()


def test_regimes_named_in_the_title(lr_panel):
    c = lr_panel.controls
    c["iterations"].value = 10
    expected = {
        0.125: "one step",
        0.25: "bounces",
        0.2: "converges, oscillating",
        0.1: "converges monotonically",
        1.0: "diverges",
    }
    for lr, words in expected.items():
        c["lr"].value = lr
        assert words in lr_panel.figure.title.get_text()
    c["lr"].value = 0.25
    np.testing.assert_array_equal(lr_panel.figure.path.get_xdata(), [2, -2] * 5 + [2])


def test_log_toggle(lr_panel):
    c = lr_panel.controls
    c["lr"].value = 0.01
    c["iterations"].value = 200
    c["log_loss"].value = True
    ax = lr_panel.figure.ax_loss
    assert ax.get_yscale() == "log"
    lo, hi = ax.get_ylim()
    assert lo <= lr_panel.figure.loss_line.get_ydata().min() and hi >= 16
    c["lr"].value = 0.125  # exact zeros: said, not plotted at -inf
    assert "loss 0 is off a log axis" in lr_panel.figure.loss_note.get_text()
    assert_finite_limits(ax)
    c["log_loss"].value = False
    assert ax.get_yscale() == "linear"


def test_presets_put_the_slider_on_the_course_values(lr_panel):
    buttons = [b for b in lr_panel.widget.children[1].children if hasattr(b, "click")]
    assert [float(b.description) for b in buttons] == list(COURSE_LRS)
    for b in buttons:
        b.click()
        assert lr_panel.controls["lr"].value == float(b.description)


def test_play_spans_the_iterations_slider(lr_panel):
    play, it = lr_panel.controls["play"], lr_panel.controls["iterations"]
    assert (play.min, play.max) == (it.min, it.max) == (1, 200)


def test_the_static_image_is_a_png(lr_panel):
    bundle = lr_panel._repr_mimebundle_()
    assert bundle["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert bundle["text/plain"].startswith("LearningRatePanel(lr=")


def test_sweep_panel_over_every_lr_max():
    panel = ol.widgets.SweepPanel(lr_max=0.3)
    slider = panel.controls["lr_max"]
    values = [v for _, v in slider.options]
    assert values[0] == 0.02 and values[-1] == 0.5 and {0.2, 0.3, 0.5} <= set(values)
    ylim = panel.figure.ax.get_ylim()
    for lr_max in values:
        slider.value = lr_max
        lrs = np.linspace(0.01, lr_max, 10)
        t = ol.run(ol.SGD(lr=lrs), P, 2.0, 100)
        for line, text, lr, loss in zip(
            panel.figure.lines, panel.figure.legend.get_texts(), lrs, t.loss.T, strict=True
        ):
            np.testing.assert_array_equal(line.get_ydata(), np.where(loss > 0, loss, np.nan))
            assert text.get_text().startswith(f"{lr:.4f}")
            assert ("diverges" in text.get_text()) == (abs(1 - 8 * lr) > 1)
        assert panel.figure.ax.get_ylim() == ylim  # divergers leave the axis, never rescale it
    slider.value = 0.3
    assert "2 diverge" in panel.figure.title.get_text()
    assert [t.get_text().split()[0] for t in panel.figure.legend.get_texts()][-2:] == [
        "0.2678",
        "0.3000",
    ]
    slider.value = 0.2
    assert "0 diverge; fastest lr = 0.1156" in panel.figure.title.get_text()


def test_slider_cannot_start_on_an_invalid_value():
    with pytest.raises(ValueError, match="start value 0.7 is not among its values"):
        ol.widgets.SweepPanel(lr_max=0.7)


def test_log_scale_over_every_lr_at_the_most_iterations(lr_panel):
    # the extreme corner: lr = 1 overflows at step 182, and a log axis spanning 300 decades
    # must still draw without a NumPy warning (warnings are errors in the tests)
    c = lr_panel.controls
    c["iterations"].value = c["iterations"].max
    c["log_loss"].value = True
    for _, lr in c["lr"].options:
        c["lr"].value = lr
        assert_finite_limits(lr_panel.figure.ax_loss)
        lo, hi = lr_panel.figure.ax_loss.get_ylim()
        assert 0 < lo < hi
