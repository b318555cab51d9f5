"""Work on a live figure is one thread at a time.

In a kernel, ipywidgets may deliver the controls' and the canvas's messages on a thread of
their own (JupyterLab 4 sends them to a kernel subshell), while a timer fires on the thread that
started it: idle work (``LiveFigure.when_idle``) and the whole-frame resends. Seen in the browser
benchmark: 09's idle-time drawing and a key press's update ran at once on one canvas. Each test
here makes the two meet on purpose and checks that one waits for the other.
"""

import threading
import time

import pytest

import optimlab as ol
from optimlab.plots import figure as F
from optimlab.widgets import controls as C

HOLD_S = 0.3


def _events(panel, figure):
    """Record when each redraw starts and ends (monotonic seconds)."""
    seen = []
    redraw = figure.redraw

    def recorded():
        start = time.monotonic()
        redraw()
        seen.append((start, time.monotonic()))

    figure.redraw = recorded
    return seen


def _in_thread(target):
    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t


def test_a_control_event_waits_for_idle_work_in_progress(timers, monkeypatch):
    with ol.widgets.LearningRatePanel(lr=0.2) as panel:
        figure = panel.figure
        inside, job_span = threading.Event(), []

        def job():
            start = time.monotonic()
            inside.set()
            time.sleep(HOLD_S)  # a long idle job, e.g. drawing another landscape
            job_span.append((start, time.monotonic()))

        jobs = [job]
        figure.when_idle("test", lambda: jobs.pop() if jobs else None, 10)
        monkeypatch.setattr(figure, "_last_redraw", 0.0)  # idle: the tick runs the job
        redraws = _events(panel, figure)
        ticking = _in_thread(timers[-1].fire)  # the timer's thread
        assert inside.wait(5)
        moving = _in_thread(lambda: setattr(panel.controls["lr"], "value", 0.1))  # the key press
        ticking.join(5)
        moving.join(5)
        assert job_span and redraws
        (_, job_end), (redraw_start, _) = job_span[0], redraws[-1]
        assert redraw_start >= job_end, "the update drew while the idle job was drawing"
        assert panel.controls["lr"].value == 0.1


def test_idle_work_waits_for_a_control_event_in_progress(timers, monkeypatch):
    with ol.widgets.LearningRatePanel(lr=0.2) as panel:
        figure = panel.figure
        job_starts = []
        jobs = [lambda: job_starts.append(time.monotonic())]
        figure.when_idle("test", lambda: jobs.pop() if jobs else None, 10)
        inside = threading.Event()
        compute = panel.compute

        def slow_compute():
            inside.set()
            time.sleep(HOLD_S)
            return compute()

        monkeypatch.setattr(panel, "compute", slow_compute)
        redraws = _events(panel, figure)
        moving = _in_thread(lambda: setattr(panel.controls["lr"], "value", 0.1))
        assert inside.wait(5)
        monkeypatch.setattr(F, "QUIET_S", -1.0)  # a tick would run now if nothing held it
        ticking = _in_thread(timers[-1].fire)
        moving.join(5)
        ticking.join(5)
        assert redraws and job_starts
        # the whole update, its redraw included, came before the idle job
        assert job_starts[0] >= redraws[-1][1], "the idle job ran during a control's update"


def test_a_whole_frame_resend_waits_for_an_update(monkeypatch):
    with ol.widgets.LearningRatePanel(lr=0.2) as panel:
        figure = panel.figure
        figure.lock.acquire()  # an update in progress on another thread
        try:
            done = threading.Event()
            resend = _in_thread(lambda: (figure._send_whole_frame(), done.set()))
            assert not done.wait(HOLD_S), "the resend did not wait for the lock"
        finally:
            figure.lock.release()
        resend.join(5)
        assert done.is_set()


def test_the_browsers_canvas_requests_are_handled_under_the_lock():
    class WebCanvas:  # the two methods _hold_for_events looks for on a web (ipympl) canvas
        def __init__(self):
            self.handled = []

        def get_diff_image(self):
            return None

        def handle_event(self, event):
            self.handled.append(event["type"])
            return event["type"]

    canvas, lock = WebCanvas(), threading.RLock()
    F._hold_for_events(canvas, lock)
    with lock:
        t = _in_thread(lambda: canvas.handle_event({"type": "draw"}))
        t.join(HOLD_S)
        assert canvas.handled == []  # waiting for the lock
    t.join(5)
    assert canvas.handled == ["draw"]
    assert canvas.handle_event({"type": "refresh"}) == "refresh"


