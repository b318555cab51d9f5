"""Small data sets the notebooks make themselves (nothing is downloaded)."""

from __future__ import annotations

import numpy as np


def daily_temperature(days: int = 365, seed: int = 0, noise: float = 3.0):
    """A year of temperature-like daily readings: a seasonal curve plus noise, the picture
    behind seed 000's exponentially weighted average. Returns (day, reading, seasonal curve),
    the days numbered from 1; the same ``seed`` gives the same series everywhere."""
    if not isinstance(days, (int, np.integer)) or days < 2:
        raise ValueError(f"days must be an integer >= 2, got {days!r}")
    day = np.arange(1, days + 1)
    season = 12.0 - 10.0 * np.cos(2 * np.pi * (day - 15) / 365.0)
    rng = np.random.default_rng(seed)
    return day, season + rng.normal(0.0, noise, size=days), season
