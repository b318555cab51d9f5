"""Update rules with torch.optim's names, defaults, checks and semantics, plus Newton's method.

SparseAdam and LBFGS are left out: optimlab works on dense arrays, and LBFGS needs a closure and
a line search that no notebook uses.
"""

from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .base import Optimizer
from .eve import Eve
from .nadam import NAdam
from .newton import Newton
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = [
    "ASGD",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Eve",
    "NAdam",
    "Newton",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
]
