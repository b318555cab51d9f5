"""Notebook 09's panel: the optimizer race."""

from __future__ import annotations

import functools

import ipywidgets as w

from ..plots.race import RaceFigure
from ..problems import LANDSCAPES
from ..race import DEFAULT_RACERS, MULTIPLES, RACERS, race_trace, race_view
from .controls import DESCRIPTION_STYLE, steps_slider, value_slider
from .panel import Panel

PLAY_FRAMES = 150  # Play crosses any landscape's budget in about this many frames


class RacePanel(Panel):
    """Every racer of ``optimlab.race`` (all of torch.optim that moves a 2-D point, with
    AMSGrad, NAG and Lookahead, and L-BFGS) released from the same start on a landscape: a
    landscape dropdown, a checkbox per racer, one slider for the multiple of the tuned
    learning rates (log scale), the iteration with Play, and the optimizer whose state the
    inspector shows.

    Each racer's run is computed once per landscape for every multiple at once
    (``race.race_trace``, cached), so the iteration and multiple sliders only move artists;
    ``warm=True`` computes, in the kernel's idle time after the panel is made, the ticked
    racers on every landscape and every racer on the first one (a few seconds in all); any
    race not computed yet is computed the first time it is shown (about 0.1 s for
    Rosenbrock's 3000 steps)."""

    def __init__(self, landscape="rosenbrock", racers=DEFAULT_RACERS, multiple=1.0,
                 inspect="Adam", t=None, warm=True):  # fmt: skip
        if landscape not in LANDSCAPES:
            LANDSCAPES[landscape]  # the ValueError listing them
        for name in (*racers, inspect):
            if name not in RACERS:
                raise ValueError(
                    f"unknown optimizer {name!r}; valid: {', '.join(map(repr, RACERS))}"
                )
        steps = LANDSCAPES[landscape].steps
        t = steps if t is None else t
        self._holding = False
        self._landscape = landscape
        dropdown = w.Dropdown(
            options=[(s, s) for s in LANDSCAPES], value=landscape, description="landscape",
            style=DESCRIPTION_STYLE, layout={"width": "300px"},
        )  # fmt: skip
        multiple_slider = value_slider("lr × tuned", MULTIPLES, multiple)
        multiple_slider.layout = {"width": "420px"}
        it, play, link = steps_slider("iteration t", t, 0, steps, interval_ms=100)
        play.step = max(1, steps // PLAY_FRAMES)
        inspector = w.Dropdown(
            options=[(n, n) for n in RACERS], value=inspect, description="inspect",
            style={"description_width": "60px"}, layout={"width": "230px"},
        )  # fmt: skip
        boxes = {
            f"racer {name}": w.Checkbox(
                value=name in racers,
                description=name,
                indent=False,
                # wide enough for "Lookahead(SGDM)" unclipped, six to a row in 840 px
                layout={"width": "152px" if name.startswith("Lookahead") else "128px"},
            )  # fmt: skip
            for name in RACERS
        }
        grid = w.HBox(list(boxes.values()), layout={"flex_flow": "row wrap", "width": "840px"})
        controls = {
            "landscape": dropdown, "multiple": multiple_slider, "t": it, "play": play,
            "inspect": inspector, **boxes,
        }  # fmt: skip
        rows = [w.HBox([dropdown, multiple_slider]), grid, w.HBox([it, play, inspector])]
        # the first draw saves this landscape's background; the figure draws the others'
        # in the kernel's idle time after it (RaceFigure.prepare), so switching only blits
        super().__init__(controls, rows, owned=[link])
        if warm:  # the ticked racers everywhere, and every racer on this landscape
            self._warm_later([
                (name, scape)
                for scape in LANDSCAPES
                for name in (RACERS if scape == landscape else racers)
                if not (name == "LBFGS" and LANDSCAPES[scape].noise)
            ])  # fmt: skip

    def _warm_later(self, todo: list, interval_ms: int = 150) -> None:
        """Compute the races in ``todo`` ((racer, landscape) pairs, cached by
        ``race.race_trace``) in the kernel's idle time, one per timer tick (up to 0.1 s each;
        ``LiveFigure.when_idle``): so that ticking a racer or switching the landscape later
        finds its race ready, without making Run All wait for 43 races. Without an event loop
        (tests, scripts) a race is computed when it is first shown."""
        todo = list(todo)

        def next_job():
            return functools.partial(race_trace, *todo.pop(0)) if todo else None

        self.figure.when_idle("warm", next_job, interval_ms)

    def new_figure(self):
        return RaceFigure()

    def selected(self) -> tuple:
        return tuple(n for n in RACERS if self.controls[f"racer {n}"].value)

    def update(self, change=None) -> None:
        with self.figure.lock:  # the iteration slider's bounds too (see LiveFigure.lock)
            self._update(change)

    def _update(self, change) -> None:
        if self._holding:
            return
        landscape = self.value("landscape")
        if landscape != self._landscape:  # a new budget: the iteration slider follows
            it, play = self.controls["t"], self.controls["play"]
            old_steps = LANDSCAPES[self._landscape].steps
            steps = LANDSCAPES[landscape].steps
            self._holding = True
            try:
                at_end = it.value == old_steps
                if steps > it.max:
                    it.max, play.max = steps, steps
                new_t = steps if at_end else min(it.value, steps)
                it.value = play.value = new_t
                it.max, play.max = steps, steps
                play.step = max(1, steps // PLAY_FRAMES)
            finally:
                self._holding = False
            self._landscape = landscape
        super().update(change)

    def compute(self):
        return race_view(
            self.value("landscape"), self.selected(), self.value("multiple"),
            int(self.value("t")), self.value("inspect"),
        )  # fmt: skip
