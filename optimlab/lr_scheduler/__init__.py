"""Learning-rate schedules (学习率调度) with torch.optim.lr_scheduler's names, keywords, defaults,
checks and arithmetic, less the ``optimizer`` argument, as pure functions:

    sched = CosineAnnealingLR(T_max=100)
    state = sched.init(base_lr)                  # construction (torch's initial step)
    lr = sched.lr(state)                         # the lr for the next optimizer step
    state = sched.step(state)                    # scheduler.step(), after optimizer.step()
    sched.lrs(base_lr, steps)                    # the lr at optimizer steps 1 … steps

``base_lr`` may be a NumPy array (a sweep): each element follows torch's schedule at that lr,
bit for bit. ReduceLROnPlateau reads the loss (``step(state, loss)``, ``lrs(..., losses)``);
CyclicLR and OneCycleLR also cycle momentum (``momentum(state)``, ``momenta(steps)``).
``last_epoch`` (torch's checkpoint resumption) is accepted only at its default, -1.
"""

from .base import LRScheduler
from .compose import ChainedScheduler, SequentialLR
from .cyclic import CyclicLR, OneCycleLR
from .decay import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
