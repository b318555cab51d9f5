"""Notebook 01's panels, driven headless over their slider values (a sample by default, every
value with OPTIMLAB_EXHAUSTIVE=1), checked on the plotted data."""

import numpy as np
import pytest
from panel_driver import sample, text_problems, values

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
    for lr in sorted(set(sample(values(c["lr"]), 15)) | set(COURSE_LRS)):
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
        assert lo <= np.nanmin(t.loss)
        # the view stays on the loss that teaches (up to 3 f(x0)); a run that leaves it is
        # said to, at the edge
        assert hi >= min(np.nanmax(t.loss), 48)
        if np.nanmax(t.loss) > hi:
            assert "↑ f = " in fig.loss_note.get_text()
        else:
            assert fig.loss_note.get_text() == ""


def test_every_iteration_count_shows_that_many_steps(lr_panel):
    c = lr_panel.controls
    c["lr"].value = 1.0
    for n in sample(values(c["iterations"]), 25):
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
    assert "log_{10}" in ax.get_ylabel()  # log10 of the loss on a linear axis
    t = ol.run(ol.SGD(lr=0.01), P, 2.0, 200)
    np.testing.assert_array_equal(lr_panel.figure.loss_line.get_ydata(), np.log10(t.loss))
    lo, hi = ax.get_ylim()
    assert lo <= lr_panel.figure.loss_line.get_ydata().min() and hi >= np.log10(16)
    c["lr"].value = 0.125  # exact zeros: said, not plotted at -inf
    assert "loss 0 is off a log axis" in lr_panel.figure.loss_note.get_text()
    assert_finite_limits(ax)
    c["log_loss"].value = False
    assert ax.get_ylabel() == ""
    linear = ol.run(ol.SGD(lr=0.125), P, 2.0, 200).loss
    np.testing.assert_array_equal(lr_panel.figure.loss_line.get_ydata(), linear)


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
    for lr_max in sample(values, 12):
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
    for lr in sample(values(c["lr"]), 12):
        c["lr"].value = lr
        assert_finite_limits(lr_panel.figure.ax_loss)
        lo, hi = lr_panel.figure.ax_loss.get_ylim()
        y = lr_panel.figure.loss_line.get_ydata()
        y = y[np.isfinite(y)]
        assert lo <= y.min() and y.max() <= hi  # every finite point shown, up to the overflow
    c["lr"].value = 1.0
    y = lr_panel.figure.loss_line.get_ydata()
    assert np.isfinite(y[:182]).all() and y[181] > 300  # step 181: loss ~1e307, on the chart


def test_divergence_keeps_the_parabola_in_view_and_says_where_the_run_went(lr_panel):
    c = lr_panel.controls
    c["lr"].value = 1.0
    c["iterations"].value = 3
    fig = lr_panel.figure
    assert fig.ax_path.get_xlim() == (-3.0, 3.0)  # the region that teaches
    assert fig.exit_note.get_text() == "← x₃ = −686"
    assert fig.ax_loss.get_ylim()[1] < 100  # not rescaled to 1.9e6
    assert fig.loss_note.get_text() == "↑ f = 784 at t = 1"
    c["iterations"].value = 200
    assert fig.exit_note.get_text().endswith("\noverflows at step 182")
    assert "overflows at step 182" in fig.loss_note.get_text()


@pytest.mark.parametrize("lr", [1.0, 0.0013, 0.001, 0.125, 0.25])
def test_iterate_labels_never_overlap(lr):
    with ol.widgets.LearningRatePanel(lr=lr, iterations=20) as panel:
        assert text_problems(panel.figure) == []
        shown = [t.get_text() for t in panel.figure.labels if t.get_visible()]
        if lr <= 0.0013:  # four iterates on one spot: one label
            assert shown == ["$x_0, x_1, x_2, x_3$"]


def test_marker_never_covers_the_converges_note(lr_panel):
    fig = lr_panel.figure
    note = next(t for t in fig.ax_q.texts if "converges" in t.get_text())
    for lr in sample(values(lr_panel.controls["lr"]), 15):
        lr_panel.controls["lr"].value = lr
        fig.fig.canvas.draw()
        r = fig.fig.canvas.get_renderer()
        m, box = fig.q_marker.get_window_extent(r), note.get_window_extent(r)
        assert not m.overlaps(box), lr


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"curvature": 0}, "curvature"),
        ({"curvature": -8.0}, "curvature"),
        ({"curvature": float("nan")}, "curvature"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"iterations": 300}, "iterations"),
        ({"iterations": 0}, "iterations"),
        ({"max_iterations": 2.5}, "max_iterations"),
    ],
)
def test_learning_rate_panel_arguments_are_checked(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=f"^{name} must be"):
        ol.widgets.LearningRatePanel(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n": 0}, "n"),
        ({"steps": 0}, "steps"),
        ({"curvature": 0.0}, "curvature"),
        ({"lr_min": -1.0}, "lr_min"),
        ({"lr_min": 0.3}, "lr_min"),
    ],
)
def test_sweep_panel_arguments_are_checked(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=f"^{name} must be"):
        ol.widgets.SweepPanel(**kwargs)
