"""Figures built once, with a ``show`` method that puts new numbers into the same artists."""

from .adam import MemoryFigure, SwatsFigure
from .adaptive import StallFigure, fit_figure
from .curvature import CurvatureFigure
from .descent import DescentFigure, SweepFigure
from .ema import SmoothingFigure, weights_figure
from .figure import LiveFigure, new_figure, png
from .momentum import MomentumFigure, landscape_figure
from .race import RaceFigure
from .schedules import ScheduleFigure, annealing_figure, range_test_figure, warmup_figure
from .stochastic import StochasticFigure, noise_ball_figure
from .training import TrainingFigure, boundaries_figure, curves_figure, directions_figure

__all__ = [
    "CurvatureFigure",
    "DescentFigure",
    "MemoryFigure",
    "StallFigure",
    "SwatsFigure",
    "fit_figure",
    "LiveFigure",
    "MomentumFigure",
    "SmoothingFigure",
    "SweepFigure",
    "TrainingFigure",
    "boundaries_figure",
    "curves_figure",
    "directions_figure",
    "landscape_figure",
    "new_figure",
    "png",
    "weights_figure",
    "RaceFigure",
    "ScheduleFigure",
    "annealing_figure",
    "range_test_figure",
    "warmup_figure",
    "StochasticFigure",
    "noise_ball_figure",
]
