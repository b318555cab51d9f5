"""Update rules with torch.optim's names, defaults, checks and semantics."""

from .base import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