def test_a_preset_defers_the_updates_of_its_own_thread_only():
    updates = []
    C._PRESETS.deferred = []  # this thread is applying a preset
    try:
        assert C.defer(updates.append)
        other = []
        t = _in_thread(lambda: other.append(C.defer(updates.append)))
        t.join(5)
        assert other == [False], "another thread's update was deferred to this preset"
    finally:
        C._PRESETS.deferred = None


def _first_control(panel):
    return next(
        (name, c) for name, c in panel.controls.items()
        if hasattr(c, "value") and name not in ("play",)
    )  # fmt: skip


def _another_value(control):
    if isinstance(control.value, bool):
        return not control.value
    if hasattr(control, "options"):
        values = [v for _, v in control.options]
        return values[(values.index(control.value) + 1) % len(values)]
    return control.min if control.value != control.min else control.max


@pytest.mark.parametrize("registered", ol.widgets.PANELS, ids=lambda r: r.cls.__name__)
def test_every_panel_computes_shows_and_redraws_under_its_figures_lock(registered, monkeypatch):
    # driven as the browser does: a control set on another thread than the panel was made on
    panel = registered.make()
    try:
        figure, held = panel.figure, []

        def checked(method, name):
            def call(*args):
                held.append((name, figure.lock._is_owned()))  # True only for the holder
                return method(*args)

            return call

        for name in ("show", "redraw"):
            monkeypatch.setattr(figure, name, checked(getattr(figure, name), name))
        monkeypatch.setattr(panel, "compute", checked(panel.compute, "compute"))
        _, control = _first_control(panel)
        value = _another_value(control)
        _in_thread(lambda: setattr(control, "value", value)).join(30)
        assert {name for name, _ in held} == {"compute", "show", "redraw"}
        assert all(owned for _, owned in held), held
    finally:
        panel.close()


def test_png_and_close_wait_for_work_in_progress():
    panel = ol.widgets.SmoothingPanel()
    figure = panel.figure
    for name, call in (("png", figure.png), ("close", panel.close)):
        figure.lock.acquire()  # an update or an idle job on another thread
        try:
            done = threading.Event()
            t = _in_thread(lambda call=call, done=done: (call(), done.set()))
            assert not done.wait(HOLD_S), f"{name}() did not wait for the lock"
        finally:
            figure.lock.release()
        t.join(10)
        assert done.is_set()


def _waiting_tick(timer):
    """Fire ``timer`` on another thread, which is to wait for the figure's lock (held by the
    caller); returns the thread and the errors it raised."""
    errors = []

    def fire():
        try:
            timer.fire()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    t = _in_thread(fire)
    time.sleep(0.2)  # now waiting for the lock
    return t, errors


@pytest.mark.parametrize("work_left", [True, False])
def test_a_tick_that_waited_for_close_does_nothing(timers, work_left):
    panel = ol.widgets.LearningRatePanel()
    figure = panel.figure
    ran = []
    figure.when_idle("test", lambda: (lambda: ran.append(1)) if work_left else None, 10)
    figure._last_redraw = 0.0
    with figure.lock:  # an update in progress
        ticking, errors = _waiting_tick(timers[-1])
        panel.close()  # this thread holds the lock: closes now, the tick still waits
    ticking.join(5)
    assert errors == [] and ran == [] and not timers[-1].running


def test_new_work_under_a_name_is_not_dropped_by_a_tick_of_the_old(timers):
    with ol.widgets.LearningRatePanel() as panel:
        figure = panel.figure
        figure._last_redraw = 0.0
        figure.when_idle("test", lambda: None, 10)  # nothing left to do
        ran = []
        with figure.lock:
            ticking, errors = _waiting_tick(timers[-1])
            figure.when_idle("test", lambda: (lambda: ran.append(1)) if not ran else None, 10)
        ticking.join(5)
        assert errors == [] and figure._idle.get("test") is timers[-1]
        timers[-1].fire()
        assert ran == [1]
