"""Slider panels: ipywidgets controls wired to the figures of ``optimlab.plots``."""

from .descent import LearningRatePanel, SweepPanel
from .panel import Panel

__all__ = ["LearningRatePanel", "Panel", "SweepPanel"]
