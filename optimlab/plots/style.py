"""One setting for every figure made from now on in this kernel: the projector scale."""

from __future__ import annotations

import math

_SETTINGS = {"scale": 1.0}  # the kernel's one style setting (see ``style``)

BASE_DPI = 100


def style(scale: float = 1.0) -> float:
    """Enlarge every figure made from now on by ``scale``: fonts, markers, line widths and the
    canvas together (the figure is drawn at ``scale`` times the resolution, so its layout and
    the room between its texts stay as they are). ``style(1.4)`` is projector mode;
    ``style(1.0)`` goes back. Returns the scale in force."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError(f"scale must be a number, got {scale!r}")
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    _SETTINGS["scale"] = float(scale)
    return _SETTINGS["scale"]


def projector() -> float:
    """Projector mode for a classroom: ``style(scale=1.4)``."""
    return style(1.4)


def dpi() -> float:
    """The resolution new figures are drawn at (BASE_DPI x the scale)."""
    return BASE_DPI * _SETTINGS["scale"]
