"""Slider panels: ipywidgets controls wired to the figures of ``optimlab.plots``.

``PANELS`` is the registry: every panel class with the arguments its notebook uses. The widget
tests, the redraw test and the latency benchmarks iterate over it, so a new panel is added there.
``style(scale)`` / ``projector()`` enlarge every figure made afterwards in this kernel.
"""

from __future__ import annotations

from typing import NamedTuple

from ..plots.style import projector, style
from .adam import AdamMemoryPanel, SwatsPanel
from .adaptive import StallPanel
from .curvature import CurvaturePanel
from .descent import LearningRatePanel, SweepPanel
from .ema import SmoothingPanel
from .momentum import MomentumPanel, RollingPanel
from .panel import Panel
from .race import RacePanel
from .schedules import SchedulePanel
from .stochastic import StochasticPanel
from .training import TrainingPanel


class Registered(NamedTuple):
    """A panel class, the arguments its notebook passes, and the notebook (e.g. "01")."""

    notebook: str
    cls: type
    kwargs: dict

    def make(self) -> Panel:
        return self.cls(**self.kwargs)

    @property
    def name(self) -> str:
        return self.cls.__name__


PANELS = (
    Registered("01", LearningRatePanel, {"lr": 0.2, "iterations": 20}),
    Registered("01", SweepPanel, {"lr_max": 0.3}),
    Registered("02", SmoothingPanel, {"beta": 0.9}),
    Registered("03", MomentumPanel, {"lr": 0.01, "momentum": 0.63}),
    Registered("03", RollingPanel, {"momentum": 0.9}),
    Registered("04", StallPanel, {"alpha": 0.99, "size": 10.0, "length": 50, "lr": 0.01}),
    Registered("05", AdamMemoryPanel, {"beta2": 0.999, "beta1": 0.0, "size": 1e5, "at": 90_000}),
    Registered("05", SwatsPanel, {"switch_at": 20}),
    Registered("06", StochasticPanel, {"batch_size": 1, "lr": 0.1, "decay": "none", "seed": 0}),
    Registered("07", SchedulePanel, {"scheduler": "CosineAnnealingLR", "lr": 0.01}),
    Registered("08", CurvaturePanel, {"kappa": 100.0, "angle": 30.0, "iterations": 20}),
    Registered("09", RacePanel, {"landscape": "rosenbrock", "multiple": 1.0, "inspect": "Adam"}),
    Registered(
        "10",
        TrainingPanel,
        {"optimizer": "Adam", "lr": 0.003, "batch_size": 32, "weight_decay": 0.0, "epochs": 100},
    ),
)

__all__ = [
    "PANELS",
    "AdamMemoryPanel",
    "LearningRatePanel",
    "MomentumPanel",
    "Panel",
    "Registered",
    "RollingPanel",
    "SchedulePanel",
    "SmoothingPanel",
    "StallPanel",
    "SwatsPanel",
    "SweepPanel",
    "CurvaturePanel",
    "TrainingPanel",
    "RacePanel",
    "projector",
    "style",
    "StochasticPanel",
]
