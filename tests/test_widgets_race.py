"""Notebook 09's race panel, driven headless: what it draws is the race's numbers, the
iteration slider follows the landscape's budget, and bad input names the valid values."""

import numpy as np
import pytest

import optimlab as ol
from optimlab import race as R
from optimlab.problems import LANDSCAPES


@pytest.fixture(scope="module")
def panel():
    with ol.widgets.RacePanel(landscape="himmelblau") as p:
        yield p


def test_the_default_race_is_the_lectures_five(panel):
    assert panel.selected() == ("SGD", "SGDM", "Adagrad", "RMSprop", "Adam")
    assert panel.controls["t"].value == panel.controls["t"].max == 500
    visible = [n for n, line in panel.figure.paths.items() if line.get_visible()]
    assert visible == list(panel.selected())


def test_paths_and_losses_are_the_traces_up_to_t(panel):
    panel.controls["multiple"].value = 3.2
    panel.controls["t"].value = 40
    tr = R.race_trace("Adam", "himmelblau")
    j = R.MULTIPLES.index(3.2)
    x, y = panel.figure.paths["Adam"].get_data()
    np.testing.assert_array_equal(x, tr.x[:41, j, 0])
    np.testing.assert_array_equal(y, tr.x[:41, j, 1])
    gap = np.asarray(panel.figure.curves["Adam"].get_ydata())
    want = tr.loss[:41, j] - LANDSCAPES["himmelblau"].f_min
    np.testing.assert_array_equal(gap, np.where(want > 0, want, np.nan))
    text = panel.figure.readout.get_text()
    assert text.startswith("Adam, lr ") and "−Δ/g" in text
    panel.controls["multiple"].value = 1.0
    panel.controls["t"].value = 500


def test_ticking_a_racer_and_lbfgs_on_the_noisy_bowl(panel):
    panel.controls["racer LBFGS"].value = True
    assert panel.figure.paths["LBFGS"].get_visible()
    assert "t counts evaluations" in panel.figure.header.get_text()
    panel.controls["landscape"].value = "noisy bowl"
    assert not panel.figure.paths["LBFGS"].get_visible()
    assert "LBFGS: no race here (noise)" in panel.figure.header.get_text()
    panel.controls["inspect"].value = "LBFGS"
    assert panel.figure.readout.get_text() == "LBFGS: no race here"
    panel.controls["inspect"].value = "Adam"
    panel.controls["racer LBFGS"].value = False
    panel.controls["landscape"].value = "himmelblau"


def test_the_iteration_slider_follows_the_budget(panel):
    it, play = panel.controls["t"], panel.controls["play"]
    panel.controls["landscape"].value = "rosenbrock"  # at the end: stays at the end
    assert (it.max, it.value, play.max) == (3000, 3000, 3000) and play.step == 20
    it.value = 150
    panel.controls["landscape"].value = "saddle"  # 150 fits the saddle's 200
    assert (it.max, it.value) == (200, 150)
    panel.controls["landscape"].value = "himmelblau"
    assert it.max == 500 and it.value == 150
    it.value = 500


def test_switching_landscapes_blits_once_prepared(panel, monkeypatch):
    assert panel.figure.unprepared() != []  # no event loop here: the timer never fired
    sent = []
    monkeypatch.setattr(panel.fig.canvas, "blit", lambda *a: sent.append("blit"))
    panel.figure.prepare()  # what the timer does in a kernel, one landscape per tick
    assert panel.figure.unprepared() == []
    assert sent == []  # preparing sends nothing to the browser
    monkeypatch.undo()
    draws = []
    monkeypatch.setattr(panel.fig.canvas, "draw", lambda *a: draws.append(1))
    for name in LANDSCAPES:
        panel.controls["landscape"].value = name
    panel.controls["landscape"].value = "himmelblau"
    assert draws == []  # every landscape's background was saved by prepare


def test_no_racer_ticked(panel):
    boxes = [panel.controls[f"racer {n}"] for n in R.RACERS]
    before = [b.value for b in boxes]
    for b in boxes:
        b.value = False
    assert "tick an optimizer to race" in panel.figure.header.get_text()
    assert not any(line.get_visible() for line in panel.figure.paths.values())
    for b, v in zip(boxes, before, strict=True):
        b.value = v


def test_bad_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown landscape 'moon'; valid: 'rosenbrock'"):
        ol.widgets.RacePanel(landscape="moon", warm=False)
    with pytest.raises(ValueError, match="unknown optimizer 'Adamm'; valid: 'SGD'.*'LBFGS'"):
        ol.widgets.RacePanel(racers=("SGD", "Adamm"), warm=False)
    with pytest.raises(ValueError, match="multiple must be one of"):
        R.race_view("beale", ["SGD"], multiple=0.5)
    with pytest.raises(ValueError, match="t must be an integer from 0 to 2000, got 2001"):
        R.race_view("beale", ["SGD"], t=2001)
    view = R.race_view("noisy bowl", ["SGD", "LBFGS"], inspected="LBFGS")
    assert view.names == ("SGD",) and view.left_out == ("LBFGS",) and view.inspection is None


