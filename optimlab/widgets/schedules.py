"""Notebook 07's panel: pick a learning-rate scheduler, set its parameters, see lr(t) and the
run it makes against a constant lr."""

from __future__ import annotations

import ipywidgets as w

from ..plots.schedules import ScheduleFigure
from ..schedules import MODES, SCHEDULERS, schedule_run
from .controls import log_values, preset_buttons, value_slider
from .panel import Panel

STEPS = 300
PARAM_WIDTH = {"width": "400px"}
# what the shared "period" slider means for each scheduler
PERIOD_NAMES = {
    "StepLR": "step_size",
    "CosineAnnealingLR": "T_max",
    "CosineAnnealingWarmRestarts": "T_0",
    "CyclicLR": "step_size_up",
}
PERIODS = (5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 300)
GAMMAS = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)
RATIOS = (0.01, 0.02, 0.05, 0.07, 0.1, 0.2, 0.25, 0.33, 0.5)
WARMUPS = (1, 2, 5, 10, 20, 30, 50, 100)
PCTS = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75)
T0S = (1, 2, 5, 10, 20, 50, 100)
LR_RANGE = (1e-4, 0.05)


def _param(description, values, value, fmt="{:g}"):
    s = value_slider(description, values, value, fmt)
    s.layout = w.Layout(**PARAM_WIDTH)
    return s


class SchedulePanel(Panel):
    """A scheduler (dropdown) and its parameters (sliders; only those the scheduler takes are
    shown), with presets from the papers; above, lr(t) (and momentum(t) where it cycles);
    below, SGD with momentum 0.9 (batches of 8) on notebook 06's noisy fit under that
    schedule against the constant lr (8 seeds, 300 steps, ``schedules.schedule_run``).
    ``lr`` is the base lr (max_lr for CyclicLR and OneCycleLR) and the constant lr compared
    with."""

    def __init__(self, scheduler: str = "CosineAnnealingLR", lr: float = 0.01, period: int = 100):
        if scheduler not in SCHEDULERS:
            raise ValueError(
                f"scheduler must be one of {', '.join(map(repr, SCHEDULERS))}, got {scheduler!r}"
            )
        c = {
            "scheduler": w.Dropdown(
                options=[(n, n) for n in SCHEDULERS], value=scheduler, description="scheduler",
                layout={"width": "360px"}, style={"description_width": "70px"},
            ),
            "lr": value_slider(
                "lr (max)", log_values(*LR_RANGE, per_decade=10, exact=(0.0093,)), lr
            ),
            "period": _param("period", PERIODS, period),
            "gamma": _param("gamma", GAMMAS, 0.98),
            "T_mult": _param("T_mult", (1, 2, 3), 2.0),
            "ratio": _param("base_lr/max_lr", RATIOS, 0.07),
            "mode": w.Dropdown(
                options=[(m, m) for m in MODES], value="triangular", description="mode",
                layout={"width": "260px"}, style={"description_width": "50px"},
            ),
            "warmup": _param("warm-up steps", WARMUPS, 20.0),
            "pct_start": _param("pct_start", PCTS, 0.3),
            "t0": _param("t0 in 1/(1+t/t0)", T0S, 20.0),
        }  # fmt: skip
        c["lr"].layout = w.Layout(width="420px")
        self._last = None  # (the parameters it read, the result): see compute
        self._params = [c[k] for k in ("period", "gamma", "T_mult", "ratio", "mode")]
        self._params += [c[k] for k in ("warmup", "pct_start", "t0")]
        params_box = w.Box(self._params, layout={"flex_flow": "row wrap"})
        sched = c["scheduler"]
        presets = preset_buttons(
            "papers:",
            [
                ("step ×0.1", {sched: "StepLR", c["period"]: 100.0, c["gamma"]: 0.1}),
                ("SGDR 10, ×2", {sched: "CosineAnnealingWarmRestarts", c["period"]: 10.0,
                                 c["T_mult"]: 2.0}),
                ("CLR", {sched: "CyclicLR", c["lr"]: 0.0093, c["ratio"]: 0.07,
                         c["period"]: 40.0, c["mode"]: "triangular"}),
                ("1cycle", {sched: "OneCycleLR", c["lr"]: 0.0093, c["pct_start"]: 0.3}),
                ("warm-up", {sched: "warm-up → cosine", c["warmup"]: 20.0}),
            ],
        )  # fmt: skip
        # shown/hidden before the panel's own observer draws (observers run in order); the
        # closure holds the controls only, not the panel
        sched.observe(lambda change: _show_params(c, change["new"]), names="value")
        _show_params(c, scheduler)
        super().__init__(c, [w.HBox([sched, c["lr"]]), params_box, presets])

    def new_figure(self):
        return ScheduleFigure(STEPS)

    def compute(self):
        name = self.value("scheduler")
        params = {k: self.value(k) for k in self.controls if k != "scheduler"}
        # a control the scheduler does not read (hidden) changes nothing: reuse the result
        key = (name, params["lr"], *(params[k] for k in SCHEDULERS[name]))
        if self._last is None or self._last[0] != key:
            self._last = (key, schedule_run(name, params, STEPS))
        return self._last[1]


def _show_params(controls, name) -> None:
    used = set(SCHEDULERS[name])
    for key in ("period", "gamma", "T_mult", "ratio", "mode", "warmup", "pct_start", "t0"):
        controls[key].layout.display = None if key in used else "none"
    if name in PERIOD_NAMES:
        controls["period"].description = PERIOD_NAMES[name]
