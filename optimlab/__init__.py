"""optimlab: the update rules and interactive figures behind the optimizer notebooks.

The numerics (``Problem``, ``run``, the optimizers, ``lr_scheduler``, ``theory``) and the
self-checked exercises (``optimlab.exercises``, loaded when first used) need only NumPy. The
figures (``optimlab.plots``) and the slider panels (``optimlab.widgets``) load matplotlib and
ipywidgets the first time they are used.
"""

from importlib import import_module

from . import (
    curvature,
    data,
    experiments,
    lr_scheduler,
    nn,
    optim,
    problems,
    race,
    schedules,
    stochastic,
    theory,
    training,
)
from .optim import *  # noqa: F403  (the optimizers, with torch.optim's names)
from .problems import Problem, quadratic
from .race import steps_to_tolerance, tune_lr
from .run import Trajectory, replay, run

__all__ = [
    *optim.__all__,
    "Problem",
    "Trajectory",
    "curvature",
    "data",
    "experiments",
    "lr_scheduler",
    "nn",
    "problems",
    "quadratic",
    "race",
    "replay",
    "run",
    "schedules",
    "steps_to_tolerance",
    "stochastic",
    "theory",
    "training",
    "tune_lr",
]
__version__ = "0.1.0"


def __getattr__(name):
    if name in ("exercises", "plots", "widgets"):
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'optimlab' has no attribute {name!r}")
