"""Figures built once, with a ``show`` method that puts new numbers into the same artists."""

from .adam import MemoryFigure, SwatsFigure
from .adaptive import StallFigure, fit_figure
from .descent import DescentFigure, SweepFigure
from .ema import SmoothingFigure, weights_figure
from .figure import LiveFigure, new_figure, png
from .momentum import MomentumFigure, landscape_figure
from .race import RaceFigure

__all__ = [
    "DescentFigure",
    "MemoryFigure",
    "StallFigure",
    "SwatsFigure",
    "fit_figure",
    "LiveFigure",
    "MomentumFigure",
    "SmoothingFigure",
    "SweepFigure",
    "landscape_figure",
    "new_figure",
    "png",
    "weights_figure",
    "RaceFigure",
]
