"""Notebooks 04 and 05's panels, driven headless over every control value."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import theory as T
from optimlab.plots.figure import envelope
from optimlab.widgets.adam import spike_stream
from optimlab.widgets.adaptive import STEPS


def values(control):
    return [v for _, v in control.options]


def test_stall_panel_over_every_control_value():
    panel = ol.widgets.StallPanel()
    c, fig = panel.controls, panel.figure
    for name in ("alpha", "size", "length", "lr"):
        for v in values(c[name]):
            c[name].value = v
            grads, length = panel.stream()
            lr = c["lr"].value
            assert grads[:length].tolist() == [c["size"].value] * length
            ada = ol.replay(ol.Adagrad(lr=lr), grads).x
            rms = ol.replay(ol.RMSprop(lr=lr, alpha=c["alpha"].value), grads).x
            np.testing.assert_array_equal(fig.paths["Adagrad"].get_ydata(), ada)
            np.testing.assert_array_equal(fig.paths["RMSProp"].get_ydata(), rms)
            eff = fig.lines["Adagrad"][0].get_ydata()
            np.testing.assert_allclose(eff, np.abs(np.diff(ada)) / (lr * grads), rtol=1e-12)
            assert np.isfinite(fig.ax_x.get_ylim()).all()
        c[name].value = values(c[name])[len(values(c[name])) // 2]


def test_adagrad_stalls_for_good_and_rmsprop_recovers():
    panel = ol.widgets.StallPanel(alpha=0.9, size=10, length=50, lr=0.01)
    note = panel.figure.note.get_text()
    assert "Adagrad: never back to half speed" in note
    assert "RMSProp: half speed again" in note
    rms_eff = panel.figure.lines["RMSProp"][0].get_ydata()
    ada_eff = panel.figure.lines["Adagrad"][0].get_ydata()
    assert rms_eff[-1] == pytest.approx(1.0, rel=0.05)  # back to its no-burst rate
    assert ada_eff[-1] < 0.05 * rms_eff[-1]
    assert len(rms_eff) == STEPS


def test_memory_panel_over_every_control_value():
    panel = ol.widgets.AdamMemoryPanel()
    c, fig = panel.controls, panel.figure
    for name in ("beta2", "beta1", "size", "at"):
        opts = values(c[name])
        for v in opts if len(opts) <= 60 else opts[::7] + [opts[-1]]:
            c[name].value = v
            at, size = int(c["at"].value), c["size"].value
            move, v_hat = T.adam_stream(
                spike_stream(size, at), 1.0, (c["beta1"].value, c["beta2"].value)
            )
            idx, val = envelope(np.abs(move), 1000)
            np.testing.assert_array_equal(fig.lines[("move", 0, "Adam")].get_ydata(), val)
            zoom = fig.lines[("v", 1, "Adam")]
            assert 0 in zoom.get_xdata()  # the spike is in the zoomed view
            np.testing.assert_allclose(zoom.get_ydata()[zoom.get_xdata() == 0], v_hat[at])
            bound = np.sqrt(1 / (1 - c["beta2"].value))
            assert fig.bounds[0].get_ydata()[0] == pytest.approx(bound)
            assert np.abs(move).max() <= bound * (1 + 1e-9) or c["beta1"].value > 0
        c[name].value = opts[len(opts) // 2]


def test_memory_panel_course_numbers():
    panel = ol.widgets.AdamMemoryPanel(beta2=0.999, beta1=0.0, size=1e5, at=100_999)
    note = panel.figure.note.get_text()
    assert "999 steps before the spike: 999·lr" in note
    assert "spike itself: 31.62·lr" in note
    amsgrad = panel.figure.lines[("move", 1, "AMSGrad")]
    after = amsgrad.get_ydata()[amsgrad.get_xdata() == 1]
    assert after == pytest.approx(10**-3.5, rel=1e-3)  # AMSGrad stays small after the spike


def test_swats_panel_over_every_switch_step():
    panel = ol.widgets.SwatsPanel()
    fig = panel.figure
    for k in values(panel.controls["switch_at"]):
        panel.controls["switch_at"].value = k
        t = panel.swats(int(k))
        assert t.x.shape == (201, 2)
        np.testing.assert_array_equal(t.x[: int(k) + 1], panel.adam.x[: int(k) + 1])
        np.testing.assert_array_equal(fig.path.get_xdata(), t.x[:, 0])
        assert fig.switch_line.get_xdata()[0] == k
    # switching at 0 is SGDM, at 200 it is Adam
    np.testing.assert_array_equal(panel.swats(0).x, panel.sgdm.x)
    np.testing.assert_array_equal(panel.swats(200).x, panel.adam.x)


def test_envelope_keeps_extremes_in_order():
    y = np.random.default_rng(0).normal(size=100_001)
    y[54_321] = 50.0
    idx, val = envelope(y, 500)
    assert np.all(np.diff(idx) >= 0) and val.max() == 50.0 and val.min() == y.min()
    np.testing.assert_array_equal(val, y[idx])
