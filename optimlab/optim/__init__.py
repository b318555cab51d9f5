"""Update rules with torch.optim's names, defaults, checks and semantics, plus Newton's method
and Lookahead (a wrapper around any of them).

LBFGS evaluates the problem itself, through a closure (``needs_closure``), as torch's does.
SparseAdam works on dense arrays whose non-zero entries are the sparse gradient's entries.
"""

from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .base import Optimizer
from .eve import Eve
from .lbfgs import LBFGS
from .lookahead import Lookahead
from .muon import Muon
from .nadam import NAdam
from .newton import Newton
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam
from .swats import SWATS

__all__ = [
    "ASGD",
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Eve",
    "LBFGS",
    "Lookahead",
    "Muon",
    "NAdam",
    "Newton",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SparseAdam",
    "SWATS",
]
