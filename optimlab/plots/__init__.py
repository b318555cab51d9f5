"""Figures built once, with a ``show`` method that puts new numbers into the same artists."""

from .descent import DescentFigure, SweepFigure
from .figure import new_figure

__all__ = ["DescentFigure", "SweepFigure", "new_figure"]
