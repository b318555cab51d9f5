"""Closed forms that the notebooks check the runs against."""

from __future__ import annotations

import numpy as np


def gd_factor(lr, curvature: float = 8.0):
    """The factor by which one gradient-descent step multiplies x on f(x) = (curvature/2)·x².

    x ← x − lr·curvature·x = (1 − curvature·lr)·x. On the course's 4x² (curvature 8) it is
    1 − 8·lr: −7 at lr = 1, 0 at lr = 0.125, −1 at lr = 0.25.
    """
    return 1.0 - curvature * np.asarray(lr, dtype=float)


def gd_regime(lr: float, curvature: float = 8.0) -> str:
    """In words, what gradient descent does on a parabola of this curvature at this lr."""
    q = float(gd_factor(lr, curvature))
    if q == 0:
        return "lands on the minimum in one step (Newton's step, lr = 1/f'')"
    if q == -1:
        return "bounces between ±x0 forever (lr = 2/f'')"
    if abs(q) > 1:
        return "diverges" + (", oscillating" if q < 0 else "")
    if q == 1:
        return "does not move (lr = 0)"
    return "converges" + (", oscillating" if q < 0 else " monotonically")
