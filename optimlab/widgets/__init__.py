"""Slider panels: ipywidgets controls wired to the figures of ``optimlab.plots``."""

from .adam import AdamMemoryPanel, SwatsPanel
from .adaptive import StallPanel
from .descent import LearningRatePanel, SweepPanel
from .ema import SmoothingPanel
from .momentum import MomentumPanel
from .panel import Panel

__all__ = [
    "AdamMemoryPanel",
    "LearningRatePanel",
    "MomentumPanel",
    "Panel",
    "SmoothingPanel",
    "StallPanel",
    "SwatsPanel",
    "SweepPanel",
]
