"""Notebooks 04 and 05's panels, driven headless over their control values (a sample by
default, every value with OPTIMLAB_EXHAUSTIVE=1)."""

import numpy as np
import pytest
from panel_driver import sample

import optimlab as ol
from optimlab import theory as T
from optimlab.experiments import burst_stream, spike_stream, swats
from optimlab.plots.figure import envelope
from optimlab.widgets.adaptive import STEPS


def values(control):
    return [v for _, v in control.options]


def test_stall_panel_over_every_control_value():
    panel = ol.widgets.StallPanel()
    c, fig = panel.controls, panel.figure
    for name in ("alpha", "size", "length", "lr"):
        for v in sample(values(c[name]), 8):
            c[name].value = v
            length = int(c["length"].value)
            grads = burst_stream(c["size"].value, length, STEPS)
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
    note = panel.figure.title.get_text()
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
        for v in sample(opts, 8):
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
    assert "999 steps before\nthe spike: 999\n" in note
    assert "the spike itself: 31.62\n" in note
    amsgrad = panel.figure.lines[("move", 1, "AMSGrad")]
    after = amsgrad.get_ydata()[amsgrad.get_xdata() == 1]
    assert after == pytest.approx(10**-3.5, rel=1e-3)  # AMSGrad stays small after the spike


def test_swats_panel_over_every_switch_step():
    panel = ol.widgets.SwatsPanel()
    fig = panel.figure
    for k in sample(values(panel.controls["switch_at"]), 15):
        panel.controls["switch_at"].value = k
        t = swats(int(k))
        np.testing.assert_array_equal(fig.path.get_xdata(), t.x[:, 0])
        assert fig.switch_line.get_xdata()[0] == k
        assert f"Adam for {int(k)} steps" in fig.title.get_text()


def test_envelope_keeps_extremes_in_order():
    y = np.random.default_rng(0).normal(size=100_001)
    y[54_321] = 50.0
    idx, val = envelope(y, 500)
    assert np.all(np.diff(idx) >= 0) and val.max() == 50.0 and val.min() == y.min()
    np.testing.assert_array_equal(val, y[idx])


WELL = ol.problems.gaussian_well()
ADAM = ol.run(ol.Adam(lr=0.5), WELL, (8.0, 3.0), 200)
SGDM = ol.run(ol.SGD(lr=1.0, momentum=0.9), WELL, (8.0, 3.0), 200)


@pytest.mark.parametrize("k", [0, 1, 2, 20, 100, 199, 200])
def test_swats_is_adam_then_sgdm_from_where_adam_got_to(k):
    t = swats(k)
    assert t.x.shape == (201, 2) and t.loss.shape == (201,) and t.diverged_at is None
    np.testing.assert_array_equal(t.x[: k + 1], ADAM.x[: k + 1])
    rest = ol.run(ol.SGD(lr=1.0, momentum=0.9), WELL, ADAM.x[k], 200 - k)
    np.testing.assert_array_equal(t.x[k:], rest.x)
    np.testing.assert_array_equal(t.loss, WELL.f(t.x))


def test_swats_at_the_ends_is_one_optimizer():
    np.testing.assert_array_equal(swats(0).x, SGDM.x)
    np.testing.assert_array_equal(swats(200).x, ADAM.x)


@pytest.mark.parametrize("k", [-1, 201, 2.5])
def test_swats_switch_step_is_checked(k):
    with pytest.raises((ValueError, TypeError), match="^switch_at must be an integer"):
        swats(k)


def test_streams():
    g = spike_stream(1e5, 7, n=10)
    assert g.tolist() == [1.0] * 7 + [1e5] + [1.0] * 2
    assert burst_stream(10.0, 3, 5).tolist() == [10.0, 10.0, 10.0, 1.0, 1.0]
    for bad, name in (
        (lambda: spike_stream(1.0, 10, n=10), "at"),
        (lambda: spike_stream(0.0, 1, n=10), "size"),
        (lambda: burst_stream(10.0, 6, 5), "length"),
        (lambda: burst_stream(float("inf"), 1, 5), "size"),
    ):
        with pytest.raises(ValueError, match=f"^{name} must be"):
            bad()


def test_recovery_counts_steps_after_the_burst():
    grads = burst_stream(10.0, 50, 500)
    rms = ol.RMSprop(lr=0.01, alpha=0.9)
    run_x, ref_x = ol.replay(rms, grads).x, ol.replay(rms, np.ones(500)).x
    k = ol.experiments.recovery(run_x, ref_x, grads, 50)
    eff = np.abs(np.diff(run_x)) / grads
    ref = np.abs(np.diff(ref_x))
    assert (
        eff[50 + k - 1] >= 0.5 * ref[50 + k - 1]
        and (eff[50 : 50 + k - 1] < 0.5 * ref[50 : 50 + k - 1]).all()
    )
    ada = ol.Adagrad(lr=0.01)
    assert (
        ol.experiments.recovery(ol.replay(ada, grads).x, ol.replay(ada, np.ones(500)).x, grads, 50)
        is None
    )


def test_adam_memory_sums_are_seed_004s_numbers():
    r = ol.experiments.adam_memory(0.999, 0.0, 1e5, 100_999)
    assert r.sums["before"] == pytest.approx(999.0, rel=1e-6)
    assert r.sums["spike"] == pytest.approx(31.62, abs=0.005)
    assert r.sums["after"] == pytest.approx(10**-3.5, rel=1e-3)  # one step left after it


def test_stall_presets_and_singular_title():
    with ol.widgets.StallPanel(length=1) as panel:
        assert "for 1 step," in panel.figure.title.get_text()
        presets = {b.description: b for b in panel.widget.children[-1].children
                   if hasattr(b, "click")}  # fmt: skip
        presets["alpha 0.9"].click()
        c = panel.controls
        assert (c["alpha"].value, c["size"].value, c["length"].value) == (0.9, 10.0, 50.0)
        assert "RMSProp: half speed again" in panel.figure.title.get_text()
        presets["alpha 0.999"].click()
        assert "RMSProp: never back to half speed" in panel.figure.title.get_text()
        presets["no burst"].click()
        assert c["size"].value == 1.0


def test_spike_size_readout_keeps_one_style():
    with ol.widgets.AdamMemoryPanel() as panel:
        labels = dict((v, k) for k, v in panel.controls["size"].options)
        assert labels[1e5] == "100,000" and labels[1e6] == "1,000,000"
        assert all("e+" not in k for k in labels.values())
