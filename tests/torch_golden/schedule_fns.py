"""The named functions that LambdaLR, MultiplicativeLR and CyclicLR's scale_fn use in the golden
records: make_schedulers.py (under torch) and test_lr_scheduler.py (under optimlab) both look
them up here by the name stored in schedulers.json. Plain Python floats, no imports beyond math."""

import math

FUNCTIONS = {
    # LambdaLR factors of the epoch
    "inv_sqrt": lambda e: 1 / math.sqrt(e + 1),
    "pow095": lambda e: 0.95**e,
    "step30": lambda e: 0.1 ** (e // 30),
    "warmup10": lambda e: min(1.0, (e + 1) / 10),
    # MultiplicativeLR factors
    "const095": lambda e: 0.95,
    "zigzag": lambda e: 1.02 if e % 3 else 0.9,
    # CyclicLR scale_fn: of the cycle number, or of the step
    "half_cycle": lambda x: 1 / (2.0 ** (x - 1)),
    "iter_decay": lambda x: 0.995**x,
}