def test_a_zero_in_the_inspector_has_no_sign():
    from optimlab.plots.race import _num

    assert _num(-0.0) == _num(0.0) == "0"
    assert _num(-2.5e-4) == "−2.50e−4"


def test_every_racers_checkbox_label_fits_six_to_a_row(panel):
    # the browser clipped "Lookahead(SGDM)" to "Lookahead(SG…" at 136 px: about 8.5 px a
    # character of the 13 px label plus the box; six boxes (2 px margins) per 840 px row
    widths = {}
    for name in R.RACERS:
        box = panel.controls[f"racer {name}"]
        widths[name] = int(box.layout.width.removesuffix("px"))
        assert widths[name] >= 8.5 * len(name) + 22, name
    names = list(R.RACERS)
    for row in range(0, len(names), 6):
        assert sum(widths[n] + 4 for n in names[row : row + 6]) <= 840


def test_the_other_landscapes_are_prepared_one_per_timer_tick(timers, monkeypatch):
    with ol.widgets.RacePanel(landscape="saddle", warm=False) as panel:
        figure = panel.figure
        assert len(timers) == 1 and timers[0].running  # set by the first full draw
        todo = len(figure.unprepared())
        assert todo == len(LANDSCAPES) - 1
        timers[0].fire()  # just after an update: a slider may be moving, nothing is drawn
        assert len(figure.unprepared()) == todo
        monkeypatch.setattr(figure, "_last_redraw", 0.0)  # idle since
        for k in range(todo):
            timers[0].fire()
            assert len(figure.unprepared()) == todo - 1 - k
        timers[0].fire()
        assert not timers[0].running
        assert panel.figure._landscape == "saddle"
        before = np.asarray(panel.fig.canvas.buffer_rgba()).copy()
        panel.fig.canvas.draw()  # the buffer holds the saddle's picture, as it was
        np.testing.assert_array_equal(before, np.asarray(panel.fig.canvas.buffer_rgba()))
        panel.set_width(panel.figure.min_width_px)  # a new width: a new timer, all again
        assert len(timers) == 2 and len(figure.unprepared()) == todo


IPYMPL_PREPARE = """
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
import optimlab as ol
panel = ol.widgets.RacePanel(landscape="saddle", warm=False)
canvas = panel.fig.canvas
frames = []
canvas.send = lambda content, buffers=None: frames.append(bool(buffers))
for msg in ({"type": "initialized"}, {"type": "send_image_mode"}, {"type": "refresh"}):
    canvas._handle_message(canvas, msg, [])
canvas.draw()
n = len(frames)
panel.figure.prepare()
print(len(frames) - n, panel.figure.unprepared())
"""


def test_preparing_sends_nothing_to_the_browser():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", IPYMPL_PREPARE], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["0", "[]"]


def test_warm_computes_the_races_one_per_idle_timer_tick(timers, monkeypatch):
    computed = []
    monkeypatch.setattr(ol.widgets.race, "race_trace", lambda *key: computed.append(key))
    with ol.widgets.RacePanel(landscape="beale", racers=("SGD", "Adam")) as panel:
        warm = panel.figure._idle["warm"]
        assert warm.running and computed == []  # nothing computed when the panel is made
        warm.fire()  # just after an update: a slider may be moving
        assert computed == []
        monkeypatch.setattr(panel.figure, "_last_redraw", 0.0)  # idle since
        warm.fire()
        assert computed == [("SGD", "rosenbrock")]
        for _ in range(100):
            warm.fire()
        want = {(n, s) for s in LANDSCAPES for n in ("SGD", "Adam")} | {
            (n, "beale") for n in R.RACERS
        }
        assert set(computed) == want and len(computed) == len(want)
        assert not warm.running


def test_run_idle_work_does_all_the_idle_work_now(timers, monkeypatch):
    computed = []
    monkeypatch.setattr(ol.widgets.race, "race_trace", lambda *key: computed.append(key))
    with ol.widgets.RacePanel(landscape="beale", racers=("SGD", "Adam")) as panel:
        figure = panel.figure
        assert set(figure._idle) == {"prepare", "warm"}
        figure.run_idle_work()  # no timer fired, and just after an update
        assert figure._idle == {} and not any(t.running for t in timers)
        assert figure.unprepared() == []
        want = {(n, s) for s in LANDSCAPES for n in ("SGD", "Adam")} | {
            (n, "beale") for n in R.RACERS
        }
        assert set(computed) == want and len(computed) == len(want)
