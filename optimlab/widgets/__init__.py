"""Slider panels: ipywidgets controls wired to the figures of ``optimlab.plots``."""

from .descent import LearningRatePanel, SweepPanel
from .ema import SmoothingPanel
from .momentum import MomentumPanel
from .panel import Panel

__all__ = ["LearningRatePanel", "MomentumPanel", "Panel", "SmoothingPanel", "SweepPanel"]
