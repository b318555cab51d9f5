"""Notebook 06's panel: SGD with minibatches against full-batch gradient descent."""

from __future__ import annotations

import ipywidgets as w

from ..experiments import check_count
from ..plots.stochastic import StochasticFigure
from ..stochastic import START, course_fit, paths
from .controls import (
    DESCRIPTION_STYLE,
    log_values,
    preset_buttons,
    steps_slider,
    value_slider,
)
from .panel import Panel

WINDOW = ((-7.5, 17.5), (295.0, 320.0))  # (w, b) around the start and the minimum
DECAY_CHOICES = (("none", "none"), ("1/t", "1/t"), ("1/√t", "1/√t"))
PLAY_FRAMES = 100  # Play crosses any run in about this many frames


class StochasticPanel(Panel):
    """The course's linear fit (x standardised, ``stochastic.course_fit``): SGD with batch size
    B (1 ... n, log-spaced; buttons for 1 and n), an lr (log slider) with no decay, 1/t or 1/√t,
    and a seed; ``n_seeds`` seeds from the slider's drawn (its own bold), for ``epochs`` epochs,
    beside full-batch gradient descent over as many examples. The updates slider and Play step
    through the run. Each event of B, lr, decay or seed runs every seed in one vectorised loop
    (``stochastic.sgd_paths``: 640 updates of 5 seeds at B = 1 take about 15 ms); the updates
    slider reuses the runs."""

    def __init__(
        self,
        batch_size: int = 1,
        lr: float = 0.1,
        decay: str = "none",
        seed: int = 0,
        n_seeds: int = 5,
        epochs: int = 5,
    ):
        self.problem = course_fit()
        n = self.problem.n
        self.n_seeds = check_count("n_seeds", n_seeds, 1, 8)
        self.epochs = check_count("epochs", epochs, 1, 100)
        sizes = [2**k for k in range(n.bit_length()) if 2**k < n] + [n]
        check_count("batch_size", batch_size, 1, n)
        if batch_size not in sizes:
            raise ValueError(f"batch_size must be one of {sizes}, got {batch_size!r}")
        if decay not in dict(DECAY_CHOICES):
            raise ValueError(f"decay must be one of 'none', '1/t', '1/√t'; got {decay!r}")
        self._cache = None  # ((B, lr, decay, seed), Paths): the updates slider reuses it
        self._syncing = False
        b_slider = value_slider("batch size B", sizes, batch_size, "{:.0f}")
        lr_slider = value_slider(
            "learning rate", log_values(1e-3, 1.0, 10, exact=(0.01, 0.03, 0.1)), lr
        )
        decay_buttons = w.ToggleButtons(
            options=DECAY_CHOICES, value=decay, description="lr decay",
            style={**DESCRIPTION_STYLE, "button_width": "60px"},
        )  # fmt: skip
        seed_slider = value_slider("seed", range(0, 20), seed, "{:.0f}")
        updates = self.epochs * -(-n // batch_size)
        u_slider, play, link = steps_slider("updates", updates, 0, updates, interval_ms=100)
        play.step = max(1, updates // PLAY_FRAMES)
        self._play = play
        presets = preset_buttons(
            "batch size:",
            [("B = 1 (SGD)", {b_slider: 1.0}), (f"B = n = {n} (full batch)", {b_slider: float(n)})],
        )
        controls = {
            "batch_size": b_slider, "lr": lr_slider, "decay": decay_buttons,
            "seed": seed_slider, "updates": u_slider, "play": play,
        }  # fmt: skip
        super().__init__(
            controls,
            [presets, b_slider, w.HBox([lr_slider, decay_buttons]), seed_slider,
             w.HBox([u_slider, play])],
            owned=[link],
        )  # fmt: skip

    def new_figure(self):
        return StochasticFigure(self.problem, START, WINDOW, self.n_seeds, self.epochs)

    def update(self, change=None) -> None:
        if not self._syncing:  # the updates slider follows B: one redraw, not two
            super().update(change)

    def compute(self):
        key = (
            int(self.value("batch_size")), self.value("lr"), self.value("decay"),
            int(self.value("seed")),
        )  # fmt: skip
        if self._cache is None or self._cache[0] != key:
            b, lr, decay, seed = key
            result = paths(
                self.problem, b, lr, decay, seed, n_seeds=self.n_seeds, epochs=self.epochs
            )
            if self._cache is None or self._cache[0][0] != b:  # a new B: show the whole run
                self._sync_updates(result.updates)
            self._cache = (key, result)
        return self._cache[1].at(self.value("updates"))

    def _sync_updates(self, updates: int) -> None:
        slider, play = self.controls["updates"], self._play
        self._syncing = True
        try:
            if updates > slider.max:
                slider.max = play.max = updates
                slider.value = play.value = updates
            else:
                slider.value = play.value = updates
                slider.max = play.max = updates
            play.step = max(1, updates // PLAY_FRAMES)
        finally:
            self._syncing = False
